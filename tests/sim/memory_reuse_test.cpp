// keep_freed_memory_for_reuse: on glibc, large blocks come from the heap and
// stay there when freed, so the next world reuses pages already touched.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>

#include "sim/memory_reuse.hpp"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace {

#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
// Bytes glibc holds in separate mappings (blocks above its mmap threshold).
std::size_t mapped_bytes() { return mallinfo2().hblkhd; }

TEST(MemoryReuse, ALargeBlockComesFromTheHeapAndStaysWhenFreed) {
  ASSERT_TRUE(firmsim::keep_freed_memory_for_reuse()) << "glibc refused the settings";
  constexpr std::size_t kBlock = 64u << 20;  // above glibc's largest default threshold (32 MiB)
  const std::size_t mapped_before = mapped_bytes();
  char* block = static_cast<char*>(std::malloc(kBlock));
  ASSERT_NE(block, nullptr);
  std::memset(block, 1, kBlock);
  EXPECT_LT(mapped_bytes(), mapped_before + kBlock) << "the block got a mapping of its own";
  const std::size_t heap_held = mallinfo2().arena;
  std::free(block);
  EXPECT_GE(mallinfo2().arena, heap_held) << "freeing the block gave heap memory back to the system";
}
#else
TEST(MemoryReuse, ALargeBlockComesFromTheHeapAndStaysWhenFreed) {
  GTEST_SKIP() << "glibc's allocator only (not under AddressSanitizer's)";
}
#endif

}  // namespace
