// Glue between a run and the comparison with the seed tables (estimation/).
#include <filesystem>
#include <iostream>

#include "app/run_report.hpp"
#include "estimation/compare.hpp"
#include "estimation/panel_csv.hpp"
#include "estimation/report.hpp"
#include "estimation/targets.hpp"
#include "sim/atomic_file.hpp"
#include "sim/input_error.hpp"
#include "sim/shards.hpp"

namespace firmsim {

void check_targets_readable(const std::string& targets) { (void)est::load_targets(targets); }

void compare_panel(const Panel& panel, const std::string& targets, const std::optional<std::string>& out,
                   const Config* config, std::ostream& print_to, const std::function<void()>& before_write) {
  est::TableOptions options;
  if (config) {
    options.rules.early_years = config->typology.early_years;
    options.rules.global_countries = config->typology.min_countries;
    options.frame.start_year = config->measurement.sample_first_year;
    options.frame.end_year = config->measurement.sample_last_year;
  } else {  // a panel from disk says which window it was measured for
    options.frame.start_year = panel.meta.sample_first_year;
    options.frame.end_year = panel.meta.sample_last_year;
  }
  const est::Targets t = est::load_targets(targets);
  const est::Comparison c = est::compare_panel(panel, t, options);
  est::print_comparison(print_to, c);
  if (out) {
    if (before_write) before_write();
    est::write_comparison(c, *out);
    print_to << "comparison written to " << *out << " (comparison.md, comparison.csv, figures)\n";
  }
}

void write_panel_as_targets(const Panel& panel, const std::string& panel_dir, const std::string& targets,
                            const std::string& file, std::ostream& print_to) {
  const est::Targets t = est::load_targets(targets);
  est::TableOptions options;
  options.frame.start_year = panel.meta.sample_first_year;
  options.frame.end_year = panel.meta.sample_last_year;
  const std::vector<est::Table> tables = est::tables_as_measured_by(panel, t, options, 0);
  est::TargetsHeader header;
  header.source = "simulated: the panel " + panel_dir + ", replicate 1, measured as " + t.file;
  header.sample_first_year = t.sample_first_year, header.sample_last_year = t.sample_last_year;
  header.dummy_first_year = t.dummy_first_year, header.dummy_last_year = t.dummy_last_year;
  write_file_atomically(file, est::targets_yaml(tables, header));
  print_to << "the panel's " << tables.size() << " tables written as targets to " << file << "\n";
}

// A run spread over processes left shards (sim/shards.hpp): read each, put
// them back in the panel's order.
Panel read_panel_directory(const std::string& dir) {
  const std::string manifest = shard_manifest_path(dir);
  if (!std::filesystem::exists(manifest)) return est::read_panel_csv(dir);
  const ShardManifest m = read_shard_manifest(manifest);
  if (!m.complete)
    throw InputError(manifest, 0, "state",
                     "the run that writes these shards has not finished (continue it with firmsim run --resume " + dir +
                         ")");
  std::vector<Panel> parts;
  for (const ShardSpec& s : m.shards) parts.push_back(est::read_panel_csv(shard_directory(dir, s)));
  Panel p = merge_panels(std::move(parts), m.shards);
  p.meta.replicates = m.replicates;
  return p;
}

}  // namespace firmsim
