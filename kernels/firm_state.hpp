// The population's state as structure-of-arrays views (raw pointers), so the
// same functors run on device memory (CUDA) and host memory (OpenMP).
// Per-market arrays live in a pool of market rows, one row (64 markets) for
// each firm that has traded or holds a belief about a market (most firms never
// do), laid out by backend (pool_cell: market-major on a GPU, row-major on
// the CPU). A firm without a row
// (market_row < 0) holds the defaults in every market: appeal belief 0 at the
// prior's precision, no tenure, no flows (kernels/README.md, "Market rows").
// Peer arrays are peer-major for the same reason: peer[k * n + i].
//
// FIRMSIM_FIRM_STATE is the one list of the state: the view's members, the
// engine's device arrays, their allocation, byte counts, the copy benchmark
// and the checkpoint are all generated from it. Adding a state array is one
// line here (plus the code that uses it).
#pragma once

#include <cstdint>

#include "kernels/hd.hpp"

namespace firmsim {

enum class FirmStatus : std::uint8_t { unborn = 0, alive = 1, dead = 2 };

// How many elements an array has per firm.
enum class Extent : std::uint8_t {
  firm = 0,         // one
  market = 1,       // one per market and market row, laid out by pool_cell (not per firm: see market_row)
  peer = 2,         // one per peer slot, peer-major: peer[k * n + i] (none when firms do not interact)
  interacting = 3,  // one, only when firms interact (peers read it), else none
};

// A firm's timeless traits (draw_traits in firm_year.hpp): drawn once, in the
// year it is born, and kept, because redrawing them every year (four Philox
// blocks, three normal pairs, logs and exps) cost more than reading 40 bytes.
// One struct, not ten arrays: they are always read together.
struct FirmTraits {
  float efficiency;               // persistent log efficiency (unknown to the firm)
  float orientation;              // international orientation, in sd units
  float export_promise;           // what it expects of exporting (a standard normal)
  float orientation_sunk_factor;  // exp(-orientation_sunk * orientation)
  float product_scope;            // products per market scale
  float asset_rank;               // uniform rank for reporting R&D / intangibles
  float capital_trait;            // firm-specific log capital intensity
  float venture_appeal;           // appeal common to all its export markets (unknown to it)
  float import_trait;             // persistent propensity to source abroad (mean 1)
  float scale;                    // persistent log scale of its target size
};

// X(type, name, extent): comments use /* */ because a // comment would swallow
// the line continuation.
#define FIRMSIM_FIRM_STATE(X)                                                                                   \
  /* --- who the firm is --- */                                                                                 \
  X(std::uint8_t, status, firm)                                                                                 \
  X(std::uint8_t, industry, firm)                                                                               \
  X(std::int16_t, founding_year, firm)                                                                          \
  X(std::int16_t, exit_year, firm) /* 0 while alive */                                                          \
  X(FirmTraits, traits, firm)      /* set in the year of birth, never changed */                                \
  /* --- efficiency and what the firm believes about it --- */                                                  \
  X(float, efficiency_shock, firm) /* AR(1) transitory component */                                             \
  X(float, belief_mean, firm)      /* belief about persistent log efficiency */                                 \
  X(float, belief_precision, firm)                                                                              \
  X(float, import_gain, firm) /* log-efficiency gain from sourcing abroad */                                    \
  /* --- domestic activity and finance --- */                                                                   \
  X(float, fte, firm)                                                                                           \
  X(float, cash, firm)                                                                                          \
  X(float, export_intensity, firm) /* last year's exports / domestic turnover */                                \
  /* --- internationalization --- */                                                                            \
  X(std::uint8_t, strategy, firm)          /* Strategy (panel.hpp) */                                           \
  X(std::int16_t, export_start_year, firm) /* 0 = never exported */                                             \
  X(MarketMask, export_mask, firm)                                                                              \
  X(MarketMask, import_mask, firm)                                                                              \
  X(MarketMask, ever_exported_mask, firm)                                                                       \
  X(MarketMask, ever_imported_mask, firm)   /* markets sourced from at some time: the rest hold zeros */        \
  X(std::uint8_t, exported_1993_1997, firm) /* observed export dummy */                                         \
  X(float, support, firm)                   /* policy support received this year (EUR) */                       \
  X(std::uint8_t, policy_targeted, firm)    /* bit k: program k in force this year targeted the firm */         \
  X(std::int32_t, market_row, firm)         /* the firm's row of the per-market arrays; < 0: none (defaults) */ \
  /* --- per market and market row (pool_cell) --- */                                                           \
  X(float, appeal_belief, market) /* belief about own appeal in the market */                                   \
  X(float, appeal_precision, market)                                                                            \
  X(std::int8_t, export_tenure, market) /* >0 years served, <0 years since leaving, 0 never */                  \
  X(std::int8_t, import_tenure, market)                                                                         \
  X(float, export_value, market) /* this year's latent flows (EUR) */                                           \
  X(float, import_value, market)                                                                                \
  /* --- this year's record (step 11) --- */                                                                    \
  X(float, value_added, firm)                                                                                   \
  X(float, turnover, firm)                                                                                      \
  X(float, fixed_assets, firm)                                                                                  \
  X(float, intangible_assets, firm)                                                                             \
  X(float, rnd, firm)                                                                                           \
  X(float, tfp, firm)                                                                                           \
  X(float, exports_true, firm)                                                                                  \
  X(float, imports_true, firm)                                                                                  \
  X(float, exports_observed, firm)                                                                              \
  X(float, imports_observed, firm)                                                                              \
  X(MarketMask, export_mask_observed, firm)                                                                     \
  X(MarketMask, import_mask_observed, firm)                                                                     \
  X(std::uint8_t, n_export_products, firm)                                                                      \
  X(std::uint8_t, n_import_products, firm)                                                                      \
  /* --- firm interactions (issue 9) --- */                                                                     \
  X(std::int32_t, peers, peer)                      /* a peer's firm index within the replicate */              \
  X(MarketMask, export_mask_last_year, interacting) /* export_mask as the year began, what peers see */         \
  X(MarketMask, mentoring_last_year, interacting)   /* the same, when the firm was an experienced exporter */

// Each array's place in FIRMSIM_FIRM_STATE, to name arrays at run time (the
// ones a copy to the host should fill, see StateSelection in engine.hpp).
enum class StateArray : int {
#define FIRMSIM_STATE_INDEX(type, name, extent) name,
  FIRMSIM_FIRM_STATE(FIRMSIM_STATE_INDEX)
#undef FIRMSIM_STATE_INDEX
      count
};
constexpr int kStateArrays = static_cast<int>(StateArray::count);

// FIRMSIM_ONE_PER_FIRM_##extent(code) keeps `code` only for the arrays with
// one element per firm (extent firm): the ones that copy to a row per firm.
#define FIRMSIM_ONE_PER_FIRM_firm(...) __VA_ARGS__
#define FIRMSIM_ONE_PER_FIRM_market(...)
#define FIRMSIM_ONE_PER_FIRM_peer(...)
#define FIRMSIM_ONE_PER_FIRM_interacting(...)
// The same for the arrays with one element per firm and market.
#define FIRMSIM_ONE_PER_MARKET_firm(...)
#define FIRMSIM_ONE_PER_MARKET_market(...) __VA_ARGS__
#define FIRMSIM_ONE_PER_MARKET_peer(...)
#define FIRMSIM_ONE_PER_MARKET_interacting(...)

// market_row's values that are not rows: no row (every market at its
// defaults), and no row because the pool was full when the firm needed one
// this year (the engine grows the pool and runs the firm's year again).
constexpr std::int32_t kNoMarketRow = -1;
constexpr std::int32_t kMarketRowWanted = -2;

// Where market m of pool row `row` lives, in a pool of `rows` rows of
// `markets` markets. On a GPU market-major (m * rows + row): the threads of a
// warp, neighbouring rows, read neighbouring addresses of one market. On the
// CPU row-major (row * markets + m): one thread goes through a firm's markets
// one after the other, so a row's 64 beliefs are 4 cache lines, not 64. The
// engine (kernels/engine.cu) is the only code that indexes the pool, and
// checkpoints hold it market-major whatever the backend.
FIRMSIM_HD FIRMSIM_INLINE std::int64_t pool_cell(int market, std::int64_t row, std::int64_t rows, int markets) {
#if defined(__CUDACC__)
  (void)markets;
  return static_cast<std::int64_t>(market) * rows + row;
#else
  (void)rows;
  return row * markets + market;
#endif
}

// Kernels take the view as `const FirmStateView&`: the view (its pointers and
// sizes) never changes during a step, the arrays it points to do. Copying it
// instead (384 bytes) for every slot was 3% of a calibration evaluation.
struct FirmStateView {
  std::int64_t n = 0;  // firms in this population (replicates * firms per replicate)

#define FIRMSIM_VIEW_MEMBER(type, name, extent) type* name = nullptr;
  FIRMSIM_FIRM_STATE(FIRMSIM_VIEW_MEMBER)
#undef FIRMSIM_VIEW_MEMBER

