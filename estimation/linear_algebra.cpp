#include "estimation/linear_algebra.hpp"

#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/fisher_f.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>

#include <cmath>
#include <cstdint>
#include <stdexcept>

#ifdef __linux__
#include <sys/mman.h>
#endif

namespace firmsim::est {

namespace {

// Relative size below which a pivot of the column-scaled QR counts as zero:
// well above rounding noise of exactly collinear columns (~1e-15), well below
// any honest but ill-conditioned design.
constexpr double kRankTolerance = 1e-9;
// Below this the normal cdf is taken from its asymptotic expansion instead of erfc.
constexpr double kLowerTail = -30.0;

std::string column_label(const std::vector<std::string>& names, Eigen::Index j) {
  if (j < static_cast<Eigen::Index>(names.size())) return "'" + names[static_cast<std::size_t>(j)] + "'";
  return "number " + std::to_string(j + 1);
}

}  // namespace

Matrix column_stack(const std::vector<Vector>& columns) {
  if (columns.empty()) return Matrix();
  const Eigen::Index n = columns.front().size();
  Matrix M(n, static_cast<Eigen::Index>(columns.size()));
  for (std::size_t j = 0; j < columns.size(); ++j) {
    if (columns[j].size() != n)
      throw std::invalid_argument("column_stack: column " + std::to_string(j + 1) + " has " +
                                  std::to_string(columns[j].size()) + " rows, expected " + std::to_string(n));
    M.col(static_cast<Eigen::Index>(j)) = columns[j];
  }
  return M;
}

std::vector<std::uint8_t> complete_cases(const Vector& y, const Matrix& X) {
  if (X.rows() != y.size())
    throw std::invalid_argument("complete_cases: y has " + std::to_string(y.size()) + " rows, X has " +
                                std::to_string(X.rows()));
  std::vector<std::uint8_t> keep(static_cast<std::size_t>(y.size()));
  for (Eigen::Index i = 0; i < y.size(); ++i)
    keep[static_cast<std::size_t>(i)] = std::isfinite(y[i]) && X.row(i).allFinite();
  return keep;
}

Matrix select_rows(const Matrix& M, const std::vector<std::uint8_t>& keep) {
  if (static_cast<Eigen::Index>(keep.size()) != M.rows())
    throw std::invalid_argument("select_rows: mask has " + std::to_string(keep.size()) + " entries, matrix has " +
                                std::to_string(M.rows()) + " rows");
  Eigen::Index n = 0;
  for (auto k : keep) n += k != 0;
  Matrix S(n, M.cols());
  Eigen::Index r = 0;
  for (Eigen::Index i = 0; i < M.rows(); ++i)
    if (keep[static_cast<std::size_t>(i)]) S.row(r++) = M.row(i);
  return S;
}

Vector select_rows(const Vector& v, const std::vector<std::uint8_t>& keep) {
  const Matrix M = v;
  return select_rows(M, keep).col(0);
}

void advise_huge_pages(const void* data, std::size_t bytes) {
#ifdef __linux__
  // The 2 MiB-aligned interior of the block; nothing changes if the kernel declines.
  constexpr std::uintptr_t kHugePage = std::uintptr_t{2} << 20;
  const auto begin = reinterpret_cast<std::uintptr_t>(data);
  const std::uintptr_t first = (begin + kHugePage - 1) & ~(kHugePage - 1);
  const std::uintptr_t last = (begin + bytes) & ~(kHugePage - 1);
  if (last > first) madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
#else
  (void)data;
  (void)bytes;
#endif
}

Matrix uninitialized_matrix(Eigen::Index rows, Eigen::Index cols) {
  Matrix M(rows, cols);
  advise_huge_pages(M.data(), sizeof(double) * static_cast<std::size_t>(M.size()));
  return M;
}

Matrix with_intercept(const Matrix& X) {
  Matrix W = uninitialized_matrix(X.rows(), X.cols() + 1);
  W.leftCols(X.cols()) = X;
  W.col(X.cols()).setOnes();
  return W;
}

Matrix cross_product_inverse(const Matrix& X, const std::vector<std::string>& names) {
  const Eigen::Index k = X.cols();
  if (k == 0) return Matrix(0, 0);
  if (X.rows() < k)
    throw std::invalid_argument("rank-deficient design: " + std::to_string(X.rows()) + " observations for " +
                                std::to_string(k) + " coefficients");
  // Scale columns to unit norm so the rank decision does not depend on units.
  Vector scale = X.colwise().norm().transpose();
  for (Eigen::Index j = 0; j < k; ++j)
    if (scale[j] == 0.0)
      throw std::invalid_argument("rank-deficient design: column " + column_label(names, j) +
                                  " is identically zero (after absorbing fixed effects, if any)");
  const Matrix Xs = X * scale.cwiseInverse().asDiagonal();
  Eigen::ColPivHouseholderQR<Matrix> qr(Xs);
  qr.setThreshold(kRankTolerance);
  if (qr.rank() < k) {
    const Eigen::Index dropped = qr.colsPermutation().indices()[qr.rank()];
    throw std::invalid_argument("rank-deficient design: column " + column_label(names, dropped) +
                                " is collinear with the other regressors (rank " + std::to_string(qr.rank()) + " of " +
                                std::to_string(k) + ")");
  }
  // X P = Q R  =>  (X'X)^-1 = P R^-1 R^-T P'; then undo the column scaling.
  const Matrix R = qr.matrixR().topLeftCorner(k, k).triangularView<Eigen::Upper>();
  const Matrix Rinv = R.triangularView<Eigen::Upper>().solve(Matrix::Identity(k, k));
  const Matrix P = qr.colsPermutation();
  const Matrix inv_scaled = P * (Rinv * Rinv.transpose()) * P.transpose();
  return scale.cwiseInverse().asDiagonal() * inv_scaled * scale.cwiseInverse().asDiagonal();
}

Vector least_squares(const Matrix& X, const Vector& y) {
  if (X.cols() == 0) return Vector(0);
  Vector scale = X.colwise().norm().transpose();
  for (Eigen::Index j = 0; j < scale.size(); ++j)
    if (scale[j] == 0.0) scale[j] = 1.0;
  const Matrix Xs = X * scale.cwiseInverse().asDiagonal();
  const Eigen::ColPivHouseholderQR<Matrix> qr(Xs);
  const Vector b = qr.solve(y);
  return b.cwiseQuotient(scale);
}

void require_finite(const Matrix& M, const std::string& what) {
  if (!M.allFinite()) throw std::invalid_argument(what + ": contains NaN or infinite values");
}

void require_finite(const Vector& v, const std::string& what) {
  if (!v.allFinite()) throw std::invalid_argument(what + ": contains NaN or infinite values");
}

double p_value_t(double t, double df) {
  if (!(df > 0)) throw std::invalid_argument("p_value_t: degrees of freedom must be positive");
  return 2.0 * boost::math::cdf(boost::math::complement(boost::math::students_t(df), std::fabs(t)));
}

double p_value_normal(double z) {
  return 2.0 * boost::math::cdf(boost::math::complement(boost::math::normal(), std::fabs(z)));
}

double p_value_chi2(double chi2, double df) {
  if (!(df > 0)) throw std::invalid_argument("p_value_chi2: degrees of freedom must be positive");
  return boost::math::cdf(boost::math::complement(boost::math::chi_squared(df), std::max(chi2, 0.0)));
}

double p_value_f(double f, double df1, double df2) {
  if (!(df1 > 0 && df2 > 0)) throw std::invalid_argument("p_value_f: degrees of freedom must be positive");
  return boost::math::cdf(boost::math::complement(boost::math::fisher_f(df1, df2), std::max(f, 0.0)));
}

double t_quantile(double p, double df) { return boost::math::quantile(boost::math::students_t(df), p); }

double normal_quantile(double p) { return boost::math::quantile(boost::math::normal(), p); }

double normal_pdf(double x) {
  static const double inv_sqrt_2pi = 1.0 / std::sqrt(2.0 * M_PI);
  return inv_sqrt_2pi * std::exp(-0.5 * x * x);
}

// std::erfc, not boost::math::erfc: Boost's default policy promotes double to
// long double, which is ~10x slower, and this runs for every observation at
// every Newton step of the probit (the two agree to a few ulp).
double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

// Asymptotic series of Phi(x) / phi(x) * (-x) for x -> -infinity.
static double mills_series(double x) {
  const double u = 1.0 / (x * x);
  return 1.0 - u * (1.0 - 3.0 * u * (1.0 - 5.0 * u * (1.0 - 7.0 * u)));
}

double normal_log_cdf(double x) {
  if (x > kLowerTail) return std::log(normal_cdf(x));
  return -0.5 * x * x - 0.5 * std::log(2.0 * M_PI) - std::log(-x) + std::log(mills_series(x));
}

double inverse_mills(double x) {
  if (x > kLowerTail) return normal_pdf(x) / normal_cdf(x);
  return -x / mills_series(x);
}

// W. J. Cody's rational approximations of erf and erfc ("Rational Chebyshev
// approximations for the error function", Math. Comp. 23, 1969; the
// coefficients of SPECFUN's CALERF, relative error below 1e-16): erf(t) =
// t A(t^2) / B(t^2) for t <= 0.46875, erfc(t) = exp(-t^2) R(t) beyond. With
// t = |x| / sqrt(2), exp(-t^2) is phi(x)'s own exponential, so Phi and phi
// take one exp, where std::erfc computes it again, twice (splitting t^2 for
// the last ulps far in the tail), and was two thirds of the probit's time.
// What that split buys is below 2e-13 relative here (x^2/2 rounded in the exp).
namespace {

double erf_near_zero(double t) {  // |t| <= 0.46875
  constexpr double a[5] = {3.16112374387056560e0, 1.13864154151050156e2, 3.77485237685302021e2,
                           3.20937758913846947e3, 1.85777706184603153e-1};
  constexpr double b[4] = {2.36012909523441209e1, 2.44024637934444173e2, 1.28261652607737228e3,
                           2.84423683343917062e3};
  const double s = t * t;
  double num = a[4] * s, den = s;
  for (int i = 0; i < 3; ++i) {
    num = (num + a[i]) * s;
    den = (den + b[i]) * s;
  }
  return t * (num + a[3]) / (den + b[3]);
}

double erfc_over_exp(double t) {  // erfc(t) exp(t^2), t > 0.46875
  if (t <= 4.0) {
    constexpr double c[9] = {5.64188496988670089e-1, 8.88314979438837594e0, 6.61191906371416295e1,
                             2.98635138197400131e2,  8.81952221241769090e2, 1.71204761263407058e3,
                             2.05107837782607147e3,  1.23033935479799725e3, 2.15311535474403846e-8};
    constexpr double d[8] = {1.57449261107098347e1, 1.17693950891312499e2, 5.37181101862009858e2,
                             1.62138957456669019e3, 3.29079923573345963e3, 4.36261909014324716e3,
                             3.43936767414372164e3, 1.23033935480374942e3};
    double num = c[8] * t, den = t;
    for (int i = 0; i < 7; ++i) {
      num = (num + c[i]) * t;
      den = (den + d[i]) * t;
    }
    return (num + c[7]) / (den + d[7]);
  }
  constexpr double p[6] = {3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1,
                           1.60837851487422766e-2, 6.58749161529837803e-4, 1.63153871373020978e-2};
  constexpr double q[5] = {2.56852019228982242e0, 1.87295284992346047e0, 5.27905102951428412e-1,
                           6.05183413124413191e-2, 2.33520497626869185e-3};
  constexpr double inv_sqrt_pi = 5.6418958354775628695e-1;
  const double u = 1.0 / (t * t);
  double num = p[5] * u, den = u;
  for (int i = 0; i < 4; ++i) {
    num = (num + p[i]) * u;
    den = (den + q[i]) * u;
  }
  return (inv_sqrt_pi - u * (num + p[4]) / (den + q[4])) / t;
}

}  // namespace

CdfAndMills normal_cdf_and_mills(double x) {
  if (!(x > kLowerTail)) return {0.0, inverse_mills(x)};
  constexpr double inv_sqrt_2 = 0.70710678118654752440, inv_sqrt_2pi = 0.39894228040143267794;
  const double t = x * inv_sqrt_2;
  const double e = std::exp(-t * t);  // exp(-x^2 / 2)
  if (std::fabs(t) <= 0.46875) {
    const double cdf = 0.5 + 0.5 * erf_near_zero(t);
    return {cdf, inv_sqrt_2pi * e / cdf};
  }
  const double r = erfc_over_exp(std::fabs(t));  // Phi(-|x|) = e r / 2
  if (x < 0.0) return {0.5 * e * r, 2.0 * inv_sqrt_2pi / r};
  const double cdf = 1.0 - 0.5 * e * r;
  return {cdf, inv_sqrt_2pi * e / cdf};
}

}  // namespace firmsim::est
