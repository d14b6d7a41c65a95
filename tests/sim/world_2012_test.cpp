// The world that runs on to 2012 (scenarios/belgium_1998_2012.yaml, issue 19):
// its two mechanisms move what they should, on the shipped scenario file, so
// that removing the 2006 threshold or the 2009 collapse from it fails here;
// and its 1998-2010 starters can be classified (a window of 13 years).
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "estimation/typology.hpp"
#include "support.hpp"

namespace firmsim {
namespace {

std::string scenario(const std::string& name) { return testing::source_dir() + "/scenarios/" + name; }

// The scenario on a small population (20,000 firm slots, from 1975): enough
// firms between EUR 250,000 and EUR 1 m of intra-EU exports to see the
// threshold. Firms independent (support.hpp), which halves the time; neither
// mechanism acts through the peers.
Config world_2012(const std::vector<std::string>& overlays = {"belgium_1998_2012.yaml"}) {
  std::vector<std::string> files;
  for (const std::string& o : overlays) files.push_back(scenario(o));
  Config c = load_config(testing::default_config_path(), files);
  c.run.firms = 20000;
  c.run.burn_in_start = 1975;
  c.run.seed = 20261206;
  testing::independent_firms(c);
  return c;
}

// Firms that the statistics office sees exporting to an EU member in `year`.
std::int64_t observed_intra_eu_exporters(const Panel& p, int year) {
  std::uint64_t eu = 0;
  for (std::size_t m = 0; m < p.meta.markets.size(); ++m)
    if (p.meta.markets[m].is_eu(year)) eu |= std::uint64_t{1} << m;
  std::int64_t n = 0;
  const FirmYearColumns& c = p.firm_years;
  for (std::size_t i = 0; i < c.rows(); ++i)
    if (c.year[i] == year && c.alive[i] != 0 && (c.export_mask[i] & eu) != 0) ++n;
  return n;
}

Panel run(const Config& c) {
  Simulation sim(c);
  sim.run();
  return sim.panel();
}

// The scenario's panel, simulated once for the tests that read it.
const Panel& scenario_panel() {
  static const Panel p = run(world_2012());
  return p;
}

TEST(World2012, TheScenarioRunsTo2012AndMeasuresStartersOf1998To2010) {
  const Config c = world_2012();
  EXPECT_EQ(c.run.last_year, 2012);
  EXPECT_EQ(c.measurement.sample_first_year, 1998);
  EXPECT_EQ(c.measurement.sample_last_year, 2010);
}

// Measurement never feeds back into what firms do, so the two runs are the
// same firms; the EUR 1 m threshold of 2006 can only hide intra-EU exporters,
// and at this size it hides some.
TEST(World2012, TheThresholdOf2006HidesIntraEuExporters) {
  const Panel& raised = scenario_panel();
  const Panel constant = run(world_2012({"belgium_1998_2012.yaml", "belgium_1998_2012_constant_threshold.yaml"}));
  EXPECT_EQ(observed_intra_eu_exporters(raised, 2005), observed_intra_eu_exporters(constant, 2005))
      << "the thresholds differ before 2006";
  const std::int64_t at_1m = observed_intra_eu_exporters(raised, 2007);
  const std::int64_t at_250k = observed_intra_eu_exporters(constant, 2007);
  EXPECT_GT(at_250k, 0);
  EXPECT_LT(at_1m, at_250k) << "EUR 1 m from 2006 should leave fewer firms observed exporting intra-EU in 2007";
}

// Romania and Bulgaria join in 2007: their flows are Intrastat's from then on.
TEST(World2012, BulgariaAndRomaniaAreEuFrom2007) {
  const Config c = world_2012();
  int found = 0;
  for (const MarketSpec& m : c.markets)
    if (m.meta.iso == "RO" || m.meta.iso == "BG") {
      EXPECT_FALSE(m.meta.is_eu(2006)) << m.meta.iso;
      EXPECT_TRUE(m.meta.is_eu(2007)) << m.meta.iso;
      ++found;
    }
  EXPECT_EQ(found, 2);
}

// The collapse of 2009: the same firms with and without the scenario's
// shocks (common random numbers: variants of one population) sell less
// abroad in 2009 with them, by about the demand factor.
TEST(World2012, TheCollapseOf2009LowersExports) {
  const Config with = world_2012();
  Config without = with;
  without.shocks.clear();
  Simulation sim(std::vector<Config>{with, without});
  sim.run();
  const auto exports = [&](int variant, int year) {
    for (const YearSummary& s : sim.summaries(variant))
      if (s.year == year) return s.exports;
    ADD_FAILURE() << "no summary for " << year;
    return 0.0;
  };
  EXPECT_DOUBLE_EQ(exports(0, 2008), exports(1, 2008)) << "the shocks start in 2009";
  EXPECT_LT(exports(0, 2009), 0.9 * exports(1, 2009));
  EXPECT_LT(exports(0, 2009), exports(0, 2008)) << "exports should fall from 2008 to 2009";
}

// The typology over a 13-year window: starters whose first export is after
// 2005 are classified too.
TEST(World2012, StartersOf1998To2010AreClassified) {
  const Config c = world_2012();
  const Panel& p = scenario_panel();
  est::SampleFrame frame;
  frame.start_year = c.measurement.sample_first_year;
  frame.end_year = c.measurement.sample_last_year;
  const auto firms = est::firm_histories(p, 0, frame);
  const auto types = est::classify_all(firms, p.meta.markets, frame);
  int late = 0, classified = 0;
  for (const est::TypeAssignment& t : types) {
    if (t.type == est::ExportType::none) continue;
    ++classified;
    if (t.first_export_year > 2005) ++late;
  }
  EXPECT_GT(classified, 0);
  EXPECT_GT(late, 0) << "no starter after 2005 in a 1998-2010 window";
}

}  // namespace
}  // namespace firmsim
