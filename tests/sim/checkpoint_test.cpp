// Checkpoint and resume: a run killed with SIGKILL after a checkpoint and
// resumed with --resume writes the same panel, byte for byte, as a run that
// was never interrupted; bad checkpoints end in one clear error.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "command_support.hpp"
#include "sim/checkpoint.hpp"
#include "sim/input_error.hpp"
#include "sim/panel_io.hpp"
#include "support.hpp"

namespace firmsim {
namespace {

namespace fs = std::filesystem;
using testing::Outcome;
using testing::run_command;
using testing::slurp;

Outcome firmsim(const std::string& args) { return run_command(std::string(FIRMSIM_EXE) + " " + args + " 2>&1"); }

class Checkpoint : public testing::ScratchDirTest {
 protected:
};

const char* kPanelFiles[] = {"firm_years.csv", "firms.csv", "flows.csv", "panel_meta.yaml", "summary.csv"};

// Starts `firmsim run ... --checkpoint-every K`, which stops itself after its
// first checkpoint (test hook), then kills it with SIGKILL.
void run_and_kill_after_checkpoint(const std::string& config, const fs::path& out) {
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    setenv("FIRMSIM_STOP_AFTER_CHECKPOINT", "1", 1);
    const int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    dup2(devnull, 2);
    execl(FIRMSIM_EXE, FIRMSIM_EXE, "run", config.c_str(), "--firms", "400", "--replicates", "2", "--quiet",
          "--checkpoint-every", "9", "--out", out.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, WUNTRACED), pid);
  ASSERT_TRUE(WIFSTOPPED(status)) << "the run ended before its first checkpoint";
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

TEST_F(Checkpoint, KilledRunResumesToTheSamePanelByteForByte) {
  const std::string config = testing::default_config_path();
  const Outcome whole =
      firmsim("run " + config + " --firms 400 --replicates 2 --quiet --out " + (dir_ / "whole").string());
  ASSERT_EQ(whole.status, 0) << whole.output;

  const fs::path killed = dir_ / "killed";
  run_and_kill_after_checkpoint(config, killed);
  ASSERT_TRUE(fs::exists(killed / kCheckpointFile));
  EXPECT_FALSE(fs::exists(killed / "firm_years.csv")) << "the killed run cannot have written its panel";

  const Outcome resumed = firmsim("run --resume " + killed.string() + " --quiet --threads 1");
  ASSERT_EQ(resumed.status, 0) << resumed.output;
  for (const char* file : kPanelFiles) {
    const std::string reference = slurp(dir_ / "whole" / file);
    EXPECT_GT(reference.size(), 50u) << file;
    EXPECT_TRUE(reference == slurp(killed / file)) << file << " differs after resume";
  }
  EXPECT_FALSE(fs::exists(killed / kCheckpointFile)) << "a finished run leaves no checkpoint behind";
}

// Issue 20, item 2: every option given with --resume used to be ignored
// silently (exit 0 with the checkpoint's settings). One that contradicts the
// checkpoint is refused, naming it, and nothing in the run directory changes;
// the checkpoint's own values, --out DIR itself and the options that cannot
// change the panel are accepted.
TEST_F(Checkpoint, ResumeRefusesOptionsThatContradictTheCheckpoint) {
  const std::string config = testing::default_config_path();
  const fs::path killed = dir_ / "killed";
  run_and_kill_after_checkpoint(config, killed);
  const std::string checkpoint = slurp(killed / kCheckpointFile);
  const std::string other = (dir_ / "other.yaml").string();
  std::ofstream(other) << "run:\n  seed: 5\n";
  const std::vector<std::pair<std::string, std::string>> contradictions = {
      {"--seed", "--seed 99"},
      {"--years", "--years 1998:2005"},
      {"--scenario", "--scenario " + other},
      {"--replicates", "--replicates 3"},
      {"--batch", "--batch 64"},
      {"--firms", "--firms 401"},
      {"--format", "--format dta"},
      {"--distribute", "--distribute firms"},
      {"--out", "--out " + (dir_ / "elsewhere").string()}};
  for (const auto& [option, args] : contradictions) {
    const Outcome o = firmsim("run --resume " + killed.string() + " --quiet " + args);
    EXPECT_EQ(o.status, 2) << args << ": " << o.output;
    EXPECT_EQ(std::count(o.output.begin(), o.output.end(), '\n'), 1) << args << ": " << o.output;
    EXPECT_NE(o.output.find("key '" + option + "'"), std::string::npos) << args << ": " << o.output;
    EXPECT_NE(o.output.find("contradicts the run being resumed"), std::string::npos) << args << ": " << o.output;
    EXPECT_TRUE(slurp(killed / kCheckpointFile) == checkpoint) << args;
    EXPECT_FALSE(fs::exists(killed / "firm_years.csv")) << args;
    EXPECT_FALSE(fs::exists(dir_ / "elsewhere")) << args;
  }
  // The checkpoint's own values, its directory as --out, and the options
  // that cannot change the panel: the run resumes and finishes.
  const Outcome o = firmsim("run --resume " + killed.string() +
                            " --quiet --firms 400 --replicates 2 --format csv --threads 1 --checkpoint-every 20 --out " +
                            killed.string() + " --compare");
  EXPECT_EQ(o.status, 0) << o.output;
  EXPECT_TRUE(fs::exists(killed / "firm_years.csv"));
  EXPECT_TRUE(fs::exists(killed / "comparison.md")) << "--compare is honoured";
}

TEST_F(Checkpoint, ResumeWithoutACheckpointIsStatus2) {
  const Outcome o = firmsim("run --resume " + dir_.string());
  EXPECT_EQ(o.status, 2) << o.output;
  EXPECT_NE(o.output.find("no checkpoint to resume from"), std::string::npos) << o.output;
}

TEST_F(Checkpoint, CorruptCheckpointIsStatus2) {
  const fs::path killed = dir_ / "killed";
  run_and_kill_after_checkpoint(testing::default_config_path(), killed);
  std::string bytes = slurp(killed / kCheckpointFile);
  bytes[bytes.size() / 2] ^= 0x5a;
  std::ofstream(killed / kCheckpointFile, std::ios::binary) << bytes;
  const Outcome o = firmsim("run --resume " + killed.string() + " --quiet");
  EXPECT_EQ(o.status, 2) << o.output;
  EXPECT_NE(o.output.find("checksum"), std::string::npos) << o.output;
  EXPECT_FALSE(fs::exists(killed / "firm_years.csv"));
}

TEST_F(Checkpoint, CheckpointsNeedAPositiveIntervalAndAnOutDirectory) {
  const std::string config = testing::default_config_path();
  EXPECT_EQ(firmsim("run " + config + " --firms 50 --checkpoint-every 0 --out " + (dir_ / "a").string()).status, 2);
  EXPECT_EQ(firmsim("run " + config + " --firms 50 --checkpoint-every 3").status, 2);
  EXPECT_EQ(firmsim("run " + config + " --resume " + dir_.string()).status, 2) << "config and --resume conflict";
}

// The same through the library: variants, every year a possible resume point.
TEST(CheckpointState, ResumingAtAnyYearGivesTheSamePanel) {
  Config base = testing::small_default(600, 1990);
  Config other = base;
  other.model.exports.sunk_cost *= 0.8f;
  const std::vector<Config> variants{base, other};
  Simulation whole(variants);
  whole.run();
  const fs::path path = fs::temp_directory_path() / ("firmsim-ckpt-state-" + std::to_string(::getpid()));
  for (int years : {3, 15}) {
    Simulation first(variants);
    for (int k = 0; k < years; ++k) first.step();
    save_checkpoint(first, "key", path.string());
    EXPECT_EQ(checkpoint_run_key(path.string()), "key");
    Simulation resumed(variants);
    load_checkpoint(resumed, path.string());
    EXPECT_EQ(resumed.next_year(), first.next_year());
    resumed.run();
    for (int v = 0; v < 2; ++v) {
      const Panel a = whole.panel(v), b = resumed.panel(v);
      EXPECT_EQ(a.firm_years.fte, b.firm_years.fte) << years;
      EXPECT_EQ(a.firm_years.exports, b.firm_years.exports) << years;
      EXPECT_EQ(a.flows.exports_true, b.flows.exports_true) << years;
      EXPECT_EQ(a.firms.exit_year, b.firms.exit_year) << years;
      EXPECT_EQ(whole.summaries(v).size(), resumed.summaries(v).size());
      EXPECT_EQ(whole.summaries(v).back().exporters, resumed.summaries(v).back().exporters);
    }
  }
  // A checkpoint of another population is refused, not half-loaded.
  Config bigger = base;
  bigger.run.firms = 700;
  Simulation wrong(std::vector<Config>{bigger, bigger});
  EXPECT_THROW(load_checkpoint(wrong, path.string()), InputError);
  fs::remove(path);
}

// The pool of market rows is laid out by backend (kernels/firm_state.hpp,
// pool_cell), its checkpoint market-major on every backend: column m of the
// stored appeal_belief holds, row after row, the beliefs in m of the firms
// holding a row, in firm order (save_state compacts the pool so). So a
// checkpoint's bytes do not depend on the backend, and one written before
// the CPU's row-major pool still resumes.
TEST(CheckpointState, ThePoolIsStoredMarketMajorOnEveryBackend) {
  const Config c = testing::small_default(600, 1990);
  Simulation sim(c);
  for (int k = 0; k < 12; ++k) sim.step();
  std::string bytes;
  sim.save_state(bytes);
  const std::string name = "appeal_belief";
  const std::uint64_t name_bytes = name.size();
  const std::string key = std::string(reinterpret_cast<const char*>(&name_bytes), sizeof name_bytes) + name;
  const std::size_t at = bytes.find(key);
  ASSERT_NE(at, std::string::npos);
  std::uint64_t size = 0;
  std::memcpy(&size, bytes.data() + at + key.size(), sizeof size);
  const int markets = static_cast<int>(c.markets.size());
  std::vector<float> stored(size / sizeof(float));
  std::memcpy(stored.data(), bytes.data() + at + key.size() + sizeof size, size);
  const std::size_t rows = stored.size() / markets;
  ASSERT_GT(rows, 10u);
  int compared = 0;
  for (int m = 0; m < markets; ++m) {
    std::vector<float> from_firms, from_file;
    for (std::int64_t i = 0; i < c.run.firms; ++i) {
      const float b = sim.snapshot(0, i).appeal_belief[m];
      if (b != 0.0f) from_firms.push_back(b);
    }
    for (std::size_t r = 0; r < rows; ++r)
      if (stored[m * rows + r] != 0.0f) from_file.push_back(stored[m * rows + r]);
    EXPECT_EQ(from_file, from_firms) << "market " << m;
    compared += static_cast<int>(from_firms.size());
  }
  EXPECT_GT(compared, 20);  // beliefs to compare, not only zeros
}

// With firms interacting, the peers and last year's masks are state too.
TEST(CheckpointState, ResumesWithInteractionsOn) {
  Config c = testing::small_default(600, 1990);
  c.model.interactions.market_information = c.model.interactions.mentoring = c.model.interactions.crowding = 1;
  Simulation whole(c);
  whole.run();
  const fs::path path = fs::temp_directory_path() / ("firmsim-ckpt-interact-" + std::to_string(::getpid()));
  Simulation first(c);
  for (int k = 0; k < 9; ++k) first.step();
  save_checkpoint(first, "key", path.string());
  Simulation resumed(c);
  load_checkpoint(resumed, path.string());
  resumed.run();
  const Panel a = whole.panel(), b = resumed.panel();
  EXPECT_FALSE(a.peers.peer.empty());
  EXPECT_EQ(a.peers.peer, b.peers.peer);
  EXPECT_EQ(a.firm_years.exports_true, b.firm_years.exports_true);
  EXPECT_EQ(a.flows.exports_true, b.flows.exports_true);
  fs::remove(path);
}

}  // namespace
}  // namespace firmsim
