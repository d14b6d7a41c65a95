// The firmsim command line: run a scenario, compare a panel with the seed
// tables, calibrate, evaluate programs, run theory experiments, list the
// model's parameters.
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>

#include "app/cli_commands.hpp"
#include "calibrate/calibrate.hpp"
#include "calibrate/moments.hpp"
#include "app/evaluate_command.hpp"
#include "app/experiment_command.hpp"
#include "app/validate_command.hpp"
#include "parallel/comm.hpp"
#include "sim/input_error.hpp"
#include "sim/memory_reuse.hpp"

int main(int argc, char** argv) {
  using namespace firmsim;
  keep_freed_memory_for_reuse();       // calibrate, evaluate, experiments: world after world
  par::Session processes(argc, argv);  // MPI, when started by mpirun/srun
  CLI::App app{"firmsim: an agent-based simulator of how firms go international"};
  app.require_subcommand(1);
  // Every error is one line (scripts and the fuzz test read it so).
  app.failure_message(
      [](const CLI::App*, const CLI::Error& e) { return "firmsim: " + std::string(e.what()) + " (see --help)\n"; });

  RunCommand run;
  CLI::App* run_cmd = app.add_subcommand("run", "Simulate a world and (optionally) compare it with the seed tables");
  run_cmd->add_option("config", run.config, "World and model configuration (YAML); not with --resume");
  run_cmd->add_option("--scenario", run.scenarios, "Scenario overlay(s), applied in order")->take_all();
  run_cmd->add_option("--firms", run.firms, "Firm slots per replicate (everyone born during the run)");
  run_cmd->add_option("--replicates", run.replicates, "Independent copies run as one device population");
  run_cmd->add_option("--seed", run.seed, "Random seed");
  run_cmd->add_option("--years", run.years, "Recorded years A:B (e.g. 1993:2005)");
  run_cmd->add_option("--out", run.out, "Run directory for the panel and reports");
  run_cmd->add_option("--format", run.format, "Panel file format: csv or dta")->default_val("csv");
  run_cmd->add_option("--batch", run.batch, "Firms per kernel launch (results do not depend on it)");
  run_cmd->add_option("--threads", run.threads, "OpenMP threads (CPU backend)");
  run_cmd->add_flag("--compare", run.compare, "Compare the panel with the seed tables");
  run_cmd->add_option("--targets", run.targets, "Empirical targets for --compare (default: see README)");
  run_cmd->add_flag("--quiet", run.quiet, "No progress output");
  run_cmd->add_option("--checkpoint-every", run.checkpoint_every,
                      "Save the run's state into --out every K years (resume with --resume)");
  run_cmd->add_option("--distribute", run.distribute,
                      "Under mpirun/srun: spread replicates, split each replicate's firms, or auto (replicates when "
                      "there are at least as many as processes)");
  run_cmd->add_option("--resume", run.resume,
                      "Continue the killed run in this directory from its last checkpoint (same panel as an "
                      "uninterrupted run)");

  CompareCommand compare;
  CLI::App* compare_cmd = app.add_subcommand("compare", "Compare a written panel with the seed tables");
  compare_cmd->add_option("panel", compare.panel, "Run directory or panel directory (CSV)")->required();
  compare_cmd->add_option("--targets", compare.targets, "Empirical targets (default: see README)");
  compare_cmd->add_option("--out", compare.out, "Directory for the report (default: the panel directory)");
  compare_cmd->add_option("--as-targets", compare.as_targets,
                          "Write the panel's own tables (those --targets names, measured as they were) as a targets "
                          "file instead of comparing: the data of a parameter-recovery experiment");

  cal::CalibrationOptions calibrate;
  CLI::App* calibrate_cmd =
      app.add_subcommand("calibrate", "Estimate model parameters from the seed tables (method of simulated moments)");
  calibrate_cmd->add_option("config", calibrate.config, "World and model configuration (YAML)")->required();
  calibrate_cmd->add_option("--scenario", calibrate.scenarios, "Scenario overlay(s), applied in order")->take_all();
  calibrate_cmd->add_option("--moments", calibrate.moments, "Targeted moments and their weights (YAML)")->required();
  calibrate_cmd->add_option("--parameters", calibrate.parameters, "Free parameters, bounds and scales (YAML)")
      ->required();
  calibrate_cmd->add_option("--targets", calibrate.targets,
                            "Empirical target set(s) the moments refer to (default: the moments file's `targets:`, "
                            "else seed 000's tables)");
  calibrate_cmd->add_option("--out", calibrate.out, "Directory for the evaluations log and the reports")
      ->default_val("runs/calibration");
  calibrate_cmd->add_flag("--resume", calibrate.resume, "Continue from DIR/evaluations.csv");
  calibrate_cmd->add_option("--evaluations", calibrate.evaluations, "Budget of evaluations (both stages)")
      ->default_val(400);
  calibrate_cmd->add_option("--replicates", calibrate.replicates, "Replicates per candidate");
  calibrate_cmd->add_option("--firms", calibrate.firms, "Firm slots per replicate");
  calibrate_cmd->add_option("--seed", calibrate.seed, "Simulation seed (the same for every candidate)");
  calibrate_cmd->add_option("--search-seed", calibrate.search_seed, "Seed of the optimizers")->default_val(1);
  calibrate_cmd->add_option("--batch", calibrate.batch, "Candidates per engine launch (the swarm size)")
      ->default_val(8);
  calibrate_cmd->add_option("--threads", calibrate.threads, "OpenMP threads (CPU backend)");
  calibrate_cmd->add_option("--screen-firms", calibrate.screen_firms,
                            "Multi-fidelity: the swarm screens candidates on a world of this many firm slots");
  calibrate_cmd->add_option("--screen-evaluations", calibrate.screen_evaluations,
                            "The swarm's budget on the screening world (default: 70% of --evaluations x the size ratio)");
  calibrate_cmd->add_option("--weighting", calibrate.weighting,
                            "The objective's weights: floor (default: efficient plus a model error proportional to "
                            "each moment), efficient, or groups (every moment group the same total weight)")
      ->default_val("floor");
  calibrate_cmd->add_option("--model-error", calibrate.model_error,
                            "floor weighting: the model error's sd as a share of each published value")
      ->default_val(0.1);
  calibrate_cmd->add_option("--noise-replicates", calibrate.noise_replicates,
                            "Measure each moment's simulation noise across this many replicates at the start point "
                            "and weigh by it (DIR/noise.csv); 0: assume it equals the data's sampling variance")
      ->default_val(0);
  calibrate_cmd->add_option("--noise-at", calibrate.noise_at,
                            "Measure that noise at this scenario's parameter values (laid over the config and "
                            "--scenario files), not at the start point: scores of several points then share one "
                            "weighting (needs --noise-replicates)");
  calibrate_cmd->add_flag("--simulated-targets", calibrate.simulated_targets,
                          "The targets are one simulated draw of the model (a recovery experiment): their error is "
                          "the measured noise, not their stated variance (needs --noise-replicates)");
  calibrate_cmd->add_flag("--score", calibrate.score,
                          "Only score the start point (config and scenarios) against the moments: DIR/score.csv, no "
                          "search");
  calibrate_cmd->add_option("--swarm-share", calibrate.swarm_share,
                            "Share of the budget for the particle swarm; 0: none, the local search starts at the "
                            "start point (e.g. a recovery from a near start)")
      ->default_val(0.7);
  calibrate_cmd->add_option("--local-search", calibrate.local_search,
                            "The local stage: subplex (derivative-free, one candidate at a time) or gauss-newton "
                            "(a Jacobian of the moments and damped steps, each a batch)")
      ->default_val("subplex");
  // No default_val: an unset step is what lets `calibrate` refuse one given without gauss-newton.
  std::ostringstream default_step;
  default_step << cal::kDefaultJacobianStep;
  calibrate_cmd->add_option("--jacobian-step", calibrate.jacobian_step,
                            "Gauss-Newton's Jacobian step, a share of each parameter's range (unit box; default " +
                                default_step.str() + ")");
  calibrate_cmd->add_flag("--central-differences", calibrate.central_differences,
                          "Gauss-Newton probes each parameter on both sides (2P evaluations a Jacobian, not P)");
  calibrate_cmd->add_option("--promote", calibrate.promote,
                            "Best screened candidates evaluated at full size before the polish (default: 2 x --batch)");

  bool markdown = false;
  CLI::App* params_cmd = app.add_subcommand("params", "List the model's parameters with units and meanings");
  params_cmd->add_flag("--markdown", markdown, "As a Markdown table");

  EvaluateCommand evaluate;
  CLI::App* evaluate_cmd = add_evaluate_command(app, evaluate);

  ExperimentCommand experiment;
  CLI::App* experiment_cmd = add_experiment_command(app, experiment);

  ValidateCommand validate;
  CLI::App* validate_cmd = add_validate_command(app, validate);

  // An empty value ("--firms ''") would parse as "not given" (CLI11 resets
  // an optional) or as 0: refuse it for every option that takes a value.
  const CLI::Validator non_empty(
      [](std::string& value) { return value.empty() ? std::string("an empty value is not allowed") : std::string(); },
      "", "NONEMPTY");
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; }))
    for (CLI::Option* opt : sub->get_options([](CLI::Option* o) { return o->get_type_size() > 0; }))
      opt->check(non_empty);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }

  run.format_given = run_cmd->count("--format") > 0;
  try {
    if (*run_cmd) return run_command(run, isatty(fileno(stderr)) != 0);
    if (*compare_cmd) return compare_command(compare);
    if (*calibrate_cmd) {
      for (int i = 0; i < argc; ++i) calibrate.command += (i ? " " : "") + std::string(argv[i]);
      if (calibrate.targets.empty() && cal::moments_targets(calibrate.moments).empty())
        calibrate.targets = {default_targets()};
      return cal::run_calibration(calibrate, std::cerr, isatty(fileno(stderr)) != 0);
    }
    if (*params_cmd) return params_command(markdown);
    if (*evaluate_cmd) return evaluate_command(evaluate, isatty(fileno(stderr)) != 0);
    if (*experiment_cmd) return experiment_command(experiment, isatty(fileno(stderr)) != 0);
    if (*validate_cmd) return validate_command(validate, isatty(fileno(stderr)) != 0);
  } catch (const InputError& e) {
    // Every process checks the same input: one message is enough.
    if (par::is_root()) std::cerr << "firmsim: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "firmsim" << (par::distributed() ? " [process " + std::to_string(par::rank()) + "]" : "")
              << ": internal error: " << e.what() << "\n";
    if (par::distributed()) par::abort_all(1);  // the others may wait for this one in a collective call
    return 1;
  }
  return 0;
}
