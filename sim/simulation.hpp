// The year loop on the host: builds the engine from a config, resolves what
// each year's world looks like (growth, shocks, policy, thresholds), steps
// the population, and collects the recorded years into the panel.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kernels/engine.hpp"
#include "sim/config.hpp"
#include "sim/panel.hpp"

namespace firmsim {

// A sum of euros that comes out the same whatever the order of its terms
// and however they are split over threads, batches or processes: fixed point
// in units of 2^-16 EUR (each firm's float rounded once), summed exactly.
// Amounts beyond 2^40 EUR a firm (or not finite: a diverging world) are
// summed apart as doubles, so they show in the total rather than wrap.
struct ExactEuros {
  __int128 units = 0;
  double outside = 0;
  void add(float eur) {
    if (std::isfinite(eur) && std::fabs(eur) < 1099511627776.0f)
      units += static_cast<__int128>(std::llround(std::ldexp(static_cast<double>(eur), 16)));
    else
      outside += eur;
  }
  void add(const ExactEuros& other) {
    units += other.units;
    outside += other.outside;
  }
  double eur() const { return std::ldexp(static_cast<double>(units), -16) + outside; }
};

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
  // The exact sums behind the four amounts above, in their order.
  std::array<ExactEuros, 4> money{};

  // Adds another part of the same year (replicates or firms of another
  // process): counts and exact sums, so the total does not depend on the split.
  void add(const YearSummary& part);
  void settle_money();  // the four amounts from the exact sums
};

// Adds another part's years to `total` year by year (an empty total takes the part).
void add_years(std::vector<YearSummary>& total, const std::vector<YearSummary>& part);

// Which part of a larger population a Simulation holds, when the work is
// spread over processes (parallel/): local replicate k is replicate
// first_replicate + k of the whole and local firm f of each replicate is
// firm first_firm + f; with `split_firms`, the other firms of the same
// replicates are in other processes, which reduce summaries and crowding
// counts together every year (collective calls: every process steps in step).
struct PopulationPart {
  std::uint32_t first_replicate = 0;
  std::int64_t first_firm = 0;
  bool split_firms = false;
};

// Memory a run needs on the device, in bytes, before anything is allocated
// (a double: a hostile --firms must not overflow the estimate).
double estimated_device_bytes(const Config& config, int variants = 1);
// Host memory of the recorded panel (measured per firm slot and recorded
// year; see simulation.cpp). On the CPU backend both come out of host memory.
double estimated_host_bytes(const Config& config, int variants = 1);

// Peer slots per firm for a population of these variants: 0 when no variant
// lets firms interact (no switch on, no network program), so a model without
// interactions allocates and computes nothing for them.
int peer_slots(const std::vector<Config>& variants);
// Throws InputError when these variants cannot be split over processes by
// firms: peers may be any firm of the replicate, and the process holding a
// firm would need every other process's last-year state of its peers.
void check_splittable(const std::vector<Config>& variants);

// The engine's set-up for a config (population, world, parameters).
EngineSetup engine_setup(const Config& config);
// The same for variants of one population: each config brings its parameters,
// world economics and policies; population, years, seed and shares must agree
// (InputError naming the first key that differs otherwise).
EngineSetup engine_setup(const std::vector<Config>& variants);
// The world of one year as the engine sees it: market demand after growth
// and shocks, psychic distance after diplomacy, policies in force, thresholds.
YearWorld year_world(const Config& config, int year);

// What policy did to each recorded firm-year, row for row beside
// panel(v).firm_years (kept out of the panel so its files do not change).
struct PolicyColumns {
  std::vector<float> support;          // EUR paid to the firm in the year
  std::vector<std::uint8_t> targeted;  // bit k: program k in force that year targeted the firm
};

class Simulation {
 public:
  // Throws InputError when the population does not fit in memory.
  explicit Simulation(Config config);
  // Variants of one population simulated together with common random
  // numbers: replicate k of each variant has the same firms and the same luck,
  // so differences between variants are the parameters' doing alone.
  explicit Simulation(std::vector<Config> variants, PopulationPart part = {});
  ~Simulation();

  const Config& config() const { return config_; }
  int next_year() const { return next_year_; }
  bool finished() const { return next_year_ > config_.run.last_year; }
  int total_years() const { return config_.run.last_year - config_.run.burn_in_start + 1; }

  // Simulates the next year and returns variant 0's summary.
  const YearSummary& step();
  void run(const std::function<void(const YearSummary&)>& on_year = {});

  // Off: the years before the recorded window get no summary (only their
  // year), which saves gathering their rows; the panel is the same.
  void summarize_burn_in(bool on) { summarize_burn_in_ = on; }

  int variants() const { return static_cast<int>(variants_.size()); }
  const Config& variant_config(int v) const { return variants_.at(v); }
  const std::vector<YearSummary>& summaries(int variant = 0) const { return summaries_.at(variant); }
  // The recorded years so far of one variant, ordered by (replicate, year,
  // firm), replicates numbered 0..R-1 within the variant.
  Panel panel(int variant = 0) const;
  // The same panel, its recorded rows moved out instead of copied: for a
  // caller that measures it and is done with the simulation (a calibration
  // candidate). The variant's rows leave the simulation, so a second panel of
  // it, or another year, is refused (std::logic_error).
  Panel take_panel(int variant = 0);
  PolicyColumns policy_columns(int variant = 0) const;
  FirmSnapshot snapshot(int replicate, std::int64_t firm, int variant = 0) const;

  // Everything that the years still to come and the panel depend on (the
  // engine's arrays, the recorded rows, the summaries), as raw bytes for
  // sim/checkpoint.hpp; load_state() throws std::runtime_error on a state
  // of another shape.
  void save_state(std::string& out) const;
  void load_state(const std::string& in, std::size_t& offset);

 private:
  void summarize(int year, const YearRecord& record);
  void append(const YearRecord& record);
  void reserve_rows(const YearRecord& record);
  static StateSelection recorded_state();
  void add_peers(PeerColumns& out, const FirmTable& t, std::size_t first, std::size_t rpv) const;
  Panel panel_without_rows(int variant) const;  // the meta, the firms and the peers
  void refuse_if_taken(int variant) const;
  int replicates_per_variant() const { return config_.run.replicates; }

  void reduce_over_processes(std::vector<YearSummary>& year_by_variant) const;

  PopulationPart part_;
  Config config_;  // variant 0
  std::vector<Config> variants_;
  std::unique_ptr<Engine> engine_;
  int next_year_;
  std::vector<std::vector<YearSummary>> summaries_;  // per variant
  std::vector<FirmYearColumns> firm_years_;          // one per replicate of every variant
  std::vector<PolicyColumns> policy_columns_;        // beside firm_years_
  std::vector<FlowColumns> flows_;                   // one per replicate of every variant
  std::vector<std::int64_t> previous_exporters_;     // population ids exporting last year (sorted)
  bool summarize_burn_in_ = true;
  std::vector<bool> panel_taken_;  // per variant (take_panel)
};

}  // namespace firmsim
