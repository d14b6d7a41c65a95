// Transition matrices between two categorical states and conditional transition shares.
#pragma once

#include "estimation/linear_algebra.hpp"

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace firmsim::est {

struct TransitionMatrix {
  std::vector<std::string> labels;  // state names (rows: origin, columns: destination)
  Matrix counts;                    // counts(i, j): units in state i at t0 and j at t1
  Matrix row_shares;                // counts / row total (a row without units is all 0)
  Vector row_totals, column_totals;
  double total = 0;
  void print(std::ostream& os) const;
};

// from[i], to[i] are state codes in 0..labels.size()-1; negative codes mean
// "not observed" and the unit is skipped. Throws std::invalid_argument on a
// length mismatch or a code out of range.
TransitionMatrix transition_matrix(const std::vector<int>& from, const std::vector<int>& to,
                                   const std::vector<std::string>& labels);

// Share of the units in state A at t0 that are in state B at t1, with its
// binomial standard error sqrt(p (1 - p) / n).
struct TransitionShare {
  double at_risk = 0;  // units in A at t0
  double moved = 0;    // of those, units in B at t1
  double share = 0;
  double se = 0;
};
TransitionShare transition_share(const std::vector<std::uint8_t>& in_a_t0, const std::vector<std::uint8_t>& in_b_t1);

}  // namespace firmsim::est
