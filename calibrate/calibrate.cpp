#include "calibrate/calibrate.hpp"

#include <omp.h>

#include <chrono>
#include <exception>
#include <cstdio>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

#include "calibrate/evaluation_log.hpp"
#include "calibrate/evaluator.hpp"
#include "calibrate/inference.hpp"
#include "calibrate/optimizer.hpp"
#include "calibrate/report.hpp"
#include "calibrate/settings.hpp"
#include "estimation/compare.hpp"
#include "estimation/targets.hpp"
#include "parallel/comm.hpp"
#include "sim/atomic_file.hpp"
#include "sim/input_error.hpp"
#include "sim/limits.hpp"

namespace firmsim::cal {

namespace {

// Command-line numbers are bounded like the config's own (sim/limits.hpp).
template <class T>
T bounded(const char* option, T value, T lo, T hi) {
  if (value < lo || value > hi)
    throw InputError("command line", 0, option, "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
  return value;
}

Config calibration_config(const CalibrationOptions& o) {
  Config c = load_config(o.config, o.scenarios);
  if (o.firms) c.run.firms = bounded<long long>("--firms", *o.firms, 100, limits::kMaxFirms);
  if (o.replicates) c.run.replicates = bounded("--replicates", *o.replicates, 1, limits::kMaxReplicates);
  if (o.seed) c.run.seed = static_cast<std::uint64_t>(bounded<long long>("--seed", *o.seed, 0, limits::kMaxSeed));
  return c;
}

void check_options(const CalibrationOptions& o) {
  bounded("--evaluations", o.evaluations, 1, 1000000);
  bounded("--batch", o.batch, 2, 256);
  if (o.threads) bounded("--threads", *o.threads, 1, limits::kMaxThreads);
  bounded("--screen-evaluations", o.screen_evaluations, 0, 1000000);
  bounded("--promote", o.promote, 0, 100000);
  if (o.noise_replicates != 0) bounded("--noise-replicates", o.noise_replicates, 2, 1000);
  if (o.noise_at && o.noise_replicates == 0)
    throw InputError("command line", 0, "--noise-at", "needs --noise-replicates: it says where the noise is measured");
  if (o.simulated_targets && o.noise_replicates == 0)
    throw InputError("command line", 0, "--simulated-targets",
                     "needs --noise-replicates: the targets' error is the measured simulation noise");
  if (!(o.swarm_share >= 0 && o.swarm_share <= 1))
    throw InputError("command line", 0, "--swarm-share", "must be between 0 and 1");
  if (o.local_search != "subplex" && o.local_search != "gauss-newton")
    throw InputError("command line", 0, "--local-search",
                     "is '" + o.local_search + "'; expected subplex or gauss-newton");
  if (o.jacobian_step && !(*o.jacobian_step > 0 && *o.jacobian_step <= 0.25))
    throw InputError("command line", 0, "--jacobian-step", "must be above 0 and at most 0.25 (a share of each range)");
  if (o.local_search != "gauss-newton" && (o.central_differences || o.jacobian_step))
    throw InputError("command line", 0, o.central_differences ? "--central-differences" : "--jacobian-step",
                     "only means something with --local-search gauss-newton");
  if (o.screen_firms && o.swarm_share == 0)
    throw InputError("command line", 0, "--swarm-share", "0 leaves --screen-firms nothing to screen");
  if (!o.screen_firms && (o.screen_evaluations > 0 || o.promote > 0))
    throw InputError("command line", 0, o.promote > 0 ? "--promote" : "--screen-evaluations",
                     "only means something with --screen-firms");
}

// The screening world: the same config with fewer firm slots.
std::optional<EvaluatorSetup> screening_setup(const CalibrationOptions& o, const EvaluatorSetup& full) {
  if (!o.screen_firms) return std::nullopt;
  const long long firms = bounded<long long>("--screen-firms", *o.screen_firms, 100, limits::kMaxFirms);
  if (firms >= full.base.run.firms)
    throw InputError("command line", 0, "--screen-firms",
                     "must be smaller than the population (" + std::to_string(full.base.run.firms) +
                         " firm slots): screening is on a smaller world");
  EvaluatorSetup small = full;
  small.base.run.firms = firms;
  return small;
}

// The swarm's default budget on the small world: what 70% of the budget
// would have bought at full size.
int screening_budget(const CalibrationOptions& o, const EvaluatorSetup& full, const EvaluatorSetup& small) {
  if (o.screen_evaluations > 0) return o.screen_evaluations;
  const double ratio = static_cast<double>(full.base.run.firms) / static_cast<double>(small.base.run.firms);
  return static_cast<int>(0.7 * o.evaluations * ratio);
}

std::string duration(double seconds) {
  char buf[64];
  if (seconds >= 3600)
    std::snprintf(buf, sizeof buf, "%dh%02dm", static_cast<int>(seconds / 3600), static_cast<int>(seconds / 60) % 60);
  else
    std::snprintf(buf, sizeof buf, "%dm%02ds", static_cast<int>(seconds / 60), static_cast<int>(seconds) % 60);
  return buf;
}

ProgressFn progress_line(std::ostream& os, int budget, bool interactive, int in_log, std::string what) {
  return [&os, budget, interactive, in_log, what](int simulated, int total, double best, double per_evaluation) {
    const int left = std::max(0, budget - total);
    os << (interactive ? "\r" : "") << "calibrate: " << what << total << "/" << budget << " evaluations (" << simulated
       << " simulated, " << in_log << " in the log), best objective " << best << ", "
       << static_cast<int>(per_evaluation * 10) / 10.0 << " s each, about " << duration(left * per_evaluation)
       << " left" << (interactive ? "   " : "\n") << std::flush;
  };
}

std::vector<std::vector<est::Table>> tables_of(const std::vector<std::vector<std::vector<est::Table>>>& all,
                                               std::size_t v) {
  return all.at(v);
}

std::ostream& nowhere() {
  static std::ostream sink(nullptr);
  return sink;
}

// Process 0 opens (or creates) the log; the others read what it holds once it
// is there. An error opening it is every process's error.
std::shared_ptr<EvaluationLog> open_log(const CalibrationOptions& o, const std::string& file,
                                        const std::vector<std::string>& keys, const std::vector<std::string>& names) {
  const std::string path = o.out + "/" + file;
  std::shared_ptr<EvaluationLog> log;
  std::exception_ptr failure;
  if (par::is_root()) try {
      log = std::make_shared<EvaluationLog>(path, keys, names, o.resume);
    } catch (const InputError&) {
      failure = std::current_exception();
    }
  if (par::broadcast(failure ? "failed" : "").empty() == false) {
    if (failure) std::rethrow_exception(failure);
    throw InputError("", 0, "", "(process 0 reports it)");  // main() prints on process 0 only
  }
  if (!par::is_root()) log = EvaluationLog::reader(path, keys, names);
  return log;
}

void make_directory(const std::string& dir) {
  try {
    std::filesystem::create_directories(dir);
  } catch (const std::filesystem::filesystem_error& e) {
    throw InputError(dir, 0, "--out", std::string("cannot create the directory: ") + e.what());
  }
}

// DIR/settings.txt: written when the calibration starts, compared on --resume
// (before any log is opened, so a refused resume changes nothing).
void keep_settings(const CalibrationOptions& o, const std::vector<Setting>& settings) {
  std::exception_ptr failure;
  if (par::is_root()) try {
      make_directory(o.out);
      const std::string path = o.out + "/settings.txt";
      if (o.resume && std::filesystem::exists(o.out + "/evaluations.csv"))
        check_settings(path, settings);
      else if (!std::filesystem::exists(o.out + "/evaluations.csv"))
        write_file_atomically(path, settings_text(settings));
    } catch (const InputError&) {
      failure = std::current_exception();
    }
  if (par::broadcast(failure ? "failed" : "").empty() == false) {
    if (failure) std::rethrow_exception(failure);
    throw InputError("", 0, "", "(process 0 reports it)");
  }
}

// Where the noise is measured: the start, or the parameter values of
// --noise-at's scenario laid over the config and its scenarios. Read before
// anything is written, so that a bad file leaves nothing behind.
std::vector<double> noise_point(const CalibrationOptions& o, const std::vector<Parameter>& parameters) {
  if (!o.noise_at) return start_values(parameters);
  std::vector<std::string> scenarios = o.scenarios;
  scenarios.push_back(*o.noise_at);
  const Config at = load_config(o.config, scenarios);
  std::vector<double> values;
  for (const Parameter& p : parameters) values.push_back(get_model_parameter(at.model, p.key));
  return values;
}

// --noise-replicates: each moment's variance across that many replicates at
// the start point (or --noise-at's), measured before the search. Deterministic (the seed fixes
// every draw), so a resumed run measures the same noise again; every process
// measures it under MPI. DIR/noise.csv says, moment by moment, how much noisier
// one simulated sample is than the published one.
void measure_noise(const CalibrationOptions& o, EvaluatorSetup& setup, const std::vector<double>& at,
                   std::ostream& os) {
  if (o.noise_replicates == 0) return;
  EvaluatorSetup noisy = setup;
  noisy.base.run.replicates = o.noise_replicates;
  os << "calibrate: the moments' simulation noise from " << o.noise_replicates << " replicates at "
     << (o.noise_at ? *o.noise_at : std::string("the start point")) << "\n" << std::flush;
  setup.weighting.simulation_draws = Evaluator(noisy).moments_by_replicate(at);
  const std::vector<double> noise = variance_across_replicates(setup.weighting.simulation_draws);
  setup.weighting.simulation_variance = noise;
  std::ostringstream csv;
  csv << std::setprecision(10) << "moment,group,published,data_sd,simulation_sd,variance_ratio\n";
  std::vector<std::pair<double, std::string>> ratios;
  for (std::size_t k = 0; k < noise.size(); ++k) {
    const Moment& m = setup.moments[k];
    const double ratio = noise[k] / m.variance;
    csv << '"' << m.name << "\",\"" << m.group << "\"," << m.empirical << ',' << std::sqrt(m.variance) << ','
        << std::sqrt(noise[k]) << ',' << ratio << '\n';
    if (std::isfinite(ratio)) ratios.emplace_back(ratio, m.name);
  }
  if (par::is_root()) write_file_atomically(o.out + "/noise.csv", csv.str());
  std::sort(ratios.rbegin(), ratios.rend());
  os << "calibrate: simulation variance / data variance, median "
     << (ratios.empty() ? NAN : ratios[ratios.size() / 2].first) << "; largest:";
  for (std::size_t i = 0; i < ratios.size() && i < 5; ++i) os << " " << ratios[i].second << " " << ratios[i].first << ";";
  os << " (" << o.out << "/noise.csv)\n";
}

// --score: the start point's objective, moment by moment, into DIR/score.csv
// and a summary line; nothing else is written (no log, no settings).
int score_start(const CalibrationOptions& o, const EvaluatorSetup& setup, std::ostream& os) {
  Evaluator evaluator(setup);
  const Evaluation e = evaluator.evaluate_one(start_values(setup.parameters), "start");
  const std::vector<double>& weights = evaluator.weights();
  std::ostringstream csv;
  csv << std::setprecision(10) << "moment,group,published,simulated,weight,contribution\n";
  std::map<std::string, double> by_group;
  for (std::size_t k = 0; k < setup.moments.size(); ++k) {
    const Moment& m = setup.moments[k];
    const double contribution = objective({m}, {weights[k]}, {e.moments[k]});
    by_group[m.group] += contribution;
    csv << '"' << m.name << "\",\"" << m.group << "\"," << m.empirical << ',' << e.moments[k] << ',' << weights[k]
        << ',' << contribution << '\n';
  }
  if (par::is_root()) write_file_atomically(o.out + "/score.csv", csv.str());
  std::vector<std::pair<double, std::string>> groups;
  for (const auto& [group, q] : by_group) groups.emplace_back(q, group);
  std::sort(groups.rbegin(), groups.rend());
  os << "calibrate --score: objective " << e.objective << " (" << setup.moments.size() << " moments, weighting "
     << describe(setup.weighting) << ", seed " << setup.base.run.seed << "); by group:";
  for (const auto& [q, group] : groups) os << " " << group << " " << q << ";";
  os << " (" << o.out << "/score.csv)\n";
  return 0;
}

// --targets as given; else the moments file's `targets:`; else the default set.
std::vector<est::Targets> load_target_sets(const CalibrationOptions& o) {
  std::vector<std::string> files = o.targets;
  if (files.empty()) files = moments_targets(o.moments);
  if (files.empty()) files = {est::default_targets_file()};
  std::vector<est::Targets> sets;
  for (const std::string& f : files) sets.push_back(est::load_targets(f));
  return sets;
}

}  // namespace

int run_calibration(const CalibrationOptions& o, std::ostream& progress_to, bool interactive) {
  check_options(o);
  const Config base = calibration_config(o);
  const std::vector<est::Targets> sets = load_target_sets(o);
  const est::Targets& targets = sets.front();  // the fit report compares every table of the first set
  EvaluatorSetup setup{base, load_parameters(o.parameters, base), load_moments(o.moments, sets), o.batch,
                       parse_weighting(o.weighting, o.model_error)};
  setup.weighting.noise_replicates = o.noise_replicates;
  setup.weighting.simulated_targets = o.simulated_targets;
  setup.weighting.noise_point = o.noise_at.value_or("");
  const std::vector<double> noise_at = noise_point(o, setup.parameters);
  if (o.threads) omp_set_num_threads(*o.threads);
  if (static_cast<int>(setup.moments.size()) < static_cast<int>(setup.parameters.size()))
    throw InputError(o.moments, 0, "moments",
                     "fewer moments (" + std::to_string(setup.moments.size()) + ") than free parameters (" +
                         std::to_string(setup.parameters.size()) + "): the parameters are not identified");

  std::optional<EvaluatorSetup> small = screening_setup(o, setup);
  for (const Parameter& p : setup.parameters)
    (par::is_root() ? progress_to : nowhere()) << clamped_start_note(p, o.parameters);
  if (o.score) {
    if (par::is_root()) make_directory(o.out);
    measure_noise(o, setup, noise_at, par::is_root() ? progress_to : nowhere());
    return score_start(o, setup, par::is_root() ? progress_to : nowhere());
  }
  std::vector<std::string> keys, names;
  for (const Parameter& p : setup.parameters) keys.push_back(p.key);
  for (const Moment& m : setup.moments) names.push_back(m.name);
  keep_settings(o, calibration_settings(setup, o.screen_firms));
  measure_noise(o, setup, noise_at, par::is_root() ? progress_to : nowhere());
  // The screen weighs by the full world's noise too: it ranks candidates for
  // the objective the full evaluation computes.
  if (small) small->weighting = setup.weighting;
  const std::shared_ptr<EvaluationLog> log = open_log(o, "evaluations.csv", keys, names);
  const std::shared_ptr<EvaluationLog> screening_log =
      small ? open_log(o, "screening.csv", keys, names) : nullptr;
  // Under MPI every process runs the same seeded search and simulates its
  // share of each batch (calibrate/evaluator.cpp); process 0 alone writes.
  std::ostream& os = par::is_root() ? progress_to : nowhere();

  const auto start = std::chrono::steady_clock::now();
  Evaluator evaluator(setup, log);
  os << "firmsim calibrate: " << setup.parameters.size() << " parameters, " << setup.moments.size() << " moments, "
     << base.run.firms << " firm slots x " << base.run.replicates << " replicate(s), up to " << o.batch
     << " candidates per launch, budget " << o.evaluations << " evaluations";
  if (evaluator.in_log() > 0) os << " (" << evaluator.in_log() << " already in " << log->path() << ")";
  os << "\n";
  // The search's budget, then 2P evaluations for the Jacobian at the optimum.
  const int expected = o.evaluations + 2 * static_cast<int>(setup.parameters.size());
  evaluator.on_progress(progress_line(os, expected, interactive, evaluator.in_log(), ""));

  SearchSettings settings;
  settings.evaluations = o.evaluations;
  settings.swarm = o.batch;
  settings.seed = o.search_seed;
  settings.global_share = o.swarm_share;
  settings.local = o.local_search == "gauss-newton" ? LocalSearch::gauss_newton : LocalSearch::subplex;
  settings.jacobian_step = o.jacobian_step.value_or(kDefaultJacobianStep);
  settings.central_differences = o.central_differences;
  std::optional<Evaluator> screen;
  if (small) {
    screen.emplace(*small, screening_log);
    settings.screen_evaluations = screening_budget(o, setup, *small);
    settings.promote = o.promote > 0 ? o.promote : 2 * o.batch;
    os << "calibrate: screening the swarm's " << settings.screen_evaluations << " candidates on " << *o.screen_firms
       << " firm slots";
    if (screen->in_log() > 0) os << " (" << screen->in_log() << " already in " << screening_log->path() << ")";
    os << ", the best " << settings.promote << " of them at full size\n";
    screen->on_progress(progress_line(os, settings.screen_evaluations, interactive, screen->in_log(), "screening "));
  }
  FitReport report;
  report.search = search(evaluator, settings, screen ? &*screen : nullptr);
  if (interactive) os << "\n";
  os << "calibrate: standard errors and identification (" << 2 * setup.parameters.size()
     << " evaluations around the optimum)\n";
  report.inference = infer(evaluator, report.search.best_theta);
  report.noise_draws = static_cast<int>(setup.weighting.simulation_draws.size());
  report.start_point = evaluator.evaluate_one(report.search.start_theta, "start");
  report.best_point = evaluator.evaluate_one(report.search.best_theta, "local");
  report.lowest_seen = evaluator.best()->objective;
  os << "calibrate: every table at the start and at the optimum (the untargeted moments)\n";
  const auto all = evaluator.all_tables({report.search.start_theta, report.search.best_theta});
  report.start = est::compare_tables(tables_of(all, 0), targets);
  report.optimum = est::compare_tables(tables_of(all, 1), targets);
  report.command = o.command;
  report.moments_file = o.moments;
  report.parameters_file = o.parameters;
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  report.simulated = evaluator.simulated();
  report.from_log = evaluator.in_log();
  if (!par::is_root()) return 0;
  write_fit_report(o.out, evaluator, report);
  print_fit_summary(std::cout, evaluator, report);
  std::cout << "calibration written to " << o.out
            << " (calibrated.yaml, fit.md, fit.csv, identification.csv/.svg, evaluations.csv)\n";
  return 0;
}

}  // namespace firmsim::cal
