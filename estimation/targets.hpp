// The empirical targets: seed 000's published tables, read from
// configs/targets/belgium_sme_1998_2005.yaml into the same Table struct the builders
// fill, so the comparison can match them cell by cell. Every error (a missing key, a
// row of the wrong length, a cell that is not a number) is an InputError naming the
// file, the line and the key.
#pragma once

#include <string>
#include <vector>

#include "estimation/tables.hpp"

namespace firmsim::est {

struct Targets {
  std::string file;
  std::string source;  // the seed the numbers come from
  // The windows the published tables were measured over (`window:` in the
  // file; the seed's own by default).
  int sample_first_year = 1998, sample_last_year = 2005;
  int dummy_first_year = 1993, dummy_last_year = 1997;
  std::vector<Table> tables;                       // in file order
  const Table* find(const std::string& id) const;  // nullptr when absent
};

// Reads the `tables:` list: id, title, row_labels, column_labels, values (null = empty
// cell, stored as NaN), and where present se, paren (p-values), t or z (into
// Table::stat), and the scalar or per-column statistics n_obs, r2, chi_square, df.
Targets load_targets(const std::string& file);

// What a written targets file says about itself.
struct TargetsHeader {
  std::string source;  // e.g. "simulated: configs/belgium.yaml, seed 11"
  int sample_first_year = 1998, sample_last_year = 2005;
  int dummy_first_year = 1993, dummy_last_year = 1997;
};

// Tables in the format load_targets reads (values, and se and paren where a
// table has them), e.g. a panel's own tables as the targets of a
// parameter-recovery experiment. Tables without cells are left out.
std::string targets_yaml(const std::vector<Table>& tables, const TargetsHeader& header);

// configs/targets/belgium_sme_1998_2005.yaml under $FIRMSIM_SOURCE_DIR (or the current
// directory when the variable is unset).
std::string default_targets_file();

}  // namespace firmsim::est
