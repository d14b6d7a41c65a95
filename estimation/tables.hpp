// Seed 000's tables (Belgian SMEs 1998-2005), computed on a panel measured like the
// real data. Each builder returns a Table whose id, row labels and column labels are
// exactly those of configs/targets/belgium_sme_1998_2005.yaml, so a simulated table
// and its published twin can be matched cell by cell.
//
// Samples and definitions follow each table's text in the paper; where the paper is
// silent, the choice is stated next to the builder (tables_*.cpp) and in
// estimation/README.md. Money is reported in EUR million where the paper does, shares
// in percent where the paper prints percent.
#pragma once

#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "estimation/typology.hpp"
#include "sim/panel.hpp"

namespace firmsim::est {

using Grid = std::vector<std::vector<double>>;  // rows x columns; NaN = empty cell

inline double nan_value() { return std::numeric_limits<double>::quiet_NaN(); }

struct Table {
  std::string id;  // "table_06"
  std::string title;
  std::vector<std::string> row_labels;
  std::vector<std::string> column_labels;
  Grid values;
  Grid se;     // standard errors; empty, or the shape of values
  Grid paren;  // p-values printed in parentheses (Tables 11, 12, 15); empty or same shape
  Grid stat;   // t or z statistics; empty or same shape
  std::vector<std::pair<std::string, double>> stats;  // n_obs, r2, chi_square, ...
  std::vector<std::string> notes;

  std::size_t rows() const { return row_labels.size(); }
  std::size_t cols() const { return column_labels.size(); }
  int row_index(const std::string& label) const;     // -1 when absent
  int column_index(const std::string& label) const;  // -1 when absent
  // The cell by labels; NaN when either label is absent.
  double at(const std::string& row, const std::string& column) const;
  double paren_at(const std::string& row, const std::string& column) const;  // NaN when absent or no paren
  double stat_value(const std::string& name) const;                          // NaN when absent
};

// A table of the given shape with every cell NaN.
Table make_table(std::string id, std::string title, std::vector<std::string> rows, std::vector<std::string> columns);
Grid nan_grid(std::size_t rows, std::size_t cols);

struct TableOptions {
  SampleFrame frame;
  TypologyRules rules;
  int young_from = 1993;  // Table 16: "young" = established in 1993 or later
};

// Observed market sets of a firm in one year, taken from FlowColumns (observed export
// or import > 0); from the firm-year masks when the panel carries no flows.
struct MarketSets {
  std::uint64_t exports = 0, imports = 0;
};

// Everything the builders read for one replicate.
struct TableInputs {
  const PanelMeta* meta = nullptr;
  TableOptions options;
  std::vector<FirmHistory> firms;      // the dataset (sample frame)
  std::vector<TypeAssignment> types;   // parallel to firms
  std::vector<MarketSets> start_sets;  // parallel to firms: first window year (1998)
  std::vector<MarketSets> end_sets;    // parallel to firms: last window year (2005)
  bool sets_from_flows = false;

