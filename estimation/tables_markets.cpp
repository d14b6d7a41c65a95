// Tables 20, 21, 24, 25: per-country transitions between importing from and exporting
// to the same country, 1998 -> 2005, for the SMEs reporting in 1998.
//
// Per partner country c (looked up by ISO code in PanelMeta::markets; NaN when the world
// lacks it), with the observed per-market flows of 1998 and 2005 (TableInputs::*_sets):
//  - no trade:        firms with no observed trade at all in 1998;
//  - sourcing from c: firms importing from c but not exporting to c in 1998
//                     ("firms that only imported from a certain country");
//  - exporting to c:  firms exporting to c but not importing from c in 1998;
//  - other trade:     firms trading in 1998, but neither to nor from c.
// Each share = fraction of the group exporting to (importing from) c in 2005; firms
// that exit count as not trading in 2005.
// Tables 20-21 average the shares over the countries of a group (Table 24's ten main
// partners, Table 25's ten non-EU partners, as printed; US and CH are in the first list
// although they are not EU members) and compare them with a paired t-test across those
// countries; the level columns carry the SE of the mean over countries.
#include <array>

#include "estimation/tables_common.hpp"
#include "estimation/tests.hpp"

namespace firmsim::est {

using namespace detail;

namespace {

const std::vector<std::string>& main_partners() {
  static const std::vector<std::string> iso = {"NL", "DE", "FR", "LU", "GB", "IT", "US", "ES", "CH", "DK"};
  return iso;
}

const std::vector<std::string>& distant_partners() {
  static const std::vector<std::string> iso = {"US", "CN", "PL", "JP", "TW", "CA", "IN", "RU", "BR", "TR"};
  return iso;
}

// Shares (fractions) of one partner country; NaN where a group is empty or the country
// is not in the world.
struct CountryShares {
  double none_to_export = nan_value(), none_to_import = nan_value();
  double import_to_export = nan_value(), export_to_import = nan_value();
  double other_to_export = nan_value(), other_to_import = nan_value();
};

struct Count {
  double at_risk = 0, moved = 0;
  void add(bool moved_now) { at_risk += 1, moved += moved_now ? 1 : 0; }
  double share() const { return ratio(moved, at_risk); }
};

// The counts of one partner country.
struct CountryCounts {
  Count none_x, none_m, m_to_x, x_to_m, other_x, other_m;

  void add(const MarketSets& a, const MarketSets& b, bool alive, bool trader, std::uint64_t bit) {
    const bool x1 = alive && (b.exports & bit), m1 = alive && (b.imports & bit);
    const bool x0 = a.exports & bit, m0 = a.imports & bit;
    if (!trader) none_x.add(x1), none_m.add(m1);
    if (m0 && !x0) m_to_x.add(x1);
    if (x0 && !m0) x_to_m.add(m1);
    if (trader && !x0 && !m0) other_x.add(x1), other_m.add(m1);
  }

