#include "sim/yaml_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <unordered_map>

#include "sim/limits.hpp"

namespace firmsim {

YamlReader::YamlReader(YAML::Node node, std::string file, std::string path)
    : node_(std::move(node)),
      file_(std::move(file)),
      path_(std::move(path)),
      seen_(std::make_shared<std::map<std::string, std::set<std::string>>>()) {}

YamlReader YamlReader::make_child(YAML::Node node, std::string path) const {
  YamlReader r(std::move(node), file_, std::move(path));
  r.seen_ = seen_;
  r.origins_ = origins_;
  r.file_ = r.file_of(r.path_);
  return r;
}

std::string YamlReader::file_of(const std::string& path) const {
  if (!origins_) return file_;
  std::string best;
  std::size_t best_len = 0;
  bool found = false;
  for (const auto& [prefix, file] : *origins_) {
    const bool matches = prefix.empty() || path == prefix ||
                         (path.size() > prefix.size() && path.compare(0, prefix.size(), prefix) == 0 &&
                          (path[prefix.size()] == '.' || path[prefix.size()] == '['));
    if (matches && (!found || prefix.size() >= best_len)) {
      best = file;
      best_len = prefix.size();
      found = true;
    }
  }
  return found ? best : file_;
}

namespace {

int line_of_mark(const YAML::Mark& mark) { return mark.is_null() ? 0 : mark.line + 1; }

// Walks a loaded document once, before anyone reads it: yaml-cpp shares an
// aliased node rather than copying it, so a few KB of aliases can stand for
// billions of nodes that every later walk (merging, origins) would expand.
// Every visit counts, aliases included, against one budget. Mappings must
// not repeat a key: yaml-cpp keeps both, and which one wins depends on who
// looks, so a repeated key is an error naming both lines.
class DocumentCheck {
 public:
  explicit DocumentCheck(const std::string& file) : file_(file) {}

  void walk(const YAML::Node& node, const std::string& path, int depth) {
    if (++visited_ > limits::kMaxYamlNodes)
      throw InputError(file_, line_of_mark(node.Mark()), path,
                       "the document expands to more than " + std::to_string(limits::kMaxYamlNodes) +
                           " nodes (aliases nested too deeply?)");
    if (depth > kMaxDepth)
      throw InputError(file_, line_of_mark(node.Mark()), path,
                       "nested more than " + std::to_string(kMaxDepth) + " levels deep");
    if (node.IsSequence()) {
      std::size_t i = 0;
      for (const auto& item : node) walk(item, path + "[" + std::to_string(i++) + "]", depth + 1);
    } else if (node.IsMap()) {
      walk_map(node, path, depth);
    }
  }

 private:
  static constexpr int kMaxDepth = 64;

  void walk_map(const YAML::Node& node, const std::string& path, int depth) {
    std::unordered_map<std::string, int> lines;  // key -> line of its first occurrence
    for (const auto& kv : node) {
      const int line = line_of_mark(kv.first.Mark());
      if (!kv.first.IsScalar()) throw InputError(file_, line, path, "a key must be plain text");
      const std::string& key = kv.first.Scalar();
      const std::string child = path.empty() ? key : path + "." + key;
      const auto [first, fresh] = lines.emplace(key, line);
      if (!fresh)
        throw InputError(
            file_, line, child,
            "duplicate key: also defined at line " + std::to_string(first->second) + " of the same mapping");
      walk(kv.second, child, depth + 1);
    }
  }

