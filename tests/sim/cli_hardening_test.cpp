// The command line under hostile input and failing disks (issue 8, items 1,
// 2, 4, 5 and 8): exit status 2 with one line on stderr, nothing created or
// written, and a panel on disk that is always one unit.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "command_support.hpp"
#include "estimation/panel_csv.hpp"
#include "sim/input_error.hpp"
#include "sim/panel_io.hpp"
#include "support.hpp"

namespace firmsim {
namespace {

namespace fs = std::filesystem;
using testing::Outcome;
using testing::run_command;
using testing::slurp;

// Runs firmsim with `prefix` (environment, cd) before it; its standard error
// is the outcome's output, stdout is dropped.
Outcome firmsim(const std::string& args, const std::string& prefix = "") {
  return run_command(prefix + " " + std::string(FIRMSIM_EXE) + " " + args + " 2>&1 >/dev/null");
}

bool one_line(const std::string& s) { return !s.empty() && s.find('\n') == s.size() - 1; }

std::string config() { return testing::default_config_path(); }

class CliHardening : public testing::ScratchDirTest {
 protected:
  // One small complete panel, written once for the suite.
  static void SetUpTestSuite() {
    panel_ = fs::temp_directory_path() / ("firmsim-hardening-panel-" + std::to_string(::getpid()));
    fs::remove_all(panel_);
    fs::create_directories(panel_.string() + "-in");
    short_ = (panel_.string() + "-in/short.yaml");
    std::ofstream(short_) << "run:\n  burn_in_start: 1990\n  first_year: 1998\n";
    const Outcome o = firmsim(short_run(7, panel_));
    ASSERT_EQ(o.status, 0) << o.output;
  }
  static void TearDownTestSuite() {
    fs::remove_all(panel_);
    fs::remove_all(panel_.string() + "-in");
  }
  // A short run (1990-2005, recorded 1998-2005) of 1000 firms into `out`.
  static std::string short_run(int seed, const fs::path& out) {
    return "run " + config() + " --scenario " + short_ + " --firms 1000 --quiet --seed " + std::to_string(seed) +
           " --out " + out.string();
  }
  fs::path copy_of_panel(const std::string& name) {
    fs::copy(panel_, dir_ / name, fs::copy_options::recursive);
    return dir_ / name;
  }
  static fs::path panel_;
  static std::string short_;
};
fs::path CliHardening::panel_;
std::string CliHardening::short_;

TEST_F(CliHardening, EveryNumberIsBoundedLikeTheConfig) {
  const fs::path out = dir_ / "out";
  for (const char* bad : {"--threads 100000", "--threads 0", "--firms 2e16", "--firms 4000000001", "--seed -1",
                          "--seed 9007199254740992", "--replicates 1000000", "--batch 0", "--years 1800:2100"}) {
    const Outcome o = firmsim("run " + config() + " " + bad + " --out " + out.string());
    EXPECT_EQ(o.status, 2) << bad << ": " << o.output;
    EXPECT_TRUE(one_line(o.output)) << bad << ": " << o.output;
    EXPECT_FALSE(fs::exists(out)) << bad;
  }
  // The replicates' range is the config's own.
  EXPECT_NE(firmsim("run " + config() + " --replicates 1000000").output.find("[1, 100000]"), std::string::npos);
}

// Issue 20, item 5: an empty value used to mean "not given" (--firms '' ran
// the default population) or 0.
TEST_F(CliHardening, AnEmptyOptionValueIsRefused) {
  const fs::path out = dir_ / "out";
  for (const char* option : {"--firms", "--seed", "--replicates", "--batch", "--threads", "--years", "--format",
                             "--checkpoint-every", "--targets", "--scenario"}) {
    const Outcome o = firmsim("run " + config() + " " + option + " '' --out " + out.string());
    EXPECT_EQ(o.status, 2) << option << ": " << o.output;
    EXPECT_TRUE(one_line(o.output)) << option << ": " << o.output;
    EXPECT_NE(o.output.find(option), std::string::npos) << option << ": " << o.output;
    EXPECT_NE(o.output.find("empty value"), std::string::npos) << option << ": " << o.output;
    EXPECT_FALSE(fs::exists(out)) << option;
  }
  for (const std::string& args : {"calibrate " + config() + " --moments m --parameters p --evaluations ''",
                                  "evaluate " + config() + " --policy p --budget ''", "compare " + panel_.string() + " --out ''"}) {
    const Outcome o = firmsim(args);
    EXPECT_EQ(o.status, 2) << args << ": " << o.output;
    EXPECT_NE(o.output.find("empty value"), std::string::npos) << args << ": " << o.output;
  }
}

// Issue 20, item 5: a FIFO as the config blocked forever.
TEST_F(CliHardening, AFifoAsTheConfigIsRefused) {
  const std::string fifo = (dir_ / "fifo.yaml").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const Outcome o = firmsim("run " + fifo + " --out " + (dir_ / "out").string(), "timeout 60");
  EXPECT_EQ(o.status, 2) << o.output;
  EXPECT_TRUE(one_line(o.output)) << o.output;
  EXPECT_NE(o.output.find(fifo + ": is not a regular file"), std::string::npos) << o.output;
  EXPECT_FALSE(fs::exists(dir_ / "out"));
}

TEST_F(CliHardening, CompareOverTooFewYearsFailsBeforeWriting) {
  const fs::path out = dir_ / "out";
  const Outcome o = firmsim("run " + config() + " --firms 100 --years 2005:2005 --compare --out " + out.string());
  EXPECT_EQ(o.status, 2) << o.output;
  EXPECT_TRUE(one_line(o.output)) << o.output;
  EXPECT_NE(o.output.find("1998-2005"), std::string::npos) << o.output;
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(CliHardening, OutIsCreatedOnlyAfterEveryCheck) {
  const fs::path out = dir_ / "a" / "b";
  const fs::path bad = dir_ / "bad.yaml";
  std::ofstream(bad) << "model:\n  exports:\n    sunk_cots: 5\n";
  EXPECT_EQ(firmsim("run " + config() + " --scenario " + bad.string() + " --out " + out.string()).status, 2);
  EXPECT_EQ(firmsim("run " + config() + " --firms 4000000000 --replicates 100000 --out " + out.string()).status, 2);
  EXPECT_EQ(
      firmsim("run " + config() + " --compare --targets " + (dir_ / "none.yaml").string() + " --out " + out.string())
          .status,
      2);
  EXPECT_FALSE(fs::exists(dir_ / "a"));
  // An --out that is a file is refused up front.
  std::ofstream(dir_ / "file") << "x";
  EXPECT_EQ(firmsim("run " + config() + " --firms 100 --out " + (dir_ / "file").string()).status, 2);
}

TEST_F(CliHardening, CompareOnAMissingDirectoryCreatesNothing) {
  const fs::path missing = dir_ / "no-such-run";
  const Outcome o = firmsim("compare " + missing.string());
  EXPECT_EQ(o.status, 2) << o.output;
  EXPECT_TRUE(one_line(o.output)) << o.output;
  EXPECT_FALSE(fs::exists(missing));
}

TEST_F(CliHardening, DirectoriesWhereFilesAreExpected) {
  fs::create_directories(dir_ / "d.yaml");
  const std::string d = (dir_ / "d.yaml").string();
  for (const std::string& args :
       {"run " + d, "run " + config() + " --scenario " + d,
        "compare " + panel_.string() + " --targets " + d + " --out " + (dir_ / "o").string()}) {
    const Outcome o = firmsim(args);
    EXPECT_EQ(o.status, 2) << args << ": " << o.output;
    EXPECT_TRUE(one_line(o.output)) << o.output;
    EXPECT_NE(o.output.find("is a directory"), std::string::npos) << o.output;
  }
}

std::vector<fs::path> temporaries(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().find(".tmp-") != std::string::npos) out.push_back(e.path());
  return out;
}

TEST_F(CliHardening, AFullDiskNeverLeavesATruncatedFileUnderAFinalName) {
  const fs::path run = copy_of_panel("run");
  std::map<std::string, std::string> before;
  std::size_t total = 0;
  for (const auto& e : fs::directory_iterator(run)) {
    before[e.path().filename().string()] = slurp(e.path());
    total += before[e.path().filename().string()].size();
  }
  // The disk fills at various points of another run's panel: early in
  // firm_years.csv, in its middle, in flows.csv.
  for (const double share : {0.02, 0.5, 0.9}) {
    const std::string bytes = std::to_string(static_cast<long>(share * static_cast<double>(total)));
    const Outcome o = firmsim(short_run(8, run), "FIRMSIM_FAULT_DISK_BYTES=" + bytes);
    EXPECT_EQ(o.status, 2) << bytes << ": " << o.output;
    EXPECT_TRUE(one_line(o.output)) << o.output;
    EXPECT_NE(o.output.find("write failed"), std::string::npos) << o.output;
    EXPECT_TRUE(temporaries(run).empty()) << bytes;
    // The old panel is untouched, and still reads as a whole.
    for (const auto& [name, text] : before)
      if (name != "summary.csv" && name != "starters.csv") {
        EXPECT_TRUE(slurp(run / name) == text) << name << " changed, disk full at " << bytes;
      }
    EXPECT_NO_THROW(est::read_panel_csv(run.string())) << bytes;
  }
}

TEST_F(CliHardening, MixedOrUnfinishedPanelsAreRefused) {
  // A crash between two renames: a new firm_years.csv beside the old files.
  const fs::path run = copy_of_panel("run");
  const fs::path other = dir_ / "other";
  ASSERT_EQ(firmsim(short_run(9, other)).status, 0);
  fs::copy_file(other / "firm_years.csv", run / "firm_years.csv", fs::copy_options::overwrite_existing);
  const Outcome o = firmsim("compare " + run.string());
  EXPECT_EQ(o.status, 2) << o.output;
  EXPECT_NE(o.output.find("firm_years.csv: does not match panel_manifest.yaml"), std::string::npos) << o.output;
  // The manifest of a run that stopped while renaming.
  const fs::path half = copy_of_panel("half");
  std::string manifest = slurp(half / kManifestName);
  manifest.replace(manifest.find("state: complete"), 15, "state: writing");
  std::ofstream(half / kManifestName) << manifest;
  try {
    est::read_panel_csv(half.string());
    ADD_FAILURE() << "accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.key(), "state");
    EXPECT_NE(std::string(e.what()).find("incomplete"), std::string::npos) << e.what();
  }
}

// Issue 20, item 4: a manifest that could switch the checks off.
TEST_F(CliHardening, AManifestMustListEveryFileOnceWithWellFormedFields) {
  const std::string original = slurp(panel_ / kManifestName);
  const auto entry_of = [&](const std::string& name) {
    const auto at = original.find("{name: " + name);
    const auto begin = original.rfind('\n', at) + 1;
    return original.substr(begin, original.find('\n', at) + 1 - begin);
  };
  const std::string firms = entry_of("firms.csv");
  std::string wrong_first = firms;  // a duplicate entry whose (wrong) values come first
  wrong_first.replace(wrong_first.find("crc32: \"") + 8, 8, "00000000");
  std::string nine = original;
  nine.insert(nine.find("crc32: \"") + 8, "0");
  std::string unknown = original;
  unknown.replace(unknown.find(firms), firms.size(), firms + "  - {name: ../x.csv, rows: 0, bytes: 0, crc32: \"00000000\"}\n");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {original.substr(0, original.find("files:")) + "files: []\n", "does not list"},
      {std::string(original).replace(original.find(firms), firms.size(), wrong_first + firms), "listed twice"},
      {nine, "expected 8 hex digits"},
      {std::string(original).replace(original.find(firms), firms.size(), ""), "does not list firms.csv"},
      {unknown, "not a file of a panel"}};
  for (const auto& [text, says] : cases) {
    const fs::path run = copy_of_panel("run");
    std::ofstream(run / kManifestName, std::ios::trunc) << text;
    const fs::path out = dir_ / "cmp";
    const Outcome o = firmsim("compare " + run.string() + " --out " + out.string());
    EXPECT_EQ(o.status, 2) << says << ": " << o.output;
    EXPECT_TRUE(one_line(o.output)) << o.output;
    EXPECT_NE(o.output.find(kManifestName), std::string::npos) << o.output;
    EXPECT_NE(o.output.find(says), std::string::npos) << says << ": " << o.output;
    EXPECT_FALSE(fs::exists(out));
    fs::remove_all(run);
  }
}

// Issue 20, item 3: a run's own panel with an impossible value and no
// manifest (the own-data path) is refused with file, line, column and value.
TEST_F(CliHardening, ImpossiblePanelValuesAreRefusedByCompare) {
  const fs::path run = copy_of_panel("run");
  fs::remove(run / kManifestName);
  std::string fy = slurp(run / "firm_years.csv");
  // The fte of the first data row (7th field) becomes nan.
  const auto line2 = fy.find('\n') + 1;
  std::size_t at = line2;
  for (int k = 0; k < 6; ++k) at = fy.find(',', at) + 1;
  fy.replace(at, fy.find(',', at) - at, "nan");
  std::ofstream(run / "firm_years.csv", std::ios::trunc) << fy;
  const Outcome o = firmsim("compare " + run.string() + " --out " + (dir_ / "cmp").string());
  EXPECT_EQ(o.status, 2) << o.output;
  EXPECT_NE(o.output.find((run / "firm_years.csv").string() + ":2: key 'fte': missing value ('nan')"),
            std::string::npos)
      << o.output;
  EXPECT_FALSE(fs::exists(dir_ / "cmp"));
}

// Issue 20, item 6: the run's reports are part of the unit the manifest describes.
TEST_F(CliHardening, TheRunsReportsAreUnderTheManifest) {
  const std::string manifest = slurp(panel_ / kManifestName);
  EXPECT_NE(manifest.find("{name: summary.csv"), std::string::npos) << manifest;
  EXPECT_NE(manifest.find("{name: starters.csv"), std::string::npos) << manifest;
  const fs::path run = copy_of_panel("run");
  std::ofstream(run / "summary.csv", std::ios::app) << "1999,1,2,3\n";  // another run's, say
  const Outcome o = firmsim("compare " + run.string() + " --out " + (dir_ / "cmp").string());
  EXPECT_EQ(o.status, 2) << o.output;
  EXPECT_NE(o.output.find("summary.csv: does not match panel_manifest.yaml"), std::string::npos) << o.output;
  // A run without starters (its years miss the sample window) removes a previous run's.
  ASSERT_TRUE(fs::exists(run / "starters.csv"));
  const Outcome again = firmsim(short_run(7, run) + " --years 1995:1997");
  ASSERT_EQ(again.status, 0) << again.output;
  EXPECT_FALSE(fs::exists(run / "starters.csv"));
  EXPECT_EQ(slurp(run / kManifestName).find("starters.csv"), std::string::npos);
}

// Issue 20, item 6: smaller refusals.
TEST_F(CliHardening, ACompareThatFailsCreatesNoOutAndNamesTheFile) {
  const fs::path run = copy_of_panel("run");
  fs::remove(run / kManifestName);
  std::string meta = slurp(run / "panel_meta.yaml");
  meta.replace(meta.find("sample_last_year: 2005"), 22, "sample_last_year: 2010");
  std::ofstream(run / "panel_meta.yaml", std::ios::trunc) << meta;
  const fs::path out = dir_ / "new";
  const Outcome o = firmsim("compare " + run.string() + " --out " + out.string());
  EXPECT_EQ(o.status, 2) << o.output;
  EXPECT_TRUE(one_line(o.output)) << o.output;
  EXPECT_EQ(o.output.rfind("firmsim: " + (run / "panel_meta.yaml").string(), 0), 0u) << o.output;
  EXPECT_FALSE(fs::exists(out));
}

// The recovery experiment's data: a panel's tables written as targets are the
// panel's own tables, so comparing the panel with them is a distance of 0.
TEST_F(CliHardening, APanelsTablesAsTargetsCompareAtDistanceZero) {
  const fs::path targets = dir_ / "own.yaml";
  Outcome o = firmsim("compare " + panel_.string() + " --as-targets " + targets.string());
  ASSERT_EQ(o.status, 0) << o.output;
  ASSERT_TRUE(fs::exists(targets));
  const fs::path run = copy_of_panel("run");
  o = firmsim("compare " + run.string() + " --targets " + targets.string() + " --out " + (dir_ / "c").string());
  ASSERT_EQ(o.status, 0) << o.output;
  const std::string report = slurp(dir_ / "c" / "comparison.md");
  EXPECT_NE(report.find("Overall distance: **0**; 0 of "), std::string::npos) << report.substr(0, 600);
  // One file, no report: --out with it is refused and nothing is written.
  o = firmsim("compare " + panel_.string() + " --as-targets " + (dir_ / "x.yaml").string() + " --out " +
              (dir_ / "r").string());
  EXPECT_EQ(o.status, 2) << o.output;
  EXPECT_FALSE(fs::exists(dir_ / "x.yaml"));
  EXPECT_FALSE(fs::exists(dir_ / "r"));
}

TEST_F(CliHardening, BogusDistributeAndInfiniteBudgetAreRefused) {
  Outcome o = firmsim("run " + config() + " --firms 100 --distribute bogus --out " + (dir_ / "o").string());
  EXPECT_EQ(o.status, 2) << o.output;
  EXPECT_NE(o.output.find("key '--distribute'"), std::string::npos) << o.output;
  EXPECT_FALSE(fs::exists(dir_ / "o"));
  for (const char* budget : {"inf", "nan", "-1", "1e300"}) {
    o = firmsim("evaluate " + config() + " --policy " + config() + " --budget " + budget);
    EXPECT_EQ(o.status, 2) << budget << ": " << o.output;
    EXPECT_NE(o.output.find("--budget"), std::string::npos) << budget << ": " << o.output;
  }
}

TEST_F(CliHardening, LeftoverTemporariesOfAKilledRunAreCleaned) {
  const fs::path run = copy_of_panel("run");
  const pid_t dead = fork();
  if (dead == 0) _exit(0);
  waitpid(dead, nullptr, 0);  // a pid whose process is gone
  const std::string tag = ".tmp-" + std::to_string(dead);
  for (const char* f : {"firm_years.csv", "flows.csv", "panel_meta.yaml"})
    std::ofstream(run / (f + tag)) << std::string(1000, 'x');
  const fs::path live = run / ("firms.csv.tmp-" + std::to_string(::getpid()));  // a live run's: kept
  std::ofstream(live) << "x";
  ASSERT_EQ(firmsim(short_run(7, run)).status, 0);
  const auto left = temporaries(run);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0], live);
}

