// Parameter recovery: simulate a small world at known parameters, take its
// tables as the published targets, calibrate from a perturbed start with a
// different simulation seed, and check that the estimates land within two
// standard errors of the truth. If the calibration machinery (moments,
// weights, evaluator, optimizers, Jacobian, sandwich) were wrong, they would not.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
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

// The export size elasticity is pinned at its hand value of rounds one and
// two, so that this small world does not move with each shipped estimate. At
// the estimate shipped 2026-12-08 (0.83) the six-parameter Gauss-Newton
// search below stops short from its start 15% of each range away (objective
// 80.4 -> 17.5 where the truth scores 10.9; 3 of 6 within 2 s.e., the export
// scale 2,492 against 3,629): a trade-off of scale and size in a world of
// 20,000 slots that the full recovery at the shipped estimate
// (scripts/recovery-shipped.sh) measures at the real size.
constexpr float kExportSizeElasticity = 0.7f;

Config small_world(std::uint64_t seed) {
  Config c = testing::small_default(20000, 1975);
  c.run.seed = seed;
  c.run.replicates = 1;
  c.model.exports.size_elasticity = kExportSizeElasticity;
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

// The recovery problem: the truth's tables as targets, the candidates drawn
// at another seed, the start far from the truth.
EvaluatorSetup recovery_setup() {
  const Config truth = small_world(11);
  const est::Targets targets = simulated_targets(truth);
  Config start = small_world(22);  // other draws than the "data"
  set_model_parameter(start.model, "exports.sunk_cost", 150000);
  set_model_parameter(start.model, "imports.sunk_cost", 8000);
  return EvaluatorSetup{start, load_parameters(write_file("recovery_parameters.yaml", kParameters), start),
                        load_moments(write_file("recovery_moments.yaml", kMoments), targets), 6, {}};
}

void expect_recovered(const EvaluatorSetup& setup, const SearchResult& found, const Inference& inf) {
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

// Gauss-Newton from the start point, no swarm, within `evaluations`.
SearchSettings gauss_newton_alone(int evaluations) {
  SearchSettings settings;
  settings.evaluations = evaluations;
  settings.global_share = 0;
  settings.local = LocalSearch::gauss_newton;
  return settings;
}

TEST(ParameterRecovery, SunkCostsOfExportingAndImporting) {
  const EvaluatorSetup setup = recovery_setup();
  Evaluator evaluator(setup);
  SearchSettings settings;
  settings.evaluations = 60;
  settings.swarm = 6;
  settings.seed = 3;
  const SearchResult found = search(evaluator, settings);
  expect_recovered(setup, found, infer(evaluator, found.best_theta));
}

// Gauss-Newton alone, from the start (no swarm): the moments' Jacobian points
// the way, so half the budget suffices. A step of the wrong sign, or no
// damping that improves, leaves it at the start and fails here.
TEST(ParameterRecovery, GaussNewtonFromTheStartAlone) {
  const EvaluatorSetup setup = recovery_setup();
  Evaluator evaluator(setup);
  const SearchSettings settings = gauss_newton_alone(30);
  const SearchResult found = search(evaluator, settings);
  EXPECT_EQ(found.global_evaluations, 1);  // the start only: no swarm
  EXPECT_LE(evaluator.total(), settings.evaluations);
  expect_recovered(setup, found, infer(evaluator, found.best_theta));
}

// The same with a Jacobian by central differences of twice the step: it must
// still find the truth (its probes cost 2P, so fewer iterations fit).
TEST(ParameterRecovery, GaussNewtonByCentralDifferences) {
  const EvaluatorSetup setup = recovery_setup();
  Evaluator evaluator(setup);
  SearchSettings settings = gauss_newton_alone(40);
  settings.jacobian_step = 0.04;
  settings.central_differences = true;
  const SearchResult found = search(evaluator, settings);
  EXPECT_LE(evaluator.total(), settings.evaluations);
  expect_recovered(setup, found, infer(evaluator, found.best_theta));
}

// Whether a candidate at the start moved by `step` in parameter p alone was asked for.
bool probed(const Evaluator& evaluator, const std::vector<double>& start_u, std::size_t p, double step) {
  const std::vector<Parameter>& ps = evaluator.setup().parameters;
  for (const Evaluation& e : evaluator.ranked(evaluator.total())) {
    const std::vector<double> u = to_unit(ps, e.theta);
    bool match = true;
    for (std::size_t q = 0; q < u.size(); ++q)
      match = match && std::fabs(u[q] - (start_u[q] + (q == p ? step : 0.0))) < 1e-9;
    if (match) return true;
  }
  return false;
}

// One iteration's candidates: the Jacobian probes where the settings say, at
// +h only (one-sided) or at +h and -h (central), for every parameter.
TEST(GaussNewton, JacobianProbesSitWhereTheSettingsSay) {
  const EvaluatorSetup setup = recovery_setup();
  const std::vector<double> start_u = to_unit(setup.parameters, start_values(setup.parameters));
  for (const bool central : {false, true}) {
    SCOPED_TRACE(central ? "central" : "one-sided");
    Evaluator evaluator(setup);
    SearchSettings settings = gauss_newton_alone(central ? 9 : 7);  // start, 2P or P probes, 4 damped steps
    settings.jacobian_step = 0.07;
    settings.central_differences = central;
    search(evaluator, settings);
    for (std::size_t p = 0; p < start_u.size(); ++p) {
      EXPECT_TRUE(probed(evaluator, start_u, p, 0.07));
      EXPECT_EQ(probed(evaluator, start_u, p, -0.07), central);
      EXPECT_FALSE(probed(evaluator, start_u, p, kDefaultJacobianStep));
    }
  }
}

// Six parameters at once (issue 17 asks a recovery test of at least six):
// both sunk costs, both sales scales, the export relationships' hazard and
// the death hazard's fall with age, from a start 15% of each range away,
// by Gauss-Newton alone. Moments: trade status in 1998 and its transitions
// (Table 17), exit rates with their across-industry s.e. (Table 16), mean log
// exports and imports per FTE (Table 22). What it showed when written, with
// Jacobian steps of 0.02: the objective 154 -> 26.3 in 86 evaluations
// (Gauss-Newton stopped by itself; the truth scores 22.6 on the candidates'
// draws), 5 of 6 within 2 s.e.; the export sunk cost stayed far (41,000
// against 60,000, 2.6 s.e.): on this small world it trades off against the
// relationships' hazard. With the default of 0.05 since 2026-12-07: 154 ->
// 18.3 in 126 evaluations, 6 of 6 (Gauss-Newton's look around, 2026-12-07,
// does not fit in this budget; with room it goes on to 13.0, the next test).
// (Started at the truth, the search
// descends from 22.6 to 11.1: the small world's noise puts the objective's
// minimum away from the truth.)
const char* kSixMoments = R"(moments:
  - table: table_17
    rows: [import only, export only, two way trade]
    column: "# SMEs active in 1998"
    divide_by: {row: total}
    weight: binomial
  - table: table_17
    rows: [no trade, export only, two way trade]
    columns: ["2005: import only", "2005: export only", "2005: two way trade", "2005: no trade"]
    scale: 0.01
    weight: {binomial: {column: "# SMEs active in 1998"}}
  - table: table_16
    rows: [old traders, old non-traders, young non-traders]
    column: exit rate
    weight: se
  - table: table_22
    rows: [ln_M_FTE98, ln_X98]
    column: Mean
    weight: {mean: {sd_column: "Std. Dev.", n_column: Obs}}
)";

const char* kSixParameters = R"(parameters:
  - {key: exports.sunk_cost, lower: 15000, upper: 240000, scale: log}
  - {key: imports.sunk_cost, lower: 5000, upper: 80000, scale: log}
  - {key: exports.scale, lower: 1000, upper: 12000, scale: log}
  - {key: imports.scale, lower: 1000, upper: 12000, scale: log}
  - {key: exports.relationship_hazard, lower: 0.05, upper: 0.5}
  - {key: death.age_decay, lower: 0.0, upper: 0.15}
)";

