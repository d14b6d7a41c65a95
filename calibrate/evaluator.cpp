#include "calibrate/evaluator.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "parallel/comm.hpp"
#include "sim/checkpoint.hpp"
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

namespace {

// Seed 001's tables are measured on their own population (every firm of 1+
// FTE) and window; seed 000's on the config's typology rules over their window.
est::TableOptions options_for(const Moment& m, const est::TableOptions& seed000) {
  if (est::is_seed001_table(m.cell.table)) return est::seed001_options(m.sample_first_year, m.sample_last_year);
  est::TableOptions o = seed000;
  o.frame.start_year = m.sample_first_year;
  o.frame.end_year = m.sample_last_year;
  return o;
}

bool same_measurement(const est::TableOptions& a, const est::TableOptions& b) {
  return a.frame.start_year == b.frame.start_year && a.frame.end_year == b.frame.end_year &&
         a.frame.min_fte_once == b.frame.min_fte_once && a.frame.sme_below == b.frame.sme_below;
}

}  // namespace

std::vector<Evaluator::TableRequest> Evaluator::table_requests(const std::vector<Moment>& moments,
                                                               const est::TableOptions& seed000) {
  std::vector<TableRequest> out;
  for (const Moment& m : moments) {
    const est::TableOptions o = options_for(m, seed000);
    auto it = std::find_if(out.begin(), out.end(), [&](const TableRequest& r) {
      return same_measurement(r.options, o) && est::is_seed001_table(r.ids.front()) == est::is_seed001_table(m.cell.table);
    });
    if (it == out.end()) it = out.insert(out.end(), TableRequest{o, {}});
    if (std::find(it->ids.begin(), it->ids.end(), m.cell.table) == it->ids.end()) it->ids.push_back(m.cell.table);
  }
  return out;
}

std::vector<est::Table> Evaluator::moment_tables(const Panel& panel, int replicate) const {
  std::vector<est::Table> out;
  for (const TableRequest& r : requests_)
    for (est::Table& t : est::build_tables(est::prepare_tables(panel, replicate, r.options), r.ids))
      out.push_back(std::move(t));
  return out;
}

namespace {

// The candidates as variants of one population, simulated to the last year
// (burn-in years unsummarized: the moments read the recorded ones only).
std::unique_ptr<Simulation> simulate_variants(const EvaluatorSetup& setup,
                                              const std::vector<std::vector<double>>& thetas) {
  std::vector<Config> variants;
  for (const std::vector<double>& theta : thetas)
    variants.push_back(with_parameters(setup.base, setup.parameters, theta));
  auto sim = std::make_unique<Simulation>(variants);
  sim->summarize_burn_in(false);
  sim->run();
  return sim;
}

// Evaluations as bytes, for the other processes (calibration under MPI).
std::string to_bytes(const std::vector<Evaluation>& evaluations) {
  std::string out;
  bytes::put_value(out, static_cast<std::uint64_t>(evaluations.size()));
  for (const Evaluation& e : evaluations) {
    bytes::put_vector(out, e.theta);
    bytes::put_vector(out, e.moments);
    bytes::put_value(out, e.objective);
    bytes::put_value(out, e.seconds);
    bytes::put_string(out, e.stage);
  }
  return out;
}

std::vector<Evaluation> from_bytes(const std::string& in) {
  std::size_t at = 0;
  std::uint64_t n = 0;
  bytes::get_value(in, at, n);
  std::vector<Evaluation> out(n);
  for (Evaluation& e : out) {
    bytes::get_vector(in, at, e.theta);
    bytes::get_vector(in, at, e.moments);
    bytes::get_value(in, at, e.objective);
    bytes::get_value(in, at, e.seconds);
    bytes::get_string(in, at, e.stage);
  }
  return out;
}

}  // namespace

