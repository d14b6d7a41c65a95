#include "estimation/heckman.hpp"

#include "estimation/ols.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ostream>
#include <stdexcept>

namespace firmsim::est {

namespace {

void validate(const Vector& y, const Matrix& X, const std::vector<std::uint8_t>& selected, const Matrix& Z) {
  const Eigen::Index n = y.size();
  if (n == 0) throw std::invalid_argument("heckman: empty data");
  if (X.rows() != n || Z.rows() != n || static_cast<Eigen::Index>(selected.size()) != n)
    throw std::invalid_argument("heckman: y has " + std::to_string(n) + " rows but X has " + std::to_string(X.rows()) +
                                ", Z " + std::to_string(Z.rows()) + " and the selection indicator " +
                                std::to_string(selected.size()));
  require_finite(X, "heckman: X");
  require_finite(Z, "heckman: Z");
  for (Eigen::Index i = 0; i < n; ++i) {
    const auto s = selected[static_cast<std::size_t>(i)];
    if (s > 1) throw std::invalid_argument("heckman: selection indicator must be 0 or 1, row " + std::to_string(i + 1));
    if (s == 1 && !std::isfinite(y[i]))
      throw std::invalid_argument("heckman: outcome missing for selected row " + std::to_string(i + 1));
  }
}

std::vector<std::string> names_or_default(const std::vector<std::string>& given, Eigen::Index k,
                                          const std::string& stem) {
  if (given.empty()) {
    std::vector<std::string> names;
    for (Eigen::Index j = 0; j < k; ++j) names.push_back(stem + std::to_string(j + 1));
    return names;
  }
  if (static_cast<Eigen::Index>(given.size()) != k)
    throw std::invalid_argument("heckman: " + std::to_string(given.size()) + " names for " + std::to_string(k) +
                                " columns");
  return given;
}

Matrix selected_rows(const Matrix& M, const std::vector<std::uint8_t>& selected, Eigen::Index n_selected) {
  Matrix S(n_selected, M.cols());
  Eigen::Index r = 0;
  for (Eigen::Index i = 0; i < M.rows(); ++i)
    if (selected[static_cast<std::size_t>(i)]) S.row(r++) = M.row(i);
  return S;
}

// Greene (eq. 22-22): sigma^2 A [W'(I - rho^2 D) W + rho^2 (W'D Z) V_g (Z'D W)] A, A = (W'W)^-1.
Matrix corrected_covariance(const Matrix& W, const Matrix& A, const Matrix& Zs, const Matrix& Vg, const Vector& delta,
                            double sigma2, double rho) {
  const double rho2 = rho * rho;
  const Matrix WDW = W.transpose() * delta.asDiagonal() * W;
  const Matrix WDZ = W.transpose() * delta.asDiagonal() * Zs;
  const Matrix middle = W.transpose() * W - rho2 * WDW + rho2 * WDZ * Vg * WDZ.transpose();
  return sigma2 * A * middle * A;
}

// Stata's rhosigma / rhotrunc / rhoforce for an estimated |rho| > 1.
void bound_rho(RhoBound bound, HeckmanResult& r) {
  r.rho_bound = bound;
  r.rho = r.rho_raw;
  r.sigma = r.sigma_raw;
  r.rho_truncated = std::fabs(r.rho_raw) > 1.0 && bound != RhoBound::rhoforce;
  if (!r.rho_truncated) return;
  r.rho = r.rho_raw > 0 ? 1.0 : -1.0;
  if (bound == RhoBound::rhosigma) r.sigma = std::fabs(r.lambda);
}

const char* rho_bound_name(RhoBound b) {
  switch (b) {
    case RhoBound::rhosigma:
      return "rhosigma";
    case RhoBound::rhotrunc:
      return "rhotrunc";
    case RhoBound::rhoforce:
      return "rhoforce";
  }
  return "?";
}

}  // namespace

HeckmanResult heckman_two_step(const Vector& y, const Matrix& X, const std::vector<std::uint8_t>& selected,
                               const Matrix& Z, const HeckmanSpec& spec) {
  validate(y, X, selected, Z);
  HeckmanResult r;
  r.depvar = spec.depvar;
  r.selectvar = spec.selectvar;
  r.n = y.size();
  r.n_selected = static_cast<Eigen::Index>(std::count(selected.begin(), selected.end(), std::uint8_t{1}));
  r.n_censored = r.n - r.n_selected;

  Vector s(r.n);
  for (Eigen::Index i = 0; i < r.n; ++i) s[i] = selected[static_cast<std::size_t>(i)];
  ProbitSpec ps;
  ps.depvar = spec.selectvar;
  ps.names = names_or_default(spec.selection_names, Z.cols(), "z");
  ps.intercept = spec.selection_intercept;
  r.selection = probit(s, Z, ps);  // throws on no variation in s, i.e. no censored or no selected rows

  std::vector<std::string> names = names_or_default(spec.outcome_names, X.cols(), "x");
  if (spec.outcome_intercept) names.push_back("_cons");
  r.outcome_design = spec.outcome_intercept ? with_intercept(X) : X;

  const Vector zg = selected_rows(r.selection.linear_index(), selected, r.n_selected);
  const Matrix Zs = selected_rows(r.selection.design, selected, r.n_selected);
  const Vector ys = selected_rows(y, selected, r.n_selected);
  Vector mills(r.n_selected), delta(r.n_selected);
  for (Eigen::Index i = 0; i < r.n_selected; ++i) {
    mills[i] = inverse_mills(zg[i]);
    delta[i] = mills[i] * (mills[i] + zg[i]);
  }
  Matrix W(r.n_selected, r.outcome_design.cols() + 1);
  W << selected_rows(r.outcome_design, selected, r.n_selected), mills;
  std::vector<std::string> wnames = names;
  wnames.push_back("lambda");
  if (r.n_selected <= W.cols())
    throw std::invalid_argument("heckman: " + std::to_string(r.n_selected) + " selected observations for " +
                                std::to_string(W.cols()) + " outcome coefficients");
  const Matrix A = cross_product_inverse(W, wnames);
  const Vector b = A * (W.transpose() * ys);
  const Vector e = ys - W * b;

  const Eigen::Index kw = W.cols();
  r.lambda = b[kw - 1];
  r.sigma_raw = std::sqrt(e.squaredNorm() / static_cast<double>(r.n_selected) + r.lambda * r.lambda * delta.mean());
  r.rho_raw = r.lambda / r.sigma_raw;
  bound_rho(spec.rho_bound, r);
  r.outcome_vcov = corrected_covariance(W, A, Zs, r.selection.vcov, delta, r.sigma * r.sigma, r.rho);

  const Vector se = r.outcome_vcov.diagonal().cwiseSqrt();
  r.outcome = make_coefficient_table(names, b.head(kw - 1), se.head(kw - 1), true, 0);
  r.lambda_se = se[kw - 1];
  r.lambda_z = r.lambda / r.lambda_se;
  r.lambda_p = p_value_normal(r.lambda_z);

  const Eigen::Index listed = X.cols();
  if (listed > 0) {
    const Vector bl = b.head(listed);
    r.wald_chi2 = bl.dot(r.outcome_vcov.topLeftCorner(listed, listed).ldlt().solve(bl));
    r.wald_df = static_cast<double>(listed);
    r.wald_p = p_value_chi2(r.wald_chi2, r.wald_df);
  }
  return r;
}

void HeckmanResult::print(std::ostream& os) const {
  print_header(os, "Heckman selection model -- two-step estimates", {},
               {{"Number of obs", std::to_string(n)},
                {"Censored obs", std::to_string(n_censored)},
                {"Uncensored obs", std::to_string(n_selected)},
                {"Wald chi2(" + format_number(wald_df, 0) + ")", format_number(wald_chi2, 2)},
                {"Prob > chi2", format_probability(wald_p)}});
  os << depvar << " (outcome)\n";
  print_coefficient_table(os, outcome, depvar);
  os << selectvar << " (selection)\n";
  print_coefficient_table(os, selection.table, selectvar);
  CoefficientTable mills =
      make_coefficient_table({"lambda"}, Vector::Constant(1, lambda), Vector::Constant(1, lambda_se), true, 0);
  os << "mills\n";
  print_coefficient_table(os, mills, "mills");
  os << "rho = " << format_number(rho, 5) << "   sigma = " << format_number(sigma, 5);
  if (std::fabs(rho_raw) > 1.0)
    os << "   (estimated rho " << format_number(rho_raw, 5) << " outside [-1, 1]; " << rho_bound_name(rho_bound)
       << (rho_truncated ? ": truncated before the covariance" : ": kept") << ")";
  os << "\n";
}

namespace {

double coefficient_or_zero(const CoefficientTable& t, const std::string& name) {
  const auto it = std::find(t.names.begin(), t.names.end(), name);
  return it == t.names.end() ? 0.0 : t.coef[it - t.names.begin()];
}

std::vector<std::string> regressor_union(const HeckmanResult& fit) {
  std::vector<std::string> names;
  for (const auto& nm : fit.outcome.names)
    if (nm != "_cons") names.push_back(nm);
  for (const auto& nm : fit.selection.table.names)
    if (nm != "_cons" && std::find(names.begin(), names.end(), nm) == names.end()) names.push_back(nm);
  return names;
}

}  // namespace

HeckmanMarginalEffects heckman_marginal_effects(const HeckmanResult& fit) {
  HeckmanMarginalEffects m;
  m.names = regressor_union(fit);
  const Eigen::Index k = static_cast<Eigen::Index>(m.names.size());
  m.xb = Vector::Zero(k);
  m.conditional = Vector::Zero(k);
  m.unconditional = Vector::Zero(k);
  const Vector zg = fit.selection.linear_index();
  const Vector xb = fit.outcome_design * fit.outcome.coef;
  const double n = static_cast<double>(zg.size());
  double mean_delta = 0;
  Vector mean_cdf_pdf_term = Vector::Zero(2);  // mean Phi(z'g), mean phi(z'g)(x'b - b_lambda z'g)
  for (Eigen::Index i = 0; i < zg.size(); ++i) {
    const double mills = inverse_mills(zg[i]);
    mean_delta += mills * (mills + zg[i]) / n;
    mean_cdf_pdf_term[0] += normal_cdf(zg[i]) / n;
    mean_cdf_pdf_term[1] += normal_pdf(zg[i]) * (xb[i] - fit.lambda * zg[i]) / n;
  }
  // Both effects are linear in (b_k, g_k) with sample-mean weights.
  for (Eigen::Index j = 0; j < k; ++j) {
    const double bk = coefficient_or_zero(fit.outcome, m.names[static_cast<std::size_t>(j)]);
    const double gk = coefficient_or_zero(fit.selection.table, m.names[static_cast<std::size_t>(j)]);
    m.xb[j] = bk;
    m.conditional[j] = bk - fit.lambda * gk * mean_delta;
    m.unconditional[j] = mean_cdf_pdf_term[0] * bk + gk * mean_cdf_pdf_term[1];
  }
  return m;
}

void HeckmanMarginalEffects::print(std::ostream& os) const {
  char line[160];
  std::snprintf(line, sizeof line, "\n%-24s %14s %14s %14s\n", "variable", "conditional", "unconditional", "xb");
  os << line;
  for (std::size_t j = 0; j < names.size(); ++j) {
    const auto i = static_cast<Eigen::Index>(j);
    std::snprintf(line, sizeof line, "%-24.24s %14.6f %14.6f %14.6f\n", names[j].c_str(), conditional[i],
                  unconditional[i], xb[i]);
    os << line;
  }
  os << "conditional = dE[y|x,selected]/dx (predict(ycond)); unconditional = dE[y*s|x]/dx (predict(yexpected))\n";
}

}  // namespace firmsim::est
