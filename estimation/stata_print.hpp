// Stata-looking text output for estimation results.
//
// Every result struct owns a CoefficientTable; print() functions render the
// header block (N, F or chi2, R2, ...) and the table the way Stata does, so
// that a simulated table can be read side by side with the paper's log.
#pragma once

#include "estimation/linear_algebra.hpp"

#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

namespace firmsim::est {

// One row per coefficient: estimate, standard error, test statistic, p-value and 95% CI.
struct CoefficientTable {
  std::vector<std::string> names;
  Vector coef;
  Vector se;
  Vector stat;      // t or z
  Vector p;         // two-sided
  Vector ci_lower;  // 95%
  Vector ci_upper;
  bool normal = false;  // true: z and normal p-values; false: t with df
  double df = 0;        // degrees of freedom of the t distribution (ignored when normal)

  Eigen::Index size() const { return coef.size(); }
  // Index of a coefficient by name; throws std::out_of_range if absent.
  Eigen::Index index(const std::string& name) const;
};

// Fills stat, p and CI from coef and se (t with df, or normal).
CoefficientTable make_coefficient_table(std::vector<std::string> names, Vector coef, Vector se, bool normal, double df);

// Significance stars as in the paper: * p<0.10, ** p<0.05, *** p<0.01.
std::string stars(double p);

// Writes "Name = value" lines in two columns (Stata's header block).
void print_header(std::ostream& os, const std::string& title,
                  const std::vector<std::pair<std::string, std::string>>& left,
                  const std::vector<std::pair<std::string, std::string>>& right);

// Writes the coefficient table with the dependent variable in the corner.
void print_coefficient_table(std::ostream& os, const CoefficientTable& table, const std::string& depvar);

// Number formatting shared by the printers (Stata-like %9.0g-ish, fixed digits).
std::string format_number(double x, int precision = 4);
// Probabilities always in fixed notation with 4 decimals (Stata prints 0.0000, never 1e-205).
std::string format_probability(double p);

}  // namespace firmsim::est
