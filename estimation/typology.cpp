#include "estimation/typology.hpp"

#include <algorithm>
#include <stdexcept>

#include "estimation/firm_index.hpp"
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

// The replicate's FirmColumns rows ordered by firm id; of a repeated id the last
// row (the map this replaces kept the last one it was given).
struct FirmRows {
  std::vector<std::int64_t> ids;
  std::vector<std::size_t> rows;
};

FirmRows firm_rows(const FirmColumns& f, int replicate) {
  std::vector<std::size_t> rows;
  rows.reserve(f.rows());
  for (std::size_t i = 0; i < f.rows(); ++i)
    if (f.replicate[i] == replicate) rows.push_back(i);
  const auto by_id = [&](std::size_t a, std::size_t b) { return f.firm[a] < f.firm[b]; };
  if (!std::is_sorted(rows.begin(), rows.end(), by_id)) std::stable_sort(rows.begin(), rows.end(), by_id);
  FirmRows out;
  out.ids.reserve(rows.size());
  out.rows.reserve(rows.size());
  for (const std::size_t row : rows) {
    if (!out.ids.empty() && out.ids.back() == f.firm[row]) {
      out.rows.back() = row;
      continue;
    }
    out.ids.push_back(f.firm[row]);
    out.rows.push_back(row);
  }
  return out;
}

std::invalid_argument no_firm_row(std::int64_t firm, int replicate) {
  return std::invalid_argument("firm " + std::to_string(firm) + " of replicate " + std::to_string(replicate) +
                               " has no row in FirmColumns");
}

// Marks (by position in `index`) the firms that report >= min_fte_once FTE in some
// year of the window: the dataset. A firm that would enter it without a FirmColumns
// row is an error.
std::vector<std::uint8_t> dataset_firms(const FirmYearColumns& c, int replicate, const SampleFrame& frame,
                                        const FirmIndex& index, std::size_t firms) {
  std::vector<std::uint8_t> in_dataset(firms, 0);
  for (std::size_t i = 0; i < c.rows(); ++i) {
    if (!in_window(c, i, replicate, frame) || c.alive[i] == 0 || !(c.fte[i] >= frame.min_fte_once)) continue;
    const std::int64_t p = index.find(c.firm[i]);
    if (p >= 0)
      in_dataset[static_cast<std::size_t>(p)] = 1;
    else if (c.fte[i] > 0)  // it would report >= min_fte_once FTE (YearObs::present), so it is in the frame
      throw no_firm_row(c.firm[i], replicate);
  }
  return in_dataset;
}

// The window's firm-years of the dataset's firms, one vector per marked firm in id
// order. Only the dataset's firms: most firms are micro firms that never enter it,
// and building their histories too cost ~1 GB and most of prepare_tables' time at
// 10^6 firms.
std::vector<std::vector<YearObs>> collect_years(const FirmYearColumns& c, int replicate, const SampleFrame& frame,
                                                const FirmIndex& index, const std::vector<std::uint8_t>& in_dataset,
                                                std::vector<std::size_t>& positions) {
  std::vector<std::int32_t> slot(in_dataset.size(), -1);
  for (std::size_t p = 0; p < in_dataset.size(); ++p)
    if (in_dataset[p]) slot[p] = static_cast<std::int32_t>(positions.size()), positions.push_back(p);
  const std::size_t window = static_cast<std::size_t>(frame.years());
  std::vector<std::vector<YearObs>> years(positions.size(), std::vector<YearObs>(window));
  for (std::size_t i = 0; i < c.rows(); ++i) {
    if (!in_window(c, i, replicate, frame)) continue;
    const std::int64_t p = index.find(c.firm[i]);
    if (p < 0 || slot[static_cast<std::size_t>(p)] < 0) continue;
    const auto k = static_cast<std::size_t>(slot[static_cast<std::size_t>(p)]);
    years[k][static_cast<std::size_t>(c.year[i] - frame.start_year)] = year_obs(c, i);
  }
  return years;
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
  const FirmColumns& f = panel.firms;
  const FirmRows rows = firm_rows(f, replicate);
  const FirmIndex index(rows.ids);
  const auto in_dataset = dataset_firms(panel.firm_years, replicate, frame, index, rows.ids.size());
  std::vector<std::size_t> positions;  // of the dataset's firms in `rows`, ascending id
  auto years = collect_years(panel.firm_years, replicate, frame, index, in_dataset, positions);

  std::vector<FirmHistory> out;  // ordered by firm id, as `rows` is
  for (std::size_t k = 0; k < positions.size(); ++k) {
    if (!in_frame(years[k], frame)) continue;
    const std::size_t p = positions[k];
    out.push_back(make_history(rows.ids[p], std::move(years[k]), f, rows.rows[p], frame));
  }
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
