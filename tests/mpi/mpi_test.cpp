// firmsim under mpirun, as a user starts it: an ensemble, a split population,
// a calibration and a policy evaluation over 2 and 3 processes give what one
// process gives, byte for byte; a sweep that lost a process resumes without
// redoing what was finished.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "../sim/command_support.hpp"
#include "../sim/support.hpp"
#include "app/run_report.hpp"
#include "sim/input_error.hpp"

namespace firmsim {
namespace {

namespace fs = std::filesystem;
using testing::Outcome;
using testing::slurp;

class Mpi : public testing::ScratchDirTest {
 protected:
  // `processes` 0: firmsim started plainly (no MPI at all).
  Outcome firmsim(int processes, const std::string& args, const std::string& env = "") const {
    const std::string log = (dir_ / "output.txt").string();
    // Open MPI refuses to start as root unless told (CI runs as root).
    std::string command = env + " OMP_NUM_THREADS=1 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 ";
    if (processes > 0)
      command += std::string(FIRMSIM_MPIEXEC) + " --oversubscribe -np " + std::to_string(processes) + " ";
    command += std::string(FIRMSIM_EXE) + " " + args + " > " + log + " 2>&1";
    const int raw = std::system(command.c_str());
    Outcome o;
    o.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    o.output = slurp(log);
    return o;
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
};

const std::string kWorld = testing::default_config_path() + " --firms 1500 --seed 9 --years 1998:2005 --quiet";

template <class Columns, class Schema>
void expect_same(const Columns& a, const Columns& b, Schema schema) {
  schema([&](const char* name, auto member, bool, double) { EXPECT_TRUE(a.*member == b.*member) << name; });
}

// The panels (read back, shards merged), the yearly summary and the comparison with the seed tables.
void expect_same_run(const std::string& one, const std::string& many) {
  const Panel a = read_panel_directory(one), b = read_panel_directory(many);
  ASSERT_GT(a.firm_years.rows(), 1000u);
  EXPECT_EQ(a.meta.replicates, b.meta.replicates);
  expect_same(a.firm_years, b.firm_years, [](auto&& f) { firm_year_schema(f); });
  expect_same(a.firms, b.firms, [](auto&& f) { firm_schema(f); });
  expect_same(a.flows, b.flows, [](auto&& f) { flow_schema(f); });
  expect_same(a.peers, b.peers, [](auto&& f) { peer_schema(f); });
  EXPECT_EQ(slurp(fs::path(one) / "summary.csv"), slurp(fs::path(many) / "summary.csv"));
}

TEST_F(Mpi, AnEnsembleOverProcessesIsTheOneProcessRun) {
  ASSERT_EQ(firmsim(0, "run " + kWorld + " --replicates 4 --out " + path("one")).status, 0);
  for (int k : {2, 3}) {
    const std::string out = path("ensemble" + std::to_string(k));
    const Outcome o = firmsim(k, "run " + kWorld + " --replicates 4 --distribute replicates --out " + out);
    ASSERT_EQ(o.status, 0) << o.output;
    EXPECT_TRUE(fs::exists(fs::path(out) / "panel_shards.yaml"));
    expect_same_run(path("one"), out);
  }
}

TEST_F(Mpi, ASplitPopulationIsTheOneProcessRun) {
  // Independent firms but for crowding: every year the processes add up
  // their industries' counts.
  const std::string crowding = testing::source_dir() + "/scenarios/independent_firms.yaml " + path("crowding.yaml");
  std::ofstream(path("crowding.yaml")) << "model:\n  interactions:\n    crowding: 1\n    crowding_elasticity: 2\n";
  ASSERT_EQ(firmsim(0, "run " + kWorld + " --replicates 2 --scenario " + crowding + " --out " + path("one")).status, 0);
  for (int k : {2, 3}) {
    const std::string out = path("split" + std::to_string(k));
    const Outcome o =
        firmsim(k, "run " + kWorld + " --replicates 2 --scenario " + crowding + " --distribute firms --out " + out);
    ASSERT_EQ(o.status, 0) << o.output;
    expect_same_run(path("one"), out);
  }
  // Without the reduction the crowding would differ: check the scenario matters.
  ASSERT_EQ(firmsim(0, "run " + kWorld + " --replicates 2 --scenario " + testing::source_dir() +
                           "/scenarios/independent_firms.yaml --out " + path("plain"))
                .status,
            0);
  EXPECT_NE(slurp(dir_ / "plain" / "summary.csv"), slurp(dir_ / "one" / "summary.csv"));
}

TEST_F(Mpi, ASplitPopulationRefusesPeersWithOneMessage) {
  const Outcome o = firmsim(2, "run " + kWorld + " --scenario " + testing::source_dir() +
                                   "/scenarios/network.yaml --distribute firms --out " + path("peers"));
  EXPECT_EQ(o.status, 2) << o.output;
  EXPECT_NE(o.output.find("model.interactions"), std::string::npos) << o.output;
  EXPECT_FALSE(fs::exists(dir_ / "peers"));
}

TEST_F(Mpi, ASweepThatLostAProcessResumes) {
  ASSERT_EQ(firmsim(0, "run " + kWorld + " --replicates 6 --out " + path("one")).status, 0);
  const std::string out = path("sweep");
  const Outcome killed = firmsim(2, "run " + kWorld + " --replicates 6 --out " + out, "FIRMSIM_TEST_KILL_PROCESS=1");
  EXPECT_NE(killed.status, 0) << killed.output;
  std::map<std::string, fs::file_time_type> finished;
  for (const auto& shard : fs::directory_iterator(fs::path(out) / "shards"))
    if (fs::exists(shard.path() / "shard_done"))
      finished[shard.path().filename().string()] = fs::last_write_time(shard.path() / "shard_done");
  // Process 1 died holding a replicate, once process 0 had finished one.
  ASSERT_GE(finished.size(), 1u);
  ASSERT_LT(finished.size(), 6u);
  EXPECT_THROW(read_panel_directory(out), InputError);  // not complete: compare refuses it
  const Outcome resumed = firmsim(3, "run --resume " + out);
  ASSERT_EQ(resumed.status, 0) << resumed.output;
  for (const auto& [name, time] : finished)  // nothing finished was simulated again
    EXPECT_EQ(fs::last_write_time(fs::path(out) / "shards" / name / "shard_done"), time) << name;
  expect_same_run(path("one"), out);
}

TEST_F(Mpi, ACalibrationOverProcessesTakesTheSamePath) {
  const std::string data = testing::source_dir() + "/tests/data/calibrate/";
  const std::string args = "calibrate " + testing::default_config_path() + " --scenario " + data +
                           "short_run.yaml --moments " + data + "moments.yaml --parameters " + data +
                           "parameters.yaml --firms 1500 --evaluations 12 --batch 4 --threads 1 --out ";
  ASSERT_EQ(firmsim(0, args + path("one")).status, 0);
  const Outcome o = firmsim(2, args + path("two"));
  ASSERT_EQ(o.status, 0) << o.output;
  // Every logged evaluation but its wall time, and the estimates.
  const auto without_seconds = [](const std::string& text) {
    std::istringstream in(text);
    std::string line, out;
    while (std::getline(in, line)) {
      const auto a = line.find(','), b = line.find(',', a + 1), c = line.find(',', b + 1);
      out += line.substr(0, b) + line.substr(c) + "\n";
    }
    return out;
  };
  EXPECT_EQ(without_seconds(slurp(dir_ / "one" / "evaluations.csv")),
            without_seconds(slurp(dir_ / "two" / "evaluations.csv")));
  const auto estimates = [](const std::string& text) { return text.substr(text.find('\n')); };  // not the command
  EXPECT_EQ(estimates(slurp(dir_ / "one" / "calibrated.yaml")), estimates(slurp(dir_ / "two" / "calibrated.yaml")));
}

TEST_F(Mpi, APolicyEvaluationOverProcessesIsTheOneProcessEvaluation) {
  const std::string s = testing::source_dir() + "/scenarios/";
  const std::string args = "evaluate " + testing::default_config_path() + " --policy " + s + "export_promotion.yaml " +
                           s + "policies/sunk_cost_subsidy.yaml " + s +
                           "network_mentoring_program.yaml --firms 1500 --replicates 2 --budget 2e6 --quiet --out ";
  ASSERT_EQ(firmsim(0, args + path("one")).status, 0);
  const Outcome o = firmsim(3, args + path("three"));
  ASSERT_EQ(o.status, 0) << o.output;
  EXPECT_EQ(slurp(dir_ / "one" / "effects.csv"), slurp(dir_ / "three" / "effects.csv"));
  EXPECT_GT(slurp(dir_ / "one" / "effects.csv").size(), 1000u);
}

}  // namespace
}  // namespace firmsim
