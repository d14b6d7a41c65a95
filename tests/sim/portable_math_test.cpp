// The kernels' own elementary functions (kernels/portable_math.hpp): within
// one float ulp of the correctly rounded value everywhere the model uses them,
// almost always exactly that value, and the C library's answer at the special
// values the model can reach. Their bits being the same on the GPU is checked
// by the panel-hash test run on a GPU (bench/gpu-check.sh).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <vector>

#include <boost/math/distributions/normal.hpp>

#include "kernels/portable_math.hpp"

namespace firmsim {
namespace {

// Distance in units in the last place between two finite floats of one sign.
std::int64_t ulps(float a, float b) {
  std::int32_t ia, ib;
  std::memcpy(&ia, &a, sizeof ia);
  std::memcpy(&ib, &b, sizeof ib);
  if ((ia < 0) != (ib < 0)) return (a == b) ? 0 : std::numeric_limits<std::int32_t>::max();
  return std::llabs(static_cast<std::int64_t>(ia) - ib);
}

struct Sweep {
  long points = 0, exact = 0;
  std::int64_t worst = 0;
  float worst_at = 0;
};

// Compares f against the double-precision C library rounded once to float.
Sweep sweep(float lo, float hi, long n, bool logarithmic, const std::function<float(float)>& f,
            const std::function<double(double)>& reference) {
  Sweep s;
  for (long i = 0; i <= n; ++i) {
    const double t = static_cast<double>(i) / n;
    const float x = logarithmic ? static_cast<float>(lo * std::pow(static_cast<double>(hi) / lo, t))
                                : static_cast<float>(lo + (static_cast<double>(hi) - lo) * t);
    const float expected = static_cast<float>(reference(x));
    const float got = f(x);
    const std::int64_t d = ulps(got, expected);
    ++s.points;
    if (d == 0) ++s.exact;
    if (d > s.worst) s.worst = d, s.worst_at = x;
  }
  return s;
}

void expect_accurate(const Sweep& s, const char* what) {
  EXPECT_LE(s.worst, 1) << what << ": " << s.worst << " ulps at " << s.worst_at;
  EXPECT_GE(static_cast<double>(s.exact) / s.points, 0.999)
      << what << ": " << s.exact << " of " << s.points << " correctly rounded";
}

TEST(PortableMath, ExpWithinOneUlpFromUnderflowToOverflow) {
  const auto f = [](float x) { return pmath::exp(x); };
  const auto ref = [](double x) { return std::exp(x); };
  expect_accurate(sweep(-87.0f, 88.0f, 200000, false, f, ref), "exp");
  expect_accurate(sweep(-1e-3f, 1e-3f, 20000, false, f, ref), "exp near 0");
}

TEST(PortableMath, LogWithinOneUlpOverTheFloatRange) {
  const auto f = [](float x) { return pmath::log(x); };
  const auto ref = [](double x) { return std::log(x); };
  expect_accurate(sweep(1e-37f, 1e37f, 200000, true, f, ref), "log");
  expect_accurate(sweep(0.5f, 2.0f, 200000, false, f, ref), "log near 1");
  expect_accurate(sweep(1e-44f, 1e-38f, 2000, true, f, ref), "log of subnormals");
}

TEST(PortableMath, Log1pAccurateForSmallAndLargeArguments) {
  const auto f = [](float x) { return pmath::log1p(x); };
  const auto ref = [](double x) { return std::log1p(x); };
  expect_accurate(sweep(1e-12f, 1e6f, 100000, true, f, ref), "log1p");
  expect_accurate(sweep(-0.99f, 0.0f, 20000, false, f, ref), "log1p below 0");
}

TEST(PortableMath, PowOfPositiveBasesToElasticities) {
  for (float y : {-2.5f, -1.0f, -0.37f, 0.0f, 0.25f, 0.8f, 1.0f, 1.7f, 3.0f}) {
    const auto f = [y](float x) { return pmath::pow(x, y); };
    const auto ref = [y](double x) { return std::pow(x, static_cast<double>(y)); };
    expect_accurate(sweep(1e-3f, 1e5f, 20000, true, f, ref), "pow");
  }
}

TEST(PortableMath, SinCosOfBoxMullerAngles) {
  const auto s = [](float x) {
    float sine, cosine;
    pmath::sincos(x, sine, cosine);
    return sine;
  };
  const auto c = [](float x) {
    float sine, cosine;
    pmath::sincos(x, sine, cosine);
    return cosine;
  };
  // Away from the zeros, where a float ulp of the result is tiny and the
  // float argument's own rounding dominates any comparison.
  const auto sin_ref = [](double x) { return std::sin(x); };
  const auto cos_ref = [](double x) { return std::cos(x); };
  expect_accurate(sweep(0.05f, 3.09f, 100000, false, s, sin_ref), "sin");
  expect_accurate(sweep(3.19f, 6.23f, 100000, false, s, sin_ref), "sin, second half");
  expect_accurate(sweep(0.0f, 1.52f, 100000, false, c, cos_ref), "cos");
  expect_accurate(sweep(1.62f, 4.66f, 100000, false, c, cos_ref), "cos, middle");
  // Near the zeros: absolute error far below what a normal draw can show.
  for (float x = 0.0f; x <= 6.2832f; x += 1e-4f) {
    EXPECT_NEAR(s(x), std::sin(static_cast<double>(x)), 1e-7) << x;
    EXPECT_NEAR(c(x), std::cos(static_cast<double>(x)), 1e-7) << x;
  }
}

TEST(PortableMath, SpecialValuesAsTheCLibrary) {
  const float inf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(pmath::exp(0.0f), 1.0f);
  EXPECT_EQ(pmath::exp(100.0f), inf);
  EXPECT_EQ(pmath::exp(-200.0f), 0.0f);
  EXPECT_EQ(pmath::exp(-inf), 0.0f);
  EXPECT_EQ(pmath::exp(inf), inf);
  EXPECT_TRUE(std::isnan(pmath::exp(std::nanf(""))));
  EXPECT_EQ(pmath::log(1.0f), 0.0f);
  EXPECT_EQ(pmath::log(0.0f), -inf);
  EXPECT_EQ(pmath::log(inf), inf);
  EXPECT_TRUE(std::isnan(pmath::log(-1.0f)));
  EXPECT_TRUE(std::isnan(pmath::log(std::nanf(""))));
  EXPECT_EQ(pmath::pow(0.0f, 2.0f), 0.0f);
  EXPECT_EQ(pmath::pow(0.0f, -1.0f), inf);
  EXPECT_EQ(pmath::pow(5.0f, 0.0f), 1.0f);
  EXPECT_EQ(pmath::log1p(0.0f), 0.0f);
  // exp's subnormal results round once, as the C library's do.
  EXPECT_EQ(pmath::exp(-100.0f), static_cast<float>(std::exp(-100.0)));
  EXPECT_EQ(pmath::exp(-103.0f), static_cast<float>(std::exp(-103.0)));
}

// The normal quantile (a self-selected program's threshold) against
// Boost.Math: the central region to double precision, the tails to the
// accuracy of log_d (about 1e-10 relative), so the float the kernels are
// given is the correctly rounded one almost everywhere.
// pmath::fmax / fmin are the C library's fmaxf / fminf, bit for bit, on
// every pair of special and ordinary values (signed zeros and NaNs
// included): the library's own calls, through volatile operands so the
// compiler cannot fold them.
std::uint32_t bits(float x) {
  std::uint32_t b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

TEST(PortableMath, MaxAndMinAreTheCLibrarysBitForBit) {
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float denormal = std::numeric_limits<float>::denorm_min();
  const std::vector<float> values = {0.0f, -0.0f, 1.0f, -1.0f, 0.5f, -2.5f, 3.0e38f, -3.0e38f,
                                     inf,  -inf,  nan,  -nan, denormal, -denormal, 1e-8f, 0.99f};
  for (float a : values)
    for (float b : values) {
      volatile float x = a, y = b;
      const float lib_max = std::fmax(static_cast<float>(x), static_cast<float>(y));
      const float lib_min = std::fmin(static_cast<float>(x), static_cast<float>(y));
      const float max = pmath::fmax(a, b), min = pmath::fmin(a, b);
      if (std::isnan(lib_max)) {
        EXPECT_TRUE(std::isnan(max)) << a << " " << b;
      } else {
        EXPECT_EQ(bits(max), bits(lib_max)) << "fmax(" << a << ", " << b << ")";
      }
      if (std::isnan(lib_min)) {
        EXPECT_TRUE(std::isnan(min)) << a << " " << b;
      } else {
        EXPECT_EQ(bits(min), bits(lib_min)) << "fmin(" << a << ", " << b << ")";
      }
    }
}

TEST(PortableMath, NormalQuantileAgreesWithBoost) {
  const boost::math::normal normal;
  long points = 0, same_float = 0;
  double worst = 0, worst_at = 0;
  const auto check = [&](double p) {
    const double expected = boost::math::quantile(normal, p);
    const double got = pmath::normal_quantile_d(p);
    const double relative = std::fabs(got - expected) / std::max(1e-300, std::fabs(expected));
    if (std::fabs(expected) > 1e-12 && relative > worst) worst = relative, worst_at = p;
    ++points;
    if (static_cast<float>(got) == static_cast<float>(expected)) ++same_float;
  };
  for (int i = 1; i < 100000; ++i) check(i / 100000.0);  // every take-up a config can name, in steps of 1e-5
  for (double p = 1e-300; p < 1e-5; p *= 1.37) {  // the far tails (1 - p only where it is not 1)
    check(p);
    if (p > 1e-15) check(1.0 - p);
  }
  EXPECT_LT(worst, 1e-9) << "at p = " << worst_at;
  EXPECT_GE(static_cast<double>(same_float) / points, 0.999);
  EXPECT_EQ(pmath::normal_quantile_d(0.5), 0.0);
  EXPECT_NEAR(pmath::normal_quantile_d(0.975), 1.959963984540054, 1e-12);  // a tail: log_d's accuracy
  EXPECT_EQ(pmath::normal_quantile_d(0.0), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(pmath::normal_quantile_d(1.0), std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(pmath::normal_quantile_d(std::nan(""))));
}

}  // namespace
}  // namespace firmsim
