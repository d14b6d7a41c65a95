// `firmsim calibrate` as a user runs it: a calibration killed with SIGKILL
// and continued with --resume repeats no finished evaluation and ends at the
// same optimum as an uninterrupted run; bad input is exit status 2.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
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
    // One directory per test: ctest -j runs the tests of this suite as
    // separate processes at the same time.
    dir_ = fs::temp_directory_path() /
           ("firmsim-calibrate-cli-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
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

// The settings an evaluation depends on are kept beside the log; a resume
// with another population, seed or config is refused before anything moves.
TEST_F(CalibrateCli, ResumeWithOtherSettingsIsRefused) {
  const std::string args = arguments(dir_ / "log");
  ASSERT_EQ(run(args), 0);
  const std::vector<std::string> logged = lines(dir_ / "log" / "evaluations.csv");
  const std::vector<std::string> settings = lines(dir_ / "log" / "settings.txt");
  std::string other_firms = args;
  other_firms.replace(other_firms.find("--firms 3000"), 12, "--firms 2000");
  EXPECT_EQ(run(other_firms + " --resume"), 2);
  EXPECT_EQ(run(args + " --seed 7 --resume"), 2);
  EXPECT_EQ(run(args + " --scenario " + testing::source_dir() + "/scenarios/no_learning.yaml --resume"), 2);
  EXPECT_EQ(run(args + " --screen-firms 1000 --resume"), 2);
  EXPECT_EQ(run(args + " --weighting efficient --resume"), 2);
  EXPECT_EQ(lines(dir_ / "log" / "evaluations.csv"), logged);
  EXPECT_EQ(lines(dir_ / "log" / "settings.txt"), settings);
  std::string bigger_budget = args;  // the same problem, searched longer
  bigger_budget.replace(bigger_budget.find("--evaluations 24"), 16, "--evaluations 26");
  EXPECT_EQ(run(bigger_budget + " --resume"), 0);
}

TEST_F(CalibrateCli, ALogWithoutItsSettingsIsRefused) {
  ASSERT_EQ(run(arguments(dir_ / "log")), 0);
  fs::remove(dir_ / "log" / "settings.txt");
  EXPECT_EQ(run(arguments(dir_ / "log") + " --resume"), 2);
}

// Logged candidates of one file as "objective|parameters...", by stage.
std::vector<std::vector<std::string>> logged_rows(const fs::path& file) {
  std::vector<std::vector<std::string>> out;
  const std::vector<std::string> l = lines(file);
  for (std::size_t i = 1; i < l.size(); ++i) out.push_back(split_csv_line(l[i]));
  return out;
}

// Multi-fidelity: the swarm runs on the small world, its best candidates are
// evaluated again at full size, and a resumed screened run ends where an
// uninterrupted one does.
TEST_F(CalibrateCli, ScreenedSwarmPromotesItsBestCandidates) {
  const std::string args = arguments(dir_ / "whole") + " --screen-firms 1000 --promote 3";
  ASSERT_EQ(run(args), 0);
  const auto screened = logged_rows(dir_ / "whole" / "screening.csv");
  const auto full = logged_rows(dir_ / "whole" / "evaluations.csv");
  ASSERT_GE(screened.size(), 40u);  // 70% of 24 evaluations x 3 (the size ratio)
  // The three best screened candidates (objective column 3, parameters 4-5).
  std::vector<std::pair<double, std::string>> ranked;
  for (const auto& r : screened) ranked.emplace_back(std::stod(r[3]), r[4] + "|" + r[5]);
  std::sort(ranked.begin(), ranked.end());
  std::vector<std::string> best{ranked[0].second, ranked[1].second, ranked[2].second};
  std::vector<std::string> promoted;
  for (const auto& r : full)
    if (r[1] == "promoted") promoted.push_back(r[4] + "|" + r[5]);
  std::sort(best.begin(), best.end());
  std::sort(promoted.begin(), promoted.end());
  EXPECT_EQ(promoted, best);
  for (const auto& r : full) EXPECT_NE(r[1], "global") << "no swarm evaluation at full size";

  // Cut both logs as a kill would leave them, and resume.
  fs::create_directories(dir_ / "cut");
  fs::copy_file(dir_ / "whole" / "settings.txt", dir_ / "cut" / "settings.txt");
  for (const auto& [file, keep] : {std::pair<std::string, std::size_t>{"screening.csv", 17}, {"evaluations.csv", 2}}) {
    const std::vector<std::string> l = lines(dir_ / "whole" / file);
    std::ofstream out(dir_ / "cut" / file);
    for (std::size_t i = 0; i < keep; ++i) out << l[i] << "\n";
  }
  std::string resumed = args;
  resumed.replace(resumed.find((dir_ / "whole").string()), (dir_ / "whole").string().size(), (dir_ / "cut").string());
  ASSERT_EQ(run(resumed + " --resume"), 0);
  EXPECT_EQ(estimates(dir_ / "cut"), estimates(dir_ / "whole"));
  EXPECT_EQ(candidates(dir_ / "cut"), candidates(dir_ / "whole"));
}

TEST_F(CalibrateCli, ScreeningOptionsNeedASmallerWorld) {
  EXPECT_EQ(run(arguments(dir_ / "a") + " --screen-firms 3000"), 2);
  EXPECT_EQ(run(arguments(dir_ / "b") + " --promote 3"), 2);
  EXPECT_FALSE(fs::exists(dir_ / "a" / "evaluations.csv"));
}

// Gauss-Newton's Jacobian options: a step in (0, 0.25] of each range, and
// only with Gauss-Newton; a refusal writes nothing.
TEST_F(CalibrateCli, JacobianOptionsAreCheckedBeforeAnythingRuns) {
  const std::string gn = " --local-search gauss-newton";
  EXPECT_EQ(run(arguments(dir_ / "a") + " --jacobian-step 0.05"), 2);  // subplex has no Jacobian
  EXPECT_EQ(run(arguments(dir_ / "b") + " --central-differences"), 2);
  EXPECT_EQ(run(arguments(dir_ / "c") + gn + " --jacobian-step 0"), 2);
  EXPECT_EQ(run(arguments(dir_ / "d") + gn + " --jacobian-step 0.3"), 2);
  for (const char* d : {"a", "b", "c", "d"}) EXPECT_FALSE(fs::exists(dir_ / d / "evaluations.csv")) << d;
}

// --noise-replicates measures each moment's simulation noise at the start
// point (noise.csv, one row a moment), weighs by it (the start's objective
// changes), and is a setting: a resume with another count is refused.
TEST_F(CalibrateCli, MeasuredNoiseIsWrittenWeighedAndKept) {
  const std::string args = arguments(dir_ / "noise") + " --noise-replicates 3";
  ASSERT_EQ(run(args), 0);
  ASSERT_EQ(run(arguments(dir_ / "plain")), 0);
  const std::vector<std::string> noise = lines(dir_ / "noise" / "noise.csv");
  const std::vector<std::string> log = lines(dir_ / "noise" / "evaluations.csv");
  const std::vector<std::string> header = split_csv_line(log.front());
  const std::size_t parameters =
      static_cast<std::size_t>(std::count_if(header.begin(), header.end(), [](const std::string& h) {
        return h.find('.') != std::string::npos && h.find('/') == std::string::npos;
      }));
  EXPECT_EQ(noise.size(), 1 + header.size() - 4 - parameters);  // a header, then one row per moment
  EXPECT_EQ(noise.front(), "moment,group,published,data_sd,simulation_sd,variance_ratio");
  const std::vector<std::string> settings = lines(dir_ / "noise" / "settings.txt");
  EXPECT_NE(std::find_if(settings.begin(), settings.end(),
                         [](const std::string& l) { return l.find("noise of 3 replicates") != std::string::npos; }),
            settings.end());
  const auto start_objective = [&](const char* run_dir) { return split_csv_line(lines(dir_ / run_dir / "evaluations.csv")[1])[3]; };
  EXPECT_NE(start_objective("noise"), start_objective("plain"));  // same candidate, other weights
  EXPECT_EQ(run(arguments(dir_ / "noise") + " --noise-replicates 4 --resume"), 2);
  EXPECT_EQ(run(arguments(dir_ / "noise") + " --resume"), 2);
  EXPECT_EQ(lines(dir_ / "noise" / "evaluations.csv"), log);
  // Simulated targets change the weights: a setting too, and refused without measured noise.
  EXPECT_EQ(run(args + " --simulated-targets --resume"), 2);
  EXPECT_EQ(lines(dir_ / "noise" / "evaluations.csv"), log);
  EXPECT_EQ(run(arguments(dir_ / "unmeasured") + " --simulated-targets"), 2);
  EXPECT_FALSE(fs::exists(dir_ / "unmeasured" / "evaluations.csv"));
  EXPECT_EQ(run(arguments(dir_ / "one") + " --noise-replicates 1"), 2);  // a spread needs two
  EXPECT_FALSE(fs::exists(dir_ / "one" / "evaluations.csv"));
}

// The column `name` of a CSV file's rows (the header names it).
std::vector<std::string> column(const fs::path& file, const std::string& name) {
  const std::vector<std::string> rows = lines(file);
  if (rows.empty()) return {};
  const std::vector<std::string> header = split_csv_line(rows.front());
  const std::size_t c = static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin());
  std::vector<std::string> out;
  for (std::size_t i = 1; i < rows.size(); ++i) out.push_back(split_csv_line(rows[i]).at(c));
  return out;
}

