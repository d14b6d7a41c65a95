// Theory experiments (policy/experiment.*): the baseline against itself moves
// nothing, exactly; a known switch (waterfall only) moves the cells it must
// move with the sign it must; scenarios that could not be matched firm by
// firm, or that change nothing, are refused naming file, line and key.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "../sim/command_support.hpp"
#include "../sim/support.hpp"
#include "estimation/targets.hpp"
#include "policy/experiment.hpp"
#include "policy/experiment_report.hpp"
#include "sim/input_error.hpp"
#include "sim/simulation.hpp"

namespace firmsim {
namespace {

namespace fs = std::filesystem;

Config small_world() {
  Config c = testing::small_default(20000, 1975);
  c.run.replicates = 4;  // paired intervals need a few: t(3) = 3.18
  return c;
}

std::vector<Panel> simulate(const std::vector<Config>& variants) {
  Simulation sim(variants);
  sim.run();
  std::vector<Panel> panels;
  for (int v = 0; v < sim.variants(); ++v) panels.push_back(sim.panel(v));
  return panels;
}

policy::Scenario scenario_of(const Config& c, const std::string& name) {
  policy::Scenario s;
  s.file = name + ".yaml";
  s.name = name;
  s.config = c;
  return s;
}

est::Targets seed_tables() { return est::load_targets(testing::source_dir() + "/configs/targets/belgium_sme_1998_2005.yaml"); }

const policy::CellEffect& cell(const policy::Experiment& e, const std::string& table, const std::string& row,
                               const std::string& column) {
  for (const policy::CellEffect& c : e.cells)
    if (c.table == table && c.row == row && c.column == column) return c;
  throw std::runtime_error("no cell " + table + " [" + row + " | " + column + "]");
}

TEST(Experiment, TheBaselineAgainstItselfMovesNothingExactly) {
  const Config c = small_world();
  const policy::Experiment e =
      policy::measure_experiment(c, {scenario_of(c, "same")}, seed_tables(), simulate({c, c}));
  ASSERT_GT(e.cells.size(), 500u);
  std::size_t defined = 0;
  for (const policy::CellEffect& x : e.cells) {
    if (x.change[1].n == 0) continue;
    ++defined;
    EXPECT_EQ(x.change[1].mean, 0.0) << x.table << " [" << x.row << " | " << x.column << "]";
    EXPECT_EQ(x.change[1].lo, 0.0) << x.table;
    EXPECT_EQ(x.change[1].hi, 0.0) << x.table;
    EXPECT_FALSE(x.headline(1));
  }
  EXPECT_GT(defined, 300u);
  EXPECT_EQ(e.fits[0].distance, e.fits[1].distance);
  EXPECT_TRUE(policy::headline_cells(e, 1).empty());
  // Every firm keeps its type and its strategy: only the diagonal is filled.
  for (const policy::Transition& t : e.changes.at(0))
    for (std::size_t i = 0; i < t.labels.size(); ++i)
      for (std::size_t j = 0; j < t.labels.size(); ++j) {
        if (i != j) {
          EXPECT_EQ(t.counts[i][j], 0.0) << t.title << " " << t.labels[i] << " -> " << t.labels[j];
        }
      }
  for (const policy::FirmPath& p : e.firm_paths.at(0)) {
    EXPECT_EQ(p.type[0], p.type[1]);
    EXPECT_EQ(p.first_export[0], p.first_export[1]);
    EXPECT_EQ(p.exit_year[0], p.exit_year[1]);
  }
}

TEST(Experiment, WaterfallOnlyTakesTheBornGlobalsAway) {
  const Config c = small_world();
  Config waterfall = c;
  waterfall.model.strategy.mode = 1;  // scenarios/waterfall_only.yaml
  const policy::Experiment e =
      policy::measure_experiment(c, {scenario_of(waterfall, "waterfall only")}, seed_tables(), simulate({c, waterfall}));
  // Table 6: born globals enter many markets at once, which a waterfall firm
  // never does; the baseline has them.
  const policy::CellEffect& bg = cell(e, "table_06", "BG", "total");
  ASSERT_EQ(bg.level[0].n, 4);
  EXPECT_GT(bg.level[0].mean, 5);
  EXPECT_LT(bg.change[1].mean, 0);
  EXPECT_TRUE(bg.significant(1));
  EXPECT_TRUE(bg.headline(1));
  // Paired: the change is the difference of the levels.
  EXPECT_DOUBLE_EQ(bg.change[1].mean, bg.level[1].mean - bg.level[0].mean);
  // Firm by firm: the baseline's born globals become something else.
  const policy::Transition& types = e.changes.at(0).at(0);
  double bg_before = 0, bg_after = 0;
  for (std::size_t j = 0; j < types.labels.size(); ++j) bg_before += types.counts[0][j];
  for (std::size_t i = 0; i < types.labels.size(); ++i) bg_after += types.counts[i][0];
  EXPECT_NEAR(bg_before, bg.level[0].mean, 1e-9);
  EXPECT_LT(bg_after, bg_before);
  // No latent sprinkler in the scenario's world.
  const policy::Transition& strategies = e.changes.at(0).at(1);
  for (std::size_t i = 0; i < strategies.labels.size(); ++i) EXPECT_EQ(strategies.counts[i][2], 0.0);
  EXPECT_FALSE(policy::headline_cells(e, 1).empty());
}

class ScenarioFiles : public testing::ScratchDirTest {
 protected:
  std::string config() const { return testing::default_config_path(); }
};

TEST_F(ScenarioFiles, OneThatChangesNothingIsRefusedNamingItsKey) {
  const Config c = load_config(config());
  // The config's own values, one of them spelled otherwise (3.00 for 3).
  const std::string same =
      write("same.yaml", "scenario: {name: same}\nmodel:\n  strategy:\n    mode: " +
                             std::to_string(static_cast<int>(c.model.strategy.mode)) +
                             "\n  interactions:\n    mentor_experience: 3.00\n");
  ASSERT_EQ(c.model.interactions.mentor_experience, 3.0f);
  try {
    (void)policy::load_scenario(config(), same);
    FAIL() << "accepted a scenario that changes nothing";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), same);
    EXPECT_EQ(e.line(), 4);
    EXPECT_EQ(e.key(), "model.strategy.mode");
    EXPECT_NE(std::string(e.what()).find("changes nothing"), std::string::npos) << e.what();
  }
  const std::string empty = write("empty.yaml", "scenario: {name: nothing}\n");
  EXPECT_THROW((void)policy::load_scenario(config(), empty), InputError);
}