  const std::string& file_;
  std::int64_t visited_ = 0;
};

}  // namespace

namespace {

// The whole of a regular file, opened without blocking: a FIFO, a device or
// a socket given as a config would otherwise block the open (or the read)
// forever, so the file is opened O_NONBLOCK and refused unless fstat says it
// is a regular file. A symlink loop or any other error of the path is an
// InputError naming it.
std::string read_regular_file(const std::string& file) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT) throw InputError(file, 0, "", "cannot open file: no such file");
    if (err == ELOOP) throw InputError(file, 0, "", "cannot open file: a loop of symbolic links");
    throw InputError(file, 0, "", std::string("cannot open file: ") + std::strerror(err));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    const bool dir = S_ISDIR(st.st_mode);
    ::close(fd);
    throw InputError(file, 0, "", dir ? "is a directory, expected a YAML file"
                                      : "is not a regular file (a FIFO, device or socket?), expected a YAML file");
  }
  std::string text;
  char buf[65536];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      throw InputError(file, 0, "", "cannot read file");
    }
    text.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return text;
}

// The 1-based line where a document after the first starts: its root's mark,
// or else the first `---` or `...` line after the first document's content.
int second_document_line(const std::string& text, const YAML::Node& second) {
  if (!second.Mark().is_null() && second.Mark().line >= 0) {
    // The mark is the node's; the separator is usually the line before it.
    int line = second.Mark().line + 1;
    std::istringstream in(text);
    std::string l;
    int n = 0, separator = 0;
    while (std::getline(in, l) && ++n < line)
      if (l.rfind("---", 0) == 0 || l.rfind("...", 0) == 0) separator = n;
    return separator > 0 ? separator : line;
  }
  std::istringstream in(text);
  std::string l;
  int n = 0, last = 0;
  while (std::getline(in, l)) {
    ++n;
    if (l.rfind("---", 0) == 0 || l.rfind("...", 0) == 0) last = n;
  }
  return last;
}

}  // namespace

YamlReader YamlReader::load_file(const std::string& file) {
  const std::string text = read_regular_file(file);
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(text);
  } catch (const YAML::Exception& e) {
    throw InputError(file, e.mark.line + 1, "", "YAML syntax error: " + e.msg);
  }
  // yaml-cpp's Load keeps the first document and drops the rest: a second
  // document (after `---`, or junk after `...`) would be silently ignored.
  if (documents.size() > 1)
    throw InputError(file, second_document_line(text, documents[1]), "",
                     "a second YAML document (after '---' or '...'): a config is one document");
  const YAML::Node root = documents.empty() ? YAML::Node() : documents.front();
  DocumentCheck(file).walk(root, "", 0);
  return YamlReader(root, file);
}