// --noise-at measures the noise at another point than the start, so that
// scores of two points share one weighting: scoring the start with the noise
// at point B measures B's noise byte for byte and weighs as a score of B
// does, while the start's own moments are unchanged. It needs measured noise
// and a readable scenario, and is refused before anything is written.
TEST_F(CalibrateCli, NoiseIsMeasuredWhereNoiseAtSays) {
  const fs::path other = dir_ / "other.yaml";
  std::ofstream(other) << "scenario: another point\nmodel:\n  exports:\n    sunk_cost: 100000\n"
                          "  imports:\n    sunk_cost: 40000\n";
  const std::string noise = " --noise-replicates 3 --score";
  ASSERT_EQ(run(arguments(dir_ / "start") + noise), 0);
  ASSERT_EQ(run(arguments(dir_ / "at-other") + noise + " --noise-at " + other.string()), 0);
  ASSERT_EQ(run(arguments(dir_ / "other") + " --scenario " + other.string() + noise), 0);
  EXPECT_EQ(lines(dir_ / "at-other" / "noise.csv"), lines(dir_ / "other" / "noise.csv"));
  EXPECT_NE(lines(dir_ / "at-other" / "noise.csv"), lines(dir_ / "start" / "noise.csv"));
  EXPECT_EQ(column(dir_ / "at-other" / "score.csv", "weight"), column(dir_ / "other" / "score.csv", "weight"));
  EXPECT_NE(column(dir_ / "at-other" / "score.csv", "weight"), column(dir_ / "start" / "score.csv", "weight"));
  EXPECT_EQ(column(dir_ / "at-other" / "score.csv", "simulated"), column(dir_ / "start" / "score.csv", "simulated"));
  EXPECT_EQ(run(arguments(dir_ / "unmeasured") + " --score --noise-at " + other.string()), 2);
  EXPECT_EQ(run(arguments(dir_ / "missing") + noise + " --noise-at " + (dir_ / "nowhere.yaml").string()), 2);
  EXPECT_FALSE(fs::exists(dir_ / "unmeasured"));
  EXPECT_FALSE(fs::exists(dir_ / "missing"));
}

// --score evaluates the start point alone: its moments' contributions add up
// to the objective the search logs for the same start, and nothing but
// score.csv is written.
TEST_F(CalibrateCli, ScoreGivesTheStartsObjectiveMomentByMoment) {
  ASSERT_EQ(run(arguments(dir_ / "search")), 0);
  ASSERT_EQ(run(arguments(dir_ / "score") + " --score"), 0);
  const double logged = std::stod(split_csv_line(lines(dir_ / "search" / "evaluations.csv")[1])[3]);
  const std::vector<std::string> score = lines(dir_ / "score" / "score.csv");
  ASSERT_GT(score.size(), 1u);
  EXPECT_EQ(score.front(), "moment,group,published,simulated,weight,contribution");
  double sum = 0;
  for (std::size_t i = 1; i < score.size(); ++i) sum += std::stod(split_csv_line(score[i]).back());
  EXPECT_NEAR(sum, logged, 1e-9 * logged);
  EXPECT_FALSE(fs::exists(dir_ / "score" / "evaluations.csv"));
  EXPECT_FALSE(fs::exists(dir_ / "score" / "settings.txt"));
}

}  // namespace
}  // namespace firmsim::cal
