// `firmsim experiment`: the baseline and theory scenarios as variants of one
// population (common random numbers), every table cell side by side with the
// paired change and its interval (policy/experiment.*).
// Kept apart from cli_commands.* so that subcommands merge independently.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace firmsim {

struct ExperimentCommand {
  std::string config;
  std::vector<std::string> scenarios;
  int replicates = 4;
  std::string out = "runs/experiment";
  std::optional<std::string> years;  // "A:B"
  std::optional<std::int64_t> firms;
  std::optional<std::uint64_t> seed;
  std::optional<int> threads;
  std::string targets;  // empty: default_targets()
  bool quiet = false;
};

// Registers the subcommand and its options on `app`.
CLI::App* add_experiment_command(CLI::App& app, ExperimentCommand& cmd);
int experiment_command(const ExperimentCommand& cmd, bool interactive);

}  // namespace firmsim
