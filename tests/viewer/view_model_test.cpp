// The viewer's view-model without a window: what each panel would draw is
// checked against the simulator's own summaries and the panel's columns.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>

#include "viewer/runner.hpp"
#include "viewer/view_model.hpp"

namespace firmsim::view {
namespace {

std::string source_dir() {
  const char* d = std::getenv("FIRMSIM_SOURCE_DIR");
  return d ? d : ".";
}

Config small_config(std::int64_t firms = 3000) {
  Config c = load_config(source_dir() + "/configs/belgium.yaml");
  c.run.firms = firms;
  return c;
}

// One complete small run, shared by the tests that only read it.
struct SmallRun {
  std::unique_ptr<Simulation> sim;
  Panel panel;
};
const SmallRun& complete_run() {
  static const SmallRun run = [] {
    SmallRun r;
    r.sim = std::make_unique<Simulation>(small_config());
    r.sim->run();
    r.panel = r.sim->panel();
    return r;
  }();
  return run;
}

const YearSummary& summary_of(int year) {
  for (const YearSummary& s : complete_run().sim->summaries())
    if (s.year == year) return s;
  throw std::out_of_range("no summary for that year");
}

// --- time series ---------------------------------------------------------

TEST(TimeSeries, MatchesYearSummaries) {
  const auto& summaries = complete_run().sim->summaries();
  const TimeSeries t = time_series(summaries);
  ASSERT_EQ(t.year.size(), summaries.size());
  ASSERT_GT(summaries.size(), 50u);
  for (std::size_t k = 0; k < summaries.size(); ++k) {
    const YearSummary& s = summaries[k];
    EXPECT_EQ(t.year[k], s.year);
    EXPECT_EQ(t.alive[k], double(s.alive));
    EXPECT_EQ(t.exporters[k], double(s.exporters));
    EXPECT_EQ(t.importers[k], double(s.importers));
    EXPECT_EQ(t.two_way[k], double(s.two_way));
    EXPECT_DOUBLE_EQ(t.export_value_meur[k], s.exports / 1e6);
    for (int j = 0; j < 3; ++j) EXPECT_EQ(t.exporters_by_strategy[j][k], double(s.exporters_by_strategy[j]));
  }
  EXPECT_GT(t.exporters.back(), 0);
}

TEST(TimeSeries, ObservedTypesCountTypedExportersEachYear) {
  const SmallRun& run = complete_run();
  const Typology t = observed_types(run.panel, 0, run.sim->config().typology);
  ASSERT_TRUE(t.available) << t.note;
  ASSERT_EQ(t.year.size(), 8u);  // 1998-2005
  // Each typed firm exports in its first export year, so it is counted there.
  for (std::size_t k = 0; k < kObservedTypes.size(); ++k)
    for (std::size_t y = 0; y < t.year.size(); ++y) {
      double starters = 0, exporters = 0;
      for (std::size_t i = 0; i < t.firms.size(); ++i) {
        if (t.types[i].type != kObservedTypes[k]) continue;
        starters += t.types[i].first_export_year == int(t.year[y]);
        exporters += t.firms[i].at(int(t.year[y]), t.frame).exporter();
      }
      EXPECT_GE(t.exporters_by_type[k][y], starters);
      EXPECT_EQ(t.exporters_by_type[k][y], exporters);
    }
  double typed = 0;
  for (const auto& series : t.exporters_by_type) typed += series.back();
  EXPECT_GT(typed, 0);
}

TEST(TimeSeries, NoTypesBeforeTheWindow) {
  Simulation sim(small_config(500));
  while (sim.next_year() <= 1995) sim.step();
  const Typology t = observed_types(sim.panel(), 0, sim.config().typology);
  EXPECT_FALSE(t.available);
  EXPECT_NE(t.note.find("1998"), std::string::npos);
}

// --- map -----------------------------------------------------------------

TEST(WorldMap, CountsObservedExportersPerMarketFromThePanel) {
  const SmallRun& run = complete_run();
  const int year = 2003;
  const MapView map = world_map(run.panel, run.sim->config().regions, year, Measure::observed);
  ASSERT_EQ(map.markers.size(), run.sim->config().markets.size());
  // Independent count: bits of the firm-year observed export masks.
  std::vector<std::int64_t> expected(map.markers.size(), 0);
  const FirmYearColumns& c = run.panel.firm_years;
  for (std::size_t i = 0; i < c.rows(); ++i)
    if (c.year[i] == year && c.alive[i])
      for (std::size_t m = 0; m < expected.size(); ++m) expected[m] += (c.export_mask[i] >> m) & 1u;
  std::int64_t total = 0;
  for (std::size_t m = 0; m < expected.size(); ++m) {
    EXPECT_EQ(map.markers[m].exporters, expected[m]) << map.markers[m].iso;
    total += expected[m];
  }
  EXPECT_GT(total, 0);
}

TEST(WorldMap, HandMadePanelGivesExactMarkers) {
  Panel p;
  p.meta.markets = {{"NL", "Netherlands", "EU15", 1958, 4.9, 52.4},
                    {"US", "United States", "north_america", 0, -77.0, 38.9},
                    {"XX", "Nowhere", "mars", 0, 0, 0}};
  // (firm, year, market, observed, latent)
  const std::vector<std::tuple<int, int, int, float, float>> flows = {
      {1, 2000, 0, 100, 100}, {2, 2000, 0, 0, 50}, {3, 2000, 0, 300, 300}, {1, 2000, 1, 400, 400}, {1, 2001, 2, 9, 9}};
  for (const auto& [firm, year, market, obs, lat] : flows) {
    p.flows.replicate.push_back(0);
    p.flows.firm.push_back(firm);
    p.flows.year.push_back(std::int16_t(year));
    p.flows.market.push_back(std::uint8_t(market));
    p.flows.exports.push_back(obs);
    p.flows.exports_true.push_back(lat);
    p.flows.imports.push_back(0);
    p.flows.imports_true.push_back(0);
  }
  const MapView latent = world_map(p, {"EU15", "north_america"}, 2000, Measure::latent);
  EXPECT_EQ(latent.markers[0].exporters, 3);
  EXPECT_EQ(latent.markers[1].exporters, 1);
  EXPECT_EQ(latent.markers[2].exporters, 0);  // its flow is in 2001
  EXPECT_DOUBLE_EQ(latent.markers[0].export_value, 450);
  EXPECT_DOUBLE_EQ(latent.markers[0].radius, 1.0);
  EXPECT_DOUBLE_EQ(latent.markers[1].radius, std::sqrt(1.0 / 3.0));
  EXPECT_DOUBLE_EQ(latent.markers[0].flow_width, 450.0 / 450.0);
  EXPECT_DOUBLE_EQ(latent.markers[1].flow_width, 400.0 / 450.0);
  EXPECT_EQ(latent.markers[1].region_index, 1);
  EXPECT_EQ(latent.markers[2].region_index, -1);
  EXPECT_NEAR(latent.markers[1].x, (180 - 77.0) / 360, 1e-12);
  EXPECT_NEAR(latent.markers[1].y, (90 - 38.9) / 180, 1e-12);
  EXPECT_NEAR(latent.home_x, (180 + 4.35) / 360, 1e-12);
  const MapView observed = world_map(p, {"EU15"}, 2000, Measure::observed);
  EXPECT_EQ(observed.markers[0].exporters, 2);  // firm 2's flow is below the threshold
  EXPECT_DOUBLE_EQ(observed.markers[0].export_value, 400);
}

// --- histograms ------------------------------------------------------------

TEST(Histograms, MarketsPerExporterSumToTheExporters) {
  const SmallRun& run = complete_run();
  for (int year : {1993, 1999, 2005}) {
    const Histogram h = markets_per_exporter(run.panel, year, Measure::latent);
    EXPECT_EQ(h.total(), double(summary_of(year).exporters)) << year;
    EXPECT_EQ(h.edges.front(), 1);
    EXPECT_EQ(h.edges.size(), h.counts.size() + 1);
  }
}

TEST(Histograms, ObservedMarketsPerExporterSumToObservedExporters) {
  const SmallRun& run = complete_run();
  const FirmYearColumns& c = run.panel.firm_years;
  double exporters = 0, market_years = 0;
  for (std::size_t i = 0; i < c.rows(); ++i)
    if (c.year[i] == 2004 && c.alive[i] && c.exports[i] > 0) exporters += 1, market_years += c.n_export_markets[i];
  const Histogram h = markets_per_exporter(run.panel, 2004, Measure::observed);
  EXPECT_EQ(h.total(), exporters);
  double weighted = 0;
  for (std::size_t k = 0; k < h.counts.size(); ++k) weighted += h.edges[k] * h.counts[k];
  EXPECT_EQ(weighted, market_years);
}

TEST(Histograms, FirmSizeAndAgeCoverTheirPopulations) {
  const SmallRun& run = complete_run();
  EXPECT_EQ(firm_size(run.panel, 2001, false, Measure::latent).total(), double(summary_of(2001).alive));
  EXPECT_EQ(firm_size(run.panel, 2001, true, Measure::latent).total(), double(summary_of(2001).exporters));
  const FirmColumns& f = run.panel.firms;
  const double ever = double(std::count_if(f.latent_export_start_year.begin(), f.latent_export_start_year.end(),
                                           [](std::int16_t y) { return y != 0; }));
  EXPECT_GT(ever, 0);
  EXPECT_EQ(age_at_first_export(run.panel).total(), ever);
}

// --- one firm ------------------------------------------------------------

TEST(FirmLife, MatchesThePanelRowsOfTheFirm) {
  const SmallRun& run = complete_run();
  const Typology t = observed_types(run.panel, 0, run.sim->config().typology);
  const std::optional<std::int64_t> firm = pick_firm(run.panel, t, FirmPick::largest_exporter);
  ASSERT_TRUE(firm);
  const FirmLife life = firm_life(run.panel, 0, *firm, Measure::observed, &t, {});
  ASSERT_TRUE(life.found);
  const FirmYearColumns& c = run.panel.firm_years;
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < c.rows(); ++i)
    if (c.replicate[i] == 0 && c.firm[i] == *firm) rows.push_back(i);
  ASSERT_EQ(life.years.size(), rows.size());
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const FirmLifeYear& y = life.years[k];
    EXPECT_EQ(y.year, c.year[rows[k]]);
    EXPECT_EQ(y.fte, c.fte[rows[k]]);
    EXPECT_EQ(y.exports, c.exports[rows[k]]);
    EXPECT_EQ(y.markets, c.export_mask[rows[k]]);
    if (k > 0) {
      const std::uint64_t before = life.years[k - 1].markets;
      EXPECT_EQ(y.entered, y.markets & ~before);
      EXPECT_EQ(y.exited, before & ~y.markets);
    }
  }
  EXPECT_EQ(life.years.front().entered, 0u);  // nothing known before the first recorded year
  EXPECT_GT(life.years.back().n_markets(), 0);
}

