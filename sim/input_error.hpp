// Errors the user can cause (bad YAML, out-of-range value, missing file,
// unwritable output, population too large). The CLI prints what() once and
// exits with status 2; nothing half-written is left behind.
#pragma once

#include <stdexcept>
#include <string>

namespace firmsim {

class InputError : public std::runtime_error {
 public:
  // file and line locate the offending input (line 0 = not known); key is the
  // dotted path of the YAML key or the name of the column or option.
  InputError(std::string file, int line, std::string key, const std::string& message)
      : std::runtime_error(format(file, line, key, message)),
        file_(std::move(file)),
        line_(line),
        key_(std::move(key)) {}

  const std::string& file() const { return file_; }
  int line() const { return line_; }
  const std::string& key() const { return key_; }

 private:
  static std::string format(const std::string& file, int line, const std::string& key, const std::string& message) {
    std::string where = file;
    if (line > 0) where += ":" + std::to_string(line);
    if (!key.empty()) where += ": key '" + key + "'";
    return where + ": " + message;
  }
  std::string file_;
  int line_;
  std::string key_;
};

}  // namespace firmsim
