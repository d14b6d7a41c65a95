// Checkpoints of a running simulation: the engine's state (every array of
// FIRMSIM_FIRM_STATE), the panel recorded so far and the year summaries,
// written atomically into one file so that a killed run can go on from the
// last one and write the same panel, byte for byte, as an uninterrupted run.
#pragma once

#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

namespace firmsim {

class Simulation;

// The checkpoint's file name inside a run directory.
constexpr const char* kCheckpointFile = "checkpoint.firmsim";

// Writes `sim`'s state after its last year to `path` atomically. `run_key`
// says how the run was started (the command line that resumes it).
void save_checkpoint(const Simulation& sim, const std::string& run_key, const std::string& path);
// The run key stored in a checkpoint (InputError naming the file when it is
// missing, truncated or corrupt).
std::string checkpoint_run_key(const std::string& path);
// Restores `sim` (built from the same run key) to the checkpointed year.
void load_checkpoint(Simulation& sim, const std::string& path);

// Little binary helpers shared by Simulation's state writer and reader.
namespace bytes {
inline void put(std::string& out, const void* data, std::size_t n) { out.append(static_cast<const char*>(data), n); }
template <class T>
void put_value(std::string& out, const T& v) {
  static_assert(std::is_trivially_copyable<T>::value, "raw bytes only for plain values");
  put(out, &v, sizeof v);
}
template <class T>
void put_vector(std::string& out, const std::vector<T>& v) {
  put_value(out, static_cast<std::uint64_t>(v.size()));
  if (!v.empty()) put(out, v.data(), v.size() * sizeof(T));
}
// Text as its length and bytes (the same layout as a vector of char).
inline void put_string(std::string& out, const std::string& s) {
  put_value(out, static_cast<std::uint64_t>(s.size()));
  put(out, s.data(), s.size());
}
// Readers throw std::runtime_error (ends_early()) when the bytes run out.
[[noreturn]] void ends_early();
void get(const std::string& in, std::size_t& offset, void* data, std::size_t n);
template <class T>
void get_value(const std::string& in, std::size_t& offset, T& v) {
  static_assert(std::is_trivially_copyable<T>::value, "raw bytes only for plain values");
  get(in, offset, &v, sizeof v);
}
template <class T>
void get_vector(const std::string& in, std::size_t& offset, std::vector<T>& v) {
  std::uint64_t n = 0;
  get_value(in, offset, n);
  if (n > (in.size() - offset) / sizeof(T)) ends_early();
  v.resize(n);
  if (n) get(in, offset, v.data(), n * sizeof(T));
}
inline void get_string(const std::string& in, std::size_t& offset, std::string& s) {
  std::vector<char> chars;
  get_vector(in, offset, chars);
  s.assign(chars.begin(), chars.end());
}
}  // namespace bytes

}  // namespace firmsim