std::string YamlReader::key_path(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

int YamlReader::line() const {
  const auto mark = node_.Mark();
  return mark.is_null() ? 0 : mark.line + 1;
}

int YamlReader::line_of(const std::string& key) const {
  if (node_.IsMap()) {
    for (const auto& kv : node_) {
      if (kv.first.Scalar() == key) {
        const auto mark = kv.first.Mark();
        return mark.is_null() ? line() : mark.line + 1;
      }
    }
  }
  return line();
}

void YamlReader::fail(const std::string& key, const std::string& message) const {
  throw InputError(file_of(key_path(key)), line_of(key), key_path(key), message);
}

void YamlReader::fail_here(const std::string& message) const { throw InputError(file_, line(), path_, message); }

bool YamlReader::has(const std::string& key) const {
  return node_.IsMap() && node_[key].IsDefined() && !node_[key].IsNull();
}

YAML::Node YamlReader::value(const std::string& key) const {
  if (!node_.IsMap()) fail_here("expected a mapping");
  seen().insert(key);
  YAML::Node v = node_[key];
  if (!v.IsDefined() || v.IsNull()) fail(key, "required key is missing");
  return v;
}

YamlReader YamlReader::child(const std::string& key) const {
  YAML::Node v = value(key);
  return make_child(v, key_path(key));
}

std::optional<YamlReader> YamlReader::optional_child(const std::string& key) const {
  if (node_.IsMap()) seen().insert(key);
  if (!has(key)) return std::nullopt;
  return child(key);
}

std::vector<YamlReader> YamlReader::items() const {
  if (!node_.IsSequence()) fail_here("expected a list");
  std::vector<YamlReader> out;
  for (std::size_t i = 0; i < node_.size(); ++i)
    out.push_back(make_child(node_[i], path_ + "[" + std::to_string(i) + "]"));
  return out;
}

std::vector<std::string> YamlReader::keys() const {
  if (!node_.IsMap()) fail_here("expected a mapping");
  std::vector<std::string> out;
  for (const auto& kv : node_) out.push_back(kv.first.Scalar());
  return out;
}

static bool parse_number(const YAML::Node& v, double& out) {
  if (!v.IsScalar()) return false;
  try {
    out = v.as<double>();
  } catch (const YAML::Exception&) {
    return false;
  }
  return std::isfinite(out);
}

double YamlReader::number(const std::string& key) const {
  double out = 0;
  if (!parse_number(value(key), out)) fail(key, "expected a finite number");
  return out;
}

double YamlReader::number(const std::string& key, double fallback) const {
  seen().insert(key);
  return has(key) ? number(key) : fallback;
}

static std::string range_text(double lo, double hi) {
  std::ostringstream s;
  s << "[" << lo << ", " << hi << "]";
  return s.str();
}

double YamlReader::number_in(const std::string& key, double lo, double hi) const {
  const double v = number(key);
  if (v < lo || v > hi) {
    std::ostringstream s;
    s << "value " << v << " is out of range " << range_text(lo, hi);
    fail(key, s.str());
  }
  return v;
}

double YamlReader::number_in(const std::string& key, double lo, double hi, double fallback) const {
  seen().insert(key);
  return has(key) ? number_in(key, lo, hi) : fallback;
}

long YamlReader::integer_in(const std::string& key, long lo, long hi) const {
  const double v = number_in(key, static_cast<double>(lo), static_cast<double>(hi));
  if (v != std::floor(v)) fail(key, "expected a whole number");
  return static_cast<long>(v);
}

long YamlReader::integer_in(const std::string& key, long lo, long hi, long fallback) const {
  seen().insert(key);
  return has(key) ? integer_in(key, lo, hi) : fallback;
}

bool YamlReader::boolean(const std::string& key) const {
  const YAML::Node v = value(key);
  try {
    if (v.IsScalar()) return v.as<bool>();
  } catch (const YAML::Exception&) {
  }
  fail(key, "expected true or false");
}

bool YamlReader::boolean(const std::string& key, bool fallback) const {
  seen().insert(key);
  return has(key) ? boolean(key) : fallback;
}

std::string YamlReader::text(const std::string& key) const {
  const YAML::Node v = value(key);
  if (!v.IsScalar()) fail(key, "expected a text value");
  return v.Scalar();
}

std::string YamlReader::text(const std::string& key, const std::string& fallback) const {
  seen().insert(key);
  return has(key) ? text(key) : fallback;
}

std::vector<double> YamlReader::numbers(const std::string& key) const {
  std::vector<double> out;
  for (const auto& item : child(key).items()) out.push_back(item.as_number());
  return out;
}

std::vector<std::string> YamlReader::texts(const std::string& key) const {
  std::vector<std::string> out;
  for (const auto& item : child(key).items()) out.push_back(item.as_text());
  return out;
}

double YamlReader::as_number() const {
  double out = 0;
  if (!parse_number(node_, out)) fail_here("expected a finite number");
  return out;
}

std::string YamlReader::as_text() const {
  if (!node_.IsScalar()) fail_here("expected a text value");
  return node_.Scalar();
}

void YamlReader::finish() const {
  if (!node_.IsMap()) return;
  for (const auto& kv : node_) {
    const std::string k = kv.first.Scalar();
    if (!seen().count(k)) {
      const auto mark = kv.first.Mark();
      throw InputError(file_of(key_path(k)), mark.is_null() ? line() : mark.line + 1, key_path(k), "unknown key");
    }
  }
}

}  // namespace firmsim
