// Heckman (1979) two-step selection model, as Stata's `heckman ..., twostep`
// and R sampleSelection's heckit() compute it.
//
// Step 1: probit of the selection indicator s on Z (all observations).
// Step 2: OLS of y on [X, lambda] over the selected, lambda = phi(z'g)/Phi(z'g).
// sigma^2 = e'e/n1 + b_lambda^2 * mean(delta), delta = lambda (lambda + z'g);
// rho = b_lambda / sigma; outside [-1, 1] it is bounded as HeckmanSpec::rho_bound says
// (default Stata's `rhosigma`: rho = +-1 and sigma = |b_lambda|), before the covariance.
// The outcome covariance is the corrected one (Greene, Econometric Analysis, eq. 22-22):
//   V = sigma^2 (W'W)^-1 [W'(I - rho^2 D) W + rho^2 (W'D Z) V_g (Z'D W)] (W'W)^-1,
// W = [X, lambda], D = diag(delta) over the selected, V_g the probit covariance.
#pragma once

#include "estimation/linear_algebra.hpp"
#include "estimation/probit.hpp"
#include "estimation/stata_print.hpp"

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace firmsim::est {

// What the two-step does with an estimated rho outside [-1, 1], as Stata's options
// of `heckman ..., twostep` (the estimate itself is consistent only for |rho| <= 1).
enum class RhoBound {
  rhosigma,  // Stata's default: rho = sign(rho), sigma = |b_lambda| (so b_lambda = rho sigma still holds)
  rhotrunc,  // rho = sign(rho), sigma kept
  rhoforce,  // the raw rho is kept (the covariance need not be positive definite)
};

struct HeckmanSpec {
  std::string depvar = "y";
  std::string selectvar = "select";
  std::vector<std::string> outcome_names;    // one per column of X
  std::vector<std::string> selection_names;  // one per column of Z
  bool outcome_intercept = true;
  bool selection_intercept = true;
  RhoBound rho_bound = RhoBound::rhosigma;
};

struct HeckmanResult {
  std::string depvar, selectvar;
  CoefficientTable outcome;  // X coefficients then _cons (z statistics); lambda is separate
  Matrix outcome_vcov;       // corrected, including lambda as last row/column
  ProbitResult selection;    // first step
  double lambda = 0, lambda_se = 0, lambda_z = 0, lambda_p = 1;
  double rho = 0, sigma = 0;          // as used in the covariance (bounded per rho_bound)
  double rho_raw = 0, sigma_raw = 0;  // b_lambda / sigma_raw and sqrt(e'e/n1 + b_lambda^2 mean(delta))
  RhoBound rho_bound = RhoBound::rhosigma;
  bool rho_truncated = false;  // |rho_raw| > 1 and rho_bound changed rho
  Eigen::Index n = 0, n_selected = 0, n_censored = 0;
  double wald_chi2 = 0, wald_df = 0, wald_p = 1;  // outcome regressors excl. _cons and lambda
  Matrix outcome_design;                          // X (with _cons if any) for ALL observations
  void print(std::ostream& os) const;
};

// y: outcome for all observations (entries with selected == 0 are ignored and may be NaN);
// X: outcome regressors for all observations; Z: selection regressors (should contain an
// exclusion restriction). Throws std::invalid_argument on bad input, std::domain_error if
// the probit fails (perfect prediction).
HeckmanResult heckman_two_step(const Vector& y, const Matrix& X, const std::vector<std::uint8_t>& selected,
                               const Matrix& Z, const HeckmanSpec& spec = {});

// Average marginal effects over all observations (Stata's margins default sample).
// A regressor's effect combines its outcome coefficient b_k and its selection
// coefficient g_k (0 where it is absent from an equation; matched by name):
//   xb        : dE[y*|x]/dx_k = b_k                                (predict(xb))
//   conditional: dE[y|x,s=1]/dx_k = b_k - b_lambda g_k delta(z'g)  (predict(ycond))
//   unconditional: d{Phi(z'g) E[y|x,s=1]}/dx_k
//                 = Phi(z'g) b_k + phi(z'g) g_k (x'b - b_lambda z'g)  (predict(yexpected))
// All regressors are treated as continuous (derivatives), as the paper's Table 14.
struct HeckmanMarginalEffects {
  std::vector<std::string> names;  // union of outcome and selection regressors (no _cons)
  Vector xb, conditional, unconditional;
  void print(std::ostream& os) const;
};
HeckmanMarginalEffects heckman_marginal_effects(const HeckmanResult& fit);

}  // namespace firmsim::est
