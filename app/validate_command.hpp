// `firmsim validate`: the policy validity checks (policy/validation.*): each
// check's program beside the baseline, its true effect against the published
// figure and against the anchor's own study design.
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

struct ValidateCommand {
  std::string config;
  std::vector<std::string> checks;  // empty: all
  std::string programs;             // empty: the shipped scenarios/validation
  std::string crisis_world;         // empty: the shipped scenarios/belgium_1998_2012.yaml
  int replicates = 4;
  std::string out = "runs/validation";
  std::optional<std::int64_t> firms;
  std::optional<std::uint64_t> seed;
  std::optional<int> threads;
  bool quiet = false;
};

CLI::App* add_validate_command(CLI::App& app, ValidateCommand& cmd);
int validate_command(const ValidateCommand& cmd, bool interactive);

}  // namespace firmsim
