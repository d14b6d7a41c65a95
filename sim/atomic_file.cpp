#include "sim/atomic_file.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "sim/input_error.hpp"

namespace firmsim {

namespace fs = std::filesystem;

std::string temporary_path(const std::string& path) { return path + ".tmp-" + std::to_string(::getpid()); }

void write_file_atomically(const std::string& path, const std::string& text) {
  const std::string tmp = temporary_path(path);
  std::error_code ec;
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) throw InputError(path, 0, "", "cannot write file");
    f << text;
    f.close();
    if (!f) {
      fs::remove(tmp, ec);
      throw InputError(path, 0, "", "write failed (disk full?)");
    }
  }
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw InputError(path, 0, "", "cannot move the file into place");
  }
}

}  // namespace firmsim
