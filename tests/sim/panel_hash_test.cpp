// A fixed small world whose written panel must not change by a byte unless
// the model is meant to change: the guard for mechanical refactors (the
// state registry, named draws) and for "all interaction switches off is
// today's model". When a change is MEANT to move the panel, update the
// constants below in the same commit and say why in its message.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "command_support.hpp"
#include "sim/panel_io.hpp"
#include "support.hpp"

namespace firmsim {
namespace {

namespace fs = std::filesystem;
using testing::slurp;

// FNV-1a, 64 bits: stable across compilers and platforms (std::hash is not).
std::uint64_t fnv1a(const std::string& bytes, std::uint64_t h = 1469598103934665603ull) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// Hash of the three CSV tables, in a fixed order.
std::uint64_t panel_hash(const Panel& panel, const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("firmsim-hash-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  write_panel(panel, dir.string(), PanelFormat::csv);
  std::uint64_t h = 1469598103934665603ull;
  for (const char* file : {"firm_years.csv", "firms.csv", "flows.csv"}) h = fnv1a(slurp(dir / file), h);
  fs::remove_all(dir);
  return h;
}

// The default model with every firm-interaction switch off.
Config fixed_world() {
  Config c = testing::small_default(3000, 1980);
  c.run.replicates = 2;
  c.run.seed = 20261125;
  return c;
}

TEST(PanelHash, FixedSmallWorldIsByteIdentical) {
  Simulation sim(fixed_world());
  sim.run();
  const Panel p = sim.panel();
  ASSERT_GT(p.firm_years.rows(), 1000u);
  EXPECT_EQ(panel_hash(p, "one"), 0xa6fb4ce8a4b3b7c2ull) << std::hex << panel_hash(p, "again");
}

// The fixed world and, as a second variant, the same with cheaper export entry.
std::vector<Config> with_cheaper_entry() {
  Config base = fixed_world();
  Config cheaper = base;
  cheaper.model.exports.sunk_cost *= 0.7f;
  return {base, cheaper};
}

TEST(PanelHash, SecondVariantIsByteIdentical) {
  Simulation sim(with_cheaper_entry());
  sim.run();
  const Panel p = sim.panel(1);
  EXPECT_EQ(panel_hash(p, "variant"), 0x33df4ac675162414ull) << std::hex << panel_hash(p, "again");
}

// take_panel hands the same bytes over without the copy (two replicates: the
// first moved, the second appended), and the rows then leave the simulation.
TEST(PanelHash, TakenPanelIsThePanel) {
  Simulation sim(with_cheaper_entry());
  sim.run();
  const Panel copied = sim.panel(1);
  const Panel taken = sim.take_panel(1);
  EXPECT_EQ(panel_hash(taken, "taken"), panel_hash(copied, "copied"));
  EXPECT_EQ(panel_hash(taken, "taken"), 0x33df4ac675162414ull);
  EXPECT_THROW(sim.panel(1), std::logic_error);
  EXPECT_THROW(sim.take_panel(1), std::logic_error);
  const std::size_t rows = sim.panel(0).firm_years.rows();  // variant 0 is still whole
  EXPECT_EQ(sim.take_panel(0).firm_years.rows(), rows);
  Simulation young(fixed_world());
  young.step();
  young.take_panel();
  EXPECT_THROW(young.step(), std::logic_error);  // no year after a panel was taken
}

// The default as shipped: market information, mentoring and crowding on, so
// the peer gather and the crowding reduction are under the guard too (and,
// run on a GPU by bench/gpu-check.sh, give the CPU's bytes).
TEST(PanelHash, InteractingFirmsAreByteIdentical) {
  Config c = fixed_world();
  const Config shipped = load_config(testing::default_config_path());
  c.model.interactions = shipped.model.interactions;
  ASSERT_GT(c.model.interactions.market_information + c.model.interactions.mentoring + c.model.interactions.crowding, 0)
      << "the shipped default no longer has firm interactions on: this test guards nothing";
  Simulation sim(c);
  sim.run();
  const Panel p = sim.panel();
  EXPECT_EQ(panel_hash(p, "network"), 0xec8494bbf98fcb45ull) << std::hex << panel_hash(p, "again");
}

}  // namespace
}  // namespace firmsim
