// The counter-based generator: Random123's published known answers, and the
// keyed draws built on it.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "kernels/philox.hpp"
#include "kernels/rng.hpp"

namespace firmsim {
namespace {

struct KnownAnswer {
  PhiloxCounter counter;
  PhiloxKey key;
  PhiloxCounter expected;
};

// Random123 1.09, examples/kat_vectors, the three "philox4x32 10" lines.
const KnownAnswer kKnownAnswers[] = {
    {{{0, 0, 0, 0}}, {{0, 0}}, {{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}}},
    {{{0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}},
     {{0xffffffffu, 0xffffffffu}},
     {{0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}}},
    {{{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}},
     {{0xa4093822u, 0x299f31d0u}},
     {{0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}}},
};

TEST(Philox, MatchesRandom123KnownAnswers) {
  for (const KnownAnswer& k : kKnownAnswers) {
    const PhiloxCounter out = philox4x32_10(k.counter, k.key);
    for (int w = 0; w < 4; ++w) EXPECT_EQ(out.v[w], k.expected.v[w]) << "word " << w;
  }
}

TEST(KeyedDraws, SameAddressSameNumberOtherAddressOtherNumber) {
  const RngKey key{42, 0};
  const PhiloxCounter a = draw4(key, 7, 1999, 3, Purpose::market_year);
  const PhiloxCounter b = draw4(key, 7, 1999, 3, Purpose::market_year);
  EXPECT_EQ(a.v[0], b.v[0]);
  std::set<std::uint32_t> seen;
  seen.insert(a.v[0]);
  seen.insert(draw4(key, 8, 1999, 3, Purpose::market_year).v[0]);            // other firm
  seen.insert(draw4(key, 7, 2000, 3, Purpose::market_year).v[0]);            // other year
  seen.insert(draw4(key, 7, 1999, 4, Purpose::market_year).v[0]);            // other market
  seen.insert(draw4(key, 7, 1999, 3, Purpose::market_year_sales).v[0]);      // other purpose
  seen.insert(draw4(RngKey{42, 1}, 7, 1999, 3, Purpose::market_year).v[0]);  // other replicate
  seen.insert(draw4(RngKey{43, 0}, 7, 1999, 3, Purpose::market_year).v[0]);  // other seed
  EXPECT_EQ(seen.size(), 7u);
}

TEST(KeyedDraws, UniformsAndNormalsHaveTheirMoments) {
  const RngKey key{2026, 0};
  const int n = 200000;
  double sum_u = 0, sum_z = 0, sum_z2 = 0;
  float lo = 1, hi = 0;
  for (int i = 0; i < n; ++i) {
    const PhiloxCounter c = draw4(key, static_cast<std::uint64_t>(i), 1, 0, Purpose::firm_year);
    const float u = to_unit(c.v[0]);
    lo = std::min(lo, u);
    hi = std::max(hi, u);
    sum_u += u;
    float z0, z1;
    to_normals(c.v[1], c.v[2], z0, z1);
    sum_z += z0 + z1;
    sum_z2 += z0 * z0 + z1 * z1;
  }
  EXPECT_GT(lo, 0.0f);
  EXPECT_LT(hi, 1.0f);
  // Standard errors: uniform mean 1/sqrt(12 n) ~ 0.00065; normal mean 1/sqrt(2n) ~ 0.0016.
  EXPECT_NEAR(sum_u / n, 0.5, 0.003);
  EXPECT_NEAR(sum_z / (2 * n), 0.0, 0.008);
  EXPECT_NEAR(sum_z2 / (2 * n), 1.0, 0.012);
}

}  // namespace
}  // namespace firmsim
