// A panel written in parts (shards) by several processes (parallel/): each
// shard is an ordinary panel directory under DIR/shards/, and
// DIR/panel_shards.yaml lists them with the replicates and firms each
// holds. merge_panels() puts the parts back in the panel's row order, so a
// sharded panel reads as the same Panel as one written by a single process.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/panel.hpp"

namespace firmsim {

inline constexpr const char* kShardManifestName = "panel_shards.yaml";
inline constexpr const char* kShardDoneName = "shard_done";

struct ShardSpec {
  std::string name;  // directory under DIR/shards/
  std::int32_t first_replicate = 0, replicates = 0;
  std::int64_t first_firm = 0, firms = 0;
};

struct ShardManifest {
  bool complete = false;  // every shard written
  std::string mode;       // replicates (an ensemble) or firms (a split population)
  int processes = 1;
  std::int32_t replicates = 0;  // of the whole panel
  std::int64_t firms = 0;       // per replicate, of the whole panel
  std::string run_key;          // what --resume needs to rebuild the run (app/)
  std::vector<ShardSpec> shards;
};

std::string shard_manifest_yaml(const ShardManifest& m);
// Throws InputError naming the file and key when it is not a shard manifest.
ShardManifest read_shard_manifest(const std::string& path);
std::string shard_directory(const std::string& dir, const ShardSpec& s);
// DIR/panel_shards.yaml: a run directory holds shards when this file exists.
std::string shard_manifest_path(const std::string& dir);

// Adds to every replicate and firm number of the panel (not to peers' own
// numbers: a peer is in its firm's replicate, which a shard holds whole).
// A shard on disk is numbered from 0 like any panel; the manifest says where
// it sits in the whole.
void shift_numbers(Panel& panel, std::int32_t replicates, std::int64_t firms);

// The shards (each numbered from 0, placed by its spec) as one panel, in the
// panel's row orders: firm-years and flows by (replicate, year, firm[,
// market]), firms and peers by (replicate, firm[, slot]).
Panel merge_panels(std::vector<Panel> parts, const std::vector<ShardSpec>& specs);

}  // namespace firmsim
