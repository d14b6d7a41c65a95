// The firmsim subcommands, callable from main() and from tests.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/config.hpp"

namespace firmsim {

struct RunCommand {
  std::string config;
  std::vector<std::string> scenarios;
  std::optional<std::int64_t> firms;
  std::optional<int> replicates;
  std::optional<std::int64_t> seed;  // signed, so that -1 is refused rather than wrapped to 2^64-1
  std::optional<std::string> years;  // "A:B"
  std::optional<std::string> out;
  std::string format = "csv";
  bool format_given = false;  // --format was on the command line (a resume checks it against the checkpoint)
  std::optional<std::int64_t> batch;
  std::optional<int> threads;
  bool compare = false;
  std::string targets;  // empty: default_targets()
  bool quiet = false;
  std::optional<int> checkpoint_every;  // years between checkpoints in the --out directory
  std::optional<std::string> resume;    // run directory of a killed run to continue
  std::optional<std::string> distribute;  // under MPI: replicates, firms or auto
};

struct CompareCommand {
  std::string panel;
  std::string targets;  // empty: default_targets()
  std::optional<std::string> out;
  std::optional<std::string> as_targets;  // write the panel's tables as a targets file instead of comparing
};

// Applies the command line's overrides to a loaded config (throws InputError).
// Every number is bounded by the same ranges as the config (sim/limits.hpp).
void apply_overrides(const RunCommand& cmd, Config& config);

// The options evaluate, experiment and validate share with `run`: the
// population (firms, replicates, seed) and the recorded years, as a
// RunCommand for apply_overrides.
RunCommand population_options(const std::optional<std::int64_t>& firms, const std::optional<int>& replicates,
                              const std::optional<std::uint64_t>& seed,
                              const std::optional<std::string>& years = std::nullopt);
// Their --threads: at least 1 (InputError otherwise), then OpenMP's count.
void use_threads(const std::optional<int>& threads);

// The empirical targets when --targets is not given, wherever firmsim runs
// from: $FIRMSIM_TARGETS if set; else configs/targets/belgium_sme_1998_2005.yaml
// under the current directory if it exists; else the same file under
// $FIRMSIM_SOURCE_DIR, or under the source tree firmsim was built from.
std::string default_targets();
// A file or folder shipped with the sources (e.g. "scenarios/validation"):
// under the current directory if there, else under $FIRMSIM_SOURCE_DIR, else
// under the source tree firmsim was built from.
std::string shipped_path(const std::string& relative);

int run_command(const RunCommand& cmd, bool interactive);
// The run's command line as `key=value` lines (what --resume rebuilds it from).
std::string run_key(const RunCommand& cmd);
int compare_command(const CompareCommand& cmd);
int params_command(bool markdown);

}  // namespace firmsim
