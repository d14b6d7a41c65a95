// Seed 001's tables (configs/targets/belgium_sme_1998_2003.yaml, ids s001_table_NN): Belgian
// SMEs in the "VIO database", trade status as four yes/no flags in 2002, operating
// characteristics 1998-2003. See the target file's header and estimation/README.md.
//
// Measurement (the seed's, where it says; the choice made, where it does not):
//  - Population in a year: a firm that reports (alive, FTE > 0) with at least 1 FTE, fewer
//    than 250 FTE (SampleFrame::sme_below; the seed says "employees", its frame counts
//    FTE) and turnover below EUR 50 million. The simulated firms are all domestically
//    owned. The cross-section tables (1-4, 17-20) take the population of 2002; the
//    longitudinal ones (5-6, 21-22) take the firms of the 2002 population that report in
//    every year of the window (1998-2003: "active in 1998 and still active in 2003 ...
//    reporting positive employment in 1998-2003").
//  - Sectors: "manufacturing" (NACE 10-45) = the panel's sectors manufacturing and
//    utilities_construction; "core" manufacturing (NACE 15-37) = manufacturing;
//    "services" (NACE 50-74) = wholesale_retail and other_services. The sector
//    agriculture_mining is left out: it mixes agriculture (outside the seed's NACE 10-74)
//    with mining (NACE 10-14, 134 of the seed's 28,284 manufacturing SMEs).
//  - Trade flags of a year: intra-EU export = the firm-year's observed export mask has a
//    market that is in the EU that year (MarketMeta::is_eu; in 2002 the EU-15), extra-EU
//    export = it has a market outside; the same for imports. Exporter = either export
//    flag, importer = either import flag.
//  - Geographic scope (Tables 1, 17): over all the firm's trade (imports and exports):
//    intra-EU = only EU partners, extra-EU = only non-EU partners, both = both.
//  - Size classes (Tables 4, 20): FTE in 2002, <10, 10-49, 50-99, 100-249 ("100-250").
//  - Export paths (Tables 5-6, 21-22): exporter in 1998 (the window's first year) and in
//    2002. Labour productivity of a group = its total value added over its total FTE
//    (EUR 1000 per FTE), so Table 6's identity (1 + VA)/(1 + Emp) = 1 + LP holds; CAGRs
//    of the group totals between the window's first and last year (1998, 2003).
//  - Counts (N, #) are the simulated firms: they scale with the run's --firms.
#include <array>
#include <stdexcept>

#include "estimation/tables_common.hpp"

