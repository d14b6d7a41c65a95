// Runs a baseline and policy programs as variants of one population (common
// random numbers, one launch) and compares each program with the baseline.
// With a budget, each program's intensity is first scaled so that all cost
// the same: a few rounds of a 1-D root find on the scale, each round one
// launch of every program together.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "policy/evaluation.hpp"
#include "sim/config.hpp"

namespace firmsim::policy {

struct Program {
  std::string file;       // the scenario it came from
  Config config;          // baseline config with the program's policies
  double scale = 1;       // intensity multiplier applied (budget runs)
  bool at_budget = true;  // false when the budget could not be reached
  std::string budget_note;
};

// A program's policies with strengths, costs per firm and costs per year
// multiplied by `scale`; strengths are capped at their maximum (a share of 1,
// or the credit guarantee's limit).
Config scaled_program(const Config& program, double scale);
// The largest scale at which no strength passes its cap.
double max_scale(const Config& program);

// Mean public cost per replicate of each variant (support paid plus program
// overheads over the recorded years), from one launch of all of them.
std::vector<double> public_costs(const std::vector<Config>& programs);

// Scales every program so that its public cost is within `tolerance` of
// `budget` (secant steps on log cost against log scale, at most `rounds`
// launches). `log` is told each round's costs.
void scale_to_budget(std::vector<Program>& programs, double budget, int rounds = 5, double tolerance = 0.03,
                     const std::function<void(const std::string&)>& log = {});

struct Evaluation {
  Config baseline;
  std::vector<Program> programs;
  std::vector<Comparison> comparisons;  // one per program
  std::optional<double> budget;
  double seconds = 0;  // simulation and comparison of the final launch
};

// The final launch: baseline and every program together, then the comparisons.
Evaluation evaluate(const Config& baseline, std::vector<Program> programs, std::optional<double> budget,
                    const std::function<void(int year, int last_year)>& on_year = {});

}  // namespace firmsim::policy