struct SixParameterProblem {
  EvaluatorSetup setup;
  std::vector<double> truth, start;
};

SixParameterProblem six_parameter_problem() {
  const Config truth = small_world(11);
  const est::Targets targets = simulated_targets(truth);
  Config start = small_world(22);
  const std::vector<Parameter> ps = load_parameters(write_file("recovery6_parameters.yaml", kSixParameters), start);
  std::vector<double> truth_values;
  for (const Parameter& p : ps) truth_values.push_back(get_model_parameter(truth.model, p.key));
  std::vector<double> u = to_unit(ps, truth_values);
  for (double& x : u) x += x < 0.5 ? 0.15 : -0.15;  // 15% of the range off, inwards
  const std::vector<double> start_theta = from_unit(ps, u);
  for (std::size_t p = 0; p < ps.size(); ++p) set_model_parameter(start.model, ps[p].key, start_theta[p]);
  // Loaded again: a parameter's start value is read from the config it is loaded with.
  return {EvaluatorSetup{start, load_parameters(write_file("recovery6_parameters.yaml", kSixParameters), start),
                         load_moments(write_file("recovery6_moments.yaml", kSixMoments), targets), 6, {}},
          truth_values, start_theta};
}

TEST(ParameterRecovery, SixParametersByGaussNewton) {
  const SixParameterProblem problem = six_parameter_problem();
  const EvaluatorSetup& setup = problem.setup;
  const std::vector<Parameter>& ps = setup.parameters;
  const std::vector<double>& truth_values = problem.truth;
  const std::vector<double>& start_theta = problem.start;
  Evaluator evaluator(setup);
  const SearchSettings settings = gauss_newton_alone(121);  // a ceiling: it stops when no damping improves
  const SearchResult found = search(evaluator, settings);
  const Inference inf = infer(evaluator, found.best_theta);

  EXPECT_LT(found.best_objective, found.start_objective / 4);
  const int used = evaluator.total();
  const double truth_scores = evaluator.evaluate_one(truth_values, "truth").objective;
  std::printf("objective %g -> %g in %d evaluations; the truth scores %g\n", found.start_objective,
              found.best_objective, used, truth_scores);
  int inside = 0;
  for (std::size_t p = 0; p < ps.size(); ++p) {
    SCOPED_TRACE(ps[p].key);
    ASSERT_TRUE(std::isfinite(inf.se[p]));
    const bool in = std::fabs(found.best_theta[p] - truth_values[p]) < 2.0 * inf.se[p];
    inside += in;
    std::printf("%-32s truth %10.4g  start %10.4g  estimate %10.4g  s.e. %10.4g%s\n", ps[p].key.c_str(),
                truth_values[p], start_theta[p], found.best_theta[p], inf.se[p], in ? "" : "  (outside 2 s.e.)");
  }
  EXPECT_GE(inside, 5);  // 90% of six, rounded down
}

