// Policy validity checks (`firmsim validate`, issue 19): the simulated
// programs, shaped like real ones, against what published evaluations found.
// Every check runs its program as a variant of the baseline population with
// common random numbers, so the program's true effect on the firms it paid is
// known firm by firm (program world minus baseline world). Beside it, the
// anchor's own study design is run on the program world alone (supported
// against unsupported firms, by difference in differences and by exact
// matching on pre-program traits), as an evaluator with real data would have
// to: the gap between the design's estimate and the true effect is the
// selection bias that design carries if the model is right.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "policy/evaluation.hpp"
#include "sim/config.hpp"

namespace firmsim::policy {

// One world's firms year by year, one replicate: latent outcomes and what the
// programs did, in dense [firm slot][year] arrays.
struct FirmYears {
  int first_year = 0, years = 0;
  std::vector<std::int64_t> firm;                    // slot -> firm id
  std::unordered_map<std::int64_t, std::size_t> slot_of;
  std::vector<float> exports, fte, support;          // EUR (latent), FTE, EUR paid
  std::vector<std::uint8_t> present, markets, non_eu_markets;
  std::vector<std::uint8_t> targeted;  // bit k: policy k of the world reached the firm (a client, paid or not)
  std::size_t at(std::size_t slot, int year) const {
    return slot * static_cast<std::size_t>(years) + static_cast<std::size_t>(year - first_year);
  }
  bool has(std::size_t slot, int year) const {
    return year >= first_year && year < first_year + years && present[at(slot, year)];
  }
  bool exporting(std::size_t slot, int year) const { return has(slot, year) && exports[at(slot, year)] > 0; }
};
FirmYears firm_years(const VariantResult& world, int replicate);

// The program's clients (reached by it in some year of [from, to]) and the
// firms it did not reach that met its rules the year before it started
// (size and export status): the comparison group an evaluator would draw.
// A firm reached only by the policies in `light_bits` is lightly supported
// (neither group), as the light-touch clients some evaluations compare with.
struct Assignment {
  std::vector<std::size_t> supported, unsupported, light;  // slots of the program world
};
Assignment assignment(const FirmYears& program, const PolicySpec& rules, int from, int to,
                      std::uint8_t light_bits = 0);

// A firm-level outcome in one world and year; NaN leaves the firm out.
using Outcome = std::function<double(const FirmYears&, std::size_t slot, int year)>;

// Mean over the supported firms of outcome(program) - outcome(baseline): the
// effect on the treated, known only in a simulation.
double true_effect(const FirmYears& program, const FirmYears& baseline, const Assignment& a, const Outcome& y,
                   int year);
// Difference in differences on the program world: supported minus unsupported
// of outcome(year) - outcome(before).
double did_estimate(const FirmYears& program, const Assignment& a, const Outcome& y, int before, int year);
// Exact matching on the year before: cells of size class x exporter status x
// markets served (0, 1, 2-4, 5+); the supported firms' mean outcome minus the
// unsupported firms' of the same cell, weighted by the supported firms.
double matching_estimate(const FirmYears& program, const Assignment& a, const Outcome& y, int before, int year);

// One row of the validation table.
struct CheckResult {
  std::string check;      // "P2 margins"
  std::string anchor;     // the study
  std::string measure;    // what is compared
  std::string published;  // the anchor's figure, as text
  Interval simulated;     // the true effect (or the model's figure), across replicates
  Interval design;        // the anchor's estimator on the program world (n = 0: none)
  std::string design_name;
  bool pass = false;
  std::string reading;  // why it passes or fails, which mechanism puts it there
};

struct ValidationOptions {
  std::string programs_dir;         // scenarios/validation
  std::vector<std::string> checks;  // empty: all
  // P1 runs in a world that goes on past the 2009 trade collapse
  // (scenarios/belgium_1998_2012.yaml on the config); without it P1 is skipped.
  std::optional<Config> crisis_baseline;
};

struct Validation {
  Config baseline;
  std::vector<CheckResult> rows;
  std::vector<std::string> skipped;  // checks not run, and why
  double seconds = 0;
};

// The names of the checks, in the table's order.
const std::vector<std::string>& check_names();

// Runs the checks' programs beside the baseline (one launch) and measures them.
Validation run_validation(const Config& baseline, const ValidationOptions& options,
                          const std::function<void(int year, int last_year)>& on_year = {});

std::string validation_markdown(const Validation& v);
std::string validation_csv(const Validation& v);

}  // namespace firmsim::policy
