// What a run prints and keeps at the end: firms alive, exporters and
// importers by year, export starters by observed type (against the latent
// strategy), and the glue to the comparison with the seed tables.
#pragma once

#include <array>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "sim/config.hpp"
#include "sim/panel.hpp"
#include "sim/panel_io.hpp"
#include "sim/simulation.hpp"

namespace firmsim {

struct StarterCounts {
  std::string type;                        // BG, BI, TI, BAG, EU-wide
  std::array<long long, 3> by_strategy{};  // latent: none, waterfall, sprinkler
  long long total() const { return by_strategy[0] + by_strategy[1] + by_strategy[2]; }
};

struct RunReport {
  std::vector<YearSummary> years;       // recorded years only
  std::vector<StarterCounts> starters;  // SME export starters of the sample window, all replicates
  std::string window;                   // the sample window, e.g. "1998-2005"
  std::string starters_note;            // why starters are missing, if they are
  double support_paid = 0;              // EUR of policy support over the recorded years
};

RunReport make_run_report(const Config& config, const std::vector<YearSummary>& years, const Panel& panel);
void print_run_report(std::ostream& out, const RunReport& report);
// summary.csv (one row per recorded year) and starters.csv, atomically.
void write_run_report(const std::string& dir, const RunReport& report);
// The same files to be written with the panel, under its manifest
// (write_panel's extras); a report file not written this time goes to `stale`.
std::vector<PanelExtra> run_report_files(const RunReport& report, std::vector<std::string>& stale);

// Comparison with the seed tables (estimation/compare): prints every table
// side by side and, when `out` is set, writes the report files there.
void check_targets_readable(const std::string& targets);
// `config` (null for a panel read from disk) gives the typology and the
// sample window. `before_write` runs once the comparison is computed, before
// anything is written to `out` (compare creates its --out directory there, so
// a comparison that fails leaves no directory behind).
void compare_panel(const Panel& panel, const std::string& targets, const std::optional<std::string>& out,
                   const Config* config, std::ostream& print_to,
                   const std::function<void()>& before_write = nullptr);
Panel read_panel_directory(const std::string& dir);
// The panel's tables that the target set names, measured as that set was,
// written as a targets file (atomically): the simulated "data" of a
// parameter-recovery experiment (calibrate --targets FILE).
void write_panel_as_targets(const Panel& panel, const std::string& panel_dir, const std::string& targets,
                            const std::string& file, std::ostream& print_to);

}  // namespace firmsim
