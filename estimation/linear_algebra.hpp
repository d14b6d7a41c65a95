// Small linear-algebra and distribution helpers shared by the estimators.
//
// Everything here works on plain Eigen objects. The estimators never see the
// simulator; callers turn panel columns into Eigen vectors with to_vector().
#pragma once

#include <Eigen/Dense>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace firmsim::est {

using Vector = Eigen::VectorXd;
using Matrix = Eigen::MatrixXd;

// Copies any arithmetic column (e.g. a std::vector<float> from the panel) into a double vector.
template <class T>
Vector to_vector(const std::vector<T>& column) {
  Vector v(static_cast<Eigen::Index>(column.size()));
  for (std::size_t i = 0; i < column.size(); ++i) v[static_cast<Eigen::Index>(i)] = static_cast<double>(column[i]);
  return v;
}

// Stacks equally long columns side by side; throws std::invalid_argument on a length mismatch.
Matrix column_stack(const std::vector<Vector>& columns);

// Rows where y and every column of X are finite (Stata's listwise deletion of
// missing values, e.g. log of a zero), as a 0/1 mask.
std::vector<std::uint8_t> complete_cases(const Vector& y, const Matrix& X);
// Keeps the rows with keep[i] != 0; throws std::invalid_argument on a length mismatch.
Matrix select_rows(const Matrix& M, const std::vector<std::uint8_t>& keep);
Vector select_rows(const Vector& v, const std::vector<std::uint8_t>& keep);

// Asks the kernel to back fresh, untouched memory with transparent huge pages
// (Linux; advice only, a no-op elsewhere and for blocks under 4 MiB). Filling
// a fresh 250 MB matrix in 4 KiB pages costs ~60,000 page faults, ~0.75 s on
// the 2-core benchmark VM, a few ms in 2 MiB pages.
void advise_huge_pages(const void* data, std::size_t bytes);

// Uninitialised storage so advised, for arrays as long as the data (copies of
// a whole design, per-row indices).
Matrix uninitialized_matrix(Eigen::Index rows, Eigen::Index cols);
template <class T>
Eigen::Array<T, Eigen::Dynamic, 1> uninitialized_array(Eigen::Index size) {
  Eigen::Array<T, Eigen::Dynamic, 1> a(size);
  advise_huge_pages(a.data(), sizeof(T) * static_cast<std::size_t>(size));
  return a;
}

// Appends a column of ones at the right (Stata lists _cons last).
Matrix with_intercept(const Matrix& X);

// Inverse of the cross-product X'X (X of full column rank). Throws
// std::invalid_argument naming the first collinear column (names may be empty)
// when X is rank deficient, so no estimator silently returns NaN.
Matrix cross_product_inverse(const Matrix& X, const std::vector<std::string>& names = {});

// Least-squares coefficients b minimising |y - X b| by the column-pivoting QR of X
// (columns scaled to unit norm), never forming X'X: the error grows with cond(X), not
// cond(X)^2 as with the normal equations. X must have full column rank (check it with
// cross_product_inverse first, which names a collinear column).
Vector least_squares(const Matrix& X, const Vector& y);

// Throws std::invalid_argument("<what>: ...") if any entry is NaN or infinite.
void require_finite(const Matrix& M, const std::string& what);
void require_finite(const Vector& v, const std::string& what);

// Two-sided p-values.
double p_value_t(double t, double df);  // Student t
double p_value_normal(double z);        // standard normal
// Upper-tail p-values.
double p_value_chi2(double chi2, double df);
double p_value_f(double f, double df1, double df2);
// Quantiles used for confidence intervals.
double t_quantile(double p, double df);
double normal_quantile(double p);

// Standard normal pdf, cdf and log cdf (the last stable far into the lower tail).
double normal_pdf(double x);
double normal_cdf(double x);
double normal_log_cdf(double x);
// Inverse Mills ratio phi(x)/Phi(x), stable for very negative x.
double inverse_mills(double x);
// normal_cdf(x) and inverse_mills(x) together from a single exp (within
// 2e-13 of them, relative; see the .cpp): the probit needs both for every
// observation at every step. Far in the lower tail (x <= -30), where Phi(x)
// loses its precision and then underflows, cdf is 0 (take normal_log_cdf(x)
// for its log there) and mills is inverse_mills(x).
struct CdfAndMills {
  double cdf = 0;
  double mills = 0;
};
CdfAndMills normal_cdf_and_mills(double x);

}  // namespace firmsim::est
