// `firmsim calibrate`: estimate the listed parameters by the method of
// simulated moments and write the estimates, the fit and the identification
// report into the output directory.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "calibrate/optimizer.hpp"

namespace firmsim::cal {

struct CalibrationOptions {
  std::string config;
  std::vector<std::string> scenarios;
  std::string moments, parameters;
  // The target sets the moments refer to; empty: the moments file's own
  // `targets:` list, else the default (seed 000's tables).
  std::vector<std::string> targets;
  std::string out = "runs/calibration";
  bool resume = false;
  int evaluations = 400;
  std::optional<int> replicates;
  std::optional<long long> firms;
  std::optional<long long> seed;
  std::optional<int> threads;
  int batch = 8;             // candidates per engine launch (= swarm size)
  // Multi-fidelity: the swarm screens candidates on a smaller world of this
  // many firm slots (DIR/screening.csv), the best `promote` of them are
  // evaluated at full size, and the polish and the standard errors run at
  // full size only. Unset: every evaluation at full size.
  std::optional<long long> screen_firms;
  int screen_evaluations = 0;  // the swarm's budget on the small world (0: 70% of --evaluations x the size ratio)
  int promote = 0;             // screened candidates evaluated at full size (0: 2 x --batch)
  // The objective's weighting (calibrate/moments.hpp): floor by default, since
  // the model is misspecified (calibrate/README.md, "Weighting").
  std::string weighting = "floor";
  double model_error = 0.1;
  // Replicates at the start point whose spread measures each moment's
  // simulation noise (calibrate/moments.hpp); 0: not measured.
  int noise_replicates = 0;
  // --noise-at: a scenario laid over the config whose parameter values the
  // noise is measured at instead of the start (so that scores of several
  // points share one weighting, e.g. a recovery's truth and its estimate).
  std::optional<std::string> noise_at;
  // --simulated-targets: the targets are one draw of the model (recovery).
  bool simulated_targets = false;
  // Score the start point only (no search, no log): DIR/score.csv, each
  // moment's simulated value, weight and share of the objective.
  bool score = false;
  unsigned search_seed = 1;  // the optimizers' seed
  // The search: the swarm's share of the budget (0: none, the local stage
  // starts at the start point) and the local stage, subplex or gauss-newton.
  double swarm_share = 0.7;
  std::string local_search = "subplex";
  // Gauss-Newton's Jacobian: its step in the unit box (unset: the default,
  // kDefaultJacobianStep; set, it must go with gauss-newton), and two-sided probes.
  std::optional<double> jacobian_step;
  bool central_differences = false;
  std::string command;       // as typed, for the report
};

// Throws InputError for bad input before anything is written.
int run_calibration(const CalibrationOptions& options, std::ostream& progress, bool interactive);

}  // namespace firmsim::cal