TEST_F(CliHardening, MetaNamesThatNeedQuotingRoundTrip) {
  Panel p;
  p.meta.first_year = 1998, p.meta.last_year = 1998, p.meta.replicates = 1;
  for (const char* iso : {"NO", "yes", "null", "#1", "a: b", "'q'", "\"dq\"", "[x]"})
    p.meta.markets.push_back(MarketMeta{iso, std::string(iso) + ", the market", "- r", 0, 1.5, -2.25});
  p.meta.industries.push_back(IndustryMeta{"true", "manufacturing", "other", true});
  p.meta.industries.push_back(IndustryMeta{"x: {y}", "manufacturing", "HT-MH", false});
  FirmYearColumns& c = p.firm_years;
  firm_year_schema([&](const char*, auto member, bool, double) { (c.*member).resize(1); });
  c.year[0] = 1998, c.alive[0] = 1, c.fte[0] = 3;
  c.founding_year[0] = 1998;  // a possible one: the reader refuses founding year 0 (issue 20, item 3)
  firm_schema([&](const char*, auto member, bool, double) { (p.firms.*member).resize(1); });
  p.firms.founding_year[0] = 1998;
  write_panel(p, dir_.string(), PanelFormat::csv);
  const Panel q = est::read_panel_csv(dir_.string());
  ASSERT_EQ(q.meta.markets.size(), p.meta.markets.size());
  for (std::size_t k = 0; k < p.meta.markets.size(); ++k) {
    EXPECT_EQ(q.meta.markets[k].iso, p.meta.markets[k].iso);
    EXPECT_EQ(q.meta.markets[k].name, p.meta.markets[k].name);
    EXPECT_EQ(q.meta.markets[k].region, p.meta.markets[k].region);
    EXPECT_EQ(q.meta.markets[k].latitude, p.meta.markets[k].latitude);
  }
  EXPECT_EQ(q.meta.industries[0].name, "true");
  EXPECT_EQ(q.meta.industries[1].name, "x: {y}");
}

