#include "parallel/comm.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#ifdef FIRMSIM_WITH_MPI
#include <mpi.h>
#endif

namespace firmsim::par {

Range range_of(int rank, int ranks, std::int64_t n, std::int64_t align) {
  const std::int64_t blocks = (n + align - 1) / align;
  const std::int64_t per = blocks / ranks, extra = blocks % ranks;
  const std::int64_t first = rank * per + std::min<std::int64_t>(rank, extra);
  const std::int64_t count = per + (rank < extra ? 1 : 0);
  Range r{std::min(n, first * align), std::min(n, (first + count) * align)};
  return r;
}

Range my_range(std::int64_t n, std::int64_t align) { return range_of(rank(), size(), n, align); }

std::vector<std::string> map_items(std::int64_t items, const std::function<std::string(std::int64_t)>& work) {
  std::string mine;  // (item, length, bytes) records of the items done here
  {
    WorkQueue queue(items);
    while (const std::optional<std::int64_t> item = queue.next()) {
      const std::string result = work(*item);
      const std::int64_t header[2] = {*item, static_cast<std::int64_t>(result.size())};
      mine.append(reinterpret_cast<const char*>(header), sizeof header);
      mine += result;
    }
  }
  std::vector<std::string> out(static_cast<std::size_t>(items));
  for (const std::string& from : all_gather(mine))
    for (std::size_t at = 0; at < from.size();) {
      std::int64_t header[2];
      std::memcpy(header, from.data() + at, sizeof header);
      at += sizeof header;
      out.at(static_cast<std::size_t>(header[0])) = from.substr(at, static_cast<std::size_t>(header[1]));
      at += static_cast<std::size_t>(header[1]);
    }
  return out;
}

#ifdef FIRMSIM_WITH_MPI

namespace {

bool g_started = false;  // MPI_Init was called by Session

// The environment variables MPI launchers set (Open MPI, PMIx, PMI-1/2 as
// used by srun and MPICH's hydra, MVAPICH).
bool launched_by_mpi() {
  if (const char* forced = std::getenv("FIRMSIM_MPI_INIT")) return std::string(forced) == "1";
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE", "MV2_COMM_WORLD_SIZE"})
    if (const char* value = std::getenv(v); value && *value) return true;
  return false;
}

void check(int rc, const char* what) {
  if (rc != MPI_SUCCESS) throw std::runtime_error(std::string("MPI: ") + what + " failed");
}

}  // namespace

Session::Session(int& argc, char**& argv) {
  if (!launched_by_mpi()) return;
  int provided = 0;
  check(MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  // Errors come back as return codes (checked), not as MPI's own abort.
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  g_started = true;
}

Session::~Session() {
  if (g_started) MPI_Finalize();
  g_started = false;
}

int rank() {
  if (!g_started) return 0;
  int r = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}

int size() {
  if (!g_started) return 1;
  int n = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &n);
  return n;
}

std::string library() {
  char text[MPI_MAX_LIBRARY_VERSION_STRING];
  int length = 0;
  MPI_Get_library_version(text, &length);
  std::string s(text, static_cast<std::size_t>(length));
  const auto end = s.find_first_of(",\n");
  return s.substr(0, end);
}

void abort_all(int status) {
  if (g_started) MPI_Abort(MPI_COMM_WORLD, status);
  std::exit(status);
}

void barrier() {
  if (g_started) check(MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier");
}

void sum_in_place(std::vector<std::int64_t>& values) {
  if (!g_started || values.empty()) return;
  check(MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), MPI_INT64_T, MPI_SUM,
                      MPI_COMM_WORLD),
        "MPI_Allreduce");
}

std::int64_t sum(std::int64_t value) {
  std::vector<std::int64_t> v{value};
  sum_in_place(v);
  return v[0];
}

