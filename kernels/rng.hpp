// Keyed random draws for the model. Every draw is addressed by
// (seed, replicate, firm, year, market, purpose): the seed and replicate form
// the Philox key, the rest the counter. Same address, same number, on any
// backend, thread count or batch size; a firm's draws do not depend on how
// many other firms exist.
#pragma once

#include <cmath>
#include <cstdint>

#include "kernels/hd.hpp"
#include "kernels/philox.hpp"

namespace firmsim {

// What a draw is for. Appending is safe; renumbering changes every result.
enum class Purpose : std::uint32_t {
  firm_traits = 1,         // time-invariant: efficiency, orientation, product scope, asset traits
  firm_birth = 2,          // founding year, industry, start size, start cash
  firm_year = 3,           // efficiency shock, passive-learning signal, hazard, strategy taste
  firm_year_activity = 4,  // employment noise, R&D and intangibles draws
  region_appeal = 5,       // time-invariant appeal shared by a region's markets
  market_appeal = 6,       // time-invariant idiosyncratic appeal in a market (export side)
  market_year = 7,         // awareness (export, import), relationship break (export, import)
  market_year_sales = 8,   // transitory sales shocks (export, import)
  import_appeal = 9,       // time-invariant supplier quality in a market
  firm_traits_more = 10,   // time-invariant: initial efficiency shock, import propensity
  appeal_signal = 11,      // market information: noise of the signal about appeal, apart from the sales shock
};

// Year index used for time-invariant draws.
constexpr std::uint32_t kTimeless = 0xFFFFFFFFu;

struct RngKey {
  std::uint64_t seed;
  std::uint32_t replicate;
};

FIRMSIM_HD FIRMSIM_INLINE PhiloxCounter draw4(const RngKey& key, std::uint64_t firm, std::uint32_t year,
                                              std::uint32_t market, Purpose purpose) {
  // Key: 64-bit seed folded with the replicate; counter: firm (32 bits is
  // plenty per replicate), year, market and purpose in the four words.
  const PhiloxKey k{{static_cast<std::uint32_t>(key.seed) ^ (key.replicate * 0x85EBCA6Bu),
                     static_cast<std::uint32_t>(key.seed >> 32) + key.replicate}};
  const PhiloxCounter c{{static_cast<std::uint32_t>(firm), year, market | (static_cast<std::uint32_t>(firm >> 32) << 8),
                         static_cast<std::uint32_t>(purpose)}};
  return philox4x32_10(c, k);
}

// Uniform in the open interval (0, 1), 24 bits of resolution.
FIRMSIM_HD FIRMSIM_INLINE float to_unit(std::uint32_t x) {
  return (static_cast<float>(x >> 8) + 0.5f) * (1.0f / 16777216.0f);
}

// Two independent standard normals from two uniforms (Box-Muller).
FIRMSIM_HD FIRMSIM_INLINE void to_normals(std::uint32_t a, std::uint32_t b, float& z0, float& z1) {
  const float r = sqrtf(-2.0f * logf(to_unit(a)));
  const float angle = 6.28318530717958647692f * to_unit(b);
  z0 = r * cosf(angle);
  z1 = r * sinf(angle);
}

// Logistic draw (difference of two Gumbels) for random-utility choices.
FIRMSIM_HD FIRMSIM_INLINE float to_logistic(std::uint32_t x) {
  const float u = to_unit(x);
  return logf(u / (1.0f - u));
}

}  // namespace firmsim
