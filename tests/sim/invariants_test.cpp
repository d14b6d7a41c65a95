// Accounting identities and measurement rules that must hold in any full run
// of the default world.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "support.hpp"

namespace firmsim {
namespace {

class FullRun : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    config_ = new Config(testing::small_default(8000, 1960));
    Simulation sim(*config_);
    sim.run();
    panel_ = new Panel(sim.panel());
  }
  static void TearDownTestSuite() {
    delete panel_;
    delete config_;
  }
  // Flows of each firm-year, keyed by (replicate, firm, year).
  static std::map<std::tuple<int, std::int64_t, int>, std::vector<std::size_t>> flows_by_row() {
    std::map<std::tuple<int, std::int64_t, int>, std::vector<std::size_t>> out;
    const FlowColumns& f = panel_->flows;
    for (std::size_t k = 0; k < f.rows(); ++k) out[{f.replicate[k], f.firm[k], f.year[k]}].push_back(k);
    return out;
  }
  static Config* config_;
  static Panel* panel_;
};
Config* FullRun::config_ = nullptr;
Panel* FullRun::panel_ = nullptr;

TEST_F(FullRun, HasExportersImportersAndDeaths) {
  const FirmYearColumns& y = panel_->firm_years;
  std::size_t exporters = 0, importers = 0, deaths = 0;
  for (std::size_t r = 0; r < y.rows(); ++r) {
    exporters += y.exports[r] > 0;
    importers += y.imports[r] > 0;
    deaths += y.alive[r] == 0;
  }
  EXPECT_GT(exporters, 1000u);
  EXPECT_GT(importers, 1000u);
  EXPECT_GT(deaths, 500u);
}

TEST_F(FullRun, TotalTradeEqualsTheSumOverMarkets) {
  const auto flows = flows_by_row();
  const FirmYearColumns& y = panel_->firm_years;
  for (std::size_t r = 0; r < y.rows(); ++r) {
    double x = 0, m = 0, xo = 0, mo = 0;
    const auto it = flows.find({y.replicate[r], y.firm[r], y.year[r]});
    if (it != flows.end())
      for (std::size_t k : it->second) {
        x += panel_->flows.exports_true[k];
        m += panel_->flows.imports_true[k];
        xo += panel_->flows.exports[k];
        mo += panel_->flows.imports[k];
      }
    ASSERT_NEAR(y.exports_true[r], x, 1e-5 * x + 1e-3) << "row " << r;
    ASSERT_NEAR(y.imports_true[r], m, 1e-5 * m + 1e-3) << "row " << r;
    ASSERT_NEAR(y.exports[r], xo, 1e-5 * xo + 1e-3) << "row " << r;
    ASSERT_NEAR(y.imports[r], mo, 1e-5 * mo + 1e-3) << "row " << r;
  }
}

TEST_F(FullRun, MasksMatchFlows) {
  const auto flows = flows_by_row();
  const FirmYearColumns& y = panel_->firm_years;
  for (std::size_t r = 0; r < y.rows(); ++r) {
    std::uint64_t xmask = 0, mmask = 0;
    const auto it = flows.find({y.replicate[r], y.firm[r], y.year[r]});
    if (it != flows.end())
      for (std::size_t k : it->second) {
        if (panel_->flows.exports[k] > 0) xmask |= market_bit(panel_->flows.market[k]);
        if (panel_->flows.imports[k] > 0) mmask |= market_bit(panel_->flows.market[k]);
      }
    ASSERT_EQ(y.export_mask[r], xmask) << "row " << r;
    ASSERT_EQ(y.import_mask[r], mmask) << "row " << r;
    ASSERT_EQ(y.n_export_markets[r], popcount64(xmask)) << "row " << r;
    ASSERT_EQ(y.n_import_markets[r], popcount64(mmask)) << "row " << r;
    ASSERT_EQ(y.n_export_products[r] > 0, xmask != 0) << "row " << r;
  }
}

