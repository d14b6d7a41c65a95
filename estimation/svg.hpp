// Minimal self-contained SVG figures (no external library): grouped bars and heat
// maps, enough to set a simulated table beside its published twin at a glance.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "estimation/tables.hpp"

namespace firmsim::est {

struct BarSeries {
  std::string name;
  std::vector<double> values;  // one per category; NaN = no bar
  std::string color;           // CSS colour
};

// Vertical grouped bars, one group per category, one bar per series, with a legend.
std::string svg_grouped_bars(const std::string& title, const std::vector<std::string>& categories,
                             const std::vector<BarSeries>& series, const std::string& y_label);

// Side-by-side heat maps of equally shaped grids (e.g. empirical and simulated
// transition matrices in percent); the colour scale runs from 0 to `max_value`, every
// cell is labelled with its value, NaN cells are grey.
std::string svg_heatmaps(const std::string& title, const std::vector<std::string>& rows,
                         const std::vector<std::string>& cols, const std::vector<std::pair<std::string, Grid>>& panels,
                         double max_value);

// Escapes &, <, > and quotes for SVG/XML text.
std::string xml_escape(const std::string& text);

}  // namespace firmsim::est
