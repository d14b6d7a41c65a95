#include "policy/experiment.hpp"

#include <chrono>
#include <cmath>
#include <unordered_map>

#include "estimation/tables.hpp"
#include "sim/input_error.hpp"
#include "sim/simulation.hpp"

namespace firmsim::policy {

namespace {

// Keys that decide which firms are recorded, or over which years the tables
// are measured: a scenario that changed them could not be matched firm by
// firm with the baseline.
bool unmatched_key(const std::string& key) {
  return key == "run" || key.rfind("run.", 0) == 0 || key == "measurement" ||
         key.rfind("measurement.sample_", 0) == 0;
}

}  // namespace

Scenario load_scenario(const std::string& config_path, const std::string& file) {
  Scenario s;
  s.file = file;
  s.config = load_config(config_path, {file});  // every input error first, as `run --scenario` reports it
  s.name = scenario_name(file);
  const std::vector<SettingChange> written = overlay_settings(config_path, file);
  for (const SettingChange& c : written) {
    if (!c.changed) continue;
    if (unmatched_key(c.key))
      throw InputError(file, c.line, c.key,
                       "a scenario may not change " + c.key + " (" + c.from + " -> " + c.to +
                           "): the same firms must be recorded over the same years in both worlds; give it to every "
                           "variant with the command's options (--firms, --replicates, --seed, --years)");
    s.changes.push_back(c);
  }
  if (s.changes.empty()) {
    const std::string key = written.empty() ? "scenario" : written.front().key;
    const int line = written.empty() ? 0 : written.front().line;
    throw InputError(file, line, key,
                     "the scenario changes nothing: " +
                         std::string(written.empty() ? "it writes no setting"
                                                     : "every setting it writes has the baseline's value") +
                         ", so it would be the baseline itself");
  }
  return s;
}

bool CellEffect::significant(int v) const {
  const Interval& d = change.at(static_cast<std::size_t>(v));
  return d.n >= 2 && (d.lo > 0 || d.hi < 0);
}

double CellEffect::relative_change(int v) const {
  const Interval &b = level.at(0), &s = level.at(static_cast<std::size_t>(v));
  if (b.n == 0 || s.n == 0) return est::nan_value();
  const double scale = std::fabs(b.mean) + std::fabs(s.mean);
  return scale == 0 ? 0 : std::fabs(s.mean - b.mean) / scale;
}

const std::vector<std::string>& type_labels() {
  static const std::vector<std::string> labels = {"BG", "BI", "TI", "BAG", "EU-wide", "other", "-"};
  return labels;
}

namespace {

const std::vector<std::string>& strategy_labels() {
  static const std::vector<std::string> labels = {"none", "waterfall", "sprinkler", "not born"};
  return labels;
}

// The tables' measurement rules of one variant (its typology) over the
// targets' sample window.
est::TableOptions table_options(const Config& config, const est::Targets& targets) {
  est::TableOptions o;
  o.rules.early_years = config.typology.early_years;
  o.rules.global_countries = config.typology.min_countries;
  o.frame.start_year = targets.sample_first_year;
  o.frame.end_year = targets.sample_last_year;
  return o;
}

// One variant's state of the firms of one replicate, by firm id.
struct FirmStates {
  std::unordered_map<std::int64_t, int> type;  // index into type_labels() (dataset firms only)
  std::unordered_map<std::int64_t, std::size_t> row;  // firm table row
};

int type_index(const est::TypeAssignment& a) {
  switch (a.type) {
    case est::ExportType::born_global: return 0;
    case est::ExportType::born_international: return 1;
    case est::ExportType::traditional: return 2;
    case est::ExportType::born_again_global: return 3;
    case est::ExportType::unclassified_eu_wide: return 4;
    case est::ExportType::none: break;
  }
  return 5;
}

FirmStates firm_states(const Panel& panel, int replicate, const est::TableOptions& options) {
  FirmStates s;
  const est::TableInputs in = est::prepare_tables(panel, replicate, options);
  for (std::size_t i = 0; i < in.firms.size(); ++i) s.type[in.firms[i].firm] = type_index(in.types[i]);
  // Firms that lived into the recorded years: the long dead of the burn-in
  // are the same in every world and would only swamp the counts.
  const FirmColumns& f = panel.firms;
  for (std::size_t k = 0; k < f.rows(); ++k)
    if (f.replicate[k] == replicate && (f.exit_year[k] == 0 || f.exit_year[k] >= panel.meta.first_year))
      s.row[f.firm[k]] = k;
  return s;
}

// Union of the firm ids of two maps' keys, sorted.
template <class Map>
std::vector<std::int64_t> union_ids(const Map& a, const Map& b) {
  std::vector<std::int64_t> ids;
  for (const auto& kv : a) ids.push_back(kv.first);
  for (const auto& kv : b)
    if (!a.count(kv.first)) ids.push_back(kv.first);
  std::sort(ids.begin(), ids.end());
  return ids;
}

int type_of(const FirmStates& s, std::int64_t firm) {
  const auto it = s.type.find(firm);
  return it == s.type.end() ? 6 : it->second;
}

int strategy_of(const Panel& p, const FirmStates& s, std::int64_t firm) {
  const auto it = s.row.find(firm);
  return it == s.row.end() ? 3 : static_cast<int>(p.firms.latent_strategy[it->second]);
}

void add_transitions(const Panel& base, const FirmStates& b, const Panel& alt, const FirmStates& a, double weight,
                     std::vector<Transition>& out) {
  for (std::int64_t id : union_ids(b.type, a.type)) out[0].counts[type_of(b, id)][type_of(a, id)] += weight;
  for (std::int64_t id : union_ids(b.row, a.row))
    out[1].counts[strategy_of(base, b, id)][strategy_of(alt, a, id)] += weight;
}

std::vector<FirmPath> firm_paths(const std::array<const Panel*, 2>& panels, const std::array<const FirmStates*, 2>& s) {
  std::vector<FirmPath> paths;
  for (std::int64_t id : union_ids(s[0]->type, s[1]->type)) {
    FirmPath p;
    p.firm = id;
    for (int w = 0; w < 2; ++w) {
      p.type[w] = type_labels()[static_cast<std::size_t>(type_of(*s[w], id))];
      const auto it = s[w]->row.find(id);
      if (it == s[w]->row.end()) {
        p.strategy[w] = -1;
        continue;
      }
      const FirmColumns& f = panels[w]->firms;
      p.strategy[w] = f.latent_strategy[it->second];
      p.first_export[w] = f.latent_export_start_year[it->second];
      p.exit_year[w] = f.exit_year[it->second];
    }
    paths.push_back(p);
  }
  return paths;
}

Transition empty_transition(std::string title, const std::vector<std::string>& labels) {
  Transition t;
  t.title = std::move(title);
  t.labels = labels;
  t.counts.assign(labels.size(), std::vector<double>(labels.size(), 0.0));
  return t;
}

// Same firms, two worlds: transitions over every replicate, paths of replicate 1.
// The baseline's states of a replicate are found once and set beside every scenario's.
void follow_firms(const std::vector<Panel>& panels, const std::vector<est::TableOptions>& options, Experiment& e) {
  const int R = e.replicates;
  for (int s = 1; s < e.variants(); ++s)
    e.changes.push_back({empty_transition("observed type of the dataset's firms", type_labels()),
                         empty_transition("latent strategy of the firms alive in the recorded years",
                                          strategy_labels())});
  e.firm_paths.resize(e.changes.size());
  for (int r = 0; r < R; ++r) {
    const FirmStates base = firm_states(panels[0], r, options[0]);
    for (int s = 1; s < e.variants(); ++s) {
      const std::size_t k = static_cast<std::size_t>(s);
      const FirmStates alt = firm_states(panels[k], r, options[k]);
      add_transitions(panels[0], base, panels[k], alt, 1.0 / R, e.changes[k - 1]);
      if (r == 0) e.firm_paths[k - 1] = firm_paths({&panels[0], &panels[k]}, {&base, &alt});
    }
  }
}

// value[v][r] of one cell; NaN where a replicate leaves it undefined.
using CellValues = std::vector<std::vector<double>>;

CellEffect cell_effect(const est::Table& target, std::size_t row, std::size_t col, const CellValues& x) {
  CellEffect c;
  c.table = target.id;
  c.row = target.row_labels[row];
  c.column = target.column_labels[col];
  c.data = target.values[row][col];
  for (std::size_t v = 0; v < x.size(); ++v) {
    std::vector<double> level, change;
    for (std::size_t r = 0; r < x[v].size(); ++r) {
      if (!std::isfinite(x[v][r])) continue;
      level.push_back(x[v][r]);
      if (v > 0 && std::isfinite(x[0][r])) change.push_back(x[v][r] - x[0][r]);
    }
    c.level.push_back(t_interval(level));
    c.change.push_back(v == 0 ? Interval{} : t_interval(change));
  }
  return c;
}

// Every cell of the targets, each variant's values paired by replicate.
std::vector<CellEffect> cell_effects(const est::Targets& targets,
                                     const std::vector<std::vector<std::vector<est::Table>>>& tables) {
  std::vector<CellEffect> cells;
  for (const est::Table& target : targets.tables) {
    // tables[v][r] holds this table at the same position in every variant and replicate
    std::vector<std::vector<const est::Table*>> found(tables.size());
    for (std::size_t v = 0; v < tables.size(); ++v)
      for (const std::vector<est::Table>& rep : tables[v]) {
        const est::Table* t = nullptr;
        for (const est::Table& candidate : rep)
          if (candidate.id == target.id) t = &candidate;
        found[v].push_back(t);
      }
    for (std::size_t i = 0; i < target.rows(); ++i)
      for (std::size_t j = 0; j < target.cols(); ++j) {
        CellValues x(tables.size());
        bool any = false;
        for (std::size_t v = 0; v < tables.size(); ++v)
          for (const est::Table* t : found[v]) {
            const double value = t ? t->at(target.row_labels[i], target.column_labels[j]) : est::nan_value();
            any = any || std::isfinite(value);
            x[v].push_back(value);
          }
        if (any || std::isfinite(target.values[i][j])) cells.push_back(cell_effect(target, i, j, x));
      }
  }
  return cells;
}

}  // namespace

Experiment measure_experiment(const Config& baseline, std::vector<Scenario> scenarios, const est::Targets& targets,
                              const std::vector<Panel>& panels,
                              const std::function<void(const std::string&)>& on_stage) {
  Experiment e;
  e.baseline = baseline;
  e.scenarios = std::move(scenarios);
  e.targets_file = targets.file;
  e.replicates = std::max(1, panels.at(0).meta.replicates);
  std::vector<est::TableOptions> options;
  for (int v = 0; v < e.variants(); ++v)
    options.push_back(table_options(v == 0 ? baseline : e.scenarios[static_cast<std::size_t>(v - 1)].config, targets));
  std::vector<std::vector<std::vector<est::Table>>> tables(static_cast<std::size_t>(e.variants()));
  for (int v = 0; v < e.variants(); ++v) {
    for (int r = 0; r < e.replicates; ++r) {
      if (on_stage)
        on_stage("tables of " + e.variant_name(v) + ", replicate " + std::to_string(r + 1) + "/" +
                 std::to_string(e.replicates));
      tables[static_cast<std::size_t>(v)].push_back(
          est::tables_as_measured_by(panels[static_cast<std::size_t>(v)], targets, options[v], r));
    }
    e.fits.push_back(est::compare_tables(tables[static_cast<std::size_t>(v)], targets));
  }
  e.cells = cell_effects(targets, tables);
  if (on_stage) on_stage("the same firms in both worlds");
  follow_firms(panels, options, e);
  return e;
}

Experiment run_experiment(const Config& baseline, std::vector<Scenario> scenarios, const std::string& targets_file,
                          const std::function<void(int year)>& on_year,
                          const std::function<void(const std::string&)>& on_stage) {
  const auto start = std::chrono::steady_clock::now();
  const est::Targets targets = est::load_targets(targets_file);
  std::vector<Config> variants = {baseline};
  for (const Scenario& s : scenarios) variants.push_back(s.config);
  std::vector<Panel> panels;
  {
    Simulation sim(variants);
    sim.summarize_burn_in(false);
    while (!sim.finished()) {
      sim.step();
      if (on_year) on_year(sim.next_year() - 1);
    }
    for (int v = 0; v < sim.variants(); ++v) panels.push_back(sim.take_panel(v));
  }  // the population's memory goes before the tables are built
  Experiment e = measure_experiment(baseline, std::move(scenarios), targets, panels, on_stage);
  e.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return e;
}

}  // namespace firmsim::policy
