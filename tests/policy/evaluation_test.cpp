// The evaluation's accounting on small worlds (tests/sim/support.hpp): a
// program that does nothing has exactly no effect, costs add up, deadweight
// and additionality partition the supported firms, and firm-level effects sum
// to the reported totals.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "../sim/support.hpp"
#include "policy/evaluate.hpp"
#include "policy/report.hpp"

namespace firmsim {
namespace {

using policy::Comparison;

Config small_world() {
  Config c = testing::small_default(3000, 1980);
  c.run.replicates = 2;
  c.run.last_year = 2003;
  return c;
}

PolicySpec subsidy(double strength) {
  PolicySpec p;
  p.name = "subsidy";
  p.kind = PolicyKind::sunk_cost_subsidy;
  p.from = 1997;
  p.to = 2001;
  p.strength = strength;
  p.markets = ~MarketMask{0};
  p.max_fte = 249;
  p.exporter_status = static_cast<int>(ExporterStatus::non_exporters);
  return p;
}

struct Runs {
  std::vector<Config> configs;
  std::vector<policy::VariantResult> results;
  std::vector<std::vector<YearSummary>> summaries;
};

Runs simulate(const Config& base, const std::vector<Config>& programs) {
  Runs r;
  r.configs = {base};
  r.configs.insert(r.configs.end(), programs.begin(), programs.end());
  Simulation sim(r.configs);
  sim.run();
  for (int v = 0; v < sim.variants(); ++v) {
    r.results.push_back({sim.panel(v), sim.policy_columns(v)});
    r.summaries.push_back(sim.summaries(v));
  }
  return r;
}

Comparison compare(const Runs& r, int v) { return policy::compare_variants(r.configs[v], r.results[0], r.results[v]); }

void expect_no_effect(const Comparison& c) {
  for (std::size_t g = 0; g < c.groups.names.size(); ++g)
    for (int y = c.first_year; y <= c.last_year; ++y)
      for (std::size_t x = 0; x < c.measures.size(); ++x)
        for (double e : c.effect(static_cast<int>(g), y, static_cast<int>(x)))
          ASSERT_EQ(e, 0.0) << c.groups.names[g] << " " << c.measures[x] << " " << y;
  for (double cost : c.public_cost(0, c.first_year, c.last_year)) EXPECT_EQ(cost, 0.0);
}

TEST(Evaluation, StrengthZeroHasExactlyNoEffectAndNoCost) {
  const Config base = small_world();
  Config program = base;
  program.policies = {subsidy(0)};
  PolicySpec info = subsidy(0);
  info.kind = PolicyKind::information;
  program.policies.push_back(info);
  const Runs r = simulate(base, {program});
  const Comparison c = compare(r, 1);
  expect_no_effect(c);
  // The program did target firms: zero effect is not an empty group.
  double targeted_firm_years = 0;
  for (int y = 1997; y <= 2001; ++y)
    for (const auto& rep : c.variant) targeted_firm_years += rep[1][y - c.first_year][policy::employment];
  EXPECT_GT(targeted_firm_years, 0);
}

TEST(Evaluation, AProgramTargetingNobodyCostsNothing) {
  const Config base = small_world();
  Config program = base;
  PolicySpec p = subsidy(0.9);
  p.min_fte = 1e8;  // no firm is that big
  p.cost_per_firm = 5000;
  program.policies = {p};
  const Runs r = simulate(base, {program});
  const Comparison c = compare(r, 1);
  expect_no_effect(c);
  for (double s : c.deadweight.supported) EXPECT_EQ(s, 0.0);
  for (std::uint8_t t : r.results[1].policy.targeted) ASSERT_EQ(t, 0);
}

TEST(Evaluation, DeadweightAndAdditionalPartitionTheSupportedFirms) {
  const Config base = small_world();
  Config program = base;
  program.policies = {subsidy(0.6)};
  const Runs r = simulate(base, {program});
  const Comparison c = compare(r, 1);
  const FirmYearColumns& fy = r.results[1].panel.firm_years;
  for (int rep = 0; rep < c.replicates(); ++rep) {
    std::set<std::int64_t> paid;
    for (std::size_t k = 0; k < fy.rows(); ++k)
      if (fy.replicate[k] == rep && r.results[1].policy.support[k] > 0) paid.insert(fy.firm[k]);
    EXPECT_GT(paid.size(), 0u);
    EXPECT_EQ(c.deadweight.supported[rep], static_cast<double>(paid.size()));
    EXPECT_EQ(c.deadweight.deadweight[rep] + c.deadweight.additional[rep], c.deadweight.supported[rep]);
    EXPECT_GT(c.deadweight.additional[rep], 0);  // a 60% subsidy buys some entries
    EXPECT_GT(c.deadweight.deadweight[rep], 0);  // and pays for some that would happen anyway
  }
}

TEST(Evaluation, FirmLevelEffectsAddUpToTheTotals) {
  const Config base = small_world();
  Config program = base;
  program.policies = {subsidy(0.6)};
  const Runs r = simulate(base, {program});
  const Comparison c = compare(r, 1);
  for (int rep = 0; rep < c.replicates(); ++rep) {
    double exporter_years[2] = {}, exports[2] = {}, entries[2] = {}, support[2] = {}, fte[2] = {};
    for (const policy::FirmEffect& f : policy::firm_effects(r.results[0], r.results[1], rep)) {
      const int g = f.targeted ? 1 : 0;
      exporter_years[g] += f.exporter_years;
      exports[g] += f.export_value;
      entries[g] += f.market_entries;
      support[g] += f.support_paid;
      fte[g] += f.employment;
    }
    // group 1 = targeted, group 2 = not targeted, group 0 = all
    for (int g = 0; g < 2; ++g) {
      const int group = g == 1 ? 1 : 2;
      auto total = [&](int measure) { return c.cumulated(group, c.first_year, c.last_year, measure)[rep]; };
      EXPECT_NEAR(exporter_years[g], total(policy::exporters), 1e-9);
      EXPECT_NEAR(entries[g], total(policy::market_entries), 1e-9);
      EXPECT_NEAR(exports[g], total(policy::export_value), 1e-6 * (1 + std::fabs(exports[g])) + 1);
      EXPECT_NEAR(support[g], total(policy::support_paid), 1e-3);
      EXPECT_NEAR(fte[g], total(policy::employment), 1e-2);
    }
    EXPECT_NE(exporter_years[1], 0.0);  // the program did something to targeted firms
  }
  // And the all-firms total is the difference of the engine's own yearly counts.
  for (int y = c.first_year; y <= c.last_year; ++y) {
    double from_summaries = 0;
    for (const YearSummary& s : r.summaries[1])
      if (s.year == y) from_summaries += static_cast<double>(s.exporters);
    for (const YearSummary& s : r.summaries[0])
      if (s.year == y) from_summaries -= static_cast<double>(s.exporters);
    double from_firms = 0;
    for (double e : c.effect(0, y, policy::exporters)) from_firms += e;
    EXPECT_EQ(from_firms, from_summaries) << y;
  }
}

TEST(Evaluation, ScaledProgramsMultiplyStrengthUpToTheCap) {
  Config program = small_world();
  program.policies = {subsidy(0.4)};
  program.policies[0].cost_per_firm = 100;
  EXPECT_DOUBLE_EQ(policy::max_scale(program), 2.5);
  const Config half = policy::scaled_program(program, 0.5);
  EXPECT_DOUBLE_EQ(half.policies[0].strength, 0.2);
  EXPECT_DOUBLE_EQ(half.policies[0].cost_per_firm, 50);
  EXPECT_DOUBLE_EQ(policy::scaled_program(program, 10).policies[0].strength, 1.0);
}

TEST(Evaluation, IntervalIsTBasedAcrossReplicates) {
  const policy::Interval i = policy::t_interval({1, 2, 3, 4});
  EXPECT_DOUBLE_EQ(i.mean, 2.5);
  // sd = 1.290994, se = 0.645497, t(0.975, 3) = 3.182446
  EXPECT_NEAR(i.hi - i.mean, 3.182446 * 0.645497, 1e-5);
  EXPECT_NEAR(i.mean - i.lo, 3.182446 * 0.645497, 1e-5);
}

}  // namespace
}  // namespace firmsim
