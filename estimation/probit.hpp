// Probit by Newton-Raphson, with Stata's default variance and average marginal effects.
//
// The variance is the inverse of the observed information (minus the inverse
// Hessian at the optimum), which is what Stata's `probit` and statsmodels'
// Probit report by default. Perfect prediction (a regressor, or a combination
// of regressors, that separates the outcomes) makes the MLE not exist: it is
// reported by a std::domain_error naming the cause, never by NaN estimates.
#pragma once

#include "estimation/linear_algebra.hpp"
#include "estimation/stata_print.hpp"

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace firmsim::est {

struct ProbitSpec {
  std::string depvar = "y";
  std::vector<std::string> names;  // one per column of X; default x1, x2, ...
  bool intercept = true;           // appends _cons as the last coefficient
  int max_iterations = 100;
  double tolerance = 1e-10;  // on the scaled gradient g' H^-1 g (Stata's nrtolerance idea)
  // false: a 0/1 regressor that predicts the outcome perfectly is an error.
  // true: as Stata, drop that regressor and the observations it determines (repeatedly),
  // report them in notes/dropped_regressors, and estimate on the rest (see sample).
  bool drop_perfect_predictors = false;
};

struct ProbitResult {
  std::string depvar;
  CoefficientTable table;  // z statistics
  Matrix vcov;             // -H^-1 at the optimum
  Matrix design;           // X as used (estimation sample, with the _cons column if any), for margins and Heckman
  Eigen::Index n = 0;
  Eigen::Index n_positive = 0;
  double log_likelihood = 0;
  double log_likelihood_null = 0;                 // intercept-only model
  double lr_chi2 = 0, lr_df = 0, lr_p = 1;        // 2 (ll - ll0), df = k excl. _cons
  double wald_chi2 = 0, wald_df = 0, wald_p = 1;  // b' V^-1 b over regressors excl. _cons
  double pseudo_r2 = 0;                           // McFadden: 1 - ll/ll0
  int iterations = 0;
  bool converged = false;
  bool has_intercept = true;
  std::vector<std::uint8_t> sample;             // per input row: 1 = in the estimation sample (Stata's e(sample))
  std::vector<std::string> dropped_regressors;  // perfect predictors dropped (drop_perfect_predictors)
  std::vector<std::string> notes;               // Stata-style notes on what was dropped

  Vector linear_index() const;  // x_i' b for the estimation sample
  void print(std::ostream& os) const;
};

// Throws std::invalid_argument for mismatched lengths, empty data, outcomes
// other than 0/1, an outcome without variation or a rank-deficient design;
// std::domain_error for perfect prediction or failure to converge.
ProbitResult probit(const Vector& y, const Matrix& X, const ProbitSpec& spec = {});

// Average marginal effects with delta-method standard errors, as Stata's
// `margins, dydx(*)` after probit: for a continuous regressor the mean of
// phi(x'b) b_k; for a dummy regressor the mean discrete change
// Phi(x'b | d=1) - Phi(x'b | d=0). The constant gets no effect.
struct MarginalEffects {
  CoefficientTable table;  // dy/dx, delta-method SE, z, p, CI
  Matrix vcov;
  std::vector<bool> is_dummy;
  void print(std::ostream& os) const;
};

// is_dummy: one flag per listed regressor (not _cons); empty = treat every
// regressor whose values are all 0 or 1 as a dummy (statsmodels' dummy=True).
MarginalEffects average_marginal_effects(const ProbitResult& fit, std::vector<bool> is_dummy = {});

}  // namespace firmsim::est
