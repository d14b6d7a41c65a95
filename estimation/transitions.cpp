#include "estimation/transitions.hpp"

#include <cmath>
#include <cstdio>
#include <ostream>
#include <stdexcept>

namespace firmsim::est {

TransitionMatrix transition_matrix(const std::vector<int>& from, const std::vector<int>& to,
                                   const std::vector<std::string>& labels) {
  if (from.size() != to.size())
    throw std::invalid_argument("transition_matrix: from has " + std::to_string(from.size()) + " entries, to has " +
                                std::to_string(to.size()));
  if (labels.empty()) throw std::invalid_argument("transition_matrix: no states");
  const int k = static_cast<int>(labels.size());
  TransitionMatrix t;
  t.labels = labels;
  t.counts = Matrix::Zero(k, k);
  for (std::size_t i = 0; i < from.size(); ++i) {
    if (from[i] < 0 || to[i] < 0) continue;  // not observed in one of the two years
    if (from[i] >= k || to[i] >= k)
      throw std::invalid_argument("transition_matrix: state code out of range in row " + std::to_string(i + 1));
    t.counts(from[i], to[i]) += 1.0;
  }
  t.row_totals = t.counts.rowwise().sum();
  t.column_totals = t.counts.colwise().sum().transpose();
  t.total = t.counts.sum();
  t.row_shares = Matrix::Zero(k, k);
  for (int i = 0; i < k; ++i)
    if (t.row_totals[i] > 0) t.row_shares.row(i) = t.counts.row(i) / t.row_totals[i];
  return t;
}

void TransitionMatrix::print(std::ostream& os) const {
  char cell[64];
  std::snprintf(cell, sizeof cell, "%-16s", "from \\ to");
  os << cell;
  for (const auto& l : labels) {
    std::snprintf(cell, sizeof cell, " %18.18s", l.c_str());
    os << cell;
  }
  os << "   total\n";
  for (Eigen::Index i = 0; i < counts.rows(); ++i) {
    std::snprintf(cell, sizeof cell, "%-16.16s", labels[static_cast<std::size_t>(i)].c_str());
    os << cell;
    for (Eigen::Index j = 0; j < counts.cols(); ++j) {
      std::snprintf(cell, sizeof cell, " %9.0f (%6.4f)", counts(i, j), row_shares(i, j));
      os << cell;
    }
    std::snprintf(cell, sizeof cell, " %8.0f\n", row_totals[i]);
    os << cell;
  }
}

TransitionShare transition_share(const std::vector<std::uint8_t>& in_a_t0, const std::vector<std::uint8_t>& in_b_t1) {
  if (in_a_t0.size() != in_b_t1.size())
    throw std::invalid_argument("transition_share: t0 indicator has " + std::to_string(in_a_t0.size()) +
                                " entries, t1 indicator has " + std::to_string(in_b_t1.size()));
  TransitionShare s;
  for (std::size_t i = 0; i < in_a_t0.size(); ++i)
    if (in_a_t0[i]) {
      s.at_risk += 1.0;
      if (in_b_t1[i]) s.moved += 1.0;
    }
  if (s.at_risk == 0) throw std::invalid_argument("transition_share: no unit is in the origin state at t0");
  s.share = s.moved / s.at_risk;
  s.se = std::sqrt(s.share * (1.0 - s.share) / s.at_risk);
  return s;
}

}  // namespace firmsim::est
