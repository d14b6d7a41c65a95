#include "estimation/compare.hpp"

#include "sim/input_error.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ostream>

namespace firmsim::est {

namespace {

const Table* find_table(const std::vector<Table>& tables, const std::string& id) {
  for (const Table& t : tables)
    if (t.id == id && !t.values.empty()) return &t;
  return nullptr;
}

// Mean, SD (n-1), min and max of the replicates' values of one cell.
void summarize_replicates(const std::vector<double>& v, CellComparison& c) {
  c.sim_n = static_cast<int>(v.size());
  if (v.empty()) return;
  double sum = 0;
  for (double x : v) sum += x;
  c.simulated = sum / static_cast<double>(v.size());
  c.sim_min = *std::min_element(v.begin(), v.end());
  c.sim_max = *std::max_element(v.begin(), v.end());
  if (v.size() < 2) return;
  double ss = 0;
  for (double x : v) ss += (x - c.simulated) * (x - c.simulated);
  c.sim_sd = std::sqrt(ss / static_cast<double>(v.size() - 1));
}

void score(CellComparison& c) {
  if (!c.comparable()) return;
  c.diff = c.simulated - c.empirical;
  const double scale = std::fabs(c.simulated) + std::fabs(c.empirical);
  c.rel_diff = scale > 0 ? std::fabs(c.diff) / scale : 0.0;
  if (std::isfinite(c.empirical_se) && c.empirical_se > 0) {
    c.z = c.diff / c.empirical_se;
    c.within_ci = std::fabs(c.diff) <= 1.96 * c.empirical_se ? 1 : 0;
  }
}

CellComparison compare_cell(const Table& target, std::size_t r, std::size_t col,
                            const std::vector<const Table*>& sims) {
  CellComparison c;
  c.table = target.id, c.row = target.row_labels[r], c.column = target.column_labels[col];
  c.empirical = target.values[r][col];
  if (!target.se.empty()) c.empirical_se = target.se[r][col];
  std::vector<double> values, p_values;
  for (const Table* s : sims) {
    const double v = s ? s->at(c.row, c.column) : nan_value();
    if (std::isfinite(v)) values.push_back(v);
    const double p = s ? s->paren_at(c.row, c.column) : nan_value();
    if (std::isfinite(p)) p_values.push_back(p);
  }
  summarize_replicates(values, c);
  c.empirical_p = target.paren_at(c.row, c.column);
  if (std::isfinite(c.empirical_p) && !p_values.empty()) {
    double sum = 0;
    for (double p : p_values) sum += p;
    c.simulated_p = sum / static_cast<double>(p_values.size());
  }
  score(c);
  return c;
}

void tally(TableComparison& t) {
  double rel = 0, z2 = 0;
  for (const CellComparison& c : t.cells) {
    if (!c.comparable()) continue;
    ++t.comparable, rel += c.rel_diff, t.far += c.far_off();
    if (c.within_ci >= 0) ++t.with_se, t.within += c.within_ci, z2 += c.z * c.z;
  }
  if (t.comparable) t.distance = rel / static_cast<double>(t.comparable);
  if (t.with_se) t.z_rms = std::sqrt(z2 / static_cast<double>(t.with_se));
}

TableComparison compare_table(const Table& target, const std::vector<std::vector<Table>>& simulated) {
  TableComparison t;
  t.id = target.id, t.title = target.title;
  std::vector<const Table*> sims;
  for (const auto& rep : simulated) sims.push_back(find_table(rep, target.id));
  t.simulated = std::any_of(sims.begin(), sims.end(), [](const Table* s) { return s != nullptr; });
  for (const auto& rep : simulated)
    for (const Table& s : rep)
      if (s.id == target.id && t.notes.empty()) t.notes = s.notes;
  for (std::size_t r = 0; r < target.rows(); ++r)
    for (std::size_t c = 0; c < target.cols(); ++c)
      if (std::isfinite(target.values[r][c])) t.cells.push_back(compare_cell(target, r, c, sims));
  tally(t);
  return t;
}

void overall(Comparison& c) {
  double dist = 0, z2 = 0;
  std::size_t n_tables = 0;
  for (const TableComparison& t : c.tables) {
    c.comparable += t.comparable, c.with_se += t.with_se, c.within += t.within, c.far += t.far;
    if (std::isfinite(t.distance)) dist += t.distance, ++n_tables;
    if (std::isfinite(t.z_rms)) z2 += t.z_rms * t.z_rms * static_cast<double>(t.with_se);
  }
  if (n_tables) c.distance = dist / static_cast<double>(n_tables);
  if (c.with_se) c.z_rms = std::sqrt(z2 / static_cast<double>(c.with_se));
}

}  // namespace

Comparison compare_tables(const std::vector<std::vector<Table>>& simulated, const Targets& targets) {
  Comparison c;
  c.replicates = static_cast<int>(simulated.size());
  c.targets_file = targets.file, c.source = targets.source;
  for (const Table& target : targets.tables) c.tables.push_back(compare_table(target, simulated));
  overall(c);
  return c;
}

namespace {

std::string years(int a, int b) { return std::to_string(a) + "-" + std::to_string(b); }

// Tables measured over other years than the published ones are shown but
// not compared: a difference would be the window's, not the model's.
std::string window_mismatch(const PanelMeta& meta, const TableOptions& options, const Targets& targets) {
  std::string note;
  if (options.frame.start_year != targets.sample_first_year || options.frame.end_year != targets.sample_last_year)
    note += "the sample window is " + years(options.frame.start_year, options.frame.end_year) + ", the targets' " +
            years(targets.sample_first_year, targets.sample_last_year);
  if (meta.dummy_first_year != targets.dummy_first_year || meta.dummy_last_year != targets.dummy_last_year)
    note += std::string(note.empty() ? "" : "; ") + "the export dummies cover " +
            years(meta.dummy_first_year, meta.dummy_last_year) + ", the targets' " +
            years(targets.dummy_first_year, targets.dummy_last_year);
  return note;
}

void mark_not_comparable(Comparison& c, const std::string& note) {
  c.window_note = "not comparable: " + note;
  c.comparable = c.with_se = c.within = c.far = 0;
  c.distance = c.z_rms = nan_value();
  for (TableComparison& t : c.tables) {
    for (CellComparison& cell : t.cells) {
      cell.same_window = false;
      cell.rel_diff = cell.diff = cell.z = nan_value();
      cell.within_ci = -1;
    }
    t.comparable = t.with_se = t.within = t.far = 0;
    t.distance = t.z_rms = nan_value();
    t.notes.push_back(c.window_note);
  }
}

// The targets' sample window when the panel recorded it (the tables are then measured
// over the published years); the given one otherwise, which window_mismatch reports.
TableOptions measured_over_targets(const PanelMeta& meta, TableOptions options, const Targets& targets) {
  if (meta.first_year <= targets.sample_first_year && meta.last_year >= targets.sample_last_year &&
      targets.sample_first_year <= targets.sample_last_year) {
    options.frame.start_year = targets.sample_first_year;
    options.frame.end_year = targets.sample_last_year;
  }
  return options;
}

}  // namespace

Comparison compare_panel(const Panel& panel, const Targets& targets, const TableOptions& given) {
  const TableOptions options = measured_over_targets(panel.meta, given, targets);
  std::vector<std::string> ids;
  for (const Table& t : targets.tables) ids.push_back(t.id);
  std::vector<std::vector<Table>> simulated;
  for (int r = 0; r < std::max(1, panel.meta.replicates); ++r)
    simulated.push_back(build_target_tables(panel, r, options, ids));
  Comparison c = compare_tables(simulated, targets);
  const std::string mismatch = window_mismatch(panel.meta, options, targets);
  if (!mismatch.empty()) mark_not_comparable(c, mismatch);
  return c;
}

std::vector<Table> tables_as_measured_by(const Panel& panel, const Targets& targets, const TableOptions& given,
                                         int replicate) {
  const TableOptions options = measured_over_targets(panel.meta, given, targets);
  if (!window_mismatch(panel.meta, options, targets).empty())
    throw InputError(targets.file, 0, "window",
                     "the panel does not record the years " + std::to_string(targets.sample_first_year) + "-" +
                         std::to_string(targets.sample_last_year) + " these tables are measured over");
  std::vector<std::string> ids;
  for (const Table& t : targets.tables) ids.push_back(t.id);
  std::vector<Table> out;
  for (Table& t : build_target_tables(panel, replicate, options, ids))
    if (std::find(ids.begin(), ids.end(), t.id) != ids.end()) out.push_back(std::move(t));
  return out;
}

std::vector<CellComparison> worst_cells(const Comparison& c, std::size_t n) {
  std::vector<CellComparison> all;
  for (const auto& t : c.tables)
    for (const auto& cell : t.cells)
      if (cell.comparable()) all.push_back(cell);
  std::stable_sort(all.begin(), all.end(),
                   [](const CellComparison& a, const CellComparison& b) { return a.rel_diff > b.rel_diff; });
  if (all.size() > n) all.resize(n);
  return all;
}

namespace {

std::string num(double v) {
  if (!std::isfinite(v)) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

// Pads to a width in characters (UTF-8 continuation bytes do not count), truncating
// long labels so that at least one blank separates the columns.
std::string pad(const std::string& s, std::size_t width) {
  std::string out;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool continuation = (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80;
    if (!continuation && chars + 1 == width) break;  // keep one blank between columns
    out += s[i];
    chars += continuation ? 0 : 1;
  }
  return out + std::string(width - chars, ' ');
}

std::string ci_text(int within) { return within < 0 ? "" : within ? "in" : "OUT"; }

bool prints_p_values(const TableComparison& t) {
  return std::any_of(t.cells.begin(), t.cells.end(),
                     [](const CellComparison& c) { return std::isfinite(c.empirical_p); });
}

void print_table(std::ostream& os, const TableComparison& t) {
  os << "\n== " << t.id << ": " << t.title << "\n";
  if (!t.simulated) {
    os << "   not simulated (no twin built)\n";
    return;
  }
  os << "   distance " << num(t.distance) << ", cells compared " << t.comparable << ", far off " << t.far;
  if (t.with_se) os << ", within 95% CI " << t.within << "/" << t.with_se << ", z_rms " << num(t.z_rms);
  os << (t.far_off() ? "   << FAR OFF" : "") << "\n";
  for (const auto& n : t.notes) os << "   note: " << n << "\n";
  os << "   " << pad("row", 30) << pad("column", 36) << pad("empirical", 11) << pad("simulated", 11) << pad("sd", 9)
     << pad("diff", 11) << pad("CI", 4) << (prints_p_values(t) ? "p emp/sim" : "") << "\n";
  for (const CellComparison& c : t.cells) {
    os << "   " << pad(c.row, 30) << pad(c.column, 36) << pad(num(c.empirical), 11) << pad(num(c.simulated), 11)
       << pad(num(c.sim_sd), 9) << pad(num(c.diff), 11) << pad(ci_text(c.within_ci), 4);
    if (std::isfinite(c.empirical_p)) os << pad(num(c.empirical_p) + "/" + num(c.simulated_p), 14);
    os << (c.far_off() ? "far" : "") << "\n";
  }
}

}  // namespace

void print_comparison(std::ostream& os, const Comparison& c) {
  os << "Simulated vs published (" << (c.source.empty() ? "seed 000" : c.source) << "), " << c.replicates
     << " replicate(s)\n";
  if (!c.window_note.empty()) os << "NOTE: " << c.window_note << "\n";
  for (const TableComparison& t : c.tables) print_table(os, t);
  os << "\nOverall: distance " << num(c.distance) << " (mean over tables of the mean |s-e|/(|s|+|e|)), " << c.far
     << " of " << c.comparable << " cells far off (off by a factor of 2 or more)";
  if (c.with_se)
    os << "; " << c.within << " of " << c.with_se << " cells with an SE inside the 95% CI, z_rms " << num(c.z_rms);
  os << "\nFar-off tables:";
  for (const TableComparison& t : c.tables)
    if (t.far_off()) os << " " << t.id;
  std::string missing;
  for (const TableComparison& t : c.tables)
    if (!t.simulated || t.comparable == 0) missing += " " + t.id;
  os << "\nNot simulated:" << (missing.empty() ? " none (every table has a simulated twin)" : missing) << "\n";
}

}  // namespace firmsim::est
