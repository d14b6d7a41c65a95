// t tests and the chi-square test of independence against scipy.stats.
#include "estimation/tests.hpp"
#include "tests/estimation/reference.hpp"

#include <sstream>

namespace firmsim::est {
namespace {

using testing::near_relative;
using testing::Reference;

TEST(TTests, PairedMatchesScipyTtestRel) {
  auto c = testing::read_columns("paired.csv");
  const Reference ref("tests_reference.csv");
  const TTestResult r = paired_t_test(c["a"], c["b"]);
  EXPECT_TRUE(near_relative(r.t, ref["paired.t"]));
  EXPECT_TRUE(near_relative(r.p, ref["paired.p"]));
  EXPECT_TRUE(near_relative(r.difference, ref["paired.diff"]));
  EXPECT_TRUE(near_relative(r.se, ref["paired.se"]));
  EXPECT_DOUBLE_EQ(r.df, ref["paired.df"]);
  EXPECT_NEAR(r.mean_x - r.mean_y, r.difference, 1e-15);
  EXPECT_LT(r.ci_lower, r.difference);
  EXPECT_GT(r.ci_upper, r.difference);
}

TEST(TTests, PairedDropsIncompletePairs) {
  auto c = testing::read_columns("paired.csv");
  const TTestResult full = paired_t_test(c["a"], c["b"]);
  std::vector<double> a = c["a"], b = c["b"];
  a.push_back(std::nan(""));
  b.push_back(0.5);  // an industry where group a is absent
  a.push_back(0.1);
  b.push_back(std::nan(""));
  const TTestResult r = paired_t_test(a, b);
  EXPECT_DOUBLE_EQ(r.t, full.t);
  EXPECT_DOUBLE_EQ(r.n_x, full.n_x);
}

TEST(TTests, OneSamplePooledWelchMatchScipy) {
  auto c = testing::read_columns("paired.csv");
  auto s = testing::read_columns("sample_c.csv");
  const Reference ref("tests_reference.csv");
  const TTestResult one = one_sample_t_test(c["a"], 0.1);
  EXPECT_TRUE(near_relative(one.t, ref["one.t"]));
  EXPECT_TRUE(near_relative(one.p, ref["one.p"]));
  const TTestResult pooled = two_sample_t_test(c["a"], s["c"]);
  EXPECT_TRUE(near_relative(pooled.t, ref["pooled.t"]));
  EXPECT_TRUE(near_relative(pooled.p, ref["pooled.p"]));
  EXPECT_DOUBLE_EQ(pooled.df, 45.0 + 30.0 - 2.0);
  const TTestResult welch = welch_t_test(c["a"], s["c"]);
  EXPECT_TRUE(near_relative(welch.t, ref["welch.t"]));
  EXPECT_TRUE(near_relative(welch.p, ref["welch.p"]));
  EXPECT_TRUE(near_relative(welch.df, ref["welch.df"]));
}

TEST(TTests, BadInput) {
  EXPECT_THROW(paired_t_test({1, 2, 3}, {1, 2}), std::invalid_argument);
  EXPECT_THROW(paired_t_test({}, {}), std::invalid_argument);
  EXPECT_THROW(paired_t_test({1.0}, {2.0}), std::invalid_argument);
  EXPECT_THROW(paired_t_test({1, 2, 3}, {0, 1, 2}), std::invalid_argument);  // zero variance of differences
  EXPECT_THROW(one_sample_t_test({std::nan(""), 1.0}), std::invalid_argument);
  EXPECT_THROW(welch_t_test({1.0, 2.0}, {3.0}), std::invalid_argument);
}

TEST(ChiSquare, IndependenceMatchesScipyChi2Contingency) {
  const Reference ref("tests_reference.csv");
  std::ifstream in(testing::data_path("contingency.csv"));
  Matrix table(3, 4);
  std::string line;
  for (int i = 0; i < 3; ++i) {
    std::getline(in, line);
    const auto f = testing::split(line);
    for (int j = 0; j < 4; ++j) table(i, j) = std::stod(f.at(static_cast<std::size_t>(j)));
  }
  const ChiSquareResult r = chi_square_independence(table);
  EXPECT_TRUE(near_relative(r.chi2, ref["chi2.stat"]));
  EXPECT_TRUE(near_relative(r.p, ref["chi2.p"]));
  EXPECT_DOUBLE_EQ(r.df, ref["chi2.df"]);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 4; ++j)
      EXPECT_TRUE(near_relative(r.expected(i, j), ref["chi2.expected." + std::to_string(i) + "." + std::to_string(j)]));
  EXPECT_DOUBLE_EQ(r.n, table.sum());
  std::ostringstream os;
  r.print(os);
  EXPECT_NE(os.str().find("Pearson chi2(6)"), std::string::npos) << os.str();
}

TEST(ChiSquare, BadInput) {
  EXPECT_THROW(chi_square_independence(Matrix::Ones(1, 3)), std::invalid_argument);
  Matrix neg = Matrix::Ones(2, 2);
  neg(0, 0) = -1;
  EXPECT_THROW(chi_square_independence(neg), std::invalid_argument);
  Matrix empty_row = Matrix::Ones(2, 2);
  empty_row.row(1).setZero();
  EXPECT_THROW(chi_square_independence(empty_row), std::invalid_argument);
}

}  // namespace
}  // namespace firmsim::est
