#include "sim/atomic_file.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <streambuf>
#include <vector>

#include "sim/input_error.hpp"

namespace firmsim {

namespace fs = std::filesystem;

namespace {

constexpr const char* kTemporaryTag = ".tmp-";

// The fault-injection hook: the bytes the simulated disk still takes.
struct DiskBudget {
  bool limited = false;
  std::atomic<long long> left{0};
  DiskBudget() {
    const char* v = std::getenv("FIRMSIM_FAULT_DISK_BYTES");
    limited = v && *v;
    left = limited ? std::atoll(v) : 0;
  }
};

// How many of `len` bytes the (simulated) disk accepts.
std::size_t disk_accepts(std::size_t len) {
  static DiskBudget budget;
  if (!budget.limited) return len;
  const long long left = budget.left.fetch_sub(static_cast<long long>(len));
  if (left <= 0) return 0;
  return static_cast<std::size_t>(std::min<long long>(left, static_cast<long long>(len)));
}

bool process_alive(long pid) { return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM; }

}  // namespace

// A streambuf over a file descriptor that checks every write(2).
struct OutputFile::Buffer : std::streambuf {
  int fd = -1;
  bool failed = false;
  int error = 0;
  std::uint64_t written = 0;
  uLong crc = ::crc32(0L, Z_NULL, 0);
  std::vector<char> space = std::vector<char>(1 << 16);

  Buffer() { setp(space.data(), space.data() + space.size()); }

  bool drain() {
    const char* p = pbase();
    std::size_t left = static_cast<std::size_t>(pptr() - pbase());
    crc = ::crc32_z(crc, reinterpret_cast<const Bytef*>(p), left);
    written += left;
    while (left > 0 && !failed) {
      const std::size_t allowed = disk_accepts(left);
      const ssize_t n = allowed == 0 ? -1 : ::write(fd, p, allowed);
      if (allowed == 0) errno = ENOSPC;
      if (n < 0) {
        if (errno == EINTR) continue;
        failed = true;
        error = errno;
        break;
      }
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    setp(space.data(), space.data() + space.size());
    return !failed;
  }
  int_type overflow(int_type ch) override {
    if (!drain()) return traits_type::eof();
    if (traits_type::eq_int_type(ch, traits_type::eof())) return traits_type::not_eof(ch);
    *pptr() = traits_type::to_char_type(ch);
    pbump(1);
    return ch;
  }
  int sync() override { return drain() ? 0 : -1; }
};

OutputFile::OutputFile(const std::string& path) : path_(path), buffer_(std::make_unique<Buffer>()) {
  buffer_->fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (buffer_->fd < 0) throw InputError(path, 0, "", std::string("cannot write file: ") + std::strerror(errno));
  stream_ = std::make_unique<std::ostream>(buffer_.get());
}

OutputFile::~OutputFile() {
  if (buffer_ && buffer_->fd >= 0) ::close(buffer_->fd);
}

std::ostream& OutputFile::stream() { return *stream_; }
bool OutputFile::good() const { return !buffer_->failed && stream_->good(); }
std::uint64_t OutputFile::bytes() const { return buffer_->written; }
std::uint32_t OutputFile::crc32() const { return static_cast<std::uint32_t>(buffer_->crc); }

void OutputFile::close() {
  stream_->flush();
  const bool ok = good();
  const int error = buffer_->error;
  const int rc = ::close(buffer_->fd);
  buffer_->fd = -1;
  if (!ok || rc != 0)
    throw InputError(path_, 0, "",
                     std::string("write failed: ") + std::strerror(error ? error : errno) +
                         " (nothing was put under the final name)");
}

std::string temporary_path(const std::string& path) { return path + kTemporaryTag + std::to_string(::getpid()); }

int remove_stale_temporaries(const std::string& dir) {
  int removed = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    const auto tag = name.rfind(kTemporaryTag);
    if (tag == std::string::npos) continue;
    const std::string pid = name.substr(tag + std::strlen(kTemporaryTag));
    if (pid.empty() || pid.size() > 9 || pid.find_first_not_of("0123456789") != std::string::npos) continue;
    if (process_alive(std::stol(pid)) && std::stol(pid) != static_cast<long>(::getpid())) continue;
    std::error_code rm;
    if (entry.is_regular_file(rm) && fs::remove(entry.path(), rm)) ++removed;
  }
  return removed;
}

void rename_into_place(const std::string& temporary, const std::string& path) {
  std::error_code ec;
  fs::rename(temporary, path, ec);
  if (ec) {
    std::error_code rm;
    fs::remove(temporary, rm);
    throw InputError(path, 0, "", "cannot move the file into place: " + ec.message());
  }
}

void write_file_atomically(const std::string& path, const std::string& text) {
  const std::string tmp = temporary_path(path);
  try {
    OutputFile f(tmp);
    f.stream().write(text.data(), static_cast<std::streamsize>(text.size()));
    f.close();
  } catch (...) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw;
  }
  rename_into_place(tmp, path);
}

bool file_crc32(const std::string& path, std::uint32_t& crc, std::uint64_t& bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  uLong c = ::crc32(0L, Z_NULL, 0);
  bytes = 0;
  std::vector<char> block(1 << 20);
  while (in) {
    in.read(block.data(), static_cast<std::streamsize>(block.size()));
    const auto n = static_cast<std::size_t>(in.gcount());
    c = ::crc32_z(c, reinterpret_cast<const Bytef*>(block.data()), n);
    bytes += n;
  }
  if (in.bad()) return false;
  crc = static_cast<std::uint32_t>(c);
  return true;
}

}  // namespace firmsim