// A Gauss-Newton search that stops by itself (budget left) has looked at the
// standard errors' probes around its optimum: the fit report then finds none
// lower ("Not converged" is left to searches that ran out of budget), and
// those probes come from the evaluator's cache.
TEST(GaussNewton, StopsOnlyWhereTheReportsProbesSeeNothingLower) {
  const SixParameterProblem problem = six_parameter_problem();
  Evaluator evaluator(problem.setup);
  const SearchSettings settings = gauss_newton_alone(600);
  const SearchResult found = search(evaluator, settings);
  const int searched = evaluator.total();
  ASSERT_LT(searched, settings.evaluations) << "the search should stop by itself";
  infer(evaluator, found.best_theta);
  std::printf("objective %g -> %g in %d evaluations; the report's probes cost %d more\n", found.start_objective,
              found.best_objective, searched, evaluator.total() - searched);
  EXPECT_EQ(evaluator.best()->objective, found.best_objective) << "a probe of the report is below the optimum";
  EXPECT_EQ(evaluator.total(), searched) << "the report's probes were not those the search looked at";
}

// A moment of seed 001 is measured as seed 001 measured it: on every SME of 1+
// FTE over 1998-2003, not on seed 000's 10-FTE dataset. The evaluator's count
// of micro manufacturing SMEs in 2002 must be the one the seed 001 builder
// gives on the same world with seed 001's options (on seed 000's frame only
// firms that once had 10 FTE would be counted).
TEST(SeedMoments, Seed001MomentsAreMeasuredOnTheirOwnPopulation) {
  const Config world = small_world(11);
  std::vector<est::Targets> sets{est::load_targets(testing::source_dir() + "/configs/targets/belgium_sme_1998_2005.yaml"),
                                 est::load_targets(testing::source_dir() + "/configs/targets/belgium_sme_1998_2003.yaml")};
  const char* moments = R"(moments:
  - table: s001_table_04
    row: N
    columns: ["<10", "10-49"]
    weight: {relative: 0.1}
  - table: table_17
    row: total
    column: "# SMEs active in 1998"
    weight: {relative: 0.1}
)";
  EvaluatorSetup setup{world, load_parameters(write_file("seed_moments_parameters.yaml", kParameters), world),
                       load_moments(write_file("seed_moments.yaml", moments), sets), 2, {}};
  Evaluator evaluator(setup);
  const Evaluation e = evaluator.evaluate_one(std::vector<double>{kTrueExportSunk, kTrueImportSunk}, "start");

  Simulation sim(world);
  sim.run();
  const auto own = est::build_tables(est::prepare_tables(sim.panel(), 0, est::seed001_options(1998, 2003)),
                                     std::vector<std::string>{"s001_table_04"});
  const auto seed000_frame =
      est::build_tables(est::prepare_tables(sim.panel(), 0, table_options(world)), std::vector<std::string>{"s001_table_04"});
  ASSERT_EQ(own.size(), 1u);
  const double micro = own[0].at("N", "<10");
  ASSERT_GT(micro, seed000_frame[0].at("N", "<10"));  // the two populations differ here
  EXPECT_EQ(e.moments[0], micro);
  EXPECT_EQ(e.moments[1], own[0].at("N", "10-49"));
  const auto t17 = est::build_tables(sim.panel(), 0, table_options(world));
  EXPECT_EQ(e.moments[2], est::Table(*std::find_if(t17.begin(), t17.end(), [](const est::Table& t) {
                            return t.id == "table_17";
                          })).at("total", "# SMEs active in 1998"));
}

}  // namespace
}  // namespace firmsim::cal