TEST(FirmLife, PicksFollowTheTypology) {
  const SmallRun& run = complete_run();
  const Typology t = observed_types(run.panel, 0, run.sim->config().typology);
  for (FirmPick pick : {FirmPick::largest_born_global, FirmPick::typical_traditional}) {
    const std::optional<std::int64_t> firm = pick_firm(run.panel, t, pick);
    const est::ExportType want =
        pick == FirmPick::largest_born_global ? est::ExportType::born_global : est::ExportType::traditional;
    const bool any = std::any_of(t.types.begin(), t.types.end(), [&](const auto& a) { return a.type == want; });
    ASSERT_EQ(firm.has_value(), any) << pick_label(pick);
    if (!firm) continue;
    const FirmLife life = firm_life(run.panel, 0, *firm, Measure::latent, &t, {});
    EXPECT_EQ(life.observed_type, est::type_code(want));
  }
}

TEST(FirmLife, KeepsSnapshotsFromFoundingToExit) {
  FirmSnapshot alive;
  alive.founding_year = 1990;
  alive.exit_year = 1994;
  std::vector<TrackedYear> tracked;
  for (int y = 1985; y <= 1997; ++y) tracked.push_back({y, alive});
  const FirmLife life = firm_life(Panel{}, 0, 7, Measure::latent, nullptr, tracked);
  ASSERT_EQ(life.tracked.size(), 5u);
  EXPECT_EQ(life.tracked.front().year, 1990);
  EXPECT_EQ(life.tracked.back().year, 1994);
  EXPECT_FALSE(life.found);
}

