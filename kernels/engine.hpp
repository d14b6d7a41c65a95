// The device population and its yearly update, behind a plain C++ interface:
// nothing here includes Thrust, so host code (sim/, viewer/, tests) compiles
// with any C++ compiler whichever backend built engine.cu.
#pragma once

#include <bitset>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kernels/firm_state.hpp"
#include "kernels/hd.hpp"
#include "kernels/model.hpp"

namespace firmsim {

// What may differ between variants of one population: the parameters, the
// industries' and the markets' economics (never their number or shares).
struct VariantSetup {
  ModelParams params{};
  std::vector<IndustryParams> industries;
  std::vector<MarketParams> markets;
};

// A population of `replicates` replicates of firms_per_replicate firms each,
// grouped into variants of replicates / variants replicates. Replicate k of
// every variant draws the same random numbers (common random numbers), so
// variants differ only by their parameters and world: calibration candidates
// in one launch, or a baseline beside policy programs.
struct EngineSetup {
  std::int64_t firms_per_replicate = 0;
  int replicates = 1;  // in all, over every variant
  std::uint64_t seed = 0;
  std::int64_t batch = 1 << 20;  // firms per kernel launch (does not change results)
  bool entry_bound = true;       // the entry screens skip markets that cannot pay (same results; kernels/README.md)
  // Rows of per-market state to start with (the pool grows as firms start
  // trading; kernels/README.md, "Market rows"); 0: a sixteenth of the
  // population, at least 1,024 and at most the population. Does not change results.
  std::int64_t initial_market_rows = 0;
  ModelParams params{};  // variant 0 (and the only one when variants is empty)
  std::vector<IndustryParams> industries;
  std::vector<MarketParams> markets;
  std::vector<VariantSetup> variants;  // empty: one variant from the three fields above
  std::vector<float> founding_cdf;     // P(founding year <= first_founding_year + k)
  int first_founding_year = 0;
  std::vector<float> industry_cdf;
  // Firm interactions (issue 9): peer slots per firm (0 = firms do not
  // interact; then nothing below is allocated or computed), of which the
  // first base_peers are everyone's peers and the rest open with network
  // programs; the peers are drawn once with variant 0's same-industry share.
  int peer_slots = 0;
  int base_peers = 0;
  bool crowding = false;  // some variant has crowding on: count industries' markets each year
  // A part of a larger population (MPI, parallel/): these replicates are
  // replicates first_replicate.. of the whole, these firms are firms
  // first_firm.. of each replicate; every firm draws what it draws in the
  // whole. Peers need the whole replicate in one process (see sim/).
  std::uint32_t first_replicate = 0;
  std::int64_t first_firm = 0;
  // With crowding on in a split population: turns this part's counts of last
  // year's firms per (replicate, industry, market + alive) into the whole's
  // (an exact integer sum over the parts); empty: the part is the whole.
  std::function<void(std::vector<std::int64_t>&)> reduce_crowding_counts;
};

// What the world looks like in one year: markets after growth, shocks and
// diplomacy; policy programs in force; the reporting thresholds.
struct YearWorld {
  std::vector<MarketYear> markets;
  std::vector<PolicyProgram> policies;
  MeasurementParams measurement{};
};

// Which state arrays a copy to the host fills: bit StateArray::name.
using StateSelection = std::bitset<kStateArrays>;
constexpr std::size_t state_bit(StateArray a) { return static_cast<std::size_t>(a); }

// The one-per-firm state arrays (extent firm in FIRMSIM_FIRM_STATE), row by
// row on the host. Only the arrays a StateSelection names are filled; the
// others stay empty, so a year's record copies what its readers need (the
// panel's sources, sim/panel.hpp) and nothing more.
struct FirmStateRows {
#define FIRMSIM_ROWS_MEMBER(type, name, extent) FIRMSIM_ONE_PER_FIRM_##extent(std::vector<type> name;)
  FIRMSIM_FIRM_STATE(FIRMSIM_ROWS_MEMBER)
#undef FIRMSIM_ROWS_MEMBER
};

// The per-market state arrays (extent market) at chosen (firm, market)
// cells, on the host; again only the selected arrays are filled.
struct MarketStateCells {
#define FIRMSIM_CELLS_MEMBER(type, name, extent) FIRMSIM_ONE_PER_MARKET_##extent(std::vector<type> name;)
  FIRMSIM_FIRM_STATE(FIRMSIM_CELLS_MEMBER)
#undef FIRMSIM_CELLS_MEMBER
};

// One year's rows, copied to the host: every firm alive at the start of the
// year (those that died in it have alive = 0; a dead firm reports no
// employment, so its fte row is 0), in population order, and every positive
// latent flow of those firms, by firm then market.
struct YearRecord {
  int year = 0;
  std::vector<std::int64_t> id;  // population index = replicate * firms_per_replicate + firm
  std::vector<std::uint8_t> alive;
  FirmStateRows state;  // the selected arrays, one row per id