TEST_F(ScenarioFiles, OneThatChangesTheFirmsOrTheYearsIsRefused) {
  const std::string firms = write("firms.yaml", "model:\n  strategy:\n    mode: 1\nrun:\n  firms: 999\n");
  try {
    (void)policy::load_scenario(config(), firms);
    FAIL() << "accepted a scenario with another population";
  } catch (const InputError& e) {
    EXPECT_EQ(e.key(), "run.firms");
    EXPECT_EQ(e.line(), 5);
  }
  const std::string years = write("years.yaml", "run:\n  last_year: 2004\n");
  try {
    (void)policy::load_scenario(config(), years);
    FAIL() << "accepted a scenario with other recorded years";
  } catch (const InputError& e) {
    EXPECT_EQ(e.key(), "run.last_year");
  }
  const std::string window = write("window.yaml", "measurement:\n  sample_first_year: 1999\n");
  EXPECT_THROW((void)policy::load_scenario(config(), window), InputError);
}

TEST_F(ScenarioFiles, ItsChangesAreListedFromTheConfigsValues) {
  const std::string s = write("s.yaml", "scenario: {name: mixed}\nmodel:\n  strategy:\n    mode: 1\n");
  const policy::Scenario loaded = policy::load_scenario(config(), s);
  EXPECT_EQ(loaded.name, "mixed");
  ASSERT_EQ(loaded.changes.size(), 1u);
  EXPECT_EQ(loaded.changes[0].key, "model.strategy.mode");
  EXPECT_EQ(loaded.changes[0].to, "1");
  EXPECT_EQ(loaded.config.model.strategy.mode, 1);
  // Every shipped theory switch changes something under the default.
  for (const char* f : {"waterfall_only", "sprinkler_only", "no_learning", "no_spillovers", "no_cash_constraint"})
    EXPECT_NO_THROW((void)policy::load_scenario(config(), testing::source_dir() + "/scenarios/" + f + ".yaml")) << f;
}

}  // namespace
}  // namespace firmsim
