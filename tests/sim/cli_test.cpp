// The firmsim command line, run as a user would: exit status 2 with one clear
// message for bad input, nothing half-written, and a complete run directory.
#include <gtest/gtest.h>
#include <readstat.h>

#include <sys/wait.h>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "command_support.hpp"
#include "support.hpp"

namespace firmsim {
namespace {

namespace fs = std::filesystem;
using testing::Outcome;
using testing::run_command;
using testing::slurp;

Outcome firmsim(const std::string& args) { return run_command(std::string(FIRMSIM_EXE) + " " + args + " 2>&1"); }

std::string config() { return testing::default_config_path(); }

class Cli : public testing::ScratchDirTest {
 protected:
};

TEST_F(Cli, UnknownKeyInScenarioIsStatus2WithFileLineKey) {
  const fs::path s = dir_ / "bad.yaml";
  std::ofstream(s) << "model:\n  exports:\n    sunk_cots: 5\n";
  const Outcome o = firmsim("run " + config() + " --scenario " + s.string() + " --out " + (dir_ / "out").string());
  EXPECT_EQ(o.status, 2) << o.output;
  EXPECT_NE(o.output.find(s.string() + ":3: key 'model.exports.sunk_cots': unknown key"), std::string::npos)
      << o.output;
  // Bad input is found before anything is written.
  EXPECT_FALSE(fs::exists(dir_ / "out" / "firm_years.csv"));
}

TEST_F(Cli, PopulationTooLargeForMemoryIsStatus2) {
  const Outcome o = firmsim("run " + config() + " --firms 4000000000 --replicates 1000");
  EXPECT_EQ(o.status, 2) << o.output;
  EXPECT_NE(o.output.find("run.firms"), std::string::npos) << o.output;
  EXPECT_NE(o.output.find("memory"), std::string::npos) << o.output;
}

TEST_F(Cli, UnwritableOutIsStatus2) {
  const Outcome o = firmsim("run " + config() + " --firms 100 --out /proc/firmsim-cannot-write-here");
  EXPECT_EQ(o.status, 2) << o.output;
  EXPECT_NE(o.output.find("--out"), std::string::npos) << o.output;
}

TEST_F(Cli, BadOptionsAreStatus2) {
  EXPECT_EQ(firmsim("run " + config() + " --years 1998-2005").status, 2);
  EXPECT_EQ(firmsim("run " + config() + " --format xls").status, 2);
  EXPECT_EQ(firmsim("run " + config() + " --firms abc").status, 2);
  EXPECT_EQ(firmsim("run " + (dir_ / "missing.yaml").string()).status, 2);
  EXPECT_EQ(firmsim("frobnicate").status, 2);
}

TEST_F(Cli, RunWritesACompletePanelAndNoTemporaries) {
  const fs::path out = dir_ / "run";
  const Outcome o = firmsim("run " + config() + " --firms 2000 --seed 7 --out " + out.string());
  ASSERT_EQ(o.status, 0) << o.output;
  // A log line per year when not on a terminal, and the summary.
  EXPECT_NE(o.output.find("2005: alive"), std::string::npos) << o.output;
  EXPECT_NE(o.output.find("export starters"), std::string::npos) << o.output;
  for (const char* f : {"firm_years.csv", "firms.csv", "flows.csv", "panel_meta.yaml", "summary.csv"})
    EXPECT_TRUE(fs::exists(out / f)) << f;
  for (const auto& entry : fs::directory_iterator(out))
    EXPECT_EQ(entry.path().string().find(".tmp-"), std::string::npos) << entry.path();
  std::ifstream header(out / "firm_years.csv");
  std::string line;
  std::getline(header, line);
  EXPECT_EQ(line.rfind("replicate,firm,year,industry,founding_year,alive,fte", 0), 0u) << line;
}

std::string overall_line(const std::string& output) {
  const auto at = output.find("Overall: distance");
  return at == std::string::npos ? "" : output.substr(at, output.find('\n', at) - at);
}

TEST_F(Cli, CompareOnAWrittenPanelGivesTheSameTablesAsTheRun) {
  const fs::path run = dir_ / "run", again = dir_ / "again";
  const Outcome a = firmsim("run " + config() + " --firms 20000 --compare --out " + run.string());
  ASSERT_EQ(a.status, 0) << a.output;
  const Outcome b = firmsim("compare " + run.string() + " --out " + again.string());
  ASSERT_EQ(b.status, 0) << b.output;
  // The CSV panel round-trips exactly, so every table comes out the same.
  EXPECT_FALSE(overall_line(a.output).empty()) << a.output;
  EXPECT_EQ(overall_line(a.output), overall_line(b.output));
  for (const char* f : {"comparison.md", "comparison.csv"}) {
    EXPECT_TRUE(fs::exists(run / f)) << f;
    EXPECT_TRUE(fs::exists(again / f)) << f;
  }
}

TEST_F(Cli, CompareRejectsAPanelWithAMissingColumn) {
  const fs::path run = dir_ / "run";
  ASSERT_EQ(firmsim("run " + config() + " --firms 2000 --out " + run.string()).status, 0);
  // Edited by hand, the files are a researcher's own panel: no manifest.
  fs::remove(run / "panel_manifest.yaml");
  std::ifstream in(run / "firms.csv");
  std::string header, rest, line;
  std::getline(in, header);
  while (std::getline(in, line)) rest += line + "\n";
  in.close();
  std::ofstream(run / "firms.csv") << header.substr(header.find(',') + 1) << "\n" << rest;  // drops "replicate"...
  // ...which is optional, so also drop a required one.
  std::ofstream(run / "firm_years.csv") << "replicate,firm,year\n0,1,1998\n";
  const Outcome o = firmsim("compare " + run.string());
  EXPECT_EQ(o.status, 2) << o.output;
  EXPECT_NE(o.output.find("firm_years.csv:1: key 'industry': required column is missing"), std::string::npos)
      << o.output;
}

int count_rows(readstat_metadata_t* meta, void* ctx) {
  *static_cast<long*>(ctx) = readstat_get_row_count(meta);
  return READSTAT_HANDLER_OK;
}

TEST_F(Cli, StataOutputReadsBack) {
  const fs::path out = dir_ / "dta";
  const Outcome o = firmsim("run " + config() + " --firms 1000 --years 1998:2005 --format dta --out " + out.string());
  ASSERT_EQ(o.status, 0) << o.output;
  long rows = -1;
  readstat_parser_t* parser = readstat_parser_init();
  readstat_set_metadata_handler(parser, count_rows);
  const readstat_error_t e = readstat_parse_dta(parser, (out / "firm_years.dta").c_str(), &rows);
  readstat_parser_free(parser);
  ASSERT_EQ(e, READSTAT_OK) << readstat_error_message(e);
  EXPECT_GT(rows, 1000);
}

// --- evaluate ------------------------------------------------------------------

TEST_F(Cli, EvaluateWritesEffectsWithIntervals) {
  const std::string promo = testing::source_dir() + "/scenarios/export_promotion.yaml";
  const Outcome o = firmsim("evaluate " + config() + " --policy " + promo +
                            " --firms 1500 --replicates 2 --years 1997:2001 --quiet --out " + (dir_ / "ev").string());
  ASSERT_EQ(o.status, 0) << o.output;
  EXPECT_NE(o.output.find("public cost, EUR m"), std::string::npos) << o.output;
  EXPECT_NE(o.output.find("deadweight share of supported firms"), std::string::npos) << o.output;
  for (const char* f : {"effects.md", "effects.csv", "cost_effectiveness.svg", "effect_0.svg"})
    EXPECT_TRUE(fs::exists(dir_ / "ev" / f)) << f;
  std::ifstream csv(dir_ / "ev" / "effects.csv");
  std::string header;
  std::getline(csv, header);
  EXPECT_EQ(header, "program,group,measure,year,mean,lo,hi,replicates");
}

TEST_F(Cli, EvaluateBadInputIsStatus2AndWritesNothing) {
  const fs::path empty = dir_ / "no_program.yaml";
  std::ofstream(empty) << "scenario:\n  name: nothing\n";
  Outcome o = firmsim("evaluate " + config() + " --policy " + empty.string() + " --out " + (dir_ / "ev").string());
  EXPECT_EQ(o.status, 2) << o.output;
  EXPECT_NE(o.output.find("key 'policies'"), std::string::npos) << o.output;
  const std::string promo = testing::source_dir() + "/scenarios/export_promotion.yaml";
  o = firmsim("evaluate " + config() + " --policy " + promo + " --budget -5 --out " + (dir_ / "ev").string());
  EXPECT_EQ(o.status, 2) << o.output;
  EXPECT_NE(o.output.find("--budget"), std::string::npos) << o.output;
  EXPECT_FALSE(fs::exists(dir_ / "ev" / "effects.md"));
}

// --- experiment ----------------------------------------------------------------

TEST_F(Cli, ExperimentWritesEveryCellOfEveryVariant) {
  const std::string waterfall = testing::source_dir() + "/scenarios/waterfall_only.yaml";
  const Outcome o = firmsim("experiment " + config() + " --scenario " + waterfall +
                            " --firms 3000 --replicates 2 --quiet --out " + (dir_ / "ex").string());
  ASSERT_EQ(o.status, 0) << o.output;
  EXPECT_NE(o.output.find("waterfall only"), std::string::npos) << o.output;
  for (const char* f : {"experiment.md", "experiment.csv", "distance.svg", "firms_0.csv", "types_0.svg"})
    EXPECT_TRUE(fs::exists(dir_ / "ex" / f)) << f;
  std::ifstream csv(dir_ / "ex" / "experiment.csv");
  std::string header;
  std::getline(csv, header);
  EXPECT_EQ(header, "table,row,column,data,variant,mean,lo,hi,replicates,change,change_lo,change_hi,significant,large");
  EXPECT_NE(slurp(dir_ / "ex" / "experiment.md").find("`model.strategy.mode` 0 -> 1"), std::string::npos);
}

TEST_F(Cli, ExperimentRefusesScenariosThatCannotBeMatched) {
  const std::string same = write("same.yaml", "model:\n  strategy:\n    mode: 0\n");
  Outcome o = firmsim("experiment " + config() + " --scenario " + same + " --out " + (dir_ / "ex").string());
  EXPECT_EQ(o.status, 2) << o.output;
  EXPECT_NE(o.output.find(same + ":3: key 'model.strategy.mode'"), std::string::npos) << o.output;
  EXPECT_EQ(o.output.find('\n'), o.output.size() - 1) << "one line: " << o.output;
  const std::string firms = write("firms.yaml", "run:\n  firms: 5000\n");
  o = firmsim("experiment " + config() + " --scenario " + firms + " --out " + (dir_ / "ex").string());
  EXPECT_EQ(o.status, 2) << o.output;
  EXPECT_NE(o.output.find("key 'run.firms'"), std::string::npos) << o.output;
  EXPECT_FALSE(fs::exists(dir_ / "ex"));
}

// --- validate ------------------------------------------------------------------

TEST_F(Cli, ValidateWritesTheChecksTable) {
  const Outcome o = firmsim("validate " + config() + " --checks P1 P2 --firms 3000 --replicates 2 --quiet --out " +
                            (dir_ / "val").string());
  ASSERT_EQ(o.status, 0) << o.output;
  EXPECT_NE(o.output.find("| P1 crisis |"), std::string::npos) << o.output;
  EXPECT_NE(o.output.find("| P2 margins |"), std::string::npos) << o.output;
  std::ifstream csv(dir_ / "val" / "validation.csv");
  std::string header;
  std::getline(csv, header);
  EXPECT_EQ(header,
            "check,anchor,measure,published,simulated,simulated_lo,simulated_hi,replicates,design,design_estimate,"
            "design_lo,design_hi,pass,reading");
}

TEST_F(Cli, ValidateBadInputIsStatus2) {
  Outcome o = firmsim("validate " + config() + " --checks P9 --out " + (dir_ / "val").string());
  EXPECT_EQ(o.status, 2) << o.output;
  EXPECT_NE(o.output.find("--checks"), std::string::npos) << o.output;
  o = firmsim("validate " + config() + " --programs " + (dir_ / "nowhere").string());
  EXPECT_EQ(o.status, 2) << o.output;
  EXPECT_NE(o.output.find("--programs"), std::string::npos) << o.output;
  EXPECT_FALSE(fs::exists(dir_ / "val" / "validation.md"));
}

}  // namespace
}  // namespace firmsim
