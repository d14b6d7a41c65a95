#include "calibrate/evaluator.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "sim/simulation.hpp"

namespace firmsim::cal {

std::string theta_key(const std::vector<double>& theta) {
  std::string key;
  char buf[40];
  for (double x : theta) {
    std::snprintf(buf, sizeof buf, "%.17g;", x);
    key += buf;
  }
  return key;
}

std::vector<double> mean_over_replicates(const std::vector<std::vector<double>>& by_replicate) {
  const std::size_t k = by_replicate.empty() ? 0 : by_replicate.front().size();
  std::vector<double> mean(k, std::nan(""));
  for (std::size_t j = 0; j < k; ++j) {
    double sum = 0;
    int n = 0;
    for (const std::vector<double>& r : by_replicate)
      if (std::isfinite(r[j])) {
        sum += r[j];
        ++n;
      }
    if (n > 0) mean[j] = sum / n;
  }
  return mean;
}

est::TableOptions table_options(const Config& config) {
  est::TableOptions options;
  options.rules.early_years = config.typology.early_years;
  options.rules.global_countries = config.typology.min_countries;
  return options;
}

Evaluator::Evaluator(EvaluatorSetup setup, std::shared_ptr<EvaluationLog> log)
    : setup_(std::move(setup)), log_(std::move(log)) {
  weights_ = moment_weights(setup_.moments, setup_.base.run.replicates);
  tables_ = tables_needed(setup_.moments);
  options_ = table_options(setup_.base);
  best_.objective = 1e301;
  if (!log_) return;
  for (const LoggedEvaluation& l : log_->previous()) {
    Evaluation e{l.theta, l.moments, objective(setup_.moments, weights_, l.moments), l.seconds, l.stage, true};
    cache_[theta_key(e.theta)] = e;
  }
  in_log_ = static_cast<int>(cache_.size());
}

void Evaluator::note(const Evaluation& e) {
  if (requested_.insert(theta_key(e.theta)).second && e.objective < best_.objective) best_ = e;
}

std::vector<Evaluation> Evaluator::evaluate(const std::vector<std::vector<double>>& thetas, const std::string& stage) {
  std::vector<Evaluation> out(thetas.size());
  std::vector<std::vector<double>> todo;
  std::vector<std::size_t> where;
  for (std::size_t i = 0; i < thetas.size(); ++i) {
    const auto hit = cache_.find(theta_key(thetas[i]));
    if (hit != cache_.end()) {
      out[i] = hit->second;
      continue;
    }
    // A candidate proposed twice in one batch is simulated once.
    bool duplicate = false;
    for (std::size_t j = 0; j < todo.size() && !duplicate; ++j) duplicate = theta_key(todo[j]) == theta_key(thetas[i]);
    if (!duplicate) todo.push_back(thetas[i]);
    where.push_back(i);
  }
  const std::size_t batch = static_cast<std::size_t>(std::max(1, setup_.max_batch));
  double best_so_far = best_.objective;  // for the progress line only: the search notes in order below
  for (std::size_t begin = 0; begin < todo.size(); begin += batch) {
    const std::vector<std::vector<double>> part(todo.begin() + begin,
                                                todo.begin() + std::min(todo.size(), begin + batch));
    for (Evaluation& e : simulate(part, stage)) {
      cache_[theta_key(e.theta)] = e;
      best_so_far = std::min(best_so_far, e.objective);
      if (log_) log_->append(LoggedEvaluation{e.stage, e.seconds, e.objective, e.theta, e.moments});
    }
    if (progress_)
      progress_(simulated_, total() + static_cast<int>(begin + part.size()), best_so_far,
                simulated_seconds_ / std::max(1, simulated_));
  }
  for (std::size_t i : where) out[i] = cache_.at(theta_key(thetas[i]));
  for (const Evaluation& e : out) note(e);  // in the order asked, found or simulated alike
  return out;
}

Evaluation Evaluator::evaluate_one(const std::vector<double>& theta, const std::string& stage) {
  return evaluate({theta}, stage).front();
}

std::vector<Evaluation> Evaluator::simulate(const std::vector<std::vector<double>>& thetas, const std::string& stage) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<Config> variants;
  for (const std::vector<double>& theta : thetas)
    variants.push_back(with_parameters(setup_.base, setup_.parameters, theta));
  Simulation sim(variants);
  sim.summarize_burn_in(false);
  sim.run();
  std::vector<Evaluation> out;
  for (std::size_t v = 0; v < thetas.size(); ++v) {
    const Panel panel = sim.panel(static_cast<int>(v));
    std::vector<std::vector<double>> by_replicate;
    for (int r = 0; r < setup_.base.run.replicates; ++r)
      by_replicate.push_back(
          simulated_moments(setup_.moments, est::build_tables(est::prepare_tables(panel, r, options_), tables_)));
    Evaluation e;
    e.theta = thetas[v];
    e.moments = mean_over_replicates(by_replicate);
    e.objective = objective(setup_.moments, weights_, e.moments);
    e.stage = stage;
    out.push_back(std::move(e));
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (Evaluation& e : out) e.seconds = seconds / static_cast<double>(out.size());
  simulated_ += static_cast<int>(out.size());
  simulated_seconds_ += seconds;
  return out;
}

std::vector<std::vector<std::vector<est::Table>>> Evaluator::all_tables(
    const std::vector<std::vector<double>>& thetas) const {
  std::vector<Config> variants;
  for (const std::vector<double>& theta : thetas)
    variants.push_back(with_parameters(setup_.base, setup_.parameters, theta));
  Simulation sim(variants);
  sim.summarize_burn_in(false);
  sim.run();
  std::vector<std::vector<std::vector<est::Table>>> out;
  for (std::size_t v = 0; v < thetas.size(); ++v) {
    const Panel panel = sim.panel(static_cast<int>(v));
    out.emplace_back();
    for (int r = 0; r < setup_.base.run.replicates; ++r) out.back().push_back(est::build_tables(panel, r, options_));
  }
  return out;
}

}  // namespace firmsim::cal
