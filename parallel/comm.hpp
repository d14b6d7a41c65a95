// The processes firmsim runs on: MPI's world when firmsim was built with MPI
// (-DFIRMSIM_MPI=ON) and started by an MPI launcher (mpirun, srun, ...), one
// process otherwise. Everything above this header asks "how many processes,
// which one am I" and hands out work through it; nothing above includes
// <mpi.h>, and a build without MPI compiles the same callers.
//
// The calls below are collective (every process calls them, in the same
// order) unless they say otherwise. Deterministic: no call depends on which
// process finishes first, so results are the same whatever the process count.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace firmsim::par {

// Starts MPI when firmsim was launched by an MPI launcher (or
// FIRMSIM_MPI_INIT=1 says so) and finalizes it at the end of main(). A plain
// start does not touch MPI at all, so firmsim behaves exactly as a build
// without it.
class Session {
 public:
  Session(int& argc, char**& argv);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
};

int rank();                  // 0 .. size() - 1 (not collective)
int size();                  // 1 without MPI (not collective)
inline bool distributed() { return size() > 1; }
inline bool is_root() { return rank() == 0; }
std::string library();  // "Open MPI v4.1.4, ..." or "none" (not collective)

// Ends every process with this exit status (after an error on one of them
// that the others cannot know about). Not collective; never returns.
[[noreturn]] void abort_all(int status);

void barrier();
// Sum over processes, element by element (exact: integers).
void sum_in_place(std::vector<std::int64_t>& values);
std::int64_t sum(std::int64_t value);
// Each process's bytes, indexed by rank, on every process.
std::vector<std::string> all_gather(const std::string& mine);
// Process 0's bytes on every process.
std::string broadcast(const std::string& from_root);

// Items 0..n-1 handed out dynamically: each process takes the next item no
// one has taken when it finishes its last (an atomic counter on process 0,
// MPI-3 one-sided fetch-and-add), so a fast process does more items.
class WorkQueue {
 public:
  explicit WorkQueue(std::int64_t items);  // collective
  ~WorkQueue();                            // collective
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;
  std::optional<std::int64_t> next();  // not collective
 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Runs `work` on the items this process takes from a WorkQueue and returns
// every item's result, in item order, on every process. Results must be
// bytes (serialize structures with sim/checkpoint.hpp's bytes:: helpers).
std::vector<std::string> map_items(std::int64_t items, const std::function<std::string(std::int64_t)>& work);

// The items a process owns in a static split of [0, n) into size() nearly
// equal contiguous ranges, aligned to `align` (the last range takes the rest).
struct Range {
  std::int64_t begin = 0, end = 0;
};
Range my_range(std::int64_t n, std::int64_t align = 1);
Range range_of(int rank, int ranks, std::int64_t n, std::int64_t align = 1);

}  // namespace firmsim::par
