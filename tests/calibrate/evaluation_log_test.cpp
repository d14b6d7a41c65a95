// The evaluations log: exact round trip of every number, a line cut by a
// kill is dropped, and a log of another calibration is refused.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "calibrate/evaluation_log.hpp"
#include "calibrate/evaluator.hpp"
#include "sim/input_error.hpp"

namespace firmsim::cal {
namespace {

std::string fresh_path(const std::string& name) {
  const std::string path = (std::filesystem::temp_directory_path() / name).string();
  std::filesystem::remove(path);
  return path;
}

TEST(EvaluationLog, NumbersRoundTripExactly) {
  const std::string path = fresh_path("log_roundtrip.csv");
  const std::vector<double> theta{0.1 + 0.2, 123456.78901234567, 1e-300};
  {
    EvaluationLog log(path, {"a.x", "b,y", "c"}, {"t/r/\"c\"", "m2"}, false);
    log.append({"global", 1.5, 42.0, theta, {0.25, std::nan("")}});
  }
  EvaluationLog again(path, {"a.x", "b,y", "c"}, {"t/r/\"c\"", "m2"}, true);
  ASSERT_EQ(again.previous().size(), 1u);
  const LoggedEvaluation& e = again.previous()[0];
  EXPECT_EQ(e.stage, "global");
  EXPECT_EQ(theta_key(e.theta), theta_key(theta));  // bit for bit
  EXPECT_EQ(e.moments[0], 0.25);
  EXPECT_TRUE(std::isnan(e.moments[1]));
}

TEST(EvaluationLog, ACutLastLineIsDropped) {
  const std::string path = fresh_path("log_cut.csv");
  {
    EvaluationLog log(path, {"p"}, {"m"}, false);
    log.append({"start", 1, 2, {3}, {4}});
  }
  std::ofstream(path, std::ios::app) << "2,global,1,2,";  // killed mid-line
  EvaluationLog again(path, {"p"}, {"m"}, true);
  EXPECT_EQ(again.previous().size(), 1u);
  again.append({"global", 1, 5, {6}, {7}});
  EvaluationLog third(path, {"p"}, {"m"}, true);
  ASSERT_EQ(third.previous().size(), 2u);
  EXPECT_EQ(third.previous()[1].objective, 5);
}

TEST(EvaluationLog, AnotherCalibrationsLogIsRefused) {
  const std::string path = fresh_path("log_other.csv");
  { EvaluationLog log(path, {"p"}, {"m"}, false); }
  EXPECT_THROW(EvaluationLog(path, {"q"}, {"m"}, true), InputError);
  EXPECT_THROW(EvaluationLog(path, {"p"}, {"m"}, false), InputError);  // exists, no --resume
}

TEST(EvaluationLog, CsvFieldsSplitBack) {
  const std::vector<std::string> fields{"plain", "with,comma", "with \"quote\"", ""};
  std::string line;
  for (std::size_t i = 0; i < fields.size(); ++i) line += (i ? "," : "") + csv_field(fields[i]);
  EXPECT_EQ(split_csv_line(line), fields);
}

}  // namespace
}  // namespace firmsim::cal
