// Policy validity checks (policy/validation.*): the study designs on a
// hand-made panel with known answers, a program that does nothing has
// exactly no true effect, and the shipped P2 program acts on the extensive
// margin more than on the intensive one.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "../sim/command_support.hpp"
#include "../sim/support.hpp"
#include "policy/validation.hpp"
#include "sim/input_error.hpp"

namespace firmsim {
namespace {

namespace fs = std::filesystem;
using policy::Assignment;
using policy::FirmYears;

// n firms over 2 years (2000, 2001), every firm present.
FirmYears world(int n) {
  FirmYears w;
  w.first_year = 2000;
  w.years = 2;
  for (int f = 0; f < n; ++f) {
    w.firm.push_back(100 + f);
    w.slot_of[100 + f] = static_cast<std::size_t>(f);
  }
  const std::size_t cells = static_cast<std::size_t>(n) * 2;
  w.exports.assign(cells, 0);
  w.fte.assign(cells, 20);
  w.support.assign(cells, 0);
  w.present.assign(cells, 1);
  w.markets.assign(cells, 0);
  w.non_eu_markets.assign(cells, 0);
  w.targeted.assign(cells, 0);
  return w;
}

void set_exports(FirmYears& w, std::size_t slot, float y2000, float y2001) {
  w.exports[w.at(slot, 2000)] = y2000;
  w.exports[w.at(slot, 2001)] = y2001;
  w.markets[w.at(slot, 2000)] = y2000 > 0;
  w.markets[w.at(slot, 2001)] = y2001 > 0;
}

double exports_of(const FirmYears& w, std::size_t s, int year) { return w.exports[w.at(s, year)]; }

TEST(StudyDesigns, DifferenceInDifferencesAndMatchingOnAHandMadePanel) {
  FirmYears p = world(6);
  // Supported 0, 1, 2; unsupported 3, 4, 5.
  set_exports(p, 0, 10, 30);  // change +20
  set_exports(p, 1, 0, 12);   // +12
  set_exports(p, 2, 0, 6);    // +6
  set_exports(p, 3, 10, 15);  // +5
  set_exports(p, 4, 0, 3);    // +3
  set_exports(p, 5, 0, 0);    // 0
  p.fte[p.at(2, 2000)] = 60;  // firm 2: another size class, and no unsupported firm of its cell
  const Assignment a{{0, 1, 2}, {3, 4, 5}, {}};
  // DiD: mean change supported (20 + 12 + 6) / 3 = 12.667 minus unsupported (5 + 3 + 0) / 3 = 2.667.
  EXPECT_NEAR(policy::did_estimate(p, a, exports_of, 2000, 2001), 10.0, 1e-12);
  // Matching on the year before: cell (10-49 FTE, 1 market) holds supported 0 and unsupported 3:
  // 30 - 15 = 15; cell (10-49, 0 markets) holds supported 1 and unsupported 4, 5: 12 - 1.5 = 10.5;
  // supported 2 has no match and is left out: (15 + 10.5) / 2.
  EXPECT_NEAR(policy::matching_estimate(p, a, exports_of, 2000, 2001), 12.75, 1e-12);
  // The truth needs the baseline world: the same firms without the program.
  FirmYears b = world(6);
  set_exports(b, 0, 10, 25);
  set_exports(b, 1, 0, 0);
  set_exports(b, 2, 0, 6);
  EXPECT_NEAR(policy::true_effect(p, b, a, exports_of, 2001), (5.0 + 12.0 + 0.0) / 3, 1e-12);
}

TEST(StudyDesigns, TheComparisonGroupMeetsTheProgramsRules) {
  FirmYears p = world(4);
  set_exports(p, 0, 0, 5);
  set_exports(p, 1, 0, 0);
  set_exports(p, 2, 7, 7);  // an exporter the year before: not eligible for a non-exporter program
  p.fte[p.at(3, 2000)] = 400;  // too large
  p.targeted[p.at(0, 2001)] = 1;
  PolicySpec rules;
  rules.max_fte = 249;
  rules.exporter_status = static_cast<int>(ExporterStatus::non_exporters);
  const Assignment a = policy::assignment(p, rules, 2001, 2001);
  EXPECT_EQ(a.supported, (std::vector<std::size_t>{0}));
  EXPECT_EQ(a.unsupported, (std::vector<std::size_t>{1}));
}

class ValidationRun : public testing::ScratchDirTest {
 protected:
  Config small() const {
    Config c = testing::small_default(6000, 1975);
    c.run.replicates = 3;
    return c;
  }
};

TEST_F(ValidationRun, AProgramThatPaysNothingHasExactlyNoEffect) {
  write("p4_one_off.yaml",
        "policies:\n  - {name: nothing, kind: sunk_cost_subsidy, from: 1999, to: 2001, strength: 0, markets: [all],"
        " max_fte: 249, exporter_status: non_exporters}\n");
  policy::ValidationOptions o;
  o.programs_dir = dir_.string();
  o.checks = {"P4"};
  const policy::Validation v = policy::run_validation(small(), o);
  ASSERT_FALSE(v.rows.empty());
  EXPECT_EQ(v.rows[0].check, "P4 persistence");
  ASSERT_EQ(v.rows[0].simulated.n, 3);
  EXPECT_EQ(v.rows[0].simulated.mean, 0.0);
  EXPECT_EQ(v.rows[0].simulated.lo, 0.0);
}

TEST_F(ValidationRun, TheShippedEntrySupportActsOnTheExtensiveMargin) {
  policy::ValidationOptions o;
  o.programs_dir = testing::source_dir() + "/scenarios/validation";
  o.checks = {"P2"};
  const policy::Validation v = policy::run_validation(small(), o);
  ASSERT_EQ(v.rows.size(), 3u);
  const policy::CheckResult &extensive = v.rows[0], &intensive = v.rows[1], &verdict = v.rows[2];
  EXPECT_GT(extensive.simulated.lo, 0) << "entry support must add destinations";
  EXPECT_GT(extensive.simulated.mean, intensive.simulated.mean);
  EXPECT_TRUE(verdict.pass);
  EXPECT_NE(policy::validation_markdown(v).find("| P2 margins |"), std::string::npos);
}

TEST_F(ValidationRun, AnUnknownCheckIsRefused) {
  policy::ValidationOptions o;
  o.programs_dir = dir_.string();
  o.checks = {"P9"};
  EXPECT_THROW((void)policy::run_validation(small(), o), InputError);
}

}  // namespace
}  // namespace firmsim
