// Inference at the optimum of the method of simulated moments.
//
// G = d m / d u, the moments' Jacobian in the unit box, by central differences
// with common random numbers (2P candidates in one batch; one-sided at a
// bound). With W the diagonal weights and Omega the covariance of
// (simulated - published) moments (diag(var_k (1 + 1/R)); with measured noise
// its diagonal var_k + noise_k / R and, off the diagonal, the simulation
// draws' covariance: difference_covariance in moments.hpp), the sandwich
//   V(u) = (G'WG)^-1 G'W Omega W G (G'WG)^-1
// (equal to (G'WG)^-1 under the efficient weighting when Omega is diagonal),
// and by the delta method se(theta_p) = |d theta_p / d u_p| se(u_p).
// J = sum_k (m_k - e_k)^2 / Omega_kk at the optimum (Omega's diagonal), the objective under the
// efficient weighting whatever weighting was optimized: chi-square with K - P
// degrees of freedom under correct specification (over-identification test;
// at an estimate made with other weights it is a diagnostic, not exact).
// Identification: S_kp = G_kp / sqrt(Omega_kk), the move of moment k, in its
// standard errors, when parameter p crosses its whole box. A parameter that
// moves no targeted moment by one standard error is not pinned down; it is
// held at its estimate when the others' covariance is computed.
#pragma once

#include <string>
#include <vector>

#include "calibrate/evaluator.hpp"

namespace firmsim::cal {

struct Inference {
  std::vector<double> theta, se, u_se;
  std::vector<std::vector<double>> jacobian;     // K x P, d moment / d u
  std::vector<std::vector<double>> sensitivity;  // K x P, in moment standard errors
  std::vector<bool> moment_used;                 // finite at the optimum and in the Jacobian
  double j_statistic = 0, j_p_value = 0;
  int degrees_of_freedom = 0;
  double condition_number = 0;  // of G'WG
  std::vector<std::string> not_pinned_down;
  bool singular = false;  // G'WG not invertible: some parameter has no effect
};

// The half-width of the standard errors' central differences in the unit
// box: wide enough that the moments' slopes are not those of single firms
// switching.
constexpr double kInferenceStep = 0.1;

// The points the standard errors' Jacobian evaluates around u0: for each
// parameter, u0 moved down then up by `step` (clipped to the box). Gauss-
// Newton looks at the same points before it stops (optimizer.cpp), so a
// search that stops by itself leaves the fit report no lower probe to find.
std::vector<std::vector<double>> inference_probes(const std::vector<double>& u0, double step);

Inference infer(Evaluator& evaluator, const std::vector<double>& best_theta, double step = kInferenceStep);

}  // namespace firmsim::cal
