#include "app/evaluate_command.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <iomanip>
#include <iostream>

#include "app/cli_commands.hpp"
#include "app/progress.hpp"
#include "parallel/comm.hpp"
#include "policy/evaluate.hpp"
#include "policy/report.hpp"
#include "sim/input_error.hpp"
#include "sim/panel_io.hpp"

namespace firmsim {

namespace {

// Without --years the run goes on five years past the last program's end, so
// that persistence can be seen (at most to 2100).
void extend_for_persistence(const EvaluateCommand& cmd, const std::vector<policy::Program>& programs, Config& c) {
  if (cmd.years) return;
  for (const policy::Program& p : programs)
    c.run.last_year = std::max(c.run.last_year, std::min(2100, policy::program_years(p.config).second + 5));
}

std::vector<policy::Program> load_programs(const EvaluateCommand& cmd) {
  std::vector<policy::Program> programs;
  for (const std::string& file : cmd.policies) {
    policy::Program p;
    p.file = file;
    p.config = load_config(cmd.config, {file});
    if (p.config.policies.empty()) throw InputError(file, 0, "policies", "the file defines no policy program");
    programs.push_back(std::move(p));
  }
  return programs;
}

}  // namespace

CLI::App* add_evaluate_command(CLI::App& app, EvaluateCommand& cmd) {
  CLI::App* c = app.add_subcommand("evaluate", "What policy programs buy against a baseline, with intervals");
  c->add_option("config", cmd.config, "World and model configuration (YAML)")->required();
  c->add_option("--policy", cmd.policies, "Program scenario(s); each is compared with the baseline")
      ->required()
      ->take_all();
  c->add_option("--replicates", cmd.replicates, "Replicates (intervals are across them)");
  c->add_option("--out", cmd.out, "Directory for effects.md, effects.csv and the figures");
  c->add_option("--years", cmd.years, "Recorded years A:B (default: to 5 years after the last program)");
  c->add_option("--budget", cmd.budget, "Scale every program to this public cost (EUR) and rank them");
  c->add_option("--firms", cmd.firms, "Firm slots per replicate");
  c->add_option("--seed", cmd.seed, "Random seed");
  c->add_option("--threads", cmd.threads, "OpenMP threads (CPU backend)");
  c->add_flag("--quiet", cmd.quiet, "No progress output");
  return c;
}

int evaluate_command(const EvaluateCommand& cmd, bool interactive) {
  use_threads(cmd.threads);
  if (cmd.budget && !(std::isfinite(*cmd.budget) && *cmd.budget > 0 && *cmd.budget <= 1e15))
    throw InputError("command line", 0, "--budget", "must be a positive EUR amount up to 1e15");
  const RunCommand run = population_options(cmd.firms, cmd.replicates, cmd.seed, cmd.years);
  Config baseline = load_config(cmd.config);
  std::vector<policy::Program> programs = load_programs(cmd);
  apply_overrides(run, baseline);
  extend_for_persistence(cmd, programs, baseline);
  for (policy::Program& p : programs) {
    apply_overrides(run, p.config);
    p.config.run.last_year = baseline.run.last_year;
  }
  if (cmd.out && par::is_root()) ensure_writable_directory(*cmd.out);
  // Under MPI every process takes programs as it frees up; process 0 reports.
  const bool quiet = cmd.quiet || !par::is_root();
  if (!quiet)
    std::fprintf(stderr, "firmsim evaluate: %lld firms x %d replicate(s), baseline + %d program(s), years %d-%d, %s\n",
                 static_cast<long long>(baseline.run.firms), baseline.run.replicates, static_cast<int>(programs.size()),
                 baseline.run.first_year, baseline.run.last_year, Engine::backend_name());
  if (cmd.budget)
    policy::scale_to_budget(programs, *cmd.budget, 5, 0.03, [&](const std::string& line) {
      if (!quiet) std::fprintf(stderr, "%s\n", line.c_str());
    });
  const int total = baseline.run.last_year - baseline.run.burn_in_start + 1;
  Progress progress(stderr, total, interactive);
  int done = 0;
  const policy::Evaluation e = policy::evaluate(baseline, std::move(programs), cmd.budget, [&](int year, int) {
    ++done;
    if (!quiet) progress.update(done, std::to_string(year), "baseline and programs");
  });
  if (!par::is_root()) return 0;
  policy::print_headlines(std::cout, e);
  std::cout << "\nevaluated in " << std::fixed << std::setprecision(1) << progress.seconds()
            << " s (magnitudes are as good as the model's fit: README, \"Where the model stands\")\n";
  if (cmd.out) {
    const std::vector<std::string> files = policy::write_effects(e, *cmd.out);
    std::cout << "written to " << *cmd.out << ":";
    for (const std::string& f : files) std::cout << " " << f;
    std::cout << "\n";
  }
  return 0;
}

}  // namespace firmsim
