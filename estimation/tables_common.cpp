#include "estimation/tables_common.hpp"

#include <algorithm>

#include "estimation/descriptives.hpp"

namespace firmsim::est::detail {

const IndustryMeta* firm_industry(const TableInputs& in, std::size_t i) {
  const int k = in.firms[i].industry;
  if (k < 0 || static_cast<std::size_t>(k) >= in.meta->industries.size()) return nullptr;
  return &in.meta->industries[static_cast<std::size_t>(k)];
}

int firm_sector(const TableInputs& in, std::size_t i) {
  const IndustryMeta* ind = firm_industry(in, i);
  return ind ? sector_row(ind->sector) : -1;
}

bool traded_in_window(const FirmHistory& f) {
  return std::any_of(f.years.begin(), f.years.end(), [](const YearObs& o) { return o.trader(); });
}

int market_index(const PanelMeta& meta, const std::string& iso) {
  for (std::size_t m = 0; m < meta.markets.size() && m < 64; ++m)
    if (meta.markets[m].iso == iso) return static_cast<int>(m);
  return -1;
}

std::uint64_t eu_markets(const PanelMeta& meta, int year) {
  std::uint64_t eu = 0;
  for (std::size_t m = 0; m < meta.markets.size() && m < 64; ++m)
    if (meta.markets[m].is_eu(year)) eu |= std::uint64_t{1} << m;
  return eu;
}

MeanSe mean_se(const std::vector<double>& values) {
  const Summary s = summarize(values);
  MeanSe r;
  r.n = static_cast<std::size_t>(s.n);
  if (r.n == 0) return r;
  r.mean = s.mean;
  if (r.n >= 2) r.se = s.sd / std::sqrt(s.n);
  return r;
}

}  // namespace firmsim::est::detail
