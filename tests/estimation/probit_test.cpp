// Probit and average marginal effects: Spector and Mazzeo against Stata and statsmodels.
#include "estimation/probit.hpp"
#include "tests/estimation/reference.hpp"

#include <sstream>

namespace firmsim::est {
namespace {

using testing::near_relative;
using testing::Reference;

struct Spector {
  Vector grade;
  Matrix X;
};

Spector load_spector() {
  auto c = testing::read_columns("spector.csv");
  return {to_vector(c["GRADE"]), column_stack({to_vector(c["GPA"]), to_vector(c["TUCE"]), to_vector(c["PSI"])})};
}

ProbitSpec spector_spec() {
  ProbitSpec s;
  s.depvar = "GRADE";
  s.names = {"GPA", "TUCE", "PSI"};
  return s;
}

TEST(ProbitSpector, MatchesStataPublishedResults) {
  const Spector d = load_spector();
  const ProbitResult r = probit(d.grade, d.X, spector_spec());
  ASSERT_TRUE(r.converged);
  // Stata 'probit grade gpa tuce psi' as recorded in statsmodels' test suite. Stata
  // stops at its own convergence tolerance, ~1e-7 short of the exact optimum
  // that statsmodels and this code reach, hence 1e-6 relative.
  EXPECT_TRUE(near_relative(r.table.coef[r.table.index("GPA")], 1.62581025407));
  EXPECT_TRUE(near_relative(r.table.coef[r.table.index("TUCE")], 0.051728948442));
  EXPECT_TRUE(near_relative(r.table.coef[r.table.index("PSI")], 1.42633236818));
  EXPECT_TRUE(near_relative(r.table.coef[r.table.index("_cons")], -7.45232041607));
  EXPECT_TRUE(near_relative(r.log_likelihood, -12.8188033249334));
  EXPECT_EQ(r.n, 32);
  EXPECT_EQ(r.n_positive, 11);
}

TEST(ProbitSpector, MatchesStatsmodels) {
  const Spector d = load_spector();
  const Reference ref("probit_reference.csv");
  const ProbitResult r = probit(d.grade, d.X, spector_spec());
  for (const std::string nm : {"GPA", "TUCE", "PSI", "_cons"}) {
    EXPECT_TRUE(near_relative(r.table.coef[r.table.index(nm)], ref["probit." + nm + ".coef"])) << nm;
    EXPECT_TRUE(near_relative(r.table.se[r.table.index(nm)], ref["probit." + nm + ".se"])) << nm;
  }
  EXPECT_TRUE(near_relative(r.log_likelihood, ref["probit.llf"], 1e-10));
  EXPECT_TRUE(near_relative(r.log_likelihood_null, ref["probit.llnull"], 1e-10));
  EXPECT_TRUE(near_relative(r.lr_chi2, ref["probit.llr"]));
  EXPECT_TRUE(near_relative(r.pseudo_r2, ref["probit.prsquared"]));
  EXPECT_DOUBLE_EQ(r.lr_df, 3.0);
  EXPECT_GT(r.wald_chi2, 0.0);
  EXPECT_TRUE(r.table.normal);
}

TEST(ProbitSpector, AverageMarginalEffectsWithDiscreteDummy) {
  const Spector d = load_spector();
  const Reference ref("probit_reference.csv");
  const MarginalEffects m = average_marginal_effects(probit(d.grade, d.X, spector_spec()));
  ASSERT_EQ(m.table.size(), 3);
  EXPECT_EQ(m.is_dummy, (std::vector<bool>{false, false, true}));  // PSI detected as 0/1
  for (const std::string nm : {"GPA", "TUCE", "PSI"}) {
    EXPECT_TRUE(near_relative(m.table.coef[m.table.index(nm)], ref["ame." + nm + ".dydx"])) << nm;
    EXPECT_TRUE(near_relative(m.table.se[m.table.index(nm)], ref["ame." + nm + ".se"])) << nm;
  }
}

TEST(ProbitSpector, AverageMarginalEffectsAllContinuous) {
  const Spector d = load_spector();
  const Reference ref("probit_reference.csv");
  const MarginalEffects m = average_marginal_effects(probit(d.grade, d.X, spector_spec()), {false, false, false});
  for (const std::string nm : {"GPA", "TUCE", "PSI"}) {
    EXPECT_TRUE(near_relative(m.table.coef[m.table.index(nm)], ref["ame_cont." + nm + ".dydx"])) << nm;
    EXPECT_TRUE(near_relative(m.table.se[m.table.index(nm)], ref["ame_cont." + nm + ".se"])) << nm;
  }
}

TEST(ProbitBadInput, ClearExceptionsNeverNaN) {
  const Spector d = load_spector();
  const ProbitSpec s = spector_spec();
  EXPECT_THROW(probit(Vector(), Matrix(), s), std::invalid_argument);
  EXPECT_THROW(probit(d.grade.head(20), d.X, s), std::invalid_argument);
  Vector not_binary = d.grade;
  not_binary[0] = 2.0;
  EXPECT_THROW(probit(not_binary, d.X, s), std::invalid_argument);
  EXPECT_THROW(probit(Vector::Zero(d.grade.size()), d.X, s), std::invalid_argument);
  Matrix collinear(d.X.rows(), 4);
  collinear << d.X, d.X.col(0) + d.X.col(1);
  ProbitSpec cs = s;
  cs.names = {"GPA", "TUCE", "PSI", "GPA_plus_TUCE"};
  EXPECT_THROW(probit(d.grade, collinear, cs), std::invalid_argument);
}

TEST(ProbitBadInput, PerfectPredictionByDummyIsReported) {
  const Spector d = load_spector();
  Matrix X(d.X.rows(), 4);
  X << d.X, d.grade;  // the outcome itself as a regressor
  ProbitSpec s = spector_spec();
  s.names = {"GPA", "TUCE", "PSI", "leak"};
  try {
    probit(d.grade, X, s);
    FAIL() << "perfect prediction not detected";
  } catch (const std::domain_error& e) {
    EXPECT_NE(std::string(e.what()).find("perfect prediction"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("leak"), std::string::npos) << e.what();
  }
}

TEST(ProbitBadInput, PerfectPredictionByContinuousRegressorIsReported) {
  // y = 1 exactly when x > 0: complete separation by a continuous regressor.
  Vector y(40);
  Matrix X(40, 1);
  for (int i = 0; i < 40; ++i) {
    X(i, 0) = -2.0 + 0.1 * i + 0.05;
    y[i] = X(i, 0) > 0 ? 1.0 : 0.0;
  }
  EXPECT_THROW(probit(y, X), std::domain_error);
}

TEST(ProbitBadInput, QuasiCompleteSeparationIsReported) {
  // x < 0 -> 0 and x > 0 -> 1, with both outcomes at x == 0: the likelihood is
  // flat in the slope beyond some point, Newton "converges" with a huge SE.
  Vector y(41);
  Matrix X(41, 1);
  for (int i = 0; i < 41; ++i) {
    X(i, 0) = i < 20 ? -1.0 - 0.1 * i : (i > 20 ? 1.0 + 0.1 * i : 0.0);
    y[i] = i >= 20 ? 1.0 : 0.0;
  }
  X(19, 0) = 0.0;
  try {
    probit(y, X);
    FAIL() << "quasi-complete separation not detected";
  } catch (const std::domain_error& e) {
    EXPECT_NE(std::string(e.what()).find("perfect prediction"), std::string::npos) << e.what();
  }
}

TEST(ProbitPrint, LooksLikeStata) {
  const Spector d = load_spector();
  const ProbitResult r = probit(d.grade, d.X, spector_spec());
  std::ostringstream os;
  r.print(os);
  average_marginal_effects(r).print(os);
  for (const char* token : {"Probit regression", "LR chi2(3)", "Pseudo R2", "Log likelihood", "P>|z|", "GPA", "dy/dx"})
    EXPECT_NE(os.str().find(token), std::string::npos) << token << "\n" << os.str();
}

}  // namespace
}  // namespace firmsim::est

namespace firmsim::est {
namespace {

TEST(ProbitDropPerfectPredictors, DropsDummyAndItsObservationsLikeStata) {
  auto c = testing::read_columns("spector.csv");
  const Vector grade = to_vector(c["GRADE"]);
  // "first_row" is 1 only in row 0, where GRADE == 0: it predicts failure perfectly.
  Vector first_row = Vector::Zero(grade.size());
  ASSERT_EQ(grade[0], 0.0);
  first_row[0] = 1.0;
  const Matrix X = column_stack({to_vector(c["GPA"]), to_vector(c["TUCE"]), to_vector(c["PSI"]), first_row});
  ProbitSpec s;
  s.names = {"GPA", "TUCE", "PSI", "first_row"};
  EXPECT_THROW(probit(grade, X, s), std::domain_error);
  s.drop_perfect_predictors = true;
  const ProbitResult r = probit(grade, X, s);
  EXPECT_EQ(r.n, grade.size() - 1);
  EXPECT_EQ(r.dropped_regressors, std::vector<std::string>{"first_row"});
  ASSERT_EQ(r.sample.size(), static_cast<std::size_t>(grade.size()));
  EXPECT_EQ(r.sample[0], 0);
  EXPECT_EQ(r.sample[1], 1);
  EXPECT_THROW(r.table.index("first_row"), std::out_of_range);
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_NE(r.notes[0].find("first_row != 0 predicts failure perfectly"), std::string::npos) << r.notes[0];
  // Same as estimating without row 0 and without the dummy.
  const Matrix X0 =
      column_stack({to_vector(c["GPA"]), to_vector(c["TUCE"]), to_vector(c["PSI"])}).bottomRows(grade.size() - 1);
  ProbitSpec plain;
  plain.names = {"GPA", "TUCE", "PSI"};
  const ProbitResult direct = probit(grade.tail(grade.size() - 1), X0, plain);
  EXPECT_LT((r.table.coef - direct.table.coef).cwiseAbs().maxCoeff(), 1e-12);
  EXPECT_LT((r.table.se - direct.table.se).cwiseAbs().maxCoeff(), 1e-12);
  // Without perfect predictors the option changes nothing.
  ProbitSpec spector;
  spector.names = {"GPA", "TUCE", "PSI"};
  spector.drop_perfect_predictors = true;
  const ProbitResult same = probit(grade, X.leftCols(3), spector);
  EXPECT_TRUE(same.dropped_regressors.empty());
  EXPECT_EQ(same.n, grade.size());
}

}  // namespace
}  // namespace firmsim::est