  CountryShares shares() const {
    CountryShares s;
    s.none_to_export = none_x.share(), s.none_to_import = none_m.share();
    s.import_to_export = m_to_x.share(), s.export_to_import = x_to_m.share();
    s.other_to_export = other_x.share(), s.other_to_import = other_m.share();
    return s;
  }
};

// The shares of every country of a group in one pass over the firms (a pass per
// country read each firm's history ten times over). The counts are whole numbers,
// so they do not depend on the order they are added in.
std::vector<CountryShares> group_shares(const TableInputs& in, const std::vector<std::string>& iso) {
  std::vector<int> markets;
  for (const auto& code : iso) markets.push_back(market_index(*in.meta, code));
  std::vector<CountryCounts> counts(iso.size());
  for (std::size_t i = 0; i < in.firms.size(); ++i) {
    if (!in.firms[i].sme() || !in.first(i).present) continue;
    const MarketSets& a = in.start_sets[i];
    const MarketSets& b = in.end_sets[i];
    const bool alive = in.last(i).present;
    const bool trader = in.first(i).trader() || a.exports || a.imports;
    for (std::size_t c = 0; c < markets.size(); ++c)
      if (markets[c] >= 0) counts[c].add(a, b, alive, trader, std::uint64_t{1} << markets[c]);
  }
  std::vector<CountryShares> out;  // NaN where the world lacks the country
  for (std::size_t c = 0; c < markets.size(); ++c) out.push_back(markets[c] >= 0 ? counts[c].shares() : CountryShares{});
  return out;
}

Table country_table(const TableInputs& in, const char* id, const char* title, const std::vector<std::string>& iso) {
  Table t = make_table(id, title, iso,
                       {"no trade, active in 1998: export 2005", "no trade, active in 1998: import 2005",
                        "sourcing from [country] in 1998: export 2005", "exporting to [country] in 1998: import 2005"});
  const auto shares = group_shares(in, iso);
  for (std::size_t r = 0; r < iso.size(); ++r) {
    const CountryShares& s = shares[r];
    t.values[r] = {100 * s.none_to_export, 100 * s.none_to_import, 100 * s.import_to_export, 100 * s.export_to_import};
  }
  return t;
}

std::size_t finite_pairs(const std::vector<double>& a, const std::vector<double>& b) {
  std::size_t n = 0;
  for (std::size_t j = 0; j < a.size(); ++j) n += std::isfinite(a[j]) && std::isfinite(b[j]);
  return n;
}

// One row of Tables 20-21: the experienced share, the comparison shares and the paired
// differences, averaged over a group's countries.
void fill_transition_row(Table& t, std::size_t row, const std::vector<double>& experienced,
                         const std::vector<double>& other, const std::vector<double>& none) {
  const MeanSe e = mean_se(experienced), o = mean_se(other), n = mean_se(none);
  t.values[row][0] = e.mean, t.se[row][0] = e.se;
  t.values[row][1] = o.mean, t.se[row][1] = o.se;
  t.values[row][3] = n.mean, t.se[row][3] = n.se;
  const std::array<std::pair<std::size_t, const std::vector<double>*>, 2> deltas = {{{2, &other}, {4, &none}}};
  for (const auto& [col, base] : deltas) {
    if (finite_pairs(experienced, *base) < 2) continue;
    const TTestResult tt = paired_t_test(experienced, *base);
    t.values[row][col] = tt.difference, t.se[row][col] = tt.se, t.stat[row][col] = tt.t;
  }
}

Table transition_table(const TableInputs& in, const char* id, const char* title, std::vector<std::string> columns,
                       bool to_export) {
  Table t = make_table(id, title, {"main EU trading partners", "non-EU trading partners"}, std::move(columns));
  t.se = nan_grid(t.rows(), t.cols());
  t.stat = nan_grid(t.rows(), t.cols());
  const std::array<const std::vector<std::string>*, 2> groups = {&main_partners(), &distant_partners()};
  for (std::size_t r = 0; r < 2; ++r) {
    std::vector<double> experienced, other, none;
    for (const CountryShares& s : group_shares(in, *groups[r])) {
      experienced.push_back(to_export ? s.import_to_export : s.export_to_import);
      other.push_back(to_export ? s.other_to_export : s.other_to_import);
      none.push_back(to_export ? s.none_to_export : s.none_to_import);
    }
    fill_transition_row(t, r, experienced, other, none);
  }
  return t;
}

}  // namespace

Table table_20(const TableInputs& in) {
  return transition_table(in, "table_20", "Transition from import to export",
                          {"import to export", "other country trade to export", "∆ other country trade to export",
                           "no trade to export", "∆ no trade to export"},
                          true);
}

// Column labels 2-3 as printed in the paper ("... to export", though they are about
// starting to import), so that they match the targets file.
Table table_21(const TableInputs& in) {
  return transition_table(in, "table_21", "Transition from export to import",
                          {"export to import", "other country trade to export", "∆ other country trade to export",
                           "no trade to import", "∆ no trade to import"},
                          false);
}

Table table_24(const TableInputs& in) {
  return country_table(in, "table_24", "Evolution from import to export and vice versa (10 main trading partners)",
                       main_partners());
}

Table table_25(const TableInputs& in) {
  return country_table(in, "table_25", "Evolution from import to export and vice versa (10 non-EU trading partners)",
                       distant_partners());
}

}  // namespace firmsim::est
