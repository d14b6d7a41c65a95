// Keeps the memory a process frees for its own reuse, so that repeated
// simulations do not page-fault their whole working set anew.
#pragma once

namespace firmsim {

// A calibration, a policy evaluation or an experiment simulates one world
// after another, each allocating, filling and freeing the same few hundred
// MiB (the state, the pool of market rows, the panel's columns). glibc serves
// every block above its mmap threshold (128 KiB to 32 MiB, adjusted as it
// goes) with a fresh mapping and unmaps it on free, so each world touched its
// memory for the first time: on the 2-core VM a fifth of a calibration
// evaluation was the kernel's page faults (bench/README.md, "Memory kept for
// reuse"). Called once at start-up, this serves large blocks from the heap
// and keeps freed memory mapped, so the next world reuses pages already
// touched. Results do not change; the peak is what the largest world needs,
// as before, and the memory goes back at exit. A no-op without glibc.
// Returns whether both settings were accepted.
bool keep_freed_memory_for_reuse();

}  // namespace firmsim
