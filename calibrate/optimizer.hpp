// The search: a global stage over the bounded box in batches (pagmo's
// generational particle swarm, pso_gen, whose every generation is one batch
// fitness evaluation, i.e. one engine launch), then a local polish from the
// best point (NLopt's SBPLX, Rowan's subplex: bounded, derivative-free, and
// robust to the small steps that a finite population leaves in a simulated
// objective even with common random numbers; BOBYQA, which fits a quadratic
// model, stalled on those steps in the recovery test). Both are seeded, so a
// resumed run replays the same candidates and finds the finished ones in the log.
//
// Multi-fidelity: the swarm's many candidates only need ranking, and a world
// of a quarter of the firms ranks them almost as well at a quarter of the cost;
// so the swarm may run on a screening evaluator, and only its best candidates
// (by the screening objective) are evaluated again at full size, where the
// polish starts from the best of them.
#pragma once

#include <vector>

#include "calibrate/evaluator.hpp"

namespace firmsim::cal {

// The local stage: subplex (NLopt, derivative-free, one candidate at a time)
// or Gauss-Newton on the weighted moment residuals (a finite-difference
// Jacobian and damped trial steps, each a batch; calibrate/README.md).
enum class LocalSearch { subplex, gauss_newton };
// Gauss-Newton's Jacobian step, in the unit box. 0.05, not 0.02: simulated
// moments jump where firms' discrete choices flip, and on both problems
// tried the wider step ended lower in the same budget (calibrate/README.md).
constexpr double kDefaultJacobianStep = 0.05;

struct SearchSettings {
  int evaluations = 400;      // budget over both stages (start point included)
  double global_share = 0.7;  // share of the budget for the swarm; 0: none, the local stage starts at the start
  LocalSearch local = LocalSearch::subplex;
  int swarm = 8;              // particles; each generation is one batch
  unsigned seed = 1;          // the optimizers' own seed (not the simulation's)
  double local_step = 0.05;   // the polish's initial step in the unit box
  // Gauss-Newton's Jacobian: the step in the unit box, and whether each
  // parameter is probed on both sides (2P evaluations, not P). A larger or
  // two-sided step averages over the jumps that firms' discrete choices
  // leave in simulated moments (calibrate/README.md).
  double jacobian_step = kDefaultJacobianStep;
  bool central_differences = false;
  // Before Gauss-Newton stops (no damped step and no probe of its Jacobian
  // improves), it evaluates the standard errors' probes around its point
  // (inference_probes) and goes on from the best if it is lower: a search
  // then stops by itself only where the fit report will find it converged.
  bool look_around = true;
  // Multi-fidelity (with a screening evaluator): the swarm's budget on the
  // small world, and how many of its best candidates go to full size.
  int screen_evaluations = 0;
  int promote = 0;
};

struct SearchResult {
  std::vector<double> start_theta, best_theta;
  double start_objective = 0, best_objective = 0;
  int global_evaluations = 0, local_evaluations = 0;
  int screened = 0, promoted = 0;  // multi-fidelity: on the small world, then moved to full size
  bool swarm = true;               // false: the local stage started at the start point
  LocalSearch local = LocalSearch::subplex;
  double jacobian_step = kDefaultJacobianStep;  // Gauss-Newton's, as searched
  bool central_differences = false;
};

// `screen`, if given, evaluates the same candidates on a smaller world: the
// swarm runs on it, and its best candidates are promoted to `evaluator`
// (full size) before the polish, which runs at full size.
SearchResult search(Evaluator& evaluator, const SearchSettings& settings, Evaluator* screen = nullptr);

}  // namespace firmsim::cal
