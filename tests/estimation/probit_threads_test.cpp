// The probit's passes over the rows run on OpenMP threads over fixed chunks of
// rows, whose partial sums are added in chunk order: estimates, variance,
// log-likelihood and marginal effects must be the same bit for bit whatever
// the number of threads.
#include "estimation/probit.hpp"
#include "estimation/split_design.hpp"

#include <gtest/gtest.h>
#include <omp.h>

#include <random>

namespace firmsim::est {
namespace {

struct Data {
  Vector y;
  Matrix X;
};

// Two continuous regressors and five industry dummies (industry 0 the base),
// y = 1{x'beta + e > 0}: continuous values, so that sums grouped differently
// round differently.
Data simulated(Eigen::Index n) {
  std::mt19937_64 rng(20261204);
  std::normal_distribution<double> normal;
  std::uniform_int_distribution<int> industry(0, 5);
  Data d{Vector(n), Matrix::Zero(n, 7)};
  for (Eigen::Index i = 0; i < n; ++i) {
    d.X(i, 0) = normal(rng);
    d.X(i, 1) = normal(rng);
    const int g = industry(rng);
    if (g > 0) d.X(i, 1 + g) = 1.0;
    const double index = -0.5 + 0.8 * d.X(i, 0) - 0.4 * d.X(i, 1) + 0.2 * g;
    d.y[i] = index + normal(rng) > 0.0 ? 1.0 : 0.0;
  }
  return d;
}

// Restores OpenMP's thread count when the test ends.
class ThreadCount {
 public:
  ThreadCount() : saved_(omp_get_max_threads()) {}
  ~ThreadCount() { omp_set_num_threads(saved_); }
  ThreadCount(const ThreadCount&) = delete;
  ThreadCount& operator=(const ThreadCount&) = delete;

 private:
  int saved_;
};

TEST(ProbitThreads, SameBitsOnAnyNumberOfThreads) {
  const Data d = simulated(100000);
  ASSERT_GE(d.y.size(), 4 * SplitDesign::kChunkRows);  // work for several threads
  const ThreadCount restore;
  omp_set_num_threads(1);
  const ProbitResult one = probit(d.y, d.X);
  const MarginalEffects one_me = average_marginal_effects(one);
  for (int threads : {2, 3, 4}) {
    omp_set_num_threads(threads);
    const ProbitResult many = probit(d.y, d.X);
    const MarginalEffects many_me = average_marginal_effects(many);
    EXPECT_TRUE(many.table.coef == one.table.coef) << threads << " threads";
    EXPECT_TRUE(many.vcov == one.vcov) << threads << " threads";
    EXPECT_EQ(many.log_likelihood, one.log_likelihood) << threads << " threads";
    EXPECT_EQ(many.iterations, one.iterations) << threads << " threads";
    EXPECT_TRUE(many_me.table.coef == one_me.table.coef) << threads << " threads";
    EXPECT_TRUE(many_me.vcov == one_me.vcov) << threads << " threads";
  }
}

}  // namespace
}  // namespace firmsim::est