namespace firmsim::est {

using namespace detail;

namespace {

constexpr int kStatusYear = 2002;     // trade status (Tables 1-4, 17-20) and the second status year
constexpr float kMinFte = 1;          // "at least one full time equivalent (FTE) employee"
constexpr double kMaxTurnover = 5e7;  // "turnover less than EUR 50 million"
constexpr double kThousand = 1e3;

enum class Group { manufacturing, services };

const char* group_name(Group g) { return g == Group::manufacturing ? "manufacturing" : "services"; }

// Seed 001's broad sector of the firm's industry.
bool in_group(const TableInputs& in, std::size_t i, Group g) {
  const IndustryMeta* ind = firm_industry(in, i);
  if (!ind) return false;
  const std::string& s = ind->sector;
  if (g == Group::manufacturing) return s == "manufacturing" || s == "utilities_construction";
  return s == "wholesale_retail" || s == "other_services";
}

bool core_manufacturing(const TableInputs& in, std::size_t i) {
  const IndustryMeta* ind = firm_industry(in, i);
  return ind && ind->sector == "manufacturing";
}

// The seed's population in one firm-year: a reporting SME with at least 1 FTE.
bool in_population(const TableInputs& in, const YearObs& o) {
  return o.present && o.fte >= kMinFte && o.fte < in.options.frame.sme_below && o.turnover < kMaxTurnover;
}

struct Flags {
  bool intra_export = false, extra_export = false, intra_import = false, extra_import = false;
  bool exporter() const { return intra_export || extra_export; }
  bool importer() const { return intra_import || extra_import; }
  bool intra() const { return intra_export || intra_import; }
  bool extra() const { return extra_export || extra_import; }
  // In the order of Tables 2 and 4's rows: intra-EU import, extra-EU import, intra-EU export, extra-EU export.
  std::array<bool, 4> as_array() const { return {intra_import, extra_import, intra_export, extra_export}; }
};

Flags trade_flags(const YearObs& o, std::uint64_t eu) {
  Flags f;
  if (!o.present) return f;
  f.intra_export = (o.export_mask & eu) != 0;
  f.extra_export = (o.export_mask & ~eu) != 0;
  f.intra_import = (o.import_mask & eu) != 0;
  f.extra_import = (o.import_mask & ~eu) != 0;
  return f;
}

void require_year(const TableInputs& in, int year) {
  if (year < in.start() || year > in.end())
    throw std::invalid_argument("seed 001 measures " + std::to_string(year) + ", outside the window " +
                                std::to_string(in.start()) + "-" + std::to_string(in.end()));
}

// One firm of the 2002 cross-section.
struct Member {
  std::size_t firm;
  const YearObs* obs;
  Flags flags;
};

std::vector<Member> cross_section(const TableInputs& in, Group g) {
  require_year(in, kStatusYear);
  const std::uint64_t eu = eu_markets(*in.meta, kStatusYear);
  std::vector<Member> out;
  for (std::size_t i = 0; i < in.firms.size(); ++i) {
    if (!in_group(in, i, g)) continue;
    const YearObs& o = in.firms[i].at(kStatusYear, in.options.frame);
    if (in_population(in, o)) out.push_back({i, &o, trade_flags(o, eu)});
  }
  return out;
}

// --- Tables 1 and 17: mode x geographic scope ---

Table mode_table(const TableInputs& in, Group g, const char* id, const std::string& title) {
  Table t = make_table(id, title, {"no internationalization", "both import & export", "import only", "export only"},
                       {"total", "intra-EU", "extra-EU", "both"});
  Grid n(4, std::vector<double>(4, 0.0));
  for (const Member& m : cross_section(in, g)) {
    const Flags& f = m.flags;
    const int row = f.exporter() && f.importer() ? 1 : f.importer() ? 2 : f.exporter() ? 3 : 0;
    n[row][0] += 1;
    if (row == 0) continue;
    const int col = f.intra() && f.extra() ? 3 : f.intra() ? 1 : 2;
    n[row][col] += 1;
  }
  t.values = n;
  for (std::size_t c = 1; c < 4; ++c) t.values[0][c] = nan_value();  // not printed for non-traders
  t.notes.push_back(std::string("2002 cross-section, ") + group_name(g) + " SMEs; counts of simulated firms");
  return t;
}

// --- Tables 2 and 18: percent of the firms with the row's flag that also have the column's ---

Table overlap_table(const TableInputs& in, Group g, const char* id, const std::string& title) {
  Table t = make_table(id, title, {"intra-EU import", "extra-EU import", "intra-EU export", "extra-EU export"},
                       {"import: intra-EU", "import: extra-EU", "export: intra-EU", "export: extra-EU"});
  Grid both(4, std::vector<double>(4, 0.0));
  std::array<double, 4> n{};
  for (const Member& m : cross_section(in, g)) {
    const auto a = m.flags.as_array();
    for (std::size_t r = 0; r < 4; ++r) {
      if (!a[r]) continue;
      n[r] += 1;
      for (std::size_t c = 0; c < 4; ++c) both[r][c] += a[c] ? 1 : 0;
    }
  }
  for (std::size_t r = 0; r < 4; ++r)
    for (std::size_t c = 0; c < 4; ++c) t.values[r][c] = percent(both[r][c], n[r]);
  return t;
}

// --- Tables 3 and 19: number of firms, % exporting, % importing; only the rows the
// panel's industries can carry (Total; core manufacturing) ---

void fill_share_row(Table& t, const std::string& row, const std::vector<Member>& members, bool core_only,
                    const TableInputs& in) {
  double n = 0, x = 0, m = 0;
  for (const Member& mb : members) {
    if (core_only && !core_manufacturing(in, mb.firm)) continue;
    n += 1, x += mb.flags.exporter(), m += mb.flags.importer();
  }
  const int r = t.row_index(row);
  t.values[static_cast<std::size_t>(r)] = {n, percent(x, n), percent(m, n)};
}

// --- Tables 4 and 20: the four flags by size class (FTE in 2002) ---

std::size_t size_column(float fte) {
  if (fte < 10) return 0;
  if (fte < 50) return 1;
  if (fte < 100) return 2;
  return 3;
}

Table size_table(const TableInputs& in, Group g, const char* id, const std::string& title) {
  Table t = make_table(id, title, {"intra-EU export", "extra-EU export", "intra-EU import", "extra-EU import", "N"},
                       {"<10", "10-49", "50-99", "100-250"});
  Grid k(4, std::vector<double>(4, 0.0));
  std::array<double, 4> n{};
  for (const Member& m : cross_section(in, g)) {
    const std::size_t c = size_column(m.obs->fte);
    const Flags& f = m.flags;
    n[c] += 1;
    k[0][c] += f.intra_export, k[1][c] += f.extra_export, k[2][c] += f.intra_import, k[3][c] += f.extra_import;
  }
  for (std::size_t c = 0; c < 4; ++c) {
    for (std::size_t r = 0; r < 4; ++r) t.values[r][c] = percent(k[r][c], n[c]);
    t.values[4][c] = n[c];
  }
  return t;
}

// --- Tables 5-6 and 21-22: firms active over the whole window, by export path ---

const std::vector<std::string>& path_rows() {
  static const std::vector<std::string> rows = {"Export", "Constant export", "New to export", "Stopped export",
                                                "No export"};
  return rows;
}

struct GroupTotals {
  double n = 0, fte0 = 0, fte1 = 0, va0 = 0, va1 = 0;
  void add(const YearObs& a, const YearObs& b) {
    n += 1, fte0 += a.fte, fte1 += b.fte, va0 += a.value_added, va1 += b.value_added;
  }
  double lp0() const { return ratio(va0, fte0) / kThousand; }  // EUR 1000 per FTE
  double lp1() const { return ratio(va1, fte1) / kThousand; }
};

bool reports_every_year(const FirmHistory& f) {
  for (const YearObs& o : f.years)
    if (!o.present) return false;
  return true;
}

// Totals per row of path_rows(): Export (2002), Constant, New, Stopped, No export (2002).
std::array<GroupTotals, 5> path_totals(const TableInputs& in, Group g) {
  require_year(in, kStatusYear);
  const std::uint64_t eu0 = eu_markets(*in.meta, in.start()), eu1 = eu_markets(*in.meta, kStatusYear);
  std::array<GroupTotals, 5> out{};
  for (std::size_t i = 0; i < in.firms.size(); ++i) {
    const FirmHistory& f = in.firms[i];
    if (!in_group(in, i, g) || !reports_every_year(f)) continue;
    const YearObs& status = f.at(kStatusYear, in.options.frame);
    if (!in_population(in, status)) continue;
    const bool x0 = trade_flags(in.first(i), eu0).exporter(), x1 = trade_flags(status, eu1).exporter();
    const YearObs &a = in.first(i), &b = in.last(i);
    out[x1 ? 0 : 4].add(a, b);
    if (x0 && x1) out[1].add(a, b);
    if (!x0 && x1) out[2].add(a, b);
    if (x0 && !x1) out[3].add(a, b);
  }
  return out;
}

double cagr(double from, double to, int years) {
  if (!(from > 0) || !(to > 0) || years <= 0) return nan_value();
  return 100.0 * (std::pow(to / from, 1.0 / years) - 1.0);
}

Table productivity_table(const TableInputs& in, Group g, const char* id, const std::string& title) {
  const std::string y0 = std::to_string(in.start()), y1 = std::to_string(in.end());
  Table t = make_table(id, title, path_rows(), {"#", "Labor productivity " + y0, "Labor productivity " + y1, "∆"});
  const auto totals = path_totals(in, g);
  for (std::size_t r = 0; r < totals.size(); ++r) {
    const GroupTotals& s = totals[r];
    t.values[r] = {s.n, s.lp0(), s.lp1(), 100.0 * (ratio(s.lp1(), s.lp0()) - 1.0)};
  }
  return t;
}

Table growth_table(const TableInputs& in, Group g, const char* id, const std::string& title) {
  Table t = make_table(id, title, path_rows(), {"#", "Employment", "Value added", "Labor productivity"});
  const int years = in.end() - in.start();
  const auto totals = path_totals(in, g);
  for (std::size_t r = 0; r < totals.size(); ++r) {
    const GroupTotals& s = totals[r];
    t.values[r] = {s.n, cagr(s.fte0, s.fte1, years), cagr(s.va0, s.va1, years), cagr(s.lp0(), s.lp1(), years)};
  }
  return t;
}

}  // namespace

TableOptions seed001_options(int first_year, int last_year) {
  TableOptions o;
  o.frame.start_year = first_year;
  o.frame.end_year = last_year;
  o.frame.min_fte_once = kMinFte;  // the population starts at 1 FTE, not seed 000's 10
  return o;
}

Table s001_table_01(const TableInputs& in) {
  return mode_table(in, Group::manufacturing, "s001_table_01",
                    "Mode of internationalization of Belgian SMEs in manufacturing (2002)");
}

Table s001_table_17(const TableInputs& in) {
  return mode_table(in, Group::services, "s001_table_17",
                    "Mode of internationalization of Belgian SMEs in services (2002)");
}

Table s001_table_02(const TableInputs& in) {
  return overlap_table(
      in, Group::manufacturing, "s001_table_02",
      "Percentage of exporting and importing manufacturing SMEs with other international activities (2002)");
}

Table s001_table_18(const TableInputs& in) {
  return overlap_table(
      in, Group::services, "s001_table_18",
      "Percentage of exporting and importing services SMEs with other international activities (2002)");
}

Table s001_table_03(const TableInputs& in) {
  std::vector<std::string> rows = {
      "10", "11", "13", "14", "15", "16", "17",    "18",
      "19", "20", "21", "22", "23", "24", "25",    "26",
      "27", "28", "29", "30", "31", "32", "33",    "34",
      "35", "36", "37", "40", "41", "45", "Total", "total core manufacturing (NACE 15-37)"};
  Table t = make_table("s001_table_03", "Percentage of exporting and importing manufacturing SMEs per sector (2002)",
                       std::move(rows), {"number of firms", "% export", "% import"});
  const auto members = cross_section(in, Group::manufacturing);
  fill_share_row(t, "Total", members, false, in);
  fill_share_row(t, "total core manufacturing (NACE 15-37)", members, true, in);
  t.notes.push_back("only the Total and core rows: the panel has industry groups, not NACE 2-digit sectors");
  return t;
}

Table s001_table_19(const TableInputs& in) {
  std::vector<std::string> rows = {"50", "51", "52", "55", "60", "61", "62", "63", "64",
                                   "65", "66", "67", "70", "71", "72", "73", "74", "Total"};
  Table t = make_table("s001_table_19", "Percentage of exporting and importing services SMEs per sector (2002)",
                       std::move(rows), {"number of firms", "% export", "% import"});
  fill_share_row(t, "Total", cross_section(in, Group::services), false, in);
  t.notes.push_back("only the Total row: the panel has industry groups, not NACE 2-digit sectors");
  return t;
}

Table s001_table_04(const TableInputs& in) {
  return size_table(in, Group::manufacturing, "s001_table_04",
                    "Percentage of importing and exporting manufacturing SMEs per size class (2002)");
}

Table s001_table_20(const TableInputs& in) {
  return size_table(in, Group::services, "s001_table_20",
                    "Percentage of importing and exporting services SMEs per size class (2002)");
}

Table s001_table_05(const TableInputs& in) {
  return productivity_table(in, Group::manufacturing, "s001_table_05",
                            "Labor productivity in Manufacturing SMEs (Value added per FTE employee, 1000 euro)");
}

Table s001_table_21(const TableInputs& in) {
  return productivity_table(in, Group::services, "s001_table_21",
                            "Labor productivity in Services SMEs (Value added per FTE employee, 1000 euro)");
}

Table s001_table_06(const TableInputs& in) {
  return growth_table(in, Group::manufacturing, "s001_table_06",
                      "Change in employment and value added in Manufacturing SMEs: CAGR (%) " +
                          std::to_string(in.start()) + "-" + std::to_string(in.end()));
}

Table s001_table_22(const TableInputs& in) {
  return growth_table(in, Group::services, "s001_table_22",
                      "Change in employment and value added in Services SMEs: CAGR (%) " + std::to_string(in.start()) +
                          "-" + std::to_string(in.end()));
}

}  // namespace firmsim::est
