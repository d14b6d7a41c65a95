// The simulated (or real) firm panel as plain columns.
//
// This header is the contract between the simulator (which fills it) and the
// estimators (which read it). It depends on nothing but the standard library,
// so a researcher's own data read from CSV can be put in the same shape and
// fed through the same table builders.
//
// Money is in EUR, employment in FTE. "Observed" columns are what a statistics
// office would have recorded (reporting thresholds applied, see MODEL.md,
// Measurement); "latent" columns are the model's truth, kept apart so that one
// can ask how well the observed typology recovers the true strategy.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace firmsim {

// A firm's latent internationalization strategy, fixed when it starts to export.
enum class Strategy : std::uint8_t { none = 0, waterfall = 1, sprinkler = 2 };

// One row per firm and year, for every firm alive at the start of the year
// (a firm that dies during year t has a row for t with alive = 0 and no activity).
// Rows are ordered by (replicate, year, firm).
struct FirmYearColumns {
  std::vector<std::int32_t> replicate;
  std::vector<std::int64_t> firm;  // id within its replicate
  std::vector<std::int16_t> year;
  std::vector<std::int16_t> industry;  // index into PanelMeta::industries
  std::vector<std::int16_t> founding_year;
  std::vector<std::uint8_t> alive;  // 1 active this year, 0 died this year
  std::vector<float> fte;
  std::vector<float> value_added;
  std::vector<float> turnover;
  std::vector<float> fixed_assets;
  std::vector<float> intangible_assets;
  std::vector<float> rnd;                      // R&D expenditure
  std::vector<float> tfp;                      // log TFP as the paper measures it (VA over cost-share weighted K and L)
  std::vector<float> exports;                  // observed total exports
  std::vector<float> imports;                  // observed total imports
  std::vector<float> exports_true;             // latent total exports
  std::vector<float> imports_true;             // latent total imports
  std::vector<std::uint8_t> n_export_markets;  // observed
  std::vector<std::uint8_t> n_import_markets;  // observed
  std::vector<std::uint8_t> n_export_products;  // observed (0 when no observed exports)
  std::vector<std::uint8_t> n_import_products;  // observed (0 when no observed imports)
  std::vector<std::uint64_t> export_mask;       // observed export markets, bit m = market m
  std::vector<std::uint64_t> import_mask;       // observed import markets
  std::vector<std::uint8_t> latent_strategy;    // Strategy as an integer

  std::size_t rows() const { return year.size(); }
};

// One row per firm ever born up to the last recorded year, ordered by (replicate, firm).
struct FirmColumns {
  std::vector<std::int32_t> replicate;
  std::vector<std::int64_t> firm;
  std::vector<std::int16_t> industry;
  std::vector<std::int16_t> founding_year;
  std::vector<std::int16_t> exit_year;                 // 0 while alive at the end of the run
  std::vector<std::uint8_t> exported_1993_1997;        // observed export dummy (any observed export 1993-1997)
  std::vector<std::uint8_t> latent_strategy;           // Strategy as an integer
  std::vector<std::int16_t> latent_export_start_year;  // 0 = never exported
  std::vector<float> orientation;                      // international orientation (latent)

  std::size_t rows() const { return firm.size(); }
};

// One row per firm, market and year with a positive latent export or import flow.
// Rows are ordered by (replicate, year, firm, market).
struct FlowColumns {
  std::vector<std::int32_t> replicate;
  std::vector<std::int64_t> firm;
  std::vector<std::int16_t> year;
  std::vector<std::uint8_t> market;  // index into PanelMeta::markets
  std::vector<float> exports;        // observed (0 when below the reporting threshold)
  std::vector<float> imports;        // observed
  std::vector<float> exports_true;
  std::vector<float> imports_true;

  std::size_t rows() const { return year.size(); }
};

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
// The layout of each table, defined once: f(name, member, required, fallback)
// for every column in file order. Writers, the CSV reader and code that
// concatenates panels all walk these lists. `required`: a file read from
// disk must have the column; otherwise `fallback` fills it (NaN = unknown).
// ----------------------------------------------------------------------------
constexpr double kUnknown = __builtin_nan("");

template <class F>
void firm_year_schema(F&& f) {
  using C = FirmYearColumns;
  f("replicate", &C::replicate, false, 0.0);
  f("firm", &C::firm, true, 0.0);
  f("year", &C::year, true, 0.0);
  f("industry", &C::industry, true, 0.0);
  f("founding_year", &C::founding_year, true, 0.0);
  f("alive", &C::alive, false, 1.0);
  f("fte", &C::fte, true, 0.0);
  f("value_added", &C::value_added, true, 0.0);
  f("turnover", &C::turnover, true, 0.0);
  f("fixed_assets", &C::fixed_assets, true, 0.0);
  f("intangible_assets", &C::intangible_assets, true, 0.0);
  f("rnd", &C::rnd, true, 0.0);
  f("tfp", &C::tfp, true, 0.0);
  f("exports", &C::exports, true, 0.0);
  f("imports", &C::imports, true, 0.0);
  f("exports_true", &C::exports_true, false, kUnknown);
  f("imports_true", &C::imports_true, false, kUnknown);
  f("n_export_markets", &C::n_export_markets, true, 0.0);
  f("n_import_markets", &C::n_import_markets, true, 0.0);
  f("n_export_products", &C::n_export_products, true, 0.0);
  f("n_import_products", &C::n_import_products, true, 0.0);
  f("export_mask", &C::export_mask, true, 0.0);
  f("import_mask", &C::import_mask, true, 0.0);
  f("latent_strategy", &C::latent_strategy, false, 0.0);
}

template <class F>
void firm_schema(F&& f) {
  using C = FirmColumns;
  f("replicate", &C::replicate, false, 0.0);
  f("firm", &C::firm, true, 0.0);
  f("industry", &C::industry, true, 0.0);
  f("founding_year", &C::founding_year, true, 0.0);
  f("exit_year", &C::exit_year, false, 0.0);
  f("exported_1993_1997", &C::exported_1993_1997, true, 0.0);
  f("latent_strategy", &C::latent_strategy, false, 0.0);
  f("latent_export_start_year", &C::latent_export_start_year, false, 0.0);
  f("orientation", &C::orientation, false, kUnknown);
}

template <class F>
void flow_schema(F&& f) {
  using C = FlowColumns;
  f("replicate", &C::replicate, false, 0.0);
  f("firm", &C::firm, true, 0.0);
  f("year", &C::year, true, 0.0);
  f("market", &C::market, true, 0.0);
  f("exports", &C::exports, true, 0.0);
  f("imports", &C::imports, true, 0.0);
  f("exports_true", &C::exports_true, false, kUnknown);
  f("imports_true", &C::imports_true, false, kUnknown);
}

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
