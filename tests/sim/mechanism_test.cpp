// One test per mechanism, each in a small world with the noise switched off
// (tests/sim/support.hpp), so that what the test sees is the mechanism alone.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "support.hpp"

namespace firmsim {
namespace {

using testing::export_sets;
using testing::plain_market;
using testing::quiet_world;

TEST(Waterfall, EntersOneMarketAYearInPsychicDistanceOrder) {
  // Six equally attractive markets that differ only in psychic distance.
  const double psychic[] = {0.3, 0.1, 0.5, 0.0, 0.2, 0.4};
  std::vector<MarketSpec> markets;
  for (int m = 0; m < 6; ++m) markets.push_back(plain_market("M" + std::to_string(m), psychic[m], 10));
  Config c = quiet_world(markets, 40);
  c.model.strategy.mode = static_cast<std::uint8_t>(StrategyMode::waterfall_only);
  Simulation sim(c);
  sim.run();
  const auto sets = export_sets(sim.panel());
  const int order[] = {3, 1, 4, 0, 5, 2};  // markets by increasing psychic distance
  int firms_checked = 0;
  for (const auto& [firm, by_year] : sets) {
    const int start = by_year.begin()->first;
    if (start > 1999) continue;  // needs six years to enter all six
    for (int k = 0; k < 6; ++k) {
      MarketMask expected = 0;
      for (int j = 0; j <= k; ++j) expected |= market_bit(order[j]);
      ASSERT_TRUE(by_year.count(start + k)) << "firm " << firm;
      EXPECT_EQ(by_year.at(start + k), expected) << "firm " << firm << ", year " << start + k;
    }
    ++firms_checked;
  }
  EXPECT_GT(firms_checked, 10);
}

TEST(Sprinkler, EntersEveryWorthwhileMarketAtOnceAndPaysEachSunkCost) {
  // Four large markets are worth entering, three tiny ones are not.
  std::vector<MarketSpec> markets;
  const double psychic[] = {0.0, 0.2, 0.4, 0.1, 0.0, 0.3, 0.5};
  const double size[] = {10, 10, 10, 10, 0.1, 0.1, 0.1};
  for (int m = 0; m < 7; ++m) markets.push_back(plain_market("M" + std::to_string(m), psychic[m], size[m]));
  Config c = quiet_world(markets, 30);
  c.model.strategy.mode = static_cast<std::uint8_t>(StrategyMode::sprinkler_only);
  Simulation sim(c);

  std::map<std::int64_t, float> cash_before;
  int firms_checked = 0;
  while (!sim.finished()) {
    for (std::int64_t i = 0; i < c.run.firms; ++i) cash_before[i] = sim.snapshot(0, i).cash;
    const int year = sim.step().year;
    const Panel panel = sim.panel();
    const auto sets = export_sets(panel);
    for (std::size_t r = 0; r < panel.firm_years.rows(); ++r) {
      const std::int64_t firm = panel.firm_years.firm[r];
      if (panel.firm_years.year[r] != year) continue;
      const FirmSnapshot s = sim.snapshot(0, firm);
      if (s.export_start_year != year) continue;
      // A newborn starts the year with its start cash (entry size is kept in the birth year).
      if (panel.firm_years.founding_year[r] == year)
        cash_before[firm] = c.model.domestic.start_cash * panel.firm_years.fte[r];
      // K = 4 markets at once: exactly the worthwhile ones.
      EXPECT_EQ(sets.at(firm).at(year), MarketMask{0xF}) << "firm " << firm;
      // Cash: domestic cash flow + export profits - the four sunk costs.
      const ModelParams& p = c.model;
      double expected = p.domestic.operating_margin * panel.firm_years.value_added[r];
      double sunk = 0;
      for (int m = 0; m < 4; ++m) {
        const double costs_scale = 1.0 + p.exports.psychic_cost * psychic[m];
        expected += p.exports.margin * s.export_value[m] - p.exports.fixed_cost * costs_scale;
        sunk += p.exports.sunk_cost * costs_scale;
      }
      EXPECT_NEAR(s.cash - cash_before[firm], expected - sunk, 20.0) << "firm " << firm;
      EXPECT_GT(sunk, 4 * p.exports.sunk_cost - 1);
      ++firms_checked;
    }
  }
  EXPECT_GT(firms_checked, 5);
}

// A firm exporting to one market whose demand falls from 2000 on, so that
// yearly profit turns slightly negative: no firm would enter it any more.
Config demand_drop_world(bool hysteresis) {
  Config c = quiet_world({plain_market("A", 0.0, 10)}, 60);
  c.model.strategy.mode = static_cast<std::uint8_t>(StrategyMode::waterfall_only);
  c.model.exports.hysteresis = hysteresis ? 1 : 0;
  ShockSpec drop;
  drop.name = "demand drop";
  drop.from = 2000;
  drop.to = 2005;
  drop.markets = market_bit(0);
  drop.demand_factor = 0.2;  // yearly profit 0.15*40000*10*0.2 - 15000 = -3000 > -0.3 * 60000
  c.shocks.push_back(drop);
  return c;
}

// A sprinkler launch shares its preparation: each market after the first
// costs launch_sunk_share of its sunk cost. In the quiet world a sprinkler
// values a size-s market at 10 (9000 s - 15000) - 60000 alone: only s > 2.33
// pays; at a share of 0.3, 10 (9000 s - 15000) - 18000: s > 1.87 pays too.
struct Launch {
  MarketMask markets = 0;
  double sunk_paid = 0;  // cash spent on entry in the launch year, net of the year's flows
};

std::vector<Launch> launches(double share) {
  std::vector<MarketSpec> markets;
  for (double size : {10.0, 10.0, 2.0, 2.1, 0.1}) markets.push_back(plain_market("M" + std::to_string(size), 0, size));
  Config c = quiet_world(markets, 20);
  c.model.strategy.mode = static_cast<std::uint8_t>(StrategyMode::sprinkler_only);
  c.model.strategy.launch_sunk_share = static_cast<float>(share);
  Simulation sim(c);
  std::vector<Launch> out;
  std::map<std::int64_t, float> cash_before;
  while (!sim.finished()) {
    for (std::int64_t i = 0; i < c.run.firms; ++i) cash_before[i] = sim.snapshot(0, i).cash;
    const int year = sim.step().year;
    const Panel panel = sim.panel();
    for (std::size_t r = 0; r < panel.firm_years.rows(); ++r) {
      const std::int64_t firm = panel.firm_years.firm[r];
      const FirmSnapshot s = sim.snapshot(0, firm);
      if (panel.firm_years.year[r] != year || s.export_start_year != year) continue;
      if (panel.firm_years.founding_year[r] == year)
        cash_before[firm] = c.model.domestic.start_cash * panel.firm_years.fte[r];
      double flows = c.model.domestic.operating_margin * panel.firm_years.value_added[r];
      for (int m = 0; m < 5; ++m)
        if ((s.export_mask >> m) & 1u) flows += c.model.exports.margin * s.export_value[m] - c.model.exports.fixed_cost;
      out.push_back({s.export_mask, flows - (s.cash - cash_before[firm])});
    }
  }
  return out;
}

TEST(Sprinkler, ALaunchSharesItsSunkCostsAcrossMarkets) {
  const std::vector<Launch> alone = launches(1.0), shared = launches(0.3);
  ASSERT_FALSE(alone.empty());
  ASSERT_EQ(alone.size(), shared.size());
  for (const Launch& l : alone) {
    EXPECT_EQ(l.markets, MarketMask{0x3});  // the two big markets only
    EXPECT_NEAR(l.sunk_paid, 2 * 60000.0, 20.0);
  }
  for (const Launch& l : shared) {
    EXPECT_EQ(l.markets, MarketMask{0xF});  // the two middling ones join the launch
    EXPECT_NEAR(l.sunk_paid, 60000.0 + 3 * 0.3 * 60000.0, 20.0);
  }
}

TEST(Hysteresis, KeepsAFirmInAMarketItWouldNotEnter) {
  Simulation sticky(demand_drop_world(true));
  sticky.run();
  Simulation loose(demand_drop_world(false));
  loose.run();
  const auto sticky_sets = export_sets(sticky.panel());
  const auto loose_sets = export_sets(loose.panel());
  int incumbents = 0;
  for (const auto& [firm, by_year] : sticky_sets) {
    if (by_year.begin()->first >= 2000)
      ADD_FAILURE() << "firm " << firm << " entered a market worth less than its sunk cost";
    if (!by_year.count(1999)) continue;
    ++incumbents;
    EXPECT_TRUE(by_year.count(2005)) << "with hysteresis firm " << firm << " should still export in 2005";
  }
  EXPECT_GT(incumbents, 10);
  for (const auto& [firm, by_year] : loose_sets)
    EXPECT_FALSE(by_year.count(2001)) << "without hysteresis firm " << firm << " should have left";
}

TEST(ImportSpillover, ImportingMultipliesTheChanceOfStartingToExportThere) {
  MarketSpec a = plain_market("A", 0.0, 10);
  a.params.import_supply = 1;
  Config c = quiet_world({a}, 20000);
  c.model.strategy.mode = static_cast<std::uint8_t>(StrategyMode::waterfall_only);
  c.model.exports.awareness_base = 0.05f;
  c.model.exports.import_awareness_multiplier = 4;
  c.model.exports.import_sunk_factor = 1;  // isolate the information channel
  c.model.imports.scale = 4000;
  c.model.imports.sunk_cost = 5000;
  c.run.burn_in_start = 1996;
  c.run.first_year = 1996;
  Simulation sim(c);
  sim.run();
  const Panel p = sim.panel();
  // Yearly starts among last year's non-exporters, split by last year's imports.
  std::map<std::pair<std::int64_t, int>, std::pair<bool, bool>> trade;  // (firm, year) -> (exports, imports)
  for (std::size_t r = 0; r < p.firm_years.rows(); ++r)
    if (p.firm_years.alive[r])
      trade[{p.firm_years.firm[r], p.firm_years.year[r]}] = {p.firm_years.exports_true[r] > 0,
                                                             p.firm_years.imports_true[r] > 0};
  double starts[2] = {0, 0}, at_risk[2] = {0, 0};
  for (const auto& [key, now] : trade) {
    const auto last = trade.find({key.first, key.second - 1});
    if (last == trade.end() || last->second.first) continue;
    const int importer = last->second.second ? 1 : 0;
    at_risk[importer] += 1;
    starts[importer] += now.first ? 1 : 0;
  }
  ASSERT_GT(at_risk[0], 1000);
  ASSERT_GT(at_risk[1], 500);
  const double expected[2] = {0.05, 0.20};
  for (int g = 0; g < 2; ++g) {
    const double rate = starts[g] / at_risk[g];
    const double se = std::sqrt(expected[g] * (1 - expected[g]) / at_risk[g]);
    EXPECT_NEAR(rate, expected[g], 4 * se) << (g ? "importers" : "non-importers");
  }
}

TEST(CashConstraint, AFirmWhoseCashGoesNegativeDies) {
  Config c = quiet_world({plain_market("A", 0.0, 10)}, 200);
  c.industries[0].params.tradability = 0;
  c.model.domestic.operating_margin = -0.3f;  // losses eat the start cash within the first year
  c.model.death.credit_line_per_fte = 0;
  c.model.death.cash_constraint = 1;
  Simulation constrained(c);
  constrained.run();
  const Panel p = constrained.panel();
  int checked = 0;
  for (std::size_t f = 0; f < p.firms.rows(); ++f) {
    if (p.firms.founding_year[f] >= c.run.last_year) continue;
    EXPECT_EQ(p.firms.exit_year[f], p.firms.founding_year[f] + 1) << "firm " << p.firms.firm[f];
    ++checked;
  }
  EXPECT_GT(checked, 100);

  c.model.death.cash_constraint = 0;
  Simulation unconstrained(c);
  unconstrained.run();
  const Panel q = unconstrained.panel();
  for (std::size_t f = 0; f < q.firms.rows(); ++f) EXPECT_EQ(q.firms.exit_year[f], 0) << "firm " << q.firms.firm[f];
}

TEST(Learning, SwitchedOffFreezesBeliefs) {
  Config c = testing::small_default(800, 1990);
  c.model.learning.passive = 0;
  c.model.learning.market = 0;
  Simulation frozen(c);
  frozen.run();
  c.model.learning.passive = 1;
  c.model.learning.market = 1;
  Simulation learning(c);
  learning.run();
  int moved = 0, alive = 0;
  for (std::int64_t i = 0; i < c.run.firms; ++i) {
    const FirmSnapshot s = frozen.snapshot(0, i);
    if (s.status != 1) continue;
    ++alive;
    EXPECT_EQ(s.belief_mean, c.industries[s.industry].params.efficiency_mean) << "firm " << i;
    for (float b : s.appeal_belief) EXPECT_EQ(b, 0.0f) << "firm " << i;
    const FirmSnapshot t = learning.snapshot(0, i);
    if (t.status == 1 && t.belief_mean != c.industries[t.industry].params.efficiency_mean) ++moved;
  }
  EXPECT_GT(alive, 100);
  EXPECT_GT(moved, 100);  // the same firms do learn when learning is on
}

}  // namespace
}  // namespace firmsim
