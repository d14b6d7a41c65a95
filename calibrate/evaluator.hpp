// Evaluates candidate parameter vectors: simulates them as variants of one
// population (one engine launch per batch, common random numbers), measures
// each variant's panel in memory, and returns its moments and objective.
// Nothing is written but the evaluations log, one flushed line per candidate.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "calibrate/evaluation_log.hpp"
#include "calibrate/moments.hpp"
#include "calibrate/parameters.hpp"
#include "estimation/tables.hpp"
#include "sim/config.hpp"

namespace firmsim::cal {

struct Evaluation {
  std::vector<double> theta;
  std::vector<double> moments;  // simulated, mean over replicates (NaN: not measurable)
  double objective = 0;
  double seconds = 0;  // this candidate's share of its batch's wall time
  std::string stage;   // start, global, local, jacobian
  bool from_log = false;
};

struct EvaluatorSetup {
  Config base;  // population, seed, replicates, years: the same for every candidate
  std::vector<Parameter> parameters;
  std::vector<Moment> moments;
  int max_batch = 8;  // candidates simulated together in one launch
  Weighting weighting;  // of the objective (the standard errors use the sampling variances)
};

// Progress after each batch: evaluations simulated so far (this session),
// evaluations in all (with those read from the log), best objective.
using ProgressFn = std::function<void(int simulated, int total, double best, double seconds_per_evaluation)>;

class Evaluator {
 public:
  explicit Evaluator(EvaluatorSetup setup, std::shared_ptr<EvaluationLog> log = nullptr);

  // Candidates already in the log are returned without simulating them.
  std::vector<Evaluation> evaluate(const std::vector<std::vector<double>>& thetas, const std::string& stage);
  Evaluation evaluate_one(const std::vector<double>& theta, const std::string& stage);

  // Each replicate's moments at one candidate, moments[replicate][moment],
  // simulated now (not logged): the simulation noise of `--noise-replicates`.
  std::vector<std::vector<double>> moments_by_replicate(const std::vector<double>& theta) const;

  // Every seed table of each replicate, for each candidate (the fit report).
  std::vector<std::vector<std::vector<est::Table>>> all_tables(const std::vector<std::vector<double>>& thetas) const;

  const EvaluatorSetup& setup() const { return setup_; }
  // The objective's weights, and 1 / the sampling variance of (simulated -
  // published) for each moment: the efficient weights, used by the standard
  // errors, the J test and the fit report's intervals whatever the weighting.
  const std::vector<double>& weights() const { return weights_; }
  const std::vector<double>& sampling_weights() const { return sampling_weights_; }
  // The efficient weighting's setting (with the measured noise and its draws):
  // what the standard errors' Omega is made of.
  const Weighting& sampling_weighting() const { return sampling_; }
  // Distinct candidates asked for in this run, whether simulated now or found
  // in the log: budgets and the best point depend on these only, so a resumed
  // run takes exactly the path of an uninterrupted one.
  int total() const { return static_cast<int>(requested_.size()); }
  int simulated() const { return simulated_; }
  int in_log() const { return in_log_; }
  const Evaluation* best() const { return best_.objective < 1e300 ? &best_ : nullptr; }
  // The `count` best distinct candidates asked for in this run, best first
  // (ties by the parameter vector's text, so the order never depends on timing).
  std::vector<Evaluation> ranked(int count) const;
  void on_progress(ProgressFn fn) { progress_ = std::move(fn); }

 private:
  std::vector<Evaluation> simulate(const std::vector<std::vector<double>>& thetas, const std::string& stage);
  void note(const Evaluation& e);

  EvaluatorSetup setup_;
  std::shared_ptr<EvaluationLog> log_;
  std::vector<double> weights_, sampling_weights_;
  Weighting sampling_;
  // The tables the moments need, grouped by how they are measured: one
  // prepare_tables per group and replicate (seed 000's and seed 001's differ
  // in population and window).
  struct TableRequest {
    est::TableOptions options;
    std::vector<std::string> ids;
  };
  std::vector<TableRequest> requests_;
  est::TableOptions options_;  // seed 000's tables over the config's window (all_tables)
  std::vector<est::Table> moment_tables(const Panel& panel, int replicate) const;
  std::vector<std::vector<double>> moments_by_replicate(const Panel& panel) const;
  static std::vector<TableRequest> table_requests(const std::vector<Moment>& moments, const est::TableOptions& seed000);
  std::map<std::string, Evaluation> cache_;  // by the exact parameter vector
  std::set<std::string> requested_;
  Evaluation best_;
  int simulated_ = 0, in_log_ = 0;
  double simulated_seconds_ = 0;
  ProgressFn progress_;
};

// The exact text of a parameter vector (17 significant digits: round-trips).
std::string theta_key(const std::vector<double>& theta);
// Mean over replicates of each moment, over the replicates where it is defined.
std::vector<double> mean_over_replicates(const std::vector<std::vector<double>>& by_replicate);
// Table options (typology thresholds) as the config sets them.
est::TableOptions table_options(const Config& config);

}  // namespace firmsim::cal
