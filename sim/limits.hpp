// The ranges every number a user can give must lie in, read by the config
// loader and the command line alike, so `--replicates 1000000` is refused for
// the same reason as `replicates: 1000000` in a YAML file.
#pragma once

#include <cstdint>

namespace firmsim::limits {

// Run options (run: section and their --options).
constexpr std::int64_t kMaxSeed = 9007199254740991;  // 2^53 - 1: exact in a double, so YAML and Stata keep it
constexpr int kMaxReplicates = 100000;
constexpr std::int64_t kMaxFirms = 4000000000;  // firm slots per replicate
constexpr std::int64_t kMaxBatch = std::int64_t{1} << 40;
constexpr int kMinYear = 1800, kMaxYear = 2100;
constexpr int kMaxSimulatedYears = 250;
// OpenMP threads: far above any CPU's cores, far below the count at which
// libgomp cannot create its threads' stacks (100,000 crashed it).
constexpr int kMaxThreads = 1024;

// Documents: what a YAML file may expand to once aliases are followed. The
// default world is about 2,500 nodes; a document that expands beyond this is
// an alias bomb or not a config.
constexpr std::int64_t kMaxYamlNodes = 2000000;

// Entries of a config's lists of policy programs and demand shocks: a
// scenario has a handful; these bounds keep the checks that compare every
// entry with every other (programs in force, stacked shocks) well under a
// second. More is refused with the limit named.
constexpr int kMaxPolicyEntries = 1000;
constexpr int kMaxShockEntries = 1000;

// Demand of a market in any simulated year (size x growth x stacked shocks):
// beyond this, export values leave float range in the kernels.
constexpr double kMaxDemand = 1e9;

}  // namespace firmsim::limits
