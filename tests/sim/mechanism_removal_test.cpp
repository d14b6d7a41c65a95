// One test per mechanism that no other test would miss if it were removed or
// its sign flipped (scripts/mutation-check.sh applies exactly those changes).
// Each runs a small world with the noise switched off (tests/sim/support.hpp)
// and sets the numbers so that the mechanism alone decides the outcome; the
// arithmetic is in the comments (annuity 1/(1-0.9) = 10 with no relationship
// hazard, so a market is entered when 10 * yearly profit > sunk cost).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>

#include "support.hpp"

namespace firmsim {
namespace {

using testing::export_sets;
using testing::final_snapshots;
using testing::plain_market;
using testing::quiet_world;

int exporters_in(const Panel& p, int year) {
  int n = 0;
  for (const auto& [firm, by_year] : export_sets(p)) n += by_year.count(year) ? 1 : 0;
  return n;
}

Panel run(const Config& c) {
  Simulation sim(c);
  sim.run();
  return sim.panel();
}

ShockSpec demand_shock(int from, int to, double factor) {
  ShockSpec s;
  s.name = "shock";
  s.from = from;
  s.to = to;
  s.markets = market_bit(0);
  s.demand_factor = factor;
  return s;
}

// Size 2.8: yearly profit 0.15 * 40000 * 2.8 - 15000 = 1800, worth 18000 < sunk 60000;
// a subsidy of 80% of the sunk cost (12000) makes it worth entering.
TEST(PolicyPrograms, SunkCostSubsidyMakesAMarketWorthEntering) {
  Config c = quiet_world({plain_market("A", 0.0, 2.8)}, 200);
  c.model.strategy.mode = static_cast<std::uint8_t>(StrategyMode::waterfall_only);
  EXPECT_EQ(exporters_in(run(c), 2005), 0);
  PolicySpec subsidy;
  subsidy.name = "subsidy";
  subsidy.kind = PolicyKind::sunk_cost_subsidy;
  subsidy.from = 1990;
  subsidy.to = 2005;
  subsidy.strength = 0.8;
  subsidy.markets = market_bit(0);
  c.policies.push_back(subsidy);
  EXPECT_GT(exporters_in(run(c), 2005), 50);
}

// Psychic distance 0.5 doubles costs (1 + 2 * 0.5): size 5.5 gives profit 33000 - 30000,
// worth 30000 < sunk 120000. Diplomacy cutting 80% of the distance (to 0.1, costs x 1.2)
// gives 10 * (33000 - 18000) = 150000 > sunk 72000.
TEST(Diplomacy, CutsPsychicDistanceAndSoTheCostsOfAMarket) {
  Config c = quiet_world({plain_market("A", 0.5, 5.5)}, 200);
  c.model.strategy.mode = static_cast<std::uint8_t>(StrategyMode::waterfall_only);
  EXPECT_EQ(exporters_in(run(c), 2005), 0);
  PolicySpec diplomacy;
  diplomacy.name = "diplomacy";
  diplomacy.kind = PolicyKind::diplomacy;
  diplomacy.from = 1995;
  diplomacy.to = 2005;
  diplomacy.strength = 0.8;
  diplomacy.markets = market_bit(0);
  c.policies.push_back(diplomacy);
  EXPECT_NEAR(year_world(c, 1994).markets[0].psychic_distance, 0.5, 1e-6);
  EXPECT_NEAR(year_world(c, 1995).markets[0].psychic_distance, 0.1, 1e-6);
  const Panel p = run(c);
  EXPECT_EQ(exporters_in(p, 1994), 0);
  EXPECT_GT(exporters_in(p, 2005), 50);
}

// Demand 10 until 1999 (everyone enters), 2 in 2000 (profit -3000: leave, no hysteresis),
// 3.3 from 2001 (profit 4800, worth 48000: below the sunk cost 60000 of a newcomer, above
// the 30000 of a firm that left less than reentry_years ago).
TEST(Reentry, RecentLeaversReturnWhereNewcomersWouldNotEnter) {
  Config c = quiet_world({plain_market("A", 0.0, 10)}, 200);
  c.model.strategy.mode = static_cast<std::uint8_t>(StrategyMode::waterfall_only);
  c.model.exports.hysteresis = 0;
  c.model.exports.reentry_factor = 0.5f;
  c.model.exports.reentry_years = 3;
  c.shocks = {demand_shock(2000, 2000, 0.2), demand_shock(2001, 2005, 0.33)};
  const auto sets = export_sets(run(c));
  int leavers = 0;
  for (const auto& [firm, by_year] : sets) {
    EXPECT_LT(by_year.begin()->first, 2000) << "firm " << firm << " entered as a newcomer";
    if (!by_year.count(1999)) continue;
    ++leavers;
    EXPECT_TRUE(by_year.count(2001)) << "firm " << firm << " should have re-entered at the discount";
  }
  EXPECT_GT(leavers, 50);
}

// Two markets of one region; a firm's appeal is regional (market part 0) and its
// sales carry no noise, so one year in a market reveals the appeal; the unserved
// market of the region then starts from region_correlation times that belief.
TEST(RegionalLearning, ServedMarketBeliefsSpillToTheRegionsOtherMarkets) {
  Config c = quiet_world({plain_market("A", 0.0, 10), plain_market("B", 0.0, 10)}, 300);
  c.model.strategy.mode = static_cast<std::uint8_t>(StrategyMode::waterfall_only);
  c.model.exports.appeal_region_sd = 1;
  c.model.learning.market = 1;
  c.model.learning.region_correlation = 0.5f;
  Simulation sim(c);
  sim.run();
  int one_market = 0;
  for (std::int64_t i = 0; i < c.run.firms; ++i) {
    const FirmSnapshot s = sim.snapshot(0, i);
    if (s.status != 1 || (s.export_mask != 1 && s.export_mask != 2)) continue;
    const int served = s.export_mask == 1 ? 0 : 1;
    ASSERT_NE(s.appeal_belief[served], 0.0f) << "firm " << i;
    EXPECT_NEAR(s.appeal_belief[1 - served], 0.5f * s.appeal_belief[served], 1e-5) << "firm " << i;
    ++one_market;
  }
  EXPECT_GT(one_market, 20);
}

// Fixed cost 30000: profit 60000 - 30000 before, 0.05 * 60000 - 30000 = -27000 after a
// demand collapse in 2000. With no band from sunk costs alone (hysteresis_band 0, the
// shipped estimate) a waterfall firm leaves at the first loss; a committed sprinkler
// firm's band is 0.6 * 60000 = 36000, so it stays: commitment acts at any band.
TEST(SprinklerCommitment, CommittedFirmsHoldOnWhereWaterfallFirmsLeave) {
  Config c = quiet_world({plain_market("A", 0.0, 10)}, 200);
  c.model.exports.fixed_cost = 30000;
  c.model.exports.hysteresis = 1;
  c.model.exports.hysteresis_band = 0.0f;
  c.model.exports.sprinkler_commitment = 0.6f;
  c.shocks = {demand_shock(2000, 2005, 0.05)};
  for (const auto mode : {StrategyMode::waterfall_only, StrategyMode::sprinkler_only}) {
    c.model.strategy.mode = static_cast<std::uint8_t>(mode);
    const bool committed = mode == StrategyMode::sprinkler_only;
    int incumbents = 0;
    for (const auto& [firm, by_year] : export_sets(run(c))) {
      if (!by_year.count(1999)) continue;
      ++incumbents;
      EXPECT_EQ(by_year.count(2005), committed ? 1u : 0u)
          << (committed ? "sprinkler" : "waterfall") << " firm " << firm;
    }
    EXPECT_GT(incumbents, 50);
  }
}

// Only the constant (1) and the life cycle (1 per 10 years) in the sprinkler utility:
// a 5-year cycle gives +0.5 (sprinkler), a 20-year cycle -1 (waterfall, Kalish et al.).
TEST(StrategyChoice, LongProductLifeCyclesFavourTheWaterfall) {
  Config c = quiet_world({plain_market("A", 0.0, 10), plain_market("B", 0.1, 10)}, 200);
  StrategyParams& p = c.model.strategy;
  p.mode = static_cast<std::uint8_t>(StrategyMode::choice);
  p.constant = 1;
  p.life_cycle = 1;
  p.globalized = p.high_tech = p.market_size = p.market_growth = p.innovativeness = 0;
  p.competition = p.cooperation = p.fixed_entry_cost = p.orientation = p.cash = 0;
  for (const float cycle : {5.0f, 20.0f}) {
    c.industries[0].params.product_life_cycle = cycle;
    Simulation sim(c);
    sim.run();
    const std::uint8_t expected = cycle < 10 ? 2 : 1;  // 2 sprinkler, 1 waterfall
    int exporters = 0;
    for (std::int64_t i = 0; i < c.run.firms; ++i) {
      const FirmSnapshot s = sim.snapshot(0, i);
      if (s.export_start_year == 0) continue;
      ++exporters;
      EXPECT_EQ(s.strategy, expected) << "life cycle " << cycle << ", firm " << i;
    }
    EXPECT_GT(exporters, 50);
  }
}

// Market A is worth 42000 to a firm (ImportExportSpillover's arithmetic) against a
// sunk cost of 60000 x exp(-orientation_sunk x o): with orientation_sunk 1 and o ~
// N(0, 1), only firms oriented abroad by more than ln(60/42) = 0.357 sd find it
// worth entering, and those well above it all do.
TEST(ExportOrientation, FirmsOrientedAbroadPayLessToStartExporting) {
  Config c = quiet_world({plain_market("A", 0.0, 3.2)}, 1000);
  c.model.strategy.mode = static_cast<std::uint8_t>(StrategyMode::waterfall_only);
  c.model.exports.orientation_sunk = 1;
  c.model.strategy.orientation_sd = 1;
  int exporters = 0, oriented = 0;
  for (const FirmSnapshot& s : final_snapshots(c)) {
    if (s.founding_year >= c.run.last_year - 1) continue;
    const bool exported = s.export_start_year != 0;
    if (exported) {
      ++exporters;
      EXPECT_GT(s.orientation, 0.35f) << "a firm exported with orientation " << s.orientation;
    }
    if (s.orientation > 0.45f && s.status != 0) {
      ++oriented;
      EXPECT_TRUE(exported) << "a firm oriented abroad by " << s.orientation << " never exported";
    }
  }
  EXPECT_GT(exporters, 50);
  EXPECT_GT(oriented, 50);
}

// Only international orientation (1 util per sd) in the sprinkler utility: a firm
// oriented abroad (o > 0) launches as a sprinkler, one oriented at home as a
// waterfall (seed 004's orientations; estimated since the orientation experiment,
// docs/calibration/orientation/).
TEST(StrategyChoice, FirmsOrientedAbroadChooseTheSprinkler) {
  Config c = quiet_world({plain_market("A", 0.0, 10), plain_market("B", 0.1, 10)}, 400);
  StrategyParams& p = c.model.strategy;
  p.mode = static_cast<std::uint8_t>(StrategyMode::choice);
  p.constant = p.life_cycle = 0;
  p.globalized = p.high_tech = p.market_size = p.market_growth = p.innovativeness = 0;
  p.competition = p.cooperation = p.fixed_entry_cost = p.cash = 0;
  p.orientation = 1;
  p.orientation_sd = 1;
  int abroad = 0, home = 0;
  for (const FirmSnapshot& s : final_snapshots(c)) {
    if (s.export_start_year == 0) continue;
    const std::uint8_t expected = s.orientation > 0 ? 2 : 1;  // 2 sprinkler, 1 waterfall
    EXPECT_EQ(s.strategy, expected) << "orientation " << s.orientation;
    ++(s.orientation > 0 ? abroad : home);
  }
  EXPECT_GT(abroad, 50);
  EXPECT_GT(home, 50);
}

// Efficiency dispersed (sd 0.5), nearly exact signals: a year after birth a firm knows
// its efficiency, and those more than 0.3 below the industry mean close (Jovanovic).
// Nothing else can kill a firm here (no hazard, no cash constraint).
TEST(ExitOnBelief, FirmsThatLearnTheyAreInefficientClose) {
  Config c = quiet_world({plain_market("A", 0.0, 10)}, 400);
  IndustryParams& j = c.industries[0].params;
  j.efficiency_sd = 0.5f;
  j.exit_belief_threshold = -0.3f;
  c.model.learning.passive = 1;
  c.model.learning.efficiency_signal_sd = 0.01f;
  Simulation sim(c);
  sim.run();
  int closed = 0, kept = 0;
  for (std::int64_t i = 0; i < c.run.firms; ++i) {
    const FirmSnapshot s = sim.snapshot(0, i);
    if (s.status == 0 || s.founding_year >= c.run.last_year) continue;
    const float gap = s.efficiency - j.efficiency_mean;
    if (gap < -0.31f) {
      EXPECT_EQ(s.exit_year, s.founding_year + 1) << "firm " << i << ", efficiency gap " << gap;
      ++closed;
    } else if (gap > -0.29f) {
      EXPECT_EQ(s.exit_year, 0) << "firm " << i << ", efficiency gap " << gap;
      ++kept;
    }
  }
  EXPECT_GT(closed, 50);
  EXPECT_GT(kept, 50);
}

// Size 3.2: export profit 0.15 * 40000 * 3.2 - 15000 = 4200, worth 42000: below the sunk
// cost 60000, above the 36000 it costs a firm already importing from the market
// (import_sunk_factor 0.6). So only importers start to export, a year after they import
// (importing's productivity gain is switched off, so the sunk cost is the only channel).
TEST(ImportExportSpillover, ImportingLowersTheSunkCostOfExportingThere) {
  MarketSpec a = plain_market("A", 0.0, 3.2);
  a.params.import_supply = 1;
  Config c = quiet_world({a}, 2000);
  c.model.strategy.mode = static_cast<std::uint8_t>(StrategyMode::waterfall_only);
  c.model.exports.import_sunk_factor = 0.6f;
  c.model.imports.scale = 4000;
  c.model.imports.sunk_cost = 5000;
  c.model.imports.productivity_gain = 0;  // importing must not help through efficiency
  c.model.imports.two_way_gain = 0;
  const Panel p = run(c);
  std::map<std::pair<std::int64_t, int>, std::pair<bool, bool>> trade;  // (firm, year) -> (exports, imports)
  for (std::size_t r = 0; r < p.firm_years.rows(); ++r)
    if (p.firm_years.alive[r])
      trade[{p.firm_years.firm[r], p.firm_years.year[r]}] = {p.firm_years.exports_true[r] > 0,
                                                             p.firm_years.imports_true[r] > 0};
  int starters = 0, importers = 0;
  for (const auto& [key, now] : trade) {
    importers += now.second ? 1 : 0;
    const auto last = trade.find({key.first, key.second - 1});
    if (!now.first || last == trade.end() || last->second.first) continue;
    ++starters;
    EXPECT_TRUE(last->second.second) << "firm " << key.first << " started exporting in " << key.second
                                     << " without importing the year before";
  }
  EXPECT_GT(importers, 100);
  EXPECT_GT(starters, 20);
}

// With psychic_cost 0 the markets' costs and values are equal, so psychic distance
// alone orders a waterfall firm's entries (Uppsala): closest first.
TEST(WaterfallOrder, PsychicDistanceAloneOrdersEntryWhenCostsAreEqual) {
  const double psychic[] = {0.4, 0.0, 0.2};
  std::vector<MarketSpec> markets;
  for (int m = 0; m < 3; ++m) markets.push_back(plain_market("M" + std::to_string(m), psychic[m], 10));
  Config c = quiet_world(markets, 100);
  c.model.strategy.mode = static_cast<std::uint8_t>(StrategyMode::waterfall_only);
  c.model.exports.psychic_cost = 0;
  int checked = 0;
  for (const auto& [firm, by_year] : export_sets(run(c))) {
    const int start = by_year.begin()->first;
    if (start > 2002) continue;  // needs three years to enter all three
    EXPECT_EQ(by_year.at(start), market_bit(1)) << "firm " << firm;
    EXPECT_EQ(by_year.at(start + 1), market_bit(1) | market_bit(2)) << "firm " << firm;
    EXPECT_EQ(by_year.at(start + 2), MarketMask{7}) << "firm " << firm;
    ++checked;
  }
  EXPECT_GT(checked, 20);
}


// ----------------------------------------------------------------------------
// The export venture: an appeal common to all of a firm's markets, and a
// yearly cost of exporting at all. No sales noise: one year in a market
// reveals its appeal, which here is the venture's part only (v ~ N(0, 1)).
// ----------------------------------------------------------------------------
MarketSpec market_in_region(const std::string& iso, double size, int region) {
  MarketSpec m = plain_market(iso, 0.0, size);
  m.params.region = static_cast<std::uint8_t>(region);
  m.meta.region = region == 0 ? "EU15" : "asia";
  return m;
}

Config venture_world(std::vector<MarketSpec> markets) {
  Config c = quiet_world(std::move(markets), 300);
  c.model.exports.appeal_firm_sd = 1;
  c.model.learning.market = 1;
  return c;
}

// A (region 0, size 10) pays at the prior; B (another region, size 3) only at
// an appeal above ln(21000 / 18000) = 0.15: 10 * (18000 e^a - 15000) > 60000.
// What a waterfall firm learns of its venture in A is its prior in B, so the
// firms that did well in A go on to B, and the others do not.
TEST(Venture, WhatAMarketTeachesOfTheVentureIsThePriorInOtherRegions) {
  Config c = venture_world({market_in_region("A", 10, 0), market_in_region("B", 3, 1)});
  c.model.strategy.mode = static_cast<std::uint8_t>(StrategyMode::waterfall_only);
  Simulation sim(c);
  sim.run();
  int good = 0, poor = 0;
  for (std::int64_t i = 0; i < c.run.firms; ++i) {
    const FirmSnapshot s = sim.snapshot(0, i);
    if (s.status != 1 || !(s.export_mask & 1u) || s.founding_year > 2002) continue;
    const float v = s.appeal_belief[0];  // learned in A: the venture's appeal
    if (v > 0.3f) {
      EXPECT_TRUE(s.export_mask & 2u) << "firm " << i << " (appeal " << v << ") should have gone on to B";
      ++good;
    } else if (v < 0.0f) {
      EXPECT_FALSE(s.export_mask & 2u) << "firm " << i << " (appeal " << v << ") should not serve B";
      ++poor;
    }
  }
  EXPECT_GT(good, 20);
  EXPECT_GT(poor, 20);
}

// Two size-10 markets in two regions, a sprinkler launch into both, no scale
// gain: each market's profit is 60000 e^v - 15000, never below the market's own
// exit line (-0.3 * 60000), so only the venture's cost of 60000 a year can end
// it: it goes on while 2 (60000 e^v - 15000) >= 60000, i.e. v >= ln 0.75 = -0.29.
// Relaunching needs 2 (10 profit - 30000) > 600000 (re-entry halves the sunk
// cost), so a failed venture stays ended.
TEST(Venture, ABadCommonAppealEndsTheWholeVenture) {
  Config c = venture_world({market_in_region("A", 10, 0), market_in_region("B", 10, 1)});
  c.model.strategy.mode = static_cast<std::uint8_t>(StrategyMode::sprinkler_only);
  c.model.strategy.scale_gain = 0;
  c.model.strategy.launch_sunk_share = 1;
  c.model.exports.venture_fixed_cost = 60000;
  Simulation sim(c);
  sim.run();
  int ended = 0, going = 0;
  for (std::int64_t i = 0; i < c.run.firms; ++i) {
    const FirmSnapshot s = sim.snapshot(0, i);
    if (s.status != 1 || s.export_start_year == 0 || s.export_start_year > 2003) continue;
    const float v = s.appeal_belief[0];
    if (v < -0.4f) {
      EXPECT_EQ(s.export_mask, MarketMask{0}) << "firm " << i << " (appeal " << v << ") should have left both";
      ++ended;
    } else if (v > -0.2f) {
      EXPECT_EQ(s.export_mask, MarketMask{3}) << "firm " << i << " (appeal " << v << ") should serve both";
      ++going;
    }
  }
  EXPECT_GT(ended, 20);
  EXPECT_GT(going, 20);
}

// One size-10 market: a start is worth 10 (60000 - 15000) - 60000 = 390000
// before the venture's cost. A venture cost of 30000 a year (300000 over the
// venture's life) leaves it worth starting, one of 50000 (500000) does not;
// and the one that goes ahead pays its 30000 every year it exports.
TEST(Venture, ItsYearlyCostIsAHurdleToStartAndIsPaid) {
  Config c = quiet_world({plain_market("A", 0.0, 10)}, 200);
  c.model.strategy.mode = static_cast<std::uint8_t>(StrategyMode::waterfall_only);
  c.model.exports.venture_fixed_cost = 50000;
  EXPECT_TRUE(export_sets(run(c)).empty()) << "a venture costing 500000 should not start";

  c.model.exports.venture_fixed_cost = 30000;
  Simulation with_cost(c);
  with_cost.run();
  const auto sets = export_sets(with_cost.panel());
  c.model.exports.venture_fixed_cost = 0;
  Simulation without(c);
  without.run();
  int checked = 0;
  for (const auto& [firm, by_year] : sets) {
    if (!by_year.count(2005)) continue;
    const double years = static_cast<double>(by_year.size());
    const double paid = without.snapshot(0, firm).cash - with_cost.snapshot(0, firm).cash;
    EXPECT_NEAR(paid, 30000.0 * years, 1e-3 * 30000.0 * years) << "firm " << firm;
    ++checked;
  }
  EXPECT_GT(checked, 50);
}


// ----------------------------------------------------------------------------
// Market penetration: new exporters start small (docs/model.md 3.9a). In its
// t-th year in a market a firm sells g(t) = 1 - (1 - s0) rho^(t-1) of full
// sales, and it values a market at the annuity-weighted share ahead,
// 1 - (1 - s0) rho^years 0.1 / (1 - 0.9 rho) here (no hazard, discount 0.9).
// ----------------------------------------------------------------------------
Config penetration_world(double size, double s0, double rho) {
  Config c = quiet_world({plain_market("A", 0.0, size)}, 400);
  c.model.strategy.mode = static_cast<std::uint8_t>(StrategyMode::waterfall_only);
  c.model.exports.entrant_sales_share = static_cast<float>(s0);
  c.model.exports.penetration_persistence = static_cast<float>(rho);
  return c;
}

std::map<std::pair<std::int64_t, int>, double> exports_by_firm_year(const Panel& p) {
  std::map<std::pair<std::int64_t, int>, double> out;
  for (std::size_t k = 0; k < p.flows.rows(); ++k)
    if (p.flows.exports_true[k] > 0) out[{p.flows.firm[k], p.flows.year[k]}] += p.flows.exports_true[k];
  return out;
}

// s0 = 0.25, rho = 0.5: sales are 0.25, 0.625, 0.8125, 0.906 of a firm's full
// sales in its first four years in A, the same firm's sales in the same year
// of a world without the phase (size 10 pays either way: the share ahead at
// entry is 0.864, so 10 (60000 x 0.864 - 15000) > 60000).
TEST(Penetration, NewExportersStartSmallAndGrowIntoTheMarket) {
  const Panel small = run(penetration_world(10, 0.25, 0.5));
  const Panel full = run(penetration_world(10, 1.0, 0.5));
  const auto with = exports_by_firm_year(small);
  const auto without = exports_by_firm_year(full);
  const auto first_years = export_sets(small);
  int checked = 0;
  for (const auto& [firm, by_year] : first_years) {
    const int first = by_year.begin()->first;
    for (int t = 1; t <= 4 && first + t - 1 <= 2005; ++t) {
      const auto key = std::make_pair(firm, first + t - 1);
      ASSERT_TRUE(with.count(key) && without.count(key)) << "firm " << firm << " year " << key.second;
      const double expected = 1.0 - 0.75 * std::pow(0.5, t - 1);
      EXPECT_NEAR(with.at(key) / without.at(key), expected, 1e-4) << "firm " << firm << ", year " << t << " in A";
      ++checked;
    }
  }
  EXPECT_GT(checked, 400);
}

// Size 3.8 pays at full sales, 10 (0.15 x 40000 x 3.8 - 15000) = 78000 > 60000,
// but not when the firm knows it starts small: the share ahead at entry is
// 1 - 0.75 x 0.1 / 0.55 = 0.864, and 10 (22800 x 0.864 - 15000) = 46900 < 60000.
TEST(Penetration, EntrantsValueTheirSmallFirstYears) {
  EXPECT_GT(exporters_in(run(penetration_world(3.8, 1.0, 0.5)), 2005), 50);
  EXPECT_TRUE(export_sets(run(penetration_world(3.8, 0.25, 0.5))).empty()) << "entry should not pay";
}

// A demand shock of 0.29 in 2000-2001 with no band: a firm stays while
// 0.29 x 60000 x share ahead > 15000, i.e. share > 0.862. With s0 = 0.25 and
// rho = 0.8 the share after `years` in A is 1 - 0.268 x 0.8^years: 0.829 after
// 2 years (a firm that entered in 1999 leaves in 2000), 0.890 after 4 or more
// (firms in A since 1997 or before stay). Without the phase all stay.
TEST(Penetration, YoungMarketsAreLeftOnBadNewsThatOldOnesSurvive) {
  Config c = penetration_world(10, 0.25, 0.8);
  c.model.exports.hysteresis = 0;
  c.shocks = {demand_shock(2000, 2001, 0.29)};
  int young = 0, old = 0;
  for (const auto& [firm, by_year] : export_sets(run(c))) {
    const int first = by_year.begin()->first;
    if (first == 1999) {
      EXPECT_FALSE(by_year.count(2001)) << "firm " << firm << " (in A since 1999) should have left in 2000";
      ++young;
    } else if (first <= 1997 && by_year.count(1999)) {
      EXPECT_TRUE(by_year.count(2001)) << "firm " << firm << " (in A since " << first << ") should have stayed";
      ++old;
    }
  }
  EXPECT_GT(young, 10);
  EXPECT_GT(old, 50);
}

// Export capacity: a firm's sales per market scale with (FTE / 10)^e,
// exports.size_elasticity (docs/model.md). In the penetration world at full
// sales (a market of size 10 that pays at any size here), with exports not
// feeding back onto size (domestic.export_size_elasticity 0), the same firm
// sells in the same year fte / 10 times as much with e = 1 as with e = 0.
// Entrants grow to their target size over years, so sizes differ. Entry
// timing differs between the two worlds and an entry year sells
// first_year_fraction of a full year, so only years after a year served in
// both worlds are compared.
TEST(ExportCapacity, SalesPerMarketScaleWithTheFirmsSize) {
  Config proportional = penetration_world(10, 1.0, 0.5);
  proportional.model.domestic.export_size_elasticity = 0;
  Config flat = proportional;
  proportional.model.exports.size_elasticity = 1;
  flat.model.exports.size_elasticity = 0;
  const Panel p = run(proportional);
  const auto with = exports_by_firm_year(p);
  const auto without = exports_by_firm_year(run(flat));
  int checked = 0, away_from_10 = 0;
  for (std::size_t k = 0; k < p.firm_years.rows(); ++k) {
    const auto key = std::make_pair(p.firm_years.firm[k], static_cast<int>(p.firm_years.year[k]));
    const auto year_before = std::make_pair(key.first, key.second - 1);
    if (!with.count(key) || !without.count(key) || !with.count(year_before) || !without.count(year_before)) continue;
    const double size = p.firm_years.fte[k] / 10.0;
    EXPECT_NEAR(with.at(key) / without.at(key), size, 1e-4 * size) << "firm " << key.first << " in " << key.second;
    away_from_10 += std::abs(size - 1.0) > 0.2;
    ++checked;
  }
  EXPECT_GT(checked, 400);
  EXPECT_GT(away_from_10, 100) << "sizes should differ from 10 FTE, or the test tells nothing";
}

// ----------------------------------------------------------------------------
// A persistent scale of firms' target size with a Zipf tail. No efficiency
// dispersion, no noise, no deaths, no exports: a firm's size converges to
// base_fte * exp(s), s = (E - 1) / exponent, E ~ Exponential(1). Then
// log(fte / base_fte) has mean 0 and sd 1 / exponent, and above any threshold
// it exceeds the threshold by an Exponential(mean 1 / exponent): the Hill
// estimator of the tail exponent.
// ----------------------------------------------------------------------------
std::vector<double> log_relative_sizes(double exponent) {
  Config c = quiet_world({plain_market("A", 0.0, 0.01)}, 6000);
  c.model.domestic.size_tail_exponent = static_cast<float>(exponent);
  c.model.domestic.export_size_elasticity = 0;
  c.run.burn_in_start = 1975;
  Simulation sim(c);
  sim.run();
  std::vector<double> out;
  const double base = c.industries[0].params.base_fte;
  for (std::int64_t i = 0; i < c.run.firms; ++i) {
    const FirmSnapshot s = sim.snapshot(0, i);
    if (s.status == 1 && s.founding_year <= 1990) out.push_back(std::log(s.fte / base));  // 15+ years: converged
  }
  return out;
}

double hill_exponent(std::vector<double> x, std::size_t top) {
  std::sort(x.begin(), x.end(), std::greater<double>());
  double sum = 0;
  for (std::size_t k = 0; k < top; ++k) sum += x[k] - x[top];
  return static_cast<double>(top) / sum;
}

TEST(SizeTail, TargetSizesHaveAZipfTailOfTheGivenExponent) {
  for (const double exponent : {1.0, 2.0}) {
    const std::vector<double> x = log_relative_sizes(exponent);
    ASSERT_GT(x.size(), 1500u);
    double mean = 0, var = 0;
    for (double v : x) mean += v / static_cast<double>(x.size());
    for (double v : x) var += (v - mean) * (v - mean) / static_cast<double>(x.size() - 1);
    EXPECT_NEAR(mean, 0.0, 0.1 / exponent) << "exponent " << exponent;
    EXPECT_NEAR(std::sqrt(var), 1.0 / exponent, 0.1 / exponent) << "exponent " << exponent;
    EXPECT_NEAR(hill_exponent(x, 200), exponent, 0.2 * exponent) << "exponent " << exponent;
  }
  const std::vector<double> none = log_relative_sizes(0);
  EXPECT_NEAR(*std::max_element(none.begin(), none.end()), *std::min_element(none.begin(), none.end()), 0.05)
      << "without a tail every firm converges to the same size";
}

}  // namespace
}  // namespace firmsim
