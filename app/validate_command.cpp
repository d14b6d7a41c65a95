#include "app/validate_command.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <iostream>

#include "app/cli_commands.hpp"
#include "app/progress.hpp"
#include "policy/validation.hpp"
#include "sim/atomic_file.hpp"
#include "sim/input_error.hpp"
#include "sim/panel_io.hpp"

namespace firmsim {

CLI::App* add_validate_command(CLI::App& app, ValidateCommand& cmd) {
  CLI::App* c = app.add_subcommand(
      "validate", "Policy validity checks: simulated programs against published evaluations, with their true effects");
  c->add_option("config", cmd.config, "The baseline: world and model configuration (YAML)")->required();
  c->add_option("--checks", cmd.checks, "Checks to run (P1 ... P6; default all)")->take_all();
  c->add_option("--crisis-world", cmd.crisis_world,
                "P1's world past the 2009 collapse, a scenario on the config (default: scenarios/belgium_1998_2012.yaml)");
  c->add_option("--programs", cmd.programs, "Folder of the checks' program files (default: scenarios/validation)");
  c->add_option("--replicates", cmd.replicates, "Replicates (intervals are across them)")->default_val(4);
  c->add_option("--out", cmd.out, "Directory for validation.md and validation.csv")->default_val("runs/validation");
  c->add_option("--firms", cmd.firms, "Firm slots per replicate");
  c->add_option("--seed", cmd.seed, "Random seed");
  c->add_option("--threads", cmd.threads, "OpenMP threads (CPU backend)");
  c->add_flag("--quiet", cmd.quiet, "No progress output");
  return c;
}

int validate_command(const ValidateCommand& cmd, bool interactive) {
  use_threads(cmd.threads);
  const RunCommand run = population_options(cmd.firms, cmd.replicates, cmd.seed);
  Config baseline = load_config(cmd.config);
  apply_overrides(run, baseline);
  policy::ValidationOptions options;
  options.programs_dir = cmd.programs.empty() ? shipped_path("scenarios/validation") : cmd.programs;
  options.checks = cmd.checks;
  if (cmd.checks.empty() || std::find(cmd.checks.begin(), cmd.checks.end(), "P1") != cmd.checks.end()) {
    const std::string world =
        cmd.crisis_world.empty() ? shipped_path("scenarios/belgium_1998_2012.yaml") : cmd.crisis_world;
    options.crisis_baseline = load_config(cmd.config, {world});
    apply_overrides(run, *options.crisis_baseline);
  }
  if (!std::filesystem::is_directory(options.programs_dir))
    throw InputError("command line", 0, "--programs", "not a folder: " + options.programs_dir);
  ensure_writable_directory(cmd.out);
  if (!cmd.quiet)
    std::fprintf(stderr, "firmsim validate: %lld firms x %d replicate(s), programs from %s, %s\n",
                 static_cast<long long>(baseline.run.firms), baseline.run.replicates, options.programs_dir.c_str(),
                 Engine::backend_name());
  Progress progress(stderr, 1, interactive);
  int done = 0;
  const policy::Validation v = policy::run_validation(baseline, options, [&](int year, int last) {
    if (cmd.quiet) return;
    if (done == 0) progress = Progress(stderr, last - baseline.run.burn_in_start + 1, interactive);
    progress.update(++done, std::to_string(year), "baseline and the checks' programs");
  });
  const std::string md = policy::validation_markdown(v);
  std::cout << md;
  write_file_atomically((std::filesystem::path(cmd.out) / "validation.md").string(), md);
  write_file_atomically((std::filesystem::path(cmd.out) / "validation.csv").string(), policy::validation_csv(v));
  std::cout << "\nwritten to " << cmd.out << ": validation.md validation.csv\n";
  return 0;
}

}  // namespace firmsim