TEST(FirmLife, ShowsPeersAndTheMarketsTheyServedBeforeTheFirmEntered) {
  Panel p;
  p.meta.first_year = 1995;
  p.meta.last_year = 2000;
  auto firm = [&](std::int64_t id, int start) {
    p.firms.replicate.push_back(0), p.firms.firm.push_back(id), p.firms.industry.push_back(0);
    p.firms.founding_year.push_back(1990), p.firms.exit_year.push_back(0), p.firms.exported_1993_1997.push_back(0);
    p.firms.latent_strategy.push_back(1), p.firms.latent_export_start_year.push_back(start);
    p.firms.orientation.push_back(0);
  };
  auto flow = [&](std::int64_t id, int year, int market) {
    p.flows.replicate.push_back(0), p.flows.firm.push_back(id), p.flows.year.push_back(year);
    p.flows.market.push_back(market), p.flows.exports.push_back(1), p.flows.imports.push_back(0);
    p.flows.exports_true.push_back(1), p.flows.imports_true.push_back(0);
  };
  auto peer = [&](std::int64_t id, std::int64_t other, bool program) {
    p.peers.replicate.push_back(0), p.peers.firm.push_back(id), p.peers.slot.push_back(0);
    p.peers.peer.push_back(other), p.peers.same_industry.push_back(1), p.peers.program.push_back(program);
  };
  firm(7, 1998);
  firm(8, 1996);
  firm(9, 0);
  flow(8, 1997, 3), flow(8, 1997, 5), flow(8, 1996, 6);  // served 3 and 5 the year before 7 entered
  flow(7, 1998, 3);                                      // 7 entered 3
  flow(9, 1997, 2);                                      // not a peer of 7
  peer(7, 8, false);
  peer(7, 2, true);
  peer(9, 7, false);
  const FirmLife life = firm_life(p, 0, 7, Measure::latent, nullptr, {});
  ASSERT_EQ(life.peers.size(), 2u);
  EXPECT_EQ(life.peers[0].firm, 8);
  EXPECT_EQ(life.peers[0].served, (std::uint64_t{1} << 3) | (std::uint64_t{1} << 5));
  EXPECT_EQ(life.peers[0].entered_shared, std::uint64_t{1} << 3);
  EXPECT_TRUE(life.peers[1].program);
  EXPECT_EQ(life.peers[1].served, 0u);
  EXPECT_TRUE(firm_life(p, 0, 8, Measure::latent, nullptr, {}).peers.empty()) << "8 has no peers listed";
}

