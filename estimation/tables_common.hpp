// Small helpers shared by the table builders (not part of the public API).
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "estimation/tables.hpp"

namespace firmsim::est::detail {

inline double ratio(double a, double b) { return b != 0 ? a / b : nan_value(); }
inline double percent(double a, double b) { return b != 0 ? 100.0 * a / b : nan_value(); }

// Natural log of a positive finite value, NaN otherwise (Stata's ln() drops such cases).
inline double log_or_nan(double v) { return (std::isfinite(v) && v > 0) ? std::log(v) : nan_value(); }

// Export status between the first and last window year (Tables 2-5).
enum class ExportPath { none, continuing, stopping, starting };

inline ExportPath export_path(const TableInputs& in, std::size_t i) {
  const bool x0 = in.first(i).exporter(), x1 = in.last(i).exporter();
  if (x0 && x1) return ExportPath::continuing;
  if (x0) return ExportPath::stopping;
  if (x1) return ExportPath::starting;
  return ExportPath::none;
}

// Trade status in a year (Tables 17-19).
enum class TradeStatus { no_trade = 0, import_only = 1, export_only = 2, two_way = 3 };

inline TradeStatus trade_status(const YearObs& o) {
  const bool x = o.exporter(), m = o.importer();
  if (x && m) return TradeStatus::two_way;
  if (x) return TradeStatus::export_only;
  if (m) return TradeStatus::import_only;
  return TradeStatus::no_trade;
}

// Sector row of a firm's industry (-1 for an unknown industry or sector).
int firm_sector(const TableInputs& in, std::size_t i);

// The industry metadata of a firm, or nullptr when its index is out of range.
const IndustryMeta* firm_industry(const TableInputs& in, std::size_t i);

inline bool is_new_exporter(ExportType t) {
  return t == ExportType::born_global || t == ExportType::born_international || t == ExportType::traditional;
}

// Traded (imported or exported) in any year of the window.
bool traded_in_window(const FirmHistory& f);

// Index of a market by ISO code, -1 when the world lacks it.
int market_index(const PanelMeta& meta, const std::string& iso);

// Bit set of the markets (the first 64) that are EU members in `year`
// (MarketMeta::is_eu), for splitting a firm-year's market masks into intra- and extra-EU.
std::uint64_t eu_markets(const PanelMeta& meta, int year);

// Mean and standard error of the mean of the finite values (NaN when none / one).
struct MeanSe {
  double mean = nan_value(), se = nan_value();
  std::size_t n = 0;
};
MeanSe mean_se(const std::vector<double>& values);

}  // namespace firmsim::est::detail
