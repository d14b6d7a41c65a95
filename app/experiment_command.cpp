#include "app/experiment_command.hpp"

#include <CLI/CLI.hpp>
#include <iomanip>
#include <iostream>

#include "app/cli_commands.hpp"
#include "app/progress.hpp"
#include "estimation/targets.hpp"
#include "policy/experiment.hpp"
#include "policy/experiment_report.hpp"
#include "sim/input_error.hpp"
#include "sim/panel_io.hpp"

namespace firmsim {

namespace {

// The tables are measured over the targets' sample window: the recorded
// years must cover it, which is known before anything runs.
void check_window(const Config& c, const est::Targets& t) {
  if (c.run.first_year > t.sample_first_year || c.run.last_year < t.sample_last_year)
    throw InputError("command line", 0, "--years",
                     "the tables of " + t.file + " are measured over " + std::to_string(t.sample_first_year) + "-" +
                         std::to_string(t.sample_last_year) + ", outside the recorded years " +
                         std::to_string(c.run.first_year) + "-" + std::to_string(c.run.last_year));
}

}  // namespace

CLI::App* add_experiment_command(CLI::App& app, ExperimentCommand& cmd) {
  CLI::App* c = app.add_subcommand(
      "experiment", "Theory scenarios against the baseline: the same firms in every world, every table side by side");
  c->add_option("config", cmd.config, "The baseline: world and model configuration (YAML)")->required();
  c->add_option("--scenario", cmd.scenarios, "Scenario overlay(s); each is one world beside the baseline")
      ->required()
      ->take_all();
  c->add_option("--replicates", cmd.replicates, "Replicates (changes are paired across them)")->default_val(4);
  c->add_option("--out", cmd.out, "Directory for experiment.md, experiment.csv, firms_K.csv and the figures")
      ->default_val("runs/experiment");
  c->add_option("--years", cmd.years, "Recorded years A:B (must cover the targets' sample window)");
  c->add_option("--firms", cmd.firms, "Firm slots per replicate");
  c->add_option("--seed", cmd.seed, "Random seed");
  c->add_option("--targets", cmd.targets, "The tables to measure and the data beside them (default: see README)");
  c->add_option("--threads", cmd.threads, "OpenMP threads (CPU backend)");
  c->add_flag("--quiet", cmd.quiet, "No progress output");
  return c;
}

int experiment_command(const ExperimentCommand& cmd, bool interactive) {
  use_threads(cmd.threads);
  const RunCommand run = population_options(cmd.firms, cmd.replicates, cmd.seed, cmd.years);
  Config baseline = load_config(cmd.config);
  apply_overrides(run, baseline);
  std::vector<policy::Scenario> scenarios;
  for (const std::string& file : cmd.scenarios) {
    policy::Scenario s = policy::load_scenario(cmd.config, file);
    apply_overrides(run, s.config);
    scenarios.push_back(std::move(s));
  }
  const std::string targets = cmd.targets.empty() ? default_targets() : cmd.targets;
  check_window(baseline, est::load_targets(targets));
  ensure_writable_directory(cmd.out);
  if (!cmd.quiet) {
    std::fprintf(stderr, "firmsim experiment: %lld firms x %d replicate(s), baseline + %d scenario(s), years %d-%d, %s\n",
                 static_cast<long long>(baseline.run.firms), baseline.run.replicates,
                 static_cast<int>(scenarios.size()), baseline.run.first_year, baseline.run.last_year,
                 Engine::backend_name());
    if (baseline.run.replicates < 2)
      std::fprintf(stderr, "firmsim experiment: one replicate gives changes without intervals (use --replicates)\n");
  }
  Progress progress(stderr, baseline.run.last_year - baseline.run.burn_in_start + 1, interactive);
  int done = 0;
  const policy::Experiment e = policy::run_experiment(
      baseline, std::move(scenarios), targets,
      [&](int year) {
        if (!cmd.quiet) progress.update(++done, std::to_string(year), "baseline and scenarios");
      },
      [&](const std::string& stage) {
        if (!cmd.quiet) std::fprintf(stderr, "firmsim experiment: %s\n", stage.c_str());
      });
  policy::print_experiment(std::cout, e);
  const std::vector<std::string> files = policy::write_experiment(e, cmd.out);
  std::cout << "\nran in " << std::fixed << std::setprecision(1) << e.seconds << " s; written to " << cmd.out << ":";
  for (const std::string& f : files) std::cout << " " << f;
  std::cout << "\n";
  return 0;
}

}  // namespace firmsim
