#include "estimation/descriptives.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <ostream>
#include <stdexcept>

namespace firmsim::est {

namespace {

// Welford's running moments: one pass, no cancellation for large means (money in EUR).
struct Moments {
  double n = 0, mean = 0, m2 = 0, min = 0, max = 0;
  void add(double x) {
    if (!std::isfinite(x)) return;
    n += 1;
    const double d = x - mean;
    mean += d / n;
    m2 += d * (x - mean);
    min = n == 1 ? x : std::min(min, x);
    max = n == 1 ? x : std::max(max, x);
  }
  Summary summary(std::int64_t group) const {
    Summary s;
    s.group = group;
    s.n = n;
    if (n == 0) return s;
    s.mean = mean;
    s.sd = n > 1 ? std::sqrt(m2 / (n - 1)) : 0.0;
    s.min = min;
    s.max = max;
    return s;
  }
};

}  // namespace

Summary summarize(const std::vector<double>& x) {
  Moments m;
  for (double v : x) m.add(v);
  return m.summary(0);
}

std::vector<Summary> summarize_by_group(const std::vector<double>& x, const std::vector<std::int64_t>& group) {
  if (x.size() != group.size())
    throw std::invalid_argument("summarize_by_group: values have " + std::to_string(x.size()) + " entries, groups " +
                                std::to_string(group.size()));
  std::map<std::int64_t, Moments> by_group;
  for (std::size_t i = 0; i < x.size(); ++i) by_group[group[i]].add(x[i]);
  std::vector<Summary> rows;
  for (const auto& [g, m] : by_group) rows.push_back(m.summary(g));
  return rows;
}

void print_summaries(std::ostream& os, const std::string& variable, const std::vector<Summary>& rows) {
  char line[160];
  std::snprintf(line, sizeof line, "%-12.12s %8s %10s %12s %12s %12s %12s\n", variable.c_str(), "group", "Obs", "Mean",
                "Std. Dev.", "Min", "Max");
  os << line;
  for (const auto& s : rows) {
    std::snprintf(line, sizeof line, "%-12s %8lld %10.0f %12.6g %12.6g %12.6g %12.6g\n", "",
                  static_cast<long long>(s.group), s.n, s.mean, s.sd, s.min, s.max);
    os << line;
  }
}

}  // namespace firmsim::est
