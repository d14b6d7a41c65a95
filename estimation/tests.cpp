#include "estimation/tests.hpp"

#include <cmath>
#include <cstdio>
#include <ostream>
#include <stdexcept>

namespace firmsim::est {

namespace {

std::vector<double> non_missing(const std::vector<double>& x) {
  std::vector<double> kept;
  for (double v : x)
    if (std::isfinite(v)) kept.push_back(v);
  return kept;
}

double mean(const std::vector<double>& x) {
  double s = 0;
  for (double v : x) s += v;
  return s / static_cast<double>(x.size());
}

double sample_variance(const std::vector<double>& x) {
  const double m = mean(x);
  double ss = 0;
  for (double v : x) ss += (v - m) * (v - m);
  return ss / static_cast<double>(x.size() - 1);
}

void require_size(const std::vector<double>& x, std::size_t at_least, const char* what) {
  if (x.size() < at_least)
    throw std::invalid_argument(std::string(what) + ": needs at least " + std::to_string(at_least) +
                                " non-missing observations, has " + std::to_string(x.size()));
}

// t, p and the 95% CI from the difference, its SE and df.
void finish(TTestResult& r) {
  if (!(r.se > 0)) throw std::invalid_argument("t test: standard error is zero (no variation)");
  r.t = r.difference / r.se;
  r.p = p_value_t(r.t, r.df);
  const double crit = t_quantile(0.975, r.df);
  r.ci_lower = r.difference - crit * r.se;
  r.ci_upper = r.difference + crit * r.se;
}

}  // namespace

TTestResult one_sample_t_test(const std::vector<double>& x_in, double mu0) {
  const std::vector<double> x = non_missing(x_in);
  require_size(x, 2, "one_sample_t_test");
  TTestResult r;
  r.n_x = static_cast<double>(x.size());
  r.mean_x = mean(x);
  r.difference = r.mean_x - mu0;
  r.se = std::sqrt(sample_variance(x) / r.n_x);
  r.df = r.n_x - 1;
  finish(r);
  return r;
}

TTestResult paired_t_test(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size())
    throw std::invalid_argument("paired_t_test: x has " + std::to_string(x.size()) + " entries, y has " +
                                std::to_string(y.size()));
  std::vector<double> xs, ys, d;
  for (std::size_t i = 0; i < x.size(); ++i)
    if (std::isfinite(x[i]) && std::isfinite(y[i])) {
      xs.push_back(x[i]);
      ys.push_back(y[i]);
      d.push_back(x[i] - y[i]);
    }
  require_size(d, 2, "paired_t_test");
  TTestResult r = one_sample_t_test(d, 0.0);
  r.mean_x = mean(xs);
  r.mean_y = mean(ys);
  r.n_y = r.n_x;
  return r;
}

TTestResult two_sample_t_test(const std::vector<double>& x_in, const std::vector<double>& y_in) {
  const std::vector<double> x = non_missing(x_in), y = non_missing(y_in);
  require_size(x, 1, "two_sample_t_test (x)");
  require_size(y, 1, "two_sample_t_test (y)");
  if (x.size() + y.size() < 3) throw std::invalid_argument("two_sample_t_test: needs at least 3 observations");
  TTestResult r;
  r.n_x = static_cast<double>(x.size());
  r.n_y = static_cast<double>(y.size());
  r.mean_x = mean(x);
  r.mean_y = mean(y);
  r.difference = r.mean_x - r.mean_y;
  const double ssx = x.size() > 1 ? sample_variance(x) * (r.n_x - 1) : 0.0;
  const double ssy = y.size() > 1 ? sample_variance(y) * (r.n_y - 1) : 0.0;
  r.df = r.n_x + r.n_y - 2;
  r.se = std::sqrt((ssx + ssy) / r.df * (1.0 / r.n_x + 1.0 / r.n_y));
  finish(r);
  return r;
}

TTestResult welch_t_test(const std::vector<double>& x_in, const std::vector<double>& y_in) {
  const std::vector<double> x = non_missing(x_in), y = non_missing(y_in);
  require_size(x, 2, "welch_t_test (x)");
  require_size(y, 2, "welch_t_test (y)");
  TTestResult r;
  r.n_x = static_cast<double>(x.size());
  r.n_y = static_cast<double>(y.size());
  r.mean_x = mean(x);
  r.mean_y = mean(y);
  r.difference = r.mean_x - r.mean_y;
  const double vx = sample_variance(x) / r.n_x, vy = sample_variance(y) / r.n_y;
  r.se = std::sqrt(vx + vy);
  r.df = (vx + vy) * (vx + vy) / (vx * vx / (r.n_x - 1) + vy * vy / (r.n_y - 1));  // Satterthwaite
  finish(r);
  return r;
}

void TTestResult::print(std::ostream& os) const {
  char line[512];
  std::snprintf(line, sizeof line,
                "mean(x) = %.6g (n=%g)  mean(y) = %.6g (n=%g)\ndiff = %.6g  se = %.6g  t = %.4f  df = %.4g  "
                "P>|t| = %.4f  [95%% CI %.6g, %.6g]\n",
                mean_x, n_x, mean_y, n_y, difference, se, t, df, p, ci_lower, ci_upper);
  os << line;
}

ChiSquareResult chi_square_independence(const Matrix& counts) {
  if (counts.rows() < 2 || counts.cols() < 2)
    throw std::invalid_argument("chi_square_independence: needs at least a 2x2 table");
  if (!counts.allFinite() || (counts.array() < 0).any())
    throw std::invalid_argument("chi_square_independence: counts must be finite and non-negative");
  const Vector rows = counts.rowwise().sum(), cols = counts.colwise().sum().transpose();
  if ((rows.array() == 0).any() || (cols.array() == 0).any())
    throw std::invalid_argument("chi_square_independence: a row or column of the table is empty");
  ChiSquareResult r;
  r.observed = counts;
  r.n = counts.sum();
  r.expected = rows * cols.transpose() / r.n;
  r.chi2 = ((counts - r.expected).array().square() / r.expected.array()).sum();
  r.df = static_cast<double>((counts.rows() - 1) * (counts.cols() - 1));
  r.p = p_value_chi2(r.chi2, r.df);
  return r;
}

void ChiSquareResult::print(std::ostream& os) const {
  char line[160];
  for (Eigen::Index i = 0; i < observed.rows(); ++i) {
    for (Eigen::Index j = 0; j < observed.cols(); ++j) {
      std::snprintf(line, sizeof line, " %10.0f (%10.2f)", observed(i, j), expected(i, j));
      os << line;
    }
    os << "\n";
  }
  std::snprintf(line, sizeof line, "Pearson chi2(%g) = %.4f   Pr = %.4f   (N = %g; expected in parentheses)\n", df,
                chi2, p, n);
  os << line;
}

}  // namespace firmsim::est
