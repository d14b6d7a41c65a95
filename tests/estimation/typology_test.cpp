// The typology and the sample frame on hand-built firms, at every threshold edge.
#include "estimation/typology.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "sim/input_error.hpp"
#include "tests/estimation/tables_test_panel.hpp"

namespace firmsim::est {
namespace {

using namespace firmsim::testpanel;

// A firm that reports 1998-2005 with 20 FTE and first exports in `first` to `markets`.
FirmHistory exporter(int founded, int first, std::uint64_t markets, bool x9397 = false, float fte = 20) {
  Panel p;
  p.meta = test_meta();
  add_firm(p, 1, 0, founded, x9397);
  Row r;
  r.firm = 1, r.founded = founded, r.fte = fte;
  for (int y = 1998; y <= 2005; ++y) {
    r.year = y;
    const bool exports = y >= first;
    r.exports = exports ? 5e5f : 0;
    r.xmask = exports ? markets : 0;
    add_year(p, r);
  }
  auto h = firm_histories(p, 0);
  EXPECT_EQ(h.size(), 1u);
  return h.front();
}

ExportType type_of(const FirmHistory& f, const TypologyRules& rules = {}) {
  return classify(f, test_meta().markets, SampleFrame{}, rules).type;
}

const std::uint64_t kFiveWithUs = mask({NL, DE, FR, LU, US});
const std::uint64_t kFourWithUs = mask({NL, DE, FR, US});
const std::uint64_t kFiveEu = mask({NL, DE, FR, LU, IT});

TEST(Typology, FirstExportExactlyFiveYearsAfterFoundingIsEarly) {
  // 2000 - 1995 = 5 <= 5: early; 5 countries, US outside the EU: born global.
  const auto f = exporter(1995, 2000, kFiveWithUs);
  const auto a = classify(f, test_meta().markets);
  EXPECT_EQ(a.type, ExportType::born_global);
  EXPECT_EQ(a.first_export_year, 2000);
  EXPECT_EQ(a.years_to_export, 5);
  EXPECT_EQ(a.first_year_countries, 5);
  EXPECT_TRUE(a.first_year_non_eu);
}

TEST(Typology, StrictBoundaryMakesFiveYearsLate) {
  TypologyRules strict;
  strict.early_inclusive = false;  // 5 < 5 is false: late, so born-again global
  EXPECT_EQ(type_of(exporter(1995, 2000, kFiveWithUs), strict), ExportType::born_again_global);
}

TEST(Typology, SixYearsIsLate) {
  EXPECT_EQ(type_of(exporter(1994, 2000, kFiveWithUs)), ExportType::born_again_global);
  EXPECT_EQ(type_of(exporter(1994, 2000, kFourWithUs)), ExportType::traditional);
}

TEST(Typology, FourCountriesIsNarrow) {
  EXPECT_EQ(type_of(exporter(1996, 1999, kFourWithUs)), ExportType::born_international);
  EXPECT_EQ(type_of(exporter(1996, 1999, mask({NL}))), ExportType::born_international);
}

TEST(Typology, FiveEuOnlyCountriesStayUnclassified) {
  EXPECT_EQ(type_of(exporter(1996, 1999, kFiveEu)), ExportType::unclassified_eu_wide);
  EXPECT_EQ(type_of(exporter(1980, 1999, kFiveEu)), ExportType::unclassified_eu_wide);
  TypologyRules no_eu_rule;
  no_eu_rule.global_needs_non_eu = false;
  EXPECT_EQ(type_of(exporter(1996, 1999, kFiveEu), no_eu_rule), ExportType::born_global);
}

TEST(Typology, PolandIsNonEuBefore2004Only) {
  const std::uint64_t eu4_pl = mask({NL, DE, FR, LU, PL});
  EXPECT_EQ(type_of(exporter(2000, 2003, eu4_pl)), ExportType::born_global);
  EXPECT_EQ(type_of(exporter(2000, 2004, eu4_pl)), ExportType::unclassified_eu_wide);
}

TEST(Typology, ExportIn1993To1997Excludes) {
  const auto f = exporter(1995, 2000, kFiveWithUs, true);
  EXPECT_EQ(type_of(f), ExportType::none);
}

TEST(Typology, LargeFirmExcluded) {
  EXPECT_EQ(type_of(exporter(1995, 2000, kFiveWithUs, false, 250)), ExportType::none);
  EXPECT_EQ(type_of(exporter(1995, 2000, kFiveWithUs, false, 249.5f)), ExportType::born_global);
}

TEST(Typology, NeverExportingIsNone) {
  const auto a = classify(exporter(1990, 2006, 0), test_meta().markets);
  EXPECT_EQ(a.type, ExportType::none);
  EXPECT_EQ(a.first_export_year, 0);
}

TEST(Typology, AgeThresholdsThreeAndSix) {
  TypologyRules three, six;
  three.early_years = 3;
  six.early_years = 6;
  // 4 years: late with 3, early with 6 and with the default 5.
  const auto four = exporter(1996, 2000, kFourWithUs);
  EXPECT_EQ(type_of(four, three), ExportType::traditional);
  EXPECT_EQ(type_of(four, six), ExportType::born_international);
  EXPECT_EQ(type_of(four), ExportType::born_international);
  // 3 years is early with 3; 6 years is early with 6, late with 5; 7 is late with 6.
  EXPECT_EQ(type_of(exporter(1997, 2000, kFiveWithUs), three), ExportType::born_global);
  EXPECT_EQ(type_of(exporter(1994, 2000, kFiveWithUs), six), ExportType::born_global);
  EXPECT_EQ(type_of(exporter(1993, 2000, kFiveWithUs), six), ExportType::born_again_global);
}

TEST(Typology, CountryThresholdIsAParameter) {
  TypologyRules four;
  four.global_countries = 4;
  EXPECT_EQ(type_of(exporter(1996, 1999, kFourWithUs), four), ExportType::born_global);
  EXPECT_EQ(type_of(exporter(1996, 1999, mask({NL, DE, US}))), ExportType::born_international);
}

TEST(Typology, TypeCodes) {
  EXPECT_STREQ(type_code(ExportType::born_global), "BG");
  EXPECT_STREQ(type_code(ExportType::born_international), "BI");
  EXPECT_STREQ(type_code(ExportType::traditional), "TI");
  EXPECT_STREQ(type_code(ExportType::born_again_global), "BAG");
  EXPECT_STREQ(type_code(ExportType::none), "none");
}

// --- Sample frame ------------------------------------------------------------------

TEST(SampleFrameTest, FrameSizeClassAndExit) {
  Panel p;
  p.meta = test_meta();
  // 1: never 10 FTE -> not in the dataset.
  add_firm(p, 1, 0, 1980);
  add_years(p, row(1, 9.5f), 1998, 2005);
  // 2: 10 FTE once (2003) -> in; reports 1998-2005 -> no exit.
  add_firm(p, 2, 0, 1980);
  add_years(p, row(2, 5), 1998, 2005);
  p.firm_years.fte[p.firm_years.rows() - 3] = 10;
  // 3: founded 2001, first reports 2001 with 300 FTE -> large (first year observed).
  add_firm(p, 3, 0, 2001);
  Row r3 = row(3, 300);
  r3.founded = 2001;
  add_years(p, r3, 2001, 2005);
  // 4: reports 1998-2002, no row after -> exit.
  add_firm(p, 4, 0, 1980);
  add_years(p, row(4, 60), 1998, 2002);
  // 5: dies during 2005 (row with alive = 0) -> exit.
  add_firm(p, 5, 0, 1980);
  add_years(p, row(5, 40), 1998, 2004);
  Row dead = row(5, 40, 2005);
  dead.alive = false;
  add_year(p, dead);
  // 6: 240 FTE in 1998, 400 later: SME (class at the start).
  add_firm(p, 6, 0, 1980);
  add_year(p, row(6, 240, 1998));
  add_years(p, row(6, 400), 1999, 2005);

  const auto h = firm_histories(p, 0);
  ASSERT_EQ(h.size(), 5u);
  EXPECT_EQ(h[0].firm, 2);
  EXPECT_FALSE(h[0].exited);
  EXPECT_EQ(h[0].start_size, SizeClass::small);
  EXPECT_EQ(h[1].firm, 3);
  EXPECT_EQ(h[1].start_size, SizeClass::large);
  EXPECT_FALSE(h[1].sme());
  EXPECT_TRUE(h[2].exited);
  EXPECT_EQ(h[2].start_size, SizeClass::medium);
  EXPECT_TRUE(h[3].exited);
  EXPECT_FALSE(h[4].exited);
  EXPECT_EQ(h[4].start_size, SizeClass::medium);
  EXPECT_TRUE(h[4].sme());
  EXPECT_FALSE(h[3].at(2005, SampleFrame{}).present);
}

TEST(SampleFrameTest, SizeClassEdges) {
  const SampleFrame f;
  EXPECT_EQ(size_class(49.9f, f), SizeClass::small);
  EXPECT_EQ(size_class(50, f), SizeClass::medium);
  EXPECT_EQ(size_class(249.9f, f), SizeClass::medium);
  EXPECT_EQ(size_class(250, f), SizeClass::large);
}

TEST(SampleFrameTest, PanelMustCoverWindow) {
  Panel p;
  p.meta = test_meta(1999, 2005);
  EXPECT_THROW(firm_histories(p, 0), InputError);
}

TEST(SampleFrameTest, OnlyTheRequestedReplicate) {
  Panel p;
  p.meta = test_meta();
  add_firm(p, 1, 0, 1980, false, 0);
  add_firm(p, 1, 0, 1980, false, 1);
  add_years(p, row(1, 20), 1998, 2005);
  Row other = row(1, 70);
  other.replicate = 1;
  add_years(p, other, 1998, 2005);
  const auto h1 = firm_histories(p, 1);
  ASSERT_EQ(h1.size(), 1u);
  EXPECT_EQ(h1[0].start_size, SizeClass::medium);
}


// Ids far apart and firm rows out of order take FirmIndex's hash-map path; the
// dataset is the same: ascending ids, each with its own firm row, micro firms out.
TEST(SampleFrameTest, SparseUnsortedIdsGiveTheSameDataset) {
  Panel p;
  p.meta = test_meta();
  const std::int64_t big = std::int64_t{1} << 40;
  add_firm(p, big, 2, 1990);
  add_firm(p, -7, 1, 1985);
  add_firm(p, 5, 0, 1980);
  add_firm(p, 6, 0, 1981);  // never >= 10 FTE: not in the dataset
  add_years(p, row(5, 20), 1998, 2005);
  add_years(p, row(big, 60), 1998, 2005);
  add_years(p, row(-7, 12), 1998, 2003);
  add_years(p, row(6, 3), 1998, 2005);
  const auto h = firm_histories(p, 0);
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[0].firm, -7);
  EXPECT_EQ(h[0].founding_year, 1985);
  EXPECT_TRUE(h[0].exited);
  EXPECT_EQ(h[1].firm, 5);
  EXPECT_EQ(h[1].industry, 0);
  EXPECT_EQ(h[2].firm, big);
  EXPECT_EQ(h[2].industry, 2);
  EXPECT_EQ(h[2].start_size, SizeClass::medium);
}

TEST(SampleFrameTest, DatasetFirmWithoutFirmRowIsAnError) {
  Panel p;
  p.meta = test_meta();
  add_firm(p, 1, 0, 1980);
  add_years(p, row(1, 20), 1998, 2005);
  add_years(p, row(2, 20), 1998, 2005);  // no firm row
  EXPECT_THROW(firm_histories(p, 0), std::invalid_argument);
  Panel micro = p;  // a firm without a row that never enters the dataset is ignored
  micro.firm_years = {};
  add_years(micro, row(1, 20), 1998, 2005);
  add_years(micro, row(2, 3), 1998, 2005);
  EXPECT_EQ(firm_histories(micro, 0).size(), 1u);
}

}  // namespace
}  // namespace firmsim::est
