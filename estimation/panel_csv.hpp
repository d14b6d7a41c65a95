// A panel as a directory of CSV files, so a researcher's own firm data can go through
// the same typology and table builders as the simulation:
//   firm_years.csv, firms.csv, flows.csv  header row = the field names of the structs
//                                         in sim/panel.hpp; the 64-bit masks as hex
//                                         ("0x1f"), everything else plain numbers;
//   panel_meta.yaml                       first_year, last_year, replicates, seed,
//                                         markets: [{iso, name, region, eu_join_year,
//                                         longitude, latitude}], industries: [{name,
//                                         sector, technology, globalized}].
// Columns may come in any order. The measured columns are required; the latent ones
// (exports_true, imports_true, latent_strategy, latent_export_start_year, orientation,
// exit_year) and replicate (default 0) and alive (default 1) may be left out, since a
// real data set has no latent truth. flows.csv may be absent (the per-market tables
// then use the firm-year masks) or have no rows. A float cell may be empty or "NA"
// (missing, read as NaN, e.g. unreported R&D); an integer or mask cell may not.
// Any problem (missing file or column, a cell that is not a number, a file without
// rows, a row with the wrong number of fields, an industry or market index out of
// range, a firm-year whose firm has no row in firms.csv) is an InputError naming the
// file, the line and the column.
#pragma once

#include <string>

#include "sim/panel.hpp"

namespace firmsim::est {

Panel read_panel_csv(const std::string& dir);

// Writes the four files (each atomically). Used by the tests; the simulator's own
// writer produces the same format.
void write_panel_csv(const Panel& panel, const std::string& dir);

}  // namespace firmsim::est
