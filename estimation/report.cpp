#include "estimation/report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "estimation/svg.hpp"
#include "sim/atomic_file.hpp"
#include "sim/input_error.hpp"

namespace firmsim::est {

namespace fs = std::filesystem;

void write_text_atomic(const std::string& dir, const std::string& name, const std::string& text) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  write_file_atomically((fs::path(dir) / name).string(), text);
}

namespace {

std::string num(double v) {
  if (!std::isfinite(v)) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string md_cell(const std::string& s) {
  std::string out;
  for (char c : s) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

std::string ci_word(int within) { return within < 0 ? "" : within ? "yes" : "no"; }

}  // namespace

std::string comparison_csv(const Comparison& c) {
  std::ostringstream s;
  s << "table,row,column,empirical,simulated,sim_sd,diff,within_ci,empirical_se,sim_min,sim_max,rel_diff,far_off,"
       "empirical_p,simulated_p\n";
  for (const auto& t : c.tables)
    for (const auto& cell : t.cells)
      s << csv_field(cell.table) << ',' << csv_field(cell.row) << ',' << csv_field(cell.column) << ','
        << num(cell.empirical) << ',' << num(cell.simulated) << ',' << num(cell.sim_sd) << ',' << num(cell.diff) << ','
        << (cell.within_ci < 0 ? "" : std::to_string(cell.within_ci)) << ',' << num(cell.empirical_se) << ','
        << num(cell.sim_min) << ',' << num(cell.sim_max) << ',' << num(cell.rel_diff) << ',' << (cell.far_off() ? 1 : 0)
        << ',' << num(cell.empirical_p) << ',' << num(cell.simulated_p) << '\n';
  return s.str();
}

namespace {

void markdown_summary(std::ostringstream& s, const Comparison& c) {
  s << "# Simulated vs published tables (" << (c.source.empty() ? "seed 000, Belgian SMEs 1998-2005" : c.source)
    << ")\n\n"
    << (c.targets_file.empty() ? "" : "Targets: `" + c.targets_file + "`. ") << "Replicates: " << c.replicates
    << ". How the shipped default (estimated by simulated moments, docs/calibration/) fits these tables, "
       "and where it misses, is in the README under \"Where the model stands\".\n\n";
  if (!c.window_note.empty()) s << "**" << c.window_note << "**\n\n";
  s << "Distance of a table = mean over its comparable cells of |sim - emp| / (|sim| + |emp|) "
    << "(0 = equal, 1/3 = off by a factor of 2, 1 = opposite sign or one side zero). "
    << "A cell or table is *far off* above 1/3. Where the paper prints a standard error, "
    << "\"in 95% CI\" says whether the simulated mean lies within emp +- 1.96 SE.\n\n"
    << "Overall distance: **" << num(c.distance) << "**; " << c.far << " of " << c.comparable << " cells far off; "
    << c.within << " of " << c.with_se << " cells with an SE inside the 95% CI"
    << (c.with_se ? " (z_rms " + num(c.z_rms) + ")" : std::string()) << ".\n\n"
    << "| table | title | cells | distance | far off | in CI | verdict |\n|---|---|---|---|---|---|---|\n";
  for (const auto& t : c.tables) {
    const std::string verdict = !t.simulated || !t.comparable ? "not simulated" : t.far_off() ? "**far off**" : "close";
    s << "| " << t.id << " | " << md_cell(t.title) << " | " << t.comparable << " | " << num(t.distance) << " | "
      << t.far << " | " << (t.with_se ? std::to_string(t.within) + "/" + std::to_string(t.with_se) : "") << " | "
      << verdict << " |\n";
  }
}

void markdown_far_off(std::ostringstream& s, const Comparison& c) {
  s << "\n## Where the model is far off\n\n";
  for (const auto& t : c.tables)
    if (t.far_off()) s << "- " << t.id << " (" << md_cell(t.title) << "): distance " << num(t.distance) << "\n";
  s << "\nThe 15 cells furthest from the paper:\n\n| table | row | column | published | simulated | rel. diff |\n"
    << "|---|---|---|---|---|---|\n";
  for (const auto& cell : worst_cells(c, 15))
    s << "| " << cell.table << " | " << md_cell(cell.row) << " | " << md_cell(cell.column) << " | "
      << num(cell.empirical) << " | " << num(cell.simulated) << " | " << num(cell.rel_diff) << " |\n";
}

void markdown_table(std::ostringstream& s, const TableComparison& t) {
  s << "\n### " << t.id << ": " << md_cell(t.title) << "\n\n";
  if (!t.simulated) {
    s << "Not simulated.\n";
    return;
  }
  for (const auto& n : t.notes) s << "- note: " << md_cell(n) << "\n";
  const bool p_values =
      std::any_of(t.cells.begin(), t.cells.end(), [](const CellComparison& c) { return std::isfinite(c.empirical_p); });
  s << "\n| row | column | published | simulated | sd | min-max | diff | in 95% CI |"
    << (p_values ? " p published | p simulated |" : "") << " |\n"
    << "|---|---|---|---|---|---|---|---|" << (p_values ? "---|---|" : "") << "---|\n";
  for (const auto& cell : t.cells) {
    s << "| " << md_cell(cell.row) << " | " << md_cell(cell.column) << " | " << num(cell.empirical) << " | "
      << num(cell.simulated) << " | " << num(cell.sim_sd) << " | "
      << (cell.sim_n > 1 ? num(cell.sim_min) + " - " + num(cell.sim_max) : "") << " | " << num(cell.diff) << " | "
      << ci_word(cell.within_ci) << " | ";
    if (p_values) s << num(cell.empirical_p) << " | " << num(cell.simulated_p) << " | ";
    s << (cell.far_off() ? "far off" : "") << " |\n";
  }
}

}  // namespace

std::string comparison_markdown(const Comparison& c) {
  std::ostringstream s;
  markdown_summary(s, c);
  markdown_far_off(s, c);
  s << "\n## Tables\n";
  for (const auto& t : c.tables) markdown_table(s, t);
  return s.str();
}

namespace {

const TableComparison* find(const Comparison& c, const std::string& id) {
  for (const auto& t : c.tables)
    if (t.id == id && t.simulated) return &t;
  return nullptr;
}

// Published and simulated values of a table on the given labels (NaN where absent).
std::pair<Grid, Grid> grids(const TableComparison& t, const std::vector<std::string>& rows,
                            const std::vector<std::string>& cols) {
  Grid e = nan_grid(rows.size(), cols.size()), s = e;
  for (const auto& cell : t.cells)
    for (std::size_t r = 0; r < rows.size(); ++r)
      for (std::size_t k = 0; k < cols.size(); ++k)
        if (cell.row == rows[r] && cell.column == cols[k]) e[r][k] = cell.empirical, s[r][k] = cell.simulated;
  return {e, s};
}

std::vector<double> column(const Grid& g, std::size_t k) {
  std::vector<double> out;
  for (const auto& row : g) out.push_back(row[k]);
  return out;
}

const char* kPublished = "#7f7f7f";
const char* kSimulated = "#1f77b4";

// Shares of the four types among the typed new exporters (Table 6 row totals).
std::string type_share_figure(const TableComparison& t) {
  const std::vector<std::string> types = {"BG", "BI", "TI", "BAG", "total"};
  const auto [e, s] = grids(t, types, {"total"});
  std::vector<double> pe, ps;
  for (std::size_t r = 0; r < 4; ++r) pe.push_back(100 * e[r][0] / e[4][0]), ps.push_back(100 * s[r][0] / s[4][0]);
  return svg_grouped_bars("Types of new exporters (share of typed, %; Table 6)", {"BG", "BI", "TI", "BAG"},
                          {{"published", pe, kPublished}, {"simulated", ps, kSimulated}}, "percent");
}

std::string exit_rate_figure(const TableComparison& t) {
  const std::vector<std::string> groups = {"old traders", "old non-traders", "young non-traders", "BG", "BI", "TI"};
  const auto [e, s] = grids(t, groups, {"exit rate"});
  return svg_grouped_bars("Exit rate by group 1998-2005 (Table 16)", groups,
                          {{"published", column(e, 0), kPublished}, {"simulated", column(s, 0), kSimulated}},
                          "exit rate");
}

std::string heatmap_figure(const TableComparison& t, const std::string& title, const std::vector<std::string>& rows,
                           const std::vector<std::string>& cols) {
  const auto [e, s] = grids(t, rows, cols);
  return svg_heatmaps(title, rows, cols, {{"published", e}, {"simulated", s}}, 100);
}

}  // namespace

std::vector<std::string> write_comparison(const Comparison& c, const std::string& dir) {
  std::vector<std::string> written = {"comparison.md", "comparison.csv"};
  write_text_atomic(dir, "comparison.md", comparison_markdown(c));
  write_text_atomic(dir, "comparison.csv", comparison_csv(c));
  auto figure = [&](const std::string& name, const std::string& svg) {
    write_text_atomic(dir, name, svg);
    written.push_back(name);
  };
  if (const auto* t = find(c, "table_06")) figure("fig_type_shares.svg", type_share_figure(*t));
  if (const auto* t = find(c, "table_16")) figure("fig_exit_rates.svg", exit_rate_figure(*t));
  if (const auto* t = find(c, "table_17"))
    figure("fig_trade_status.svg", heatmap_figure(*t, "Trade status 1998 -> 2005, % of row (Table 17)",
                                                  {"no trade", "import only", "export only", "two way trade", "total"},
                                                  {"2005: exit", "2005: no trade", "2005: import only",
                                                   "2005: export only", "2005: two way trade"}));
  if (const auto* t = find(c, "table_23_pct"))
    figure("fig_export_markets.svg", heatmap_figure(*t, "Number of export markets 1998 -> 2005, % of row (Table 23)",
                                                    {"1", "2", "3", "4", "5", "6-10", "11-25", "26-50", ">50", "total"},
                                                    {"0", "1", "2", "3", "4", "5", "6-10", "11-25", "26-50", ">50"}));
  return written;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace firmsim::est
