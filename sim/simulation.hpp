// The year loop on the host: builds the engine from a config, resolves what
// each year's world looks like (growth, shocks, policy, thresholds), steps
// the population, and collects the recorded years into the panel.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "kernels/engine.hpp"
#include "sim/config.hpp"
#include "sim/panel.hpp"

namespace firmsim {

// Aggregates of one simulated year (latent truth, all replicates together).
struct YearSummary {
  int year = 0;
  std::int64_t alive = 0, births = 0, deaths = 0;
  std::int64_t exporters = 0, importers = 0, two_way = 0, export_starters = 0;
  std::array<std::int64_t, 3> exporters_by_strategy{};  // none, waterfall, sprinkler
  double exports = 0, imports = 0;                      // EUR, latent
  double exports_observed = 0;
  double support_paid = 0;  // EUR of policy support
  bool recorded = false;    // inside the recorded window
};

// Memory a run needs on the device, in bytes, before anything is allocated.
std::size_t estimated_device_bytes(const Config& config);

// The engine's set-up for a config (population, world, parameters).
EngineSetup engine_setup(const Config& config);
// The world of one year as the engine sees it: market demand after growth
// and shocks, psychic distance after diplomacy, policies in force, thresholds.
YearWorld year_world(const Config& config, int year);

class Simulation {
 public:
  // Throws InputError when the population does not fit in memory.
  explicit Simulation(Config config);
  ~Simulation();

  const Config& config() const { return config_; }
  int next_year() const { return next_year_; }
  bool finished() const { return next_year_ > config_.run.last_year; }
  int total_years() const { return config_.run.last_year - config_.run.burn_in_start + 1; }

  // Simulates the next year and returns its summary.
  const YearSummary& step();
  void run(const std::function<void(const YearSummary&)>& on_year = {});

  const std::vector<YearSummary>& summaries() const { return summaries_; }
  // The recorded years so far, ordered by (replicate, year, firm).
  Panel panel() const;
  FirmSnapshot snapshot(int replicate, std::int64_t firm) const;

 private:
  YearSummary summarize(int year, const YearRecord& record);
  void append(const YearRecord& record);

  Config config_;
  std::unique_ptr<Engine> engine_;
  int next_year_;
  std::vector<YearSummary> summaries_;
  std::vector<FirmYearColumns> firm_years_;       // one per replicate
  std::vector<FlowColumns> flows_;                // one per replicate
  std::vector<std::int64_t> previous_exporters_;  // population ids exporting last year (sorted)
};

}  // namespace firmsim
