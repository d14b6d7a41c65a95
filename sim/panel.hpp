// The simulated (or real) firm panel as plain columns.
//
// This header is the contract between the simulator (which fills it) and the
// estimators (which read it). It depends on nothing but the standard library,
// so a researcher's own data read from CSV can be put in the same shape and
// fed through the same table builders.
//
// Money is in EUR, employment in FTE. "Observed" columns are what a statistics
// office would have recorded (reporting thresholds applied, see docs/model.md,
// section 4); "latent" columns are the model's truth, kept apart so that one
// can ask how well the observed typology recovers the true strategy.
#pragma once

#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

namespace firmsim {

// A firm's latent internationalization strategy, fixed when it starts to export.
enum class Strategy : std::uint8_t { none = 0, waterfall = 1, sprinkler = 2 };

// ----------------------------------------------------------------------------
// The columns of the firm-year, firm and flow tables, each listed once, in
// file order: X(type, name, required, fallback, source). The struct members, the
// schemas below (CSV writer and reader, checkpoint, shard merge) and the
// simulator's filling of each column are generated from these lists, so a new
// column is one line here.
//   required  a file read from disk must have the column; otherwise
//   fallback  fills it (kUnknown = NaN: unknown)
//   type      one of uint8, int16, int32, int64, float, uint64 (a market
//             mask): what the writers and the reader know
//   source    how the simulator fills it (sim/simulation.cpp); these names
//             mean nothing to code that only reads panels:
//     ROW(key)        the row's replicate, firm, year, market (flows) or alive
//     STATE(array)    a one-per-firm state array (kernels/firm_state.hpp)
//     MARKETS(array)  the number of markets in a market-mask state array
//     TRAIT(trait)    a latent trait drawn from the firm's key (firm table only)
//     CELL(array)     a per-market state array at the flow's market (flows only)
//     OBSERVED(array, mask)  the same where the firm's observed mask has the
//                     market, else 0: what the statistics office saw (flows only)
// Comments inside the lists are /* */: a // comment would swallow the line
// continuation.
// ----------------------------------------------------------------------------
constexpr double kUnknown = __builtin_nan("");

// One row per firm and year, for every firm alive at the start of the year
// (a firm that dies during year t has a row for t with alive = 0 and no
// activity). Rows are ordered by (replicate, year, firm).
#define FIRMSIM_FIRM_YEAR_COLUMNS(X)                                                                             \
  X(std::int32_t, replicate, false, 0.0, ROW(replicate))                                                         \
  X(std::int64_t, firm, true, 0.0, ROW(firm)) /* id within its replicate */                                      \
  X(std::int16_t, year, true, 0.0, ROW(year))                                                                    \
  X(std::int16_t, industry, true, 0.0, STATE(industry)) /* index into PanelMeta::industries */                   \
  X(std::int16_t, founding_year, true, 0.0, STATE(founding_year))                                                \
  X(std::uint8_t, alive, false, 1.0, ROW(alive)) /* 1 active this year, 0 died this year */                      \
  X(float, fte, true, 0.0, STATE(fte))                                                                           \
  X(float, value_added, true, 0.0, STATE(value_added))                                                           \
  X(float, turnover, true, 0.0, STATE(turnover))                                                                 \
  X(float, fixed_assets, true, 0.0, STATE(fixed_assets))                                                         \
  X(float, intangible_assets, true, 0.0, STATE(intangible_assets))                                               \
  X(float, rnd, true, 0.0, STATE(rnd))                  /* R&D expenditure */                                    \
  X(float, tfp, true, 0.0, STATE(tfp))                  /* log TFP as the paper measures it (VA over K and L) */ \
  X(float, exports, true, 0.0, STATE(exports_observed)) /* observed total exports */                             \
  X(float, imports, true, 0.0, STATE(imports_observed)) /* observed total imports */                             \
  X(float, exports_true, false, kUnknown, STATE(exports_true))                /* latent total exports */         \
  X(float, imports_true, false, kUnknown, STATE(imports_true))                /* latent total imports */         \
  X(std::uint8_t, n_export_markets, true, 0.0, MARKETS(export_mask_observed)) /* observed */                     \
  X(std::uint8_t, n_import_markets, true, 0.0, MARKETS(import_mask_observed)) /* observed */                     \
  X(std::uint8_t, n_export_products, true, 0.0, STATE(n_export_products))     /* 0 without observed exports */   \
  X(std::uint8_t, n_import_products, true, 0.0, STATE(n_import_products))     /* 0 without observed imports */   \
  X(std::uint64_t, export_mask, true, 0.0, STATE(export_mask_observed))       /* observed, bit m = market m */   \
  X(std::uint64_t, import_mask, true, 0.0, STATE(import_mask_observed))       /* observed import markets */      \
  X(std::uint8_t, latent_strategy, false, 0.0, STATE(strategy))               /* Strategy as an integer */

// One row per firm ever born up to the last recorded year, ordered by (replicate, firm).
#define FIRMSIM_FIRM_COLUMNS(X)                                                                                       \
  X(std::int32_t, replicate, false, 0.0, ROW(replicate))                                                              \
  X(std::int64_t, firm, true, 0.0, ROW(firm))                                                                         \
  X(std::int16_t, industry, true, 0.0, STATE(industry))                                                               \
  X(std::int16_t, founding_year, true, 0.0, STATE(founding_year))                                                     \
  X(std::int16_t, exit_year, false, 0.0, STATE(exit_year))                  /* 0 while alive at the end of the run */ \
  X(std::uint8_t, exported_1993_1997, true, 0.0, STATE(exported_1993_1997)) /* observed export dummy */               \
  X(std::uint8_t, latent_strategy, false, 0.0, STATE(strategy))             /* Strategy as an integer */              \
  X(std::int16_t, latent_export_start_year, false, 0.0, STATE(export_start_year)) /* 0 = never exported */            \
  X(float, orientation, false, kUnknown, TRAIT(orientation)) /* international orientation (latent) */

// The element types the writers (CSV, Stata) and the CSV reader know.
template <class T>
constexpr bool kPanelType =
    std::is_same_v<T, std::uint8_t> || std::is_same_v<T, std::int16_t> || std::is_same_v<T, std::int32_t> ||
    std::is_same_v<T, std::int64_t> || std::is_same_v<T, float> || std::is_same_v<T, std::uint64_t>;

#define FIRMSIM_PANEL_MEMBER(type, name, required, fallback, source)                                     \
  static_assert(kPanelType<type>, "panel column '" #name                                                 \
                                  "': its type must be std::uint8_t, std::int16_t, "                     \
                                  "std::int32_t, std::int64_t, float or std::uint64_t (a market mask)"); \
  std::vector<type> name;

struct FirmYearColumns {
  FIRMSIM_FIRM_YEAR_COLUMNS(FIRMSIM_PANEL_MEMBER)
  std::size_t rows() const { return year.size(); }
};

struct FirmColumns {
  FIRMSIM_FIRM_COLUMNS(FIRMSIM_PANEL_MEMBER)
  std::size_t rows() const { return firm.size(); }
};

// One row per firm, market and year with a positive latent export or import
// flow. Rows are ordered by (replicate, year, firm, market).
#define FIRMSIM_FLOW_COLUMNS(X)                                                                                    \
  X(std::int32_t, replicate, false, 0.0, ROW(replicate))                                                           \
  X(std::int64_t, firm, true, 0.0, ROW(firm))                                                                      \
  X(std::int16_t, year, true, 0.0, ROW(year))                                                                      \
  X(std::uint8_t, market, true, 0.0, ROW(market))                            /* index into PanelMeta::markets */   \
  X(float, exports, true, 0.0, OBSERVED(export_value, export_mask_observed)) /* 0 below the reporting threshold */ \
  X(float, imports, true, 0.0, OBSERVED(import_value, import_mask_observed))                                       \
  X(float, exports_true, false, kUnknown, CELL(export_value))                                                      \
  X(float, imports_true, false, kUnknown, CELL(import_value))

struct FlowColumns {
  FIRMSIM_FLOW_COLUMNS(FIRMSIM_PANEL_MEMBER)
  std::size_t rows() const { return year.size(); }
};

#undef FIRMSIM_PANEL_MEMBER

// One row per firm and peer slot when firms interact (empty otherwise): the
// network, fixed for the whole run. Ordered by (replicate, firm, slot).
struct PeerColumns {
  std::vector<std::int32_t> replicate;
  std::vector<std::int64_t> firm;
  std::vector<std::uint8_t> slot;
  std::vector<std::int64_t> peer;           // a firm of the same replicate
  std::vector<std::uint8_t> same_industry;  // 1 = the peer is of the firm's industry
  std::vector<std::uint8_t> program;        // 1 = a slot that only cluster / mentoring programs open

