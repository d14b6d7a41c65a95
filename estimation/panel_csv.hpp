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
// Any problem (missing file or column, a column named twice, a cell that is not a
// number or not a finite one a float can hold, a file without rows, a row with the
// wrong number of fields, a last line without a line end (a cut file), an industry,
// market, replicate or year out of range, a firm listed twice in firms.csv or a
// firm-year twice, a firm-year or flow whose firm has no row in firms.csv, a replicate
// the meta file declares with no rows) is an InputError naming the file, the line and
// the column. So is a value that is impossible (issue 20): a missing fte, exports or
// imports (the other float columns may be missing); a negative size, trade, turnover,
// asset or R&D value; alive or exported_1993_1997 not 0/1; latent_strategy beyond 0-2;
// a founding year outside 1000-3000 or after the row's year; exit or export-start
// years before it; market counts that are not the masks' bit counts or masks naming
// unknown markets; a NUL byte; a flow without its firm-year or to a market not in its
// firm-year's mask; a flows.csv with only its header while firm-years trade. A
// directory written by `firmsim run` carries panel_manifest.yaml (see
// sim/panel_io.hpp): then the manifest must say `state: complete`, list the meta file
// and the three tables of one format, each once, with 8-hex-digit CRC-32s, and every
// file read (and a listed summary.csv or starters.csv) must match its bytes, CRC-32
// and rows, so a half-written or mixed panel is refused.
#pragma once

#include <string>

#include "sim/panel.hpp"

namespace firmsim::est {

Panel read_panel_csv(const std::string& dir);

// Writes the four files (each atomically). Used by the tests; the simulator's own
// writer produces the same format.
void write_panel_csv(const Panel& panel, const std::string& dir);

}  // namespace firmsim::est
