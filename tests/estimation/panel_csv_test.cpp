// Reading a panel from CSV: a round trip through the writer, and clear InputErrors
// (file, line, column) for a researcher's malformed files.
#include "estimation/panel_csv.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "estimation/tables.hpp"
#include "sim/input_error.hpp"
#include "tests/estimation/tables_test_panel.hpp"

namespace firmsim::est {
namespace {

namespace fs = std::filesystem;
using namespace firmsim::testpanel;

Panel small_panel() {
  Panel p;
  p.meta = test_meta();
  add_firm(p, 7, 2, 1996);
  add_firm(p, 9, 0, 1980, true);
  Row a = row(7, 20);
  a.industry = 2, a.founded = 1996, a.rnd = std::nanf("");
  add_years(p, a, 1998, 1999);
  a.exports = 3e5f, a.xmask = mask({NL, DE, FR, LU, US}), a.imports = 1.5e5f, a.mmask = mask({CN});
  add_years(p, a, 2000, 2005);
  Row b = row(9, 120);
  b.exports = 2.5e6f, b.xmask = mask({PL, JP});
  add_years(p, b, 1998, 2005);
  FlowColumns& f = p.flows;
  f.replicate = {0, 0}, f.firm = {9, 9}, f.year = {1998, 1998}, f.market = {PL, JP};
  f.exports = {1.5e6f, 1e6f}, f.imports = {0, 0}, f.exports_true = {1.5e6f, 1e6f}, f.imports_true = {0, 0};
  return p;
}

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("firmsim_csv_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir;
}

// Replaces a file's text.
void put(const fs::path& file, const std::string& text) { std::ofstream(file, std::ios::trunc) << text; }

std::string read(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Replaces the first occurrence of `from` in a file.
void edit(const fs::path& file, const std::string& from, const std::string& to) {
  std::string text = read(file);
  const auto at = text.find(from);
  ASSERT_NE(at, std::string::npos) << from;
  put(file, text.replace(at, from.size(), to));
}

InputError read_error(const fs::path& dir) {
  try {
    read_panel_csv(dir.string());
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "no InputError";
  return InputError("", 0, "", "");
}

TEST(PanelCsv, RoundTrip) {
  const Panel p = small_panel();
  const fs::path dir = fresh_dir("round");
  write_panel_csv(p, dir.string());
  EXPECT_NE(read(dir / "firm_years.csv").find(",0x4f,"), std::string::npos);  // {NL,DE,FR,LU,US} in hex
  const Panel q = read_panel_csv(dir.string());
  EXPECT_EQ(q.meta.markets.size(), p.meta.markets.size());
  EXPECT_EQ(q.meta.markets[PL].eu_join_year, 2004);
  EXPECT_EQ(q.meta.industries[0].technology, "HT-MH");
  EXPECT_TRUE(q.meta.industries[0].globalized);
  EXPECT_EQ(q.firm_years.firm, p.firm_years.firm);
  EXPECT_EQ(q.firm_years.fte, p.firm_years.fte);
  EXPECT_EQ(q.firm_years.exports, p.firm_years.exports);
  EXPECT_EQ(q.firm_years.export_mask, p.firm_years.export_mask);
  EXPECT_EQ(q.firm_years.n_export_markets, p.firm_years.n_export_markets);
  EXPECT_TRUE(std::isnan(q.firm_years.rnd[0]));  // missing stays missing
  EXPECT_EQ(q.firms.exported_1993_1997, p.firms.exported_1993_1997);
  EXPECT_EQ(q.flows.market, p.flows.market);
  // The same tables from the panel and from its CSV copy.
  const Grid a = build_tables(q, 0)[16].values, b = build_tables(p, 0)[16].values;
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t r = 0; r < a.size(); ++r)
    for (std::size_t c = 0; c < a[r].size(); ++c)
      EXPECT_TRUE(a[r][c] == b[r][c] || (std::isnan(a[r][c]) && std::isnan(b[r][c])));
  for (const auto& e : fs::directory_iterator(dir)) EXPECT_NE(e.path().filename().string()[0], '.');
  fs::remove_all(dir);
}

TEST(PanelCsv, LatentColumnsAndFlowsMayBeAbsent) {
  const fs::path dir = fresh_dir("minimal");
  write_panel_csv(small_panel(), dir.string());
  put(dir / "firms.csv", "firm,industry,founding_year,exported_1993_1997\n7,2,1996,0\n9,0,1980,1\n");
  fs::remove(dir / "flows.csv");
  const Panel q = read_panel_csv(dir.string());
  EXPECT_EQ(q.firms.replicate, (std::vector<std::int32_t>{0, 0}));
  EXPECT_TRUE(std::isnan(q.firms.orientation[1]));
  EXPECT_EQ(q.flows.rows(), 0u);
  fs::remove_all(dir);
}

TEST(PanelCsv, MissingColumnNamesFileLineAndColumn) {
  const fs::path dir = fresh_dir("missing");
  write_panel_csv(small_panel(), dir.string());
  edit(dir / "firms.csv", "exported_1993_1997", "exported_before");
  const InputError e = read_error(dir);
  EXPECT_EQ(e.file(), (dir / "firms.csv").string());
  EXPECT_EQ(e.line(), 1);
  EXPECT_EQ(e.key(), "exported_1993_1997");
  fs::remove_all(dir);
}

TEST(PanelCsv, BadNumberNamesItsLine) {
  const fs::path dir = fresh_dir("badnumber");
  write_panel_csv(small_panel(), dir.string());
  // firm_years.csv: header on line 1, firm 7 in 1998 on line 2, in 1999 on line 3.
  std::string text = read(dir / "firm_years.csv");
  std::istringstream lines(text);
  std::string l1, l2, l3, rest;
  std::getline(lines, l1), std::getline(lines, l2), std::getline(lines, l3);
  std::getline(lines, rest, '\0');
  const auto fte_at = l3.find(",20,");
  ASSERT_NE(fte_at, std::string::npos);
  l3.replace(fte_at, 4, ",twenty,");
  put(dir / "firm_years.csv", l1 + "\n" + l2 + "\n" + l3 + "\n" + rest);
  const InputError e = read_error(dir);
  EXPECT_EQ(e.line(), 3);
  EXPECT_EQ(e.key(), "fte");
  EXPECT_NE(std::string(e.what()).find("twenty"), std::string::npos);
  fs::remove_all(dir);
}

TEST(PanelCsv, BadMaskAndBadInteger) {
  const fs::path dir = fresh_dir("badmask");
  write_panel_csv(small_panel(), dir.string());
  edit(dir / "firm_years.csv", ",0x4f,", ",0xZZ,");
  EXPECT_EQ(read_error(dir).key(), "export_mask");
  write_panel_csv(small_panel(), dir.string());
  edit(dir / "firms.csv", "\n0,9,0,", "\n0,9.5,0,");  // replicate 0, firm 9.5
  const InputError e = read_error(dir);
  EXPECT_EQ(e.file(), (dir / "firms.csv").string());
  EXPECT_EQ(e.line(), 3);
  EXPECT_EQ(e.key(), "firm");
  fs::remove_all(dir);
}

TEST(PanelCsv, EmptyFileAndNoRows) {
  const fs::path dir = fresh_dir("empty");
  write_panel_csv(small_panel(), dir.string());
  put(dir / "firms.csv", "");
  InputError e = read_error(dir);
  EXPECT_EQ(e.file(), (dir / "firms.csv").string());
  EXPECT_EQ(e.line(), 1);
  write_panel_csv(small_panel(), dir.string());
  const std::string header = read(dir / "firm_years.csv").substr(0, read(dir / "firm_years.csv").find('\n') + 1);
  put(dir / "firm_years.csv", header);
  e = read_error(dir);
  EXPECT_EQ(e.file(), (dir / "firm_years.csv").string());
  EXPECT_NE(std::string(e.what()).find("no data rows"), std::string::npos);
  fs::remove_all(dir);
}

TEST(PanelCsv, CrossFileChecks) {
  const fs::path dir = fresh_dir("cross");
  write_panel_csv(small_panel(), dir.string());
  put(dir / "firms.csv", "firm,industry,founding_year,exported_1993_1997\n9,0,1980,1\n");  // firm 7 missing
  InputError e = read_error(dir);
  EXPECT_EQ(e.key(), "firm");
  EXPECT_EQ(e.line(), 2);
  write_panel_csv(small_panel(), dir.string());
  put(dir / "firms.csv", "firm,industry,founding_year,exported_1993_1997\n7,4,1996,0\n9,0,1980,1\n");
  e = read_error(dir);
  EXPECT_EQ(e.key(), "industry");  // only 4 industries: 0..3
  write_panel_csv(small_panel(), dir.string());
  edit(dir / "panel_meta.yaml", "technology: HT-MH", "technology: high");
  e = read_error(dir);
  EXPECT_EQ(e.file(), (dir / "panel_meta.yaml").string());
  EXPECT_EQ(e.key(), "industries[0].technology");
  fs::remove_all(dir);
}

TEST(PanelCsv, WrongFieldCount) {
  const fs::path dir = fresh_dir("fields");
  write_panel_csv(small_panel(), dir.string());
  put(dir / "firms.csv", "firm,industry,founding_year,exported_1993_1997\n7,2,1996\n9,0,1980,1\n");
  const InputError e = read_error(dir);
  EXPECT_EQ(e.line(), 2);
  fs::remove_all(dir);
}

// --- Panels compare must refuse (issue 8, item 4) -------------------------------------

TEST(PanelCsv, InfiniteAndOutOfFloatRangeValues) {
  const fs::path dir = fresh_dir("inf");
  for (const char* bad : {"inf", "-Infinity", "1e39", "1e400"}) {
    write_panel_csv(small_panel(), dir.string());
    edit(dir / "firm_years.csv", ",20,", std::string(",") + bad + ",");
    const InputError e = read_error(dir);
    EXPECT_EQ(e.key(), "fte") << bad;
    EXPECT_NE(std::string(e.what()).find("finite"), std::string::npos) << e.what();
  }
  fs::remove_all(dir);
}

TEST(PanelCsv, FlowsOfFirmsNotInThePanel) {
  const fs::path dir = fresh_dir("flowfirm");
  write_panel_csv(small_panel(), dir.string());
  const std::string flows = read(dir / "flows.csv");
  put(dir / "flows.csv", flows + "0,42,1998,3,1000,0,1000,0\n");
  const InputError e = read_error(dir);
  EXPECT_EQ(e.file(), (dir / "flows.csv").string());
  EXPECT_EQ(e.line(), 4);
  EXPECT_EQ(e.key(), "firm");
  fs::remove_all(dir);
}

TEST(PanelCsv, DuplicatedColumnNames) {
  const fs::path dir = fresh_dir("dupcol");
  write_panel_csv(small_panel(), dir.string());
  put(dir / "firms.csv", "firm,industry,founding_year,exported_1993_1997,industry\n7,2,1996,0,1\n9,0,1980,1,0\n");
  const InputError e = read_error(dir);
  EXPECT_EQ(e.line(), 1);
  EXPECT_EQ(e.key(), "industry");
  EXPECT_NE(std::string(e.what()).find("fields 2 and 5"), std::string::npos) << e.what();
  fs::remove_all(dir);
}

TEST(PanelCsv, ConflictingDuplicateFirmAndFirmYearRows) {
  const fs::path dir = fresh_dir("dupfirm");
  write_panel_csv(small_panel(), dir.string());
  put(dir / "firms.csv", "firm,industry,founding_year,exported_1993_1997\n7,2,1996,0\n9,0,1980,1\n7,1,1990,1\n");
  InputError e = read_error(dir);
  EXPECT_EQ(e.line(), 4);
  EXPECT_NE(std::string(e.what()).find("also has line 2"), std::string::npos) << e.what();
  write_panel_csv(small_panel(), dir.string());
  std::string fy = read(dir / "firm_years.csv");
  const std::string second = fy.substr(fy.find('\n') + 1, fy.find('\n', fy.find('\n') + 1) - fy.find('\n'));
  put(dir / "firm_years.csv", fy + second);  // firm 7's 1998 row again
  e = read_error(dir);
  EXPECT_EQ(e.key(), "year");
  EXPECT_NE(std::string(e.what()).find("also has line 2"), std::string::npos) << e.what();
  fs::remove_all(dir);
}

TEST(PanelCsv, MetaDeclaringReplicatesWithoutData) {
  const fs::path dir = fresh_dir("reps");
  write_panel_csv(small_panel(), dir.string());
  edit(dir / "panel_meta.yaml", "replicates: 1", "replicates: 2");
  const InputError e = read_error(dir);
  EXPECT_EQ(e.file(), (dir / "panel_meta.yaml").string());
  EXPECT_EQ(e.key(), "replicates");
  EXPECT_NE(std::string(e.what()).find("replicate 1"), std::string::npos) << e.what();
  fs::remove_all(dir);
}

TEST(PanelCsv, LastLineCutMidField) {
  const fs::path dir = fresh_dir("cut");
  write_panel_csv(small_panel(), dir.string());
  std::string fy = read(dir / "firm_years.csv");
  fy.resize(fy.size() - 3);  // the last field loses its end and the line end
  put(dir / "firm_years.csv", fy);
  const InputError e = read_error(dir);
  EXPECT_EQ(e.file(), (dir / "firm_years.csv").string());
  EXPECT_NE(std::string(e.what()).find("cut short"), std::string::npos) << e.what();
  fs::remove_all(dir);
}

TEST(PanelCsv, YearsOutsideTheMetaWindow) {
  const fs::path dir = fresh_dir("years");
  write_panel_csv(small_panel(), dir.string());
  edit(dir / "panel_meta.yaml", "last_year: 2005", "last_year: 2004");
  EXPECT_EQ(read_error(dir).key(), "year");
  fs::remove_all(dir);
}

TEST(PanelCsv, ADirectoryIsNotAPanelFile) {
  const fs::path dir = fresh_dir("dirfile");
  write_panel_csv(small_panel(), dir.string());
  fs::remove(dir / "firms.csv");
  fs::create_directories(dir / "firms.csv");
  EXPECT_NE(std::string(read_error(dir).what()).find("is a directory"), std::string::npos);
  fs::remove_all(dir);
  EXPECT_NE(std::string(read_error(dir).what()).find("no such panel directory"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir));
}

// --- Impossible values (issue 20, item 3) ---------------------------------------------
// A researcher's own panel (no manifest) gets the same checks as a run's.

// Sets the cell of `column` on line `line_no` (1 = the header) of a CSV file.
void set_cell(const fs::path& file, int line_no, const std::string& column, const std::string& value) {
  std::istringstream in(read(file));
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  const auto fields = [](const std::string& l) {
    std::vector<std::string> out;
    std::string f;
    std::istringstream s(l);
    while (std::getline(s, f, ',')) out.push_back(f);
    if (!l.empty() && l.back() == ',') out.push_back("");
    return out;
  };
  const std::vector<std::string> header = fields(lines[0]);
  std::vector<std::string> row = fields(lines[static_cast<std::size_t>(line_no - 1)]);
  std::size_t k = 0;
  while (k < header.size() && header[k] != column) ++k;
  ASSERT_LT(k, header.size()) << column;
  row[k] = value;
  std::string joined;
  for (std::size_t j = 0; j < row.size(); ++j) joined += (j ? "," : "") + row[j];
  lines[static_cast<std::size_t>(line_no - 1)] = joined;
  std::string text;
  for (const std::string& l : lines) text += l + "\n";
  put(file, text);
}

struct Impossible {
  const char* file;
  int line;
  const char* column;
  std::string value;
  const char* says;
};

TEST(PanelCsv, ImpossibleValuesNameFileLineColumnAndValue) {
  const fs::path dir = fresh_dir("impossible");
  // firm_years.csv line 2: firm 7 in 1998 (founded 1996); line 4: firm 7 in 2000, an exporter.
  const std::vector<Impossible> cases = {
      {"firm_years.csv", 3, "fte", "-5", "-5"},
      {"firm_years.csv", 3, "fte", "nan", "missing value"},
      {"firm_years.csv", 3, "fte", "", "missing value"},
      {"firm_years.csv", 4, "exports", "-1000", "-1000"},
      {"firm_years.csv", 4, "exports", "NA", "missing value"},
      {"firm_years.csv", 3, "imports", "-1", "-1"},
      {"firm_years.csv", 3, "turnover", "-3", "-3"},
      {"firm_years.csv", 3, "alive", "2", "out of range [0, 1]"},
      {"firm_years.csv", 3, "latent_strategy", "7", "out of range [0, 2]"},
      {"firm_years.csv", 2, "founding_year", "1999", "after the row's year 1998"},
      {"firm_years.csv", 4, "n_export_markets", "3", "not the number of markets in export_mask"},
      {"firm_years.csv", 4, "export_mask", "0x10000000", "beyond the 13"},
      {"firm_years.csv", 3, "fte", std::string("2\0", 2) + "0", "NUL byte"},
      {"firms.csv", 2, "exported_1993_1997", "3", "out of range [0, 1]"},
      {"firms.csv", 2, "latent_strategy", "9", "out of range [0, 2]"},
      {"firms.csv", 2, "exit_year", "1990", "before the founding year"},
      {"firms.csv", 2, "firm", "-7", "out of range"},
      {"flows.csv", 2, "exports", "-1", "-1"},
      {"flows.csv", 2, "exports", "", "missing value"},
      {"flows.csv", 2, "market", "3", "no such market in export_mask"},
  };
  for (const Impossible& c : cases) {
    write_panel_csv(small_panel(), dir.string());
    set_cell(dir / c.file, c.line, c.column, c.value);
    const InputError e = read_error(dir);
    const std::string what = e.what();
    EXPECT_EQ(e.file(), (dir / c.file).string()) << c.column << " " << what;
    EXPECT_EQ(e.line(), c.line) << c.column << " " << what;
    // A flow's market is checked against its firm-year's mask, and reported on the value that disagrees.
    EXPECT_EQ(e.key(), std::string(c.column) == "market" ? "exports" : c.column) << what;
    EXPECT_NE(what.find(c.says), std::string::npos) << c.column << "=" << c.value << ": " << what;
  }
  fs::remove_all(dir);
}

TEST(PanelCsv, AFlowsFileWithOnlyItsHeaderIsRefusedWhenFirmsTrade) {
  const fs::path dir = fresh_dir("flowsheader");
  write_panel_csv(small_panel(), dir.string());
  const std::string flows = read(dir / "flows.csv");
  put(dir / "flows.csv", flows.substr(0, flows.find('\n') + 1));
  const InputError e = read_error(dir);
  EXPECT_EQ(e.file(), (dir / "flows.csv").string());
  EXPECT_NE(std::string(e.what()).find("the flows are missing"), std::string::npos) << e.what();
  // A flow whose firm has no row that year (firm 9's 1998 row, line 10, dropped).
  write_panel_csv(small_panel(), dir.string());
  std::string fy = read(dir / "firm_years.csv");
  std::size_t at = 0;
  for (int l = 1; l < 10; ++l) at = fy.find('\n', at) + 1;
  put(dir / "firm_years.csv", fy.erase(at, fy.find('\n', at) + 1 - at));
  const InputError year = read_error(dir);
  EXPECT_EQ(year.file(), (dir / "flows.csv").string());
  EXPECT_EQ(year.line(), 2);
  EXPECT_NE(std::string(year.what()).find("no row in firm_years.csv for 1998"), std::string::npos) << year.what();
  // Without flows.csv at all the masks are used, as documented.
  fs::remove(dir / "flows.csv");
  EXPECT_NO_THROW(read_panel_csv(dir.string()));
  fs::remove_all(dir);
}

TEST(PanelCsv, MissingValuesStayAllowedWhereRealDataHasThem) {
  const fs::path dir = fresh_dir("missingok");
  write_panel_csv(small_panel(), dir.string());
  for (const char* column : {"value_added", "turnover", "fixed_assets", "intangible_assets", "rnd", "tfp",
                             "exports_true", "imports_true"})
    set_cell(dir / "firm_years.csv", 3, column, "NA");
  set_cell(dir / "firms.csv", 2, "orientation", "");
  const Panel p = read_panel_csv(dir.string());
  EXPECT_TRUE(std::isnan(p.firm_years.tfp[1]));
  EXPECT_TRUE(std::isnan(p.firms.orientation[0]));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace firmsim::est
