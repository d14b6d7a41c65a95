#include "sim/checkpoint.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "sim/atomic_file.hpp"
#include "sim/input_error.hpp"
#include "sim/simulation.hpp"

namespace firmsim {

namespace {

// Version 2: the per-market state in a pool of market rows (kernels/README.md).
const std::string kFamily = "firmsim-checkpoint-";
const std::string kMagic = kFamily + "2\n";

// FNV-1a over the file's body: a torn or edited checkpoint is refused.
std::uint64_t checksum(const std::string& s, std::size_t n) {
  std::uint64_t h = 1469598103934665603ull;
  for (std::size_t k = 0; k < n; ++k) {
    h ^= static_cast<unsigned char>(s[k]);
    h *= 1099511628211ull;
  }
  return h;
}

// The file's bytes after the checks; `offset` is left after the run key.
std::string read_verified(const std::string& path, std::string& run_key, std::size_t& offset) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw InputError(path, 0, "", "no checkpoint to resume from (run with --checkpoint-every K first)");
  std::ostringstream text;
  text << f.rdbuf();
  const std::string in = text.str();
  std::uint64_t stored = 0;
  if (in.size() >= kMagic.size() && in.compare(0, kFamily.size(), kFamily) == 0 &&
      in.compare(0, kMagic.size(), kMagic) != 0)
    throw InputError(path, 0, "",
                     "checkpoint written by another version of firmsim (its state layout differs): "
                     "run again without resuming");
  if (in.size() < kMagic.size() + sizeof stored || in.compare(0, kMagic.size(), kMagic) != 0)
    throw InputError(path, 0, "", "not a firmsim checkpoint");
  std::copy(in.end() - sizeof stored, in.end(), reinterpret_cast<char*>(&stored));
  if (stored != checksum(in, in.size() - sizeof stored))
    throw InputError(path, 0, "", "checkpoint is corrupt (checksum mismatch)");
  offset = kMagic.size();
  try {
    bytes::get_string(in, offset, run_key);
  } catch (const std::runtime_error& e) {
    throw InputError(path, 0, "", std::string("checkpoint is unreadable: ") + e.what());
  }
  return in.substr(0, in.size() - sizeof stored);
}

}  // namespace

namespace bytes {
void ends_early() { throw std::runtime_error("checkpoint ends early"); }

void get(const std::string& in, std::size_t& offset, void* data, std::size_t n) {
  if (n > in.size() || offset > in.size() - n) ends_early();
  std::copy(in.data() + offset, in.data() + offset + n, static_cast<char*>(data));
  offset += n;
}
}  // namespace bytes

void save_checkpoint(const Simulation& sim, const std::string& run_key, const std::string& path) {
  std::string out = kMagic;
  bytes::put_string(out, run_key);
  sim.save_state(out);
  bytes::put_value(out, checksum(out, out.size()));
  write_file_atomically(path, out);
}

std::string checkpoint_run_key(const std::string& path) {
  std::string key;
  std::size_t offset = 0;
  read_verified(path, key, offset);
  return key;
}

void load_checkpoint(Simulation& sim, const std::string& path) {
  std::string key;
  std::size_t offset = 0;
  const std::string in = read_verified(path, key, offset);
  try {
    sim.load_state(in, offset);
  } catch (const std::runtime_error& e) {
    throw InputError(path, 0, "", std::string("cannot resume: ") + e.what());
  }
  if (offset != in.size()) throw InputError(path, 0, "", "cannot resume: checkpoint has trailing bytes");
}

}  // namespace firmsim
