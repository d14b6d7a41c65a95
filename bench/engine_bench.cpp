// Throughput of the yearly step against the memory-bound limit.
//
// For each population size: firm-market-years per second of Engine::step,
// bytes of state per firm, and, on the same arrays in the same run, the time
// of a plain device-to-device copy of all the state the step reads and
// writes. The step cannot beat that copy, so step/copy time says how far it
// is from the memory-bound limit. Prints a table; writes nothing.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench/yardstick.hpp"
#include "kernels/engine.hpp"
#include "sim/config.hpp"
#include "sim/simulation.hpp"

namespace {

using firmsim::Config;
using firmsim::Engine;

struct Row {
  long long firms;
  double step_seconds, copy_seconds, firm_market_years_per_second, bytes_per_firm, alive_share;
};

// Steps years first..first+years-1, timing each step alone; firm-years
// counts only firms alive at the start of a year (only those are worked on).
struct Timed {
  double firm_years = 0, seconds = 0;
};

Timed time_steps(Engine& engine, const Config& c, int first, int years) {
  firmsim::YearRecord record;
  engine.record_year(record, firmsim::StateSelection{});  // only who is alive
  Timed t;
  for (int y = first; y < first + years; ++y) {
    for (auto a : record.alive) t.firm_years += a;
    const firmsim::YearWorld world = firmsim::year_world(c, y);
    engine.synchronize();
    const auto start = std::chrono::steady_clock::now();
    engine.step(y, world);
    engine.synchronize();
    t.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    engine.record_year(record, firmsim::StateSelection{});
  }
  return t;
}

Row row_of(const Engine& engine, const Config& c, long long firms, int years, const Timed& t) {
  return Row{firms,
             t.seconds / years,
             engine.time_state_copy(3),
             t.firm_years * static_cast<double>(c.markets.size()) / t.seconds,
             static_cast<double>(engine.state_bytes()) / firms,
             t.firm_years / years / firms};
}

Row measure(const Config& base, long long firms, int years, int warm_up = 0) {
  Config c = base;
  c.run.firms = firms;
  c.run.replicates = 1;
  // Everybody is born in the first timed year's predecessor, so the timed
  // years run a full population (deaths thin it a little).
  c.run.burn_in_start = 2000;
  c.run.first_year = 2000;
  c.run.last_year = 2000 + warm_up + years;
  firmsim::EngineSetup setup = firmsim::engine_setup(c);
  setup.founding_cdf = {1.0f};
  setup.first_founding_year = 2000;
  Engine engine(setup);
  engine.step(2000, firmsim::year_world(c, 2000));                                         // births; not timed
  for (int y = 2001; y <= 2000 + warm_up; ++y) engine.step(y, firmsim::year_world(c, y));  // exporters appear
  return row_of(engine, c, firms, years, time_steps(engine, c, 2001 + warm_up, years));
}

// The same in the default world's own history: firms founded from
// run.burn_in_start on as the config has it, so the timed years (2001-2004)
// hold old and young firms, exporters and the dead, as a calibration
// evaluation's recorded years do. Also the pool of market rows at the end.
struct HistoryRow {
  Row row;
  std::int64_t market_rows, rows_held;
};

HistoryRow measure_history(const Config& base, long long firms) {
  Config c = base;
  c.run.firms = firms;
  c.run.replicates = 1;
  Engine engine(firmsim::engine_setup(c));
  for (int y = c.run.burn_in_start; y <= 2000; ++y) engine.step(y, firmsim::year_world(c, y));
  const int years = 4;
  const Row row = row_of(engine, c, firms, years, time_steps(engine, c, 2001, years));
  return HistoryRow{row, engine.market_rows(), engine.market_rows_held()};
}

// Every firm interaction (issue 9) on or off, at the config's strengths
// (the calibrated default has them on, so "off" must switch them off).
Config with_interactions(Config c, bool on) {
  c.model.interactions.market_information = on;
  c.model.interactions.mentoring = on;
  c.model.interactions.crowding = on;
  return c;
}

constexpr const char* usage =
    "usage: firmsim_bench [CONFIG [LARGEST]]\n"
    "  CONFIG   world and model (default configs/belgium.yaml, relative to the working directory)\n"
    "  LARGEST  also time this many firms when above 10^6 (e.g. 10000000 on a GPU)\n";

// The config, or one line naming the problem and exit status 2 (the CLI's convention).
Config load_or_exit(const std::string& path) {
  try {
    return firmsim::load_config(path);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "firmsim_bench: %s\n%s", e.what(), usage);
    std::exit(2);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::string first = argc > 1 ? argv[1] : "";
  if (first == "-h" || first == "--help") {
    std::printf("%s", usage);
    return 0;
  }
  char* end = nullptr;
  const long long largest = argc > 2 ? std::strtoll(argv[2], &end, 10) : 0;
  if (argc > 3 || (argc > 2 && (*end != '\0' || largest < 0))) {
    std::fprintf(stderr, "firmsim_bench: expected [CONFIG [LARGEST]], LARGEST a whole number of firms\n%s", usage);
    return 2;
  }
  const std::string config_path = argc > 1 ? first : "configs/belgium.yaml";
  const Config config = load_or_exit(config_path);
  std::vector<long long> sizes = {10000, 100000, 1000000};
  if (largest > 1000000) sizes.push_back(largest);
  std::printf("firmsim engine benchmark: backend %s, %zu markets, config %s\n", Engine::backend_name(),
              config.markets.size(), config_path.c_str());
  const double yardstick = firmsim::bench::memcpy_seconds();
  firmsim::bench::print_yardstick(yardstick);
  std::printf("%10s %10s %10s %12s %10s %14s %11s %7s\n", "firms", "step (s)", "x memcpy", "state copy", "step/copy",
              "firm-mkt-yr/s", "bytes/firm", "alive");
  for (long long n : sizes) {
    const Row r = measure(config, n, 4);
    std::printf("%10lld %10.4f %9.2fx %11.4fs %9.1fx %14.3e %11.0f %6.0f%%\n", r.firms, r.step_seconds,
                r.step_seconds / yardstick, r.copy_seconds, r.step_seconds / r.copy_seconds,
                r.firm_market_years_per_second, r.bytes_per_firm, 100.0 * r.alive_share);
    std::fflush(stdout);
  }
  // The same step with firms interacting: peers' last-year state gathered,
  // beliefs borrowed, industry x market counts reduced. Both after the same
  // untimed warm-up years, so that peers have markets to talk about.
  std::printf("\ninteractions (market information, mentoring, crowding), after 5 untimed years:\n");
  std::printf("%10s %14s %14s %10s %12s\n", "firms", "off step (s)", "on step (s)", "on/off", "bytes/firm");
  for (long long n : sizes) {
    const Row off = measure(with_interactions(config, false), n, 4, 5);
    const Row on = measure(with_interactions(config, true), n, 4, 5);
    std::printf("%10lld %14.4f %14.4f %9.2fx %12.0f\n", n, off.step_seconds, on.step_seconds,
                on.step_seconds / off.step_seconds, on.bytes_per_firm);
    std::fflush(stdout);
  }
  // The default world's history: the figures issue 18's targets are about.
  std::printf("\nthe default world's own history (founded from %d on, steps %d-2000 untimed), steps 2001-2004:\n",
              config.run.burn_in_start, config.run.burn_in_start);
  std::printf("%10s %10s %10s %12s %10s %14s %11s %7s %12s %12s\n", "firms", "step (s)", "x memcpy", "state copy",
              "step/copy", "firm-mkt-yr/s", "bytes/firm", "alive", "market rows", "rows held");
  for (long long n : sizes) {
    const HistoryRow h = measure_history(config, n);
    const Row& r = h.row;
    std::printf("%10lld %10.4f %9.2fx %11.4fs %9.1fx %14.3e %11.0f %6.0f%% %12lld %12lld\n", r.firms, r.step_seconds,
                r.step_seconds / yardstick, r.copy_seconds, r.step_seconds / r.copy_seconds,
                r.firm_market_years_per_second, r.bytes_per_firm, 100.0 * r.alive_share,
                static_cast<long long>(h.market_rows), static_cast<long long>(h.rows_held));
    std::fflush(stdout);
  }
  std::printf(
      "firm-mkt-yr/s counts firms alive at the start of each timed year x markets;\n"
      "x memcpy = one yearly step / the yardstick memcpy above (the same for every population);\n"
      "state copy = a plain memcpy of this population's state (cudaMemcpy on a GPU); step/copy = 1 is memory-bound;\n"
      "alive = mean share of the population alive at the start of the timed years;\n"
      "market rows = the pool of per-market state (64 markets a row) after the timed years, rows held = by firms now\n");
  return 0;
}
