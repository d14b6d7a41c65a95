// Test helpers: locate tests/data/estimation, read the fixed datasets and the
// statsmodels/scipy reference values written by make_reference.py.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace firmsim::est::testing {

inline std::string data_path(const std::string& file) {
  const char* root = std::getenv("FIRMSIM_SOURCE_DIR");
  return std::string(root ? root : ".") + "/tests/data/estimation/" + file;
}

inline std::vector<std::string> split(const std::string& line, char sep = ',') {
  std::vector<std::string> fields;
  std::stringstream ss(line);
  std::string f;
  while (std::getline(ss, f, sep)) fields.push_back(f);
  return fields;
}

inline double parse(const std::string& s) {
  if (s == "NaN" || s == "nan" || s.empty()) return std::nan("");
  return std::stod(s);
}

// Numeric CSV with a header row -> columns by name.
inline std::map<std::string, std::vector<double>> read_columns(const std::string& file) {
  std::ifstream in(data_path(file));
  if (!in) throw std::runtime_error("cannot open " + data_path(file));
  std::string line;
  std::getline(in, line);
  const std::vector<std::string> header = split(line);
  std::map<std::string, std::vector<double>> cols;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto fields = split(line);
    for (std::size_t j = 0; j < header.size(); ++j) cols[header[j]].push_back(parse(fields.at(j)));
  }
  return cols;
}

// "key,value" reference file.
class Reference {
 public:
  explicit Reference(const std::string& file) {
    std::ifstream in(data_path(file));
    if (!in) throw std::runtime_error("cannot open " + data_path(file));
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
      const auto f = split(line);
      if (f.size() == 2) values_[f[0]] = parse(f[1]);
    }
  }
  double operator[](const std::string& key) const {
    const auto it = values_.find(key);
    if (it == values_.end()) throw std::out_of_range("reference key missing: " + key);
    return it->second;
  }

 private:
  std::map<std::string, double> values_;
};

// |actual - expected| <= rel * |expected| (the tests' 1e-6 relative contract).
inline ::testing::AssertionResult near_relative(double actual, double expected, double rel = 1e-6) {
  if (std::isfinite(actual) && std::fabs(actual - expected) <= rel * std::fabs(expected))
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "actual " << actual << " vs expected " << expected << " (rel. diff "
                                       << std::fabs(actual - expected) / std::fabs(expected) << " > " << rel << ")";
}

}  // namespace firmsim::est::testing
