// Tables 16-19, 22 and 23: exit, trade-status dynamics, descriptive statistics and the
// change in the number of export markets. All on SMEs of the dataset.
#include <array>
#include <functional>

#include "estimation/descriptives.hpp"
#include "estimation/tables_common.hpp"
#include "estimation/tests.hpp"
#include "estimation/transitions.hpp"

namespace firmsim::est {

using namespace detail;

namespace {

// Table 16's groups, in row order; -1 = in none of them.
// The groups are made mutually exclusive: a new exporter (BG/BI/TI) is in its type's
// group only, not also among the old traders (the paper lists the definitions without
// saying whether they overlap; a paired comparison of overlapping groups would be odd).
// BAG and EU-wide starters are in no group (too few firms, as in the paper).
int exit_group(const TableInputs& in, std::size_t i) {
  const FirmHistory& f = in.firms[i];
  if (!f.sme()) return -1;
  switch (in.types[i].type) {
    case ExportType::born_global:
      return 3;
    case ExportType::born_international:
      return 4;
    case ExportType::traditional:
      return 5;
    case ExportType::born_again_global:
    case ExportType::unclassified_eu_wide:
      return -1;
    case ExportType::none:
      break;
  }
  const bool old = f.founding_year < in.options.young_from;
  const bool traded = traded_in_window(f);
  if (old) return traded ? 0 : 1;
  return traded ? -1 : 2;  // young traders that are not new exporters: no group
}

// Exit rate of each group in each industry (NaN where the group has no firm there).
std::vector<std::vector<double>> industry_exit_rates(const TableInputs& in, std::size_t groups) {
  const std::size_t k = in.meta->industries.size();
  std::vector<std::vector<double>> exits(groups, std::vector<double>(k, 0.0)), firms = exits;
  for (std::size_t i = 0; i < in.firms.size(); ++i) {
    const int g = exit_group(in, i);
    const int ind = in.firms[i].industry;
    if (g < 0 || ind < 0 || static_cast<std::size_t>(ind) >= k) continue;
    firms[static_cast<std::size_t>(g)][static_cast<std::size_t>(ind)] += 1;
    exits[static_cast<std::size_t>(g)][static_cast<std::size_t>(ind)] += in.firms[i].exited ? 1 : 0;
  }
  for (std::size_t g = 0; g < groups; ++g)
    for (std::size_t j = 0; j < k; ++j) exits[g][j] = ratio(exits[g][j], firms[g][j]);
  return exits;
}

std::size_t common_count(const std::vector<double>& a, const std::vector<double>& b) {
  std::size_t n = 0;
  for (std::size_t j = 0; j < a.size(); ++j) n += std::isfinite(a[j]) && std::isfinite(b[j]);
  return n;
}

}  // namespace

// Table 16: exit rate per group and industry, averaged over the industries where the
// group is present (SE of that average), and paired t-tests over common industries of
// the row group minus the column group. Exit = reports in the window, not in 2005.
Table table_16(const TableInputs& in) {
  const std::vector<std::string> groups = {"old traders", "old non-traders", "young non-traders", "BG", "BI", "TI"};
  std::vector<std::string> cols = {"exit rate"};
  for (const auto& g : groups) cols.push_back("∆ " + g);
  Table t = make_table("table_16", "Differences in exit rates between different types of traders and non-traders",
                       groups, cols);
  t.se = nan_grid(t.rows(), t.cols());
  t.stat = nan_grid(t.rows(), t.cols());
  const auto rates = industry_exit_rates(in, groups.size());
  for (std::size_t r = 0; r < groups.size(); ++r) {
    const MeanSe m = mean_se(rates[r]);
    t.values[r][0] = m.mean, t.se[r][0] = m.se;
    for (std::size_t c = 0; c < groups.size(); ++c) {
      if (c == r || common_count(rates[r], rates[c]) < 2) continue;
      const TTestResult tt = paired_t_test(rates[r], rates[c]);
      t.values[r][c + 1] = tt.difference, t.se[r][c + 1] = tt.se, t.stat[r][c + 1] = tt.t;
    }
  }
  return t;
}

namespace {

const std::vector<std::string>& status_labels() {
  static const std::vector<std::string> labels = {"no trade", "import only", "export only", "two way trade"};
  return labels;
}

}  // namespace

// Table 17: trade status in 1998 (rows) against 2005 (columns, with exit) for the SMEs
// reporting in 1998; the first column counts them, the others are row percentages.
Table table_17(const TableInputs& in) {
  auto rows = status_labels();
  rows.push_back("total");
  Table t = make_table("table_17", "Evolution of trading status SMEs active in 1998", rows,
                       {"# SMEs active in 1998", "2005: exit", "2005: no trade", "2005: import only",
                        "2005: export only", "2005: two way trade"});
  // States: 0 = exit, 1 + TradeStatus otherwise.
  std::vector<int> from, to;
  for (std::size_t i = 0; i < in.firms.size(); ++i) {
    if (!in.firms[i].sme() || !in.first(i).present) continue;
    from.push_back(1 + static_cast<int>(trade_status(in.first(i))));
    to.push_back(in.firms[i].exited ? 0 : 1 + static_cast<int>(trade_status(in.last(i))));
  }
  std::vector<std::string> states = {"exit"};
  for (const auto& s : status_labels()) states.push_back(s);
  const TransitionMatrix tm = transition_matrix(from, to, states);
  for (std::size_t r = 0; r <= status_labels().size(); ++r) {
    const bool total = r == status_labels().size();
    const auto k = static_cast<Eigen::Index>(r + 1);
    const double n = total ? tm.total : tm.row_totals(k);
    t.values[r][0] = n;
    for (Eigen::Index c = 0; c < 5; ++c)
      t.values[r][static_cast<std::size_t>(c) + 1] = percent(total ? tm.column_totals(c) : tm.counts(k, c), n);
  }
  return t;
}

namespace {

// Sums over a group of firms that report in both window years (Tables 18-19).
struct Changes {
  double n = 0, fte0 = 0, fte1 = 0, va0 = 0, va1 = 0, to0 = 0, to1 = 0;
  double products0 = 0, products1 = 0, countries0 = 0, countries1 = 0;
};

void add_changes(Changes& c, const YearObs& a, const YearObs& b, bool imports) {
  c.n += 1;
  c.fte0 += a.fte, c.fte1 += b.fte;
  c.va0 += a.value_added, c.va1 += b.value_added;
  c.to0 += a.turnover, c.to1 += b.turnover;
  c.products0 += imports ? a.n_import_products : a.n_export_products;
  c.products1 += imports ? b.n_import_products : b.n_export_products;
  c.countries0 += imports ? a.n_import_markets : a.n_export_markets;
  c.countries1 += imports ? b.n_import_markets : b.n_export_markets;
}

double change_pct(double before, double after) { return percent(after - before, before); }

// Columns of Tables 18-19 as trade statuses in 2005.
Table status_evolution(const TableInputs& in, Table t, TradeStatus origin, const std::array<TradeStatus, 4>& columns,
                       bool imports) {
  std::array<Changes, 4> groups{};
  for (std::size_t i = 0; i < in.firms.size(); ++i) {
    if (!in.firms[i].sme() || !in.first(i).present || !in.last(i).present) continue;
    if (trade_status(in.first(i)) != origin) continue;
    for (std::size_t c = 0; c < 4; ++c)
      if (trade_status(in.last(i)) == columns[c]) add_changes(groups[c], in.first(i), in.last(i), imports);
  }
  double active = 0;
  for (const auto& g : groups) active += g.n;
  for (std::size_t c = 0; c < 4; ++c) {
    const Changes& g = groups[c];
    t.values[0][c] = change_pct(g.fte0, g.fte1);
    t.values[1][c] = change_pct(g.va0, g.va1);
    t.values[2][c] = change_pct(ratio(g.va0, g.fte0), ratio(g.va1, g.fte1));
    t.values[3][c] = change_pct(g.to0, g.to1);
    if (c < 2) {  // the two columns that still trade in the origin direction
      t.values[4][c] = change_pct(g.products0, g.products1);
      t.values[5][c] = change_pct(g.countries0, g.countries1);
    }
    t.values[6][c] = g.n;
    t.values[7][c] = percent(g.n, active);
  }
  return t;
}

}  // namespace

// Tables 18-19: SMEs that only imported (exported) in 1998 and still report in 2005, by
// 2005 status. The paper does not say whether ∆ is the change of group totals or the
// mean of firm changes; here it is the percent change of the group total (for
// productivity: of total value added over total FTE; for products and countries: of
// their group sum, i.e. of the group mean, on the same firms).
Table table_18(const TableInputs& in) {
  Table t = make_table("table_18", "Evolution of trading status of SMEs that only imported in 1998",
                       {"∆ employment", "∆ value added", "∆ labor productivity", "∆ turnover", "∆ import products",
                        "∆ import countries", "N", "%"},
                       {"M+X 2005", "Import only 2005", "Export only 2005", "No trade 2005"});
  return status_evolution(
      in, std::move(t), TradeStatus::import_only,
      {TradeStatus::two_way, TradeStatus::import_only, TradeStatus::export_only, TradeStatus::no_trade}, true);
}

Table table_19(const TableInputs& in) {
  Table t = make_table("table_19", "Evolution of trading status of SMEs that only exported in 1998",
                       {"∆ employment", "∆ value added", "∆ labor productivity", "∆ turnover", "∆ export products",
                        "∆ export countries", "N", "%"},
                       {"M+X 2005", "Export only 2005", "Import only 2005", "No trade 2005"});
  return status_evolution(
      in, std::move(t), TradeStatus::export_only,
      {TradeStatus::two_way, TradeStatus::export_only, TradeStatus::import_only, TradeStatus::no_trade}, false);
}

namespace {

using Extract = std::function<double(const FirmHistory&, const SampleFrame&)>;

// A log of a firm-year quantity in one year (NaN when the firm does not report).
Extract log_of(int year, std::function<double(const YearObs&)> value) {
  return [year, value](const FirmHistory& f, const SampleFrame& fr) {
    const YearObs& o = f.at(year, fr);
    return o.present ? log_or_nan(value(o)) : nan_value();
  };
}

double per_fte(double v, const YearObs& o) { return ratio(v, o.fte); }

std::vector<std::pair<std::string, Extract>> table_22_variables(int y0, int y1) {
  std::vector<std::pair<std::string, Extract>> v;
  const std::array<std::pair<int, const char*>, 2> years = {{{y0, "98"}, {y1, "05"}}};
  auto both = [&](const std::string& stem, const std::string& sep, std::function<double(const YearObs&)> f) {
    for (const auto& [y, yy] : years) v.emplace_back(stem + sep + yy, log_of(y, f));
  };
  both("ln_FTE", "", [](const YearObs& o) { return o.fte; });
  both("ln_VA", "", [](const YearObs& o) { return o.value_added; });
  both("ln_prod", "_", [](const YearObs& o) { return per_fte(o.value_added, o); });
  both("ln_FA", "", [](const YearObs& o) { return o.fixed_assets; });
  both("ln_FA_FTE", "", [](const YearObs& o) { return per_fte(o.fixed_assets, o); });
  both("ln_IA", "", [](const YearObs& o) { return o.intangible_assets; });
  both("ln_IA_FTE", "", [](const YearObs& o) { return per_fte(o.intangible_assets, o); });
  both("ln_RD", "", [](const YearObs& o) { return o.rnd; });
  both("ln_RD_FTE", "", [](const YearObs& o) { return per_fte(o.rnd, o); });
  v.emplace_back("ln_M_FTE98", log_of(y0, [](const YearObs& o) { return per_fte(o.imports, o); }));
  v.emplace_back("ln_X98", log_of(y0, [](const YearObs& o) { return o.exports; }));
  v.emplace_back("ln_X05", log_of(y1, [](const YearObs& o) { return o.exports; }));
  v.emplace_back("TFP98", [y0](const FirmHistory& f, const SampleFrame& fr) {
    const YearObs& o = f.at(y0, fr);
    return o.present && std::isfinite(o.tfp) ? double(o.tfp) : nan_value();
  });
  v.emplace_back("avg_ln_X05-ln_X98", [y0, y1](const FirmHistory& f, const SampleFrame& fr) {
    return (log_or_nan(f.at(y1, fr).exports) - log_or_nan(f.at(y0, fr).exports)) / (y1 - y0);
  });
  both("ln_M_TO", "", [](const YearObs& o) { return ratio(o.imports, o.turnover); });
  both("ln_Np", "", [](const YearObs& o) { return double(o.n_export_products); });
  both("ln_Nc", "", [](const YearObs& o) { return double(o.n_export_markets); });
  return v;
}

}  // namespace

// Table 22: N, mean and SD of the study's log variables over the SMEs of the dataset for
// which they are defined (positive values, reporting that year), as Stata's summarize.
Table table_22(const TableInputs& in) {
  const auto vars = table_22_variables(in.start(), in.end());
  std::vector<std::string> rows;
  for (const auto& v : vars) rows.push_back(v.first);
  Table t = make_table("table_22", "Descriptive statistics of variables", rows, {"Obs", "Mean", "Std. Dev."});
  // One pass over the firms for all variables (a pass per variable read every
  // history 30 times); each variable's values keep the firms' order.
  std::vector<std::vector<double>> values(vars.size());
  for (const FirmHistory& f : in.firms) {
    if (!f.sme()) continue;
    for (std::size_t r = 0; r < vars.size(); ++r) values[r].push_back(vars[r].second(f, in.options.frame));
  }
  for (std::size_t r = 0; r < vars.size(); ++r) {
    const Summary s = summarize(values[r]);
    t.values[r] = {s.n, s.n > 0 ? s.mean : nan_value(), s.n > 1 ? s.sd : nan_value()};
  }
  return t;
}

namespace {

const std::vector<std::string>& market_bins() {
  static const std::vector<std::string> labels = {"0", "1", "2", "3", "4", "5", "6-10", "11-25", "26-50", ">50"};
  return labels;
}

int market_bin(int n) {
  if (n <= 5) return n;
  if (n <= 10) return 6;
  if (n <= 25) return 7;
  if (n <= 50) return 8;
  return 9;
}

int markets_in(const YearObs& o) { return o.exporter() ? o.n_export_markets : 0; }

// SMEs exporting in 1998 by their 1998 and 2005 number of export markets.
TransitionMatrix export_market_transitions(const TableInputs& in) {
  std::vector<int> from, to;
  for (std::size_t i = 0; i < in.firms.size(); ++i) {
    if (!in.firms[i].sme() || markets_in(in.first(i)) < 1) continue;
    from.push_back(market_bin(markets_in(in.first(i))));
    to.push_back(market_bin(markets_in(in.last(i))));
  }
  return transition_matrix(from, to, market_bins());
}

Table market_table(const char* id, const char* title) {
  std::vector<std::string> rows(market_bins().begin() + 1, market_bins().end());
  rows.push_back("total");
  auto cols = market_bins();
  cols.push_back("total");
  return make_table(id, title, rows, cols);
}

}  // namespace

// Table 23: SMEs exporting in 1998 by number of export countries in 1998 (rows) and 2005
// (columns; 0 = no exports in 2005, exits included), counts.
Table table_23(const TableInputs& in) {
  Table t = market_table("table_23", "Change in number of export markets (1998-2005) - counts (# SMEs)");
  const TransitionMatrix tm = export_market_transitions(in);
  const std::size_t last = t.rows() - 1;
  for (std::size_t r = 0; r < last; ++r) {
    for (std::size_t c = 0; c < 10; ++c)
      t.values[r][c] = tm.counts(static_cast<Eigen::Index>(r + 1), static_cast<Eigen::Index>(c));
    t.values[r][10] = tm.row_totals(static_cast<Eigen::Index>(r + 1));
  }
  for (std::size_t c = 0; c < 10; ++c) t.values[last][c] = tm.column_totals(static_cast<Eigen::Index>(c));
  t.values[last][10] = tm.total;
  return t;
}

// The same as row percentages (the total column is 100 for every non-empty row).
Table table_23_pct(const TableInputs& in) {
  const Table counts = table_23(in);
  Table t = market_table("table_23_pct", "Change in number of export markets (1998-2005) - row percentages");
  for (std::size_t r = 0; r < t.rows(); ++r)
    for (std::size_t c = 0; c < t.cols(); ++c) t.values[r][c] = percent(counts.values[r][c], counts.values[r][10]);
  return t;
}

}  // namespace firmsim::est
