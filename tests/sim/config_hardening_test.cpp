// Configs a hostile or careless user could write: each must end in one
// InputError naming file, line and the conflicting keys, never in a crash,
// an exhausted machine or a silently ignored contradiction (issue 8, items
// 1-3 and 7).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "command_support.hpp"
#include "sim/input_error.hpp"
#include "sim/limits.hpp"
#include "support.hpp"

namespace firmsim {
namespace {

namespace fs = std::filesystem;

class ConfigHardening : public testing::ScratchDirTest {
 protected:
  // The error of loading the default config with this overlay.
  InputError overlay_error(const std::string& overlay_text) {
    const std::string overlay = write("overlay.yaml", overlay_text);
    try {
      load_config(testing::default_config_path(), {overlay});
    } catch (const InputError& e) {
      return e;
    }
    ADD_FAILURE() << "no error for overlay:\n" << overlay_text.substr(0, 400);
    return InputError("", 0, "", "");
  }
  static bool says(const InputError& e, const std::string& text) {
    return std::string(e.what()).find(text) != std::string::npos;
  }
};

// --- Item 1: resource exhaustion -----------------------------------------------

TEST_F(ConfigHardening, AliasBombIsRefusedBeforeItExpands) {
  // 9 levels of 8 aliases each: a few hundred bytes standing for 8^9 = 1.3e8 nodes.
  std::ostringstream y;
  y << "bomb:\n  l0: &l0 [x, x, x, x, x, x, x, x]\n";
  for (int level = 1; level <= 8; ++level) {
    y << "  l" << level << ": &l" << level << " [";
    for (int k = 0; k < 8; ++k) y << (k ? ", " : "") << "*l" << level - 1;
    y << "]\n";
  }
  const InputError e = overlay_error(y.str());
  EXPECT_EQ(e.file(), (dir_ / "overlay.yaml").string());
  EXPECT_TRUE(says(e, "expands to more than")) << e.what();
}

TEST_F(ConfigHardening, AliasesWithinTheBudgetStillWork) {
  const std::string overlay =
      write("alias.yaml", "model:\n  exports:\n    margin: &m 0.2\n    first_year_fraction: *m\n");
  const Config c = load_config(testing::default_config_path(), {overlay});
  EXPECT_FLOAT_EQ(c.model.exports.margin, 0.2f);
  EXPECT_FLOAT_EQ(c.model.exports.first_year_fraction, 0.2f);
}

TEST_F(ConfigHardening, HundredThousandKeysLoadInLinearTime) {
  // Quadratic merging took minutes at this size; now the load ends at the
  // first unknown key at once (the test's ctest timeout is the guard).
  std::string top, nested = "model:\n  exports:\n";
  for (int k = 0; k < 100000; ++k) {
    top += "key_" + std::to_string(k) + ": 1\n";
    nested += "    key_" + std::to_string(k) + ": 1\n";
  }
  InputError e = overlay_error(top);
  EXPECT_TRUE(says(e, "unknown key")) << e.what();
  e = overlay_error(nested);
  EXPECT_TRUE(says(e, "unknown key")) << e.what();
  EXPECT_EQ(e.key().rfind("model.exports.key_", 0), 0u) << e.key();
}

TEST_F(ConfigHardening, IncludeCycleAndIncludeFanOutAreRefused) {
  write("self.yaml", "include: [self.yaml]\nrun: {}\n");
  try {
    load_config((dir_ / "self.yaml").string());
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_TRUE(says(e, "includes itself")) << e.what();
  }
  // A diamond: each level includes the next twice; 2^10 loads without a cap.
  for (int level = 0; level < 10; ++level)
    write("d" + std::to_string(level) + ".yaml",
          "include: [d" + std::to_string(level + 1) + ".yaml, d" + std::to_string(level + 1) + ".yaml]\n");
  write("d10.yaml", "run: {}\n");
  try {
    load_config((dir_ / "d0.yaml").string());
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_TRUE(says(e, "files included in all")) << e.what();
  }
}

// --- Item 2: wrong kinds of input --------------------------------------------------

TEST_F(ConfigHardening, ADirectoryWhereAYamlFileIsExpected) {
  fs::create_directories(dir_ / "folder.yaml");
  const std::string folder = (dir_ / "folder.yaml").string();
  for (int where = 0; where < 3; ++where) {
    try {
      if (where == 0) load_config(folder);                                    // the config
      if (where == 1) load_config(testing::default_config_path(), {folder});  // a scenario
      if (where == 2) {                                                       // an include
        const std::string main = write("main.yaml", "include: [folder.yaml]\n");
        load_config(main);
      }
      ADD_FAILURE() << "no error, case " << where;
    } catch (const InputError& e) {
      EXPECT_EQ(e.file(), folder);
      EXPECT_TRUE(says(e, "is a directory")) << e.what();
    }
  }
}

TEST_F(ConfigHardening, MoreThanSixteenPoliciesInForceAreFoundWhenReading) {
  std::string y = "policies:\n";
  for (int k = 0; k < 17; ++k)
    y += "  - {name: p" + std::to_string(k) + ", kind: information, from: " + std::to_string(2003 - k % 2) +
         ", to: 2005, strength: 0.1}\n";
  const InputError e = overlay_error(y);
  EXPECT_EQ(e.key(), "policies[16].from") << e.what();
  EXPECT_EQ(e.line(), 18);
  EXPECT_TRUE(says(e, "policies[0]")) << e.what();  // the first one in force
  // Sixteen, and diplomacy on top (it acts on the world, not on firms), are fine.
  std::string ok = "policies:\n";
  for (int k = 0; k < 16; ++k)
    ok += "  - {name: p" + std::to_string(k) + ", kind: information, from: 2003, to: 2005, strength: 0.1}\n";
  ok += "  - {name: d, kind: diplomacy, from: 2003, to: 2005, strength: 0.1}\n";
  EXPECT_NO_THROW(load_config(testing::default_config_path(), {write("ok.yaml", ok)}));
}

// --- Item 3: contradictions --------------------------------------------------------

TEST_F(ConfigHardening, DuplicateKeysNestedAndTopLevel) {
  InputError e = overlay_error("model:\n  exports:\n    sunk_cost: 1\n    sunk_cost: 2\n");
  EXPECT_EQ(e.key(), "model.exports.sunk_cost");
  EXPECT_EQ(e.line(), 4);
  EXPECT_TRUE(says(e, "also defined at line 3")) << e.what();
  e = overlay_error("shocks: []\npolicies: []\nshocks: []\n");
  EXPECT_EQ(e.key(), "shocks");
  EXPECT_EQ(e.line(), 3);
  EXPECT_TRUE(says(e, "also defined at line 1")) << e.what();
}

TEST_F(ConfigHardening, ExportDummyYearsReversed) {
  const InputError e = overlay_error("measurement:\n  export_dummy_first_year: 1997\n  export_dummy_last_year: 1993\n");
  EXPECT_EQ(e.key(), "measurement.export_dummy_last_year");
  EXPECT_TRUE(says(e, "measurement.export_dummy_first_year")) << e.what();
}

TEST_F(ConfigHardening, OverlappingThresholdPeriods) {
  const InputError e = overlay_error(
      "measurement:\n  intrastat_thresholds:\n    - {from: 1950, to: 1999, eur: 1}\n"
      "    - {from: 1998, to: 2005, eur: 2}\n");
  EXPECT_EQ(e.key(), "measurement.intrastat_thresholds[1].from");
  EXPECT_EQ(e.line(), 4);
  EXPECT_TRUE(says(e, "measurement.intrastat_thresholds[0]")) << e.what();
}

TEST_F(ConfigHardening, MaxFteBelowTheLargestEntrant) {
  const InputError e = overlay_error("model:\n  domestic:\n    entry_fte_max: 40\n    max_fte: 20\n");
  EXPECT_EQ(e.key(), "model.domestic.max_fte");
  EXPECT_TRUE(says(e, "model.domestic.entry_fte_max")) << e.what();
}

TEST_F(ConfigHardening, DuplicateRegionAndIndustryNames) {
  InputError e = overlay_error(
      "regions: [EU15, EU2004, other_europe, north_america, latin_america, asia, bric, africa_middle_east, "
      "oceania, asia]\n");
  EXPECT_EQ(e.key(), "regions[9]");
  EXPECT_TRUE(says(e, "regions[5]")) << e.what();
  // The default industries with the first one listed twice.
  std::ifstream in(fs::path(testing::source_dir()) / "configs/world/industries.yaml");
  std::string text, line, first;
  while (std::getline(in, line)) {
    if (first.empty() && line.rfind("  - {name:", 0) == 0) {
      first = line;
      text += line + "\n";
    }
    text += line + "\n";
  }
  ASSERT_FALSE(first.empty());
  e = overlay_error(text);
  EXPECT_EQ(e.key(), "industries[1].name");
  EXPECT_TRUE(says(e, "industries[0].name")) << e.what();
}

TEST_F(ConfigHardening, PoliciesThatCouldReachNobody) {
  InputError e = overlay_error(
      "policies:\n  - {name: p, kind: information, from: 2000, to: 2005, strength: 0.1, min_fte: 50, max_fte: 10}\n");
  EXPECT_EQ(e.key(), "policies[0].max_fte");
  EXPECT_TRUE(says(e, "policies[0].min_fte")) << e.what();
  e = overlay_error(
      "policies:\n  - {name: p, kind: information, from: 2000, to: 2005, strength: 0.1, min_age: 9, max_age: 2}\n");
  EXPECT_EQ(e.key(), "policies[0].max_age");
  e = overlay_error("policies:\n  - {name: p, kind: information, from: 2000, to: 2005, strength: 0.1, markets: []}\n");
  EXPECT_EQ(e.key(), "policies[0].markets");
  EXPECT_TRUE(says(e, "names no market")) << e.what();
  e = overlay_error("shocks:\n  - {name: s, from: 2000, to: 2005, markets: [], demand_factor: 2}\n");
  EXPECT_EQ(e.key(), "shocks[0].markets");
}

// A program's take-up (issue 19): a share in (0, 1], a known assignment, a
// selection strength in [0, 1] and only where firms select themselves.
TEST_F(ConfigHardening, ProgramTakeUpOutOfRange) {
  const std::string program = "policies:\n  - {name: p, kind: information, from: 2000, to: 2005, strength: 0.1";
  for (const char* bad : {"take_up: 0", "take_up: -0.1", "take_up: 1.5", "take_up: .nan"}) {
    const InputError e = overlay_error(program + ", " + bad + "}\n");
    EXPECT_EQ(e.key(), "policies[0].take_up") << bad << ": " << e.what();
    EXPECT_EQ(e.line(), 2) << bad;
    EXPECT_EQ(e.file(), (dir_ / "overlay.yaml").string());
  }
  InputError e = overlay_error(program + ", take_up: 0.5, assignment: volunteers}\n");
  EXPECT_EQ(e.key(), "policies[0].assignment");
  EXPECT_TRUE(says(e, "random, self_selected")) << e.what();
  for (const char* bad : {"selection_strength: 1.01", "selection_strength: -0.5"}) {
    e = overlay_error(program + ", take_up: 0.5, assignment: self_selected, " + bad + "}\n");
    EXPECT_EQ(e.key(), "policies[0].selection_strength") << bad << ": " << e.what();
  }
  e = overlay_error(program + ", take_up: 0.5, selection_strength: 0.5}\n");  // random assignment: it would do nothing
  EXPECT_EQ(e.key(), "policies[0].selection_strength");
  EXPECT_TRUE(says(e, "self_selected")) << e.what();

  const Config defaults = load_config(testing::default_config_path(), {write("ok.yaml", program + "}\n")});
  EXPECT_EQ(defaults.policies.at(0).take_up, 1.0);
  EXPECT_EQ(defaults.policies.at(0).assignment, ProgramAssignment::random);
  EXPECT_EQ(defaults.policies.at(0).selection_strength, 0.7);
  const Config chosen = load_config(
      testing::default_config_path(),
      {write("chosen.yaml", program + ", take_up: 0.25, assignment: self_selected, selection_strength: 0}\n")});
  EXPECT_EQ(chosen.policies.at(0).take_up, 0.25);
  EXPECT_EQ(chosen.policies.at(0).assignment, ProgramAssignment::self_selected);
  EXPECT_EQ(chosen.policies.at(0).selection_strength, 0.0);
}

TEST_F(ConfigHardening, StackedShocksThatWouldOverflowDemand) {
  // Each factor is in range; together they push Germany's demand past the limit.
  const InputError e = overlay_error(
      "shocks:\n  - {name: a, from: 2000, to: 2005, markets: [DE], demand_factor: 1000}\n"
      "  - {name: b, from: 2001, to: 2005, markets: [DE], demand_factor: 1000}\n"
      "  - {name: c, from: 2002, to: 2005, markets: [EU15], demand_factor: 1000}\n");
  EXPECT_EQ(e.key(), "shocks[2].demand_factor") << e.what();
  EXPECT_TRUE(says(e, "shocks[0].demand_factor")) << e.what();
  EXPECT_TRUE(says(e, "'DE'")) << e.what();
}

// --- Issue 20, item 5: inputs that hung or misreported -----------------------------

// Loads `path` as the config, `scenario` as an overlay when given; the error.
InputError load_error(const std::string& path, const std::vector<std::string>& overlays = {}) {
  try {
    load_config(path, overlays);
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "no error for " << path;
  return InputError("", 0, "", "");
}

TEST_F(ConfigHardening, AFifoIsRefusedNotWaitedOn) {
  // Opening a FIFO for reading blocks until a writer comes: none will. The
  // test's own timeout is the guard against a hang.
  const std::string fifo = (dir_ / "fifo.yaml").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  for (int where = 0; where < 3; ++where) {
    InputError e("", 0, "", "");
    if (where == 0) e = load_error(fifo);                                     // the config
    if (where == 1) e = load_error(testing::default_config_path(), {fifo});  // a scenario
    if (where == 2) e = load_error(write("main.yaml", "include: [fifo.yaml]\n"));  // an include
    EXPECT_EQ(e.file(), fifo) << where << ": " << e.what();
    EXPECT_TRUE(says(e, "not a regular file")) << e.what();
  }
}

TEST_F(ConfigHardening, ASymlinkLoopIsAnInputErrorNamingTheFile) {
  fs::create_symlink(dir_ / "b.yaml", dir_ / "a.yaml");
  fs::create_symlink(dir_ / "a.yaml", dir_ / "b.yaml");
  InputError e = load_error(write("main.yaml", "include: [a.yaml]\nrun: {}\n"));
  EXPECT_EQ(e.file(), (dir_ / "main.yaml").string()) << e.what();
  EXPECT_EQ(e.key(), "include");
  EXPECT_TRUE(says(e, (dir_ / "a.yaml").string())) << e.what();
  EXPECT_TRUE(says(e, "loop of symbolic links")) << e.what();
  e = load_error((dir_ / "a.yaml").string());  // as the config itself
  EXPECT_EQ(e.file(), (dir_ / "a.yaml").string()) << e.what();
  EXPECT_TRUE(says(e, "loop of symbolic links")) << e.what();
}

TEST_F(ConfigHardening, ASecondYamlDocumentIsRefused) {
  InputError e = overlay_error("run:\n  seed: 3\n---\nrun:\n  seed: 4\n");
  EXPECT_EQ(e.line(), 3) << e.what();
  EXPECT_TRUE(says(e, "second YAML document")) << e.what();
  e = overlay_error("run:\n  seed: 3\n...\nmodel: junk\n");
  EXPECT_TRUE(says(e, "second YAML document")) << e.what();
  EXPECT_GE(e.line(), 3) << e.what();
  // One document, with its optional markers, is still fine.
  EXPECT_NO_THROW(load_config(testing::default_config_path(), {write("one.yaml", "---\nrun:\n  seed: 3\n...\n")}));
}

TEST_F(ConfigHardening, WholeNumberSettingsRefuseFractions) {
  for (const std::string key : {"strategy.mode", "learning.passive", "interactions.peers", "strategy.max_markets",
                                "exports.reentry_years", "interactions.mentor_experience", "exports.hysteresis"}) {
    const auto dot = key.find('.');
    const InputError e =
        overlay_error("model:\n  " + key.substr(0, dot) + ":\n    " + key.substr(dot + 1) + ": " +
                      (key == "strategy.max_markets" ? "1.5" : "0.5") + "\n");
    EXPECT_EQ(e.key(), "model." + key) << e.what();
    EXPECT_TRUE(says(e, "whole number")) << e.what();
  }
  const InputError e = overlay_error("model:\n  strategy:\n    max_markets: 3.7\n");
  EXPECT_TRUE(says(e, "whole number")) << e.what();
  // Whole numbers written as such load as before.
  const Config c =
      load_config(testing::default_config_path(), {write("ok.yaml", "model:\n  strategy:\n    max_markets: 4.0\n")});
  EXPECT_EQ(c.model.strategy.max_markets, 4.0f);
}

// Issue 20, item 6: 100,000 shocks took a minute to load (an explanation
// string built for every market and year, every pair of entries compared).
// The lists have a stated limit, checked before any entry is read.
TEST_F(ConfigHardening, ShockAndPolicyListsHaveAStatedLimit) {
  std::string shocks = "shocks:\n", policies = "policies:\n";
  for (int k = 0; k <= limits::kMaxShockEntries; ++k)
    shocks += "  - {name: s, from: 2000, to: 2001, markets: [DE], demand_factor: 1}\n";
  for (int k = 0; k <= limits::kMaxPolicyEntries; ++k)
    policies += "  - {name: p, kind: diplomacy, from: 2000, to: 2001, strength: 0.01}\n";
  InputError e = overlay_error(shocks);
  EXPECT_EQ(e.key(), "shocks");
  EXPECT_TRUE(says(e, "has 1001 demand shocks; at most 1000")) << e.what();
  e = overlay_error(policies);
  EXPECT_EQ(e.key(), "policies");
  EXPECT_TRUE(says(e, "at most 1000")) << e.what();
  // At the limit the list loads (the ctest timeout guards the time).
  shocks.erase(shocks.rfind("  - {"));
  const Config c = load_config(testing::default_config_path(), {write("ok.yaml", shocks)});
  EXPECT_EQ(c.shocks.size(), static_cast<std::size_t>(limits::kMaxShockEntries));
}

// --- Item 7: the recorded years do not change the world ------------------------------

TEST(RecordedYears, DoNotChangeTheFirms) {
  Config all = testing::small_default(3000, 1975);
  Config late = all;
  late.run.first_year = 1998;
  ASSERT_EQ(all.run.first_year, 1993);
  Simulation a(all), b(late);
  a.run();
  b.run();
  const Panel pa = a.panel(), pb = b.panel();
  // b's rows are a's rows of 1998-2005, in the same (replicate, year, firm) order.
  std::size_t offset = 0;
  while (offset < pa.firm_years.rows() && pa.firm_years.year[offset] < 1998) ++offset;
  ASSERT_EQ(pa.firm_years.rows() - offset, pb.firm_years.rows());
  ASSERT_GT(pb.firm_years.rows(), 1000u);
  std::size_t differ = 0;
  for (std::size_t i = 0; i < pb.firm_years.rows(); ++i) {
    const std::size_t j = offset + i;
    differ += pa.firm_years.firm[j] != pb.firm_years.firm[i] || pa.firm_years.year[j] != pb.firm_years.year[i] ||
              pa.firm_years.fte[j] != pb.firm_years.fte[i] || pa.firm_years.exports[j] != pb.firm_years.exports[i] ||
              pa.firm_years.export_mask[j] != pb.firm_years.export_mask[i] ||
              pa.firm_years.imports[j] != pb.firm_years.imports[i];
  }
  EXPECT_EQ(differ, 0u);
  EXPECT_EQ(pa.firms.latent_export_start_year, pb.firms.latent_export_start_year);
}

TEST(RecordedYears, DemandGrowsFromTheWorldsBaseYear) {
  Config c = testing::small_default(100);
  ASSERT_EQ(c.demand_base_year, 1993);
  const MarketSpec& nl = c.markets[0];
  const double at_base = year_world(c, 1993).markets[0].demand;
  EXPECT_FLOAT_EQ(at_base, nl.params.size);
  c.run.first_year = 2000;  // recording later changes nothing
  EXPECT_EQ(year_world(c, 2003).markets[0].demand, [&] {
    Config d = testing::small_default(100);
    return year_world(d, 2003).markets[0].demand;
  }());
  c.demand_base_year = 2003;  // moving the world's base year does
  EXPECT_FLOAT_EQ(year_world(c, 2003).markets[0].demand, nl.params.size);
}

// --- Item 1: the memory estimate counts the host panel -------------------------------

template <class Columns, class Schema>
double column_bytes(const Columns& c, Schema schema) {
  double bytes = 0;
  schema([&](const char*, auto member, bool, double) {
    const auto& v = c.*member;
    bytes += static_cast<double>(v.size() * sizeof(v[0]));
  });
  return bytes;
}

TEST(MemoryEstimate, CoversTheRecordedPanelHeldTwice) {
  Config c = load_config(testing::default_config_path());
  c.run.firms = 5000;
  Simulation sim(c);
  sim.run();
  const Panel p = sim.panel();
  const double panel = column_bytes(p.firm_years, [](auto&& f) { firm_year_schema(f); }) +
                       column_bytes(p.flows, [](auto&& f) { flow_schema(f); }) +
                       column_bytes(p.firms, [](auto&& f) { firm_schema(f); });
  // Simulation keeps the columns and panel() returns a copy: twice.
  EXPECT_GT(estimated_host_bytes(c), 2 * panel);
  EXPECT_LT(estimated_host_bytes(c), 8 * panel);  // and not wildly above it
  // A hostile population gives a finite estimate, not an overflow.
  c.run.firms = limits::kMaxFirms;
  c.run.replicates = limits::kMaxReplicates;
  EXPECT_TRUE(std::isfinite(estimated_device_bytes(c) + estimated_host_bytes(c)));
  EXPECT_THROW(Simulation{c}, InputError);
}

}  // namespace
}  // namespace firmsim
