// Classical tests: t tests (paired, one-sample, pooled and Welch two-sample)
// and Pearson's chi-square test of independence.
//
// Missing values: in the t tests an input entry that is NaN is treated as
// missing and dropped (pairwise for the paired test), as Stata's ttest drops
// missing observations; the number used is reported in n.
#pragma once

#include "estimation/linear_algebra.hpp"

#include <iosfwd>
#include <vector>

namespace firmsim::est {

struct TTestResult {
  double mean_x = 0, mean_y = 0;      // mean_y = 0 for the one-sample test
  double difference = 0;              // mean_x - mean_y (or mean of x - y for the paired test)
  double se = 0;                      // standard error of the difference
  double t = 0, df = 0, p = 1;        // two-sided
  double ci_lower = 0, ci_upper = 0;  // 95%
  double n_x = 0, n_y = 0;            // observations used (pairs: n_x = n_y)
  void print(std::ostream& os) const;
};

TTestResult one_sample_t_test(const std::vector<double>& x, double mu0 = 0.0);
TTestResult paired_t_test(const std::vector<double>& x, const std::vector<double>& y);
TTestResult two_sample_t_test(const std::vector<double>& x, const std::vector<double>& y);  // pooled variance
TTestResult welch_t_test(const std::vector<double>& x, const std::vector<double>& y);       // Satterthwaite df

struct ChiSquareResult {
  Matrix observed;
  Matrix expected;  // row total * column total / N
  double chi2 = 0, df = 0, p = 1;
  double n = 0;
  void print(std::ostream& os) const;
};

// Pearson chi-square test of independence (no continuity correction, as Stata's
// tabulate, chi2). Throws std::invalid_argument for negative or non-finite counts,
// fewer than 2 rows or columns, or an empty row or column.
ChiSquareResult chi_square_independence(const Matrix& counts);

}  // namespace firmsim::est
