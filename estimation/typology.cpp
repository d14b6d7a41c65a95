#include "estimation/typology.hpp"

#include <algorithm>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include "sim/input_error.hpp"

namespace firmsim::est {

SizeClass size_class(float fte, const SampleFrame& frame) {
  if (fte < frame.small_below) return SizeClass::small;
  if (fte < frame.sme_below) return SizeClass::medium;
  return SizeClass::large;
}

namespace {

void check_window(const PanelMeta& meta, const SampleFrame& frame) {
  if (frame.end_year < frame.start_year) throw InputError("", 0, "window", "the study window ends before it starts");
  if (meta.first_year > frame.start_year || meta.last_year < frame.end_year)
    throw InputError("", 0, "first_year/last_year",
                     "the panel covers " + std::to_string(meta.first_year) + "-" + std::to_string(meta.last_year) +
                         " but the tables need " + std::to_string(frame.start_year) + "-" +
                         std::to_string(frame.end_year));
}

YearObs year_obs(const FirmYearColumns& c, std::size_t i) {
  YearObs o;
  o.present = c.alive[i] != 0 && c.fte[i] > 0;
  if (!o.present) return o;  // a firm dying this year reports nothing
  o.fte = c.fte[i];
  o.value_added = c.value_added[i];
  o.turnover = c.turnover[i];
  o.fixed_assets = c.fixed_assets[i];
  o.intangible_assets = c.intangible_assets[i];
  o.rnd = c.rnd[i];
  o.tfp = c.tfp[i];
  o.exports = c.exports[i];
  o.imports = c.imports[i];
  o.n_export_markets = c.n_export_markets[i];
  o.n_import_markets = c.n_import_markets[i];
  o.n_export_products = c.n_export_products[i];
  o.n_import_products = c.n_import_products[i];
  o.export_mask = c.export_mask[i];
  o.import_mask = c.import_mask[i];
  return o;
}

bool in_window(const FirmYearColumns& c, std::size_t i, int replicate, const SampleFrame& frame) {
  return c.replicate[i] == replicate && c.year[i] >= frame.start_year && c.year[i] <= frame.end_year;
}

// The firms that report >= min_fte_once FTE in some year of the window (the dataset).
std::unordered_set<std::int64_t> firms_in_frame(const FirmYearColumns& c, int replicate, const SampleFrame& frame) {
  std::unordered_set<std::int64_t> firms;
  for (std::size_t i = 0; i < c.rows(); ++i)
    if (in_window(c, i, replicate, frame) && c.alive[i] != 0 && c.fte[i] >= frame.min_fte_once) firms.insert(c.firm[i]);
  return firms;
}

// Collects the window's firm-years of one replicate's dataset, keyed by firm id. Only
// the dataset's firms: most firms are micro firms that never enter it, and building
// their histories too cost ~1 GB and most of prepare_tables' time at 10^6 firms.
std::unordered_map<std::int64_t, std::vector<YearObs>> collect_years(const FirmYearColumns& c, int replicate,
                                                                     const SampleFrame& frame) {
  const std::unordered_set<std::int64_t> dataset = firms_in_frame(c, replicate, frame);
  std::unordered_map<std::int64_t, std::vector<YearObs>> by_firm;
  by_firm.reserve(dataset.size());
  for (std::size_t i = 0; i < c.rows(); ++i) {
    if (!in_window(c, i, replicate, frame) || dataset.count(c.firm[i]) == 0) continue;
    const int y = c.year[i];
    auto& years = by_firm[c.firm[i]];
    if (years.empty()) years.resize(static_cast<std::size_t>(frame.years()));
    years[static_cast<std::size_t>(y - frame.start_year)] = year_obs(c, i);
  }
  return by_firm;
}

bool in_frame(const std::vector<YearObs>& years, const SampleFrame& frame) {
  return std::any_of(years.begin(), years.end(),
                     [&](const YearObs& o) { return o.present && o.fte >= frame.min_fte_once; });
}

// Size at the start of the window, or at the first year the firm reports.
SizeClass start_size(const std::vector<YearObs>& years, const SampleFrame& frame) {
  for (const YearObs& o : years)
    if (o.present) return size_class(o.fte, frame);
  return SizeClass::small;
}

FirmHistory make_history(std::int64_t firm, std::vector<YearObs> years, const FirmColumns& f, std::size_t row,
                         const SampleFrame& frame) {
  FirmHistory h;
  h.firm = firm;
  h.industry = f.industry[row];
  h.founding_year = f.founding_year[row];
  h.exported_1993_1997 = f.exported_1993_1997[row] != 0;
  h.start_size = start_size(years, frame);
  h.exited = !years.back().present;
  h.years = std::move(years);
  return h;
}

}  // namespace

std::vector<FirmHistory> firm_histories(const Panel& panel, int replicate, const SampleFrame& frame) {
  check_window(panel.meta, frame);
  auto by_firm = collect_years(panel.firm_years, replicate, frame);
  std::unordered_map<std::int64_t, std::size_t> firm_row;
  const FirmColumns& f = panel.firms;
  for (std::size_t i = 0; i < f.rows(); ++i)
    if (f.replicate[i] == replicate) firm_row[f.firm[i]] = i;

  std::vector<FirmHistory> out;
  for (auto& [firm, years] : by_firm) {
    if (!in_frame(years, frame)) continue;
    const auto row = firm_row.find(firm);
    if (row == firm_row.end())
      throw std::invalid_argument("firm " + std::to_string(firm) + " of replicate " + std::to_string(replicate) +
                                  " has no row in FirmColumns");
    out.push_back(make_history(firm, std::move(years), f, row->second, frame));
  }
  std::sort(out.begin(), out.end(), [](const FirmHistory& a, const FirmHistory& b) { return a.firm < b.firm; });
  return out;
}

const char* type_code(ExportType type) {
  switch (type) {
    case ExportType::born_global:
      return "BG";
    case ExportType::born_international:
      return "BI";
    case ExportType::traditional:
      return "TI";
    case ExportType::born_again_global:
      return "BAG";
    case ExportType::unclassified_eu_wide:
      return "EU-wide";
    case ExportType::none:
      break;
  }
  return "none";
}

bool has_non_eu_market(std::uint64_t mask, const std::vector<MarketMeta>& markets, int year) {
  const std::size_t n = std::min<std::size_t>(markets.size(), 64);
  for (std::size_t m = 0; m < n; ++m)
    if ((mask >> m) & 1u)
      if (!markets[m].is_eu(year)) return true;
  return false;
}

int first_export_year(const FirmHistory& firm, const SampleFrame& frame) {
  for (int y = frame.start_year; y <= frame.end_year; ++y)
    if (firm.at(y, frame).exporter()) return y;
  return 0;
}

namespace {

ExportType type_of(bool early, bool wide, bool non_eu, const TypologyRules& rules) {
  if (!wide) return early ? ExportType::born_international : ExportType::traditional;
  if (rules.global_needs_non_eu && !non_eu) return ExportType::unclassified_eu_wide;
  return early ? ExportType::born_global : ExportType::born_again_global;
}

}  // namespace

TypeAssignment classify(const FirmHistory& firm, const std::vector<MarketMeta>& markets, const SampleFrame& frame,
                        const TypologyRules& rules) {
  TypeAssignment a;
  a.first_export_year = first_export_year(firm, frame);
  if (a.first_export_year == 0) return a;
  const YearObs& first = firm.at(a.first_export_year, frame);
  a.years_to_export = a.first_export_year - firm.founding_year;
  a.first_year_countries = first.n_export_markets;
  a.first_year_non_eu = has_non_eu_market(first.export_mask, markets, a.first_export_year);
  a.early = rules.early_inclusive ? a.years_to_export <= rules.early_years : a.years_to_export < rules.early_years;
  // Only SMEs with no observed export in 1993-1997 are new exporters.
  if (!firm.sme() || firm.exported_1993_1997) return a;
  const bool wide = a.first_year_countries >= rules.global_countries;
  a.type = type_of(a.early, wide, a.first_year_non_eu, rules);
  return a;
}

std::vector<TypeAssignment> classify_all(const std::vector<FirmHistory>& firms, const std::vector<MarketMeta>& markets,
                                         const SampleFrame& frame, const TypologyRules& rules) {
  std::vector<TypeAssignment> out;
  out.reserve(firms.size());
  for (const FirmHistory& f : firms) out.push_back(classify(f, markets, frame, rules));
  return out;
}

}  // namespace firmsim::est
