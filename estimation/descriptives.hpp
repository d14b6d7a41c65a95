// Descriptive statistics: mean, standard deviation (n-1), min, max and N, overall and by group.
#pragma once

#include "estimation/linear_algebra.hpp"

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace firmsim::est {

struct Summary {
  std::int64_t group = 0;  // group code (0 for the overall summary)
  double n = 0;
  double mean = 0, sd = 0, min = 0, max = 0;  // sd = 0 when n < 2; all 0 when n = 0
};

// Non-finite values are skipped (missing), as Stata's summarize does.
Summary summarize(const std::vector<double>& x);

// One Summary per distinct group code, in ascending code order. Throws
// std::invalid_argument on a length mismatch.
std::vector<Summary> summarize_by_group(const std::vector<double>& x, const std::vector<std::int64_t>& group);

void print_summaries(std::ostream& os, const std::string& variable, const std::vector<Summary>& rows);

}  // namespace firmsim::est
