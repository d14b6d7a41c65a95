// `firmsim run` started by mpirun/srun with more than one process: the
// replicates of an ensemble handed out to processes as they free up, or
// each replicate's firms split over the processes; the panel is written as
// shards plus DIR/panel_shards.yaml (sim/shards.hpp), and the report and the
// comparison are those of the same run in one process, byte for byte.
#pragma once

#include <string>

#include "app/cli_commands.hpp"
#include "sim/config.hpp"

namespace firmsim {

// Collective: every process calls it with the same command and config.
int distributed_run(const RunCommand& cmd, const Config& config, const std::string& targets, bool resuming);

}  // namespace firmsim