  int start() const { return options.frame.start_year; }
  int end() const { return options.frame.end_year; }
  const YearObs& first(std::size_t i) const { return firms[i].years.front(); }
  const YearObs& last(std::size_t i) const { return firms[i].years.back(); }
};

TableInputs prepare_tables(const Panel& panel, int replicate, const TableOptions& options = {});

// The seed's broad sectors (Tables 1, 3, 5), in print order; -1 for an unknown sector.
const std::vector<std::string>& sector_labels();
int sector_row(const std::string& sector);

// --- Descriptive tables (tables_trade.cpp, tables_types.cpp) ---
Table sample_frame(const TableInputs& in);  // SMEs and large firms in the dataset (text, 3.1)
Table table_01(const TableInputs& in);  // export by sector and size class, 2005
Table table_02(const TableInputs& in);  // export growth by export status
Table table_03(const TableInputs& in);  // export growth by sector
Table table_04(const TableInputs& in);  // employment growth by export status
Table table_05(const TableInputs& in);  // employment growth by sector
Table table_06(const TableInputs& in);  // types x industry technology/globalization
Table table_07(const TableInputs& in);  // expected counts under independence, chi-square
Table table_08(const TableInputs& in);  // descriptives of the types, 1998 and 2005

// --- Regression tables (tables_regress.cpp), industry as absorbed fixed effects ---
Table table_09(const TableInputs& in);  // trader-type premia, 1998
Table table_10(const TableInputs& in);  // trader-type premia of continuing traders, 2005
Table table_11(const TableInputs& in);  // export growth OLS
Table table_12(const TableInputs& in);  // Heckman two-step
Table table_13(const TableInputs& in);  // probit marginal effects (continue exporting)
Table table_14(const TableInputs& in);  // Heckman and OLS marginal effects
Table table_15(const TableInputs& in);  // export-to-sales decomposition

// --- Dynamics (tables_dynamics.cpp, tables_markets.cpp) ---
Table table_16(const TableInputs& in);      // exit rates by group, paired t-tests over industries
Table table_17(const TableInputs& in);      // trade status 1998 -> 2005
Table table_18(const TableInputs& in);      // 1998 import-only SMEs by 2005 status
Table table_19(const TableInputs& in);      // 1998 export-only SMEs by 2005 status
Table table_20(const TableInputs& in);      // import -> export to the same country
Table table_21(const TableInputs& in);      // export -> import from the same country
Table table_22(const TableInputs& in);      // descriptive statistics of the variables
Table table_23(const TableInputs& in);      // number of export markets 1998 x 2005 (counts)
Table table_23_pct(const TableInputs& in);  // the same in row percent
Table table_24(const TableInputs& in);      // per-country transitions, 10 main partners
Table table_25(const TableInputs& in);      // per-country transitions, 10 non-EU partners

// Every seed 000 table above, in order, for one replicate.
std::vector<Table> build_tables(const Panel& panel, int replicate, const TableOptions& options = {});
std::vector<Table> build_tables(const TableInputs& in);
// Only the tables with the given ids (in the usual order; seed 000's, then
// seed 001's), e.g. what a calibration's moments need. The inputs must have
// been prepared with the options of the ids' seed (seed001_options for seed 001).
std::vector<Table> build_tables(const TableInputs& in, const std::vector<std::string>& ids);

// --- Seed 001 (tables_seed001.cpp): Belgian SMEs, VIO database, trade status in 2002,
// operating characteristics 1998-2003; ids "s001_table_NN" as in
// configs/targets/belgium_sme_1998_2003.yaml. Population: reporting SMEs with >= 1 FTE,
// < 250 FTE (SampleFrame::sme_below) and turnover < EUR 50 million in 2002. Their inputs
// come from seed001_options() (every firm with >= 1 FTE once, not seed 000's >= 10).
TableOptions seed001_options(int first_year = 1998, int last_year = 2003);
Table s001_table_01(const TableInputs& in);  // mode x geographic scope, manufacturing, 2002
Table s001_table_02(const TableInputs& in);  // overlap of the four trade flags, manufacturing
Table s001_table_03(const TableInputs& in);  // % exporting / importing, Total and core rows
Table s001_table_04(const TableInputs& in);  // the four flags by size class, manufacturing
Table s001_table_05(const TableInputs& in);  // labour productivity 1998/2003 by export path
Table s001_table_06(const TableInputs& in);  // CAGR 1998-2003 by export path
Table s001_table_17(const TableInputs& in);  // as 01, services
Table s001_table_18(const TableInputs& in);  // as 02, services
Table s001_table_19(const TableInputs& in);  // as 03, services (Total row)
Table s001_table_20(const TableInputs& in);  // as 04, services
Table s001_table_21(const TableInputs& in);  // as 05, services
Table s001_table_22(const TableInputs& in);  // as 06, services
std::vector<Table> build_seed001_tables(const TableInputs& in);
bool is_seed001_table(const std::string& id);

// The tables a target set names, for one replicate: seed 000's (all of them, from
// `options`) when it names any, seed 001's (from seed001_options over options' window)
// when it names any.
std::vector<Table> build_target_tables(const Panel& panel, int replicate, const TableOptions& options,
                                       const std::vector<std::string>& ids);

}  // namespace firmsim::est