TEST_F(FullRun, DeadFirmsTradeNothing) {
  const auto flows = flows_by_row();
  const FirmYearColumns& y = panel_->firm_years;
  std::size_t dead = 0;
  for (std::size_t r = 0; r < y.rows(); ++r) {
    if (y.alive[r]) continue;
    ++dead;
    EXPECT_EQ(y.exports_true[r], 0.0f);
    EXPECT_EQ(y.imports_true[r], 0.0f);
    EXPECT_EQ(y.fte[r], 0.0f);
    EXPECT_EQ(flows.count({y.replicate[r], y.firm[r], y.year[r]}), 0u);
  }
  EXPECT_GT(dead, 0u);
  // And after its exit year a firm has no rows at all.
  std::map<std::pair<int, std::int64_t>, int> exit_year;
  for (std::size_t f = 0; f < panel_->firms.rows(); ++f)
    exit_year[{panel_->firms.replicate[f], panel_->firms.firm[f]}] = panel_->firms.exit_year[f];
  for (std::size_t r = 0; r < y.rows(); ++r) {
    const int e = exit_year.at({y.replicate[r], y.firm[r]});
    if (e != 0) {
      EXPECT_LE(y.year[r], e);
    }
  }
}

TEST_F(FullRun, MeasuredPanelRespectsTheReportingThresholds) {
  const FlowColumns& f = panel_->flows;
  const auto& markets = panel_->meta.markets;
  // Intra-EU: a firm reports all its intra-EU exports if their total passes
  // the Intrastat threshold of the year, none otherwise.
  std::map<std::tuple<int, std::int64_t, int>, std::pair<double, double>> intra;  // latent, observed
  std::size_t extra_seen = 0, extra_hidden = 0;
  for (std::size_t k = 0; k < f.rows(); ++k) {
    if (f.exports_true[k] <= 0) continue;
    if (markets[f.market[k]].is_eu(f.year[k])) {
      auto& t = intra[{f.replicate[k], f.firm[k], f.year[k]}];
      t.first += f.exports_true[k];
      t.second += f.exports[k];
    } else {
      const bool seen = f.exports[k] > 0;
      EXPECT_EQ(seen, f.exports_true[k] >= config_->measurement.extrastat_threshold) << "flow " << k;
      if (seen) {
        EXPECT_EQ(f.exports[k], f.exports_true[k]);
      }
      (seen ? extra_seen : extra_hidden) += 1;
    }
  }
  std::size_t reporters = 0, below = 0;
  for (const auto& [key, totals] : intra) {
    const int year = std::get<2>(key);
    const double threshold = year >= 1998 ? 250000.0 : 104115.0;
    if (totals.first >= threshold * (1 + 1e-6)) {
      EXPECT_NEAR(totals.second, totals.first, 1e-5 * totals.first);
      ++reporters;
    } else if (totals.first < threshold * (1 - 1e-6)) {
      EXPECT_EQ(totals.second, 0.0);
      ++below;
    }
  }
  EXPECT_GT(reporters, 100u);
  EXPECT_GT(below, 100u);  // the threshold really hides some exporters
  EXPECT_GT(extra_seen, 100u);
}

TEST_F(FullRun, ExportDummyIsObservedExportIn1993To1997) {
  std::map<std::pair<int, std::int64_t>, bool> exported;
  const FirmYearColumns& y = panel_->firm_years;
  for (std::size_t r = 0; r < y.rows(); ++r)
    if (y.year[r] >= 1993 && y.year[r] <= 1997 && y.exports[r] > 0) exported[{y.replicate[r], y.firm[r]}] = true;
  std::size_t ones = 0;
  for (std::size_t f = 0; f < panel_->firms.rows(); ++f) {
    const bool expected = exported.count({panel_->firms.replicate[f], panel_->firms.firm[f]}) > 0;
    EXPECT_EQ(panel_->firms.exported_1993_1997[f] != 0, expected) << "firm " << panel_->firms.firm[f];
    ones += expected;
  }
  EXPECT_GT(ones, 100u);
}

}  // namespace
}  // namespace firmsim
