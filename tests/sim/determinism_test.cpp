// Results depend on the seed and nothing else: not on thread count, batch
// size, or how many other firms there are.
#include <gtest/gtest.h>
#include <omp.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "command_support.hpp"
#include "sim/input_error.hpp"
#include "sim/panel_io.hpp"
#include "support.hpp"

namespace firmsim {
namespace {

namespace fs = std::filesystem;
using testing::slurp;

fs::path run_to_csv(Config c, int threads, std::int64_t batch, const std::string& name) {
  omp_set_num_threads(threads);
  c.run.batch = batch;
  Simulation sim(c);
  sim.run();
  const fs::path dir = fs::temp_directory_path() / ("firmsim-determinism-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  write_panel(sim.panel(), dir.string(), PanelFormat::csv);
  return dir;
}

TEST(Determinism, SameSeedSamePanelWhateverTheThreadsAndBatches) {
  const Config c = testing::small_default(3000, 1980);
  const fs::path a = run_to_csv(c, 1, 1 << 20, "a");
  const fs::path b = run_to_csv(c, 2, 1 << 20, "b");
  const fs::path d = run_to_csv(c, 2, 313, "d");
  omp_set_num_threads(2);
  for (const char* file : {"firm_years.csv", "firms.csv", "flows.csv", "panel_meta.yaml"}) {
    const std::string reference = slurp(a / file);
    EXPECT_GT(reference.size(), 100u) << file;
    EXPECT_TRUE(reference == slurp(b / file)) << file << " differs between 1 and 2 threads";
    EXPECT_TRUE(reference == slurp(d / file)) << file << " differs between batch sizes";
  }
  Config other = c;
  other.run.seed += 1;
  const fs::path e = run_to_csv(other, 2, 1 << 20, "e");
  EXPECT_FALSE(slurp(a / "firm_years.csv") == slurp(e / "firm_years.csv")) << "the seed must matter";
  for (const fs::path& p : {a, b, d, e}) fs::remove_all(p);
}

TEST(Determinism, AFirmsLifeDoesNotDependOnPopulationSize) {
  Config small = testing::small_default(1500, 1985);
  Config large = small;
  large.run.firms = 3000;
  Simulation s(small), l(large);
  s.run();
  l.run();
  const Panel ps = s.panel(), pl = l.panel();
  // Rows of firms 0..1499, in order, from the larger population.
  std::vector<std::size_t> rows;
  for (std::size_t r = 0; r < pl.firm_years.rows(); ++r)
    if (pl.firm_years.firm[r] < small.run.firms) rows.push_back(r);
  ASSERT_EQ(rows.size(), ps.firm_years.rows());
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const std::size_t r = rows[k];
    ASSERT_EQ(ps.firm_years.firm[k], pl.firm_years.firm[r]);
    ASSERT_EQ(ps.firm_years.year[k], pl.firm_years.year[r]);
    EXPECT_EQ(ps.firm_years.fte[k], pl.firm_years.fte[r]);
    EXPECT_EQ(ps.firm_years.exports_true[k], pl.firm_years.exports_true[r]);
    EXPECT_EQ(ps.firm_years.imports_true[k], pl.firm_years.imports_true[r]);
    EXPECT_EQ(ps.firm_years.value_added[k], pl.firm_years.value_added[r]);
    EXPECT_EQ(ps.firm_years.latent_strategy[k], pl.firm_years.latent_strategy[r]);
  }
  for (std::size_t f = 0; f < ps.firms.rows(); ++f) EXPECT_EQ(ps.firms.exit_year[f], pl.firms.exit_year[f]);
}

TEST(Replicates, AreIndependentCopiesInOnePopulation) {
  Config c = testing::small_default(1000, 1985);
  c.run.replicates = 3;
  Simulation sim(c);
  sim.run();
  const Panel p = sim.panel();
  ASSERT_EQ(p.meta.replicates, 3);
  double exports[3] = {0, 0, 0};
  std::size_t rows[3] = {0, 0, 0};
  for (std::size_t r = 0; r < p.firm_years.rows(); ++r) {
    exports[p.firm_years.replicate[r]] += p.firm_years.exports_true[r];
    ++rows[p.firm_years.replicate[r]];
  }
  // Same world, different draws: similar sizes, different numbers.
  for (int k = 1; k < 3; ++k) {
    EXPECT_NE(exports[k], exports[0]);
    EXPECT_NEAR(static_cast<double>(rows[k]), static_cast<double>(rows[0]), 0.15 * rows[0]);
  }
  // Replicate 0 of a batched run is the single-replicate run.
  c.run.replicates = 1;
  Simulation one(c);
  one.run();
  EXPECT_EQ(one.panel().firm_years.rows(), rows[0]);
}

}  // namespace
}  // namespace firmsim

