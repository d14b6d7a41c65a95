#include "estimation/stata_print.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iomanip>
#include <ostream>
#include <sstream>
#include <stdexcept>

namespace firmsim::est {

Eigen::Index CoefficientTable::index(const std::string& name) const {
  const auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end()) throw std::out_of_range("coefficient '" + name + "' not in table");
  return static_cast<Eigen::Index>(it - names.begin());
}

CoefficientTable make_coefficient_table(std::vector<std::string> names, Vector coef, Vector se, bool normal,
                                        double df) {
  CoefficientTable t;
  const Eigen::Index k = coef.size();
  t.names = std::move(names);
  t.coef = std::move(coef);
  t.se = std::move(se);
  t.normal = normal;
  t.df = df;
  t.stat.resize(k);
  t.p.resize(k);
  t.ci_lower.resize(k);
  t.ci_upper.resize(k);
  const double crit = normal ? normal_quantile(0.975) : t_quantile(0.975, df);
  for (Eigen::Index j = 0; j < k; ++j) {
    // A zero SE (an exact fit) leaves t and p undefined: missing, as Stata prints ".".
    const bool defined = t.se[j] > 0 && std::isfinite(t.se[j]) && std::isfinite(t.coef[j]);
    t.stat[j] = defined ? t.coef[j] / t.se[j] : std::nan("");
    t.p[j] = !defined ? std::nan("") : normal ? p_value_normal(t.stat[j]) : p_value_t(t.stat[j], df);
    t.ci_lower[j] = t.coef[j] - crit * t.se[j];
    t.ci_upper[j] = t.coef[j] + crit * t.se[j];
  }
  return t;
}

std::string stars(double p) {
  if (p < 0.01) return "***";
  if (p < 0.05) return "**";
  if (p < 0.10) return "*";
  return "";
}

std::string format_number(double x, int precision) {
  if (!std::isfinite(x)) return ".";
  std::ostringstream os;
  const double a = std::fabs(x);
  if (a != 0.0 && (a >= 1e7 || a < 1e-4))
    os << std::scientific << std::setprecision(precision - 1) << x;
  else
    os << std::fixed << std::setprecision(precision) << x;
  return os.str();
}

std::string format_probability(double p) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", p);
  return buf;
}

void print_header(std::ostream& os, const std::string& title,
                  const std::vector<std::pair<std::string, std::string>>& left,
                  const std::vector<std::pair<std::string, std::string>>& right) {
  const std::size_t rows = std::max(left.size(), right.size());
  os << "\n" << title << "\n";
  for (std::size_t i = 0; i < rows; ++i) {
    std::string l;
    if (i < left.size() && !left[i].first.empty()) l = left[i].first + " = " + left[i].second;
    std::string r;
    if (i < right.size()) {
      std::ostringstream rs;
      rs << std::left << std::setw(16) << right[i].first << "=" << std::right << std::setw(11) << right[i].second;
      r = rs.str();
    }
    os << std::left << std::setw(48) << l << r << "\n";
  }
  os << "\n";
}

void print_coefficient_table(std::ostream& os, const CoefficientTable& t, const std::string& depvar) {
  const std::string rule(13, '-');
  const std::string wide(64, '-');
  char line[160];
  os << rule << "+" << wide << "\n";
  std::snprintf(line, sizeof line, "%12.12s | %10s  %9s %8s %6s    [95%% Conf. Interval]\n", depvar.c_str(), "Coef.",
                "Std. Err.", t.normal ? "z" : "t", t.normal ? "P>|z|" : "P>|t|");
  os << line << rule << "+" << wide << "\n";
  for (Eigen::Index j = 0; j < t.size(); ++j) {
    std::snprintf(line, sizeof line, "%12.12s | %10.7g  %9.7g %8.2f %6.3f    %10.7g  %10.7g\n",
                  t.names[static_cast<std::size_t>(j)].c_str(), t.coef[j], t.se[j], t.stat[j], t.p[j], t.ci_lower[j],
                  t.ci_upper[j]);
    os << line;
  }
  os << rule << "+" << wide << "\n";
}

}  // namespace firmsim::est
