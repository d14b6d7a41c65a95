// Each table builder on small hand-made panels whose right answers are worked out by
// hand in the comments.
#include "estimation/tables.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "tests/estimation/tables_test_panel.hpp"

namespace firmsim::est {
namespace {

using namespace firmsim::testpanel;

constexpr double kTol = 1e-9;

bool is_nan(double v) { return std::isnan(v); }

// --- The ten-firm panel --------------------------------------------------------------
// Industries: 0 manufacturing HT-MH global, 1 manufacturing LT-ML local,
//             2 wholesale "other" local, 3 other services "other" global.
//  A (1) ind 0, 1980, exported 93-97. 1998-2004: 100 FTE, X 2e6 {NL,DE}, M 1e6 {DE};
//        2005: 120 FTE, X 3e6 {NL,DE,US}, M 1e6 {DE}.                   old trader
//  B (2) ind 1, 1970, exported 93-97, 300 FTE; X 10e6 {FR}; 2005 X 8e6.   large
//  C (3) ind 0, 1996, 20 FTE; from 2000 X 1e6 (2005: 2e6) {NL,DE,FR,LU,US}, M 5e5 {US}.
//        2000-1996 = 4 years, 5 countries incl. US: BG
//  D (4) ind 2, 1997, 15 FTE, 1998-2003 only; X 3e5 {NL} 1999-2002. BI, exits
//  E (5) ind 2, 1980, 30 FTE (2005: 40); from 2001 X 4e5 {FR}.              TI
//  F (6) ind 3, 1985, 12 FTE, never trades.                           old non-trader
//  G (7) ind 3, 1990, 25 FTE (2005: 30, VA 1.5e6); M 2e5 {CN} every year;
//        2005 also X 3e5 {CN}. First export 2005, 15 years, 1 country:   TI
//  H (8) ind 2, 2000, 11 FTE 2000-2005, never trades.               young non-trader
//  I (9) ind 1, 1975, exported 93-97, 50 FTE (2005: 45); 1998-2004 X 5e5 {DE};
//        2005 M 1e5 {DE} only.                                           old trader
//  J (10) ind 0, 1985, 60 FTE; from 1998 X 2e6 {NL,DE,FR,GB,JP}: 13 years, JP: BAG
Panel ten_firms() {
  Panel p;
  p.meta = test_meta();
  auto years = [&](Row r, int from, int to) { add_years(p, r, from, to); };
  // A
  add_firm(p, 1, 0, 1980, true);
  Row a = row(1, 100);
  a.exports = 2e6f, a.xmask = mask({NL, DE}), a.imports = 1e6f, a.mmask = mask({DE});
  years(a, 1998, 2004);
  a.fte = 120, a.exports = 3e6f, a.xmask = mask({NL, DE, US});
  years(a, 2005, 2005);
  // B
  add_firm(p, 2, 1, 1970, true);
  Row b = row(2, 300);
  b.industry = 1, b.exports = 10e6f, b.xmask = mask({FR});
  years(b, 1998, 2004);
  b.exports = 8e6f;
  years(b, 2005, 2005);
  // C
  add_firm(p, 3, 0, 1996);
  Row c = row(3, 20);
  c.founded = 1996;
  years(c, 1998, 1999);
  c.exports = 1e6f, c.xmask = mask({NL, DE, FR, LU, US}), c.imports = 5e5f, c.mmask = mask({US});
  years(c, 2000, 2004);
  c.exports = 2e6f;
  years(c, 2005, 2005);
  // D
  add_firm(p, 4, 2, 1997);
  Row d = row(4, 15);
  d.industry = 2, d.founded = 1997;
  years(d, 1998, 1998);
  d.exports = 3e5f, d.xmask = mask({NL});
  years(d, 1999, 2002);
  d.exports = 0, d.xmask = 0;
  years(d, 2003, 2003);
  // E
  add_firm(p, 5, 2, 1980);
  Row e = row(5, 30);
  e.industry = 2;
  years(e, 1998, 2000);
  e.exports = 4e5f, e.xmask = mask({FR});
  years(e, 2001, 2004);
  e.fte = 40;
  years(e, 2005, 2005);
  // F
  add_firm(p, 6, 3, 1985);
  Row f = row(6, 12);
  f.industry = 3;
  years(f, 1998, 2005);
  // G
  add_firm(p, 7, 3, 1990);
  Row g = row(7, 25);
  g.industry = 3, g.imports = 2e5f, g.mmask = mask({CN});
  years(g, 1998, 2004);
  g.fte = 30, g.value_added = 1.5e6f, g.exports = 3e5f, g.xmask = mask({CN});
  years(g, 2005, 2005);
  // H
  add_firm(p, 8, 2, 2000);
  Row h = row(8, 11);
  h.industry = 2, h.founded = 2000;
  years(h, 2000, 2005);
  // I
  add_firm(p, 9, 1, 1975, true);
  Row i = row(9, 50);
  i.industry = 1, i.exports = 5e5f, i.xmask = mask({DE});
  years(i, 1998, 2004);
  i.fte = 45, i.exports = 0, i.xmask = 0, i.imports = 1e5f, i.mmask = mask({DE});
  years(i, 2005, 2005);
  // J
  add_firm(p, 10, 0, 1985);
  Row j = row(10, 60);
  j.exports = 2e6f, j.xmask = mask({NL, DE, FR, GB, JP});
  years(j, 1998, 2005);
  return p;
}

const TableInputs& inputs() {
  static const Panel panel = ten_firms();
  static const TableInputs in = prepare_tables(panel, 0);
  return in;
}

TEST(Tables, TypesOfTheTenFirms) {
  const TableInputs& in = inputs();
  ASSERT_EQ(in.firms.size(), 10u);
  EXPECT_FALSE(in.sets_from_flows);
  EXPECT_EQ(in.types[2].type, ExportType::born_global);         // C
  EXPECT_EQ(in.types[3].type, ExportType::born_international);  // D
  EXPECT_EQ(in.types[4].type, ExportType::traditional);         // E
  EXPECT_EQ(in.types[6].type, ExportType::traditional);         // G
  EXPECT_EQ(in.types[9].type, ExportType::born_again_global);   // J
  EXPECT_EQ(in.types[0].type, ExportType::none);                // A exported 93-97
  EXPECT_TRUE(in.firms[3].exited);                              // D
}

// The dataset: B (300 FTE) is the one large firm, the other nine are SMEs; A's 120 FTE
// in 2005 does not matter (size class at the first window year).
TEST(Tables, SampleFrameCountsSmesAndLargeFirms) {
  const Table t = sample_frame(inputs());
  EXPECT_EQ(t.at("SMEs", "firms"), 9);
  EXPECT_EQ(t.at("large firms", "firms"), 1);
}

// 2005 exporters: A 3e6 (mfg, SME), B 8e6 (mfg, large), C 2e6 (mfg), J 2e6 (mfg),
// E 0.4e6 (wholesale), G 0.3e6 (services). All 15.7e6, SME 7.7e6 (mfg 7e6).
TEST(Tables, Table01) {
  const Table t = table_01(inputs());
  EXPECT_NEAR(t.at("Manufacturing", "total export by industry: all firms"), 100 * 15 / 15.7, 1e-4);
  EXPECT_NEAR(t.at("Wholesale & retail", "total export by industry: all firms"), 100 * 0.4 / 15.7, 1e-4);
  EXPECT_NEAR(t.at("Manufacturing", "total export by industry: Large firms"), 100, kTol);
  EXPECT_NEAR(t.at("Manufacturing", "total export by industry: SMEs"), 100 * 7 / 7.7, 1e-4);
  EXPECT_NEAR(t.at("Other services", "total export by industry: SMEs"), 100 * 0.3 / 7.7, 1e-4);
  EXPECT_NEAR(t.at("Manufacturing", "% of all exporters: SMEs"), 60, kTol);  // A, C, J of 5
  EXPECT_NEAR(t.at("Wholesale & retail", "% of all exporters: SMEs"), 20, kTol);
  EXPECT_NEAR(t.at("Manufacturing", "% SMEs in total export"), 100 * 7 / 15.0, 1e-4);
  EXPECT_NEAR(t.at("Wholesale & retail", "% SMEs in total export"), 100, kTol);
  EXPECT_TRUE(is_nan(t.at("Agriculture, fishing, mining", "% SMEs in total export")));
  EXPECT_NEAR(t.at("total", "% SMEs in total export"), 100 * 7.7 / 15.7, 1e-4);
  EXPECT_NEAR(t.at("total", "total export by industry: all firms"), 100, kTol);
}

// Continue: A +1, B -2 (large), J 0; stop: I -0.5; start: C +2, E +0.4, G +0.3 (EUR m).
TEST(Tables, Table02) {
  const Table t = table_02(inputs());
  EXPECT_NEAR(t.at("continue export", "total ∆"), -1, 1e-6);
  EXPECT_NEAR(t.at("continue export", "∆ large"), -2, 1e-6);
  EXPECT_NEAR(t.at("continue export", "∆ SME"), 1, 1e-6);
  EXPECT_NEAR(t.at("continue export", "% SMEs"), -100, 1e-4);
  EXPECT_NEAR(t.at("stop export", "∆ SME"), -0.5, 1e-6);
  EXPECT_NEAR(t.at("start export", "∆ SME"), 2.7, 1e-6);
  EXPECT_NEAR(t.at("start export", "% SMEs"), 100, 1e-6);
  EXPECT_NEAR(t.at("total", "total ∆"), 1.2, 1e-6);
  EXPECT_NEAR(t.at("total", "% SMEs"), 100 * 3.2 / 1.2, 1e-4);
}

// By sector: manufacturing A +1, B -2, C +2, I -0.5, J 0 = 0.5 (SME 2.5);
// wholesale E +0.4 (D 0); services G +0.3.
TEST(Tables, Table03) {
  const Table t = table_03(inputs());
  EXPECT_NEAR(t.at("Manufacturing", "total ∆"), 0.5, 1e-6);
  EXPECT_NEAR(t.at("Manufacturing", "∆ SME"), 2.5, 1e-6);
  EXPECT_NEAR(t.at("Manufacturing", "% SMEs"), 500, 1e-4);
  EXPECT_NEAR(t.at("Wholesale & retail", "∆ SME"), 0.4, 1e-6);
  EXPECT_NEAR(t.at("total", "total ∆"), 1.2, 1e-6);
  EXPECT_NEAR(t.at("Agriculture, fishing, mining", "total ∆"), 0, kTol);
  EXPECT_TRUE(is_nan(t.at("Agriculture, fishing, mining", "% SMEs")));
}

// FTE changes (absent = 0): no export D -15 (base 15), F 0 (12), H +11 (0);
// continue A +20 (100), B 0 (300, large), J 0 (60); stop I -5 (50);
// start C 0 (20), E +10 (30), G +5 (25).
TEST(Tables, Table04) {
  const Table t = table_04(inputs());
  EXPECT_NEAR(t.at("no export", "SME: ∆"), -4, 1e-6);
  EXPECT_NEAR(t.at("no export", "SME: ∆ (%)"), -400.0 / 27, 1e-6);
  EXPECT_TRUE(is_nan(t.at("no export", "Large: ∆ (%)")));  // no large firm, base 0
  EXPECT_NEAR(t.at("continue export", "Large: ∆"), 0, kTol);
  EXPECT_NEAR(t.at("continue export", "Large: ∆ (%)"), 0, kTol);
  EXPECT_NEAR(t.at("continue export", "SME: ∆ (%)"), 12.5, 1e-6);
  EXPECT_NEAR(t.at("stop export", "SME: ∆ (%)"), -10, 1e-6);
  EXPECT_NEAR(t.at("start export", "SME: ∆"), 15, 1e-6);
  EXPECT_NEAR(t.at("start export", "SME: ∆ (%)"), 20, 1e-6);
  EXPECT_NEAR(t.at("total", "total ∆"), 26, 1e-6);
  EXPECT_NEAR(t.at("total", "SME: ∆ (%)"), 100.0 * 26 / 312, 1e-6);
  EXPECT_NEAR(t.at("total", "% SMEs in total"), 100, 1e-6);
}

// Manufacturing: A +20, B 0 (large), C 0, I -5, J 0; wholesale D -15, E +10, H +11.
TEST(Tables, Table05) {
  const Table t = table_05(inputs());
  EXPECT_NEAR(t.at("Manufacturing", "SME: ∆"), 15, 1e-6);
  EXPECT_NEAR(t.at("Manufacturing", "SME: ∆ (%)"), 100.0 * 15 / 230, 1e-6);
  EXPECT_NEAR(t.at("Wholesale & retail", "∆ total"), 6, 1e-6);
  EXPECT_NEAR(t.at("Other services", "SME: ∆"), 5, 1e-6);  // F 0, G +5
}

// BG: C (HT-MH global); BI: D (other local); TI: E (other local), G (other global);
// BAG: J (HT-MH global).
TEST(Tables, Table06) {
  const Table t = table_06(inputs());
  EXPECT_EQ(t.values[0], (std::vector<double>{0, 1, 0, 0, 0, 0, 1}));
  EXPECT_EQ(t.values[1], (std::vector<double>{0, 0, 0, 0, 1, 0, 1}));
  EXPECT_EQ(t.values[2], (std::vector<double>{0, 0, 0, 0, 1, 1, 2}));
  EXPECT_EQ(t.values[3], (std::vector<double>{0, 1, 0, 0, 0, 0, 1}));
  EXPECT_EQ(t.values[4], (std::vector<double>{0, 2, 0, 0, 2, 1, 5}));
}

// Non-empty columns HT-MH global, other local, other global with totals 2, 2, 1 of 5;
// row totals 1, 1, 2, 1. Expected BG = (0.4, 0.4, 0.2), TI = (0.8, 0.8, 0.4).
// Chi-square: BG 0.9+0.4+0.2, BI 0.4+0.9+0.2, TI 0.8+0.05+0.9, BAG 1.5 = 6.25; df 3*2.
TEST(Tables, Table07) {
  const Table t = table_07(inputs());
  EXPECT_NEAR(t.at("BG", "HT-MH global"), 0.4, kTol);
  EXPECT_NEAR(t.at("TI", "other industries local"), 0.8, kTol);
  EXPECT_NEAR(t.at("TI", "other industries global"), 0.4, kTol);
  EXPECT_NEAR(t.at("BAG", "HT-MH local"), 0, kTol);
  EXPECT_NEAR(t.stat_value("chi_square"), 6.25, 1e-9);
  EXPECT_NEAR(t.stat_value("df"), 6, kTol);
}

// BG = C: 1998 20 FTE, VA 1, no exports, no imports; 2005 X 2, 5 countries, imports.
// TI = E, G: 1998 FTE 27.5, G imports (1 country); 2005 FTE 35, X mean 0.35, 1 country.
TEST(Tables, Table08) {
  const Table t = table_08(inputs());
  EXPECT_NEAR(t.at("employment", "BG 1998"), 20, kTol);
  EXPECT_NEAR(t.at("value added", "BG 1998"), 1, 1e-6);
  EXPECT_TRUE(is_nan(t.at("export", "BG 1998")));
  EXPECT_NEAR(t.at("% importers", "BG 1998"), 0, kTol);
  EXPECT_NEAR(t.at("export", "BG 2005"), 2, 1e-6);
  EXPECT_NEAR(t.at("export countries", "BG 2005"), 5, kTol);
  EXPECT_NEAR(t.at("% importers", "BG 2005"), 100, kTol);
  EXPECT_NEAR(t.at("employment", "TI 1998"), 27.5, kTol);
  EXPECT_NEAR(t.at("% importers", "TI 1998"), 50, kTol);
  EXPECT_NEAR(t.at("import countries", "TI 1998"), 1, kTol);
  EXPECT_NEAR(t.at("employment", "TI 2005"), 35, kTol);
  EXPECT_NEAR(t.at("export", "TI 2005"), 0.35, 1e-6);
  EXPECT_NEAR(t.at("employment", "BAG 2005"), 60, kTol);
  EXPECT_NEAR(t.stat_value("N TI"), 2, kTol);
}

// SMEs reporting in 1998 (H is founded 2000, B is large):
// no trade: C -> two way, D -> exit, E -> export only, F -> no trade (4 firms);
// import only: G -> two way; export only: I -> import only, J -> export only;
// two way: A -> two way. Total 8.
TEST(Tables, Table17) {
  const Table t = table_17(inputs());
  EXPECT_EQ(t.values[0], (std::vector<double>{4, 25, 25, 0, 25, 25}));
  EXPECT_EQ(t.values[1], (std::vector<double>{1, 0, 0, 0, 0, 100}));
  EXPECT_EQ(t.values[2], (std::vector<double>{2, 0, 0, 50, 50, 0}));
  EXPECT_EQ(t.values[3], (std::vector<double>{1, 0, 0, 0, 0, 100}));
  EXPECT_EQ(t.values[4], (std::vector<double>{8, 12.5, 12.5, 12.5, 25, 37.5}));
}

// Import-only 1998: G only, two-way in 2005: FTE 25 -> 30 (+20%), VA 1 -> 1.5 (+50%),
// productivity 40,000 -> 50,000 (+25%), turnover +0%, 1 import product and country.
TEST(Tables, Table18) {
  const Table t = table_18(inputs());
  EXPECT_NEAR(t.at("∆ employment", "M+X 2005"), 20, 1e-6);
  EXPECT_NEAR(t.at("∆ value added", "M+X 2005"), 50, 1e-6);
  EXPECT_NEAR(t.at("∆ labor productivity", "M+X 2005"), 25, 1e-6);
  EXPECT_NEAR(t.at("∆ turnover", "M+X 2005"), 0, 1e-6);
  EXPECT_NEAR(t.at("∆ import products", "M+X 2005"), 0, 1e-6);
  EXPECT_NEAR(t.at("N", "M+X 2005"), 1, kTol);
  EXPECT_NEAR(t.at("%", "M+X 2005"), 100, kTol);
  EXPECT_NEAR(t.at("N", "No trade 2005"), 0, kTol);
  EXPECT_TRUE(is_nan(t.at("∆ employment", "No trade 2005")));
}

// Export-only 1998: I -> import only (50 -> 45 FTE, -10%), J -> export only (no change).
TEST(Tables, Table19) {
  const Table t = table_19(inputs());
  EXPECT_NEAR(t.at("∆ employment", "Import only 2005"), -10, 1e-6);
  EXPECT_NEAR(t.at("∆ employment", "Export only 2005"), 0, 1e-6);
  EXPECT_NEAR(t.at("∆ export countries", "Export only 2005"), 0, 1e-6);
  EXPECT_TRUE(is_nan(t.at("∆ export countries", "Import only 2005")));
  EXPECT_NEAR(t.at("%", "Import only 2005"), 50, kTol);
  EXPECT_NEAR(t.at("N", "M+X 2005"), 0, kTol);
}

// SME exporters 1998: A 2 -> 3 markets, I 1 -> 0, J 5 -> 5 (B is large).
TEST(Tables, Table23) {
  const Table t = table_23(inputs());
  EXPECT_EQ(t.at("1", "0"), 1);
  EXPECT_EQ(t.at("2", "3"), 1);
  EXPECT_EQ(t.at("5", "5"), 1);
  EXPECT_EQ(t.at("2", "2"), 0);
  EXPECT_EQ(t.at("total", "total"), 3);
  EXPECT_EQ(t.at("total", "0"), 1);
  const Table pct = table_23_pct(inputs());
  EXPECT_NEAR(pct.at("2", "3"), 100, kTol);
  EXPECT_NEAR(pct.at("total", "5"), 100.0 / 3, 1e-9);
  EXPECT_TRUE(is_nan(pct.at("3", "3")));  // no firm with 3 markets in 1998
}

// 1998 non-traders among SMEs reporting in 1998: C, D, E, F. In 2005 C exports to NL, DE,
// FR, LU, US and imports from US; E exports to FR. Exporting to DE only (no DE imports):
// I (imports from DE in 2005) and J (does not). A exports to and imports from DE: in no
// group. G sources from CN and exports there in 2005.
TEST(Tables, Table24And25) {
  const Table t = table_24(inputs());
  EXPECT_NEAR(t.at("NL", "no trade, active in 1998: export 2005"), 25, kTol);
  EXPECT_NEAR(t.at("FR", "no trade, active in 1998: export 2005"), 50, kTol);
  EXPECT_NEAR(t.at("US", "no trade, active in 1998: import 2005"), 25, kTol);
  EXPECT_NEAR(t.at("DE", "exporting to [country] in 1998: import 2005"), 50, kTol);
  EXPECT_NEAR(t.at("NL", "exporting to [country] in 1998: import 2005"), 0, kTol);
  EXPECT_TRUE(is_nan(t.at("NL", "sourcing from [country] in 1998: export 2005")));
  const Table u = table_25(inputs());
  EXPECT_NEAR(u.at("CN", "sourcing from [country] in 1998: export 2005"), 100, kTol);
  EXPECT_NEAR(u.at("JP", "exporting to [country] in 1998: import 2005"), 0, kTol);
  EXPECT_TRUE(is_nan(u.at("TW", "no trade, active in 1998: export 2005")));  // not in the world
}

// Exit groups: old traders A (ind 0), I (ind 1), no exit: mean 0, SE 0. BI = D exits
// (ind 2, one industry: SE undefined). BAG J and large B are in no group.
TEST(Tables, Table16OnTheTenFirms) {
  const Table t = table_16(inputs());
  EXPECT_NEAR(t.at("old traders", "exit rate"), 0, kTol);
  EXPECT_NEAR(t.se[0][0], 0, kTol);
  EXPECT_NEAR(t.at("BI", "exit rate"), 1, kTol);
  EXPECT_TRUE(is_nan(t.se[4][0]));
  EXPECT_TRUE(is_nan(t.at("BI", "∆ TI")));  // one common industry only
}

// Old traders: ind 0 1 of 2 exit (0.5), ind 1 0 of 1 (0), ind 2 1 of 4 (0.25).
// Old non-traders: ind 0 1/1 (1), ind 1 1/2 (0.5), ind 2 0/1 (0), ind 3 1/1 (1).
// Means 0.25 (SE 0.25/sqrt 3) and 0.625. Paired over ind 0-2: differences -0.5, -0.5,
// 0.25: mean -0.25, SD sqrt(0.1875), SE 0.25, t = -1.
TEST(Tables, Table16PairedTTest) {
  Panel p;
  p.meta = test_meta();
  std::int64_t id = 0;
  auto firm = [&](int industry, bool trades, bool exits) {
    add_firm(p, ++id, industry, 1980, trades);
    Row r = row(id, 20);
    r.industry = industry;
    if (trades) r.imports = 1e5f, r.mmask = mask({DE});
    add_years(p, r, 1998, exits ? 2003 : 2005);
  };
  firm(0, true, true), firm(0, true, false), firm(1, true, false);
  firm(2, true, true), firm(2, true, false), firm(2, true, false), firm(2, true, false);
  firm(0, false, true), firm(1, false, true), firm(1, false, false), firm(2, false, false);
  firm(3, false, true);
  const Table t = table_16(prepare_tables(p, 0));
  EXPECT_NEAR(t.at("old traders", "exit rate"), 0.25, 1e-12);
  EXPECT_NEAR(t.se[0][0], 0.25 / std::sqrt(3.0), 1e-12);
  EXPECT_NEAR(t.at("old non-traders", "exit rate"), 0.625, 1e-12);
  EXPECT_NEAR(t.at("old traders", "∆ old non-traders"), -0.25, 1e-12);
  EXPECT_NEAR(t.se[0][2], 0.25, 1e-12);
  EXPECT_NEAR(t.stat[0][2], -1, 1e-12);
  EXPECT_NEAR(t.at("old non-traders", "∆ old traders"), 0.25, 1e-12);
  EXPECT_TRUE(is_nan(t.at("old traders", "∆ BG")));
}

// --- Tables 20-21 from observed flows ---------------------------------------------------
// All SMEs with 20 FTE reporting 1998-2005. 1998 -> 2005 per-market flows:
//  f1 M NL -> X NL;  f2 M NL -> nothing with NL;  f3 M DE -> X DE;  f4 M DE -> X NL;
//  f5 M DE -> X DE;  f6 no trade -> X NL;  f7 no trade -> nothing;  f8 X US -> M US.
// Import-to-export: NL 1/2, DE 2/3 (other countries: nobody sources only from them).
// Other trade to export: NL: f3 f4 f5 f8, f4 exports NL: 1/4; DE: f1 f2 f8: 0; the
// other eight main partners 0. No trade to export: NL 1/2, others 0.
// Means over countries: 0.58333 (SE 0.083333), 0.025, 0.05. Paired differences over
// NL, DE: other: 0.25 and 0.66667, mean 0.458333, SE 0.208333, t 2.2; no trade: 0 and
// 0.66667, mean 0.333333, SE 0.333333, t 1.
Panel flow_panel() {
  Panel p;
  p.meta = test_meta();
  auto flow = [&](std::int64_t firm, int year, int market, float x, float m) {
    FlowColumns& f = p.flows;
    f.replicate.push_back(0), f.firm.push_back(firm), f.year.push_back(static_cast<std::int16_t>(year));
    f.market.push_back(static_cast<std::uint8_t>(market));
    f.exports.push_back(x), f.imports.push_back(m), f.exports_true.push_back(x), f.imports_true.push_back(m);
  };
  struct Spec {
    int m98 = -1, x98 = -1, m05 = -1, x05 = -1;
  };
  const std::vector<Spec> specs = {{NL, -1, -1, NL}, {NL, -1, -1, -1}, {DE, -1, -1, DE}, {DE, -1, -1, NL},
                                   {DE, -1, -1, DE}, {-1, -1, -1, NL}, {-1, -1, -1, -1}, {-1, US, US, -1}};
  for (std::size_t k = 0; k < specs.size(); ++k) {
    const auto id = static_cast<std::int64_t>(k + 1);
    const Spec& s = specs[k];
    add_firm(p, id, 0, 1980);
    for (int y = 1998; y <= 2005; ++y) {
      Row r = row(id, 20, y);
      const int m = y == 2005 ? s.m05 : s.m98, x = y == 2005 ? s.x05 : s.x98;
      if (m >= 0) r.imports = 3e5f, flow(id, y, m, 0, 3e5f);
      if (x >= 0) r.exports = 3e5f, flow(id, y, x, 3e5f, 0);
      add_year(p, r);  // the firm-year masks stay empty: the flows must be used
    }
  }
  return p;
}

TEST(Tables, Table20And21FromFlows) {
  const Panel p = flow_panel();
  const TableInputs in = prepare_tables(p, 0);
  EXPECT_TRUE(in.sets_from_flows);
  const Table t = table_20(in);
  EXPECT_NEAR(t.values[0][0], 7.0 / 12, 1e-12);
  EXPECT_NEAR(t.se[0][0], 1.0 / 12, 1e-12);
  EXPECT_NEAR(t.values[0][1], 0.025, 1e-12);
  EXPECT_NEAR(t.values[0][2], 11.0 / 24, 1e-12);
  EXPECT_NEAR(t.se[0][2], 5.0 / 24, 1e-12);
  EXPECT_NEAR(t.stat[0][2], 2.2, 1e-12);
  EXPECT_NEAR(t.values[0][3], 0.05, 1e-12);
  EXPECT_NEAR(t.values[0][4], 1.0 / 3, 1e-12);
  EXPECT_NEAR(t.stat[0][4], 1.0, 1e-12);
  EXPECT_TRUE(is_nan(t.values[1][0]));  // nobody sources only from a non-EU partner
  const Table u = table_21(in);
  EXPECT_NEAR(u.values[0][0], 1.0, 1e-12);  // f8: exports to US, then imports from it
  EXPECT_TRUE(is_nan(u.se[0][0]));
  EXPECT_NEAR(u.values[0][1], 0.0, 1e-12);
  EXPECT_NEAR(u.values[1][0], 1.0, 1e-12);
  EXPECT_TRUE(is_nan(u.values[0][2]));  // a single country pair: no paired test
}

// --- Regression tables on exact-fit data -------------------------------------------
// Table 9: 20 SMEs reporting in 1998, group g = k % 5 (non-trader, BG, BI, TI, other
// trader), industry (k / 5) % 2; ln FTE98 = 2.5 + premium[g] + 0.3 * industry exactly.
// OLS with the industry absorbed recovers the premia; areg's constant is the grand
// mean minus the slopes' contribution: 2.5 + 0.3 * (share in industry 1 = 1/2) = 2.65.
TEST(Tables, Table09RecoversPlantedPremia) {
  const double premium[] = {0, 0.4, -0.07, 0.11, 0.54};
  Panel p;
  p.meta = test_meta();
  for (int k = 0; k < 20; ++k) {
    const int g = k % 5, ind = (k / 5) % 2;
    const bool old_exporter = g == 4;
    add_firm(p, k + 1, ind, g == 1 || g == 2 ? 1996 : 1980, old_exporter);
    Row r = row(k + 1, static_cast<float>(std::exp(2.5 + premium[g] + 0.3 * ind + 0.0 * k)));
    r.industry = ind;
    r.founded = g == 1 || g == 2 ? 1996 : 1980;
    for (int y = 1998; y <= 2005; ++y) {
      r.year = y;
      const bool new_export = (g == 1 || g == 2 || g == 3) && y >= 2000;
      r.exports = (new_export || old_exporter) ? 4e5f : 0;
      r.xmask = g == 1 && new_export ? mask({NL, DE, FR, LU, US}) : (r.exports > 0 ? mask({NL}) : 0);
      add_year(p, r);
    }
  }
  const TableInputs in = prepare_tables(p, 0);
  const Table t = table_09(in);
  EXPECT_NEAR(t.at("Born global", "log employment"), 0.4, 1e-5);
  EXPECT_NEAR(t.at("Born international", "log employment"), -0.07, 1e-5);
  EXPECT_NEAR(t.at("Traditional internationalizer", "log employment"), 0.11, 1e-5);
  EXPECT_NEAR(t.at("other_trader", "log employment"), 0.54, 1e-5);
  EXPECT_NEAR(t.at("intercept (no trade)", "log employment"), 2.65, 1e-5);
  EXPECT_NEAR(t.stat_value("n_obs: log employment"), 20, kTol);
  EXPECT_NEAR(t.stat_value("r2: log employment"), 1, 1e-6);
  // Nobody reports R&D: that column is not estimated (NaN, with a note), not invented.
  EXPECT_TRUE(is_nan(t.at("Born global", "log R&D")));
  EXPECT_FALSE(t.notes.empty());
}

// Table 11: 24 continuing exporters, group g = k % 4 (established, BG, BI, TI: all start
// in 1998), industry (k / 4) % 2, ln X98 = 12 + 0.1 ((7k) mod 11), ln(M98/FTE) =
// 8 + 0.1 ((5k) mod 13); yearly growth = -0.05 ln X98 + 0.02 ln(M/FTE) + premium[g] +
// 0.1 + 0.1 * industry exactly, so OLS returns those slopes. Table 14's OLS column is
// Table 11's coefficients.
TEST(Tables, Table11RecoversPlantedGrowthEquation) {
  const double premium[] = {0, 0.07, 0.04, 0.03};
  Panel p;
  p.meta = test_meta();
  for (int k = 0; k < 24; ++k) {
    const int g = k % 4, ind = (k / 4) % 2;
    const double lx = 12 + 0.1 * ((7 * k) % 11), lm = 8 + 0.1 * ((5 * k) % 13);
    const double growth = -0.05 * lx + 0.02 * lm + premium[g] + 0.1 + 0.1 * ind;
    const int founded = (g == 1 || g == 2) ? 1995 : 1980;
    add_firm(p, k + 1, ind, founded, g == 0);
    Row r = row(k + 1, 20);
    r.industry = ind, r.founded = founded;
    r.xmask = g == 1 ? mask({NL, DE, FR, LU, US}) : mask({NL});
    r.imports = static_cast<float>(std::exp(lm) * 20), r.mmask = mask({DE});
    r.exports = static_cast<float>(std::exp(lx));
    add_year(p, r);
    r.year = 2005, r.exports = static_cast<float>(std::exp(lx + 7 * growth));
    add_year(p, r);
  }
  const TableInputs in = prepare_tables(p, 0);
  const Table t = table_11(in);
  EXPECT_NEAR(t.at("ln_export1998", "export growth"), -0.05, 1e-5);
  EXPECT_NEAR(t.at("ln_M98/FTE", "export growth"), 0.02, 1e-5);
  EXPECT_NEAR(t.at("Born global", "export growth"), 0.07, 1e-5);
  EXPECT_NEAR(t.at("Born international", "export growth"), 0.04, 1e-5);
  EXPECT_NEAR(t.at("Traditional internationalizer", "export growth"), 0.03, 1e-5);
  EXPECT_NEAR(t.stat_value("n_obs: export growth"), 24, kTol);
  const Table me = table_14(in);
  for (std::size_t r = 0; r < 5; ++r) EXPECT_DOUBLE_EQ(me.values[r][2], t.values[r][0]);
  // Everybody continues: the selection probit has no variation, Table 12 is not estimated.
  const Table h = table_12(in);
  EXPECT_TRUE(is_nan(h.values[0][0]));
  EXPECT_FALSE(h.notes.empty());
}

TEST(Tables, BuildTablesReturnsEveryTableInOrder) {
  const auto all = build_tables(inputs());
  ASSERT_EQ(all.size(), 27u);
  EXPECT_EQ(all.front().id, "sample_frame");
  EXPECT_EQ(all[1].id, "table_01");
  EXPECT_EQ(all[23].id, "table_23");
  EXPECT_EQ(all[24].id, "table_23_pct");
  EXPECT_EQ(all.back().id, "table_25");
  for (const Table& t : all) {
    ASSERT_EQ(t.values.size(), t.rows()) << t.id;
    for (const auto& r : t.values) EXPECT_EQ(r.size(), t.cols()) << t.id;
  }
}

}  // namespace
}  // namespace firmsim::est