namespace firmsim {
namespace {

std::string panel_csv(const Panel& p, const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("firmsim-variants-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  write_panel(p, dir.string(), PanelFormat::csv);
  std::string all;
  for (const char* file : {"firm_years.csv", "firms.csv", "flows.csv"}) all += slurp(dir / file);
  fs::remove_all(dir);
  return all;
}

// Variants of one population (calibration candidates, baseline vs program)
// share their random numbers: a variant with the run's own parameters is that
// run, byte for byte, whatever sits beside it; another parameter set changes it.
TEST(Determinism, VariantsShareTheirRandomNumbers) {
  Config c = testing::small_default(2000, 1985);
  c.run.replicates = 2;
  Config other = c;
  set_model_parameter(other.model, "exports.sunk_cost", 3 * get_model_parameter(c.model, "exports.sunk_cost"));
  Simulation alone(c);
  alone.run();
  Simulation together({other, c, other});
  together.run();
  const std::string reference = panel_csv(alone.panel(), "alone");
  EXPECT_TRUE(panel_csv(together.panel(1), "v1") == reference) << "variant 1 differs from the same config run alone";
  EXPECT_TRUE(panel_csv(together.panel(0), "v0") == panel_csv(together.panel(2), "v2"));
  EXPECT_FALSE(panel_csv(together.panel(0), "v0b") == reference) << "the sunk cost must matter";
  EXPECT_EQ(together.summaries(1).back().exporters, alone.summaries().back().exporters);
}

// The entry bounds (kernels/firm_year.hpp, some_market_may_pay and
// some_supplier_may_pay) spare work only: with and without them the panel is
// the same byte for byte, in worlds that put many firms near the margin of
// entering and use every discount of the sunk cost that a bound must know of
// (re-entry, imports, mentors, programs' subsidies and re-entry support,
// sprinkler launches, crowding, new exporters that start small; for sourcing,
// exporting and the import program).
std::string panel_with_entry_bound(Config c, bool bound, const std::string& name) {
  c.run.entry_bound = bound;
  Simulation sim(c);
  sim.run();
  EXPECT_GT(sim.summaries().back().exporters, 20) << name << ": a world without exporters tests nothing";
  return panel_csv(sim.panel(), name + (bound ? "-bound" : "-full"));
}

PolicySpec program(const std::string& name, PolicyKind kind, double strength) {
  return testing::program_over_all_markets(name, kind, strength, 1985, 2005);
}

TEST(EntryBound, SparesWorkNotCandidates) {
  Config shipped = testing::small_default(3000, 1980);
  shipped.model.interactions = load_config(testing::default_config_path()).model.interactions;
  Config cheap = shipped;  // entry within reach of many: near the bound's margin
  set_model_parameter(cheap.model, "exports.sunk_cost", 0.3 * get_model_parameter(cheap.model, "exports.sunk_cost"));
  cheap.model.strategy.mode = static_cast<std::uint8_t>(StrategyMode::sprinkler_only);
  Config supported = shipped;
  supported.model.interactions.program_peers = 6;
  // Crowding that raises sales (round one's estimate had it so): the screen
  // must allow for a crowding factor above 1.
  set_model_parameter(supported.model, "interactions.crowding_elasticity", -1.5);
  supported.policies = {program("subsidy", PolicyKind::sunk_cost_subsidy, 0.7),
                        program("mentoring", PolicyKind::mentoring, 0.9),
                        program("reentry", PolicyKind::reentry_support, 0.8)};
  // Entry dear enough that most entries need the subsidy: a bound that
  // forgot it would drop them.
  Config subsidized = shipped;
  set_model_parameter(subsidized.model, "exports.sunk_cost",
                      4.0 * get_model_parameter(subsidized.model, "exports.sunk_cost"));
  subsidized.policies = {program("subsidy", PolicyKind::sunk_cost_subsidy, 0.9)};
  // Sourcing dear enough that most new import relationships need the import
  // program, and cheap for exporters (export_sunk_factor): the import bound
  // must know both discounts.
  Config sourcing = shipped;
  set_model_parameter(sourcing.model, "imports.sunk_cost",
                      4.0 * get_model_parameter(sourcing.model, "imports.sunk_cost"));
  set_model_parameter(sourcing.model, "imports.export_sunk_factor", 0.1);
  sourcing.policies = {program("imports", PolicyKind::import_facilitation, 0.9)};
  // New exporters that start small value markets below full sales: the
  // screens, which bound at full sales, must still find every candidate.
  Config starting_small = cheap;
  starting_small.model.strategy.mode = 0;
  starting_small.model.exports.entrant_sales_share = 0.3f;
  starting_small.model.exports.penetration_persistence = 0.7f;
  const std::vector<std::pair<std::string, Config>> worlds = {{"shipped", shipped},
                                                              {"cheap", cheap},
                                                              {"starting small", starting_small},
                                                              {"supported", supported},
                                                              {"subsidized", subsidized},
                                                              {"sourcing", sourcing}};
  for (const auto& [name, world] : worlds)
    EXPECT_TRUE(panel_with_entry_bound(world, true, name) == panel_with_entry_bound(world, false, name))
        << name << ": the entry bound changed the panel";
}

// The pool of market rows (kernels/README.md, "Market rows") is a layout, not
// a model: a pool that starts with one row and must grow again and again -
// every firm that finds it full, in the peers' pass (borrowed beliefs) and in
// the step (first market, first supplier), runs its pass again after it has
// grown - gives the panel of a pool that never fills.
std::string panel_with_market_rows(Config c, std::int64_t rows, const std::string& name) {
  c.run.initial_market_rows = rows;
  Simulation sim(c);
  sim.run();
  return panel_csv(sim.panel(), name);
}

TEST(MarketRows, APoolThatMustGrowGivesTheSamePanel) {
  Config c = testing::small_default(3000, 1980);
  c.model.interactions = load_config(testing::default_config_path()).model.interactions;
  ASSERT_TRUE(c.model.interactions.market_information) << "the peers' pass must take rows too";
  EXPECT_TRUE(panel_with_market_rows(c, 1, "rows-1") == panel_with_market_rows(c, c.run.firms, "rows-all"))
      << "the panel depends on the pool of market rows";

  // The tight pool did grow, by the engine's rule, and rows went only to
  // firms that traded or borrowed a belief: far fewer than the firms.
  c.run.initial_market_rows = 1;
  Engine engine(engine_setup(c));
  for (int year = c.run.burn_in_start; year <= c.run.last_year; ++year) engine.step(year, year_world(c, year));
  EXPECT_GT(engine.market_rows(), 1);
  EXPECT_GT(engine.market_rows_held(), 0);
  EXPECT_LT(engine.market_rows_held(), engine.size() / 2);
  EXPECT_LE(engine.market_rows_held(), engine.market_rows());
}

// The same where the pool overflows within a pass: every firm born at once,
// entry cheap, so hundreds of firms want their first row in the same year -
// in the step, and a year later in the peers' pass. Every firm's whole
// per-market state (snapshot) and every record must match a pool that never fills.
void expect_same_firms(const Engine& a, const Engine& b, int year) {
  const StateSelection everything = StateSelection{}.set().reset(state_bit(StateArray::market_row));
  YearRecord ra, rb;
  a.record_year(ra, everything);
  b.record_year(rb, everything);
  EXPECT_EQ(ra.id, rb.id) << year;
  EXPECT_EQ(ra.flow_row, rb.flow_row) << year;
  EXPECT_EQ(ra.flow_market, rb.flow_market) << year;
  EXPECT_EQ(ra.flow_state.export_value, rb.flow_state.export_value) << year;
  EXPECT_EQ(ra.state.exports_true, rb.state.exports_true) << year;
  EXPECT_EQ(ra.state.cash, rb.state.cash) << year;
  for (std::int64_t i = 0; i < a.size(); ++i) {
    const FirmSnapshot x = a.snapshot(i), y = b.snapshot(i);
    ASSERT_EQ(x.status, y.status) << "firm " << i << ", " << year;
    // A firm dead before this year is never read again: its row may be freed.
    if (x.status == static_cast<std::uint8_t>(FirmStatus::dead) && x.exit_year < year) continue;
    ASSERT_EQ(x.appeal_belief, y.appeal_belief) << "firm " << i << ", " << year;
    ASSERT_EQ(x.export_tenure, y.export_tenure) << "firm " << i << ", " << year;
    ASSERT_EQ(x.import_tenure, y.import_tenure) << "firm " << i << ", " << year;
    ASSERT_EQ(x.import_value, y.import_value) << "firm " << i << ", " << year;
    ASSERT_EQ(x.cash, y.cash) << "firm " << i << ", " << year;
  }
}

TEST(MarketRows, APoolFullWithinAPassRunsTheWaitingFirmsAgain) {
  Config c = testing::small_default(3000, 2000);
  c.model.interactions = load_config(testing::default_config_path()).model.interactions;
  set_model_parameter(c.model, "exports.sunk_cost", 0.3 * get_model_parameter(c.model, "exports.sunk_cost"));
  c.model.interactions.peers = 12;  // many firms borrow beliefs in the year after the first entries
  EngineSetup tight = engine_setup(c), roomy = tight;
  tight.founding_cdf = roomy.founding_cdf = {1.0f};
  tight.first_founding_year = roomy.first_founding_year = 2000;
  tight.initial_market_rows = 1;
  roomy.initial_market_rows = c.run.firms;
  Engine a(tight), b(roomy);
  for (int year = 2000; year <= 2008; ++year) {
    a.step(year, year_world(c, year));
    b.step(year, year_world(c, year));
    expect_same_firms(a, b, year);
  }
  EXPECT_GE(a.passes_run_again(), 2) << "the pool never overflowed within a pass: this tests nothing";
  EXPECT_EQ(b.passes_run_again(), 0);
}

TEST(Determinism, SkippingBurnInSummariesLeavesThePanelAlone) {
  const Config c = testing::small_default(2000, 1985);
  Simulation full(c), lean(c);
  lean.summarize_burn_in(false);
  full.run();
  lean.run();
  EXPECT_TRUE(panel_csv(full.panel(), "full") == panel_csv(lean.panel(), "lean"));
  EXPECT_EQ(lean.summaries().front().alive, 0);  // not summarized
  EXPECT_EQ(full.summaries().back().export_starters, lean.summaries().back().export_starters);
}

TEST(Determinism, VariantsMustShareThePopulation) {
  Config c = testing::small_default(1000, 1990);
  Config other = c;
  other.run.firms = 1500;
  EXPECT_THROW(Simulation({c, other}), InputError);
}

}  // namespace
}  // namespace firmsim
