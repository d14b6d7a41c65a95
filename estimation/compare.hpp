// Simulated tables side by side with the published ones (seed 000), cell by cell.
//
// Cells are matched by table id, row label and column label. For each cell:
//  - simulated = mean over the replicates where the cell is defined; sim_sd (n-1),
//    min and max describe the spread across replicates (sd is NaN when R < 2);
//  - diff = simulated - empirical;
//  - within_ci: where the paper prints a standard error, whether the simulated mean
//    lies in the empirical 95% interval, empirical +- 1.96 SE (1 yes, 0 no, -1 no SE
//    or no simulated value). Tables 11, 12 and 15 print p-values, not SEs: no interval,
//    but empirical_p (the printed p-value) beside simulated_p (the mean over replicates
//    of the simulated p-value), so significance can be compared;
//  - rel_diff = |s - e| / (|s| + |e|), in [0, 1] (0 when both are 0; 1/3 means off by
//    a factor of 2, 0.6 by a factor of 4, and 1 means opposite signs or one side 0).
// Distance of a table = mean rel_diff over its comparable cells (both sides defined),
// so tables in different units weigh the same; z_rms = root mean square of
// (s - e) / SE over the cells with an SE. The overall distance is the mean of the
// table distances; the overall z_rms pools every cell with an SE.
// A cell is "far off" when rel_diff > 1/3 (a factor of 2 or more, or a sign flip); a
// table is far off when its distance is. The report lists these plainly, so a
// calibrated model's misses are as visible as its fits.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "estimation/tables.hpp"
#include "estimation/targets.hpp"

namespace firmsim::est {

constexpr double kFarOff = 1.0 / 3.0;

struct CellComparison {
  std::string table, row, column;
  double empirical = nan_value(), empirical_se = nan_value();
  double simulated = nan_value(), sim_sd = nan_value(), sim_min = nan_value(), sim_max = nan_value();
  int sim_n = 0;  // replicates where the simulated cell is defined
  double diff = nan_value(), rel_diff = nan_value(), z = nan_value();
  int within_ci = -1;
  double empirical_p = nan_value(), simulated_p = nan_value();  // where the paper prints p-values
  bool same_window = true;                                      // measured over the targets' windows
  bool comparable() const { return same_window && std::isfinite(empirical) && std::isfinite(simulated); }
  bool far_off() const { return comparable() && rel_diff > kFarOff; }
};

struct TableComparison {
  std::string id, title;
  std::vector<CellComparison> cells;  // every empirical cell, in row-major order
  std::size_t comparable = 0, with_se = 0, within = 0, far = 0;
  double distance = nan_value(), z_rms = nan_value();
  bool simulated = false;          // a simulated twin exists
  std::vector<std::string> notes;  // the builders' notes (first replicate)
  bool far_off() const { return std::isfinite(distance) && distance > kFarOff; }
};

struct Comparison {
  int replicates = 0;
  std::string targets_file, source;  // Targets::file and Targets::source (the seed)
  // Why nothing is comparable (the panel was measured over other windows than
  // the targets); empty when the windows match.
  std::string window_note;
  std::vector<TableComparison> tables;  // in targets order
  double distance = nan_value(), z_rms = nan_value();
  std::size_t comparable = 0, with_se = 0, within = 0, far = 0;
};

// simulated[r] = the tables of replicate r.
Comparison compare_tables(const std::vector<std::vector<Table>>& simulated, const Targets& targets);

// Builds the tables the targets name (build_target_tables) for each replicate
// 0..meta.replicates-1 and compares. The tables are measured over the targets' sample
// window (`window:`) when the panel recorded those years, over options' window otherwise
// (and then marked not comparable).
Comparison compare_panel(const Panel& panel, const Targets& targets, const TableOptions& options = {});

// The panel's tables that the targets name, replicate `replicate`, measured as
// compare_panel measures them (over the targets' window): what a
// parameter-recovery experiment writes as its simulated targets. InputError
// when the panel does not record the targets' window.
std::vector<Table> tables_as_measured_by(const Panel& panel, const Targets& targets, const TableOptions& options,
                                         int replicate);

// Readable aligned text, table by table, ending with the far-off summary.
void print_comparison(std::ostream& os, const Comparison& c);

// The cells furthest from their targets (largest rel_diff), at most n.
std::vector<CellComparison> worst_cells(const Comparison& c, std::size_t n);

}  // namespace firmsim::est
