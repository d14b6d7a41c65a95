#include "estimation/ols.hpp"

#include <cmath>
#include <ostream>
#include <stdexcept>

namespace firmsim::est {

namespace {

std::vector<std::string> default_names(const std::vector<std::string>& given, Eigen::Index k, const char* what) {
  if (given.empty()) {
    std::vector<std::string> names;
    for (Eigen::Index j = 0; j < k; ++j) names.push_back("x" + std::to_string(j + 1));
    return names;
  }
  if (static_cast<Eigen::Index>(given.size()) != k)
    throw std::invalid_argument(std::string(what) + ": " + std::to_string(given.size()) + " names for " +
                                std::to_string(k) + " columns");
  return given;
}

void validate(const Vector& y, const Matrix& X, const OlsSpec& spec) {
  if (y.size() == 0) throw std::invalid_argument("ols: empty data");
  if (X.rows() != y.size())
    throw std::invalid_argument("ols: y has " + std::to_string(y.size()) + " rows, X has " + std::to_string(X.rows()));
  if (X.cols() == 0 && !spec.intercept && !spec.absorb)
    throw std::invalid_argument("ols: no regressors, no intercept and nothing absorbed");
  require_finite(y, "ols: y");
  require_finite(X, "ols: X");
  if (spec.absorb && spec.absorb->size() != static_cast<std::size_t>(y.size()))
    throw std::invalid_argument("ols: absorbed factor has " + std::to_string(spec.absorb->size()) + " rows, y has " +
                                std::to_string(y.size()));
  if (spec.variance == VarianceType::cluster) {
    if (!spec.cluster) throw std::invalid_argument("ols: clustered variance requested without a cluster factor");
    if (spec.cluster->size() != static_cast<std::size_t>(y.size()))
      throw std::invalid_argument("ols: cluster factor has " + std::to_string(spec.cluster->size()) + " rows, y has " +
                                  std::to_string(y.size()));
    if (spec.cluster->levels() < 2) throw std::invalid_argument("ols: clustered variance needs at least 2 clusters");
  }
}

// The design actually solved: with absorbed effects, the within-transformed
// columns with the grand means added back (areg's parametrisation, so _cons is
// the grand mean ybar - xbar'b); otherwise X [, 1].
void working_design(const Vector& y, const Matrix& X, const OlsSpec& spec, Vector& yw, Matrix& Xw) {
  yw = y;
  Xw = X;
  if (spec.absorb) {
    const Eigen::RowVectorXd xbar = X.colwise().mean();
    const double ybar = y.mean();
    demean(*spec.absorb, yw);
    demean(*spec.absorb, Xw);
    if (spec.intercept) {
      yw.array() += ybar;
      Xw.rowwise() += xbar;
    }
  }
  if (spec.intercept) Xw = with_intercept(Xw);
}

// Sum over clusters of the outer products of the score sums X_g' e_g.
Matrix cluster_meat(const Matrix& Xw, const Vector& e, const FixedEffects& cluster) {
  Matrix sums = Matrix::Zero(cluster.levels(), Xw.cols());
  for (Eigen::Index i = 0; i < Xw.rows(); ++i) sums.row(cluster.level[static_cast<std::size_t>(i)]) += e[i] * Xw.row(i);
  return sums.transpose() * sums;
}

Matrix variance(const Matrix& Xw, const Vector& e, const Matrix& bread, const OlsSpec& spec, double df_resid) {
  const double n = static_cast<double>(Xw.rows());
  switch (spec.variance) {
    case VarianceType::classical:
      return bread * (e.squaredNorm() / df_resid);
    case VarianceType::robust: {
      const Matrix meat = Xw.transpose() * e.array().square().matrix().asDiagonal() * Xw;
      return bread * meat * bread * (n / df_resid);  // HC1
    }
    case VarianceType::cluster: {
      const double g = spec.cluster->levels();
      return bread * cluster_meat(Xw, e, *spec.cluster) * bread * (g / (g - 1.0) * (n - 1.0) / df_resid);  // CR1
    }
  }
  throw std::logic_error("ols: unknown variance type");
}

void fill_fit_statistics(const Vector& y, const Vector& yw, const OlsSpec& spec, OlsResult& r) {
  const bool centered = spec.intercept || spec.absorb.has_value();
  r.rss = r.residuals.squaredNorm();
  r.tss = centered ? (y.array() - y.mean()).square().sum() : y.squaredNorm();
  r.r2 = r.tss > 0 ? 1.0 - r.rss / r.tss : 0.0;
  r.r2_adj = 1.0 - (1.0 - r.r2) * (static_cast<double>(r.n) - (centered ? 1.0 : 0.0)) / r.df_resid;
  r.rmse = std::sqrt(r.rss / r.df_resid);
  if (spec.absorb) {
    const double within_tss = (yw.array() - yw.mean()).square().sum();
    r.r2_within = within_tss > 0 ? 1.0 - r.rss / within_tss : 0.0;
  } else {
    r.r2_within = r.r2;
  }
}

// Mean by two passes: the second adds the mean of the deviations, which recovers what
// rounding lost when many values share their leading digits.
double accurate_mean(const Vector& v) {
  const double m = v.mean();
  return m + (v.array() - m).mean();
}

// Coefficients (slopes, then _cons if the last column is the intercept) and residuals
// of the working design, by QR. With an intercept the slopes are solved on data centred
// at their means and _cons = ybar - xbar'b: constant leading digits of y (NIST SmLs07-09
// have 13) then no longer swamp the variation that identifies the slopes.
void solve(const Vector& yw, const Matrix& Xw, bool intercept, Vector& b, Vector& residuals) {
  if (!intercept) {
    b = least_squares(Xw, yw);
    residuals = yw - Xw * b;
    return;
  }
  const Eigen::Index k = Xw.cols() - 1;
  Eigen::RowVectorXd xbar(k);
  for (Eigen::Index j = 0; j < k; ++j) xbar[j] = accurate_mean(Xw.col(j));
  const double ybar = accurate_mean(yw);
  const Matrix Xc = Xw.leftCols(k).rowwise() - xbar;
  const Vector yc = yw.array() - ybar;
  b.resize(k + 1);
  b.head(k) = least_squares(Xc, yc);
  b[k] = ybar - xbar.dot(b.head(k));
  residuals = yc - Xc * b.head(k);
}

void fill_f_test(const OlsSpec& spec, Eigen::Index listed, OlsResult& r) {
  if (listed == 0) return;
  Matrix R = Matrix::Zero(listed, r.table.size());
  R.leftCols(listed).setIdentity();
  const WaldTest w = wald_test(r.table.coef, r.vcov, R, Vector::Zero(listed), r.table.df);
  r.f = w.f;
  r.f_df1 = w.f_df1;
  r.f_df2 = w.f_df2;
  r.f_p = w.f_p;
  (void)spec;
}

}  // namespace

OlsResult ols(const Vector& y, const Matrix& X, const OlsSpec& spec) {
  validate(y, X, spec);
  std::vector<std::string> names = default_names(spec.names, X.cols(), "ols");
  if (spec.intercept) names.push_back("_cons");

  Vector yw;
  Matrix Xw;
  working_design(y, X, spec, yw, Xw);

  OlsResult r;
  r.depvar = spec.depvar;
  r.n = y.size();
  r.k = Xw.cols();
  r.absorbed_levels = spec.absorb ? spec.absorb->levels() : 0;
  r.variance = spec.variance;
  // With both an intercept and absorbed levels one level is redundant with _cons.
  const double absorbed_params = r.absorbed_levels - (spec.intercept && spec.absorb ? 1 : 0);
  r.df_resid = static_cast<double>(r.n) - static_cast<double>(r.k) - absorbed_params;
  r.df_model = static_cast<double>(X.cols()) + absorbed_params - (spec.absorb && !spec.intercept ? 1 : 0);
  if (r.df_resid <= 0)
    throw std::invalid_argument("ols: " + std::to_string(r.n) + " observations leave no residual degrees of freedom");

  const Matrix bread = cross_product_inverse(Xw, names);
  Vector b;
  solve(yw, Xw, spec.intercept, b, r.residuals);  // the full model's residuals (Frisch-Waugh-Lovell)
  r.fitted = y - r.residuals;
  r.vcov = variance(Xw, r.residuals, bread, spec, r.df_resid);
  r.n_clusters = spec.variance == VarianceType::cluster ? spec.cluster->levels() : 0;
  const double table_df = spec.variance == VarianceType::cluster ? r.n_clusters - 1.0 : r.df_resid;
  r.table = make_coefficient_table(names, b, r.vcov.diagonal().cwiseSqrt(), false, table_df);
  fill_fit_statistics(y, yw, spec, r);
  fill_f_test(spec, X.cols(), r);
  return r;
}

WaldTest wald_test(const Vector& coef, const Matrix& vcov, const Matrix& R, const Vector& r, double df2) {
  if (R.cols() != coef.size() || R.rows() != r.size() || vcov.rows() != coef.size() || vcov.cols() != coef.size())
    throw std::invalid_argument("wald_test: dimensions of R, r, coef and vcov do not conform");
  WaldTest w;
  if (R.rows() == 0) return w;
  const Vector d = R * coef - r;
  const Matrix RVR = R * vcov * R.transpose();
  Eigen::LDLT<Matrix> ldlt(RVR);
  if (ldlt.info() != Eigen::Success || !(ldlt.vectorD().array() > 0).all())
    throw std::invalid_argument(
        "wald_test: R V R' is not positive definite (constraints dependent or variance singular)");
  w.chi2 = d.dot(ldlt.solve(d));
  w.df = static_cast<double>(R.rows());
  w.p = p_value_chi2(w.chi2, w.df);
  w.f = w.chi2 / w.df;
  w.f_df1 = w.df;
  w.f_df2 = df2;
  w.f_p = df2 > 0 ? p_value_f(w.f, w.f_df1, df2) : w.p;
  return w;
}

void OlsResult::print(std::ostream& os) const {
  std::vector<std::pair<std::string, std::string>> right = {
      {"Number of obs", std::to_string(n)},
      {"F(" + format_number(f_df1, 0) + ", " + format_number(f_df2, 0) + ")", format_number(f, 2)},
      {"Prob > F", format_probability(f_p)},
      {"R-squared", format_number(r2, 4)},
      {"Adj R-squared", format_number(r2_adj, 4)},
      {"Root MSE", format_number(rmse, 5)}};
  std::string title = absorbed_levels > 0 ? "Linear regression, absorbing indicators" : "Linear regression";
  std::vector<std::pair<std::string, std::string>> left;
  if (absorbed_levels > 0) left.push_back({"Absorbed levels", std::to_string(absorbed_levels)});
  if (variance == VarianceType::robust) left.push_back({"Std. Err.", "robust (HC1)"});
  if (variance == VarianceType::cluster) left.push_back({"Std. Err. clustered, clusters", std::to_string(n_clusters)});
  print_header(os, title, left, right);
  print_coefficient_table(os, table, depvar);
}

}  // namespace firmsim::est
