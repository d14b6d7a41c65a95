#include "policy/experiment_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>

#include "estimation/report.hpp"
#include "estimation/svg.hpp"
#include "policy/report.hpp"
#include "sim/input_error.hpp"

namespace firmsim::policy {

using est::csv_field;

namespace {

// Cells hold percentages, EUR millions, counts and coefficients alike: four
// significant digits read well for all of them.
std::string num(double v) {
  if (!std::isfinite(v)) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v + 0.0);
  return buf;
}

std::string signed_num(double v) { return std::isfinite(v) && v > 0 ? "+" + num(v) : num(v); }

std::string interval(const Interval& i, bool sign = false) {
  if (i.n == 0) return "-";
  const std::string mean = sign ? signed_num(i.mean) : num(i.mean);
  if (i.n < 2) return mean;
  return mean + " [" + num(i.lo) + ", " + num(i.hi) + "]";
}

std::string md_cell(std::string s) {  // a table cell: no pipes
  std::replace(s.begin(), s.end(), '|', '/');
  return s;
}

std::string csv_num(double v) {
  if (!std::isfinite(v)) return "";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.10g", v + 0.0);
  return buf;
}

std::size_t count_headlines(const Experiment& e, int v) { return headline_cells(e, v).size(); }

// Headline cells of one scenario grouped by table, in the targets' order.
std::vector<std::pair<std::string, std::vector<const CellEffect*>>> by_table(const std::vector<const CellEffect*>& cells,
                                                                             const Experiment& e) {
  std::vector<std::pair<std::string, std::vector<const CellEffect*>>> groups;
  for (const est::TableComparison& t : e.fits.at(0).tables) {
    std::vector<const CellEffect*> in;
    for (const CellEffect* c : cells)
      if (c->table == t.id) in.push_back(c);
    if (!in.empty()) groups.emplace_back(t.id, std::move(in));
  }
  return groups;
}

std::string table_title(const Experiment& e, const std::string& id) {
  for (const est::TableComparison& t : e.fits.at(0).tables)
    if (t.id == id) return t.title;
  return id;
}

void distance_rows(std::ostream& out, const Experiment& e, bool markdown) {
  if (markdown) out << "| variant | distance to the data | cells off by 2x or more | cells the scenario moves |\n|---|---|---|---|\n";
  for (int v = 0; v < e.variants(); ++v) {
    const est::Comparison& c = e.fits[static_cast<std::size_t>(v)];
    const std::string far = std::to_string(c.far) + " of " + std::to_string(c.comparable);
    const std::string moved = v == 0 ? "-" : std::to_string(count_headlines(e, v));
    if (markdown) {
      out << "| " << md_cell(e.variant_name(v)) << " | " << num(c.distance) << " | " << far << " | " << moved << " |\n";
    } else {
      char line[200];
      std::snprintf(line, sizeof line, "  %-28s %8s %16s %8s\n", e.variant_name(v).substr(0, 28).c_str(),
                    num(c.distance).c_str(), far.c_str(), moved.c_str());
      out << line;
    }
  }
}

void headline_table(std::ostream& out, const Experiment& e, int v, std::size_t per_table) {
  const std::vector<const CellEffect*> cells = headline_cells(e, v);
  if (cells.empty()) {
    out << "No cell moves significantly and by " << static_cast<int>(kLargeChange * 100)
        << "% of the two levels or more.\n\n";
    return;
  }
  for (const auto& [id, group] : by_table(cells, e)) {
    out << "**" << md_cell(table_title(e, id)) << "** (`" << id << "`): " << group.size() << " cell(s)\n\n"
        << "| row | column | data | baseline | scenario | change [95%] |\n|---|---|---|---|---|---|\n";
    for (std::size_t k = 0; k < group.size() && k < per_table; ++k) {
      const CellEffect& c = *group[k];
      out << "| " << md_cell(c.row) << " | " << md_cell(c.column) << " | " << num(c.data) << " | "
          << num(c.level[0].mean) << " | " << num(c.level[static_cast<std::size_t>(v)].mean) << " | "
          << interval(c.change[static_cast<std::size_t>(v)], true) << " |\n";
    }
    if (group.size() > per_table) out << "\n(" << group.size() - per_table << " more in experiment.csv)\n";
    out << "\n";
  }
}

void transition_table(std::ostream& out, const Transition& t) {
  out << "| baseline \\ scenario |";
  for (const std::string& l : t.labels) out << " " << l << " |";
  out << "\n|---|";
  for (std::size_t j = 0; j < t.labels.size(); ++j) out << "---|";
  out << "\n";
  for (std::size_t i = 0; i < t.labels.size(); ++i) {
    out << "| " << t.labels[i] << " |";
    for (std::size_t j = 0; j < t.labels.size(); ++j) {
      const double n = t.counts[i][j];
      out << " " << (i == j ? "**" + num(n) + "**" : num(n)) << " |";
    }
    out << "\n";
  }
  out << "\n";
}

const char* strategy_name(int s) {
  switch (s) {
    case -1: return "not born";
    case 1: return "waterfall";
    case 2: return "sprinkler";
    default: return "none";
  }
}

}  // namespace