  // The flows: every (firm, market) with positive latent exports or imports
  // this year (export_value or import_value), by firm then market.
  std::vector<std::int64_t> flow_row;  // the firm's row in id / alive / state
  std::vector<std::uint8_t> flow_market;
  MarketStateCells flow_state;  // the selected per-market arrays at those cells
};

// What one firm looks like now (for the viewer and for tests).
struct FirmSnapshot {
  std::uint8_t status = 0, industry = 0, strategy = 0;
  std::int16_t founding_year = 0, exit_year = 0, export_start_year = 0;
  float efficiency = 0, orientation = 0;  // latent traits
  float belief_mean = 0, belief_precision = 0, fte = 0, cash = 0, import_gain = 0;
  MarketMask export_mask = 0, import_mask = 0;
  std::uint8_t exported_1993_1997 = 0;
  std::vector<float> appeal_belief, export_value, import_value;
  std::vector<std::int8_t> export_tenure, import_tenure;
};

// Every firm's peers: peer[k * firms + i] is the k-th peer (a firm index
// within the same replicate) of population index i.
struct PeerTable {
  int slots = 0, base_peers = 0;
  std::vector<std::int32_t> peer;
};

// Per-firm facts now: one row per firm of the population, in population order.
struct FirmTable {
  FirmStateRows state;             // the selected arrays
  std::vector<float> orientation;  // a latent trait, drawn from the firm's key
};

class Engine {
 public:
  explicit Engine(const EngineSetup& setup);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Advances every firm by one year; one world per variant (or one for all).
  void step(int year, const YearWorld& world);
  void step(int year, const std::vector<YearWorld>& worlds);
  int variants() const;
  int replicates_per_variant() const;
  // The year last stepped, with the state arrays `which` names (status is
  // always read, for `alive`).
  void record_year(YearRecord& out, const StateSelection& which) const;
  // One firm now. A firm dead before the last year stepped may show the
  // per-market defaults: its market row is freed (kernels/README.md).
  FirmSnapshot snapshot(std::int64_t id) const;
  FirmTable firm_table(const StateSelection& which) const;
  PeerTable peer_table() const;
  std::int64_t size() const;

  // Waits until the device has finished (a no-op on the CPU backend).
  void synchronize() const;
  // Seconds to copy every state array the yearly step reads or writes once,
  // device to device (the memory-bound limit of a step), best of `repeats`.
  double time_state_copy(int repeats) const;
  std::size_t state_bytes() const;  // bytes of all those arrays together
  // The pool of market rows: its capacity, and the rows firms hold now.
  std::int64_t market_rows() const;
  std::int64_t market_rows_held() const;
  // How often a pass ran again for the firms that found the pool full.
  int passes_run_again() const;

  // Every state array (FIRMSIM_FIRM_STATE) as named raw bytes, for the
  // checkpoint; load_state() refuses a state of another shape (throws
  // std::runtime_error naming the array).
  void save_state(std::string& out) const;
  void load_state(const std::string& in, std::size_t& offset);

  // Device bytes per firm of state for a world of n_markets (for memory
  // checks), planning a market row for kPlannedRowShare of the firm slots.
  static std::size_t bytes_per_firm(int n_markets, int peer_slots = 0);
  static constexpr double kPlannedRowShare = 0.5;
  // Free device (or host, for OpenMP) memory now, in bytes.
  static std::size_t available_memory();
  static const char* backend_name();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace firmsim
