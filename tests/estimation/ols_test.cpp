// OLS with absorbed fixed effects against statsmodels OLS with explicit dummies.
#include "estimation/ols.hpp"
#include "tests/estimation/reference.hpp"

#include <sstream>

namespace firmsim::est {
namespace {

using testing::near_relative;
using testing::Reference;

struct OlsData {
  Vector y;
  Matrix X;
  FixedEffects industry, cluster;
};

OlsData load() {
  auto c = testing::read_columns("ols_fe.csv");
  OlsData d;
  d.y = to_vector(c["y"]);
  d.X = column_stack({to_vector(c["x1"]), to_vector(c["x2"]), to_vector(c["d"])});
  std::vector<std::int64_t> ind(c["industry"].begin(), c["industry"].end());
  std::vector<std::int64_t> cl(c["cluster"].begin(), c["cluster"].end());
  d.industry = make_fixed_effects(ind);
  d.cluster = make_fixed_effects(cl);
  return d;
}

OlsSpec fe_spec(const OlsData& d, VarianceType v) {
  OlsSpec s;
  s.depvar = "y";
  s.names = {"x1", "x2", "d"};
  s.absorb = d.industry;
  s.variance = v;
  if (v == VarianceType::cluster) s.cluster = d.cluster;
  return s;
}

void expect_matches(const OlsResult& r, const Reference& ref, const std::string& kind) {
  for (const std::string nm : {"x1", "x2", "d", "_cons"}) {
    const auto j = r.table.index(nm);
    EXPECT_TRUE(near_relative(r.table.coef[j], ref["fe." + kind + "." + nm + ".coef"])) << kind << " " << nm;
    EXPECT_TRUE(near_relative(r.table.se[j], ref["fe." + kind + "." + nm + ".se"])) << kind << " " << nm;
  }
  EXPECT_TRUE(near_relative(r.f, ref["fe." + kind + ".F"])) << kind;
  EXPECT_DOUBLE_EQ(r.f_df2, ref["fe." + kind + ".F_df2"]) << kind;
  EXPECT_TRUE(near_relative(r.table.p[r.table.index("x1")], ref["fe." + kind + ".x1.p"])) << kind;
}

TEST(OlsAbsorbed, ClassicalMatchesExplicitDummies) {
  const OlsData d = load();
  const Reference ref("ols_reference.csv");
  const OlsResult r = ols(d.y, d.X, fe_spec(d, VarianceType::classical));
  expect_matches(r, ref, "classical");
  EXPECT_EQ(r.n, 600);
  EXPECT_EQ(r.absorbed_levels, 12);
  EXPECT_DOUBLE_EQ(r.df_resid, ref["fe.df_resid"]);
  EXPECT_DOUBLE_EQ(r.df_model, ref["fe.df_model"]);
  EXPECT_DOUBLE_EQ(r.f_df1, 3.0);
  // Full-model R2 (as reg y x i.industry), not the within R2.
  EXPECT_TRUE(near_relative(r.r2, ref["fe.r2"]));
  EXPECT_TRUE(near_relative(r.r2_adj, ref["fe.r2_adj"]));
  EXPECT_TRUE(near_relative(r.rmse, ref["fe.rmse"]));
  EXPECT_TRUE(near_relative(r.rss, ref["fe.rss"]));
  EXPECT_LT(r.r2_within, r.r2);
}

TEST(OlsAbsorbed, RobustHC1MatchesExplicitDummies) {
  const OlsData d = load();
  expect_matches(ols(d.y, d.X, fe_spec(d, VarianceType::robust)), Reference("ols_reference.csv"), "robust");
}

TEST(OlsAbsorbed, ClusteredCR1MatchesExplicitDummies) {
  const OlsData d = load();
  const OlsResult r = ols(d.y, d.X, fe_spec(d, VarianceType::cluster));
  expect_matches(r, Reference("ols_reference.csv"), "cluster");
  EXPECT_EQ(r.n_clusters, 40);
  EXPECT_DOUBLE_EQ(r.table.df, 39.0);
}

TEST(OlsAbsorbed, ResidualsAndFittedAddUp) {
  const OlsData d = load();
  const OlsResult r = ols(d.y, d.X, fe_spec(d, VarianceType::classical));
  EXPECT_LT((r.fitted + r.residuals - d.y).cwiseAbs().maxCoeff(), 1e-12);
  // Residuals are orthogonal to every industry dummy.
  const Vector level_sums = group_means(d.industry, r.residuals);
  EXPECT_LT(level_sums.cwiseAbs().maxCoeff(), 1e-10);
}

TEST(OlsAbsorbed, WithoutInterceptSameSlopesNoCons) {
  const OlsData d = load();
  OlsSpec s = fe_spec(d, VarianceType::classical);
  s.intercept = false;
  const OlsResult r = ols(d.y, d.X, s);
  const Reference ref("ols_reference.csv");
  EXPECT_EQ(r.table.size(), 3);
  EXPECT_THROW(r.table.index("_cons"), std::out_of_range);
  EXPECT_TRUE(near_relative(r.table.coef[0], ref["fe.classical.x1.coef"]));
  EXPECT_TRUE(near_relative(r.table.se[0], ref["fe.classical.x1.se"]));
  EXPECT_DOUBLE_EQ(r.df_resid, ref["fe.df_resid"]);
  EXPECT_TRUE(near_relative(r.r2, ref["fe.r2"]));
}

TEST(OlsPlain, InterceptClassicalAndRobust) {
  const OlsData d = load();
  const Reference ref("ols_reference.csv");
  OlsSpec s;
  s.names = {"x1", "x2", "d"};
  const OlsResult r = ols(d.y, d.X, s);
  s.variance = VarianceType::robust;
  const OlsResult rr = ols(d.y, d.X, s);
  const std::vector<std::string> ours = {"x1", "x2", "d", "_cons"}, theirs = {"x1", "x2", "d", "const"};
  for (std::size_t j = 0; j < ours.size(); ++j) {
    const auto i = r.table.index(ours[j]);
    EXPECT_TRUE(near_relative(r.table.coef[i], ref["plain." + theirs[j] + ".coef"]));
    EXPECT_TRUE(near_relative(r.table.se[i], ref["plain." + theirs[j] + ".se"]));
    EXPECT_TRUE(near_relative(rr.table.se[i], ref["plain.robust." + theirs[j] + ".se"]));
  }
  EXPECT_TRUE(near_relative(r.f, ref["plain.F"]));
  EXPECT_TRUE(near_relative(r.r2, ref["plain.r2"]));
  EXPECT_TRUE(near_relative(r.r2_adj, ref["plain.r2_adj"]));
  EXPECT_TRUE(near_relative(r.rmse, ref["plain.rmse"]));
}

TEST(OlsPlain, NoInterceptUsesUncenteredR2) {
  const OlsData d = load();
  const Reference ref("ols_reference.csv");
  OlsSpec s;
  s.names = {"x1", "x2", "d"};
  s.intercept = false;
  const OlsResult r = ols(d.y, d.X, s);
  for (const std::string nm : {"x1", "x2", "d"}) {
    EXPECT_TRUE(near_relative(r.table.coef[r.table.index(nm)], ref["nocons." + nm + ".coef"]));
    EXPECT_TRUE(near_relative(r.table.se[r.table.index(nm)], ref["nocons." + nm + ".se"]));
  }
  EXPECT_TRUE(near_relative(r.r2, ref["nocons.r2"]));
  EXPECT_TRUE(near_relative(r.r2_adj, ref["nocons.r2_adj"]));
  EXPECT_TRUE(near_relative(r.f, ref["nocons.F"]));
}

TEST(OlsBadInput, ClearExceptions) {
  const OlsData d = load();
  OlsSpec s;
  EXPECT_THROW(ols(Vector(), Matrix(), s), std::invalid_argument);
  EXPECT_THROW(ols(d.y.head(10), d.X, s), std::invalid_argument);
  // A regressor that is a combination of others.
  Matrix collinear(d.X.rows(), 4);
  collinear << d.X, d.X.col(0) * 2.0 - d.X.col(1);
  try {
    ols(d.y, collinear, s);
    FAIL() << "rank-deficient design accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("rank-deficient"), std::string::npos) << e.what();
  }
  // A regressor constant within industries is absorbed by the fixed effects.
  Matrix with_industry_level(d.X.rows(), 4);
  Vector level(d.X.rows());
  for (Eigen::Index i = 0; i < level.size(); ++i) level[i] = d.industry.level[static_cast<std::size_t>(i)] * 0.5;
  with_industry_level << d.X, level;
  OlsSpec fs = fe_spec(d, VarianceType::classical);
  fs.names = {"x1", "x2", "d", "ind_level"};
  EXPECT_THROW(ols(d.y, with_industry_level, fs), std::invalid_argument);
  // NaN in the data, missing cluster factor, mismatched factor length.
  Vector ynan = d.y;
  ynan[3] = std::nan("");
  EXPECT_THROW(ols(ynan, d.X, s), std::invalid_argument);
  OlsSpec cs;
  cs.variance = VarianceType::cluster;
  EXPECT_THROW(ols(d.y, d.X, cs), std::invalid_argument);
  OlsSpec short_absorb;
  short_absorb.absorb = make_fixed_effects(std::vector<int>{1, 2, 3});
  EXPECT_THROW(ols(d.y, d.X, short_absorb), std::invalid_argument);
  OlsSpec bad_names;
  bad_names.names = {"only_one"};
  EXPECT_THROW(ols(d.y, d.X, bad_names), std::invalid_argument);
}

TEST(OlsPrint, LooksLikeStata) {
  const OlsData d = load();
  std::ostringstream os;
  ols(d.y, d.X, fe_spec(d, VarianceType::classical)).print(os);
  const std::string out = os.str();
  for (const char* token : {"Number of obs", "F(3, 585)", "R-squared", "Adj R-squared", "Root MSE", "Coef.",
                            "Std. Err.", "P>|t|", "[95% Conf. Interval]", "_cons", "x1"})
    EXPECT_NE(out.find(token), std::string::npos) << token << "\n" << out;
}

}  // namespace
}  // namespace firmsim::est
