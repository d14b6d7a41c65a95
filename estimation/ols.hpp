// Ordinary least squares with absorbed fixed effects and Stata's variances.
//
// ols(y, X, spec) estimates y = X b [+ _cons] [+ absorbed levels] + e.
// Coefficients and classical SEs equal Stata's `areg y x, absorb(ind)` and
// `reg y x i.ind` (slopes); robust is HC1 and clustered is CR1 with Stata's
// small-sample factor G/(G-1)*(N-1)/(N-K), where K counts the absorbed
// levels, as areg (and statsmodels with explicit dummies) does.
//
// R2 with absorbed effects is the full-model R2 that `reg y x i.ind` and
// `areg` report: 1 - RSS/TSS with TSS around the grand mean, i.e. the dummies
// count as explained variation. r2_within (the demeaned regression's R2) is
// reported besides. Without intercept and without absorbed effects, R2 is the
// uncentered one (Stata's noconstant convention). The F test covers the listed
// regressors only (not _cons, not the absorbed levels), as areg's does and as
// the paper's Table 11 "F(5, 4930)" shows.
#pragma once

#include "estimation/fixed_effects.hpp"
#include "estimation/linear_algebra.hpp"
#include "estimation/stata_print.hpp"

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace firmsim::est {

enum class VarianceType { classical, robust, cluster };

struct OlsSpec {
  std::string depvar = "y";
  std::vector<std::string> names;      // one per column of X; default x1, x2, ...
  bool intercept = true;               // appends _cons (with absorb: areg's grand-mean _cons)
  std::optional<FixedEffects> absorb;  // absorbed factor (one level per observation)
  VarianceType variance = VarianceType::classical;
  std::optional<FixedEffects> cluster;  // required when variance == cluster
};

struct OlsResult {
  std::string depvar;
  CoefficientTable table;  // listed regressors, then _cons
  Matrix vcov;
  Eigen::Index n = 0;
  Eigen::Index k = 0;       // estimated listed coefficients incl. _cons
  int absorbed_levels = 0;  // 0 without absorb
  double df_model = 0;      // k excl. _cons + absorbed levels - 1 (Stata's e(df_m) of reg y x i.ind)
  double df_resid = 0;      // N - k - absorbed levels (+1 if both intercept and absorb)
  double f = 0, f_df1 = 0, f_df2 = 0, f_p = 1;  // Wald/F of the listed regressors (excl. _cons)
  double r2 = 0, r2_adj = 0, r2_within = 0;
  double rmse = 0, rss = 0, tss = 0;
  int n_clusters = 0;
  VarianceType variance = VarianceType::classical;
  Vector fitted;  // full-model fitted values (including absorbed effects)
  Vector residuals;

  void print(std::ostream& os) const;
};

// Throws std::invalid_argument on mismatched lengths, empty data, too few
// observations, non-finite input, a missing cluster factor or a rank-deficient
// design (after absorbing), naming the offending column where possible.
OlsResult ols(const Vector& y, const Matrix& X, const OlsSpec& spec = {});

// Wald test of R b = r using a result's vcov: F = W / rows(R), df2 = the result's table df.
struct WaldTest {
  double chi2 = 0, df = 0, p = 1;               // chi2 form
  double f = 0, f_df1 = 0, f_df2 = 0, f_p = 1;  // F form
};
WaldTest wald_test(const Vector& coef, const Matrix& vcov, const Matrix& R, const Vector& r, double df2 = 0);

}  // namespace firmsim::est