// --- comparison grid -------------------------------------------------------

TEST(ComparisonGrid, PlacesCellsByLabelsAndGradesDistance) {
  est::Comparison c;
  est::TableComparison t;
  t.id = "table_99";
  auto cell = [](std::string r, std::string k, double e, double s) {
    est::CellComparison x;
    x.row = std::move(r), x.column = std::move(k), x.empirical = e, x.simulated = s;
    x.rel_diff = std::abs(s - e) / (std::abs(s) + std::abs(e));
    return x;
  };
  t.cells = {cell("a", "x", 10, 10.5), cell("a", "y", 10, 14), cell("b", "y", 10, 40),
             cell("b", "x", 1, est::nan_value())};
  c.tables.push_back(t);
  const std::vector<GridTable> g = comparison_grid(c);
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g[0].rows, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(g[0].columns, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(g[0].at(1, 1)->simulated, 40);
  EXPECT_EQ(closeness(*g[0].at(0, 0)), Closeness::close);  // 0.024
  EXPECT_EQ(closeness(*g[0].at(0, 1)), Closeness::near);   // 0.17
  EXPECT_EQ(closeness(*g[0].at(1, 1)), Closeness::far);    // 0.6
  EXPECT_EQ(closeness(*g[0].at(1, 0)), Closeness::none);   // no simulated value
}

TEST(ComparisonGrid, RealComparisonKeepsEveryCell) {
  const SmallRun& run = complete_run();
  const est::Comparison c =
      est::compare_panel(run.panel, est::load_targets(targets_near(source_dir() + "/configs/belgium.yaml")));
  const std::vector<GridTable> grid = comparison_grid(c);
  ASSERT_EQ(grid.size(), c.tables.size());
  for (std::size_t k = 0; k < grid.size(); ++k) {
    const auto placed = std::count_if(grid[k].cells.begin(), grid[k].cells.end(), [](auto* p) { return p; });
    EXPECT_EQ(std::size_t(placed), c.tables[k].cells.size()) << grid[k].id;
  }
}

TEST(ComparisonGrid, SeedTablesAloneBeforeTheRunEnds) {
  const est::Targets targets = est::load_targets(targets_near(source_dir() + "/configs/belgium.yaml"));
  const est::Comparison seed = seed_only(targets);
  const std::vector<GridTable> grid = comparison_grid(seed);
  ASSERT_EQ(grid.size(), targets.tables.size());
  for (std::size_t k = 0; k < grid.size(); ++k) {
    const est::Table& t = targets.tables[k];
    ASSERT_EQ(grid[k].rows, t.row_labels) << t.id;
    ASSERT_EQ(grid[k].columns.size(), t.cols()) << t.id;
    for (std::size_t r = 0; r < t.rows(); ++r)
      for (std::size_t c = 0; c < t.cols(); ++c) {
        const est::CellComparison* cell = grid[k].at(r, c);
        ASSERT_TRUE(cell);
        EXPECT_TRUE(std::isnan(cell->simulated));
        EXPECT_EQ(closeness(*cell), Closeness::none);
        if (std::isfinite(t.values[r][c])) {
          EXPECT_EQ(cell->empirical, t.values[r][c]);
        }
      }
  }
}

// --- config edits -----------------------------------------------------------

std::set<std::string> diff_keys(const Config& a, const Config& b) {
  std::set<std::string> keys;
  for (const ConfigDiff& d : config_diffs(a, b)) keys.insert(d.key);
  return keys;
}

TEST(ConfigDiffs, ListExactlyTheEditedKeys) {
  const Config loaded = small_config();
  Config edited = loaded;
  EXPECT_TRUE(config_diffs(loaded, edited).empty());
  set_model_parameter(edited.model, "exports.sunk_cost", 30000);
  set_model_parameter(edited.model, "strategy.constant", 0.25);
  set_model_parameter(edited.model, "learning.market", 0);
  EXPECT_EQ(diff_keys(loaded, edited),
            (std::set<std::string>{"model.exports.sunk_cost", "model.strategy.constant", "model.learning.market"}));
  const std::vector<ConfigDiff> d = config_diffs(loaded, edited);
  const auto sunk = std::find_if(d.begin(), d.end(), [](auto& x) { return x.key == "model.exports.sunk_cost"; });
  char loaded_text[32];
  std::snprintf(loaded_text, sizeof loaded_text, "%.6g", get_model_parameter(loaded.model, "exports.sunk_cost"));
  EXPECT_EQ(sunk->loaded, loaded_text);
  EXPECT_EQ(sunk->edited, "30000");
  edited.run.seed += 1;
  PolicyLevers levers;
  levers.sunk_cost_subsidy = 0.4;
  apply_policy_levers(edited, levers);
  EXPECT_EQ(diff_keys(loaded, edited),
            (std::set<std::string>{"model.exports.sunk_cost", "model.strategy.constant", "model.learning.market",
                                   "run.seed", std::string("policy.") + kSubsidyPolicyName}));
}

TEST(ConfigDiffs, ARunIsSetBesideItsProgramsOrItsScenariosBaseline) {
  Config plain = load_config(source_dir() + "/configs/belgium.yaml");
  Config theory = plain;
  theory.model.strategy.mode = 1;
  theory.run.firms = 1234;  // the viewer's own run options
  // No program, no scenario: nothing to compare.
  EXPECT_FALSE(comparison_baseline(theory, std::nullopt).has_value());
  // A theory scenario: the config without it, with the run's population.
  const std::optional<Config> b = comparison_baseline(theory, plain);
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->model.strategy.mode, plain.model.strategy.mode);
  EXPECT_EQ(b->run.firms, 1234);
  // A program: the same run without it (the scenario's changes kept).
  PolicySpec p;
  p.name = "subsidy";
  theory.policies.push_back(p);
  const std::optional<Config> without_program = comparison_baseline(theory, plain);
  ASSERT_TRUE(without_program.has_value());
  EXPECT_TRUE(without_program->policies.empty());
  EXPECT_EQ(without_program->model.strategy.mode, 1);
}

