// Keyed random draws for the model. Every draw is addressed by
// (seed, replicate, firm, year, market, purpose): the seed and replicate form
// the Philox key, the rest the counter. Same address, same number, on any
// backend, thread count or batch size; a firm's draws do not depend on how
// many other firms exist.
#pragma once

#include <cmath>
#include <cstdint>

#include "kernels/hd.hpp"
#include "kernels/philox.hpp"
#include "kernels/portable_math.hpp"

namespace firmsim {

// What a draw is for. Appending is safe; renumbering changes every result.
enum class Purpose : std::uint32_t {
  firm_traits = 1,         // time-invariant: efficiency, orientation, product scope, asset traits
  firm_birth = 2,          // founding year, industry, start size, start cash
  firm_year = 3,           // efficiency shock, passive-learning signal, hazard, strategy taste
  firm_year_activity = 4,  // employment noise, R&D and intangibles draws
  region_appeal = 5,       // time-invariant appeal shared by a region's markets
  market_appeal = 6,       // time-invariant idiosyncratic appeal in a market (export side)
  market_year = 7,         // awareness (export, import), relationship break (export, import)
  market_year_sales = 8,   // transitory sales shocks (export, import)
  import_appeal = 9,       // time-invariant supplier quality in a market
  firm_traits_more = 10,   // time-invariant: initial efficiency shock, import propensity
  appeal_signal = 11,      // market information: noise of the signal about appeal, apart from the sales shock
  firm_scale = 12,         // time-invariant: the persistent scale of the firm's target size
  program_take_up = 13,    // time-invariant, by program (its salt in the year word): whether the firm is a client
  // Firm interactions (issue 9), numbered apart so that other appended
  // purposes do not collide with them.
  peers = 20,  // time-invariant, by peer slot: same industry or not, which firm
};

// One named use of the four 32-bit words of a draw4() block: `words`
// consecutive words from `word` on. Every use of a random number in the model
// goes through one of these, and kDrawSlots lists them all, so that two
// mechanisms cannot share a draw by accident (checked at compile time below).
struct DrawSlot {
  Purpose purpose;
  std::uint32_t word;
  std::uint32_t words;  // 1 (a uniform) or 2 (a Box-Muller pair)
};

// Each slot is a constexpr __host__ __device__ function rather than a
// constexpr object: device code may not take a reference to a host object
// (nvcc rejects it), but it may call a constexpr function.
namespace draws {
// Purpose::firm_traits (time-invariant)
FIRMSIM_HD constexpr DrawSlot efficiency_and_orientation() { return {Purpose::firm_traits, 0, 2}; }
FIRMSIM_HD constexpr DrawSlot product_scope() { return {Purpose::firm_traits, 2, 1}; }
FIRMSIM_HD constexpr DrawSlot asset_rank() { return {Purpose::firm_traits, 3, 1}; }
// Purpose::firm_birth (time-invariant)
FIRMSIM_HD constexpr DrawSlot industry() { return {Purpose::firm_birth, 0, 1}; }
FIRMSIM_HD constexpr DrawSlot entry_fte() { return {Purpose::firm_birth, 1, 1}; }
FIRMSIM_HD constexpr DrawSlot founding_year() { return {Purpose::firm_birth, 2, 1}; }
FIRMSIM_HD constexpr DrawSlot capital_trait() { return {Purpose::firm_birth, 3, 1}; }
// Purpose::firm_year
FIRMSIM_HD constexpr DrawSlot efficiency_shock_and_signal() { return {Purpose::firm_year, 0, 2}; }
FIRMSIM_HD constexpr DrawSlot death_hazard() { return {Purpose::firm_year, 2, 1}; }
FIRMSIM_HD constexpr DrawSlot strategy_taste() { return {Purpose::firm_year, 3, 1}; }
// Purpose::firm_year_activity
// (employment_noise: the second normal is unused)
FIRMSIM_HD constexpr DrawSlot employment_noise() { return {Purpose::firm_year_activity, 0, 2}; }
// Purpose::region_appeal, market_appeal, import_appeal (time-invariant, by region or market)
FIRMSIM_HD constexpr DrawSlot region_appeal() { return {Purpose::region_appeal, 0, 2}; }  // second normal unused
FIRMSIM_HD constexpr DrawSlot market_appeal() { return {Purpose::market_appeal, 0, 2}; }  // second normal unused
FIRMSIM_HD constexpr DrawSlot import_appeal() { return {Purpose::import_appeal, 0, 2}; }  // second normal unused
// Purpose::market_year (by market)
FIRMSIM_HD constexpr DrawSlot export_awareness() { return {Purpose::market_year, 0, 1}; }
FIRMSIM_HD constexpr DrawSlot import_awareness() { return {Purpose::market_year, 1, 1}; }
FIRMSIM_HD constexpr DrawSlot export_relationship_break() { return {Purpose::market_year, 2, 1}; }
FIRMSIM_HD constexpr DrawSlot import_relationship_break() { return {Purpose::market_year, 3, 1}; }
// Purpose::market_year_sales (by market)
FIRMSIM_HD constexpr DrawSlot sales_noise() { return {Purpose::market_year_sales, 0, 2}; }  // export, import
// Purpose::firm_traits_more (time-invariant)
// initial_shock: the first normal; the second is the export venture's appeal (exports.appeal_firm_sd)
FIRMSIM_HD constexpr DrawSlot initial_shock() { return {Purpose::firm_traits_more, 0, 2}; }
FIRMSIM_HD constexpr DrawSlot import_propensity() { return {Purpose::firm_traits_more, 2, 2}; }  // second normal unused
// Purpose::firm_scale (time-invariant): drawn only when domestic.size_tail_exponent > 0
FIRMSIM_HD constexpr DrawSlot size_scale() { return {Purpose::firm_scale, 0, 1}; }
// Purpose::appeal_signal (by market): a market-information program's signal
FIRMSIM_HD constexpr DrawSlot appeal_signal() { return {Purpose::appeal_signal, 0, 2}; }  // second normal unused
// Purpose::program_take_up (time-invariant, by program): drawn only for
// programs with take_up < 1, so that a program reaching every eligible firm
// draws nothing
FIRMSIM_HD constexpr DrawSlot take_up_lottery() { return {Purpose::program_take_up, 0, 1}; }  // random assignment
FIRMSIM_HD constexpr DrawSlot take_up_motive() {
  return {Purpose::program_take_up, 2, 2};
}  // self-selection; second normal unused
// Purpose::peers (time-invariant, by peer slot in the market word)
FIRMSIM_HD constexpr DrawSlot peer_same_industry() { return {Purpose::peers, 0, 1}; }
FIRMSIM_HD constexpr DrawSlot peer_pick() { return {Purpose::peers, 1, 1}; }
}  // namespace draws

constexpr DrawSlot kDrawSlots[] = {
    draws::efficiency_and_orientation(),
    draws::product_scope(),
    draws::asset_rank(),
    draws::industry(),
    draws::entry_fte(),
    draws::founding_year(),
    draws::capital_trait(),
    draws::efficiency_shock_and_signal(),
    draws::death_hazard(),
    draws::strategy_taste(),
    draws::employment_noise(),
    draws::region_appeal(),
    draws::market_appeal(),
    draws::import_appeal(),
    draws::export_awareness(),
    draws::import_awareness(),
    draws::export_relationship_break(),
    draws::import_relationship_break(),
    draws::sales_noise(),
    draws::initial_shock(),
    draws::import_propensity(),
    draws::appeal_signal(),
    draws::size_scale(),
    draws::take_up_lottery(),
    draws::take_up_motive(),
    draws::peer_same_industry(),
    draws::peer_pick(),
};

// No two slots overlap, and each fits in its block of four words.
constexpr bool draw_slots_are_disjoint() {
  const std::size_t n = sizeof(kDrawSlots) / sizeof(kDrawSlots[0]);
  for (std::size_t a = 0; a < n; ++a) {
    if (kDrawSlots[a].words < 1 || kDrawSlots[a].word + kDrawSlots[a].words > 4) return false;
    for (std::size_t b = a + 1; b < n; ++b) {
      if (kDrawSlots[a].purpose != kDrawSlots[b].purpose) continue;
      const std::uint32_t a0 = kDrawSlots[a].word, a1 = a0 + kDrawSlots[a].words;
      const std::uint32_t b0 = kDrawSlots[b].word, b1 = b0 + kDrawSlots[b].words;
      if (a0 < b1 && b0 < a1) return false;
    }
  }
  return true;
}
static_assert(draw_slots_are_disjoint(), "two mechanisms share a random draw: give each its own DrawSlot");

// Year index used for time-invariant draws.
constexpr std::uint32_t kTimeless = 0xFFFFFFFFu;

struct RngKey {
  std::uint64_t seed;
  std::uint32_t replicate;
};

FIRMSIM_HD FIRMSIM_INLINE PhiloxCounter draw4(const RngKey& key, std::uint64_t firm, std::uint32_t year,
                                              std::uint32_t market, Purpose purpose) {
  // Key: 64-bit seed folded with the replicate; counter: firm (32 bits is
  // plenty per replicate), year, market and purpose in the four words.
  const PhiloxKey k{{static_cast<std::uint32_t>(key.seed) ^ (key.replicate * 0x85EBCA6Bu),
                     static_cast<std::uint32_t>(key.seed >> 32) + key.replicate}};
  const PhiloxCounter c{{static_cast<std::uint32_t>(firm), year, market | (static_cast<std::uint32_t>(firm >> 32) << 8),
                         static_cast<std::uint32_t>(purpose)}};
  return philox4x32_10(c, k);
}

// Uniform in the open interval (0, 1), 24 bits of resolution.
FIRMSIM_HD FIRMSIM_INLINE float to_unit(std::uint32_t x) {
  return (static_cast<float>(x >> 8) + 0.5f) * (1.0f / 16777216.0f);
}

// The first (or only) word of a slot in a block drawn for its purpose.
FIRMSIM_HD FIRMSIM_INLINE std::uint32_t word(const PhiloxCounter& block, const DrawSlot& slot) {
  return block.v[slot.word];
}
FIRMSIM_HD FIRMSIM_INLINE std::uint32_t second_word(const PhiloxCounter& block, const DrawSlot& slot) {
  return block.v[slot.word + 1];
}

// Two independent standard normals from two uniforms (Box-Muller).
FIRMSIM_HD FIRMSIM_INLINE void to_normals(std::uint32_t a, std::uint32_t b, float& z0, float& z1) {
  const float r = sqrtf(-2.0f * pmath::log(to_unit(a)));
  const float angle = 6.28318530717958647692f * to_unit(b);
  float sine, cosine;
  pmath::sincos(angle, sine, cosine);
  z0 = r * cosine;
  z1 = r * sine;
}

// A slot's uniform, and a two-word slot's pair of normals.
FIRMSIM_HD FIRMSIM_INLINE float uniform(const PhiloxCounter& block, const DrawSlot& slot) {
  return to_unit(word(block, slot));
}
FIRMSIM_HD FIRMSIM_INLINE void normals(const PhiloxCounter& block, const DrawSlot& slot, float& z0, float& z1) {
  to_normals(word(block, slot), second_word(block, slot), z0, z1);
}

// Logistic draw (difference of two Gumbels) for random-utility choices.
FIRMSIM_HD FIRMSIM_INLINE float to_logistic(std::uint32_t x) {
  const float u = to_unit(x);
  return pmath::log(u / (1.0f - u));
}

}  // namespace firmsim
