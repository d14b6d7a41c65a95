// Writing files so that readers never see half of one: the bytes go to a
// temporary name in the same directory, every write is checked, and the file
// is renamed into place only when complete. Shared by the panel writers
// (sim/) and the reports (estimation/).
#pragma once

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>

namespace firmsim {

// The temporary name a file is written under before it is renamed to `path`:
// `path.tmp-PID`, so that the next run can tell a dead run's leftovers.
std::string temporary_path(const std::string& path);

// Removes the leftovers of killed runs from `dir`: files named `*.tmp-PID`
// whose process is gone. Returns how many were removed.
int remove_stale_temporaries(const std::string& dir);

// A file opened for writing whose every write is checked (a full disk is an
// InputError naming the path at close(), never a silently short file), with
// the size and CRC-32 of what was written, for the panel's manifest.
//
// Test hook: when $FIRMSIM_FAULT_DISK_BYTES is set to N, all files written by
// the process together may hold only N bytes; beyond that, writes fail as on
// a full disk (ENOSPC).
class OutputFile {
 public:
  explicit OutputFile(const std::string& path);  // throws InputError when it cannot be created
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  std::ostream& stream();
  bool good() const;
  // Flushes and closes; throws InputError naming the path if any write failed.
  void close();
  std::uint64_t bytes() const;
  std::uint32_t crc32() const;

 private:
  struct Buffer;
  std::string path_;
  std::unique_ptr<Buffer> buffer_;
  std::unique_ptr<std::ostream> stream_;
};

// Renames a complete temporary into place; throws InputError naming `path`.
void rename_into_place(const std::string& temporary, const std::string& path);

// Writes `text` to `path` atomically; throws InputError naming the path.
void write_file_atomically(const std::string& path, const std::string& text);

// CRC-32 (zlib's) of a file's bytes, and its size; false if unreadable.
bool file_crc32(const std::string& path, std::uint32_t& crc, std::uint64_t& bytes);

}  // namespace firmsim
