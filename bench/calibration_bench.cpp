// How many calibration evaluations an hour this machine does at the default
// population: each evaluation simulates 1950-2005 and measures its panel in
// memory (the tables the default moments need). Candidates are simulated
// together as variants of one population, B per engine launch; the figure
// printed for each B is what `firmsim calibrate --batch B` sustains. Prints a
// table and the projected time of the default calibration; writes nothing.
//
//   firmsim_calibration_bench [--firms N] [--replicates R] [--batches 1,2,4] [--evaluations E]
#include <omp.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include "bench/yardstick.hpp"
#include "calibrate/evaluator.hpp"
#include "estimation/targets.hpp"
#include "kernels/engine.hpp"
#include "sim/memory_reuse.hpp"

namespace {

struct Options {
  long long firms = 0;  // 0: the config's
  int replicates = 1;
  std::vector<int> batches{1, 2, 4};
  int evaluations = 400;  // the default calibration's budget, for the projection
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i], value = argv[i + 1];
    if (key == "--firms")
      o.firms = std::atoll(value.c_str());
    else if (key == "--replicates")
      o.replicates = std::atoi(value.c_str());
    else if (key == "--evaluations")
      o.evaluations = std::atoi(value.c_str());
    else if (key == "--batches") {
      o.batches.clear();
      std::stringstream s(value);
      for (std::string b; std::getline(s, b, ',');) o.batches.push_back(std::atoi(b.c_str()));
    } else {
      std::fprintf(stderr, "unknown option %s\n", key.c_str());
      std::exit(2);
    }
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace firmsim;
  keep_freed_memory_for_reuse();  // as `firmsim calibrate` does: evaluation after evaluation
  const Options o = parse(argc, argv);
  const std::string src = FIRMSIM_SOURCE_DIR;
  Config base = load_config(src + "/configs/belgium.yaml");
  if (o.firms > 0) base.run.firms = o.firms;
  base.run.replicates = o.replicates;
  const std::string moments_file = src + "/configs/calibration/belgium_moments.yaml";
  std::vector<est::Targets> targets;  // every set the moments refer to, as `firmsim calibrate` loads them
  for (const std::string& f : cal::moments_targets(moments_file)) targets.push_back(est::load_targets(f));
  const auto parameters = cal::load_parameters(src + "/configs/calibration/belgium_parameters.yaml", base);
  const auto moments = cal::load_moments(moments_file, targets);
  const int extra = 2 * static_cast<int>(parameters.size()) + 2;  // Jacobian and the final tables

  std::printf(
      "firmsim calibration benchmark: %s backend, %d threads, %lld firm slots x %d replicate(s), "
      "%zu parameters, %zu moments\n",
      Engine::backend_name(), omp_get_max_threads(), static_cast<long long>(base.run.firms), o.replicates,
      parameters.size(), moments.size());
  const double yardstick = bench::memcpy_seconds();
  bench::print_yardstick(yardstick);
  std::printf("%8s %12s %14s %10s %18s %26s\n", "batch", "seconds", "s/evaluation", "x memcpy", "evaluations/hour",
              "default calibration (h)");
  for (int batch : o.batches) {
    cal::Evaluator evaluator(cal::EvaluatorSetup{base, parameters, moments, batch, cal::Weighting{}});
    std::vector<std::vector<double>> thetas;
    for (int b = 0; b < batch; ++b) {  // distinct candidates around the start
      std::vector<double> u = cal::to_unit(parameters, cal::start_values(parameters));
      for (double& x : u) x = std::min(1.0, x + 0.01 * b);
      thetas.push_back(cal::from_unit(parameters, u));
    }
    const auto start = std::chrono::steady_clock::now();
    evaluator.evaluate(thetas, "bench");
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double per = seconds / batch;
    std::printf("%8d %12.1f %14.2f %9.1fx %18.0f %26.2f\n", batch, seconds, per, per / yardstick, 3600.0 / per,
                (o.evaluations + extra) * per / 3600.0);
    std::fflush(stdout);
  }
  return 0;
}
