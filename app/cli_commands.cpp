#include "app/cli_commands.hpp"

#include <omp.h>

#include <cstdio>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

#include "estimation/typology.hpp"
#include "sim/input_error.hpp"
#include "sim/panel_io.hpp"
#include "app/progress.hpp"
#include "app/run_report.hpp"
#include "sim/simulation.hpp"

namespace firmsim {

namespace {

std::pair<int, int> parse_years(const std::string& text) {
  const auto colon = text.find(':');
  try {
    if (colon == std::string::npos) throw std::invalid_argument(text);
    std::size_t used_a = 0, used_b = 0;
    const int a = std::stoi(text.substr(0, colon), &used_a);
    const int b = std::stoi(text.substr(colon + 1), &used_b);
    if (used_a != colon || used_b != text.size() - colon - 1) throw std::invalid_argument(text);
    return {a, b};
  } catch (const std::exception&) {
    throw InputError("command line", 0, "--years", "expected A:B (e.g. 1993:2005), got '" + text + "'");
  }
}

std::string year_line(const YearSummary& s) {
  std::ostringstream o;
  o << "alive " << s.alive << ", births " << s.births << ", deaths " << s.deaths << ", exporters " << s.exporters
    << ", importers " << s.importers << ", export starters " << s.export_starters;
  return o.str();
}

}  // namespace

void apply_overrides(const RunCommand& cmd, Config& c) {
  if (cmd.firms) {
    if (*cmd.firms < 1) throw InputError("command line", 0, "--firms", "must be at least 1");
    c.run.firms = *cmd.firms;
  }
  if (cmd.replicates) {
    if (*cmd.replicates < 1) throw InputError("command line", 0, "--replicates", "must be at least 1");
    c.run.replicates = *cmd.replicates;
  }
  if (cmd.seed) c.run.seed = *cmd.seed;
  if (cmd.batch) {
    if (*cmd.batch < 1) throw InputError("command line", 0, "--batch", "must be at least 1");
    c.run.batch = *cmd.batch;
  }
  if (cmd.years) {
    const auto [a, b] = parse_years(*cmd.years);
    if (a < c.run.burn_in_start || b < a || b > 2100)
      throw InputError(
          "command line", 0, "--years",
          "recorded years must satisfy burn_in_start (" + std::to_string(c.run.burn_in_start) + ") <= A <= B");
    c.run.first_year = a;
    c.run.last_year = b;
  }
}

int run_command(const RunCommand& cmd, bool interactive) {
  const PanelFormat format = parse_panel_format(cmd.format);
  Config config = load_config(cmd.config, cmd.scenarios);
  apply_overrides(cmd, config);
  if (cmd.threads) {
    if (*cmd.threads < 1) throw InputError("command line", 0, "--threads", "must be at least 1");
    omp_set_num_threads(*cmd.threads);
  }
  if (cmd.out) ensure_writable_directory(*cmd.out);
  if (cmd.compare) check_targets_readable(cmd.targets);

  Simulation sim(config);
  std::fprintf(
      stderr,
      "firmsim: %lld firms x %d replicate(s), %d markets, %d industries, years %d-%d (recorded %d-%d), %s backend\n",
      static_cast<long long>(config.run.firms), config.run.replicates, static_cast<int>(config.markets.size()),
      static_cast<int>(config.industries.size()), config.run.burn_in_start, config.run.last_year, config.run.first_year,
      config.run.last_year, Engine::backend_name());
  Progress progress(stderr, sim.total_years(), interactive);
  int done = 0;
  sim.run([&](const YearSummary& s) {
    ++done;
    if (!cmd.quiet) progress.update(done, std::to_string(s.year), year_line(s));
  });
  const double seconds = progress.seconds();
  const Panel panel = sim.panel();

  RunReport report = make_run_report(config, sim.summaries(), panel);
  print_run_report(std::cout, report);
  std::cout << "simulated in " << std::fixed << std::setprecision(1) << seconds << " s\n";

  if (cmd.out) {
    write_panel(panel, *cmd.out, format);
    write_run_report(*cmd.out, report);
    std::cout << "panel written to " << *cmd.out << " (" << cmd.format << ")\n";
  }
  if (cmd.compare) compare_panel(panel, cmd.targets, cmd.out, config.typology, std::cout);
  return 0;
}

int compare_command(const CompareCommand& cmd) {
  const std::string out = cmd.out ? *cmd.out : cmd.panel;
  ensure_writable_directory(out);
  check_targets_readable(cmd.targets);
  const Panel panel = read_panel_directory(cmd.panel);
  compare_panel(panel, cmd.targets, out, TypologySpec{}, std::cout);
  return 0;
}

int params_command(bool markdown) {
  if (markdown) {
    std::cout << "| key | range | unit | meaning |\n|---|---|---|---|\n";
    for (const ParameterInfo& p : model_parameters())
      std::cout << "| `model." << p.key << "` | [" << p.lo << ", " << p.hi << "] | " << p.unit << " | " << p.meaning
                << " |\n";
    return 0;
  }
  for (const ParameterInfo& p : model_parameters())
    std::cout << std::left << std::setw(42) << ("model." + p.key) << std::setw(16) << p.unit << p.meaning << "\n";
  return 0;
}

}  // namespace firmsim
