// Tables 6-8: the types of newly internationalizing SMEs across industry classes, the
// contingency test, and the types' descriptives.
#include <algorithm>
#include <array>
#include <stdexcept>

#include "estimation/descriptives.hpp"
#include "estimation/tables_common.hpp"
#include "estimation/tests.hpp"

namespace firmsim::est {

using namespace detail;

namespace {

// The four printed types, in the row order of Tables 6-7.
constexpr std::array<ExportType, 4> kTypeRows = {ExportType::born_global, ExportType::born_international,
                                                 ExportType::traditional, ExportType::born_again_global};

int type_row(ExportType t) {
  for (std::size_t r = 0; r < kTypeRows.size(); ++r)
    if (kTypeRows[r] == t) return static_cast<int>(r);
  return -1;
}

// Column of Tables 6-7: technology class (HT-MH, LT-ML, other) x local/global.
int industry_class_column(const IndustryMeta& ind) {
  int tech = -1;
  if (ind.technology == "HT-MH")
    tech = 0;
  else if (ind.technology == "LT-ML")
    tech = 1;
  else if (ind.technology == "other")
    tech = 2;
  return tech < 0 ? -1 : 2 * tech + (ind.globalized ? 1 : 0);
}

const std::vector<std::string>& industry_class_labels() {
  static const std::vector<std::string> labels = {"HT-MH local",  "HT-MH global",           "LT-ML local",
                                                  "LT-ML global", "other industries local", "other industries global"};
  return labels;
}

// Counts of typed firms by type (4 rows) and industry class (6 columns).
Grid type_industry_counts(const TableInputs& in) {
  Grid counts(kTypeRows.size(), std::vector<double>(6, 0.0));
  for (std::size_t i = 0; i < in.firms.size(); ++i) {
    const int r = type_row(in.types[i].type);
    const IndustryMeta* ind = firm_industry(in, i);
    const int c = ind ? industry_class_column(*ind) : -1;
    if (r >= 0 && c >= 0) counts[static_cast<std::size_t>(r)][static_cast<std::size_t>(c)] += 1;
  }
  return counts;
}

double row_sum(const std::vector<double>& row) {
  double s = 0;
  for (double v : row) s += v;
  return s;
}

}  // namespace

// Table 6: counts of the typed new exporters by type and industry class, with totals.
// The industry is the firm's (the model has no industry switching), so firms that exit
// before 2005 keep theirs (the paper drops 25 of 5,877 firms without a 2005 code).
Table table_06(const TableInputs& in) {
  auto cols = industry_class_labels();
  cols.push_back("total");
  Table t = make_table("table_06",
                       "Distribution of strategic types of newly internationalizing SMEs across "
                       "industries according to industry technology intensity and globalization (2005)",
                       {"BG", "BI", "TI", "BAG", "total"}, cols);
  const Grid counts = type_industry_counts(in);
  std::vector<double> column_total(7, 0.0);
  for (std::size_t r = 0; r < counts.size(); ++r) {
    t.values[r] = counts[r];
    t.values[r].push_back(row_sum(counts[r]));
    for (std::size_t c = 0; c < 7; ++c) column_total[c] += t.values[r][c];
  }
  t.values[counts.size()] = column_total;
  return t;
}

namespace {

// Keeps the rows and columns with a positive total (the chi-square test needs them).
std::vector<std::size_t> nonempty_rows(const Grid& g) {
  std::vector<std::size_t> keep;
  for (std::size_t r = 0; r < g.size(); ++r)
    if (row_sum(g[r]) > 0) keep.push_back(r);
  return keep;
}

std::vector<std::size_t> nonempty_columns(const Grid& g) {
  std::vector<std::size_t> keep;
  for (std::size_t c = 0; c < g.front().size(); ++c) {
    double s = 0;
    for (const auto& row : g) s += row[c];
    if (s > 0) keep.push_back(c);
  }
  return keep;
}

}  // namespace

// Table 7: expected counts under independence (row total x column total / N) and
// Pearson's chi-square. Empty rows or columns (e.g. no BAG firm in a small run) have
// expected count 0 and are left out of the test, which lowers its degrees of freedom.
Table table_07(const TableInputs& in) {
  Table t = make_table("table_07",
                       "Expected distribution of strategic types of newly internationalizing SMEs "
                       "across industries according to industry technology intensity and globalization",
                       {"BG", "BI", "TI", "BAG"}, industry_class_labels());
  const Grid counts = type_industry_counts(in);
  const auto rows = nonempty_rows(counts), cols = nonempty_columns(counts);
  if (rows.size() < 2 || cols.size() < 2) {
    t.notes.push_back("too few non-empty rows or columns for the chi-square test");
    return t;
  }
  Matrix observed(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(cols.size()));
  for (std::size_t a = 0; a < rows.size(); ++a)
    for (std::size_t b = 0; b < cols.size(); ++b)
      observed(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(b)) = counts[rows[a]][cols[b]];
  const ChiSquareResult chi = chi_square_independence(observed);
  for (auto& row : t.values) std::fill(row.begin(), row.end(), 0.0);
  for (std::size_t a = 0; a < rows.size(); ++a)
    for (std::size_t b = 0; b < cols.size(); ++b)
      t.values[rows[a]][cols[b]] = chi.expected(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(b));
  t.stats = {{"chi_square", chi.chi2}, {"df", chi.df}, {"p_value", chi.p}};
  return t;
}

namespace {

enum class Population { present, exporters, importers };

// Mean of a firm-year value over a type's firms in a population of one year (NaN if none).
template <class Value>
double type_mean(const TableInputs& in, const std::vector<std::size_t>& of_type, int year, Population pop,
                 Value value) {
  std::vector<double> xs;
  for (std::size_t i : of_type) {
    const YearObs& o = in.firms[i].at(year, in.options.frame);
    const bool member = pop == Population::present     ? o.present
                        : pop == Population::exporters ? o.exporter()
                                                       : o.importer();
    if (member) xs.push_back(value(o));
  }
  const Summary s = summarize(xs);
  return s.n > 0 ? s.mean : nan_value();
}

// The type's firms, in dataset order: found once, not once per mean (Table 8 takes
// 72 means over ~350,000 firms).
std::vector<std::size_t> firms_of_type(const TableInputs& in, ExportType type) {
  std::vector<std::size_t> of_type;
  for (std::size_t i = 0; i < in.firms.size(); ++i)
    if (in.types[i].type == type) of_type.push_back(i);
  return of_type;
}

std::vector<double> type_year_column(const TableInputs& in, const std::vector<std::size_t>& of_type, int year) {
  using P = Population;
  const double mio = 1e6;
  return {
      type_mean(in, of_type, year, P::present, [](const YearObs& o) { return double(o.fte); }),
      type_mean(in, of_type, year, P::present, [&](const YearObs& o) { return o.value_added / mio; }),
      type_mean(in, of_type, year, P::present, [&](const YearObs& o) { return o.turnover / mio; }),
      type_mean(in, of_type, year, P::exporters, [&](const YearObs& o) { return o.exports / mio; }),
      type_mean(in, of_type, year, P::exporters, [](const YearObs& o) { return double(o.n_export_markets); }),
      type_mean(in, of_type, year, P::exporters, [](const YearObs& o) { return double(o.n_export_products); }),
      type_mean(in, of_type, year, P::present, [](const YearObs& o) { return o.importer() ? 100.0 : 0.0; }),
      type_mean(in, of_type, year, P::importers, [](const YearObs& o) { return double(o.n_import_markets); }),
      type_mean(in, of_type, year, P::importers, [](const YearObs& o) { return double(o.n_import_products); }),
  };
}

}  // namespace

// Table 8: means by type and year. The paper does not say over which firms; here size
// and money rows are over the type's firms reporting that year, the export rows over
// those exporting that year, % importers over those reporting, and the import rows over
// those importing (the paper's notes infer the last).
Table table_08(const TableInputs& in) {
  Table t = make_table("table_08",
                       "Descriptives (means) of strategic types of newly internationalizing SMEs (FTE, EUR million)",
                       {"employment", "value added", "turnover", "export", "export countries", "export products",
                        "% importers", "import countries", "import products"},
                       {"BG 1998", "BG 2005", "BAG 1998", "BAG 2005", "BI 1998", "BI 2005", "TI 1998", "TI 2005"});
  const std::array<ExportType, 4> order = {ExportType::born_global, ExportType::born_again_global,
                                           ExportType::born_international, ExportType::traditional};
  for (std::size_t k = 0; k < order.size(); ++k) {
    const std::vector<std::size_t> of_type = firms_of_type(in, order[k]);
    for (int j = 0; j < 2; ++j) {
      const auto column = type_year_column(in, of_type, j == 0 ? in.start() : in.end());
      for (std::size_t r = 0; r < column.size(); ++r) t.values[r][2 * k + static_cast<std::size_t>(j)] = column[r];
    }
    double n = 0;
    for (const auto& a : in.types) n += a.type == order[k] ? 1 : 0;
    t.stats.push_back({std::string("N ") + type_code(order[k]), n});
  }
  return t;
}

}  // namespace firmsim::est
