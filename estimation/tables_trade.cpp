// Tables 1-5: export and employment by size class, sector and export status.
//
// Population: the dataset (sample frame). Size class (SME < 250 FTE vs large) is the
// start-of-window class (1998, or the first year a later entrant reports), except in
// Table 1, which the paper classifies by 2005 size (footnote 1). A firm that does not
// report in a year counts with zero exports and zero employment that year, so exits
// and entrants contribute their whole level to the changes.
#include <array>

#include "estimation/tables_common.hpp"

namespace firmsim::est {

using namespace detail;

namespace {

constexpr double kMillion = 1e6;

std::vector<std::string> sector_rows_with_total() {
  auto rows = sector_labels();
  rows.push_back("total");
  return rows;
}

// Sums of a change (and its base) for large firms and SMEs.
struct SizeSplit {
  double change_large = 0, change_sme = 0, base_large = 0, base_sme = 0;
  void add(bool sme, double change, double base) {
    (sme ? change_sme : change_large) += change;
    (sme ? base_sme : base_large) += base;
  }
  void add(const SizeSplit& o) {
    change_large += o.change_large, change_sme += o.change_sme;
    base_large += o.base_large, base_sme += o.base_sme;
  }
  double change() const { return change_large + change_sme; }
};

// Table 2/3 row: total, large, SME change in EUR million and the SME share (%).
void fill_export_row(Table& t, std::size_t row, const SizeSplit& s) {
  t.values[row] = {s.change() / kMillion, s.change_large / kMillion, s.change_sme / kMillion,
                   percent(s.change_sme, s.change())};
}

// Table 4/5 row: total, large (FTE, %), SME (FTE, %) and the SME share of the change.
void fill_employment_row(Table& t, std::size_t row, const SizeSplit& s) {
  t.values[row] = {s.change(),
                   s.change_large,
                   percent(s.change_large, s.base_large),
                   s.change_sme,
                   percent(s.change_sme, s.base_sme),
                   percent(s.change_sme, s.change())};
}

double export_change(const TableInputs& in, std::size_t i) {
  return static_cast<double>(in.last(i).exports) - static_cast<double>(in.first(i).exports);
}

double fte_change(const TableInputs& in, std::size_t i) {
  return static_cast<double>(in.last(i).fte) - static_cast<double>(in.first(i).fte);
}

// Row of Tables 2 and 4 for an export path; -1 for firms that never export (Table 2).
int path_row(ExportPath p, bool with_no_export) {
  const int offset = with_no_export ? 1 : 0;
  switch (p) {
    case ExportPath::none:
      return with_no_export ? 0 : -1;
    case ExportPath::continuing:
      return offset + 0;
    case ExportPath::stopping:
      return offset + 1;
    case ExportPath::starting:
      return offset + 2;
  }
  return -1;
}

}  // namespace

// The dataset itself: how many SMEs and large firms the sample frame holds (firms
// with at least 10 FTE in some window year; section 3.1's text, not a printed table).
// Size class as in Tables 2-5, at the firm's first window year: the text does not
// say which year classifies, and a firm's size moves little over the window.
Table sample_frame(const TableInputs& in) {
  Table t = make_table("sample_frame", "The dataset: SMEs and large firms (section 3.1)", {"SMEs", "large firms"},
                       {"firms"});
  double sme = 0, large = 0;
  for (const FirmHistory& f : in.firms) (f.sme() ? sme : large) += 1;
  t.values = {{sme}, {large}};
  return t;
}

// Table 1: 2005 exports by sector, size class by 2005 FTE. Columns 1-3 are the sector's
// share of export value, 4-5 the sector's share of exporting firms, 6 the SME share of
// the sector's exports (the paper's notes; column 4-5 reading inferred from the sums).
Table table_01(const TableInputs& in) {
  Table t = make_table(
      "table_01", "Distribution of total export by large firms and SMEs across sectors (2005)",
      sector_rows_with_total(),
      {"total export by industry: all firms", "total export by industry: Large firms", "total export by industry: SMEs",
       "% of all exporters: Large firms", "% of all exporters: SMEs", "% SMEs in total export"});
  const std::size_t n_sectors = sector_labels().size();
  std::vector<double> x_large(n_sectors), x_sme(n_sectors), n_large(n_sectors), n_sme(n_sectors);
  for (std::size_t i = 0; i < in.firms.size(); ++i) {
    const YearObs& o = in.last(i);
    const int s = firm_sector(in, i);
    if (!o.exporter() || s < 0) continue;
    const bool sme = size_class(o.fte, in.options.frame) != SizeClass::large;
    (sme ? x_sme : x_large)[static_cast<std::size_t>(s)] += o.exports;
    (sme ? n_sme : n_large)[static_cast<std::size_t>(s)] += 1;
  }
  double tx_large = 0, tx_sme = 0, tn_large = 0, tn_sme = 0;
  for (std::size_t s = 0; s < n_sectors; ++s)
    tx_large += x_large[s], tx_sme += x_sme[s], tn_large += n_large[s], tn_sme += n_sme[s];
  const double tx = tx_large + tx_sme;
  for (std::size_t s = 0; s < n_sectors; ++s) {
    const double xs = x_large[s] + x_sme[s];
    t.values[s] = {percent(xs, tx),           percent(x_large[s], tx_large),
                   percent(x_sme[s], tx_sme), percent(n_large[s], tn_large),
                   percent(n_sme[s], tn_sme), percent(x_sme[s], xs)};
  }
  t.values[n_sectors] = {percent(tx, tx),         percent(tx_large, tx_large),
                         percent(tx_sme, tx_sme), percent(tn_large, tn_large),
                         percent(tn_sme, tn_sme), percent(tx_sme, tx)};
  t.stats = {{"exporters_large", tn_large}, {"exporters_sme", tn_sme}};
  return t;
}

// Table 2: change in export value 1998-2005 by export status (continue = exports in
// both years, stop = 1998 only, start = 2005 only), in EUR million.
Table table_02(const TableInputs& in) {
  Table t = make_table("table_02", "Export growth SMEs and large firms, 1998-2005 (EUR million)",
                       {"continue export", "stop export", "start export", "total"},
                       {"total ∆", "∆ large", "∆ SME", "% SMEs"});
  std::array<SizeSplit, 3> by_path{};
  SizeSplit total;
  for (std::size_t i = 0; i < in.firms.size(); ++i) {
    const double d = export_change(in, i);
    total.add(in.firms[i].sme(), d, 0);
    const int row = path_row(export_path(in, i), false);
    if (row >= 0) by_path[static_cast<std::size_t>(row)].add(in.firms[i].sme(), d, 0);
  }
  for (std::size_t r = 0; r < 3; ++r) fill_export_row(t, r, by_path[r]);
  fill_export_row(t, 3, total);
  return t;
}

// Table 3: change in export value 1998-2005 by sector and size class, in EUR million.
Table table_03(const TableInputs& in) {
  Table t = make_table("table_03", "Export growth by industry, 1998-2005 (EUR million)", sector_rows_with_total(),
                       {"total ∆", "∆ large", "∆ SME", "% SMEs"});
  std::vector<SizeSplit> by_sector(sector_labels().size());
  SizeSplit total;
  for (std::size_t i = 0; i < in.firms.size(); ++i) {
    const int s = firm_sector(in, i);
    if (s < 0) continue;
    by_sector[static_cast<std::size_t>(s)].add(in.firms[i].sme(), export_change(in, i), 0);
  }
  for (std::size_t s = 0; s < by_sector.size(); ++s) {
    fill_export_row(t, s, by_sector[s]);
    total.add(by_sector[s]);
  }
  fill_export_row(t, by_sector.size(), total);
  return t;
}

// Table 4: change in FTE 1998-2005 by export status; ∆ (%) relative to the group's 1998
// FTE ("relative to base year employment"). Firms not reporting count with 0 FTE.
Table table_04(const TableInputs& in) {
  Table t = make_table("table_04", "Employment growth SMEs and large firms, 1998-2005 (FTE)",
                       {"no export", "continue export", "stop export", "start export", "total"},
                       {"total ∆", "Large: ∆", "Large: ∆ (%)", "SME: ∆", "SME: ∆ (%)", "% SMEs in total"});
  std::array<SizeSplit, 4> by_path{};
  SizeSplit total;
  for (std::size_t i = 0; i < in.firms.size(); ++i) {
    const bool sme = in.firms[i].sme();
    const double d = fte_change(in, i), base = in.first(i).fte;
    by_path[static_cast<std::size_t>(path_row(export_path(in, i), true))].add(sme, d, base);
    total.add(sme, d, base);
  }
  for (std::size_t r = 0; r < 4; ++r) fill_employment_row(t, r, by_path[r]);
  fill_employment_row(t, 4, total);
  return t;
}

// Table 5: change in FTE 1998-2005 by sector and size class.
Table table_05(const TableInputs& in) {
  Table t = make_table("table_05", "Employment growth by industry, 1998-2005 (FTE)", sector_rows_with_total(),
                       {"∆ total", "Large: ∆", "Large: ∆ (%)", "SME: ∆", "SME: ∆ (%)", "% SMEs in total"});
  std::vector<SizeSplit> by_sector(sector_labels().size());
  SizeSplit total;
  for (std::size_t i = 0; i < in.firms.size(); ++i) {
    const int s = firm_sector(in, i);
    if (s < 0) continue;
    by_sector[static_cast<std::size_t>(s)].add(in.firms[i].sme(), fte_change(in, i), in.first(i).fte);
  }
  for (std::size_t s = 0; s < by_sector.size(); ++s) {
    fill_employment_row(t, s, by_sector[s]);
    total.add(by_sector[s]);
  }
  fill_employment_row(t, by_sector.size(), total);
  return t;
}

}  // namespace firmsim::est
