// Theory experiments (`firmsim experiment`): the baseline and any number of
// scenarios (theory switches, parameter changes, programs) run as variants of
// one population with common random numbers, each measured through the same
// table builders as the data. For every published cell the experiment gives
// the data, each variant's level and each scenario's change from the
// baseline, paired by replicate: replicate k of every variant has the same
// firms and the same luck, so a change is the scenario's doing alone and its
// interval is much narrower than that of two independent runs.
//
// Firm-level views follow the same firms across worlds: the observed type of
// each firm of the dataset (BG, BI, TI, ...) in the baseline against the
// scenario, and its latent strategy, first export year and exit year.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "estimation/compare.hpp"
#include "policy/evaluation.hpp"
#include "sim/config.hpp"

namespace firmsim::policy {

// A scenario overlay applied to the baseline config.
struct Scenario {
  std::string file;  // the overlay it came from
  std::string name;  // its `scenario: name`, else the file name
  Config config;     // the baseline config with the overlay on top
  std::vector<SettingChange> changes;
};

// Loads `file` on top of the config at `config_path` and checks that it can be
// compared firm by firm with the baseline: it must change something, and
// nothing that decides which firms live in the recorded years (the `run:`
// block: population, replicates, seed, years, burn-in, births) or the window
// the tables are measured over. InputError naming the file, line and key.
Scenario load_scenario(const std::string& config_path, const std::string& file);

// A scenario's change in a cell counts as large when it moves the cell by this
// much relative to the two levels: |s - b| / (|s| + |b|) >= 0.1, about a 22%
// change (the comparison report's rel_diff, where 1/3 is a factor of 2).
constexpr double kLargeChange = 0.1;

// One published cell across the variants (variant 0 = baseline).
struct CellEffect {
  std::string table, row, column;
  double data = est::nan_value();
  std::vector<Interval> level;   // [variant] mean and 95% t interval across replicates
  std::vector<Interval> change;  // [variant] variant - baseline, paired by replicate; change[0] is empty
  // Both levels defined in at least two replicates and the change's interval
  // excludes zero.
  bool significant(int variant) const;
  double relative_change(int variant) const;  // |s - b| / (|s| + |b|); NaN when undefined
  bool headline(int variant) const { return significant(variant) && relative_change(variant) >= kLargeChange; }
};

// Counts of the same firms classified in two worlds, mean per replicate:
// rows = the baseline's class, columns = the scenario's.
struct Transition {
  std::string title;
  std::vector<std::string> labels;
  est::Grid counts;
};

// One firm of the dataset (in either world), replicate 1, in both worlds.
struct FirmPath {
  std::int64_t firm = 0;
  std::string type[2];           // observed type in the sample window ("-" = not in the dataset)
  int strategy[2] = {0, 0};      // latent Strategy (0 none, 1 waterfall, 2 sprinkler); -1 = never born
  int first_export[2] = {0, 0};  // latent first export year, 0 = never
  int exit_year[2] = {0, 0};     // 0 = alive at the end of the run
};

struct Experiment {
  Config baseline;
  std::vector<Scenario> scenarios;  // variant s + 1
  std::string targets_file;
  int replicates = 0;
  std::vector<est::Comparison> fits;              // [variant] against the data
  std::vector<CellEffect> cells;                  // every cell of the targets, in their order
  std::vector<std::vector<Transition>> changes;   // [scenario] observed types, then latent strategies
  std::vector<std::vector<FirmPath>> firm_paths;  // [scenario] replicate 1's dataset firms
  double seconds = 0;
  int variants() const { return 1 + static_cast<int>(scenarios.size()); }
  std::string variant_name(int v) const { return v == 0 ? "baseline" : scenarios[v - 1].name; }
};

// The type labels of the observed-type transition: the five types of the
// starters, "other" (in the dataset, not a 1998-2005 starter) and "-" (not in
// the dataset in that world).
const std::vector<std::string>& type_labels();

// Runs the baseline and the scenarios together and measures every variant.
// `on_year` is told each simulated year, `on_stage` each measuring stage.
Experiment run_experiment(const Config& baseline, std::vector<Scenario> scenarios, const std::string& targets_file,
                          const std::function<void(int year)>& on_year = {},
                          const std::function<void(const std::string&)>& on_stage = {});

// The measuring half of run_experiment, on panels already simulated
// (variant 0 = baseline): tests call it on worlds they built.
Experiment measure_experiment(const Config& baseline, std::vector<Scenario> scenarios, const est::Targets& targets,
                              const std::vector<Panel>& panels,
                              const std::function<void(const std::string&)>& on_stage = {});

}  // namespace firmsim::policy
