// Shared set-up for the simulator's tests: the default config, and small
// worlds with the noise switched off so that a mechanism can be seen alone.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "sim/config.hpp"
#include "sim/simulation.hpp"

namespace firmsim::testing {

inline std::string source_dir() {
  const char* dir = std::getenv("FIRMSIM_SOURCE_DIR");
  return dir ? dir : ".";
}

inline std::string default_config_path() { return source_dir() + "/configs/belgium.yaml"; }

// Firm interactions off: the simulator's unit tests look at one mechanism at
// a time; interaction_test turns each interaction on where it tests it.
inline void independent_firms(Config& c) {
  c.model.interactions.market_information = 0;
  c.model.interactions.mentoring = 0;
  c.model.interactions.crowding = 0;
}

// The default world, with a small population and a short run, firms independent.
inline Config small_default(std::int64_t firms = 4000, int burn_in_start = 1975) {
  Config c = load_config(default_config_path());
  c.run.firms = firms;
  c.run.burn_in_start = burn_in_start;
  independent_firms(c);
  return c;
}

inline MarketSpec plain_market(const std::string& iso, double psychic_distance, double size, int eu_join_year = 1958) {
  MarketSpec m;
  m.meta.iso = iso;
  m.meta.name = iso;
  m.meta.region = "EU15";
  m.meta.eu_join_year = eu_join_year;
  m.distance_km = 1000;
  m.params.log_distance = 0;  // log(1000 km / 1000)
  m.params.psychic_distance = static_cast<float>(psychic_distance);
  m.params.size = static_cast<float>(size);
  m.params.growth = 0;
  m.params.competition = 0.5f;
  m.params.innovativeness = 0.5f;
  m.params.import_supply = 0;
  m.params.eu_join_year = static_cast<std::int16_t>(eu_join_year);
  m.params.region = 0;
  return m;
}

// One industry, identical firms (no efficiency dispersion), no noise, no
// exogenous death, every market noticed every year, no imports: what is left
// is the deterministic core of each mechanism.
inline Config quiet_world(std::vector<MarketSpec> markets, std::int64_t firms = 50) {
  Config c = load_config(default_config_path());
  independent_firms(c);
  c.markets = std::move(markets);
  c.model.n_markets = static_cast<int>(c.markets.size());
  IndustrySpec j = c.industries[3];  // a tradable manufacturing industry
  j.share = 1.0;
  j.params.efficiency_sd = 0;
  j.params.base_hazard = 0;
  j.params.exit_belief_threshold = -20;
  j.params.tradability = 1;
  j.params.sunk_cost_scale = 1;
  j.params.fixed_cost_scale = 1;
  c.industries = {j};
  c.model.n_industries = 1;
  ModelParams& p = c.model;
  // The economics the tests' arithmetic relies on, pinned here rather than
  // taken from the default config (which may change):
  // expected yearly profit in a size-s market = 0.15 * 40000 * s - 15000 * (1 + 2 psy),
  // its value = 10 * profit - 60000 * (1 + 2 psy).
  p.exports.scale = 40000;
  p.exports.productivity_elasticity = 2.5f;
  p.exports.size_elasticity = 0;
  p.exports.margin = 0.15f;
  p.exports.fixed_cost = 15000;
  p.exports.sunk_cost = 60000;
  p.exports.psychic_cost = 2;
  p.exports.discount = 0.9f;
  p.exports.first_year_fraction = 0.5f;
  p.exports.hysteresis_band = 0.3f;
  p.exports.reentry_factor = 0.5f;
  p.exports.import_sunk_factor = 0.6f;
  p.strategy.scale_gain = 0.5f;
  p.strategy.launch_sunk_share = 1;  // each market of a launch pays its full sunk cost (the launch-share test sets its own)
  p.strategy.max_markets = 15;
  p.imports.margin = 0.12f;
  p.imports.fixed_cost = 6000;
  p.imports.size_elasticity = 1;
  p.domestic.start_cash = 15000;
  p.domestic.operating_margin = 0.06f;
  p.efficiency.shock_sd = 0;
  p.domestic.employment_noise_sd = 0;
  p.exports.sales_noise_sd = 0;
  p.exports.appeal_region_sd = 0;
  p.exports.appeal_market_sd = 0;
  p.exports.appeal_firm_sd = 0;  // round two's mechanisms off: tests of them switch them on
  p.exports.venture_fixed_cost = 0;
  p.exports.entrant_sales_share = 1;  // new exporters do not start small
  p.exports.sprinkler_commitment = 0;
  p.domestic.size_tail_exponent = 0;
  p.exports.relationship_hazard = 0;
  p.exports.awareness_base = 1;
  p.exports.awareness_distance = 0;
  p.exports.orientation_sunk = 0;
  p.exports.related_experience_discount = 0;
  p.strategy.orientation_sd = 0;
  p.strategy.taste_scale = 0;
  p.imports.scale = 0;
  p.imports.firm_propensity_sd = 0;
  p.imports.relationship_hazard = 0;
  p.death.cash_constraint = 0;
  c.policies.clear();
  c.shocks.clear();
  c.run.firms = firms;
  c.run.replicates = 1;
  c.run.burn_in_start = 1990;
  c.run.first_year = 1990;
  c.run.last_year = 2005;
  return c;
}

// A program over every market in the years [from, to], everything else at
// its defaults (every firm eligible).
inline PolicySpec program_over_all_markets(const std::string& name, PolicyKind kind, double strength, int from,
                                           int to) {
  PolicySpec p;
  p.name = name;
  p.kind = kind;
  p.from = from;
  p.to = to;
  p.strength = strength;
  p.markets = ~MarketMask{0};
  return p;
}

// Latent export markets of each firm by year, from the panel's flows.
inline std::map<std::int64_t, std::map<int, MarketMask>> export_sets(const Panel& p) {
  std::map<std::int64_t, std::map<int, MarketMask>> sets;
  for (std::size_t k = 0; k < p.flows.rows(); ++k)
    if (p.flows.exports_true[k] > 0) sets[p.flows.firm[k]][p.flows.year[k]] |= market_bit(p.flows.market[k]);
  return sets;
}

// Every firm of replicate 0 as the run left it (status, traits, strategy, ...).
inline std::vector<FirmSnapshot> final_snapshots(const Config& c) {
  Simulation sim(c);
  sim.run();
  std::vector<FirmSnapshot> firms;
  for (std::int64_t i = 0; i < c.run.firms; ++i) firms.push_back(sim.snapshot(0, i));
  return firms;
}

}  // namespace firmsim::testing
