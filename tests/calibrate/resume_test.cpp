// `firmsim calibrate` as a user runs it: a calibration killed with SIGKILL
// and continued with --resume repeats no finished evaluation and ends at the
// same optimum as an uninterrupted run; bad input is exit status 2.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "calibrate/evaluation_log.hpp"
#include "tests/sim/support.hpp"

namespace firmsim::cal {
namespace {

namespace fs = std::filesystem;

std::string data(const std::string& name) { return testing::source_dir() + "/tests/data/calibrate/" + name; }

std::string arguments(const fs::path& out) {
  return "calibrate " + testing::default_config_path() + " --scenario " + data("short_run.yaml") + " --moments " +
         data("moments.yaml") + " --parameters " + data("parameters.yaml") + " --targets " + testing::source_dir() +
         "/configs/targets/belgium_sme_1998_2005.yaml --firms 3000 --evaluations 24 --batch 4 --threads 1 --out " +
         out.string();
}

int run(const std::string& args) {
  const int raw = std::system((std::string(FIRMSIM_EXE) + " " + args + " > /dev/null 2>&1").c_str());
  return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
}

std::vector<std::string> lines(const fs::path& file) {
  std::ifstream in(file);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// calibrated.yaml without its first line (the command, which names --out).
std::string estimates(const fs::path& dir) {
  std::vector<std::string> l = lines(dir / "calibrated.yaml");
  std::string out;
  for (std::size_t i = 1; i < l.size(); ++i) out += l[i] + "\n";
  return out;
}

// The parameter columns of each logged evaluation (not the seconds).
std::vector<std::string> candidates(const fs::path& dir) {
  std::vector<std::string> out;
  for (const std::string& line : lines(dir / "evaluations.csv")) {
    const std::vector<std::string> f = split_csv_line(line);
    out.push_back(f[1] + "|" + f[3] + "|" + f[4] + "|" + f[5]);  // stage, objective, two parameters
  }
  return out;
}

class CalibrateCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / "firmsim-calibrate-cli";
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  fs::path dir_;
};

TEST_F(CalibrateCli, KilledAndResumedEndsWhereAnUninterruptedRunEnds) {
  ASSERT_EQ(run(arguments(dir_ / "whole")), 0);

  const pid_t child = fork();
  if (child == 0) {
    const std::string args = arguments(dir_ / "killed");
    execl("/bin/sh", "sh", "-c", (std::string("exec ") + FIRMSIM_EXE + " " + args + " > /dev/null 2>&1").c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  // Kill it once a few evaluations are on disk, mid-search.
  const fs::path log = dir_ / "killed" / "evaluations.csv";
  for (int i = 0; i < 6000 && (!fs::exists(log) || lines(log).size() < 7); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the calibration finished before it could be killed";
  const std::size_t logged_before = lines(log).size() - 1;
  ASSERT_FALSE(fs::exists(dir_ / "killed" / "calibrated.yaml"));

  ASSERT_EQ(run(arguments(dir_ / "killed") + " --resume"), 0);
  EXPECT_EQ(estimates(dir_ / "killed"), estimates(dir_ / "whole"));
  EXPECT_EQ(candidates(dir_ / "killed"), candidates(dir_ / "whole"));  // nothing simulated twice, nothing missing
  EXPECT_GE(logged_before, 6u);
}

TEST_F(CalibrateCli, AnExistingLogNeedsResume) {
  fs::create_directories(dir_ / "used");
  std::ofstream(dir_ / "used" / "evaluations.csv") << "evaluation,stage\n";
  EXPECT_EQ(run(arguments(dir_ / "used")), 2);
}

TEST_F(CalibrateCli, BadMomentsFileIsStatus2) {
  const fs::path bad = dir_ / "bad_moments.yaml";
  std::ofstream(bad) << "moments:\n  - {table: table_17, row: nobody, column: total, weight: se}\n";
  std::string args = arguments(dir_ / "out");
  args.replace(args.find(data("moments.yaml")), data("moments.yaml").size(), bad.string());
  EXPECT_EQ(run(args), 2);
  EXPECT_FALSE(fs::exists(dir_ / "out" / "evaluations.csv"));
}

}  // namespace
}  // namespace firmsim::cal
