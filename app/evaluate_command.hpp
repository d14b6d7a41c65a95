// `firmsim evaluate`: a baseline and policy programs with common random
// numbers, effects with intervals, optionally at an equal budget (policy/).
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

struct EvaluateCommand {
  std::string config;
  std::vector<std::string> policies;
  std::optional<int> replicates;
  std::optional<std::string> out;
  std::optional<std::string> years;  // "A:B"
  std::optional<double> budget;      // EUR per program
  std::optional<std::int64_t> firms;
  std::optional<std::uint64_t> seed;
  std::optional<int> threads;
  bool quiet = false;
};

// Registers the subcommand and its options on `app`.
CLI::App* add_evaluate_command(CLI::App& app, EvaluateCommand& cmd);
int evaluate_command(const EvaluateCommand& cmd, bool interactive);

}  // namespace firmsim
