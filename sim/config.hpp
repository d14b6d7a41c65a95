// A run's configuration: the world (markets, industries), the model's
// parameters, measurement, policy programs and trade shocks, and the run
// options. Loaded from YAML (with `include:` files and scenario overlays) and
// validated as a whole; every error names file, line and key.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "kernels/model.hpp"
#include "sim/panel.hpp"

namespace firmsim {

struct RunOptions {
  std::uint64_t seed = 1;
  int replicates = 1;
  std::int64_t firms = 0;        // firm slots per replicate: everyone born from burn_in_start to last_year
  int burn_in_start = 1950;      // first simulated year
  int first_year = 1993;         // first recorded year
  int last_year = 2005;          // last recorded (and simulated) year
  std::int64_t batch = 1 << 20;  // firms per kernel launch; results do not depend on it
  bool entry_bound = true;       // skip valuing markets no entry could pay for; results do not depend on it
  // The pool of per-market state to start with (0: the engine's choice); it
  // grows as firms need rows, and results do not depend on it.
  std::int64_t initial_market_rows = 0;
  double birth_growth = 0.0;  // yearly growth of cohort size
};

struct MarketSpec {
  MarketMeta meta;
  MarketParams params{};
  double distance_km = 0;
};

struct IndustrySpec {
  IndustryMeta meta;
  IndustryParams params{};
  double share = 0;
};

struct ThresholdPeriod {
  int from = 0, to = 0;
  double eur = 0;
};

struct MeasurementSpec {
  std::vector<ThresholdPeriod> intrastat;  // by year range
  double extrastat_threshold = 1000;
  int dummy_first_year = 1993, dummy_last_year = 1997;
  // The sample window of the measured panel (the NBB's 1998-2005 SMEs): the
  // export starters the typology classifies are those of these years.
  int sample_first_year = 1998, sample_last_year = 2005;
};

struct PolicySpec {
  std::string name;
  PolicyKind kind = PolicyKind::sunk_cost_subsidy;
  int from = 0, to = 0;
  double strength = 0;
  MarketMask markets = 0;
  std::uint64_t industries = ~std::uint64_t{0};
  double min_fte = 0, max_fte = 1e9, min_age = 0, max_age = 1e9;
  int exporter_status = 0;   // ExporterStatus (kernels/model.hpp)
  double cost_per_firm = 0;  // EUR per targeted firm-year (running cost of advice, missions)
  double cost_per_year = 0;  // EUR per year in force whoever benefits (diplomacy's embassies, fairs)
  // Who of the eligible firms take part (kernels' participates()): take_up of
  // them, at random or self-selected on their traits; a client stays a client.
  double take_up = 1;
  ProgramAssignment assignment = ProgramAssignment::random;
  double selection_strength = 0.7;  // self_selected: weight of efficiency and orientation in the demand for support
};

struct ShockSpec {
  std::string name;
  int from = 0, to = 0;
  MarketMask markets = 0;
  double demand_factor = 1;  // multiplies demand while in force
};

struct TypologySpec {
  int early_years = 5;    // first export within this many years of founding = early
  int min_countries = 5;  // at least this many countries (one non-EU) = global scope
};

struct Config {
  std::string source;                 // main config file
  std::vector<std::string> overlays;  // scenario files applied on top
  // 16 hex digits of a hash of the settings as read (includes and overlays
  // merged, comments and layout not counted): a log or checkpoint made from
  // this config can tell whether it is still the same one.
  std::string fingerprint;
  RunOptions run;
  ModelParams model{};
  MeasurementSpec measurement;
  TypologySpec typology;
  std::vector<std::string> regions;
  // The year the markets' sizes refer to: demand grows (or shrinks) from it at
  // each market's rate. A fact of the world, so changing the recorded years
  // (--years) never changes the firms.
  int demand_base_year = 1993;
  std::vector<MarketSpec> markets;
  std::vector<IndustrySpec> industries;
  std::vector<PolicySpec> policies;
  std::vector<ShockSpec> shocks;
};

// One model parameter: where it lives in YAML, its range, unit and meaning.
struct ParameterInfo {
  std::string key;  // dotted path under `model:`
  double lo, hi;
  std::string unit;
  std::string meaning;
};
const std::vector<ParameterInfo>& model_parameters();

// Loads `path` (following `include:`), applies each overlay in order, and
// validates. Throws InputError.
Config load_config(const std::string& path, const std::vector<std::string>& overlays = {});

// One setting a scenario overlay writes: its dotted key, the config's value
// and the overlay's (YAML text; "(unset)" where the config does not write
// the key), the overlay's line, and whether the value differs.
struct SettingChange {
  std::string key, from, to;
  int line = 0;
  bool changed = true;
};

// What `overlay` writes when applied to the config at `path` (includes
// followed): every setting, in the overlay's order, marked changed where its
// value differs. Numbers are compared as numbers (`0.50` restates `0.5`) and
// lists element by element; a key the config leaves at its built-in default
// counts as changed when the overlay writes it. The overlay's `scenario:`
// block describes it and is not a setting. Throws InputError as load_config.
std::vector<SettingChange> overlay_settings(const std::string& path, const std::string& overlay);

// A scenario file's `scenario: {name: ...}`, or its file name without the
// extension when it gives none.
std::string scenario_name(const std::string& overlay);

// Every market's demand stays finite and within limits::kMaxDemand in every
// simulated year (size, growth from demand_base_year, stacked shocks); throws
// InputError naming the key that pushes it over. load_config checks it; call
// again after changing the years.
void check_demand_in_range(const Config& config);

// Sets the model parameter at a dotted key (e.g. "exports.sunk_cost"); for
// the viewer's sliders and for tests. Throws std::out_of_range for an unknown
// key and InputError for a value out of range.
void set_model_parameter(ModelParams& model, const std::string& key, double value);
double get_model_parameter(const ModelParams& model, const std::string& key);

// Panel metadata (markets, industries) as the estimators see them.
PanelMeta panel_meta(const Config& config);

}  // namespace firmsim
