// Hand-built panels for the typology, table, comparison and CSV tests: a small world
// (13 markets, 4 industries) and helpers that add one firm-year at a time, so each test
// states exactly the firms whose right answer it works out by hand.
#pragma once

#include <bitset>
#include <cstdint>
#include <initializer_list>
#include <string>

#include "sim/panel.hpp"

namespace firmsim::testpanel {

// Market indices of the test world.
enum Market : int { NL, DE, FR, LU, GB, IT, US, ES, CH, DK, CN, PL, JP };

inline PanelMeta test_meta(int first_year = 1998, int last_year = 2005) {
  PanelMeta m;
  m.first_year = first_year;
  m.last_year = last_year;
  m.replicates = 1;
  m.seed = 7;
  auto add = [&](const char* iso, const char* region, int eu) {
    MarketMeta mk;
    mk.iso = iso, mk.name = iso, mk.region = region, mk.eu_join_year = eu;
    m.markets.push_back(mk);
  };
  add("NL", "EU15", 1958), add("DE", "EU15", 1958), add("FR", "EU15", 1958), add("LU", "EU15", 1958);
  add("GB", "EU15", 1973), add("IT", "EU15", 1958), add("US", "north_america", 0);
  add("ES", "EU15", 1986), add("CH", "other_europe", 0), add("DK", "EU15", 1973);
  add("CN", "asia", 0), add("PL", "EU2004", 2004), add("JP", "asia", 0);
  m.industries = {{"hightech global", "manufacturing", "HT-MH", true},
                  {"lowtech local", "manufacturing", "LT-ML", false},
                  {"wholesale local", "wholesale_retail", "other", false},
                  {"services global", "other_services", "other", true}};
  return m;
}

inline std::uint64_t mask(std::initializer_list<int> markets) {
  std::uint64_t m = 0;
  for (int k : markets) m |= std::uint64_t{1} << k;
  return m;
}

inline int count(std::uint64_t m) { return static_cast<int>(std::bitset<64>(m).count()); }

// One firm-year; unset activity is zero.
struct Row {
  std::int64_t firm = 0;
  int year = 1998;
  float fte = 20;
  float exports = 0, imports = 0;
  std::uint64_t xmask = 0, mmask = 0;
  float value_added = 1e6f, turnover = 4e6f, fixed_assets = 5e5f, intangible = 0, rnd = 0, tfp = 9.0f;
  int xproducts = -1, mproducts = -1;  // -1: as many products as markets
  bool alive = true;
  int replicate = 0;
  int industry = 0, founded = 1980;
};

// A firm-year row of `firm` with `fte` (C++17 has no designated initializers).
inline Row row(std::int64_t firm, float fte, int year = 1998) {
  Row r;
  r.firm = firm, r.fte = fte, r.year = year;
  return r;
}

inline void add_firm(Panel& p, std::int64_t firm, int industry, int founded, bool exported_1993_1997 = false,
                     int replicate = 0) {
  FirmColumns& f = p.firms;
  f.replicate.push_back(replicate);
  f.firm.push_back(firm);
  f.industry.push_back(static_cast<std::int16_t>(industry));
  f.founding_year.push_back(static_cast<std::int16_t>(founded));
  f.exit_year.push_back(0);
  f.exported_1993_1997.push_back(exported_1993_1997 ? 1 : 0);
  f.latent_strategy.push_back(0);
  f.latent_export_start_year.push_back(0);
  f.orientation.push_back(0.5f);
}

inline void add_year(Panel& p, const Row& r) {
  FirmYearColumns& c = p.firm_years;
  c.replicate.push_back(r.replicate);
  c.firm.push_back(r.firm);
  c.year.push_back(static_cast<std::int16_t>(r.year));
  c.industry.push_back(static_cast<std::int16_t>(r.industry));
  c.founding_year.push_back(static_cast<std::int16_t>(r.founded));
  c.alive.push_back(r.alive ? 1 : 0);
  c.fte.push_back(r.alive ? r.fte : 0);
  c.value_added.push_back(r.value_added);
  c.turnover.push_back(r.turnover);
  c.fixed_assets.push_back(r.fixed_assets);
  c.intangible_assets.push_back(r.intangible);
  c.rnd.push_back(r.rnd);
  c.tfp.push_back(r.tfp);
  c.exports.push_back(r.exports);
  c.imports.push_back(r.imports);
  c.exports_true.push_back(r.exports);
  c.imports_true.push_back(r.imports);
  c.n_export_markets.push_back(static_cast<std::uint8_t>(count(r.xmask)));
  c.n_import_markets.push_back(static_cast<std::uint8_t>(count(r.mmask)));
  c.n_export_products.push_back(static_cast<std::uint8_t>(r.xproducts >= 0 ? r.xproducts : count(r.xmask)));
  c.n_import_products.push_back(static_cast<std::uint8_t>(r.mproducts >= 0 ? r.mproducts : count(r.mmask)));
  c.export_mask.push_back(r.xmask);
  c.import_mask.push_back(r.mmask);
  c.latent_strategy.push_back(0);
}

// The same firm-year values in every year from..to (only the year changes).
inline void add_years(Panel& p, Row r, int from, int to) {
  for (int y = from; y <= to; ++y) {
    r.year = y;
    add_year(p, r);
  }
}

}  // namespace firmsim::testpanel