std::vector<std::string> all_gather(const std::string& mine) {
  if (!g_started || size() == 1) return {mine};
  const int n = size();
  // Lengths first, then the bytes in chunks below MPI's int count limit.
  std::vector<std::int64_t> lengths(static_cast<std::size_t>(n), 0);
  lengths[static_cast<std::size_t>(rank())] = static_cast<std::int64_t>(mine.size());
  sum_in_place(lengths);
  std::vector<std::string> out(static_cast<std::size_t>(n));
  for (int r = 0; r < n; ++r) out[static_cast<std::size_t>(r)].resize(static_cast<std::size_t>(lengths[r]));
  constexpr std::int64_t kChunk = 1 << 30;
  for (int root = 0; root < n; ++root) {
    std::string& buffer = out[static_cast<std::size_t>(root)];
    if (root == rank()) buffer = mine;
    for (std::int64_t at = 0; at < lengths[root]; at += kChunk) {
      const int count = static_cast<int>(std::min(kChunk, lengths[root] - at));
      check(MPI_Bcast(buffer.data() + at, count, MPI_BYTE, root, MPI_COMM_WORLD), "MPI_Bcast");
    }
  }
  return out;
}

std::string broadcast(const std::string& from_root) {
  if (!g_started || size() == 1) return from_root;
  std::int64_t length = is_root() ? static_cast<std::int64_t>(from_root.size()) : 0;
  check(MPI_Bcast(&length, 1, MPI_INT64_T, 0, MPI_COMM_WORLD), "MPI_Bcast");
  std::string out = is_root() ? from_root : std::string(static_cast<std::size_t>(length), '\0');
  constexpr std::int64_t kChunk = 1 << 30;
  for (std::int64_t at = 0; at < length; at += kChunk)
    check(MPI_Bcast(out.data() + at, static_cast<int>(std::min(kChunk, length - at)), MPI_BYTE, 0, MPI_COMM_WORLD),
          "MPI_Bcast");
  return out;
}

struct WorkQueue::Impl {
  std::int64_t items = 0;
  std::int64_t local = 0;  // the counter itself, without MPI
  MPI_Win window = MPI_WIN_NULL;
  std::int64_t* counter = nullptr;
};

WorkQueue::WorkQueue(std::int64_t items) : impl_(std::make_unique<Impl>()) {
  impl_->items = items;
  if (!g_started) return;
  const MPI_Aint bytes = is_root() ? static_cast<MPI_Aint>(sizeof(std::int64_t)) : 0;
  check(MPI_Win_allocate(bytes, sizeof(std::int64_t), MPI_INFO_NULL, MPI_COMM_WORLD, &impl_->counter, &impl_->window),
        "MPI_Win_allocate");
  if (is_root()) *impl_->counter = 0;
  barrier();  // nobody takes an item before the counter is zero
  check(MPI_Win_lock_all(0, impl_->window), "MPI_Win_lock_all");
}

WorkQueue::~WorkQueue() {
  if (impl_->window == MPI_WIN_NULL) return;
  MPI_Win_unlock_all(impl_->window);
  MPI_Win_free(&impl_->window);
}

std::optional<std::int64_t> WorkQueue::next() {
  std::int64_t taken = 0;
  if (impl_->window == MPI_WIN_NULL) {
    taken = impl_->local++;
  } else {
    const std::int64_t one = 1;
    check(MPI_Fetch_and_op(&one, &taken, MPI_INT64_T, 0, 0, MPI_SUM, impl_->window), "MPI_Fetch_and_op");
    check(MPI_Win_flush(0, impl_->window), "MPI_Win_flush");
  }
  if (taken >= impl_->items) return std::nullopt;
  return taken;
}

#else  // one process: every call is its own identity

Session::Session(int&, char**&) {}
Session::~Session() = default;
int rank() { return 0; }
int size() { return 1; }
std::string library() { return "none"; }
[[noreturn]] void abort_all(int status) { std::exit(status); }
void barrier() {}
void sum_in_place(std::vector<std::int64_t>&) {}
std::int64_t sum(std::int64_t value) { return value; }
std::vector<std::string> all_gather(const std::string& mine) { return {mine}; }
std::string broadcast(const std::string& from_root) { return from_root; }

struct WorkQueue::Impl {
  std::int64_t items = 0, next = 0;
};
WorkQueue::WorkQueue(std::int64_t items) : impl_(std::make_unique<Impl>()) { impl_->items = items; }
WorkQueue::~WorkQueue() = default;
std::optional<std::int64_t> WorkQueue::next() {
  if (impl_->next >= impl_->items) return std::nullopt;
  return impl_->next++;
}

#endif

}  // namespace firmsim::par