TEST_F(CliHardening, CompareFindsItsTargetsFromAnywhere) {
  const Outcome o = firmsim("compare " + panel_.string() + " --out " + (dir_ / "c").string(),
                            "cd / && env -u FIRMSIM_SOURCE_DIR -u FIRMSIM_TARGETS");
  EXPECT_EQ(o.status, 0) << o.output;
  EXPECT_TRUE(fs::exists(dir_ / "c" / "comparison.md"));
  EXPECT_EQ(slurp(dir_ / "c" / "comparison.md").find("not comparable"), std::string::npos);
  const Outcome bad = firmsim("compare " + panel_.string() + " --out " + (dir_ / "d").string(),
                              "cd / && FIRMSIM_TARGETS=" + (dir_ / "mine.yaml").string());
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.output.find((dir_ / "mine.yaml").string()), std::string::npos) << bad.output;
}

TEST_F(CliHardening, TablesOverOtherWindowsThanTheTargetsAreNotCompared) {
  const fs::path windows = dir_ / "windows.yaml";
  std::ofstream(windows) << "measurement:\n  export_dummy_first_year: 1994\n  export_dummy_last_year: 1997\n";
  const fs::path out = dir_ / "run";
  const Outcome o = firmsim(short_run(7, out) + " --scenario " + windows.string() + " --compare");
  ASSERT_EQ(o.status, 0) << o.output;
  const std::string report = slurp(out / "comparison.md");
  EXPECT_NE(report.find("not comparable: the export dummies cover 1994-1997, the targets' 1993-1997"),
            std::string::npos)
      << report.substr(0, 600);
  // The panel remembers its windows: compare says the same.
  const Outcome again = firmsim("compare " + out.string() + " --out " + (dir_ / "again").string());
  ASSERT_EQ(again.status, 0) << again.output;
  EXPECT_NE(slurp(dir_ / "again" / "comparison.md").find("not comparable"), std::string::npos);
}

}  // namespace
}  // namespace firmsim
