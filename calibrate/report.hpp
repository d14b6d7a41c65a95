// What a calibration leaves in its directory: calibrated.yaml (a scenario
// overlay with the estimates), fit.md and fit.csv (every targeted and
// untargeted moment at the start and at the optimum), identification.csv and
// identification.svg (the sensitivity of each targeted moment to each
// parameter). All written atomically.
#pragma once

#include <string>
#include <vector>

#include "calibrate/evaluator.hpp"
#include "calibrate/inference.hpp"
#include "calibrate/optimizer.hpp"
#include "estimation/compare.hpp"

namespace firmsim::cal {

struct FitReport {
  std::string command;  // how this calibration was run (for reproducing it)
  std::string moments_file, parameters_file;
  SearchResult search;
  Evaluation start_point, best_point;  // simulated moments at the start and at the optimum
  Inference inference;
  est::Comparison start, optimum;  // every table at the start and at the optimum
  double seconds = 0;
  int simulated = 0, from_log = 0;
  int noise_draws = 0;  // replicates whose draws' covariance is in Omega (0: Omega diagonal)
  // The lowest objective of any evaluation, the standard errors' probes
  // included: below the optimum's, the search had not converged.
  double lowest_seen = 0;
};

// Whether a point evaluated after the search (a Jacobian probe) is better
// than the search's optimum by more than round-off.
bool search_not_converged(const FitReport& report);
// What fit.md and the summary say then, both objectives printed to as many
// digits as it takes to tell them apart.
std::string not_converged_warning(const FitReport& report);

// The overlay that sets the estimates (YAML emitter, nested by key).
std::string calibrated_overlay(const std::vector<Parameter>& ps, const std::vector<double>& theta,
                               const std::string& comment);
void write_fit_report(const std::string& dir, const Evaluator& evaluator, const FitReport& report);
// The headline lines printed at the end of a calibration.
void print_fit_summary(std::ostream& os, const Evaluator& evaluator, const FitReport& report);

}  // namespace firmsim::cal
