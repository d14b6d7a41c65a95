// The experiment's report: the distance of every variant to the data and
// the cells each scenario moves (printed and in experiment.md), every cell of
// every variant with its paired change in experiment.csv, the same firms'
// types and strategies in both worlds (transition tables in experiment.md,
// firm by firm in firms_K.csv), and SVG figures (distance to the data by
// table and variant; the observed-type transition of each scenario).
// Files are written atomically (sim/atomic_file.hpp).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "policy/experiment.hpp"

namespace firmsim::policy {

// The headline cells of scenario `variant` (significant and large changes),
// largest relative change first.
std::vector<const CellEffect*> headline_cells(const Experiment& e, int variant);

void print_experiment(std::ostream& out, const Experiment& e);
std::string experiment_markdown(const Experiment& e);
std::string experiment_csv(const Experiment& e);
std::string firm_paths_csv(const Experiment& e, int scenario);  // scenario = variant - 1
std::string distance_figure(const Experiment& e);
std::string transition_figure(const Experiment& e, int scenario);
// Writes experiment.md, experiment.csv, firms_K.csv and the figures; returns the file names.
std::vector<std::string> write_experiment(const Experiment& e, const std::string& dir);

}  // namespace firmsim::policy
