#include "sim/memory_reuse.hpp"

#include <cstdlib>  // defines __GLIBC__ where glibc is the C library (tested below)

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace firmsim {

bool keep_freed_memory_for_reuse() {
#if defined(__GLIBC__)
  // Above any single block firmsim allocates at the default sizes (the
  // largest, a pool array of a batch of 8 candidates, is ~100 MiB), below
  // what a 32-bit int setting can hold.
  constexpr int kServedFromHeapBelow = 1 << 30;
  // Never give the heap's top back to the system while the process runs.
  constexpr int kNeverTrim = 0x7fffffff;
  const bool threshold = mallopt(M_MMAP_THRESHOLD, kServedFromHeapBelow) == 1;
  const bool trim = mallopt(M_TRIM_THRESHOLD, kNeverTrim) == 1;
  return threshold && trim;
#else
  return false;
#endif
}

}  // namespace firmsim
