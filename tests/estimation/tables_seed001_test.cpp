// Seed 001's table builders (estimation/tables_seed001.cpp) on a hand-made panel whose
// right answers are worked out below, firm by firm, and the comparison with
// configs/targets/belgium_sme_1998_2003.yaml measured over its 1998-2003 window.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "estimation/compare.hpp"
#include "estimation/tables.hpp"
#include "estimation/targets.hpp"
#include "tests/estimation/tables_test_panel.hpp"

namespace firmsim::est {
namespace {

using namespace firmsim::testpanel;

// Industries of the test world (test_meta) plus two: 4 construction, 5 agriculture.
enum Industry : int { kHighTech = 0, kLowTech = 1, kWholesale = 2, kServices = 3, kConstruction = 4, kAgri = 5 };

PanelMeta seed001_meta(int last_year = 2003) {
  PanelMeta m = test_meta(1998, last_year);
  m.industries.push_back({"construction", "utilities_construction", "other", false});
  m.industries.push_back({"agriculture", "agriculture_mining", "other", false});
  return m;
}

// A firm reporting in every year from..to; `edit` sets a year's values (the default row
// has 20 FTE, EUR 1m value added, EUR 4m turnover and no trade).
void firm(Panel& p, std::int64_t id, int industry, const std::function<void(Row&)>& edit, int from = 1998,
          int to = 2003) {
  add_firm(p, id, industry, std::min(from, 1980));
  for (int y = from; y <= to; ++y) {
    Row r = row(id, 20, y);
    r.industry = industry, r.founded = std::min(from, 1980);
    edit(r);
    add_year(p, r);
  }
}

void exports_to(Row& r, std::uint64_t m) { r.xmask = m, r.exports = m ? 1e5f : 0; }
void imports_from(Row& r, std::uint64_t m) { r.mmask = m, r.imports = m ? 1e5f : 0; }

// Manufacturing (NACE 10-45 = sectors manufacturing + utilities_construction), 2002:
//  F1  high-tech,   5 FTE  exports NL (every year)                  export only, intra-EU, <10
//  F2  low-tech,   10 FTE  exports US from 2000                     export only, extra-EU, 10-49
//  F3  construct., 50 FTE  exports NL+US, imports DE (every year)   two-way, both,         50-99
//  F4  high-tech, 100 FTE  exports FR, imports DE (every year)      two-way, intra-EU,     100-250
//  F5  low-tech,    8 FTE  imports CN                               import only, extra-EU, <10
//  F6  high-tech, 49.5 FTE no trade                                 none,                  10-49
//  F11 low-tech,   15 FTE  exports PL in 2002-2003 (PL joins 2004)  export only, extra-EU, 10-49
//  F12 high-tech,  12 FTE  exports NL in 1998, 2001, 2003, not 2002 none,                  10-49
//  F16 high-tech,  20 FTE  no trade, reports from 1999 only         none,                  10-49
// Not in the population: F7 250 FTE and F15 260 FTE (not SMEs), F8 0.5 FTE in 2002 (3 in
// 1998), F9 turnover EUR 60m in 2002, F10 agriculture, F13 not reporting in 2002.
// Services (wholesale_retail + other_services):
//  S1 wholesale,  4 FTE  imports DE, exports US (every year)  two-way, both, <10
//  S2 services,  55 FTE  exports GB (every year)              export only, intra-EU, 50-99
//  S3 wholesale,  9 FTE  no trade                             none, <10
//  S4 services, 300 FTE  exports NL                           not an SME
Panel seed001_panel(int last_year = 2003) {
  Panel p;
  p.meta = seed001_meta(last_year);
  firm(p, 1, kHighTech, [](Row& r) {
    exports_to(r, mask({NL}));
    r.fte = r.year == 1998 ? 4 : r.year == 2003 ? 6 : 5;
    r.value_added = r.year == 2003 ? 3.6e5f : 2e5f;
  });
  firm(p, 2, kLowTech, [](Row& r) {
    r.fte = 10;
    exports_to(r, r.year >= 2000 ? mask({US}) : 0);
    r.value_added = r.year == 2003 ? 6e5f : 4e5f;
  });
  firm(p, 3, kConstruction, [](Row& r) {
    r.fte = 50;
    exports_to(r, mask({NL, US}));
    imports_from(r, mask({DE}));
    r.value_added = r.year == 2003 ? 3e6f : 2.5e6f;
  });
  firm(p, 4, kHighTech, [](Row& r) {
    r.fte = 100;
    exports_to(r, mask({FR}));
    imports_from(r, mask({DE}));
    r.value_added = r.year == 2003 ? 5.5e6f : 5e6f;
  });
  firm(p, 5, kLowTech, [](Row& r) {
    r.fte = 8;
    imports_from(r, mask({CN}));
    r.value_added = 3e5f;
  });
  firm(p, 6, kHighTech, [](Row& r) {
    r.fte = 49.5f;
    r.value_added = r.year == 2003 ? 2.2e6f : 2e6f;
  });
  firm(p, 7, kHighTech, [](Row& r) {
    r.fte = 250;
    exports_to(r, mask({NL}));
  });
  firm(p, 8, kLowTech, [](Row& r) { r.fte = r.year == 1998 ? 3 : 0.5f; });
  firm(p, 9, kHighTech, [](Row& r) {
    r.fte = 40;
    exports_to(r, mask({NL}));
    if (r.year == 2002) r.turnover = 6e7f;
  });
  firm(p, 10, kAgri, [](Row& r) { exports_to(r, mask({NL})); });
  firm(p, 11, kLowTech, [](Row& r) {
    r.fte = 15;
    exports_to(r, r.year >= 2002 ? mask({PL}) : 0);
    r.value_added = 6e5f;
  });
  firm(p, 12, kHighTech, [](Row& r) {
    r.fte = 12;
    exports_to(r, r.year == 1998 || r.year == 2001 || r.year == 2003 ? mask({NL}) : 0);
    r.value_added = r.year == 2003 ? 4e5f : 5e5f;
  });
  firm(p, 13, kHighTech, [](Row& r) {
    r.alive = r.year != 2002;
    exports_to(r, mask({US}));
  });
  firm(p, 15, kLowTech, [](Row& r) {
    r.fte = 260;
    exports_to(r, mask({US}));
  });
  firm(
      p, 16, kHighTech, [](Row&) {}, 1999);
  firm(p, 101, kWholesale, [](Row& r) {
    r.fte = 4;
    imports_from(r, mask({DE}));
    exports_to(r, mask({US}));
  });
  firm(p, 102, kServices, [](Row& r) {
    r.fte = 55;
    exports_to(r, mask({GB}));
  });
  firm(p, 103, kWholesale, [](Row& r) { r.fte = 9; });
  firm(p, 104, kServices, [](Row& r) {
    r.fte = 300;
    exports_to(r, mask({NL}));
  });
  return p;
}

const TableInputs& inputs() {
  static const Panel panel = seed001_panel();
  static const TableInputs in = prepare_tables(panel, 0, seed001_options());
  return in;
}

bool is_nan(double v) { return std::isnan(v); }

void expect_row(const Table& t, const std::string& row, const std::vector<double>& want) {
  const int r = t.row_index(row);
  ASSERT_GE(r, 0) << t.id << " has no row " << row;
  ASSERT_EQ(want.size(), t.cols());
  for (std::size_t c = 0; c < want.size(); ++c) {
    const double got = t.values[static_cast<std::size_t>(r)][c];
    if (is_nan(want[c]))
      EXPECT_TRUE(is_nan(got)) << t.id << " " << row << " / " << t.column_labels[c] << ": " << got;
    else
      EXPECT_NEAR(got, want[c], 1e-9 * std::max(1.0, std::fabs(want[c])))
          << t.id << " " << row << " / " << t.column_labels[c];
  }
}

const double NaN = nan_value();

// Beside seed 000's targets (default_targets_file: under $FIRMSIM_SOURCE_DIR, set by ctest).
std::string seed001_targets_file() {
  const std::string seed000 = default_targets_file();
  return seed000.substr(0, seed000.rfind('/') + 1) + "belgium_sme_1998_2003.yaml";
}

// Its shape is the target's, so the comparison matches every cell.
void expect_target_shape(const Table& t) {
  static const Targets targets = load_targets(seed001_targets_file());
  const Table* target = targets.find(t.id);
  ASSERT_NE(target, nullptr) << t.id;
  EXPECT_EQ(t.row_labels, target->row_labels) << t.id;
  EXPECT_EQ(t.column_labels, target->column_labels) << t.id;
  EXPECT_EQ(t.values.size(), t.rows());
}

// Table 1: none F6 F12 F16; two-way F3 (both) F4 (intra); import only F5 (extra);
// export only F1 (intra) F2 (extra) F11 (extra: PL is not in the EU in 2002). F7/F15
// (>= 250 FTE), F8 (< 1 FTE), F9 (turnover), F10 (agriculture), F13 are out.
TEST(Seed001Tables, Table01ModeAndScope) {
  const Table t = s001_table_01(inputs());
  expect_target_shape(t);
  expect_row(t, "no internationalization", {3, NaN, NaN, NaN});
  expect_row(t, "both import & export", {2, 1, 0, 1});
  expect_row(t, "import only", {1, 0, 1, 0});
  expect_row(t, "export only", {3, 1, 2, 0});
}

// Table 17, services: S3 none; S1 two-way with DE and US (both); S2 exports GB only; S4
// (300 FTE) is out.
TEST(Seed001Tables, Table17ModeAndScopeServices) {
  const Table t = s001_table_17(inputs());
  expect_target_shape(t);
  expect_row(t, "no internationalization", {1, NaN, NaN, NaN});
  expect_row(t, "both import & export", {1, 0, 0, 1});
  expect_row(t, "import only", {0, 0, 0, 0});
  expect_row(t, "export only", {1, 1, 0, 0});
}

// Table 2: intra-EU importers F3 F4; extra-EU importer F5; intra-EU exporters F1 F3 F4;
// extra-EU exporters F2 F3 F11.
TEST(Seed001Tables, Table02OverlapOfTheFlags) {
  const Table t = s001_table_02(inputs());
  expect_target_shape(t);
  expect_row(t, "intra-EU import", {100, 0, 100, 50});
  expect_row(t, "extra-EU import", {0, 100, 0, 0});
  expect_row(t, "intra-EU export", {200.0 / 3, 0, 100, 100.0 / 3});
  expect_row(t, "extra-EU export", {100.0 / 3, 0, 100.0 / 3, 100});
}

// Table 18: S1 imports intra-EU and exports extra-EU; S2 exports intra-EU; no extra-EU importer.
TEST(Seed001Tables, Table18OverlapServices) {
  const Table t = s001_table_18(inputs());
  expect_target_shape(t);
  expect_row(t, "intra-EU import", {100, 0, 0, 100});
  expect_row(t, "extra-EU import", {NaN, NaN, NaN, NaN});
  expect_row(t, "intra-EU export", {0, 0, 100, 0});
  expect_row(t, "extra-EU export", {100, 0, 0, 100});
}

// Table 3: 10 manufacturing SMEs in 2002, exporters F1 F2 F3 F4 F11, importers F3 F4 F5;
// core (without the construction firm F3): 9, exporters 4, importers 2.
TEST(Seed001Tables, Table03TotalAndCoreRows) {
  const Table t = s001_table_03(inputs());
  expect_target_shape(t);
  expect_row(t, "Total", {9, 500.0 / 9, 300.0 / 9});
  expect_row(t, "total core manufacturing (NACE 15-37)", {8, 50, 25});
  expect_row(t, "15", {NaN, NaN, NaN});
}

TEST(Seed001Tables, Table19TotalRow) {
  const Table t = s001_table_19(inputs());
  expect_target_shape(t);
  expect_row(t, "Total", {3, 200.0 / 3, 100.0 / 3});
  expect_row(t, "51", {NaN, NaN, NaN});
}

// Table 4 by FTE in 2002: <10 F1 (5) F5 (8); 10-49 F2 (10) F6 (49.5) F11 (15) F12 (12)
// F16 (20); 50-99 F3 (50); 100-250 F4 (100). F7 (250) and F15 (260) are not SMEs.
TEST(Seed001Tables, Table04FlagsBySizeClass) {
  const Table t = s001_table_04(inputs());
  expect_target_shape(t);
  expect_row(t, "intra-EU export", {50, 0, 100, 100});
  expect_row(t, "extra-EU export", {0, 40, 100, 0});
  expect_row(t, "intra-EU import", {0, 0, 100, 100});
  expect_row(t, "extra-EU import", {50, 0, 0, 0});
  expect_row(t, "N", {2, 5, 1, 1});
}

// Table 20: <10 S1 S3; 50-99 S2; the other classes are empty.
TEST(Seed001Tables, Table20FlagsBySizeClassServices) {
  const Table t = s001_table_20(inputs());
  expect_target_shape(t);
  expect_row(t, "intra-EU export", {0, NaN, 100, NaN});
  expect_row(t, "extra-EU export", {50, NaN, 0, NaN});
  expect_row(t, "intra-EU import", {50, NaN, 0, NaN});
  expect_row(t, "extra-EU import", {0, NaN, 0, NaN});
  expect_row(t, "N", {2, 0, 1, 0});
}

// Tables 5-6: the 2002 population reporting in every year 1998-2003 (not F16, founded
// 1999). Export paths 1998 -> 2002: constant F1 F3 F4; new F2 F11; stopped F12; no export
// in 2002 F5 F6 F12. Group totals (FTE 1998 -> 2003, value added 1998 -> 2003):
//   constant  154 -> 156,  7.7m -> 8.86m     new     25 -> 25,  1.0m -> 1.2m
//   stopped    12 -> 12,   0.5m -> 0.4m      none  69.5 -> 69.5, 2.8m -> 2.9m
//   export (constant + new) 179 -> 181, 8.7m -> 10.06m
struct Totals {
  double n, fte0, fte1, va0, va1;
};
const Totals kExport{5, 179, 181, 8.7e6, 10.06e6}, kConstant{3, 154, 156, 7.7e6, 8.86e6}, kNew{2, 25, 25, 1e6, 1.2e6},
    kStopped{1, 12, 12, 5e5, 4e5}, kNone{3, 69.5, 69.5, 2.8e6, 2.9e6};

std::vector<double> productivity_row(const Totals& g) {
  const double lp0 = g.va0 / g.fte0 / 1000, lp1 = g.va1 / g.fte1 / 1000;
  return {g.n, lp0, lp1, 100 * (lp1 / lp0 - 1)};
}

double cagr5(double a, double b) { return 100 * (std::pow(b / a, 0.2) - 1); }

std::vector<double> growth_row(const Totals& g) {
  return {g.n, cagr5(g.fte0, g.fte1), cagr5(g.va0, g.va1), cagr5(g.va0 / g.fte0, g.va1 / g.fte1)};
}

TEST(Seed001Tables, Table05ProductivityByExportPath) {
  const Table t = s001_table_05(inputs());
  expect_target_shape(t);
  expect_row(t, "Export", productivity_row(kExport));
  expect_row(t, "Constant export", productivity_row(kConstant));
  expect_row(t, "New to export", productivity_row(kNew));
  expect_row(t, "Stopped export", productivity_row(kStopped));
  expect_row(t, "No export", productivity_row(kNone));
  EXPECT_NEAR(t.at("Constant export", "Labor productivity 1998"), 50.0, 1e-9);  // 7.7m / 154 FTE
}

TEST(Seed001Tables, Table06GrowthByExportPath) {
  const Table t = s001_table_06(inputs());
  expect_target_shape(t);
  expect_row(t, "Export", growth_row(kExport));
  expect_row(t, "Constant export", growth_row(kConstant));
  expect_row(t, "New to export", growth_row(kNew));
  expect_row(t, "Stopped export", growth_row(kStopped));
  expect_row(t, "No export", growth_row(kNone));
  EXPECT_NEAR(t.at("New to export", "Value added"), 3.713728, 1e-5);  // 1.2^(1/5) - 1
}

// Services: S1 and S2 export in 1998 and 2002 (constant), S3 never; 1m value added a
// year each, FTE constant.
TEST(Seed001Tables, Tables21And22Services) {
  const Table lp = s001_table_21(inputs());
  expect_target_shape(lp);
  expect_row(lp, "Export", {2, 2e6 / 59 / 1000, 2e6 / 59 / 1000, 0});
  expect_row(lp, "Constant export", {2, 2e6 / 59 / 1000, 2e6 / 59 / 1000, 0});
  expect_row(lp, "New to export", {0, NaN, NaN, NaN});
  expect_row(lp, "No export", {1, 1e6 / 9 / 1000, 1e6 / 9 / 1000, 0});
  const Table g = s001_table_22(inputs());
  expect_target_shape(g);
  expect_row(g, "Constant export", {2, 0, 0, 0});
  expect_row(g, "Stopped export", {0, NaN, NaN, NaN});
}

// The window must hold 2002: over 1998-2001 the cross-section cannot be measured.
TEST(Seed001Tables, StatusYearOutsideTheWindowIsNotBuilt) {
  const Panel p = seed001_panel();
  const TableInputs in = prepare_tables(p, 0, seed001_options(1998, 2001));
  EXPECT_THROW(s001_table_04(in), std::invalid_argument);
  const auto all = build_seed001_tables(in);
  ASSERT_EQ(all.size(), 12u);
  EXPECT_TRUE(all[3].values.empty());
  EXPECT_FALSE(all[3].notes.empty());
}

TEST(Seed001Tables, RegisteredWithTheTargetIds) {
  const auto all = build_seed001_tables(inputs());
  std::vector<std::string> ids;
  for (const Table& t : all) ids.push_back(t.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"s001_table_01", "s001_table_02", "s001_table_03", "s001_table_04",
                                           "s001_table_05", "s001_table_06", "s001_table_17", "s001_table_18",
                                           "s001_table_19", "s001_table_20", "s001_table_21", "s001_table_22"}));
  for (const Table& t : all) EXPECT_TRUE(is_seed001_table(t.id));
  EXPECT_FALSE(is_seed001_table("table_04"));
}

