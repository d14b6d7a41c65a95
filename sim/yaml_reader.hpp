// Strict, located reading of YAML documents: every value is fetched through a
// YamlReader, which knows the file name and the dotted key path, so any error
// names file, line and key. Unknown keys are an error (catch typos early):
// call finish() after reading all keys of a mapping.
#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sim/input_error.hpp"

namespace firmsim {

class YamlReader {
 public:
  YamlReader(YAML::Node node, std::string file, std::string path = "");

  // Loads a file; a missing file or a YAML syntax error is an InputError.
  static YamlReader load_file(const std::string& file);

  bool has(const std::string& key) const;
  YamlReader child(const std::string& key) const;  // required mapping or sequence
  std::optional<YamlReader> optional_child(const std::string& key) const;
  std::vector<YamlReader> items() const;  // elements of a sequence
  std::vector<std::string> keys() const;  // keys of a mapping, in order

  double number(const std::string& key) const;
  double number(const std::string& key, double fallback) const;
  double number_in(const std::string& key, double lo, double hi) const;
  double number_in(const std::string& key, double lo, double hi, double fallback) const;
  long integer_in(const std::string& key, long lo, long hi) const;
  long integer_in(const std::string& key, long lo, long hi, long fallback) const;
  bool boolean(const std::string& key) const;
  bool boolean(const std::string& key, bool fallback) const;
  std::string text(const std::string& key) const;
  std::string text(const std::string& key, const std::string& fallback) const;
  std::vector<double> numbers(const std::string& key) const;
  std::vector<std::string> texts(const std::string& key) const;

  // The node itself as a scalar of the given kind (for sequence items).
  double as_number() const;
  std::string as_text() const;

  // Raises for any key of this mapping that was never asked for.
  void finish() const;

  [[noreturn]] void fail(const std::string& key, const std::string& message) const;
  [[noreturn]] void fail_here(const std::string& message) const;

  // Where each key path came from when a document was merged from several
  // files (includes, scenario overlays); errors then name the right file.
  using Origins = std::map<std::string, std::string>;
  void set_origins(std::shared_ptr<const Origins> origins) { origins_ = std::move(origins); }

  const YAML::Node& node() const { return node_; }
  const std::string& file() const { return file_; }
  const std::string& path() const { return path_; }
  int line() const;  // 1-based line of this node, 0 when unknown

 private:
  YAML::Node value(const std::string& key) const;
  std::string key_path(const std::string& key) const;
  int line_of(const std::string& key) const;
  std::string file_of(const std::string& path) const;
  YamlReader make_child(YAML::Node node, std::string path) const;
  std::set<std::string>& seen() const { return (*seen_)[path_]; }

  YAML::Node node_;
  std::string file_;
  std::string path_;
  // Keys asked for, per node path, shared by every reader of one document.
  std::shared_ptr<std::map<std::string, std::set<std::string>>> seen_;
  std::shared_ptr<const Origins> origins_;
};

}  // namespace firmsim