  // The pool of market rows: its capacity and the count of rows handed out
  // (may pass the capacity: the requests that found the pool full). A view
  // without market_row (tests that build one by hand) is dense: firm i's row
  // is i, n rows, every firm holds one.
  std::int64_t market_rows = 0;
  int markets_per_row = 0;  // the world's markets (set with the pool)
  std::int64_t* rows_taken = nullptr;
  // Bit i % 64 of word i / 64: firm i served some market as the year began
  // (a superset: set where export_mask[i] != 0). Peers' masks are read at
  // random, and most peers do not export; the bits (47 KB for 380,000 slots)
  // stay in cache where the masks do not. Built by the engine before the
  // interactions read them; nullptr (a view built by hand): no bits, every
  // mask is read.
  const std::uint64_t* exporter_bits = nullptr;

  FIRMSIM_HD FIRMSIM_INLINE bool dense() const { return market_row == nullptr; }
  // Firm i's row, or a negative value if it has none.
  FIRMSIM_HD FIRMSIM_INLINE std::int64_t row_of(std::int64_t firm) const {
    return dense() ? firm : static_cast<std::int64_t>(market_row[firm]);
  }
  // The element of market m in a row.
  FIRMSIM_HD FIRMSIM_INLINE std::int64_t cell(int market, std::int64_t row) const {
    return dense() ? static_cast<std::int64_t>(market) * n + row : pool_cell(market, row, market_rows, markets_per_row);
  }
};

}  // namespace firmsim
