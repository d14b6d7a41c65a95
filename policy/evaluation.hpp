// What a policy program did: a baseline and a program variant of one
// population, simulated with common random numbers (sim/simulation.hpp), are
// compared firm by firm (same replicate, same firm id). Group totals of each
// outcome are summed per replicate and year; an effect is the program's total
// minus the baseline's over the same firms, and its interval is t-based over
// replicates.
//
// Groups are fixed before the program acts, so both variants count the same
// firms: "targeted" = targeted by a program of the variant in some year
// (kernels' support_for, recorded per firm-year in PolicyColumns); size class,
// age class and industry group come from the baseline in the year before the
// program starts. Latent strategy and the observed typology are outcomes (how
// many sprinkler exporters, how many born globals), not groups.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/config.hpp"
#include "sim/panel.hpp"
#include "sim/simulation.hpp"

namespace firmsim::policy {

// Outcomes summed over a group's firms in one year. Market entries by region
// follow the fixed ones (one per region of the config).
enum Measure : int {
  exporters = 0,        // firms with latent exports this year
  export_starters,      // firms whose first-ever export year this is
  market_entries,       // markets served this year and not last year
  export_value,         // EUR, latent
  exporter_survivors,   // last year's exporters still alive this year
  employment,           // FTE
  value_added,          // EUR
  support_paid,         // EUR paid to the group's firms
  supported_firms,      // firms paid anything this year
  waterfall_exporters,  // exporters with latent strategy waterfall
  sprinkler_exporters,  // exporters with latent strategy sprinkler
  kFixedMeasures
};
const char* measure_name(int measure);  // "exporters", ...; regions: "market_entries:EU15"

// Group families: all firms; targeted or not; size class, age and industry
// group before the program.
struct GroupSet {
  std::vector<std::string> names;   // e.g. "all", "targeted", "size 10-49 FTE"
  std::vector<std::string> family;  // "all", "target", "size", "age", "industry"
};
GroupSet group_set(const Config& config);

// One variant's recorded years as the evaluation needs them.
struct VariantResult {
  Panel panel;
  PolicyColumns policy;
};

// Totals[replicate][group][year][measure] for one variant.
using Totals = std::vector<std::vector<std::vector<std::vector<double>>>>;

// Per-replicate deadweight accounting for the firms a program paid.
struct Deadweight {
  std::vector<double> supported, deadweight, additional;  // per replicate
};

// Per-replicate counts of the observed type of 1998-2005 export starters
// (estimation/typology), program minus baseline.
struct TypologyEffect {
  std::vector<std::string> types;           // BG, BI, TI, BAG, EU-wide
  std::vector<std::vector<double>> effect;  // [type][replicate]
  std::string note;                         // why it is missing, if it is
};

struct Comparison {
  std::string program;
  int first_year = 0, last_year = 0;     // recorded window
  int program_from = 0, program_to = 0;  // years any of its policies is in force
  GroupSet groups;
  std::vector<std::string> measures;
  Totals baseline, variant;                   // [replicate][group][year - first_year][measure]
  std::vector<std::vector<double>> overhead;  // [replicate][year]: cost_per_year of programs in force
  Deadweight deadweight;
  TypologyEffect typology;
  int replicates() const { return static_cast<int>(baseline.size()); }
  // Program minus baseline, one value per replicate.
  std::vector<double> effect(int group, int year, int measure) const;
  // Summed over years [from, to].
  std::vector<double> cumulated(int group, int from, int to, int measure) const;
  // Public cost per replicate over [from, to]: support paid plus program overheads.
  std::vector<double> public_cost(int group, int from, int to) const;
};

// Compares a program variant with the baseline (both from one Simulation).
Comparison compare_variants(const Config& program, const VariantResult& baseline, const VariantResult& variant);

// Firm-level effects of one replicate, cumulated over the recorded window:
// program minus baseline for each firm id that lived in either variant.
struct FirmEffect {
  std::int64_t firm = 0;
  bool targeted = false;
  double exporter_years = 0, export_value = 0, market_entries = 0, employment = 0, support_paid = 0;
};
std::vector<FirmEffect> firm_effects(const VariantResult& baseline, const VariantResult& variant, int replicate);

// A mean over replicates with its 95% t interval (lo = hi = mean when n < 2).
struct Interval {
  double mean = 0, lo = 0, hi = 0;
  int n = 0;
};
Interval t_interval(const std::vector<double>& per_replicate);

// Years [from, to] in which any of the config's policies is in force (0, 0 if none).
std::pair<int, int> program_years(const Config& config);

}  // namespace firmsim::policy
