// Transition matrices, conditional transition shares, descriptives and fixed-effect coding.
#include "estimation/transitions.hpp"
#include "estimation/descriptives.hpp"
#include "estimation/fixed_effects.hpp"
#include "estimation/linear_algebra.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <sstream>

namespace firmsim::est {
namespace {

TEST(Transitions, CountsAndRowShares) {
  // States: 0 none, 1 import only, 2 export only, 3 two-way; -1 not observed.
  const std::vector<int> from = {0, 0, 0, 1, 1, 2, 3, 3, 3, -1, 0};
  const std::vector<int> to = {0, 0, 1, 3, 1, 2, 3, 2, 3, 2, -1};
  const TransitionMatrix t = transition_matrix(from, to, {"none", "import", "export", "two-way"});
  EXPECT_DOUBLE_EQ(t.total, 9.0);
  EXPECT_DOUBLE_EQ(t.counts(0, 0), 2.0);
  EXPECT_DOUBLE_EQ(t.counts(0, 1), 1.0);
  EXPECT_DOUBLE_EQ(t.counts(3, 3), 2.0);
  EXPECT_DOUBLE_EQ(t.row_totals[0], 3.0);
  EXPECT_DOUBLE_EQ(t.column_totals[2], 2.0);
  EXPECT_DOUBLE_EQ(t.row_shares(0, 0), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(t.row_shares(3, 2), 1.0 / 3.0);
  for (Eigen::Index i = 0; i < 4; ++i) EXPECT_NEAR(t.row_shares.row(i).sum(), 1.0, 1e-15);
  std::ostringstream os;
  t.print(os);
  EXPECT_NE(os.str().find("two-way"), std::string::npos);
}

TEST(Transitions, EmptyOriginRowIsZeroNotNaN) {
  const TransitionMatrix t = transition_matrix({0, 0}, {0, 1}, {"a", "b"});
  EXPECT_TRUE(t.row_shares.allFinite());
  EXPECT_DOUBLE_EQ(t.row_shares.row(1).sum(), 0.0);
}

TEST(Transitions, BadInput) {
  EXPECT_THROW(transition_matrix({0, 1}, {0}, {"a", "b"}), std::invalid_argument);
  EXPECT_THROW(transition_matrix({0, 2}, {0, 1}, {"a", "b"}), std::invalid_argument);
  EXPECT_THROW(transition_matrix({0}, {0}, {}), std::invalid_argument);
}

TEST(TransitionShare, ShareAndBinomialStandardError) {
  // 8 importers from a country in t0, 2 of them export there in t1.
  const std::vector<std::uint8_t> a = {1, 1, 1, 1, 1, 1, 1, 1, 0, 0};
  const std::vector<std::uint8_t> b = {1, 0, 1, 0, 0, 0, 0, 0, 1, 1};
  const TransitionShare s = transition_share(a, b);
  EXPECT_DOUBLE_EQ(s.at_risk, 8.0);
  EXPECT_DOUBLE_EQ(s.moved, 2.0);
  EXPECT_DOUBLE_EQ(s.share, 0.25);
  EXPECT_DOUBLE_EQ(s.se, std::sqrt(0.25 * 0.75 / 8.0));
  EXPECT_THROW(transition_share({0, 0}, {1, 1}), std::invalid_argument);
  EXPECT_THROW(transition_share({1}, {1, 1}), std::invalid_argument);
}

TEST(Descriptives, SummaryAndByGroup) {
  const std::vector<double> x = {1, 2, 3, 4, 10, std::nan("")};
  const Summary s = summarize(x);
  EXPECT_DOUBLE_EQ(s.n, 5);
  EXPECT_DOUBLE_EQ(s.mean, 4.0);
  EXPECT_NEAR(s.sd, std::sqrt(50.0 / 4.0), 1e-14);  // deviations -3,-2,-1,0,6
  EXPECT_DOUBLE_EQ(s.min, 1);
  EXPECT_DOUBLE_EQ(s.max, 10);
  const auto rows = summarize_by_group(x, {7, 3, 7, 3, 7, 3});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].group, 3);
  EXPECT_DOUBLE_EQ(rows[0].n, 2);  // the NaN in group 3 is skipped
  EXPECT_DOUBLE_EQ(rows[0].mean, 3.0);
  EXPECT_EQ(rows[1].group, 7);
  EXPECT_NEAR(rows[1].mean, 14.0 / 3.0, 1e-14);
  EXPECT_NEAR(rows[1].sd,
              std::sqrt(((1 - 14.0 / 3) * (1 - 14.0 / 3) + (3 - 14.0 / 3) * (3 - 14.0 / 3) +
                         (10 - 14.0 / 3) * (10 - 14.0 / 3)) /
                        2.0),
              1e-13);
  EXPECT_THROW(summarize_by_group(x, {1, 2}), std::invalid_argument);
  const Summary empty = summarize({});
  EXPECT_DOUBLE_EQ(empty.n, 0);
  EXPECT_DOUBLE_EQ(empty.mean, 0);
  std::ostringstream os;
  print_summaries(os, "ln_FTE98", rows);
  EXPECT_NE(os.str().find("Std. Dev."), std::string::npos);
}

TEST(Descriptives, LargeMeanNoCancellation) {
  // Money in EUR: a large mean with a small spread must keep its SD.
  const std::vector<double> x = {1e9 + 1, 1e9 + 2, 1e9 + 3};
  EXPECT_NEAR(summarize(x).sd, 1.0, 1e-6);
}

// Codes over a wide range (cluster ids) are recoded by sorting, small ranges
// (industries) through a table: the same levels, codes and counts either way.
TEST(FixedEffectsCoding, WideAndNarrowCodesGiveTheSameCoding) {
  const std::int64_t wide = std::int64_t{1} << 40;
  const FixedEffects a = make_fixed_effects(std::vector<std::int64_t>{wide, -5, wide, 7, -5, -5});
  EXPECT_EQ(a.codes, (std::vector<std::int64_t>{-5, 7, wide}));
  EXPECT_EQ(a.level, (std::vector<int>{2, 0, 2, 1, 0, 0}));
  EXPECT_EQ(a.count, (std::vector<double>{3, 1, 2}));
  const FixedEffects b = make_fixed_effects(std::vector<std::int64_t>{9, -5, 9, 7, -5, -5});
  EXPECT_EQ(b.codes, (std::vector<std::int64_t>{-5, 7, 9}));
  EXPECT_EQ(b.level, a.level);
  EXPECT_EQ(b.count, a.count);
  EXPECT_EQ(make_fixed_effects(std::vector<int>{}).levels(), 0);
}

TEST(FixedEffectsCoding, LevelsDemeaningDummies) {
  const FixedEffects fe = make_fixed_effects(std::vector<short>{30, 10, 30, 20, 10});
  EXPECT_EQ(fe.levels(), 3);
  EXPECT_EQ(fe.codes, (std::vector<std::int64_t>{10, 20, 30}));
  EXPECT_EQ(fe.level, (std::vector<int>{2, 0, 2, 1, 0}));
  Vector v(5);
  v << 1, 2, 3, 4, 6;
  const Vector means = group_means(fe, v);
  EXPECT_DOUBLE_EQ(means[0], 4.0);
  EXPECT_DOUBLE_EQ(means[2], 2.0);
  demean(fe, v);
  EXPECT_DOUBLE_EQ(v[0], -1.0);
  EXPECT_DOUBLE_EQ(v[3], 0.0);
  const Matrix D = dummy_columns(fe);
  EXPECT_EQ(D.cols(), 2);
  EXPECT_DOUBLE_EQ(D(0, 1), 1.0);  // code 30 = level 2 = column 1 after dropping the base
  EXPECT_DOUBLE_EQ(D.row(1).sum(), 0.0);
  EXPECT_EQ(dummy_columns(fe, false).cols(), 3);
  const FixedEffects sub = subset(fe, {1, 0, 1, 1, 0});
  EXPECT_EQ(sub.levels(), 2);
  EXPECT_THROW(subset(fe, {1}), std::invalid_argument);
}

}  // namespace
}  // namespace firmsim::est

namespace firmsim::est {
namespace {

TEST(RowSelection, CompleteCasesAndSelectRows) {
  Vector y(4);
  y << 1, std::nan(""), 3, 4;
  Matrix X(4, 2);
  X << 1, 2, 3, 4, 5, std::numeric_limits<double>::infinity(), 7, 8;
  const auto keep = complete_cases(y, X);
  EXPECT_EQ(keep, (std::vector<std::uint8_t>{1, 0, 0, 1}));
  const Matrix S = select_rows(X, keep);
  ASSERT_EQ(S.rows(), 2);
  EXPECT_DOUBLE_EQ(S(1, 0), 7.0);
  EXPECT_DOUBLE_EQ(select_rows(y, keep)[1], 4.0);
  EXPECT_THROW(select_rows(X, {1, 0}), std::invalid_argument);
  EXPECT_THROW(complete_cases(y.head(2), X), std::invalid_argument);
}

}  // namespace
}  // namespace firmsim::est
