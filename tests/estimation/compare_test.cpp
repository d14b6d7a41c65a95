// The comparison of simulated and published tables: cell statistics across
// replicates, the 95% interval rule, the distances, and the files written.
#include "estimation/compare.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "estimation/report.hpp"
#include "sim/input_error.hpp"
#include "tests/estimation/tables_test_panel.hpp"

namespace firmsim::est {
namespace {

namespace fs = std::filesystem;
using namespace firmsim::testpanel;

const double NaN = nan_value();

Table table(const std::string& id, Grid values) {
  Table t = make_table(id, id + " title", {"r1", "r2"}, {"c1", "c2"});
  t.values = std::move(values);
  return t;
}

// Published t_a = [[10, 0], [1, -]] with SE [[1, -], [0.5, -]]; t_b has no twin.
// Replicates: [[11, 0], [3, 5]] and [[12, 0], [-, 5]].
//  r1/c1: mean 11.5, sd 0.70711, diff 1.5 <= 1.96: inside, z 1.5, rel 1.5/21.5
//  r1/c2: 0 vs 0: rel 0, no SE
//  r2/c1: only 3 (the other replicate is empty): diff 2 > 0.98: outside, z 4, rel 0.5 (far)
//  r2/c2: no published value: not compared.
// Distance (1.5/21.5 + 0 + 0.5)/3 = 0.189922; z_rms sqrt((1.5^2 + 4^2)/2) = 3.020761.
struct Fixture {
  Targets targets;
  std::vector<std::vector<Table>> sims;
  Fixture() {
    Table a = table("t_a", {{10, 0}, {1, NaN}});
    a.se = {{1, NaN}, {0.5, NaN}};
    Table b = make_table("t_b", "t_b title", {"x"}, {"y"});
    b.values = {{1}};
    targets.tables = {a, b};
    sims = {{table("t_a", {{11, 0}, {3, 5}})}, {table("t_a", {{12, 0}, {NaN, 5}})}};
  }
};

// Tables 11, 12 and 15 print p-values: the comparison carries the published one and the
// mean simulated one over the replicates that have it.
TEST(Compare, PrintedPValuesSitBesideTheSimulatedOnes) {
  Table target = table("t_p", {{0.19, 0.15}, {NaN, NaN}});
  target.paren = {{0.059, NaN}, {NaN, NaN}};
  Table sim1 = table("t_p", {{0.2, 0.1}, {NaN, NaN}}), sim2 = table("t_p", {{0.3, 0.1}, {NaN, NaN}});
  sim1.paren = {{0.02, 0.5}, {NaN, NaN}};
  sim2.paren = {{0.04, 0.5}, {NaN, NaN}};
  Targets targets;
  targets.tables = {target};
  const Comparison c = compare_tables({{sim1}, {sim2}}, targets);
  ASSERT_EQ(c.tables.at(0).cells.size(), 2u);
  EXPECT_DOUBLE_EQ(c.tables[0].cells[0].empirical_p, 0.059);
  EXPECT_NEAR(c.tables[0].cells[0].simulated_p, 0.03, 1e-15);
  EXPECT_TRUE(std::isnan(c.tables[0].cells[1].empirical_p));  // the paper prints none there
  EXPECT_TRUE(std::isnan(c.tables[0].cells[1].simulated_p));
  std::ostringstream os;
  print_comparison(os, c);
  EXPECT_NE(os.str().find("p emp/sim"), std::string::npos);
  EXPECT_NE(os.str().find("0.059/0.03"), std::string::npos) << os.str();
}

TEST(Compare, CellsIntervalsAndDistance) {
  const Fixture f;
  const Comparison c = compare_tables(f.sims, f.targets);
  ASSERT_EQ(c.tables.size(), 2u);
  const TableComparison& a = c.tables[0];
  ASSERT_EQ(a.cells.size(), 3u);
  EXPECT_DOUBLE_EQ(a.cells[0].simulated, 11.5);
  EXPECT_NEAR(a.cells[0].sim_sd, std::sqrt(0.5), 1e-12);
  EXPECT_EQ(a.cells[0].sim_min, 11);
  EXPECT_EQ(a.cells[0].sim_max, 12);
  EXPECT_DOUBLE_EQ(a.cells[0].diff, 1.5);
  EXPECT_EQ(a.cells[0].within_ci, 1);
  EXPECT_EQ(a.cells[1].within_ci, -1);
  EXPECT_DOUBLE_EQ(a.cells[1].rel_diff, 0);
  EXPECT_EQ(a.cells[2].sim_n, 1);
  EXPECT_TRUE(std::isnan(a.cells[2].sim_sd));
  EXPECT_EQ(a.cells[2].within_ci, 0);
  EXPECT_DOUBLE_EQ(a.cells[2].z, 4);
  EXPECT_TRUE(a.cells[2].far_off());
  EXPECT_NEAR(a.distance, (1.5 / 21.5 + 0.5) / 3, 1e-12);
  EXPECT_NEAR(a.z_rms, std::sqrt((2.25 + 16) / 2), 1e-12);
  EXPECT_EQ(a.far, 1u);
  EXPECT_EQ(a.within, 1u);
  EXPECT_EQ(a.with_se, 2u);
  EXPECT_FALSE(c.tables[1].simulated);
  EXPECT_TRUE(std::isnan(c.tables[1].distance));
  EXPECT_NEAR(c.distance, a.distance, 1e-12);  // t_b has no distance
  EXPECT_EQ(worst_cells(c, 1).front().row, "r2");
}

TEST(Compare, WithinIntervalEdge) {
  Targets t;
  Table a = make_table("t", "t", {"r"}, {"c"});
  a.values = {{0}}, a.se = {{1}};
  t.tables = {a};
  Table in = a, out = a;
  in.values = {{1.96}}, out.values = {{1.97}};
  EXPECT_EQ(compare_tables({{in}}, t).tables[0].cells[0].within_ci, 1);
  EXPECT_EQ(compare_tables({{out}}, t).tables[0].cells[0].within_ci, 0);
}

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("firmsim_compare_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir;
}

std::vector<std::string> files_in(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(Compare, WritesMarkdownAndCsvAtomically) {
  const Fixture f;
  const Comparison c = compare_tables(f.sims, f.targets);
  const fs::path dir = fresh_dir("files");
  const auto written = write_comparison(c, dir.string());
  EXPECT_EQ(written.size(), 2u);  // no figure tables in this fixture
  EXPECT_EQ(files_in(dir), (std::vector<std::string>{"comparison.csv", "comparison.md"}));  // no temp files
  std::ifstream csv(dir / "comparison.csv");
  std::string header, line;
  std::getline(csv, header);
  EXPECT_EQ(header.rfind("table,row,column,empirical,simulated,sim_sd,diff,within_ci", 0), 0u);
  std::vector<std::string> lines;
  while (std::getline(csv, line)) lines.push_back(line);
  ASSERT_EQ(lines.size(), 4u);  // 3 cells of t_a, 1 of t_b
  EXPECT_EQ(lines[2].substr(0, 30), "t_a,r2,c1,1,3,,2,0,0.5,3,3,0.5");
  EXPECT_EQ(lines[3], "t_b,x,y,1,,,,,,,,,0,,");
  std::ifstream md(dir / "comparison.md");
  std::stringstream text;
  text << md.rdbuf();
  EXPECT_NE(text.str().find("Where the model is far off"), std::string::npos);
  EXPECT_NE(text.str().find("not simulated"), std::string::npos);
  fs::remove_all(dir);
}

TEST(Compare, UnwritableDirectoryIsAnInputError) {
  const fs::path dir = fresh_dir("blocked");
  fs::create_directories(dir);
  std::ofstream(dir / "file") << "x";
  EXPECT_THROW(write_comparison(compare_tables({}, Fixture().targets), (dir / "file" / "sub").string()), InputError);
  fs::remove_all(dir);
}

// End to end on a panel: every published table gets a simulated twin, the text report
// names the tables, and the four figures are written as SVG.
TEST(Compare, PanelAgainstThePublishedTables) {
  Panel p;
  p.meta = test_meta();
  p.meta.replicates = 2;
  for (int rep = 0; rep < 2; ++rep) {
    for (int k = 0; k < 6; ++k) {
      const int founded = k % 2 ? 1996 : 1980;
      add_firm(p, k + 1, k % 4, founded, false, rep);
      Row r = row(k + 1, 20.0f + 5.0f * static_cast<float>(k + rep));
      r.replicate = rep, r.industry = k % 4, r.founded = founded;
      for (int y = 1998; y <= 2005; ++y) {
        r.year = y;
        r.exports = y >= 2000 + k % 3 ? 3e5f : 0;
        r.xmask = r.exports > 0 ? (k == 1 ? mask({NL, DE, FR, LU, US}) : mask({NL})) : 0;
        r.imports = k == 3 ? 2e5f : 0, r.mmask = k == 3 ? mask({DE}) : 0;
        add_year(p, r);
      }
    }
  }
  const Targets targets = load_targets(default_targets_file());
  const Comparison c = compare_panel(p, targets);
  EXPECT_EQ(c.replicates, 2);
  ASSERT_EQ(c.tables.size(), targets.tables.size());
  for (const auto& t : c.tables) EXPECT_TRUE(t.simulated) << t.id;
  const TableComparison& t17 = c.tables[17];  // after sample_frame and Tables 1-16
  ASSERT_EQ(t17.id, "table_17");
  // Nobody exports before 2000 and firm 4 imports: 5 SMEs without trade in 1998, both replicates.
  EXPECT_DOUBLE_EQ(t17.cells[0].simulated, 5);
  EXPECT_DOUBLE_EQ(t17.cells[0].sim_sd, 0);
  std::ostringstream text;
  print_comparison(text, c);
  EXPECT_NE(text.str().find("== table_17"), std::string::npos);
  EXPECT_NE(text.str().find("Far-off tables:"), std::string::npos);
  const fs::path dir = fresh_dir("panel");
  write_comparison(c, dir.string());
  EXPECT_EQ(files_in(dir),
            (std::vector<std::string>{"comparison.csv", "comparison.md", "fig_exit_rates.svg", "fig_export_markets.svg",
                                      "fig_trade_status.svg", "fig_type_shares.svg"}));
  std::ifstream svg(dir / "fig_trade_status.svg");
  std::string first;
  std::getline(svg, first);
  EXPECT_EQ(first.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace firmsim::est
