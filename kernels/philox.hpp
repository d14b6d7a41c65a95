// Philox4x32-10, the counter-based generator of Salmon, Moraes, Dror and Shaw,
// "Parallel random numbers: as easy as 1, 2, 3" (SC11). A pure function of a
// 128-bit counter and a 64-bit key: no state lives in a thread or a firm, so a
// draw depends only on what it is for, never on thread order or batch size.
// Written from the paper's description; checked against Random123's
// published known-answer vectors in tests/rng_test.cpp.
#pragma once

#include <cstdint>

#include "kernels/hd.hpp"

namespace firmsim {

struct PhiloxCounter {
  std::uint32_t v[4];
};
struct PhiloxKey {
  std::uint32_t v[2];
};

namespace philox_detail {
constexpr std::uint32_t kMultiplier0 = 0xD2511F53u;
constexpr std::uint32_t kMultiplier1 = 0xCD9E8D57u;
constexpr std::uint32_t kWeyl0 = 0x9E3779B9u;  // golden ratio
constexpr std::uint32_t kWeyl1 = 0xBB67AE85u;  // sqrt(3) - 1

FIRMSIM_HD FIRMSIM_INLINE void mulhilo(std::uint32_t a, std::uint32_t b, std::uint32_t& hi, std::uint32_t& lo) {
  const std::uint64_t product = static_cast<std::uint64_t>(a) * b;
  hi = static_cast<std::uint32_t>(product >> 32);
  lo = static_cast<std::uint32_t>(product);
}

FIRMSIM_HD FIRMSIM_INLINE void round(PhiloxCounter& c, const PhiloxKey& k) {
  std::uint32_t hi0, lo0, hi1, lo1;
  mulhilo(kMultiplier0, c.v[0], hi0, lo0);
  mulhilo(kMultiplier1, c.v[2], hi1, lo1);
  c = PhiloxCounter{{hi1 ^ c.v[1] ^ k.v[0], lo1, hi0 ^ c.v[3] ^ k.v[1], lo0}};
}
}  // namespace philox_detail

FIRMSIM_HD FIRMSIM_INLINE PhiloxCounter philox4x32_10(PhiloxCounter counter, PhiloxKey key) {
  for (int r = 0; r < 10; ++r) {
    if (r > 0) {
      key.v[0] += philox_detail::kWeyl0;
      key.v[1] += philox_detail::kWeyl1;
    }
    philox_detail::round(counter, key);
  }
  return counter;
}

}  // namespace firmsim
