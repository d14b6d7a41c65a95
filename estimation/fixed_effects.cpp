#include "estimation/fixed_effects.hpp"

#include <algorithm>
#include <stdexcept>
#include <unordered_map>

namespace firmsim::est {

FixedEffects make_fixed_effects_i64(const std::vector<std::int64_t>& codes) {
  FixedEffects fe;
  fe.codes = codes;
  std::sort(fe.codes.begin(), fe.codes.end());
  fe.codes.erase(std::unique(fe.codes.begin(), fe.codes.end()), fe.codes.end());
  std::unordered_map<std::int64_t, int> level_of;
  for (std::size_t l = 0; l < fe.codes.size(); ++l) level_of[fe.codes[l]] = static_cast<int>(l);
  fe.level.resize(codes.size());
  fe.count.assign(fe.codes.size(), 0.0);
  for (std::size_t i = 0; i < codes.size(); ++i) {
    fe.level[i] = level_of[codes[i]];
    fe.count[static_cast<std::size_t>(fe.level[i])] += 1.0;
  }
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
