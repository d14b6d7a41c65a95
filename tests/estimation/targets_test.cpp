// Loading seed 000's published tables from configs/targets, and clear errors for a
// malformed targets file.
#include "estimation/targets.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "sim/input_error.hpp"

namespace firmsim::est {
namespace {

namespace fs = std::filesystem;

const Targets& targets() {
  static const Targets t = load_targets(default_targets_file());
  return t;
}

TEST(Targets, LoadsEveryTable) {
  // The dataset's counts (sample_frame), Tables 1-22, 23 (counts), 23_pct (row percent), 24, 25.
  EXPECT_EQ(targets().tables.size(), 27u);
  EXPECT_EQ(targets().find("sample_frame")->at("large firms", "firms"), 1009);
  EXPECT_EQ(targets().source, "000_ded72f1282c52074.txt");
  EXPECT_NE(targets().find("table_23_pct"), nullptr);
  EXPECT_EQ(targets().find("table_99"), nullptr);
}

TEST(Targets, Cells) {
  const Table& t17 = *targets().find("table_17");
  EXPECT_EQ(t17.at("no trade", "2005: no trade"), 76);
  EXPECT_EQ(t17.at("total", "# SMEs active in 1998"), 29457);
  EXPECT_EQ(targets().find("table_01")->at("total", "% SMEs in total export"), 39);
  EXPECT_EQ(targets().find("table_06")->at("BG", "HT-MH global"), 195);
  EXPECT_DOUBLE_EQ(targets().find("table_02")->at("continue export", "∆ SME"), 12504);
  EXPECT_TRUE(std::isnan(targets().find("table_02")->at("stop export", "% SMEs")));
  EXPECT_TRUE(std::isnan(t17.at("no such row", "2005: no trade")));
}

TEST(Targets, StandardErrorsPValuesAndStatistics) {
  const Table& t16 = *targets().find("table_16");
  ASSERT_EQ(t16.se.size(), 6u);
  EXPECT_DOUBLE_EQ(t16.se[0][0], 0.0086991);
  EXPECT_DOUBLE_EQ(t16.stat[0][2], -3.3794);
  EXPECT_TRUE(std::isnan(t16.values[0][1]));  // the diagonal is empty
  const Table& t13 = *targets().find("table_13");
  EXPECT_DOUBLE_EQ(t13.stat[4][0], -5.02);  // z
  const Table& t11 = *targets().find("table_11");
  EXPECT_TRUE(t11.se.empty());  // its parentheses are p-values
  EXPECT_DOUBLE_EQ(t11.paren[3][0], 0.033);
  EXPECT_DOUBLE_EQ(t11.stat_value("n_obs"), 4986);
  EXPECT_DOUBLE_EQ(targets().find("table_09")->stat_value("n_obs: log employment"), 29455);
  EXPECT_DOUBLE_EQ(targets().find("table_07")->stat_value("chi_square"), 964);
}

// Writes a targets file into a fresh temporary directory.
std::string write_temp(const std::string& name, const std::string& text) {
  const fs::path dir = fs::temp_directory_path() / ("firmsim_targets_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path file = dir / name;
  std::ofstream(file) << text;
  return file.string();
}

const char* kHeader =
    "source: test\n"
    "tables:\n"
    "  - id: table_x\n"
    "    title: \"x\"\n"
    "    row_labels: [a, b]\n"
    "    column_labels: [c1, c2, c3]\n"
    "    values:\n";

TEST(Targets, RowOfTheWrongLengthNamesItsLine) {
  const std::string file = write_temp("short_row.yaml", std::string(kHeader) + "      - [1, 2, 3]\n      - [4, 5]\n");
  try {
    load_targets(file);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 9);  // the line of "- [4, 5]"
    EXPECT_EQ(e.file(), file);
    EXPECT_NE(std::string(e.what()).find("2 cells"), std::string::npos) << e.what();
  }
}

TEST(Targets, NonNumericCellNamesItsLine) {
  const std::string file =
      write_temp("text_cell.yaml", std::string(kHeader) + "      - [1, 2, 3]\n      - [4, five, 6]\n");
  try {
    load_targets(file);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 9);
    EXPECT_NE(e.key().find("values[1][1]"), std::string::npos) << e.key();
  }
}

TEST(Targets, MissingKeyAndMissingFile) {
  const std::string file = write_temp("no_values.yaml",
                                      "tables:\n  - id: table_x\n    title: x\n    row_labels: [a]\n"
                                      "    column_labels: [b]\n");
  try {
    load_targets(file);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.key(), "tables[0].values");
    EXPECT_EQ(e.line(), 2);
  }
  EXPECT_THROW(load_targets(file + ".absent"), InputError);
}

TEST(Targets, NullCellsAreNaN) {
  const std::string file = write_temp("nulls.yaml", std::string(kHeader) + "      - [1, null, 3]\n      - [4, 5, 6]\n");
  const Targets t = load_targets(file);
  EXPECT_TRUE(std::isnan(t.tables[0].values[0][1]));
  EXPECT_EQ(t.tables[0].at("b", "c3"), 6);
}

// The recovery experiment's targets: tables written by targets_yaml read back
// cell for cell (values to the last bit, empty cells, standard errors, p-values,
// labels with quotes and unicode), with the window it was given.
TEST(Targets, WrittenTablesReadBackExactly) {
  Table a = make_table("table_02", "Export growth \"SMEs\": 1998-2005", {"continue export", "total"},
                       {"total ∆", "% SMEs"});
  a.values = {{0.1 + 0.2, -16753.25}, {1e-300, nan_value()}};
  Table b = make_table("table_16", "exit", {"BG"}, {"exit rate"});
  b.values = {{0.19775}};
  b.se = {{0.044}};
  b.paren = {{0.0123456789012345}};
  const Table empty = make_table("table_12", "not estimated", {}, {});
  const std::string file = write_temp(
      "written.yaml", targets_yaml({a, b, empty}, {"simulated at known parameters", 1998, 2003, 1990, 1997}));
  const Targets t = load_targets(file);
  EXPECT_EQ(t.source, "simulated at known parameters");
  EXPECT_EQ(t.sample_last_year, 2003);
  EXPECT_EQ(t.dummy_first_year, 1990);
  ASSERT_EQ(t.tables.size(), 2u);  // the empty table is left out
  const Table& a2 = *t.find("table_02");
  EXPECT_EQ(a2.title, a.title);
  EXPECT_EQ(a2.column_labels, a.column_labels);
  EXPECT_EQ(a2.values[0][0], 0.1 + 0.2);  // bit for bit
  EXPECT_EQ(a2.values[0][1], -16753.25);
  EXPECT_EQ(a2.values[1][0], 1e-300);
  EXPECT_TRUE(std::isnan(a2.values[1][1]));
  EXPECT_TRUE(a2.se.empty());
  const Table& b2 = *t.find("table_16");
  EXPECT_EQ(b2.se[0][0], 0.044);
  EXPECT_EQ(b2.paren[0][0], 0.0123456789012345);
}

}  // namespace
}  // namespace firmsim::est