TEST(ConfigDiffs, PolicyLeversReplaceOnlyTheirOwnPrograms) {
  Config c = load_config(source_dir() + "/configs/belgium.yaml", {source_dir() + "/scenarios/export_promotion.yaml"});
  const std::size_t own = c.policies.size();
  ASSERT_GT(own, 0u);
  PolicyLevers levers;
  levers.sunk_cost_subsidy = 0.3;
  levers.information = 0.5;
  apply_policy_levers(c, levers);
  ASSERT_EQ(c.policies.size(), own + 2);
  EXPECT_EQ(c.policies[own].kind, PolicyKind::sunk_cost_subsidy);
  EXPECT_EQ(c.policies[own].exporter_status, 1);
  EXPECT_EQ(c.policies[own + 1].kind, PolicyKind::information);
  levers.information = 0;
  apply_policy_levers(c, levers);
  EXPECT_EQ(c.policies.size(), own + 1);
  apply_policy_levers(c, PolicyLevers{});
  EXPECT_EQ(c.policies.size(), own);
}

TEST(ConfigDiffs, MainKeysAreModelParameters) {
  const std::vector<std::string> keys = main_parameter_keys();
  EXPECT_EQ(keys.front(), "exports.sunk_cost");
  EXPECT_GT(keys.size(), 10u);
  ModelParams m = small_config().model;
  for (const std::string& k : keys) EXPECT_NO_THROW(get_model_parameter(m, k)) << k;
}

