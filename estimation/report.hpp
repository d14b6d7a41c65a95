// Writes a Comparison into a directory: comparison.md (Markdown, table by table),
// comparison.csv (long format: table,row,column,empirical,simulated,sim_sd,diff,
// within_ci, then empirical_se,sim_min,sim_max,rel_diff,far_off) and SVG figures for
// the tables people would rather look at (type shares, exit rates, the trade-status and
// export-market transition matrices). Every file is written to a temporary file in the
// same directory and renamed, so no half-written report is left behind. An unwritable
// directory is an InputError naming it.
#pragma once

#include <string>
#include <vector>

#include "estimation/compare.hpp"

namespace firmsim::est {

// Returns the names of the files written.
std::vector<std::string> write_comparison(const Comparison& c, const std::string& dir);

std::string comparison_csv(const Comparison& c);
// A CSV field, quoted (RFC 4180) when it holds a comma, a quote or a newline.
std::string csv_field(const std::string& s);
std::string comparison_markdown(const Comparison& c);

// Writes text to dir/name through a temporary file and a rename.
void write_text_atomic(const std::string& dir, const std::string& name, const std::string& text);

}  // namespace firmsim::est