  std::size_t rows() const { return firm.size(); }
};

struct MarketMeta {
  std::string iso;  // ISO 3166 alpha-2
  std::string name;
  std::string region;    // EU15, EU2004, other_europe, north_america, ...
  int eu_join_year = 0;  // first year of EU membership, 0 = never (in the window)
  double longitude = 0, latitude = 0;
  bool is_eu(int year) const { return eu_join_year != 0 && year >= eu_join_year; }
};

struct IndustryMeta {
  std::string name;
  std::string sector;  // agriculture_mining, manufacturing, utilities_construction, wholesale_retail, other_services
  std::string technology;  // HT-MH, LT-ML, other
  bool globalized = false;
};

struct PanelMeta {
  std::vector<MarketMeta> markets;
  std::vector<IndustryMeta> industries;
  int first_year = 0, last_year = 0;  // recorded years
  int replicates = 1;
  std::uint64_t seed = 0;
  // The measurement windows: the years of the export dummies (firms'
  // exported_1993_1997 column) and the sample window whose export starters
  // the typology classifies. The comparison checks them against the targets'.
  int dummy_first_year = 1993, dummy_last_year = 1997;
  int sample_first_year = 1998, sample_last_year = 2005;
};

struct Panel {
  PanelMeta meta;
  FirmYearColumns firm_years;
  FirmColumns firms;
  FlowColumns flows;
  PeerColumns peers;  // written as peers.csv when not empty
};

// ----------------------------------------------------------------------------
// The layout of each table: f(name, member, required, fallback) for every
// column in file order. Writers, the CSV reader and code that concatenates
// panels all walk these lists.
// ----------------------------------------------------------------------------
#define FIRMSIM_SCHEMA_ENTRY(type, name, required, fallback, source) f(#name, &C::name, required, fallback);

template <class F>
void firm_year_schema(F&& f) {
  using C = FirmYearColumns;
  FIRMSIM_FIRM_YEAR_COLUMNS(FIRMSIM_SCHEMA_ENTRY)
}

template <class F>
void firm_schema(F&& f) {
  using C = FirmColumns;
  FIRMSIM_FIRM_COLUMNS(FIRMSIM_SCHEMA_ENTRY)
}

template <class F>
void flow_schema(F&& f) {
  using C = FlowColumns;
  FIRMSIM_FLOW_COLUMNS(FIRMSIM_SCHEMA_ENTRY)
}

#undef FIRMSIM_SCHEMA_ENTRY

template <class F>
void peer_schema(F&& f) {
  using C = PeerColumns;
  f("replicate", &C::replicate, true, 0.0);
  f("firm", &C::firm, true, 0.0);
  f("slot", &C::slot, true, 0.0);
  f("peer", &C::peer, true, 0.0);
  f("same_industry", &C::same_industry, true, 0.0);
  f("program", &C::program, true, 0.0);
}

}  // namespace firmsim
