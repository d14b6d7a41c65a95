#include "estimation/fixed_effects.hpp"

#include <algorithm>
#include <stdexcept>
#include <unordered_map>

namespace firmsim::est {

namespace {

// Codes within a small range (industries, years): levels found by marking the
// codes present in a table over the range, without sorting every observation
// (the table builders recode the industry ~50 times on ~300,000 firms).
constexpr std::uint64_t kDenseRange = 1 << 16;

bool dense_codes(const std::vector<std::int64_t>& codes, std::int64_t& lo, std::uint64_t& range) {
  if (codes.empty()) return false;
  const auto [min, max] = std::minmax_element(codes.begin(), codes.end());
  lo = *min;
  range = static_cast<std::uint64_t>(*max) - static_cast<std::uint64_t>(*min);
  return range < kDenseRange;
}

// Ascending distinct codes and each observation's level, through a table over the range.
void recode_dense(const std::vector<std::int64_t>& codes, std::int64_t lo, std::uint64_t range, FixedEffects& fe) {
  std::vector<int> level_of(range + 1, -1);
  for (std::int64_t c : codes) level_of[static_cast<std::size_t>(c - lo)] = 0;
  for (std::size_t v = 0; v < level_of.size(); ++v)
    if (level_of[v] == 0) {
      level_of[v] = static_cast<int>(fe.codes.size());
      fe.codes.push_back(lo + static_cast<std::int64_t>(v));
    }
  fe.level.resize(codes.size());
  for (std::size_t i = 0; i < codes.size(); ++i) fe.level[i] = level_of[static_cast<std::size_t>(codes[i] - lo)];
}

void recode_sorted(const std::vector<std::int64_t>& codes, FixedEffects& fe) {
  fe.codes = codes;
  std::sort(fe.codes.begin(), fe.codes.end());
  fe.codes.erase(std::unique(fe.codes.begin(), fe.codes.end()), fe.codes.end());
  std::unordered_map<std::int64_t, int> level_of;
  for (std::size_t l = 0; l < fe.codes.size(); ++l) level_of[fe.codes[l]] = static_cast<int>(l);
  fe.level.resize(codes.size());
  for (std::size_t i = 0; i < codes.size(); ++i) fe.level[i] = level_of[codes[i]];
}

}  // namespace

FixedEffects make_fixed_effects_i64(const std::vector<std::int64_t>& codes) {
  FixedEffects fe;
  std::int64_t lo = 0;
  std::uint64_t range = 0;
  if (dense_codes(codes, lo, range))
    recode_dense(codes, lo, range, fe);
  else
    recode_sorted(codes, fe);
  fe.count.assign(fe.codes.size(), 0.0);
  for (int l : fe.level) fe.count[static_cast<std::size_t>(l)] += 1.0;
  return fe;
}

FixedEffects subset(const FixedEffects& fe, const std::vector<std::uint8_t>& keep) {
  if (keep.size() != fe.size())
    throw std::invalid_argument("subset: keep has " + std::to_string(keep.size()) + " entries, factor has " +
                                std::to_string(fe.size()));
  std::vector<std::int64_t> kept;
  for (std::size_t i = 0; i < keep.size(); ++i)
    if (keep[i]) kept.push_back(fe.codes[static_cast<std::size_t>(fe.level[i])]);
  return make_fixed_effects_i64(kept);
}

Vector group_means(const FixedEffects& fe, const Vector& v) {
  if (static_cast<std::size_t>(v.size()) != fe.size())
    throw std::invalid_argument("group_means: column length differs from the factor's");
  Vector sum = Vector::Zero(fe.levels());
  for (std::size_t i = 0; i < fe.size(); ++i) sum[fe.level[i]] += v[static_cast<Eigen::Index>(i)];
  for (int l = 0; l < fe.levels(); ++l) sum[l] /= fe.count[static_cast<std::size_t>(l)];
  return sum;
}

void demean(const FixedEffects& fe, Vector& v) {
  const Vector means = group_means(fe, v);
  for (std::size_t i = 0; i < fe.size(); ++i) v[static_cast<Eigen::Index>(i)] -= means[fe.level[i]];
}

void demean(const FixedEffects& fe, Matrix& M) {
  for (Eigen::Index j = 0; j < M.cols(); ++j) {
    Vector c = M.col(j);
    demean(fe, c);
    M.col(j) = c;
  }
}

Matrix dummy_columns(const FixedEffects& fe, bool drop_base) {
  const int first = drop_base ? 1 : 0;
  Matrix D = Matrix::Zero(static_cast<Eigen::Index>(fe.size()), std::max(0, fe.levels() - first));
  for (std::size_t i = 0; i < fe.size(); ++i)
    if (fe.level[i] >= first) D(static_cast<Eigen::Index>(i), fe.level[i] - first) = 1.0;
  return D;
}

}  // namespace firmsim::est