std::vector<const CellEffect*> headline_cells(const Experiment& e, int v) {
  std::vector<const CellEffect*> out;
  for (const CellEffect& c : e.cells)
    if (c.headline(v)) out.push_back(&c);
  std::stable_sort(out.begin(), out.end(), [v](const CellEffect* a, const CellEffect* b) {
    return a->relative_change(v) > b->relative_change(v);
  });
  return out;
}

void print_experiment(std::ostream& out, const Experiment& e) {
  out << "distance to the data (mean rel_diff of the comparable cells) and the cells each scenario moves\n"
      << "(95% interval of the paired change excludes 0 and the change is " << static_cast<int>(kLargeChange * 100)
      << "% of the two levels or more):\n";
  char head[200];
  std::snprintf(head, sizeof head, "  %-28s %8s %16s %8s\n", "variant", "distance", "far-off cells", "moved");
  out << head;
  distance_rows(out, e, false);
  for (int v = 1; v < e.variants(); ++v) {
    const std::vector<const CellEffect*> cells = headline_cells(e, v);
    out << "\n" << e.variant_name(v) << ": " << cells.size() << " cell(s) moved";
    if (!cells.empty()) out << "; the largest:";
    out << "\n";
    for (std::size_t k = 0; k < cells.size() && k < 5; ++k) {
      const CellEffect& c = *cells[k];
      out << "  " << c.table << " [" << c.row << " | " << c.column << "]: " << num(c.level[0].mean) << " -> "
          << num(c.level[static_cast<std::size_t>(v)].mean) << " (data " << num(c.data) << ")\n";
    }
  }
}

std::string experiment_markdown(const Experiment& e) {
  std::ostringstream out;
  const Config& b = e.baseline;
  out << "# Experiment: " << e.scenarios.size() << " scenario(s) against the baseline\n\n"
      << "Baseline `" << b.source << "`; " << b.run.firms << " firm slots x " << e.replicates
      << " replicate(s), seed " << b.run.seed << ", recorded years " << b.run.first_year << "-" << b.run.last_year
      << " (burn-in from " << b.run.burn_in_start << "); tables measured as `" << e.targets_file << "`; "
      << num(e.seconds) << " s.\n\n"
      << "Every variant is the same population with the same random draws (common random numbers): replicate k of a "
         "scenario has the firms of replicate k of the baseline, so a change is the scenario's doing alone. Changes "
         "are paired by replicate, with 95% t intervals across replicates (none with one replicate).\n\n"
      << "## Scenarios\n\n";
  for (const Scenario& s : e.scenarios) {
    out << "- **" << md_cell(s.name) << "** (`" << s.file << "`):";
    for (const SettingChange& c : s.changes) out << " `" << c.key << "` " << c.from << " -> " << c.to << ";";
    out << "\n";
  }
  out << "\n## Distance to the data\n\n"
      << "Mean rel_diff = |s - e| / (|s| + |e|) over the comparable cells (as `firmsim compare`); a cell is far off "
         "at a factor of 2 or more. *Cells the scenario moves*: the 95% interval of the paired change excludes 0 and "
         "|s - b| / (|s| + |b|) >= "
      << num(kLargeChange) << " (about a 22% change).\n\n";
  distance_rows(out, e, true);
  out << "\n";
  for (int v = 1; v < e.variants(); ++v) {
    out << "## " << md_cell(e.variant_name(v)) << ": the cells it moves\n\n";
    headline_table(out, e, v, 8);
    const std::vector<Transition>& t = e.changes.at(static_cast<std::size_t>(v - 1));
    out << "### The same firms in both worlds\n\n";
    for (const Transition& tr : t) {
      out << "Mean firms per replicate, " << tr.title << " (rows: baseline, columns: " << md_cell(e.variant_name(v))
          << "; the diagonal did not move):\n\n";
      transition_table(out, tr);
    }
    out << "Firm by firm (replicate 1, every firm of the dataset in either world): `firms_" << v - 1 << ".csv`.\n\n";
  }
  out << "## Files\n\n"
      << "- `experiment.csv`: every cell of every variant: level with its interval, and the change from the baseline "
         "with its interval (long format)\n"
      << "- `firms_K.csv`: scenario K's firms beside the baseline's: observed type, latent strategy, first export "
         "year and exit year\n"
      << "- `distance.svg`: distance to the data by table and variant; `types_K.svg`: the observed-type transition "
         "of scenario K\n";
  return out.str();
}

