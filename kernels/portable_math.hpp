// Elementary functions that give the same bits on every backend.
//
// The panel is promised byte-identical across backends. The CUDA math
// library's expf/logf/powf/sinf/cosf and glibc's differ in their last bits,
// and one bit in a firm's size or belief changes a threshold decision years
// later, so the kernels call these instead. Each is built from IEEE-754
// additions, multiplications, divisions and conversions only, evaluated in
// double (so a short polynomial is accurate to well under a float ulp) and
// rounded once to float. With contraction off (nvcc --fmad=false; the host
// compiler does not contract without -mfma), those operations round the same
// on the GPU and on the CPU, so the result is the same bit pattern.
//
// Accuracy (tests/sim/portable_math_test.cpp, against the C library in
// double): within 1 float ulp of the correctly rounded value over the ranges
// the model uses. Special values follow the C library where the model can
// reach them: exp overflows to +inf and underflows to 0, log(0) = -inf,
// log(x < 0) = NaN, NaN propagates.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "kernels/hd.hpp"

namespace firmsim::pmath {

namespace detail {

// ln 2 split in two: kLn2Hi has its low bits zero, so k * kLn2Hi is exact for
// the exponents k these functions meet; kLn2Lo is the rest.
constexpr double kLn2Hi = 0.693147180369123816490;
constexpr double kLn2Lo = 1.90821492927058770002e-10;
constexpr double kLog2e = 1.44269504088896340735992468100;
constexpr double kHalfPi = 1.57079632679489661923132169164;
constexpr double kSqrtHalf = 0.707106781186547524400844362105;

FIRMSIM_HD FIRMSIM_INLINE std::uint64_t bits_of(double x) {
  std::uint64_t b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}
FIRMSIM_HD FIRMSIM_INLINE double from_bits(std::uint64_t b) {
  double x;
  std::memcpy(&x, &b, sizeof x);
  return x;
}

// 2^k for -1022 <= k <= 1023 (a normal double).
FIRMSIM_HD FIRMSIM_INLINE double two_to(int k) { return from_bits(static_cast<std::uint64_t>(k + 1023) << 52); }

// e^r for |r| <= ln2/2: Taylor to r^8 (truncation < 2.3e-10 relative, far
// below a float ulp of 6e-8), by Estrin's scheme: the same sums in the same
// order on both sides, with a short dependency chain.
FIRMSIM_HD FIRMSIM_INLINE double exp_reduced(double r) {
  const double r2 = r * r, r4 = r2 * r2;
  const double q01 = 1.0 + r, q23 = 0.5 + r * (1.0 / 6.0);
  const double q45 = 1.0 / 24.0 + r * (1.0 / 120.0), q67 = 1.0 / 720.0 + r * (1.0 / 5040.0);
  const double q03 = q01 + r2 * q23, q47 = q45 + r2 * q67;
  return (q03 + r4 * q47) + (r4 * r4) * (1.0 / 40320.0);
}

// log(m) for m in [sqrt(1/2), sqrt(2)): 2 atanh(s), s = (m-1)/(m+1),
// |s| < 0.172; the series to s^11 (truncation < 5e-11 relative), by Estrin's
// scheme in u = s^2.
FIRMSIM_HD FIRMSIM_INLINE double log_reduced(double m) {
  const double s = (m - 1.0) / (m + 1.0);
  const double u = s * s, u2 = u * u;
  const double q01 = 1.0 + u * (1.0 / 3.0), q23 = 1.0 / 5.0 + u * (1.0 / 7.0), q45 = 1.0 / 9.0 + u * (1.0 / 11.0);
  return 2.0 * s * ((q01 + u2 * q23) + (u2 * u2) * q45);
}

// sin and cos of |r| <= pi/4 (Taylor to r^17 / r^18: truncation < 1e-16).
FIRMSIM_HD FIRMSIM_INLINE double sin_reduced(double r) {
  const double r2 = r * r;
  double p = -1.0 / 355687428096000.0;  // -1/17!
  p = p * r2 + 1.0 / 1307674368000.0;   // 1/15!
  p = p * r2 - 1.0 / 6227020800.0;      // -1/13!
  p = p * r2 + 1.0 / 39916800.0;        // 1/11!
  p = p * r2 - 1.0 / 362880.0;          // -1/9!
  p = p * r2 + 1.0 / 5040.0;            // 1/7!
  p = p * r2 - 1.0 / 120.0;
  p = p * r2 + 1.0 / 6.0;
  return r - r * r2 * p;
}
FIRMSIM_HD FIRMSIM_INLINE double cos_reduced(double r) {
  const double r2 = r * r;
  double p = 1.0 / 6402373705728000.0;  // 1/18!
  p = p * r2 - 1.0 / 20922789888000.0;  // -1/16!
  p = p * r2 + 1.0 / 87178291200.0;     // 1/14!
  p = p * r2 - 1.0 / 479001600.0;       // -1/12!
  p = p * r2 + 1.0 / 3628800.0;         // 1/10!
  p = p * r2 - 1.0 / 40320.0;           // -1/8!
  p = p * r2 + 1.0 / 720.0;             // 1/6!
  p = p * r2 - 1.0 / 24.0;
  p = p * r2 + 0.5;
  return 1.0 - r2 * p;
}

}  // namespace detail

// e^x for a float result: e^x in double where a float can hold it, 0 below
// (e^-104 rounds to float 0) and +inf above (e^89 > FLT_MAX).
FIRMSIM_HD FIRMSIM_INLINE double exp_d(double x) {
  if (!(x < 89.0)) return x != x ? x : std::numeric_limits<double>::infinity();
  if (x < -104.0) return 0.0;
  // Nearest integer to x / ln2 (ties to even): adding 1.5 * 2^52 leaves no
  // fraction bits; exact IEEE arithmetic on both sides, no rounding call.
  constexpr double kShifter = 6755399441055744.0;
  const double k = (x * detail::kLog2e + kShifter) - kShifter;  // |k| <= 151
  const double r = (x - k * detail::kLn2Hi) - k * detail::kLn2Lo;
  return detail::exp_reduced(r) * detail::two_to(static_cast<int>(k));  // 2^k is a normal double
}

// Natural logarithm in double, for finite x > 0 (0 -> -inf, < 0 -> NaN).
FIRMSIM_HD FIRMSIM_INLINE double log_d(double x) {
  if (x != x) return x;
  if (x < 0.0) return std::numeric_limits<double>::quiet_NaN();
  if (x == 0.0) return -std::numeric_limits<double>::infinity();
  if (x > std::numeric_limits<double>::max()) return x;
  int e = 0;
  if (x < 2.2250738585072014e-308) {  // subnormal: scale up into the normal range
    x *= 18014398509481984.0;         // 2^54
    e = -54;
  }
  const std::uint64_t b = detail::bits_of(x);
  e += static_cast<int>((b >> 52) & 0x7ff) - 1023;
  double m = detail::from_bits((b & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);  // [1, 2)
  if (m > 2.0 * detail::kSqrtHalf) {
    m *= 0.5;
    ++e;
  }
  const double de = static_cast<double>(e);
  return de * detail::kLn2Hi + (detail::log_reduced(m) + de * detail::kLn2Lo);
}

FIRMSIM_HD FIRMSIM_INLINE float exp(float x) { return static_cast<float>(exp_d(static_cast<double>(x))); }
FIRMSIM_HD FIRMSIM_INLINE float log(float x) { return static_cast<float>(log_d(static_cast<double>(x))); }

// log(1 + x) for x > -1, accurate for small x too: the double sum 1 + x is
// exact for |x| >= 2^-29, and below that log1p(x) rounds to x in float.
FIRMSIM_HD FIRMSIM_INLINE float log1p(float x) {
  const double d = static_cast<double>(x);
  if (d < 1.0 / 536870912.0 && d > -1.0 / 536870912.0) return x;
  return static_cast<float>(log_d(1.0 + d));
}

// x^y for x >= 0 (the model raises sizes and ratios to elasticities).
FIRMSIM_HD FIRMSIM_INLINE float pow(float x, float y) {
  if (y == 0.0f) return 1.0f;
  if (x == 0.0f) return y > 0.0f ? 0.0f : std::numeric_limits<float>::infinity();
  return static_cast<float>(exp_d(static_cast<double>(y) * log_d(static_cast<double>(x))));
}

// sin and cos of one angle in [0, 2 pi] (Box-Muller's), reduced by quarter
// turns in double: for |x| < 8 the reduction error is far below a float ulp.
FIRMSIM_HD FIRMSIM_INLINE void sincos(float x, float& s, float& c) {
  const double a = static_cast<double>(x);
  const double k = static_cast<double>(static_cast<long long>(a / detail::kHalfPi + (a < 0 ? -0.5 : 0.5)));
  const double r = a - k * detail::kHalfPi;
  const double sr = detail::sin_reduced(r), cr = detail::cos_reduced(r);
  switch (static_cast<long long>(k) & 3) {
    case 0:
      s = static_cast<float>(sr), c = static_cast<float>(cr);
      break;
    case 1:
      s = static_cast<float>(cr), c = static_cast<float>(-sr);
      break;
    case 2:
      s = static_cast<float>(-sr), c = static_cast<float>(-cr);
      break;
    default:
      s = static_cast<float>(-cr), c = static_cast<float>(sr);
      break;
  }
}

// The standard normal quantile Phi^-1(p) in double: Wichura's AS 241
// (PPND16, Applied Statistics 37, 1988), rational approximations accurate to
// about 1e-16 relative, from additions, products, divisions, sqrt and log_d
// only. p <= 0 -> -inf, p >= 1 -> +inf, NaN propagates.
FIRMSIM_HD FIRMSIM_INLINE double normal_quantile_d(double p) {
  if (p != p) return p;
  if (p <= 0.0) return -std::numeric_limits<double>::infinity();
  if (p >= 1.0) return std::numeric_limits<double>::infinity();
  const double q = p - 0.5;
  if (q <= 0.425 && q >= -0.425) {  // the central region
    const double r = 0.180625 - q * q;
    const double num =
        ((((((2.5090809287301226727e+3 * r + 3.3430575583588128105e+4) * r + 6.7265770927008700853e+4) * r +
            4.5921953931549871457e+4) * r + 1.3731693765509461125e+4) * r + 1.9715909503065514427e+3) * r +
         1.3314166789178437745e+2) * r + 3.3871328727963666080e+0;
    const double den =
        ((((((5.2264952788528545610e+3 * r + 2.8729085735721942674e+4) * r + 3.9307895800092710610e+4) * r +
            2.1213794301586595867e+4) * r + 5.3941960214247511077e+3) * r + 6.8718700749205790830e+2) * r +
         4.2313330701600911252e+1) * r + 1.0;
    return q * num / den;
  }
  // The tails, in r = sqrt(-log(the smaller of p and 1 - p)).
  double r = sqrt(-log_d(q < 0.0 ? p : 1.0 - p));
  double z;
  if (r <= 5.0) {
    r -= 1.6;
    const double num =
        ((((((7.74545014278341407640e-4 * r + 2.27238449892691845833e-2) * r + 2.41780725177450611770e-1) * r +
            1.27045825245236838258e+0) * r + 3.64784832476320460504e+0) * r + 5.76949722146069140550e+0) * r +
         4.63033784615654529590e+0) * r + 1.42343711074968357734e+0;
    const double den =
        ((((((1.05075007164441684324e-9 * r + 5.47593808499534494600e-4) * r + 1.51986665636164571966e-2) * r +
            1.48103976427480074590e-1) * r + 6.89767334985100004550e-1) * r + 1.67638483018380384940e+0) * r +
         2.05319162663775882187e+0) * r + 1.0;
    z = num / den;
  } else {
    r -= 5.0;
    const double num =
        ((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 1.24266094738807843860e-3) * r +
            2.65321895265761230930e-2) * r + 2.96560571828504891230e-1) * r + 1.78482653991729133580e+0) * r +
         5.46378491116411436990e+0) * r + 6.65790464350110377720e+0;
    const double den =
        ((((((2.04426310338993978564e-15 * r + 1.42151175831644588870e-7) * r + 1.84631831751005468180e-5) * r +
            7.86869131145613259100e-4) * r + 1.48753612908506148525e-2) * r + 1.36929880922735805310e-1) * r +
         5.99832206555887937690e-1) * r + 1.0;
    z = num / den;
  }
  return q < 0.0 ? -z : z;
}

// fmaxf / fminf without a call. The host's (glibc's) are library calls the
// compiler does not inline (their NaN rules are not those of maxss), and the
// step calls them in its per-market loops; these give glibc's bits on every
// input but signaling NaNs, which the model never makes: x when x >= y (so
// fmax(+0, -0) = +0 and fmax(-0, +0) = -0, as glibc 2.36), y when x < y, and
// the other operand when one is NaN (tests/sim/portable_math_test.cpp). On
// the GPU the device's fmaxf / fminf (instructions) stay, as before.
FIRMSIM_HD FIRMSIM_INLINE float fmax(float x, float y) {
#ifdef __CUDA_ARCH__
  return fmaxf(x, y);
#else
  return (x >= y || y != y) ? x : y;
#endif
}

FIRMSIM_HD FIRMSIM_INLINE float fmin(float x, float y) {
#ifdef __CUDA_ARCH__
  return fminf(x, y);
#else
  return (x <= y || y != y) ? x : y;
#endif
}

}  // namespace firmsim::pmath