// --- runner -----------------------------------------------------------------

TEST(Runner, HasAConfigBeforeTheWorkerStarts) {
  const Config c = small_config(800);
  Runner runner(c, "");
  const RunView v = runner.view();  // possibly before the population exists
  ASSERT_TRUE(v.config);
  EXPECT_EQ(v.config->run.firms, 800);
  EXPECT_EQ(v.next_year, c.run.burn_in_start);
  EXPECT_EQ(v.total_years(), c.run.last_year - c.run.burn_in_start + 1);
}

TEST(Runner, StepsOffThreadAndStopsWhereAsked) {
  Config c = small_config(800);
  Runner runner(c, "");
  runner.stop_after(c.run.burn_in_start + 4);
  runner.play();
  ASSERT_TRUE(runner.wait_idle(std::chrono::seconds(60)));
  RunView v = runner.view();
  EXPECT_EQ(v.summaries.size(), 5u);
  EXPECT_FALSE(v.playing);
  EXPECT_EQ(v.next_year, c.run.burn_in_start + 5);
  runner.step();
  ASSERT_TRUE(runner.wait_idle(std::chrono::seconds(60)));
  EXPECT_EQ(runner.view().summaries.size(), 6u);
  runner.reset(c);
  ASSERT_TRUE(runner.wait_idle(std::chrono::seconds(60)));
  v = runner.view();
  EXPECT_TRUE(v.summaries.empty());
  EXPECT_EQ(v.next_year, c.run.burn_in_start);
}

