// Categorical fixed effects: coding, dummies and the within transformation.
//
// Absorbing a factor (the paper's 58 nacebel2 industry dummies) by demeaning
// every column within its level is Frisch-Waugh-Lovell: the slopes and the
// residuals equal those of the regression with explicit dummies.
#pragma once

#include "estimation/linear_algebra.hpp"

#include <cstdint>
#include <vector>

namespace firmsim::est {

// A factor recoded to dense levels 0..levels-1 (in order of first appearance
// of the sorted original codes, so level 0 is the smallest code = Stata's base).
struct FixedEffects {
  std::vector<int> level;           // per observation
  std::vector<std::int64_t> codes;  // original code of each level, ascending
  std::vector<double> count;        // observations per level
  int levels() const { return static_cast<int>(codes.size()); }
  std::size_t size() const { return level.size(); }
};

// Builds the level coding of any integer column (industry, cluster id, ...).
FixedEffects make_fixed_effects_i64(const std::vector<std::int64_t>& codes);
template <class T>
FixedEffects make_fixed_effects(const std::vector<T>& codes) {
  return make_fixed_effects_i64(std::vector<std::int64_t>(codes.begin(), codes.end()));
}

// Keeps the observations with keep[i] != 0 and recodes the levels that remain.
FixedEffects subset(const FixedEffects& fe, const std::vector<std::uint8_t>& keep);

// Within transformation: subtracts each level's mean from every column, in place.
void demean(const FixedEffects& fe, Matrix& M);
void demean(const FixedEffects& fe, Vector& v);

// Per-level means of a column (levels() entries).
Vector group_means(const FixedEffects& fe, const Vector& v);

// Explicit 0/1 dummy columns, one per level; drop_base drops level 0
// (as Stata's i.industry does when a constant is present).
Matrix dummy_columns(const FixedEffects& fe, bool drop_base = true);

}  // namespace firmsim::est
