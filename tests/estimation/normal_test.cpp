// normal_cdf_and_mills (Cody's rational approximations, one exp) against
// Boost.Math's normal cdf in long double, and against normal_cdf /
// inverse_mills (std::erfc), from the far lower tail to where Phi is 1.
#include "estimation/linear_algebra.hpp"

#include <boost/math/distributions/normal.hpp>
#include <gtest/gtest.h>

#include <cmath>

namespace firmsim::est {
namespace {

long double exact_cdf(double x) { return boost::math::cdf(boost::math::normal_distribution<long double>(), x); }
long double exact_pdf(double x) { return boost::math::pdf(boost::math::normal_distribution<long double>(), x); }

double relative(long double a, long double b) { return static_cast<double>(std::fabs(a - b) / std::fabs(b)); }

TEST(NormalCdfAndMills, MatchesLongDoubleReference) {
  // Up to 37.5: beyond, phi(x) is subnormal and keeps only a few digits.
  for (double x = -29.995; x < 37.5; x += 0.01) {
    const CdfAndMills t = normal_cdf_and_mills(x);
    const long double cdf = exact_cdf(x), mills = exact_pdf(x) / cdf;
    // The exp of x^2/2 is rounded: 2e-13 relative at |x| = 30, 1e-15 near 0.
    const double tolerance = 1e-15 + 2.5e-16 * x * x;
    EXPECT_LE(relative(t.cdf, cdf), tolerance) << x;
    EXPECT_LE(relative(t.mills, mills), tolerance) << x;
    EXPECT_LE(relative(t.cdf, normal_cdf(x)), 2 * tolerance) << x;
    EXPECT_LE(relative(t.mills, inverse_mills(x)), 2 * tolerance) << x;
  }
}

TEST(NormalCdfAndMills, FarLowerTailLeavesTheLogToTheSeries) {
  for (double x : {-30.0, -35.0, -50.0, -1e3}) {
    const CdfAndMills t = normal_cdf_and_mills(x);
    EXPECT_EQ(t.cdf, 0.0) << x;
    EXPECT_EQ(t.mills, inverse_mills(x)) << x;
  }
}

}  // namespace
}  // namespace firmsim::est
