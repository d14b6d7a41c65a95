// The evaluation's report: a headline table per program (printed and in
// effects.md), every effect by group, measure and year with its interval in
// effects.csv, persistence after the program ends, deadweight, the observed
// typology, a ranking by cost-effectiveness, and SVG figures (the effect
// over time with its band; cost per additional exporter by target group).
// Files are written atomically (sim/atomic_file.hpp).
#pragma once

#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "policy/evaluate.hpp"

namespace firmsim::policy {

// What a program bought, for one group (all firms or the targeted ones).
struct Headline {
  Interval cost;                  // EUR over the recorded years (support + overheads)
  Interval additional_exporters;  // in the program's last year (or the last recorded)
  Interval export_starters;       // cumulated from the program's start
  Interval market_entries;        // cumulated
  Interval export_value;          // EUR, cumulated
  Interval employment;            // FTE in the program's last year
  Interval value_added;           // EUR, cumulated
  Interval exporter_survivors;    // cumulated
  double cost_per_exporter = 0, cost_per_entry = 0, cost_per_euro = 0;  // NaN when the effect is <= 0
};
Headline headline(const Comparison& c, int group);

struct Shares {
  Interval supported, deadweight_share, additionality_share;  // shares of supported firms
};
Shares deadweight_shares(const Comparison& c);

// Programs ordered from the cheapest additional exporter (or euro of exports) up;
// those without a positive effect last.
std::vector<std::size_t> rank_by_cost_per_exporter(const Evaluation& e);
std::vector<std::size_t> rank_by_cost_per_euro(const Evaluation& e);

void print_headlines(std::ostream& out, const Evaluation& e);
std::string effects_markdown(const Evaluation& e);
std::string effects_csv(const Evaluation& e);
std::string effect_figure(const Comparison& c);              // effect over time with its band
std::string cost_effectiveness_figure(const Evaluation& e);  // by target group
// Writes each (name, text) into dir atomically, one file at a time; returns the names.
std::vector<std::string> write_files(const std::string& dir,
                                     const std::vector<std::pair<std::string, std::string>>& files);
// Writes effects.md, effects.csv and the figures; returns the file names.
std::vector<std::string> write_effects(const Evaluation& e, const std::string& dir);

}  // namespace firmsim::policy
