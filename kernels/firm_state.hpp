// The population's state as structure-of-arrays views (raw pointers), so the
// same functors run on device memory (CUDA) and host memory (OpenMP).
// Per-market arrays are market-major: value[m * n + i], so neighbouring
// threads (firms) touch neighbouring addresses for the same market.
#pragma once

#include <cstdint>

#include "kernels/hd.hpp"

namespace firmsim {

enum class FirmStatus : std::uint8_t { unborn = 0, alive = 1, dead = 2 };

struct FirmStateView {
  std::int64_t n = 0;  // firms in this population (replicates * firms per replicate)

  // --- who the firm is ---
  std::uint8_t* status = nullptr;
  std::uint8_t* industry = nullptr;
  std::int16_t* founding_year = nullptr;
  std::int16_t* exit_year = nullptr;  // 0 while alive

  // --- efficiency and what the firm believes about it ---
  float* efficiency_shock = nullptr;  // AR(1) transitory component
  float* belief_mean = nullptr;       // belief about persistent log efficiency
  float* belief_precision = nullptr;
  float* import_gain = nullptr;  // log-efficiency gain from sourcing abroad

  // --- domestic activity and finance ---
  float* fte = nullptr;
  float* cash = nullptr;
  float* export_intensity = nullptr;  // last year's exports / domestic turnover

  // --- internationalization ---
  std::uint8_t* strategy = nullptr;           // Strategy (panel.hpp)
  std::int16_t* export_start_year = nullptr;  // 0 = never exported
  MarketMask* export_mask = nullptr;
  MarketMask* import_mask = nullptr;
  MarketMask* ever_exported_mask = nullptr;
  std::uint8_t* exported_1993_1997 = nullptr;  // observed export dummy
  float* support = nullptr;                    // policy support received this year (EUR)
  std::uint8_t* policy_targeted = nullptr;     // bit k: program k in force this year targeted the firm

  // --- per market, market-major ---
  float* appeal_belief = nullptr;  // belief about own appeal in the market
  float* appeal_precision = nullptr;
  std::int8_t* export_tenure = nullptr;  // >0 years served, <0 years since leaving, 0 never
  std::int8_t* import_tenure = nullptr;
  float* export_value = nullptr;  // this year's latent flows (EUR)
  float* import_value = nullptr;

  // --- this year's record (step 11) ---
  float* value_added = nullptr;
  float* turnover = nullptr;
  float* fixed_assets = nullptr;
  float* intangible_assets = nullptr;
  float* rnd = nullptr;
  float* tfp = nullptr;
  float* exports_true = nullptr;
  float* imports_true = nullptr;
  float* exports_observed = nullptr;
  float* imports_observed = nullptr;
  MarketMask* export_mask_observed = nullptr;
  MarketMask* import_mask_observed = nullptr;
  std::uint8_t* n_export_products = nullptr;
  std::uint8_t* n_import_products = nullptr;

  FIRMSIM_HD FIRMSIM_INLINE std::int64_t at(int market, std::int64_t firm) const {
    return static_cast<std::int64_t>(market) * n + firm;
  }
};

}  // namespace firmsim
