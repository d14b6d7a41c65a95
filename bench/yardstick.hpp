// The benchmarks' yardstick: a plain memcpy timed in the same run.
//
// The machines the benchmarks run on are shared and their absolute times
// drift 2x from one day to the next, so every benchmark also times one
// memcpy of a fixed size - 10^6 firms x 1,325 bytes, the engine's state per
// firm when this yardstick was set (issue 18) - and prints its figures as
// multiples of it beside the seconds. A multiple moves only when the code
// does.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <vector>

namespace firmsim::bench {

constexpr std::size_t kYardstickBytes = std::size_t{1000000} * 1325;

// Best of `repeats` single-threaded memcpy's of `bytes`; both buffers are
// written first, so no page fault is timed.
inline double memcpy_seconds(std::size_t bytes = kYardstickBytes, int repeats = 5) {
  std::vector<unsigned char> from(bytes, 1), to(bytes, 0);
  double best = 1e300;
  for (int r = 0; r < repeats; ++r) {
    const auto start = std::chrono::steady_clock::now();
    std::memcpy(to.data(), from.data(), bytes);
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  if (to[bytes / 2] != 1) std::printf("memcpy yardstick: copy lost\n");  // keeps the copy observable
  return best;
}

inline void print_yardstick(double seconds) {
  std::printf("yardstick: memcpy of %.3f GB (10^6 x 1,325 bytes), one thread: %.4f s (%.1f GB/s)\n",
              kYardstickBytes / 1e9, seconds, kYardstickBytes / 1e9 / seconds);
}

}  // namespace firmsim::bench
