// Parameter recovery: simulate a small world at known parameters, take its
// tables as the published targets, calibrate from a perturbed start with a
// different simulation seed, and check that the estimates land within two
// standard errors of the truth. If the calibration machinery (moments,
// weights, evaluator, optimizers, Jacobian, sandwich) were wrong, they would not.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "calibrate/evaluator.hpp"
#include "calibrate/inference.hpp"
#include "calibrate/optimizer.hpp"
#include "estimation/targets.hpp"
#include "sim/simulation.hpp"
#include "tests/sim/support.hpp"

namespace firmsim::cal {
namespace {

constexpr double kTrueExportSunk = 60000, kTrueImportSunk = 20000;

Config small_world(std::uint64_t seed) {
  Config c = testing::small_default(20000, 1975);
  c.run.seed = seed;
  c.run.replicates = 1;
  set_model_parameter(c.model, "exports.sunk_cost", kTrueExportSunk);
  set_model_parameter(c.model, "imports.sunk_cost", kTrueImportSunk);
  return c;
}

// The "published" tables: one replicate of the small world at the truth.
est::Targets simulated_targets(const Config& truth) {
  Simulation sim(truth);
  sim.run();
  est::Targets t;
  t.file = "simulated at known parameters";
  t.tables = est::build_tables(sim.panel(), 0, table_options(truth));
  return t;
}

std::string write_file(const std::string& name, const std::string& text) {
  const std::string path = (std::filesystem::temp_directory_path() / name).string();
  std::ofstream(path) << text;
  return path;
}

// Trade status in 1998 and its transitions to 2005: what sunk costs of
// exporting and importing move most.
// Trade status in 1998 and where the largest groups stand in 2005: what sunk
// costs of exporting and importing move most. (Three of the four 1998 shares:
// the fourth is one minus their sum.)
const char* kMoments = R"(moments:
  - table: table_17
    rows: [import only, export only, two way trade]
    column: "# SMEs active in 1998"
    divide_by: {row: total}
    weight: binomial
  - table: table_17
    row: no trade
    columns: ["2005: import only", "2005: export only", "2005: two way trade"]
    scale: 0.01
    weight: {binomial: {column: "# SMEs active in 1998"}}
  - table: table_17
    row: two way trade
    column: "2005: two way trade"
    scale: 0.01
    weight: {binomial: {column: "# SMEs active in 1998"}}
)";

const char* kParameters = R"(parameters:
  - {key: exports.sunk_cost, lower: 15000, upper: 240000, scale: log}
  - {key: imports.sunk_cost, lower: 5000, upper: 80000, scale: log}
)";

TEST(ParameterRecovery, SunkCostsOfExportingAndImporting) {
  const Config truth = small_world(11);
  const est::Targets targets = simulated_targets(truth);

  Config start = small_world(22);  // other draws than the "data"
  set_model_parameter(start.model, "exports.sunk_cost", 150000);
  set_model_parameter(start.model, "imports.sunk_cost", 8000);
  EvaluatorSetup setup{start, load_parameters(write_file("recovery_parameters.yaml", kParameters), start),
                       load_moments(write_file("recovery_moments.yaml", kMoments), targets), 6};
  Evaluator evaluator(setup);
  SearchSettings settings;
  settings.evaluations = 60;
  settings.swarm = 6;
  settings.seed = 3;
  const SearchResult found = search(evaluator, settings);
  const Inference inf = infer(evaluator, found.best_theta);

  EXPECT_LT(found.best_objective, found.start_objective / 4);
  const double truth_values[] = {kTrueExportSunk, kTrueImportSunk};
  for (int p = 0; p < 2; ++p) {
    SCOPED_TRACE(setup.parameters[p].key);
    ASSERT_TRUE(std::isfinite(inf.se[p]));
    EXPECT_LT(inf.se[p], 0.5 * truth_values[p]);  // informative, not a box-wide interval
    EXPECT_LT(std::fabs(found.best_theta[p] - truth_values[p]), 2.0 * inf.se[p])
        << "estimate " << found.best_theta[p] << ", s.e. " << inf.se[p] << ", truth " << truth_values[p];
  }
  EXPECT_TRUE(inf.not_pinned_down.empty());
}

}  // namespace
}  // namespace firmsim::cal
