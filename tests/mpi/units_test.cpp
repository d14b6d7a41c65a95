// parallel/ in one process, and the shard merge: a panel cut into parts
// (by replicates or by firms) and merged is the panel again.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <memory>

#include "parallel/comm.hpp"
#include "sim/atomic_file.hpp"
#include "sim/input_error.hpp"
#include "sim/shards.hpp"
#include "sim/simulation.hpp"
#include "../sim/support.hpp"

namespace firmsim {
namespace {

TEST(Parallel, OneProcessTakesEveryItemInOrder) {
  EXPECT_EQ(par::size(), 1);
  EXPECT_FALSE(par::distributed());
  std::vector<std::int64_t> seen;
  const std::vector<std::string> out = par::map_items(5, [&](std::int64_t k) {
    seen.push_back(k);
    return std::string(static_cast<std::size_t>(k), 'x');
  });
  EXPECT_EQ(seen, (std::vector<std::int64_t>{0, 1, 2, 3, 4}));
  ASSERT_EQ(out.size(), 5u);
  for (std::size_t k = 0; k < out.size(); ++k) EXPECT_EQ(out[k].size(), k);
}

TEST(Parallel, RangesTileTheItemsInOrder) {
  for (int ranks : {1, 2, 3, 7})
    for (std::int64_t n : {7, 10, 4096, 10001}) {
      std::int64_t next = 0;
      for (int r = 0; r < ranks; ++r) {
        const par::Range range = par::range_of(r, ranks, n);
        EXPECT_EQ(range.begin, next);
        EXPECT_LE(range.end - range.begin, n / ranks + 1);
        next = range.end;
      }
      EXPECT_EQ(next, n);
    }
}

template <class Columns, class Schema>
void expect_same(const Columns& a, const Columns& b, Schema schema) {
  schema([&](const char* name, auto member, bool, double) { EXPECT_TRUE(a.*member == b.*member) << name; });
}

void expect_same_panel(const Panel& a, const Panel& b) {
  expect_same(a.firm_years, b.firm_years, [](auto&& f) { firm_year_schema(f); });
  expect_same(a.firms, b.firms, [](auto&& f) { firm_schema(f); });
  expect_same(a.flows, b.flows, [](auto&& f) { flow_schema(f); });
  expect_same(a.peers, b.peers, [](auto&& f) { peer_schema(f); });
}

Config small() {
  Config c = testing::small_default(900, 1985);
  c.run.replicates = 3;
  c.run.seed = 77;
  return c;
}

// Replicate r of small() simulated alone, as a process of an ensemble does.
std::unique_ptr<Simulation> replicate_alone(std::uint32_t r) {
  Config one = small();
  one.run.replicates = 1;
  auto sim = std::make_unique<Simulation>(std::vector<Config>{one}, PopulationPart{r, 0, false});
  sim->run();
  return sim;
}

TEST(Shards, ReplicatesSimulatedApartMergeIntoTheSamePanel) {
  Simulation whole(small());
  whole.run();
  std::vector<Panel> parts;
  std::vector<ShardSpec> specs;
  for (std::uint32_t r = 0; r < 3; ++r) {
    Panel p = replicate_alone(r)->panel();
    shift_numbers(p, -static_cast<std::int32_t>(r), 0);  // as written to disk
    parts.push_back(std::move(p));
    specs.push_back(ShardSpec{"r", static_cast<std::int32_t>(r), 1, 0, 900});
  }
  std::reverse(parts.begin(), parts.end());  // the merge does not depend on the order of the parts
  std::reverse(specs.begin(), specs.end());
  expect_same_panel(merge_panels(std::move(parts), specs), whole.panel());
}

TEST(Shards, FirmRangesSimulatedApartMergeIntoTheSamePanel) {
  // Without crowding a firm never reads another's state, so the parts need no
  // reduction to match (the summaries do, and are reduced under MPI).
  Simulation whole(small());
  whole.run();
  std::vector<Panel> parts;
  std::vector<ShardSpec> specs;
  for (const auto& [begin, end] : {std::pair<std::int64_t, std::int64_t>{0, 400}, {400, 900}}) {
    Config part = small();
    part.run.firms = end - begin;
    Simulation sim(std::vector<Config>{part}, PopulationPart{0, begin, false});
    sim.run();
    Panel p = sim.panel();
    shift_numbers(p, 0, -begin);
    parts.push_back(std::move(p));
    specs.push_back(ShardSpec{"f", 0, 3, begin, end - begin});
  }
  expect_same_panel(merge_panels(std::move(parts), specs), whole.panel());
}

TEST(Shards, SummariesAddUpExactlyWhateverTheSplit) {
  Simulation whole(small());
  whole.run();
  std::vector<YearSummary> sum;
  for (std::uint32_t r = 0; r < 3; ++r) add_years(sum, replicate_alone(r)->summaries());
  ASSERT_EQ(sum.size(), whole.summaries().size());
  for (std::size_t y = 0; y < sum.size(); ++y) {
    const YearSummary &a = sum[y], &b = whole.summaries()[y];
    EXPECT_EQ(a.alive, b.alive);
    EXPECT_EQ(a.exporters, b.exporters);
    EXPECT_EQ(a.export_starters, b.export_starters);
    EXPECT_EQ(a.exports, b.exports) << a.year;  // exact: not merely near
    EXPECT_EQ(a.imports, b.imports);
    EXPECT_EQ(a.exports_observed, b.exports_observed);
  }
}

TEST(Shards, ManifestRoundTrips) {
  ShardManifest m;
  m.complete = true;
  m.mode = "replicates";
  m.processes = 3;
  m.replicates = 2;
  m.firms = 1000;
  m.run_key = "config=a.yaml\nseed=4\n";
  m.shards = {ShardSpec{"replicate-00000", 0, 1, 0, 1000}, ShardSpec{"replicate-00001", 1, 1, 0, 1000}};
  const std::string path =
      (std::filesystem::temp_directory_path() / ("firmsim-shards-" + std::to_string(::getpid()) + ".yaml")).string();
  write_file_atomically(path, shard_manifest_yaml(m));
  const ShardManifest back = read_shard_manifest(path);
  EXPECT_TRUE(back.complete);
  EXPECT_EQ(back.mode, "replicates");
  EXPECT_EQ(back.run_key, m.run_key);
  ASSERT_EQ(back.shards.size(), 2u);
  EXPECT_EQ(back.shards[1].name, "replicate-00001");
  EXPECT_EQ(back.shards[1].first_replicate, 1);
  write_file_atomically(path, "state: complete\nmode: replicates\nprocesses: 1\nreplicates: 1\nfirms: x\n");
  try {
    read_shard_manifest(path);
    FAIL() << "an unreadable manifest was accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.key(), "firms");
    EXPECT_EQ(e.line(), 5);
  }
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace firmsim
