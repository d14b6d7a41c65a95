#include "calibrate/evaluation_log.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "sim/input_error.hpp"

namespace firmsim::cal {

namespace {

constexpr int kLeadingColumns = 4;  // evaluation, stage, seconds, objective

std::string number(double x) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", x);
  return buf;
}

double parse_number(const std::string& path, int line, const std::string& column, const std::string& text) {
  char* end = nullptr;
  errno = 0;
  const double x = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || errno == ERANGE)
    throw InputError(path, line, column, "'" + text + "' is not a number");
  return x;  // nan ("nan") is allowed: a moment that could not be measured
}

}  // namespace

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

EvaluationLog::EvaluationLog(std::string path, std::vector<std::string> parameters, std::vector<std::string> moments,
                             bool resume)
    : path_(std::move(path)), parameters_(std::move(parameters)), moments_(std::move(moments)) {
  const bool exists = std::filesystem::exists(path_);
  if (exists && !resume)
    throw InputError(path_, 0, "--resume",
                     "an evaluations log exists already: continue it with --resume, or choose another --out");
  if (exists) read_existing();
  file_ = std::fopen(path_.c_str(), exists ? "a" : "w");
  if (!file_)
    throw InputError(path_, 0, "--out", std::string("cannot write the evaluations log: ") + std::strerror(errno));
  if (!exists) {
    std::fputs((header() + "\n").c_str(), file_);
    std::fflush(file_);
    fsync(fileno(file_));
  }
}

std::shared_ptr<EvaluationLog> EvaluationLog::reader(std::string path, std::vector<std::string> parameters,
                                                     std::vector<std::string> moments) {
  std::shared_ptr<EvaluationLog> log(new EvaluationLog());
  log->path_ = std::move(path);
  log->parameters_ = std::move(parameters);
  log->moments_ = std::move(moments);
  if (std::filesystem::exists(log->path_)) log->read_existing();
  return log;
}

EvaluationLog::~EvaluationLog() {
  if (file_) std::fclose(file_);
}

std::string EvaluationLog::header() const {
  std::string h = "evaluation,stage,seconds,objective";
  for (const std::string& p : parameters_) h += "," + csv_field(p);
  for (const std::string& m : moments_) h += "," + csv_field(m);
  return h;
}

// Reads the finished evaluations; a last line cut by a kill is dropped (and
// truncated away) so the log stays a valid CSV.
void EvaluationLog::read_existing() {
  std::ifstream in(path_, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  const std::size_t complete = text.rfind('\n');
  if (complete == std::string::npos) throw InputError(path_, 1, "header", "the evaluations log has no header line");
  if (complete + 1 != text.size()) {
    std::cerr << "firmsim calibrate: dropping an unfinished last line of " << path_ << "\n";
    text.resize(complete + 1);
    std::filesystem::resize_file(path_, text.size());
  }
  std::istringstream lines(text);
  std::string line;
  std::getline(lines, line);
  if (line != header())
    throw InputError(path_, 1, "header",
                     "this log was written for other parameters or moments; use another --out to start afresh");
  const std::size_t width = kLeadingColumns + parameters_.size() + moments_.size();
  int number_of_line = 1;
  while (std::getline(lines, line)) {
    ++number_of_line;
    const std::vector<std::string> f = split_csv_line(line);
    if (f.size() != width)
      throw InputError(path_, number_of_line, "",
                       "expected " + std::to_string(width) + " fields, found " + std::to_string(f.size()));
    LoggedEvaluation e;
    e.stage = f[1];
    e.seconds = parse_number(path_, number_of_line, "seconds", f[2]);
    e.objective = parse_number(path_, number_of_line, "objective", f[3]);
    for (std::size_t i = 0; i < parameters_.size(); ++i)
      e.theta.push_back(parse_number(path_, number_of_line, parameters_[i], f[kLeadingColumns + i]));
    for (std::size_t k = 0; k < moments_.size(); ++k)
      e.moments.push_back(
          parse_number(path_, number_of_line, moments_[k], f[kLeadingColumns + parameters_.size() + k]));
    previous_.push_back(std::move(e));
  }
  count_ = static_cast<int>(previous_.size());
}

void EvaluationLog::append(const LoggedEvaluation& e) {
  if (!file_) return;  // a reader
  std::string line =
      std::to_string(++count_) + "," + csv_field(e.stage) + "," + number(e.seconds) + "," + number(e.objective);
  for (double x : e.theta) line += "," + number(x);
  for (double x : e.moments) line += "," + number(x);
  line += "\n";
  if (std::fputs(line.c_str(), file_) < 0 || std::fflush(file_) != 0 || fsync(fileno(file_)) != 0)
    throw std::runtime_error("cannot append to " + path_ + ": " + std::strerror(errno));
}

}  // namespace firmsim::cal
