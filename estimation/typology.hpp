// The sample frame and the typology of newly internationalizing SMEs of seed 000
// (Belgian SMEs 1998-2005, appendix 1), computed from the MEASURED panel only:
// observed exports, observed export markets, the 1993-1997 export dummy, the
// founding year and FTE. The latent strategy is never read here, so the typology
// can be compared with it afterwards.
//
// Sample frame (appendix 1):
//  - the dataset: firms with >= 10 FTE in at least one year of the window;
//  - a firm "reports" in a year when it has a row with alive = 1 and FTE > 0;
//  - size class (small < 50, medium 50-249, large >= 250 FTE) at the start of the
//    window (1998); a firm not reporting in 1998 (founded later) is classified at
//    the first year it reports. SME = small or medium;
//  - exit: reports in the window but no longer reports employment in the last year
//    (2005), as footnote 8 defines it.
//
// Typology (appendix 1), for SMEs whose first observed export falls in the window and
// who had no observed export in 1993-1997 (FirmColumns::exported_1993_1997):
//  - early = first_export_year - founding_year <= 5 (the paper says "within five
//    years" and, in the abstract, "less than five years"; the boundary is the
//    parameter TypologyRules::early_inclusive, default inclusive, i.e. "<= 5");
//  - global = at least 5 countries in the first export year, one of them outside
//    the EU in that year (MarketMeta::is_eu(year), so Poland counts as non-EU
//    before 2004 and as EU from 2004);
//  - BG = early & global, BI = early & < 5 countries, TI = late & < 5 countries,
//    BAG = late & global; >= 5 countries all in the EU stay unclassified (the paper's
//    56 EU-only wide starters are all early; late EU-only wide starters are kept
//    apart under the same label, the paper does not mention them).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/panel.hpp"

namespace firmsim::est {

struct SampleFrame {
  int start_year = 1998;
  int end_year = 2005;
  float min_fte_once = 10;  // dataset: >= this FTE in at least one year of the window
  float small_below = 50;   // small: FTE < 50
  float sme_below = 250;    // SME: FTE < 250 (Eurostat employment criterion)
  int years() const { return end_year - start_year + 1; }
};

enum class SizeClass : std::uint8_t { small, medium, large };

// What the tables need from one firm-year. A year without a reporting row has
// present = false and zero activity.
struct YearObs {
  bool present = false;
  float fte = 0, value_added = 0, turnover = 0, fixed_assets = 0, intangible_assets = 0, rnd = 0, tfp = 0, exports = 0,
        imports = 0;
  int n_export_markets = 0, n_import_markets = 0, n_export_products = 0, n_import_products = 0;
  std::uint64_t export_mask = 0, import_mask = 0;
  bool exporter() const { return present && exports > 0; }
  bool importer() const { return present && imports > 0; }
  bool trader() const { return exporter() || importer(); }
};

// One firm of the dataset over the window.
struct FirmHistory {
  std::int64_t firm = 0;
  int industry = 0;
  int founding_year = 0;
  bool exported_1993_1997 = false;
  SizeClass start_size = SizeClass::small;
  bool exited = false;         // reports in the window, not in its last year
  std::vector<YearObs> years;  // index = year - SampleFrame::start_year

  const YearObs& at(int year, const SampleFrame& frame) const {
    return years[static_cast<std::size_t>(year - frame.start_year)];
  }
  bool sme() const { return start_size != SizeClass::large; }
};

SizeClass size_class(float fte, const SampleFrame& frame);

// The dataset of one replicate: every firm with >= min_fte_once FTE in some year of
// the window, ordered by firm id. Throws InputError when the panel does not cover the
// window, and std::invalid_argument when a firm-year has no FirmColumns row.
std::vector<FirmHistory> firm_histories(const Panel& panel, int replicate, const SampleFrame& frame = {});

enum class ExportType : std::uint8_t {
  none = 0,              // not a newly internationalizing SME
  born_global,           // BG
  born_international,    // BI
  traditional,           // TI: traditional internationalizer
  born_again_global,     // BAG
  unclassified_eu_wide,  // >= threshold countries, all in the EU
};

const char* type_code(ExportType type);  // "BG", "BI", "TI", "BAG", "EU-wide", "none"

struct TypologyRules {
  int early_years = 5;              // robustness: 3 and 6
  bool early_inclusive = true;      // early iff years_to_export <= early_years (false: <)
  int global_countries = 5;         // global scope: at least this many countries ...
  bool global_needs_non_eu = true;  // ... one of them outside the EU
};

struct TypeAssignment {
  ExportType type = ExportType::none;
  int first_export_year = 0;     // 0 = no observed export in the window
  int years_to_export = 0;       // first_export_year - founding_year
  int first_year_countries = 0;  // observed export markets in the first export year
  bool first_year_non_eu = false;
  bool early = false;
};

// First year of the window with observed exports, or 0.
int first_export_year(const FirmHistory& firm, const SampleFrame& frame);

TypeAssignment classify(const FirmHistory& firm, const std::vector<MarketMeta>& markets, const SampleFrame& frame = {},
                        const TypologyRules& rules = {});

std::vector<TypeAssignment> classify_all(const std::vector<FirmHistory>& firms, const std::vector<MarketMeta>& markets,
                                         const SampleFrame& frame = {}, const TypologyRules& rules = {});

// Whether any market in the mask is outside the EU in that year; bits beyond the
// market list are ignored.
bool has_non_eu_market(std::uint64_t mask, const std::vector<MarketMeta>& markets, int year);

}  // namespace firmsim::est
