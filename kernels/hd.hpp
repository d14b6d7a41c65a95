// One macro for code that runs on both sides: __host__ __device__ under nvcc,
// nothing under a plain C++ compiler (the OpenMP backend).
#pragma once

#if defined(__CUDACC__)
#define FIRMSIM_HD __host__ __device__
#define FIRMSIM_INLINE __forceinline__
#else
#define FIRMSIM_HD
#define FIRMSIM_INLINE inline
#endif

#include <cstdint>

namespace firmsim {

// A firm's market set is one 64-bit mask, so the world holds at most this many
// foreign markets. Change the mask type with it, not the literal.
using MarketMask = std::uint64_t;
constexpr int kMaxMarkets = 64;
constexpr int kMaxRegions = 16;
constexpr int kMaxIndustries = 64;
constexpr int kMaxPolicies = 16;

FIRMSIM_HD FIRMSIM_INLINE MarketMask market_bit(int m) { return MarketMask{1} << m; }

FIRMSIM_HD FIRMSIM_INLINE int popcount64(MarketMask x) {
#if defined(__CUDA_ARCH__)
  return __popcll(x);
#else
  return __builtin_popcountll(x);
#endif
}

// Index of the lowest set bit; x must not be 0.
FIRMSIM_HD FIRMSIM_INLINE int lowest_bit(MarketMask x) {
#if defined(__CUDA_ARCH__)
  return __ffsll(static_cast<long long>(x)) - 1;
#else
  return __builtin_ctzll(x);
#endif
}

// Takes one ticket from a counter shared by all threads and returns the
// counter's value before (relaxed: the ticket only has to be unique).
FIRMSIM_HD FIRMSIM_INLINE std::int64_t take_ticket(std::int64_t* counter) {
#if defined(__CUDA_ARCH__)
  return static_cast<std::int64_t>(atomicAdd(reinterpret_cast<unsigned long long*>(counter), 1ull));
#else
  return __atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
#endif
}

}  // namespace firmsim
