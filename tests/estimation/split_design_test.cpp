// SplitDesign's products against the same products on the dense matrix: a
// design with continuous columns, sparse dummies that overlap (rows with
// several 1s), a mostly-1 dummy kept dense, and a constant.
#include "estimation/split_design.hpp"

#include <gtest/gtest.h>

#include <random>

namespace firmsim::est {
namespace {

Matrix mixed_design(Eigen::Index n) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> u;
  Matrix X(n, 7);
  for (Eigen::Index i = 0; i < n; ++i) {
    X(i, 0) = normal(rng);
    X(i, 1) = u(rng) < 0.2 ? 1.0 : 0.0;  // sparse dummies, independent: some rows have both
    X(i, 2) = 3.0 * normal(rng);
    X(i, 3) = u(rng) < 0.1 ? 1.0 : 0.0;
    X(i, 4) = u(rng) < 0.9 ? 1.0 : 0.0;  // mostly 1: dense
    X(i, 5) = u(rng) < 0.3 ? 1.0 : 0.0;
    X(i, 6) = 1.0;  // constant: dense
  }
  return X;
}

bool near(const Matrix& a, const Matrix& b) { return (a - b).cwiseAbs().maxCoeff() <= 1e-12 * b.cwiseAbs().maxCoeff(); }

TEST(SplitDesign, StoresMostlyZeroDummiesSparse) {
  const Matrix X = mixed_design(1000);
  const SplitDesign s(X);
  EXPECT_EQ(s.sparse_columns(), (std::vector<Eigen::Index>{1, 3, 5}));
  EXPECT_EQ(s.dense_columns(), (std::vector<Eigen::Index>{0, 2, 4, 6}));
  EXPECT_EQ(s.ones_in_column(1), static_cast<Eigen::Index>(X.col(1).sum()));
  EXPECT_EQ(s.ones_in_column(6), X.rows());
  EXPECT_FALSE(s.ones_in_column(0).has_value());
}

TEST(SplitDesign, ProductsMatchTheDenseMatrix) {
  // Several chunks, and a last block and chunk shorter than the others.
  const Eigen::Index n = 2 * SplitDesign::kChunkRows + SplitDesign::kBlockRows + 7;
  const Matrix X = mixed_design(n);
  const SplitDesign s(X);
  std::mt19937_64 rng(11);
  std::normal_distribution<double> normal;
  Vector v(n), w(n), b(X.cols());
  for (Eigen::Index i = 0; i < n; ++i) v[i] = normal(rng), w[i] = std::exp(normal(rng));
  for (Eigen::Index j = 0; j < X.cols(); ++j) b[j] = normal(rng);

  EXPECT_TRUE(near(s.transpose_product(v), X.transpose() * v));
  EXPECT_TRUE(near(s.cross_product(), X.transpose() * X));

  SplitDesign::CrossProduct parts = s.zero_cross_product();
  Vector index(n);
  SplitDesign::Block block;
  s.for_each_block(0, n, block, [&](SplitDesign::Block& blk) {
    s.multiply(blk, b, index.segment(blk.start, blk.rows));
    s.add_weighted_cross_product(blk, w.segment(blk.start, blk.rows), parts);
  });
  EXPECT_TRUE(near(index, X * b));
  EXPECT_TRUE(near(s.assemble(parts), X.transpose() * w.asDiagonal() * X));
}

}  // namespace
}  // namespace firmsim::est
