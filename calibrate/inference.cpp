#include "calibrate/inference.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <boost/math/distributions/chi_squared.hpp>
#include <cmath>

namespace firmsim::cal {

namespace {

double dtheta_du(const Parameter& p, double theta) {
  return p.scale == Scale::log ? theta * std::log(p.upper / p.lower) : p.upper - p.lower;
}

// Central differences in the unit box, one-sided where a bound is near.
std::vector<std::vector<double>> jacobian(Evaluator& evaluator, const std::vector<double>& u0,
                                          const std::vector<double>& m0, double step) {
  const std::vector<Parameter>& ps = evaluator.setup().parameters;
  const std::vector<std::vector<double>> us = inference_probes(u0, step);
  std::vector<std::vector<double>> thetas;
  for (const std::vector<double>& u : us) thetas.push_back(from_unit(ps, u));
  const std::vector<Evaluation> e = evaluator.evaluate(thetas, "jacobian");
  std::vector<std::vector<double>> g(m0.size(), std::vector<double>(ps.size(), std::nan("")));
  for (std::size_t p = 0; p < ps.size(); ++p) {
    const double span = us[2 * p + 1][p] - us[2 * p][p];
    for (std::size_t k = 0; k < m0.size(); ++k) g[k][p] = (e[2 * p + 1].moments[k] - e[2 * p].moments[k]) / span;
  }
  return g;
}

}  // namespace

std::vector<std::vector<double>> inference_probes(const std::vector<double>& u0, double step) {
  std::vector<std::vector<double>> out;
  for (std::size_t p = 0; p < u0.size(); ++p) {
    out.push_back(u0);
    out.back()[p] = std::max(0.0, u0[p] - step);
    out.push_back(u0);
    out.back()[p] = std::min(1.0, u0[p] + step);
  }
  return out;
}

Inference infer(Evaluator& evaluator, const std::vector<double>& best_theta, double step) {
  const std::vector<Parameter>& ps = evaluator.setup().parameters;
  const std::vector<Moment>& ms = evaluator.setup().moments;
  const std::vector<double>& w = evaluator.weights();
  const std::vector<double>& efficient = evaluator.sampling_weights();  // 1 / Omega_kk
  const Evaluation at = evaluator.evaluate_one(best_theta, "local");
  Inference inf;
  inf.theta = best_theta;
  inf.jacobian = jacobian(evaluator, to_unit(ps, best_theta), at.moments, step);

  const std::size_t P = ps.size(), K = ms.size();
  inf.moment_used.assign(K, false);
  inf.sensitivity.assign(K, std::vector<double>(P, std::nan("")));
  std::vector<std::size_t> used;
  for (std::size_t k = 0; k < K; ++k) {
    bool ok = std::isfinite(at.moments[k]);
    for (std::size_t p = 0; p < P; ++p) ok = ok && std::isfinite(inf.jacobian[k][p]);
    inf.moment_used[k] = ok;
    if (!ok) continue;
    used.push_back(k);
    for (std::size_t p = 0; p < P; ++p) inf.sensitivity[k][p] = inf.jacobian[k][p] * std::sqrt(efficient[k]);
  }

  for (std::size_t p = 0; p < P; ++p) {
    double strongest = 0;
    for (std::size_t k : used) strongest = std::max(strongest, std::fabs(inf.sensitivity[k][p]));
    if (strongest < 1.0) inf.not_pinned_down.push_back(ps[p].key);
  }
  // Parameters no moment pins down are held at their estimates for the
  // covariance of the others (their own s.e. is reported as not identified).
  std::vector<std::size_t> free;
  for (std::size_t p = 0; p < P; ++p)
    if (std::find(inf.not_pinned_down.begin(), inf.not_pinned_down.end(), ps[p].key) == inf.not_pinned_down.end())
      free.push_back(p);
  inf.u_se.assign(P, std::nan(""));
  inf.se.assign(P, std::nan(""));
  inf.singular = free.empty();
  if (!free.empty()) {
    // Omega: the covariance of (simulated - published) moments; diagonal
    // unless the simulation noise was measured (difference_covariance).
    const std::vector<std::vector<double>> full =
        difference_covariance(ms, evaluator.setup().base.run.replicates, evaluator.sampling_weighting());
    Eigen::MatrixXd G(used.size(), free.size()), omega(used.size(), used.size());
    Eigen::VectorXd W(used.size());
    for (std::size_t r = 0; r < used.size(); ++r) {
      W(r) = w[used[r]];
      for (std::size_t c = 0; c < used.size(); ++c) omega(r, c) = full[used[r]][used[c]];
      for (std::size_t c = 0; c < free.size(); ++c) G(r, c) = inf.jacobian[used[r]][free[c]];
    }
    const Eigen::MatrixXd bread = G.transpose() * W.asDiagonal() * G;
    const Eigen::MatrixXd meat = G.transpose() * W.asDiagonal() * omega * W.asDiagonal() * G;
    Eigen::JacobiSVD<Eigen::MatrixXd> svd(bread);
    const Eigen::VectorXd sv = svd.singularValues();
    const double smax = sv(0), smin = sv(sv.size() - 1);
    inf.condition_number = smin > 0 ? smax / smin : INFINITY;
    inf.singular = !(smin > smax * 1e-12);
    if (!inf.singular) {
      const Eigen::MatrixXd bread_inv = bread.inverse();
      const Eigen::MatrixXd v = bread_inv * meat * bread_inv;
      for (std::size_t c = 0; c < free.size(); ++c) {
        const std::size_t p = free[c];
        inf.u_se[p] = std::sqrt(std::max(0.0, v(c, c)));
        inf.se[p] = std::fabs(dtheta_du(ps[p], best_theta[p])) * inf.u_se[p];
      }
    }
  }
  inf.j_statistic = 0;
  for (std::size_t k : used) inf.j_statistic += efficient[k] * std::pow(at.moments[k] - ms[k].empirical, 2);
  inf.degrees_of_freedom = static_cast<int>(used.size()) - static_cast<int>(P);
  if (inf.degrees_of_freedom > 0)
    inf.j_p_value =
        boost::math::cdf(boost::math::complement(boost::math::chi_squared(inf.degrees_of_freedom), inf.j_statistic));
  else
    inf.j_p_value = std::nan("");
  return inf;
}

}  // namespace firmsim::cal