std::string experiment_csv(const Experiment& e) {
  std::ostringstream out;
  out << "table,row,column,data,variant,mean,lo,hi,replicates,change,change_lo,change_hi,significant,large\n";
  for (const CellEffect& c : e.cells)
    for (int v = 0; v < e.variants(); ++v) {
      const Interval& l = c.level[static_cast<std::size_t>(v)];
      const Interval& d = c.change[static_cast<std::size_t>(v)];
      const bool paired = v > 0 && d.n > 0;
      const double rel = v > 0 ? c.relative_change(v) : est::nan_value();
      out << csv_field(c.table) << "," << csv_field(c.row) << "," << csv_field(c.column) << "," << csv_num(c.data)
          << "," << csv_field(e.variant_name(v)) << "," << (l.n ? csv_num(l.mean) : "") << ","
          << (l.n > 1 ? csv_num(l.lo) : "") << "," << (l.n > 1 ? csv_num(l.hi) : "") << "," << l.n << ","
          << (paired ? csv_num(d.mean) : "") << "," << (paired && d.n > 1 ? csv_num(d.lo) : "") << ","
          << (paired && d.n > 1 ? csv_num(d.hi) : "") << "," << (v > 0 && c.significant(v) ? 1 : 0) << ","
          << (v > 0 && std::isfinite(rel) && rel >= kLargeChange ? 1 : 0) << "\n";
    }
  return out.str();
}

std::string firm_paths_csv(const Experiment& e, int scenario) {
  std::ostringstream out;
  out << "firm,type_baseline,type_scenario,strategy_baseline,strategy_scenario,first_export_baseline,"
         "first_export_scenario,exit_baseline,exit_scenario\n";
  for (const FirmPath& p : e.firm_paths.at(static_cast<std::size_t>(scenario))) {
    out << p.firm << "," << p.type[0] << "," << p.type[1] << "," << strategy_name(p.strategy[0]) << ","
        << strategy_name(p.strategy[1]);
    for (const int* pair : {p.first_export, p.exit_year}) out << "," << pair[0] << "," << pair[1];
    out << "\n";
  }
  return out.str();
}

std::string distance_figure(const Experiment& e) {
  std::vector<std::string> tables;
  for (const est::TableComparison& t : e.fits.at(0).tables)
    if (std::isfinite(t.distance)) tables.push_back(t.id);
  static const char* colours[] = {"#444444", "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"};
  std::vector<est::BarSeries> series;
  for (int v = 0; v < e.variants(); ++v) {
    est::BarSeries s;
    s.name = e.variant_name(v);
    s.color = colours[v % 7];
    for (const std::string& id : tables) {
      double d = est::nan_value();
      for (const est::TableComparison& t : e.fits[static_cast<std::size_t>(v)].tables)
        if (t.id == id) d = t.distance;
      s.values.push_back(d);
    }
    series.push_back(std::move(s));
  }
  return est::svg_grouped_bars("Distance to the data by table (lower is closer)", tables, series,
                               "mean rel_diff of the table's cells");
}

std::string transition_figure(const Experiment& e, int scenario) {
  const Transition& t = e.changes.at(static_cast<std::size_t>(scenario)).at(0);
  // Shares of the baseline's row, so that the rare types are as readable as "other".
  est::Grid share = t.counts;
  for (auto& row : share) {
    double total = 0;
    for (double n : row) total += n;
    for (double& n : row) n = total > 0 ? 100 * n / total : est::nan_value();
  }
  return est::svg_heatmaps("Observed type of the same firms: baseline (rows) x " +
                               e.variant_name(scenario + 1) + " (columns), % of the row",
                           t.labels, t.labels, {{e.variant_name(scenario + 1), share}}, 100);
}

std::vector<std::string> write_experiment(const Experiment& e, const std::string& dir) {
  std::vector<std::pair<std::string, std::string>> files = {
      {"experiment.md", experiment_markdown(e)}, {"experiment.csv", experiment_csv(e)}, {"distance.svg", distance_figure(e)}};
  for (int s = 0; s + 1 < e.variants(); ++s) {
    files.emplace_back("firms_" + std::to_string(s) + ".csv", firm_paths_csv(e, s));
    files.emplace_back("types_" + std::to_string(s) + ".svg", transition_figure(e, s));
  }
  return write_files(dir, files);
}

}  // namespace firmsim::policy
