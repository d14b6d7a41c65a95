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
// That assumes one simulated sample is as noisy as the data's; where it is not
// (a fat-tailed size distribution makes totals and shares of a few giant firms
// far noisier than the published standard errors say), `--noise-replicates`
// measures each moment's variance across replicates at the start point and
// the weight becomes 1 / (var_k + noise_k / R).
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
  // The years its target set was measured over (`window:`): the simulated
  // table is measured over the same ones.
  int sample_first_year = 1998, sample_last_year = 2005;
};

// Reads the moments file against the targets (every cell must exist and be
// a number). Throws InputError naming file, line and key.
std::vector<Moment> load_moments(const std::string& file, const est::Targets& targets);
// The same against several target sets: each moment's table is looked up by
// id in whichever set holds it (ids are unique across the shipped sets).
std::vector<Moment> load_moments(const std::string& file, const std::vector<est::Targets>& sets);

// The target sets a moments file names in its optional top-level `targets:`
// list, resolved against the file's own directory (so a copied or pinned
// configs/ tree stays self-contained); empty when it names none.
std::vector<std::string> moments_targets(const std::string& file);

// The simulated value of each moment from one replicate's tables (NaN when
// the simulated cell is empty, e.g. no born globals in a small world).
std::vector<double> simulated_moments(const std::vector<Moment>& moments, const std::vector<est::Table>& tables);

// The seed tables a set of moments needs (so an evaluation builds only those).
std::vector<std::string> tables_needed(const std::vector<Moment>& moments);

// How the objective weighs the moments (calibrate/README.md, "Weighting").
//   efficient  1 / (var (1 + 1/R)): right when the model is right
//   floor      1 / (var (1 + 1/R) + (model_error * published)^2): each moment
//              also carries a model error proportional to its size, so that a
//              mean known to the third decimal cannot outweigh the facts
//   groups     efficient within each group of the moments file, every group
//              the same total weight
struct Weighting {
  enum class Kind { efficient, floor, groups };
  Kind kind = Kind::efficient;
  double model_error = 0.1;  // floor: the model error's sd as a share of the published value
  // Measured simulation noise: per moment, the variance of a one-replicate
  // simulated moment across `noise_replicates` replicates (empty: not
  // measured, taken equal to the data's variance). A moment whose noise could
  // not be measured (NaN) keeps the data-based assumption.
  int noise_replicates = 0;
  std::vector<double> simulation_variance;
  // The one-replicate moments behind it, [replicate][moment]: their
  // covariance enters the standard errors (difference_covariance).
  std::vector<std::vector<double>> simulation_draws;
  // The targets are themselves one simulated draw of the model (a recovery
  // experiment): their error is the measured simulation noise where it
  // exceeds their stated sampling variance, which a fat-tailed panel
  // understates. Only with measured noise; unmeasured moments keep the
  // data-based assumption.
  bool simulated_targets = false;
  // Where the noise was measured: "" the start point, else the scenario file
  // of `calibrate --noise-at` (a resumed run must measure it there again).
  std::string noise_point;
};
// "efficient", "floor" or "groups"; InputError naming --weighting otherwise.
Weighting parse_weighting(const std::string& name, double model_error);
std::string describe(const Weighting& w);  // "efficient", "floor 0.1", "groups", "... + noise of 8 replicates"

// The objective's weights under a weighting; efficient by default.
std::vector<double> moment_weights(const std::vector<Moment>& moments, int replicates, const Weighting& w = {});
// The variance of (simulated mean over R replicates - published) for moment
// k: the data's variance plus the simulation's (measured, or assumed equal);
// for simulated targets, max(noise_k, var_k) + noise_k / R where measured.
double difference_variance(const Moment& m, int replicates, const Weighting& w, std::size_t k);
// The covariance of (simulated mean over R replicates - published) across
// moments, K x K: the diagonal is difference_variance; where the noise was
// measured, the off-diagonal is the simulation draws' covariance times the
// share of the simulation in the diagonal (1/R, or 1 + 1/R for simulated
// targets). One draw moves many moments together (a giant firm moves every
// large-firm cell; shares sum to one), and a diagonal Omega ignores it.
std::vector<std::vector<double>> difference_covariance(const std::vector<Moment>& moments, int replicates,
                                                       const Weighting& w);
// The variance across replicates of each moment (NaN where fewer than two
// replicates measure it), from moments[replicate][moment].
std::vector<double> variance_across_replicates(const std::vector<std::vector<double>>& by_replicate);

// A missing simulated moment costs this many squared standard errors, so the
// optimizer is steered away from worlds where a fact cannot be measured.
constexpr double kMissingMomentPenalty = 100.0;

// sum_k w_k (m_k - e_k)^2, a missing moment counting kMissingMomentPenalty.
double objective(const std::vector<Moment>& moments, const std::vector<double>& weights,
                 const std::vector<double>& simulated);

}  // namespace firmsim::cal