// End to end: a panel recorded 1998-2005 and measured for seed 000's 1998-2005 window is
// compared with seed 001 over 1998-2003, the targets' window, cell by cell.
TEST(Seed001Tables, ComparisonMeasuresOverTheTargetsWindow) {
  const Panel p = seed001_panel(2005);  // firms report 1998-2003; the panel records 1998-2005
  ASSERT_EQ(p.meta.sample_last_year, 2005);
  const Targets targets = load_targets(seed001_targets_file());
  TableOptions seed000_window;  // 1998-2005, as compare_glue passes for this panel
  const Comparison c = compare_panel(p, targets, seed000_window);
  EXPECT_TRUE(c.window_note.empty()) << c.window_note;
  EXPECT_EQ(c.source, "001_8c0ad7c402eea838.txt");
  for (const TableComparison& t : c.tables) {
    const int n = std::stoi(t.id.substr(t.id.size() - 2));
    const bool built = n <= 6 || (n >= 17 && n <= 22);
    EXPECT_EQ(t.simulated, built) << t.id;
    if (built) {
      EXPECT_GT(t.comparable, 0u) << t.id;
    }
  }
  const TableComparison& t4 = c.tables[3];
  ASSERT_EQ(t4.id, "s001_table_04");
  ASSERT_EQ(t4.cells.size(), 20u);
  EXPECT_DOUBLE_EQ(t4.cells[16].simulated, 2);  // N <10
  EXPECT_DOUBLE_EQ(t4.cells[0].simulated, 50);  // intra-EU export <10
  EXPECT_DOUBLE_EQ(t4.cells[0].empirical, 5.0);
  // Table 5's columns are named after the window's years: all four are matched.
  const TableComparison& t5 = c.tables[4];
  ASSERT_EQ(t5.id, "s001_table_05");
  EXPECT_EQ(t5.comparable, 20u);
}

// A panel that did not record the targets' years is shown but not compared.
TEST(Seed001Tables, ComparisonOfAPanelWithoutTheTargetsYearsIsMarked) {
  Panel p = seed001_panel();
  p.meta.first_year = 1999;  // the tables cannot be measured from 1998
  p.meta.sample_first_year = 1999;
  const Targets targets = load_targets(seed001_targets_file());
  TableOptions o;
  o.frame.start_year = 1999, o.frame.end_year = 2003;
  const Comparison c = compare_panel(p, targets, o);
  EXPECT_NE(c.window_note.find("not comparable: the sample window is 1999-2003, the targets' 1998-2003"),
            std::string::npos)
      << c.window_note;
  EXPECT_EQ(c.comparable, 0u);
}

}  // namespace
}  // namespace firmsim::est
