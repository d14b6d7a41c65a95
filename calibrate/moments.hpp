// Targeted moments: which cells of the published tables the calibration
// matches, and how precisely each is known.
//
// A moment is one cell of a seed table (table, row, column), optionally
// divided by another cell of the same table (a share of a total), optionally
// rescaled (percent -> fraction). Its empirical variance comes from one of:
//   se        the published standard error: var = se^2
//   pvalue    a coefficient printed with its p-value only (Tables 11, 12, 15):
//             se = |b| / z(1 - p/2), with p = 0.000 read as p = 0.0005
//   binomial  a share or rate p out of n firms: var = p (1 - p) / n, n a number
//             or another published cell (e.g. the row's firm count)
//   mean      a sample mean with its published sd and count: var = sd^2 / n
//   relative  no sampling information is published: sd = fraction * |value|
//             (a stated judgement, used sparingly)
// The weight of moment k is 1 / (var_k (1 + 1/R)), R the simulated replicates:
// the simulated moment is an average over R samples as large as the data's.
#pragma once

#include <string>
#include <vector>

#include "estimation/tables.hpp"
#include "estimation/targets.hpp"

namespace firmsim::cal {

struct CellRef {
  std::string table, row, column;
};

struct Moment {
  std::string name;  // "table_16/BG/exit rate"
  CellRef cell;
  bool has_denominator = false;
  CellRef denominator;  // same table as cell
  double scale = 1;     // applied to the (ratio of) cells, e.g. 0.01 for percent
  double empirical = 0;
  double variance = 0;        // of the empirical moment
  std::string weight_source;  // "se", "binomial n=7208", ... (for the report)
  std::string group;          // the moments file's group name (for the report)
};

// Reads the moments file against the targets (every cell must exist and be
// a number). Throws InputError naming file, line and key.
std::vector<Moment> load_moments(const std::string& file, const est::Targets& targets);

// The simulated value of each moment from one replicate's tables (NaN when
// the simulated cell is empty, e.g. no born globals in a small world).
std::vector<double> simulated_moments(const std::vector<Moment>& moments, const std::vector<est::Table>& tables);

// The seed tables a set of moments needs (so an evaluation builds only those).
std::vector<std::string> tables_needed(const std::vector<Moment>& moments);

// Weights 1 / (var (1 + 1/R)).
std::vector<double> moment_weights(const std::vector<Moment>& moments, int replicates);

// A missing simulated moment costs this many squared standard errors, so the
// optimizer is steered away from worlds where a fact cannot be measured.
constexpr double kMissingMomentPenalty = 100.0;

// sum_k w_k (m_k - e_k)^2, a missing moment counting kMissingMomentPenalty.
double objective(const std::vector<Moment>& moments, const std::vector<double>& weights,
                 const std::vector<double>& simulated);

}  // namespace firmsim::cal
