// Heckman two-step against a hand-computed statsmodels/numpy reference, and
// recovery of the known parameters of the simulated selection sample.
#include "estimation/heckman.hpp"
#include "tests/estimation/reference.hpp"

#include <sstream>

namespace firmsim::est {
namespace {

using testing::near_relative;
using testing::Reference;

struct SelectionData {
  Vector y;
  Matrix X, Z;
  std::vector<std::uint8_t> selected;
};

SelectionData load() {
  auto c = testing::read_columns("heckman.csv");
  SelectionData d;
  d.y = to_vector(c["y"]);
  d.X = column_stack({to_vector(c["x1"]), to_vector(c["x2"])});
  d.Z = column_stack({to_vector(c["x1"]), to_vector(c["x2"]), to_vector(c["w"])});
  for (double s : c["s"]) d.selected.push_back(static_cast<std::uint8_t>(s));
  return d;
}

HeckmanSpec spec() {
  HeckmanSpec s;
  s.depvar = "y";
  s.selectvar = "s";
  s.outcome_names = {"x1", "x2"};
  s.selection_names = {"x1", "x2", "w"};
  return s;
}

TEST(HeckmanTwoStep, MatchesReferenceComputation) {
  const SelectionData d = load();
  const Reference ref("heckman_reference.csv");
  const HeckmanResult r = heckman_two_step(d.y, d.X, d.selected, d.Z, spec());
  for (const std::string nm : {"x1", "x2", "_cons"}) {
    EXPECT_TRUE(near_relative(r.outcome.coef[r.outcome.index(nm)], ref["outcome." + nm + ".coef"])) << nm;
    EXPECT_TRUE(near_relative(r.outcome.se[r.outcome.index(nm)], ref["outcome." + nm + ".se"])) << nm;
  }
  for (const std::string nm : {"x1", "x2", "w", "_cons"}) {
    const auto& t = r.selection.table;
    EXPECT_TRUE(near_relative(t.coef[t.index(nm)], ref["selection." + nm + ".coef"])) << nm;
    EXPECT_TRUE(near_relative(t.se[t.index(nm)], ref["selection." + nm + ".se"])) << nm;
  }
  EXPECT_TRUE(near_relative(r.lambda, ref["outcome.lambda.coef"]));
  EXPECT_TRUE(near_relative(r.lambda_se, ref["outcome.lambda.se"]));
  EXPECT_TRUE(near_relative(r.rho, ref["rho"]));
  EXPECT_TRUE(near_relative(r.sigma, ref["sigma"]));
  EXPECT_TRUE(near_relative(r.wald_chi2, ref["wald_chi2"]));
  EXPECT_DOUBLE_EQ(r.wald_df, 2.0);
  EXPECT_EQ(r.n, static_cast<Eigen::Index>(ref["n"]));
  EXPECT_EQ(r.n_selected, static_cast<Eigen::Index>(ref["n_selected"]));
  EXPECT_EQ(r.n_censored, r.n - r.n_selected);
  EXPECT_FALSE(r.rho_truncated);
}

// A sample whose estimated rho is 1.24 (make_reference.py, make_heckman_rho): each of
// Stata's three ways of handling it against the independent numpy computation.
void expect_bounded_fit_matches(RhoBound bound, const std::string& key) {
  auto c = testing::read_columns("heckman_rho.csv");
  std::vector<std::uint8_t> selected;
  for (double s : c["s"]) selected.push_back(static_cast<std::uint8_t>(s));
  HeckmanSpec s;
  s.outcome_names = {"x1"};
  s.selection_names = {"x1", "w"};
  s.rho_bound = bound;
  const HeckmanResult r = heckman_two_step(to_vector(c["y"]), column_stack({to_vector(c["x1"])}), selected,
                                           column_stack({to_vector(c["x1"]), to_vector(c["w"])}), s);
  const Reference ref("heckman_rho_reference.csv");
  for (const std::string nm : {"x1", "_cons"}) {
    EXPECT_TRUE(near_relative(r.outcome.coef[r.outcome.index(nm)], ref[key + "." + nm + ".coef"])) << key << nm;
    EXPECT_TRUE(near_relative(r.outcome.se[r.outcome.index(nm)], ref[key + "." + nm + ".se"])) << key << nm;
  }
  EXPECT_TRUE(near_relative(r.outcome.p[r.outcome.index("x1")], ref[key + ".x1.p"])) << key;
  EXPECT_TRUE(near_relative(r.lambda, ref[key + ".lambda.coef"])) << key;
  EXPECT_TRUE(near_relative(r.lambda_se, ref[key + ".lambda.se"])) << key;
  EXPECT_TRUE(near_relative(r.lambda_p, ref[key + ".lambda.p"])) << key;
  EXPECT_TRUE(near_relative(r.rho, ref[key + ".rho"])) << key;
  EXPECT_TRUE(near_relative(r.sigma, ref[key + ".sigma"])) << key;
  EXPECT_TRUE(near_relative(r.rho_raw, ref[key + ".rho_raw"])) << key;
  EXPECT_TRUE(near_relative(r.sigma_raw, ref[key + ".sigma_raw"])) << key;
  EXPECT_TRUE(near_relative(r.wald_chi2, ref[key + ".wald_chi2"])) << key;
  EXPECT_EQ(r.rho_truncated, bound != RhoBound::rhoforce) << key;
}

TEST(HeckmanRhoOutsideUnitInterval, RhosigmaIsTheDefaultAndMatchesReference) {
  EXPECT_EQ(HeckmanSpec{}.rho_bound, RhoBound::rhosigma);
  expect_bounded_fit_matches(RhoBound::rhosigma, "rhosigma");
}

TEST(HeckmanRhoOutsideUnitInterval, RhotruncMatchesReference) {
  expect_bounded_fit_matches(RhoBound::rhotrunc, "rhotrunc");
}

TEST(HeckmanRhoOutsideUnitInterval, RhoforceMatchesReference) {
  expect_bounded_fit_matches(RhoBound::rhoforce, "rhoforce");
}

// rhosigma: rho = 1 and sigma = |b_lambda|, so lambda = rho sigma holds exactly, and
// the SEs exceed those with the raw rho (the correction rho^2 D is smaller).
TEST(HeckmanRhoOutsideUnitInterval, RhosigmaKeepsLambdaEqualToRhoTimesSigmaAndWidensSEs) {
  auto c = testing::read_columns("heckman_rho.csv");
  std::vector<std::uint8_t> selected;
  for (double s : c["s"]) selected.push_back(static_cast<std::uint8_t>(s));
  HeckmanSpec s;
  const Matrix X = column_stack({to_vector(c["x1"])}), Z = column_stack({to_vector(c["x1"]), to_vector(c["w"])});
  const HeckmanResult bounded = heckman_two_step(to_vector(c["y"]), X, selected, Z, s);
  s.rho_bound = RhoBound::rhoforce;
  const HeckmanResult raw = heckman_two_step(to_vector(c["y"]), X, selected, Z, s);
  EXPECT_GT(raw.rho, 1.0);
  EXPECT_DOUBLE_EQ(bounded.rho, 1.0);
  EXPECT_DOUBLE_EQ(bounded.rho * bounded.sigma, bounded.lambda);
  EXPECT_GT(bounded.lambda_se, raw.lambda_se);
  EXPECT_GT(bounded.lambda_p, raw.lambda_p);
  std::ostringstream os;
  bounded.print(os);
  EXPECT_NE(os.str().find("rhosigma: truncated"), std::string::npos) << os.str();
}

// True values of make_reference.py's simulation (HECKMAN_TRUE).
TEST(HeckmanTwoStep, RecoversTrueParametersWithinSamplingError) {
  const SelectionData d = load();
  const HeckmanResult r = heckman_two_step(d.y, d.X, d.selected, d.Z, spec());
  const auto within = [](double estimate, double se, double truth) { return std::fabs(estimate - truth) < 4.0 * se; };
  const auto& o = r.outcome;
  EXPECT_TRUE(within(o.coef[o.index("x1")], o.se[o.index("x1")], 0.5));
  EXPECT_TRUE(within(o.coef[o.index("x2")], o.se[o.index("x2")], -0.3));
  EXPECT_TRUE(within(o.coef[o.index("_cons")], o.se[o.index("_cons")], 1.0));
  const auto& g = r.selection.table;
  EXPECT_TRUE(within(g.coef[g.index("x1")], g.se[g.index("x1")], 0.6));
  EXPECT_TRUE(within(g.coef[g.index("x2")], g.se[g.index("x2")], -0.4));
  EXPECT_TRUE(within(g.coef[g.index("w")], g.se[g.index("w")], 0.8));
  EXPECT_TRUE(within(g.coef[g.index("_cons")], g.se[g.index("_cons")], 0.2));
  // lambda estimates rho * sigma = 0.9.
  EXPECT_TRUE(within(r.lambda, r.lambda_se, 0.6 * 1.5));
  EXPECT_NEAR(r.rho, 0.6, 0.1);
  EXPECT_NEAR(r.sigma, 1.5, 0.1);
}

TEST(HeckmanTwoStep, CorrectedCovarianceDiffersFromNaiveOls) {
  // The correction matters: naive OLS SEs on [X, lambda] understate lambda's.
  const SelectionData d = load();
  const HeckmanResult r = heckman_two_step(d.y, d.X, d.selected, d.Z, spec());
  EXPECT_GT(r.lambda_se, 0.0);
  EXPECT_TRUE(r.outcome_vcov.allFinite());
  EXPECT_EQ(r.outcome_vcov.rows(), 4);
  EXPECT_LT((r.outcome_vcov - r.outcome_vcov.transpose()).cwiseAbs().maxCoeff(), 1e-12);
}

TEST(HeckmanMargins, ConditionalAndUnconditionalMatchReference) {
  const SelectionData d = load();
  const Reference ref("heckman_reference.csv");
  const HeckmanResult r = heckman_two_step(d.y, d.X, d.selected, d.Z, spec());
  const HeckmanMarginalEffects m = heckman_marginal_effects(r);
  ASSERT_EQ(m.names, (std::vector<std::string>{"x1", "x2", "w"}));
  for (std::size_t j = 0; j < m.names.size(); ++j) {
    const auto i = static_cast<Eigen::Index>(j);
    EXPECT_TRUE(near_relative(m.conditional[i], ref["me." + m.names[j] + ".conditional"])) << m.names[j];
    EXPECT_TRUE(near_relative(m.unconditional[i], ref["me." + m.names[j] + ".unconditional"])) << m.names[j];
    // The analytic derivative agrees with a central difference of E[y s | x].
    EXPECT_NEAR(m.unconditional[i], ref["me." + m.names[j] + ".unconditional_numeric"], 1e-8) << m.names[j];
  }
  EXPECT_DOUBLE_EQ(m.xb[2], 0.0);  // w is excluded from the outcome equation
  EXPECT_DOUBLE_EQ(m.xb[0], r.outcome.coef[0]);
}

TEST(HeckmanBadInput, ClearExceptions) {
  const SelectionData d = load();
  EXPECT_THROW(heckman_two_step(Vector(), Matrix(), {}, Matrix(), spec()), std::invalid_argument);
  EXPECT_THROW(heckman_two_step(d.y.head(100), d.X, d.selected, d.Z, spec()), std::invalid_argument);
  std::vector<std::uint8_t> bad = d.selected;
  bad[0] = 2;
  EXPECT_THROW(heckman_two_step(d.y, d.X, bad, d.Z, spec()), std::invalid_argument);
  std::vector<std::uint8_t> all(d.selected.size(), 1);
  EXPECT_THROW(heckman_two_step(d.y, d.X, all, d.Z, spec()), std::invalid_argument);
  // A selected row with a missing outcome.
  Vector y = d.y;
  for (Eigen::Index i = 0; i < y.size(); ++i)
    if (d.selected[static_cast<std::size_t>(i)]) {
      y[i] = std::nan("");
      break;
    }
  EXPECT_THROW(heckman_two_step(y, d.X, d.selected, d.Z, spec()), std::invalid_argument);
  // Outcome regressors collinear.
  Matrix Xc(d.X.rows(), 3);
  Xc << d.X, d.X.col(0) * 3.0;
  HeckmanSpec s = spec();
  s.outcome_names = {"x1", "x2", "x1_times_3"};
  EXPECT_THROW(heckman_two_step(d.y, Xc, d.selected, d.Z, s), std::invalid_argument);
}

TEST(HeckmanPrint, LooksLikeStata) {
  const SelectionData d = load();
  const HeckmanResult r = heckman_two_step(d.y, d.X, d.selected, d.Z, spec());
  std::ostringstream os;
  r.print(os);
  heckman_marginal_effects(r).print(os);
  for (const char* token : {"two-step", "Censored obs", "Uncensored obs", "Wald chi2(2)", "lambda", "rho", "sigma",
                            "conditional", "unconditional"})
    EXPECT_NE(os.str().find(token), std::string::npos) << token << "\n" << os.str();
}

}  // namespace
}  // namespace firmsim::est