Evaluator::Evaluator(EvaluatorSetup setup, std::shared_ptr<EvaluationLog> log)
    : setup_(std::move(setup)), log_(std::move(log)) {
  weights_ = moment_weights(setup_.moments, setup_.base.run.replicates, setup_.weighting);
  // Efficient, with the simulation noise where it was measured.
  sampling_.noise_replicates = setup_.weighting.noise_replicates;
  sampling_.simulation_variance = setup_.weighting.simulation_variance;
  sampling_.simulation_draws = setup_.weighting.simulation_draws;
  sampling_.simulated_targets = setup_.weighting.simulated_targets;
  sampling_weights_ = moment_weights(setup_.moments, setup_.base.run.replicates, sampling_);
  options_ = table_options(setup_.base);
  requests_ = table_requests(setup_.moments, options_);
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
  // Under MPI each process simulates fewer candidates per launch, so that
  // every process has some; the results do not depend on the grouping
  // (common random numbers: a variant is the same alone or beside others).
  std::size_t batch = static_cast<std::size_t>(std::max(1, setup_.max_batch));
  if (par::distributed() && !todo.empty())
    batch = std::min(batch, (todo.size() + static_cast<std::size_t>(par::size()) - 1) / par::size());
  std::vector<std::vector<std::vector<double>>> parts;
  for (std::size_t begin = 0; begin < todo.size(); begin += batch)
    parts.emplace_back(todo.begin() + begin, todo.begin() + std::min(todo.size(), begin + batch));
  double best_so_far = best_.objective;  // for the progress line only: the search notes in order below
  std::size_t done = 0;
  const auto finished = [&](const std::vector<Evaluation>& part) {
    for (const Evaluation& e : part) {
      cache_[theta_key(e.theta)] = e;
      best_so_far = std::min(best_so_far, e.objective);
      simulated_seconds_ += e.seconds;
      if (log_) log_->append(LoggedEvaluation{e.stage, e.seconds, e.objective, e.theta, e.moments});
    }
    simulated_ += static_cast<int>(part.size());
    done += part.size();
    if (progress_)
      progress_(simulated_, total() + static_cast<int>(done), best_so_far,
                simulated_seconds_ / std::max(1, simulated_));
  };
  if (!par::distributed()) {
    for (const auto& part : parts) finished(simulate(part, stage));
  } else {  // parts go to processes as they free up; every process learns every result
    const std::vector<std::string> results = par::map_items(
        static_cast<std::int64_t>(parts.size()),
        [&](std::int64_t k) { return to_bytes(simulate(parts[static_cast<std::size_t>(k)], stage)); });
    for (const std::string& r : results) finished(from_bytes(r));
  }
  for (std::size_t i : where) out[i] = cache_.at(theta_key(thetas[i]));
  for (const Evaluation& e : out) note(e);  // in the order asked, found or simulated alike
  return out;
}

std::vector<Evaluation> Evaluator::ranked(int count) const {
  std::vector<std::pair<double, std::string>> order;
  for (const std::string& key : requested_) order.emplace_back(cache_.at(key).objective, key);
  std::sort(order.begin(), order.end());
  std::vector<Evaluation> out;
  for (std::size_t i = 0; i < order.size() && static_cast<int>(i) < count; ++i)
    out.push_back(cache_.at(order[i].second));
  return out;
}

Evaluation Evaluator::evaluate_one(const std::vector<double>& theta, const std::string& stage) {
  return evaluate({theta}, stage).front();
}

std::vector<std::vector<double>> Evaluator::moments_by_replicate(const Panel& panel) const {
  std::vector<std::vector<double>> by_replicate;
  for (int r = 0; r < setup_.base.run.replicates; ++r)
    by_replicate.push_back(simulated_moments(setup_.moments, moment_tables(panel, r)));
  return by_replicate;
}

std::vector<std::vector<double>> Evaluator::moments_by_replicate(const std::vector<double>& theta) const {
  const std::unique_ptr<Simulation> sim = simulate_variants(setup_, {theta});
  return moments_by_replicate(sim->take_panel(0));
}

std::vector<Evaluation> Evaluator::simulate(const std::vector<std::vector<double>>& thetas, const std::string& stage) {
  const auto start = std::chrono::steady_clock::now();
  const std::unique_ptr<Simulation> sim = simulate_variants(setup_, thetas);
  std::vector<Evaluation> out;
  for (std::size_t v = 0; v < thetas.size(); ++v) {
    Evaluation e;
    e.theta = thetas[v];
    e.moments = mean_over_replicates(moments_by_replicate(sim->take_panel(static_cast<int>(v))));
    e.objective = objective(setup_.moments, weights_, e.moments);
    e.stage = stage;
    out.push_back(std::move(e));
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (Evaluation& e : out) e.seconds = seconds / static_cast<double>(out.size());
  return out;
}

std::vector<std::vector<std::vector<est::Table>>> Evaluator::all_tables(
    const std::vector<std::vector<double>>& thetas) const {
  const std::unique_ptr<Simulation> sim = simulate_variants(setup_, thetas);
  std::vector<std::vector<std::vector<est::Table>>> out;
  for (std::size_t v = 0; v < thetas.size(); ++v) {
    const Panel panel = sim->take_panel(static_cast<int>(v));
    out.emplace_back();
    for (int r = 0; r < setup_.base.run.replicates; ++r) out.back().push_back(est::build_tables(panel, r, options_));
  }
  return out;
}

}  // namespace firmsim::cal