TEST(Runner, PublishesTheSameYearsAsASimulationAndTracksAFirm) {
  Config c = small_config(800);
  Simulation reference(c);
  reference.run();
  Runner runner(c, targets_near(source_dir() + "/configs/belgium.yaml"));
  runner.track(0, 5);
  runner.play();
  ASSERT_TRUE(runner.wait_idle(std::chrono::seconds(120)));
  const RunView v = runner.view();
  ASSERT_TRUE(v.finished);
  ASSERT_EQ(v.summaries.size(), reference.summaries().size());
  for (std::size_t k = 0; k < v.summaries.size(); ++k) {
    EXPECT_EQ(v.summaries[k].exporters, reference.summaries()[k].exporters);
    EXPECT_EQ(v.summaries[k].exports, reference.summaries()[k].exports);
  }
  ASSERT_TRUE(v.panel);
  EXPECT_EQ(v.panel->firm_years.rows(), reference.panel().firm_years.rows());
  EXPECT_EQ(v.tracked.size(), v.summaries.size());  // one snapshot a year
  EXPECT_EQ(v.tracked.back().snapshot.cash, reference.snapshot(0, 5).cash);
  EXPECT_TRUE(v.comparison || !v.comparison_note.empty());
  EXPECT_TRUE(v.typology && v.typology->available);
}

// --- policy vs baseline ---------------------------------------------------------

TEST(Runner, RunsAProgramBesideItsBaseline) {
  Config base = small_config(800);
  base.run.last_year = 2000;
  Config program = base;
  PolicySpec p;
  p.name = "subsidy";
  p.kind = PolicyKind::sunk_cost_subsidy;
  p.from = 1993;
  p.to = 2000;
  p.strength = 0.8;
  p.markets = ~MarketMask{0};
  program.policies = {p};
  Simulation reference_program(program), reference_baseline(base);
  reference_program.run();
  reference_baseline.run();
  Runner runner(program, "");
  runner.play();
  ASSERT_TRUE(runner.wait_idle(std::chrono::seconds(120)));
  const RunView v = runner.view();
  ASSERT_TRUE(v.finished);
  ASSERT_EQ(v.baseline_summaries.size(), v.summaries.size());
  // Variant 0 is the program as a plain run, variant 1 the baseline as a plain run.
  for (std::size_t k = 0; k < v.summaries.size(); ++k) {
    EXPECT_EQ(v.summaries[k].exporters, reference_program.summaries()[k].exporters);
    EXPECT_EQ(v.baseline_summaries[k].exporters, reference_baseline.summaries()[k].exporters);
  }
  const PolicyView pv = policy_view(v.summaries, v.baseline_summaries);
  ASSERT_TRUE(pv.available);
  double cost = 0;
  for (const YearSummary& s : v.summaries) cost += s.support_paid;
  EXPECT_GT(cost, 0);
  EXPECT_DOUBLE_EQ(pv.cost_so_far, cost);
  EXPECT_EQ(pv.additional_now, double(v.summaries.back().exporters) - double(v.baseline_summaries.back().exporters));
}

TEST(PolicyView, NoBaselineNoPanel) {
  Runner runner(small_config(300), "");
  runner.stop_after(1951);
  runner.play();
  ASSERT_TRUE(runner.wait_idle(std::chrono::seconds(60)));
  const RunView v = runner.view();
  EXPECT_TRUE(v.baseline_summaries.empty());
  EXPECT_FALSE(policy_view(v.summaries, v.baseline_summaries).available);
}

// --- layout -------------------------------------------------------------------

TEST(Layout, TilesTheScreenWithoutOverlap) {
  const Layout l = tile_layout(1600, 1000, 20);
  const std::vector<Rect> rs = {l.controls, l.policy, l.series, l.map, l.distributions, l.firm, l.comparison};
  double area = 0;
  for (const Rect& r : rs) {
    EXPECT_GT(r.w, 200);
    EXPECT_GT(r.h, 200);
    EXPECT_GE(r.y, 20);
    EXPECT_LE(r.x + r.w, 1600);
    EXPECT_LE(r.y + r.h, 1000);
    area += double(r.w) * r.h;
  }
  EXPECT_DOUBLE_EQ(area, 1600.0 * 980.0);  // no overlap and no gap
}

TEST(Layout, RegionColoursAreDistinct) {
  std::set<std::tuple<int, int, int>> seen;
  for (int k = 0; k < 12; ++k) {
    const Rgb c = region_colour(k);
    seen.insert({c.r, c.g, c.b});
  }
  EXPECT_EQ(seen.size(), 12u);
}

}  // namespace
}  // namespace firmsim::view
