// One firm's year: the ordered steps of the model (docs/model.md, which gives
// each step's equations, parameters and sources) as small device functions.
// step_firm_year() at the bottom is the one place that fixes their order.
//
// A firm reads the world (markets, industries, policy) of its variant, its
// own state, and - when interactions are on - LAST year's state of its peers
// and of its industry (remember_last_year() and the engine's crowding
// reduction run before the step). Nothing reads what another firm writes in
// the same year, so the step is a parallel map and any thread count or batch
// size gives the same panel byte for byte. With interactions off a firm's
// life also stays the same when the population grows.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

#include "kernels/firm_state.hpp"
#include "kernels/hd.hpp"
#include "kernels/model.hpp"
#include "kernels/rng.hpp"

namespace firmsim {

// Everything a firm's year reads besides its own state.
struct YearInputs {
  int year = 0;
  std::uint64_t seed = 0;  // the run's seed (replicates are in the firm's key)
  std::int64_t firms_per_replicate = 1;
  // Replicates are grouped into variants (one parameter set, world and policy
  // set each, e.g. calibration candidates or baseline vs program); replicate k
  // of every variant shares its random numbers (common random numbers).
  int replicates_per_variant = 1;
  // Where this population sits in a larger one split over processes (MPI,
  // parallel/): local replicate k is replicate first_replicate + k, local
  // firm f is firm first_firm + f, so every firm draws what it would draw in
  // the whole population (0 and 0 for a population in one process).
  std::uint32_t first_replicate = 0;
  std::int64_t first_firm = 0;
  ModelParams params{};
  MeasurementParams measurement{};
  const IndustryParams* industries = nullptr;
  const MarketParams* markets = nullptr;
  const MarketYear* market_year = nullptr;  // this year's row, one per market
  const PolicyProgram* policies = nullptr;  // programs in force this year
  int n_policies = 0;
  const float* founding_cdf = nullptr;  // P(founding year <= first_founding_year + k)
  int n_founding_years = 0;
  int first_founding_year = 0;
  const float* industry_cdf = nullptr;  // cumulative industry shares
  // Firm interactions (issue 9): zero slots when firms do not interact.
  int peer_slots = 0;  // slots of the peer arrays
  int base_peers = 0;  // slots 0..base_peers-1 are everyone's peers; the rest open with network programs
  int n_industries = 0;
  // Export sales multiplier exp(-crowding_elasticity * share), where share is
  // that of an industry's alive firms that served a market last year, per
  // replicate of the whole population: [(replicate * n_industries + j) * n_markets + m].
  const float* crowding_factor = nullptr;
  // Its largest value over the markets, per replicate and industry
  // [replicate * n_industries + j] (the entry screen's bound).
  const float* crowding_best = nullptr;
  // The same for sourcing: max over markets of import_supply / cost_scale
  // (some_supplier_may_pay).
  float best_supply_per_cost = std::numeric_limits<float>::infinity();
  // Max over markets of MarketYear::log_reach_per_cost (NaN if one is NaN):
  // the entry screen of a firm without a row, all markets at once.
  float best_log_reach_per_cost = std::numeric_limits<float>::infinity();
  bool entry_bound = true;  // false: value every market (tests compare the two)
};

// Policy support that applies to this firm this year, combined over programs.
struct Support {
  MarketMask subsidy_markets = 0;
  float subsidy_share = 0;
  MarketMask information_markets = 0;
  float information_share = 0;
  MarketMask import_markets = 0;
  float import_share = 0;
  float extra_credit_per_fte = 0;
  float mentoring_share = 0;  // sunk cost share cut where a program mentor serves
  bool cluster = false;       // the program peer slots count as peers
  MarketMask reentry_markets = 0;
  float reentry_share = 0;
  float fee = 0;              // EUR of programs paid per participating firm this year
  std::uint8_t targeted = 0;  // bit k: program k of this year's list targets the firm (k < 8)
};

// The firm's state while its year is computed (locals, written back at the end).
struct FirmYear {
  std::int64_t id;    // population index
  std::int64_t firm;  // id within its replicate (the RNG address)
  RngKey rng;         // the run's seed and this firm's replicate
  int year, age;
  const IndustryParams* industry;
  int industry_index;
  // time-invariant traits: drawn at birth (draw_traits), then kept in the state (FirmTraits)
  float efficiency;               // persistent log efficiency (unknown to the firm)
  float orientation;              // international orientation, in sd units
  float product_scope;            // products per market scale
  float asset_rank;               // uniform rank for reporting R&D / intangibles
  float capital_trait;            // firm-specific log capital intensity
  float import_trait;             // persistent propensity to source abroad (mean 1)
  float initial_shock;            // standard normal for the transitory efficiency at birth
  float orientation_sunk_factor;  // exp(-orientation_sunk * orientation): the same in every market, so once a year
  float venture_appeal;           // appeal common to all the firm's export markets (unknown to it)
  float scale;                    // persistent log scale of its target size (0 without a size tail)
  float export_promise;  // (z_efficiency + z_orientation) / sqrt 2: standard normal, what it expects of exporting
  // state
  float shock, belief, precision, gain, fte, cash, export_intensity;
  std::uint8_t strategy;
  std::int16_t export_start_year;
  MarketMask exporting, importing, ever_exported, ever_imported;
  MarketMask exported_this_year;                // markets with sales this year (before this year's exits)
  std::uint8_t region_experience[kMaxRegions];  // markets ever exported to, per region
  float venture_belief;                         // what it believes of venture_appeal (set in step 6)
  float export_factor;                          // expected export sales before market terms (set in step 6)
  float import_factor;                          // expected imports before market terms (set in step 10)
  // this year's outcomes
  float productivity;  // realized log efficiency
  float value_added, turnover_domestic, sunk_paid, support;
  bool died;
  Support policy;
  // what the firm's peers did last year (gather_peers)
  MarketMask peer_served[kMaxPeerSlots];  // each active peer's markets
  int n_peers;
  MarketMask mentor_markets;          // markets an experienced exporter peer served (novices only)
  MarketMask program_mentor_markets;  // the same through a mentoring program's pairs
  bool row_missing;                   // it needed a market row and the pool was full: its year is run again
};

// ----------------------------------------------------------------------------
// Draws
// ----------------------------------------------------------------------------
struct FirmDraws {
  float efficiency_shock, efficiency_signal, hazard, strategy_taste, employment_noise;
};

FIRMSIM_HD FIRMSIM_INLINE FirmDraws draw_firm_year(const YearInputs& in, const FirmYear& f) {
  const PhiloxCounter a = draw4(f.rng, f.firm, in.year, 0, Purpose::firm_year);
  const PhiloxCounter b = draw4(f.rng, f.firm, in.year, 0, Purpose::firm_year_activity);
  FirmDraws d{};
  normals(a, draws::efficiency_shock_and_signal(), d.efficiency_shock, d.efficiency_signal);
  d.hazard = uniform(a, draws::death_hazard());
  d.strategy_taste = to_logistic(word(a, draws::strategy_taste()));
  float unused;
  normals(b, draws::employment_noise(), d.employment_noise, unused);
  return d;
}

// Some firms are built to be big (a technology, a founder's ambition, a
// market niche: whatever persists): (E - 1) / exponent with E ~ Exponential(1)
// has mean 0 and makes exp(scale), and so target sizes, Pareto-tailed with
// that exponent. Drawn only when switched on, so that it costs nothing off.
FIRMSIM_HD FIRMSIM_INLINE float size_scale(const YearInputs& in, const FirmYear& f) {
  const float tail = in.params.domestic.size_tail_exponent;
  if (!(tail > 0)) return 0;
  const PhiloxCounter c = draw4(f.rng, f.firm, kTimeless, 0, Purpose::firm_scale);
  return (-pmath::log(uniform(c, draws::size_scale())) - 1.0f) / tail;
}

FIRMSIM_HD FIRMSIM_INLINE void draw_traits(const YearInputs& in, FirmYear& f) {
  const PhiloxCounter t = draw4(f.rng, f.firm, kTimeless, 0, Purpose::firm_traits);
  float z_efficiency, z_orientation;
  normals(t, draws::efficiency_and_orientation(), z_efficiency, z_orientation);
  f.efficiency = f.industry->efficiency_mean + f.industry->efficiency_sd * z_efficiency;
  f.orientation = z_orientation * in.params.strategy.orientation_sd;
  f.export_promise = (z_efficiency + z_orientation) / 1.41421356f;
  f.orientation_sunk_factor = pmath::exp(-in.params.exports.orientation_sunk * f.orientation);
  // Exponential product scope: most exporters sell few products, some many.
  f.product_scope =
      1.0f + (in.params.exports.product_scope_mean - 1.0f) * -pmath::log(uniform(t, draws::product_scope()));
  f.asset_rank = uniform(t, draws::asset_rank());
  const PhiloxCounter b = draw4(f.rng, f.firm, kTimeless, 0, Purpose::firm_birth);
  f.capital_trait = in.params.domestic.capital_dispersion * 3.4641016f * (uniform(b, draws::capital_trait()) - 0.5f);
  const PhiloxCounter more = draw4(f.rng, f.firm, kTimeless, 0, Purpose::firm_traits_more);
  float z_import, z_venture, unused;
  normals(more, draws::initial_shock(), f.initial_shock, z_venture);
  f.venture_appeal = in.params.exports.appeal_firm_sd * z_venture;
  normals(more, draws::import_propensity(), z_import, unused);
  const float sd = in.params.imports.firm_propensity_sd;
  f.import_trait = pmath::exp(sd * z_import - 0.5f * sd * sd);
  f.scale = size_scale(in, f);
}

// The traits a firm keeps from its birth (all of draw_traits but the birth's
// own initial shock).
FIRMSIM_HD FIRMSIM_INLINE void keep_traits(const FirmStateView& s, const FirmYear& f) {
  s.traits[f.id] = FirmTraits{f.efficiency,    f.orientation,   f.export_promise, f.orientation_sunk_factor,
                              f.product_scope, f.asset_rank,    f.capital_trait,  f.venture_appeal,
                              f.import_trait,  f.scale};
}

FIRMSIM_HD FIRMSIM_INLINE void recall_traits(const FirmStateView& s, FirmYear& f) {
  const FirmTraits t = s.traits[f.id];
  f.efficiency = t.efficiency;
  f.orientation = t.orientation;
  f.export_promise = t.export_promise;
  f.orientation_sunk_factor = t.orientation_sunk_factor;
  f.product_scope = t.product_scope;
  f.asset_rank = t.asset_rank;
  f.capital_trait = t.capital_trait;
  f.venture_appeal = t.venture_appeal;
  f.import_trait = t.import_trait;
  f.scale = t.scale;
}

// True appeal of the firm's product in market m: the venture's part shared by
// all its markets, a regional part shared by the markets of one region (what
// makes learning spill over inside a region) and an idiosyncratic part.
FIRMSIM_HD FIRMSIM_INLINE float true_export_appeal(const YearInputs& in, const FirmYear& f, int m) {
  const ExportParams& x = in.params.exports;
  const PhiloxCounter r = draw4(f.rng, f.firm, kTimeless, in.markets[m].region, Purpose::region_appeal);
  const PhiloxCounter u = draw4(f.rng, f.firm, kTimeless, m, Purpose::market_appeal);
  float zr, zr2, zu, zi;
  normals(r, draws::region_appeal(), zr, zr2);
  normals(u, draws::market_appeal(), zu, zi);
  return f.venture_appeal + x.appeal_region_sd * zr + x.appeal_market_sd * zu;
}

FIRMSIM_HD FIRMSIM_INLINE float true_import_appeal(const YearInputs& in, const FirmYear& f, int m) {
  const PhiloxCounter u = draw4(f.rng, f.firm, kTimeless, m, Purpose::import_appeal);
  float z0, z1;
  normals(u, draws::import_appeal(), z0, z1);
  return in.params.imports.appeal_sd * z0;
}

// ----------------------------------------------------------------------------
// Policy
// ----------------------------------------------------------------------------
// The program's rules: size, age, industry, export status.
FIRMSIM_HD FIRMSIM_INLINE bool eligible(const PolicyProgram& p, const FirmYear& f) {
  if (f.fte < p.min_fte || f.fte > p.max_fte) return false;
  if (f.age < p.min_age || f.age > p.max_age) return false;
  if (!((p.industries >> f.industry_index) & 1u)) return false;
  const bool exporter = f.exporting != 0;
  switch (static_cast<ExporterStatus>(p.exporter_status)) {
    case ExporterStatus::any:
      return true;
    case ExporterStatus::non_exporters:
      return !exporter;
    case ExporterStatus::exporters:
      return exporter;
    case ExporterStatus::never_exported:
      return f.ever_exported == 0;
    case ExporterStatus::former_exporters:
      return !exporter && f.ever_exported != 0;
  }
  return true;
}

// Whether the firm is one of the program's clients. Agencies serve a minority
// of the eligible firms, those that ask. Being a client is a property of the
// firm for that program (a client stays a client, every year it is
// eligible), so it is drawn from the firm's timeless address with the
// program's salt, under a purpose no other draw uses: a program's take-up
// changes no other random number (common random numbers with the baseline),
// and two programs draw their clients independently.
FIRMSIM_HD FIRMSIM_INLINE bool participates(const PolicyProgram& p, const FirmYear& f) {
  if (!(p.take_up < 1.0f)) return true;  // every eligible firm, no draw
  const PhiloxCounter c = draw4(f.rng, f.firm, p.salt, 0, Purpose::program_take_up);
  if (static_cast<ProgramAssignment>(p.assignment) == ProgramAssignment::random)
    return uniform(c, draws::take_up_lottery()) < p.take_up;
  // Self-selection: the firms that expect to gain from exporting ask for
  // support - their demand is partly their efficiency and orientation, partly
  // reasons of their own; the threshold makes the expected share take_up.
  float motive, unused;
  normals(c, draws::take_up_motive(), motive, unused);
  const float r = p.selection_strength;
  const float demand = r * f.export_promise + sqrtf(1.0f - r * r) * motive;
  return demand > p.selection_threshold;
}

// A program targets (supports and pays for) the eligible firms that take part.
FIRMSIM_HD FIRMSIM_INLINE bool targets(const PolicyProgram& p, const FirmYear& f) {
  return eligible(p, f) && participates(p, f);
}

// Programs of one kind combine as the union of their markets at the largest
// strength (documented in configs/README.md).
FIRMSIM_HD FIRMSIM_INLINE Support support_for(const YearInputs& in, const FirmYear& f) {
  Support s{};
  for (int k = 0; k < in.n_policies; ++k) {
    const PolicyProgram& p = in.policies[k];
    if (!targets(p, f)) continue;
    if (k < 8) s.targeted |= static_cast<std::uint8_t>(1u << k);
    s.fee += p.cost_per_firm;
    switch (static_cast<PolicyKind>(p.kind)) {
      case PolicyKind::sunk_cost_subsidy:
        s.subsidy_markets |= p.markets;
        s.subsidy_share = pmath::fmax(s.subsidy_share, p.strength);
        break;
      case PolicyKind::information:
        s.information_markets |= p.markets;
        s.information_share = pmath::fmax(s.information_share, p.strength);
        break;
      case PolicyKind::import_facilitation:
        s.import_markets |= p.markets;
        s.import_share = pmath::fmax(s.import_share, p.strength);
        break;
      case PolicyKind::credit_guarantee:
        s.extra_credit_per_fte = pmath::fmax(s.extra_credit_per_fte, p.strength);
        break;
      case PolicyKind::reentry_support:
        s.reentry_markets |= p.markets;
        s.reentry_share = pmath::fmax(s.reentry_share, p.strength);
        break;
      case PolicyKind::diplomacy:  // acts on MarketYear::psychic_distance
        break;
      case PolicyKind::mentoring:
        s.mentoring_share = pmath::fmax(s.mentoring_share, p.strength);
        break;
      case PolicyKind::cluster:
        s.cluster = true;
        break;
    }
  }
  return s;
}

FIRMSIM_HD FIRMSIM_INLINE float credit_line(const YearInputs& in, const FirmYear& f) {
  return (in.params.death.credit_line_per_fte + f.policy.extra_credit_per_fte) * f.fte;
}

// Cash a firm can commit to sunk costs before the cash constraint binds.
FIRMSIM_HD FIRMSIM_INLINE float spendable_cash(const YearInputs& in, const FirmYear& f, float cash) {
  if (!in.params.death.cash_constraint) return 3.0e38f;
  return cash + credit_line(in, f);
}

FIRMSIM_HD FIRMSIM_INLINE float spendable_cash(const YearInputs& in, const FirmYear& f) {
  return spendable_cash(in, f, f.cash);
}

// ----------------------------------------------------------------------------
// 1. Births
// ----------------------------------------------------------------------------
FIRMSIM_HD FIRMSIM_INLINE void birth(const YearInputs& in, FirmYear& f) {
  const DomesticParams& d = in.params.domestic;
  const PhiloxCounter b = draw4(f.rng, f.firm, kTimeless, 0, Purpose::firm_birth);
  f.fte = d.entry_fte_min + (d.entry_fte_max - d.entry_fte_min) * uniform(b, draws::entry_fte());
  f.cash = d.start_cash * f.fte;
  // Stationary start of the transitory component; prior belief = industry mean.
  const float rho = in.params.efficiency.persistence;
  f.shock = in.params.efficiency.shock_sd * f.initial_shock / sqrtf(pmath::fmax(1e-6f, 1.0f - rho * rho));
  f.belief = f.industry->efficiency_mean;
  f.precision = 1.0f / pmath::fmax(1e-6f, f.industry->efficiency_sd * f.industry->efficiency_sd);
  f.gain = 0;
  f.export_intensity = 0;
  f.strategy = 0;
  f.export_start_year = 0;
  f.exporting = f.importing = f.ever_exported = f.ever_imported = 0;
}

// ----------------------------------------------------------------------------
// 2. Efficiency: persistent level plus an AR(1) shock, plus what importing taught
// ----------------------------------------------------------------------------
FIRMSIM_HD FIRMSIM_INLINE void update_efficiency(const YearInputs& in, const FirmDraws& d, FirmYear& f) {
  const EfficiencyParams& e = in.params.efficiency;
  f.shock = e.persistence * f.shock + e.shock_sd * d.efficiency_shock;
  f.productivity = f.efficiency + f.shock + f.gain;
}

// ----------------------------------------------------------------------------
// 3. Passive learning (Jovanovic): normal-normal update of the belief about
//    persistent efficiency; precision grows, so young firms learn fastest.
// ----------------------------------------------------------------------------
FIRMSIM_HD FIRMSIM_INLINE void learn_efficiency(const YearInputs& in, const FirmDraws& d, FirmYear& f) {
  const LearningParams& l = in.params.learning;
  if (!l.passive) return;
  const float noise_sd = pmath::fmax(1e-4f, l.efficiency_signal_sd);
  const float signal = f.efficiency + noise_sd * d.efficiency_signal;
  const float signal_precision = 1.0f / (noise_sd * noise_sd);
  const float posterior = f.precision + signal_precision;
  f.belief = (f.precision * f.belief + signal_precision * signal) / posterior;
  f.precision = posterior;
}

// ----------------------------------------------------------------------------
// 4. Domestic activity: size chases a target set by believed efficiency and
//    export success; value added follows realized efficiency.
// ----------------------------------------------------------------------------
FIRMSIM_HD FIRMSIM_INLINE float expected_log_efficiency_gap(const FirmYear& f) {
  return f.belief + f.gain - f.industry->efficiency_mean;
}

FIRMSIM_HD FIRMSIM_INLINE void domestic_activity(const YearInputs& in, const FirmDraws& d, FirmYear& f, bool newborn) {
  const DomesticParams& p = in.params.domestic;
  if (!newborn) {
    const float log_target = pmath::log(f.industry->base_fte) + p.size_elasticity * expected_log_efficiency_gap(f) +
                             p.export_size_elasticity * pmath::log1p(f.export_intensity) + f.scale;
    const float log_fte = pmath::log(f.fte);
    const float next =
        log_fte + p.adjustment_speed * (log_target - log_fte) + p.employment_noise_sd * d.employment_noise;
    f.fte = pmath::fmin(p.max_fte, pmath::fmax(1.0f, pmath::exp(next)));
  }
  const float labour_productivity = f.industry->va_per_fte * pmath::exp(f.productivity - f.industry->efficiency_mean);
  f.value_added = f.fte * labour_productivity;
  f.turnover_domestic = f.value_added * f.industry->turnover_to_va;
  f.cash += p.operating_margin * f.value_added;
}

// ----------------------------------------------------------------------------
// 5. Death: belief below the industry threshold, cash below the credit line,
//    or an exogenous hazard that falls with age and size.
// ----------------------------------------------------------------------------
FIRMSIM_HD FIRMSIM_INLINE float death_hazard(const YearInputs& in, const FirmYear& f) {
  const DeathParams& p = in.params.death;
  const float h = f.industry->base_hazard * pmath::exp(-p.age_decay * static_cast<float>(f.age)) *
                  pmath::pow(pmath::fmax(f.fte, 1.0f) / 10.0f, -p.size_elasticity);
  return pmath::fmin(p.max_hazard, h);
}

FIRMSIM_HD FIRMSIM_INLINE bool dies(const YearInputs& in, const FirmDraws& d, const FirmYear& f) {
  if (f.belief < f.industry->efficiency_mean + f.industry->exit_belief_threshold) return true;
  if (in.params.death.cash_constraint && f.cash < -credit_line(in, f)) return true;
  return d.hazard < death_hazard(in, f);
}

// ----------------------------------------------------------------------------
// Firm interactions (issue 9): peers, market information, mentoring, crowding.
// Everything here reads last year's state (see remember_last_year()).
// ----------------------------------------------------------------------------
// ----------------------------------------------------------------------------
// Market rows: the per-market state of the firms that have one
// ----------------------------------------------------------------------------
// The precision of the prior about a market's appeal: region, market and
// venture parts together.
FIRMSIM_HD FIRMSIM_INLINE float prior_appeal_precision(const YearInputs& in) {
  const ExportParams& x = in.params.exports;
  const float prior_sd = sqrtf(x.appeal_region_sd * x.appeal_region_sd + x.appeal_market_sd * x.appeal_market_sd +
                               x.appeal_firm_sd * x.appeal_firm_sd);
  return 1.0f / pmath::fmax(1e-8f, prior_sd * prior_sd);
}

// Every market of a row at what a firm without a row holds.
FIRMSIM_HD FIRMSIM_INLINE void clear_market_row(const YearInputs& in, const FirmStateView& s, std::int64_t row) {
  const float precision = prior_appeal_precision(in);
  for (int m = 0; m < in.params.n_markets; ++m) {
    const std::int64_t k = s.cell(m, row);
    s.appeal_belief[k] = 0;
    s.appeal_precision[k] = precision;
    s.export_tenure[k] = s.import_tenure[k] = 0;
    s.export_value[k] = s.import_value[k] = 0;
  }
}

// Firm i's row, taken from the pool the first time it needs one (its first
// market entered, supplier found or belief borrowed). -1 if the pool is full:
// the firm is then marked, must write nothing this year, and runs its year
// again once the engine has grown the pool. Which row a firm gets depends on
// thread timing; nothing it computes does.
FIRMSIM_HD FIRMSIM_INLINE std::int64_t acquire_market_row(const YearInputs& in, const FirmStateView& s, std::int64_t i) {
  const std::int64_t held = s.row_of(i);
  if (held >= 0) return held;
  if (held == kMarketRowWanted) return -1;  // asked once this year already
  const std::int64_t row = take_ticket(s.rows_taken);
  if (row >= s.market_rows) {
    s.market_row[i] = kMarketRowWanted;
    return -1;
  }
  s.market_row[i] = static_cast<std::int32_t>(row);
  clear_market_row(in, s, row);
  return row;
}

// Reads that hold for firms without a row: the defaults.
FIRMSIM_HD FIRMSIM_INLINE float appeal_belief_in(const FirmStateView& s, std::int64_t row, int m) {
  return row < 0 ? 0.0f : s.appeal_belief[s.cell(m, row)];
}
FIRMSIM_HD FIRMSIM_INLINE int export_tenure_in(const FirmStateView& s, std::int64_t row, int m) {
  return row < 0 ? 0 : s.export_tenure[s.cell(m, row)];
}

FIRMSIM_HD FIRMSIM_INLINE std::int64_t peer_id(const YearInputs& in, const FirmStateView& s, std::int64_t i, int k) {
  return i - i % in.firms_per_replicate + s.peers[static_cast<std::int64_t>(k) * s.n + i];
}

// Whether firm j may have served a market as the year began: false means its
// masks (export_mask before the year, export_mask_last_year,
// mentoring_last_year) are all 0 and need not be read (FirmStateView::exporter_bits).
FIRMSIM_HD FIRMSIM_INLINE bool may_have_served(const FirmStateView& s, std::int64_t j) {
  return s.exporter_bits == nullptr || ((s.exporter_bits[j >> 6] >> (j & 63)) & 1u) != 0;
}

// Before the year: what peers will see of this firm, and (market
// information) this firm's prior about markets it never served moves towards
// the beliefs of the peers that serve them, with weight w k / (1 + w k) for k
// such peers. Reads peers' beliefs only in markets they serve and writes this
// firm's only in markets it never served: no firm reads what another writes.
FIRMSIM_HD FIRMSIM_INLINE void borrow_peer_beliefs(const YearInputs& in, const FirmStateView& s, std::int64_t i) {
  std::int64_t peer[kMaxPeerSlots];
  MarketMask served[kMaxPeerSlots];
  MarketMask any = 0;
  for (int p = 0; p < in.base_peers; ++p) {
    peer[p] = peer_id(in, s, i, p);
    served[p] = may_have_served(s, peer[p]) ? s.export_mask[peer[p]] : 0;
    any |= served[p];
  }
  const float w = in.params.interactions.peer_prior_weight;
  const MarketMask borrowed = any & ~s.export_mask[i];
  if (!borrowed) return;
  const std::int64_t row = acquire_market_row(in, s, i);
  if (row < 0) return;  // the pool is full: asked again after it grows
  for (MarketMask rest = borrowed; rest; rest &= rest - 1) {
    const int m = lowest_bit(rest);
    const std::int64_t k = s.cell(m, row);
    if (s.export_tenure[k] != 0) continue;  // the firm has its own experience of m
    float sum = 0;
    int count = 0;
    for (int p = 0; p < in.base_peers; ++p)
      if ((served[p] >> m) & 1u) {
        sum += s.appeal_belief[s.cell(m, s.row_of(peer[p]))];  // a peer serving m holds a row
        ++count;
      }
    const float weight = w * static_cast<float>(count);
    s.appeal_belief[k] = (s.appeal_belief[k] + weight * sum / static_cast<float>(count)) / (1.0f + weight);
  }
}

FIRMSIM_HD FIRMSIM_INLINE void remember_last_year(const YearInputs& in, const FirmStateView& s, std::int64_t i) {
  const bool alive = s.status[i] == static_cast<std::uint8_t>(FirmStatus::alive);
  const MarketMask served = alive ? s.export_mask[i] : 0;
  s.export_mask_last_year[i] = served;
  const int start = s.export_start_year[i];
  const bool experienced =
      start != 0 && static_cast<float>(in.year - start) >= in.params.interactions.mentor_experience;
  s.mentoring_last_year[i] = experienced ? served : 0;
  if (alive && in.params.interactions.market_information) borrow_peer_beliefs(in, s, i);
}

// What the firm's active peers did last year; a novice (never exported)
// learns from the experienced exporters among them.
FIRMSIM_HD FIRMSIM_INLINE void gather_peers(const YearInputs& in, const FirmStateView& s, FirmYear& f) {
  f.n_peers = 0;
  f.mentor_markets = f.program_mentor_markets = 0;
  if (in.peer_slots == 0) return;
  const bool novice = f.ever_exported == 0;
  const int active = f.policy.cluster ? in.peer_slots : in.base_peers;
  for (int k = 0; k < in.peer_slots; ++k) {
    const std::int64_t j = peer_id(in, s, f.id, k);
    const bool may = may_have_served(s, j);
    if (k < active) f.peer_served[f.n_peers++] = may ? s.export_mask_last_year[j] : 0;
    if (!novice || !may) continue;
    if (k < active && in.params.interactions.mentoring) f.mentor_markets |= s.mentoring_last_year[j];
    if (k >= in.base_peers && f.policy.mentoring_share > 0) f.program_mentor_markets |= s.mentoring_last_year[j];
  }
}

FIRMSIM_HD FIRMSIM_INLINE int peers_serving(const FirmYear& f, int m) {
  int count = 0;
  for (int k = 0; k < f.n_peers; ++k) count += static_cast<int>((f.peer_served[k] >> m) & 1u);
  return count;
}

// Awareness multiplier from peers that served m last year.
FIRMSIM_HD FIRMSIM_INLINE float peer_awareness(const YearInputs& in, const FirmYear& f, int m) {
  return 1.0f + in.params.interactions.peer_awareness * static_cast<float>(peers_serving(f, m));
}

// Share of the sunk cost of entering m that mentors take away (0: none).
FIRMSIM_HD FIRMSIM_INLINE float mentor_cut(const YearInputs& in, const FirmYear& f, int m) {
  float cut = 0;
  if ((f.mentor_markets >> m) & 1u) cut = in.params.interactions.mentor_discount;
  if ((f.program_mentor_markets >> m) & 1u) cut = pmath::fmax(cut, f.policy.mentoring_share);
  return cut;
}

// Export sales multiplier from the firm's industry's presence in m last year.
FIRMSIM_HD FIRMSIM_INLINE float crowding_factor(const YearInputs& in, const FirmYear& f, int m) {
  const std::int64_t replicate = f.id / in.firms_per_replicate;
  return in.crowding_factor[(replicate * in.n_industries + f.industry_index) * in.params.n_markets + m];
}

// ----------------------------------------------------------------------------
// Market economics shared by steps 6-10
// ----------------------------------------------------------------------------
FIRMSIM_HD FIRMSIM_INLINE float psychic_distance(const YearInputs& in, int m) {
  return in.market_year[m].psychic_distance;
}

// Expected yearly export sales in market m, from the firm's beliefs.
// Bigger firms can serve more foreign demand: sales scale with (FTE / 10)^size_elasticity.
FIRMSIM_HD FIRMSIM_INLINE float export_capacity(const YearInputs& in, const FirmYear& f) {
  return pmath::pow(f.fte / 10.0f, in.params.exports.size_elasticity);
}

// The firm's part of expected export sales, the same in every market.
FIRMSIM_HD FIRMSIM_INLINE float export_factor(const YearInputs& in, const FirmYear& f) {
  const ExportParams& x = in.params.exports;
  return x.scale * f.industry->tradability * export_capacity(in, f) *
         pmath::exp(x.productivity_elasticity * expected_log_efficiency_gap(f));
}

// Experience in another market of m's region.
FIRMSIM_HD FIRMSIM_INLINE bool has_region_experience(const YearInputs& in, const FirmYear& f, int m) {
  const int own = static_cast<int>((f.ever_exported >> m) & 1u);
  return f.region_experience[in.markets[m].region] > own;
}

// What the firm believes of its venture's appeal (the part common to all
// markets) from the markets it has served: treating its beliefs about their
// appeals as known, the posterior mean of the common part of n of them is
// their sum times s_v^2 / (s_rm^2 + n s_v^2), s_rm^2 the variance of the
// region and market parts. Zero (exactly) without a venture part.
FIRMSIM_HD FIRMSIM_INLINE float venture_belief(const YearInputs& in, const FirmStateView& s, const FirmYear& f) {
  const ExportParams& x = in.params.exports;
  const float v2 = x.appeal_firm_sd * x.appeal_firm_sd;
  if (!(v2 > 0) || f.ever_exported == 0) return 0;
  float sum = 0;
  int n = 0;
  const std::int64_t row = s.row_of(f.id);  // held: it has exported
  for (MarketMask rest = f.ever_exported; rest; rest &= rest - 1) {
    sum += s.appeal_belief[s.cell(lowest_bit(rest), row)];
    ++n;
  }
  const float rm2 = x.appeal_region_sd * x.appeal_region_sd + x.appeal_market_sd * x.appeal_market_sd;
  return v2 * sum / (rm2 + static_cast<float>(n) * v2);
}

// What the venture belief adds to the stored prior of a market never served:
// all of it where nothing is known of the region, 1 - region_correlation of it
// where the region's served markets already set the prior (their beliefs
// hold the venture's part).
FIRMSIM_HD FIRMSIM_INLINE float venture_shift(const YearInputs& in, const FirmYear& f, int m) {
  if (f.venture_belief == 0 || ((f.ever_exported >> m) & 1u)) return 0;
  if (in.params.learning.market && has_region_experience(in, f, m))
    return (1.0f - in.params.learning.region_correlation) * f.venture_belief;
  return f.venture_belief;
}

// A year ahead's weight in a relationship's value: discounted, and the
// relationship still alive (export_annuity = 1 / (1 - this)).
FIRMSIM_HD FIRMSIM_INLINE float relationship_discount(const ExportParams& x) {
  return x.discount * (1.0f - x.relationship_hazard);
}

// Market penetration: new exporters start small (Ruhl and Willis 2017; the
// growing customer base of Arkolakis 2010 and Eaton, Eslava, Krizan, Kugler
// and Tybout 2014). In its t-th year serving a market (t = 1: the year of
// entry or re-entry) a firm sells g(t) = 1 - (1 - s0) rho^(t-1) of what its
// appeal would sell to the whole market. s0 = 1 switches it off, exactly.
FIRMSIM_HD FIRMSIM_INLINE bool starts_small(const ExportParams& x) { return x.entrant_sales_share < 1.0f; }

FIRMSIM_HD FIRMSIM_INLINE float penetration(const ExportParams& x, int years_served) {
  const float gap = pmath::pow(x.penetration_persistence, static_cast<float>(years_served - 1));
  return 1.0f - (1.0f - x.entrant_sales_share) * gap;
}

// What a firm that has served m for `years` years (0: not yet, or left)
// expects of it per year ahead, as a share of full sales: g over the years to
// come, weighted as the annuity weights profits,
//   (1 / Lambda) sum_{t >= 0} delta^t g(years + 1 + t)
//     = 1 - (1 - s0) rho^years (1 - delta) / (1 - delta rho),   delta = discount (1 - hazard).
// A firm knows it starts small: entry, exit and the venture's test value a
// market at this share, so a young market is more fragile to bad news.
FIRMSIM_HD FIRMSIM_INLINE float penetration_ahead(const ExportParams& x, int years) {
  const float delta = relationship_discount(x);
  const float rho = x.penetration_persistence;
  const float gap = pmath::pow(rho, static_cast<float>(years));
  return 1.0f - (1.0f - x.entrant_sales_share) * gap * (1.0f - delta) / (1.0f - delta * rho);
}

// Expected yearly export sales in market m, from the firm's beliefs.
FIRMSIM_HD FIRMSIM_INLINE float expected_exports(const YearInputs& in, const FirmStateView& s, const FirmYear& f,
                                                 int m) {
  const std::int64_t row = s.row_of(f.id);
  float sales = f.export_factor * in.market_year[m].reach * pmath::exp(appeal_belief_in(s, row, m) + venture_shift(in, f, m));
  if (in.params.interactions.crowding) sales *= crowding_factor(in, f, m);
  if (starts_small(in.params.exports)) {
    const int years = export_tenure_in(s, row, m);  // < 0: left m; it starts over
    sales *= penetration_ahead(in.params.exports, years > 0 ? years : 0);
  }
  return sales;
}

FIRMSIM_HD FIRMSIM_INLINE float export_fixed_cost(const YearInputs& in, const FirmYear& f, int m) {
  const ExportParams& x = in.params.exports;
  return x.fixed_cost * f.industry->fixed_cost_scale * in.market_year[m].cost_scale;
}

FIRMSIM_HD FIRMSIM_INLINE void count_region_experience(const YearInputs& in, FirmYear& f) {
  for (int r = 0; r < kMaxRegions; ++r) f.region_experience[r] = 0;
  for (MarketMask rest = f.ever_exported; rest; rest &= rest - 1) {
    const int m = lowest_bit(rest);
    ++f.region_experience[in.markets[m].region];
  }
}

// Share of the sunk cost of entering m that the firm itself pays: the rest is
// a sunk-cost subsidy, or re-entry support when it has served m before.
FIRMSIM_HD FIRMSIM_INLINE float export_own_share(const FirmStateView& s, const FirmYear& f, int m) {
  float own = 1.0f;
  if ((f.policy.subsidy_markets >> m) & 1u) own *= 1.0f - f.policy.subsidy_share;
  if (((f.policy.reentry_markets >> m) & 1u) && export_tenure_in(s, s.row_of(f.id), m) < 0)
    own *= 1.0f - f.policy.reentry_share;
  return own;
}

// Sunk cost of starting to export to m before any support, lowered by related
// experience, by importing from m already, by recent presence (re-entry) and
// by orientation.
FIRMSIM_HD FIRMSIM_INLINE float export_sunk_cost_unsupported(const YearInputs& in, const FirmStateView& s,
                                                             const FirmYear& f, int m) {
  const ExportParams& x = in.params.exports;
  float cost = x.sunk_cost * f.industry->sunk_cost_scale * in.market_year[m].cost_scale;
  if (has_region_experience(in, f, m)) cost *= 1.0f - x.related_experience_discount;
  if ((f.importing >> m) & 1u) cost *= x.import_sunk_factor;
  const int tenure = export_tenure_in(s, s.row_of(f.id), m);
  if (tenure < 0 && static_cast<float>(-tenure) <= x.reentry_years) cost *= x.reentry_factor;
  cost *= f.orientation_sunk_factor;
  if (!((f.exporting >> m) & 1u)) {  // mentors help with entering, not with staying
    const float cut = mentor_cut(in, f, m);
    if (cut > 0) cost *= 1.0f - cut;
  }
  return cost;
}

// What entering m costs the firm, after support.
FIRMSIM_HD FIRMSIM_INLINE float export_sunk_cost(const YearInputs& in, const FirmStateView& s, const FirmYear& f,
                                                 int m) {
  return export_sunk_cost_unsupported(in, s, f, m) * export_own_share(s, f, m);
}

FIRMSIM_HD FIRMSIM_INLINE float export_annuity(const YearInputs& in) {
  return 1.0f / (1.0f - relationship_discount(in.params.exports));
}

// Value of entering m: discounted expected profit minus the sunk cost.
// Sprinkler firms expect more from each market (scale economies, pre-emption),
// and a launch into several markets at once shares its preparation (product
// adaptation, marketing, R&D: Kalish, Mahajan and Muller's economies of scale),
// so each market after the first costs launch_sunk_share of its sunk cost:
// a sprinkler values a market at that marginal cost.
FIRMSIM_HD FIRMSIM_INLINE float entry_value(const YearInputs& in, const FirmStateView& s, const FirmYear& f, int m,
                                            bool sprinkler, float& sunk) {
  const float scale = sprinkler ? 1.0f + in.params.strategy.scale_gain : 1.0f;
  const float profit = in.params.exports.margin * expected_exports(in, s, f, m) * scale - export_fixed_cost(in, f, m);
  sunk = export_sunk_cost(in, s, f, m);
  const float marginal_sunk = sprinkler ? sunk * in.params.strategy.launch_sunk_share : sunk;
  return profit * export_annuity(in) - marginal_sunk;
}

// Whether the firm notices market m this year (information frictions).
FIRMSIM_HD FIRMSIM_INLINE bool aware_of_export_market(const YearInputs& in, const FirmYear& f, int m, float u) {
  const ExportParams& x = in.params.exports;
  float p = in.market_year[m].awareness;
  if ((f.importing >> m) & 1u) p *= x.import_awareness_multiplier;
  if (has_region_experience(in, f, m)) p *= x.related_awareness_multiplier;
  if (in.params.interactions.market_information) p *= peer_awareness(in, f, m);
  return u < p;
}

FIRMSIM_HD FIRMSIM_INLINE float market_uniform(const YearInputs& in, const FirmYear& f, int m, const DrawSlot& slot) {
  return uniform(draw4(f.rng, f.firm, in.year, m, slot.purpose), slot);
}

// ----------------------------------------------------------------------------
// 6. Export start and strategy (Kalish, Mahajan and Muller conditions)
// ----------------------------------------------------------------------------
struct Candidates {
  MarketMask mask = 0;
  float value[kMaxMarkets];
  float sunk[kMaxMarkets];
  int count = 0;
};

// The smallest share of its base sunk cost (sunk_cost x industry scale x the
// market's cost scale) the firm could pay for any market this year: every
// discount of export_sunk_cost that might apply, applied. Keep in step with
// export_sunk_cost_unsupported and export_own_share (EntryBound tests).
FIRMSIM_HD FIRMSIM_INLINE float lowest_sunk_share(const YearInputs& in, const FirmYear& f) {
  const ExportParams& x = in.params.exports;
  float share = f.orientation_sunk_factor;
  share *= pmath::fmin(1.0f, 1.0f - x.related_experience_discount);
  share *= pmath::fmin(1.0f, x.import_sunk_factor);
  share *= pmath::fmin(1.0f, x.reentry_factor);
  float cut = 0;
  if (f.mentor_markets) cut = in.params.interactions.mentor_discount;
  if (f.program_mentor_markets) cut = pmath::fmax(cut, f.policy.mentoring_share);
  share *= pmath::fmax(0.0f, 1.0f - cut);
  if (f.policy.subsidy_markets) share *= pmath::fmax(0.0f, 1.0f - f.policy.subsidy_share);
  if (f.policy.reentry_markets) share *= pmath::fmax(0.0f, 1.0f - f.policy.reentry_share);
  return share;
}

// The entry screen: which markets the firm does not serve could be worth
// entering, without valuing them. Entry pays in m only if
//   margin x F x scale x annuity x reach_m x crowding_m x exp(belief_m + shift_m)
//     > cost_scale_m x (fixed cost x annuity + sunk cost x own share),
// so, in logs, only if belief_m + log(reach_m / cost_scale_m) + log_revenue
// >= log_cost, with log_revenue an upper bound of the firm's side (the best
// crowding, the venture belief if positive) and log_cost a lower bound (every
// discount that might apply). Most firms are far from exporting, and for them
// this spares an exp and a sunk cost per market. It only skips work: the
// screen asks 1% (0.01 in logs) less than the full valuation, far above float
// rounding, so the candidates found are exactly those of the full loop
// (EntryBound tests; the panel hashes).
struct EntryScreen {
  float log_revenue;
  float log_cost;
};
constexpr float kEntryScreenMargin = 0.01f;

FIRMSIM_HD FIRMSIM_INLINE EntryScreen entry_screen(const YearInputs& in, const FirmYear& f, bool sprinkler) {
  if (!in.entry_bound) return {std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity()};
  const ExportParams& x = in.params.exports;
  // The largest crowding factor over all markets (served ones too: a bound).
  const float best_crowding = in.params.interactions.crowding
                                  ? in.crowding_best[f.id / in.firms_per_replicate * in.n_industries + f.industry_index]
                                  : 1.0f;
  const float annuity = export_annuity(in);
  const float scale = sprinkler ? 1.0f + in.params.strategy.scale_gain : 1.0f;
  const float revenue = x.margin * f.export_factor * scale * annuity * best_crowding;
  const float sunk_share = sprinkler ? pmath::fmin(1.0f, in.params.strategy.launch_sunk_share) : 1.0f;
  const float cost = x.fixed_cost * f.industry->fixed_cost_scale * annuity +
                     x.sunk_cost * f.industry->sunk_cost_scale * sunk_share * lowest_sunk_share(in, f);
  // log(<= 0) is -inf or NaN: a NaN lets every market through, -inf none
  // (no revenue) or all (no cost).
  return {pmath::log(revenue) + pmath::fmax(f.venture_belief, 0.0f), pmath::log(cost)};
}

FIRMSIM_HD FIRMSIM_INLINE bool market_may_pay(const YearInputs& in, const FirmStateView& s, std::int64_t row,
                                              const EntryScreen& e, int m) {
  const float upper = appeal_belief_in(s, row, m) + in.market_year[m].log_reach_per_cost + e.log_revenue;
  return !(upper < e.log_cost - kEntryScreenMargin);  // NaN: value the market
}

// The screen of every market at once for a firm without a row: its beliefs
// are all the prior's 0, so market m's bound is (0 + log_reach_per_cost_m) +
// log_revenue, and float addition is monotone, so if the best market's bound
// fails, every market's does (exactly, not approximately). Most firms that
// do not export have no row, and this spares them the 64-market loop.
FIRMSIM_HD FIRMSIM_INLINE bool some_market_may_pay(const YearInputs& in, std::int64_t row, const EntryScreen& e) {
  if (row >= 0) return true;
  const float upper = in.best_log_reach_per_cost + e.log_revenue;
  return !(upper < e.log_cost - kEntryScreenMargin);  // NaN: look market by market
}

// Markets worth entering this year: aware of (unless scanning globally) and
// of positive value.
FIRMSIM_HD FIRMSIM_INLINE void find_candidates(const YearInputs& in, const FirmStateView& s, const FirmYear& f,
                                               bool sprinkler, bool global_scan, Candidates& c) {
  c.mask = 0;
  c.count = 0;
  for (int m = 0; m < in.params.n_markets; ++m) c.value[m] = -1.0f;
  const EntryScreen screen = entry_screen(in, f, sprinkler);
  const std::int64_t row = s.row_of(f.id);
  if (!some_market_may_pay(in, row, screen)) return;
  for (int m = 0; m < in.params.n_markets; ++m) {
    if ((f.exporting >> m) & 1u) continue;
    if (!market_may_pay(in, s, row, screen, m)) continue;
    const float v = entry_value(in, s, f, m, sprinkler, c.sunk[m]);
    if (v <= 0) continue;
    if (!global_scan && !aware_of_export_market(in, f, m, market_uniform(in, f, m, draws::export_awareness())))
      continue;
    c.value[m] = v;
    c.mask |= market_bit(m);
    ++c.count;
  }
}

// Utility of sprinkler over waterfall; > 0 favours sprinkler.
FIRMSIM_HD FIRMSIM_INLINE float sprinkler_advantage(const YearInputs& in, const FirmYear& f, const Candidates& c,
                                                    float taste) {
  const StrategyParams& p = in.params.strategy;
  float size = 0, growth = 0, innovativeness = 0, competition = 0, sunk = 0;
  for (int m = 0; m < in.params.n_markets; ++m) {
    if (!((c.mask >> m) & 1u)) continue;
    size += in.market_year[m].demand;
    growth += in.markets[m].growth;
    innovativeness += in.markets[m].innovativeness;
    competition += in.markets[m].competition;
    sunk += c.sunk[m];
  }
  const float n = static_cast<float>(c.count > 0 ? c.count : 1);
  const IndustryParams& j = *f.industry;
  float u = p.constant;
  u += p.globalized * j.globalized;
  u += p.high_tech * (j.technology == static_cast<std::uint8_t>(Technology::high_medium_high) ? 1.0f : 0.0f);
  u -= p.life_cycle * j.product_life_cycle / 10.0f;
  u += p.market_size * pmath::log(pmath::fmax(size / n, 1e-6f));
  u += p.market_growth * 100.0f * growth / n;
  u += p.innovativeness * innovativeness / n;
  u += p.competition * competition / n;
  u -= p.cooperation * p.competitor_cooperation;
  u -= p.fixed_entry_cost * j.sunk_cost_scale;
  u += p.orientation * f.orientation / pmath::fmax(p.orientation_sd, 1e-6f);
  u += p.cash * pmath::log(pmath::fmax(spendable_cash(in, f), 1.0f) / pmath::fmax(sunk, 1.0f));
  return u + p.taste_scale * taste;
}

FIRMSIM_HD FIRMSIM_INLINE bool choose_sprinkler(const YearInputs& in, const FirmYear& f, const Candidates& c,
                                                float taste) {
  switch (static_cast<StrategyMode>(in.params.strategy.mode)) {
    case StrategyMode::waterfall_only:
      return false;
    case StrategyMode::sprinkler_only:
      return true;
    case StrategyMode::choice:
      break;
  }
  return sprinkler_advantage(in, f, c, taste) > 0;
}

// ----------------------------------------------------------------------------
// 7. Market entry
// ----------------------------------------------------------------------------
FIRMSIM_HD FIRMSIM_INLINE void enter_export_market(const YearInputs& in, const FirmStateView& s, FirmYear& f, int m,
                                                   float sunk) {
  const std::int64_t row = acquire_market_row(in, s, f.id);
  if (row < 0) {  // the pool is full: this year runs again
    f.row_missing = true;
    return;
  }
  // Support is what the firm did not pay (read before tenure says "served").
  const float own = export_own_share(s, f, m);
  if (own < 1.0f) f.support += own > 1e-6f ? sunk * (1.0f / own - 1.0f) : export_sunk_cost_unsupported(in, s, f, m);
  s.appeal_belief[s.cell(m, row)] += venture_shift(in, f, m);  // the prior it entered on becomes the stored one
  f.exporting |= market_bit(m);
  if (!((f.ever_exported >> m) & 1u)) ++f.region_experience[in.markets[m].region];
  f.ever_exported |= market_bit(m);
  s.export_tenure[s.cell(m, row)] = 0;  // becomes 1 when this year's sales are booked
  f.cash -= sunk;
  f.sunk_paid += sunk;
  if (f.export_start_year == 0) f.export_start_year = static_cast<std::int16_t>(f.year);
}

// Sprinkler: the best markets at once, as many as are worth it and affordable.
// The first market of the launch pays its full sunk cost, every further one
// launch_sunk_share of its own; the launch goes ahead only when the markets'
// values together cover the first market's extra cost.
// A starter's launch must also carry its venture's yearly cost (`hurdle`, its
// present value).
FIRMSIM_HD FIRMSIM_INLINE void enter_many(const YearInputs& in, const FirmStateView& s, FirmYear& f, Candidates& c,
                                          float hurdle) {
  const float share = in.params.strategy.launch_sunk_share;
  const int cap = static_cast<int>(in.params.strategy.max_markets);
  int order[kMaxMarkets];
  int n = 0;
  float total_value = 0;
  float cash = f.cash;             // as the plan pays, in the order it will
  for (int k = 0; k < cap; ++k) {  // plan: best value first, within the cash
    int best = -1;
    for (int m = 0; m < in.params.n_markets; ++m)
      if (c.value[m] > 0 && (best < 0 || c.value[m] > c.value[best])) best = m;
    if (best < 0) break;
    const float value = c.value[best];
    c.value[best] = -1.0f;
    const float pays = n == 0 ? c.sunk[best] : c.sunk[best] * share;
    if (pays > spendable_cash(in, f, cash)) continue;  // cannot afford this one; try cheaper
    cash -= pays;
    total_value += value;
    order[n++] = best;
  }
  if (n == 0 || total_value - (1.0f - share) * c.sunk[order[0]] - hurdle <= 0) return;
  for (int k = 0; k < n; ++k)
    enter_export_market(in, s, f, order[k], k == 0 ? c.sunk[order[k]] : c.sunk[order[k]] * share);
}

// Waterfall: the single best market, psychically closest first (Uppsala); a
// starter's first market must also carry the venture's cost (`hurdle`).
FIRMSIM_HD FIRMSIM_INLINE void enter_one(const YearInputs& in, const FirmStateView& s, FirmYear& f, const Candidates& c,
                                         float hurdle) {
  int best = -1;
  float best_score = 0;
  for (int m = 0; m < in.params.n_markets; ++m) {
    if (c.value[m] <= hurdle || c.sunk[m] > spendable_cash(in, f)) continue;
    const float score = c.value[m] / pmath::fmax(c.sunk[m], 1.0f) - psychic_distance(in, m);
    if (best < 0 || score > best_score) {
      best = m;
      best_score = score;
    }
  }
  if (best >= 0) enter_export_market(in, s, f, best, c.sunk[best]);
}

// A waterfall firm adds a market only when its experience so far is good:
// its beliefs about the markets it serves are no worse than its prior.
FIRMSIM_HD FIRMSIM_INLINE bool experience_is_good(const YearInputs& in, const FirmStateView& s, const FirmYear& f) {
  float sum = 0;
  int n = 0;
  const std::int64_t row = s.row_of(f.id);
  for (int m = 0; m < in.params.n_markets; ++m)
    if ((f.exporting >> m) & 1u) {
      sum += s.appeal_belief[s.cell(m, row)];
      ++n;
    }
  return n == 0 || sum >= 0;
}

FIRMSIM_HD FIRMSIM_INLINE void export_start_and_entry(const YearInputs& in, const FirmStateView& s, FirmYear& f,
                                                      float taste) {
  if (f.industry->tradability <= 0) return;
  f.export_factor = export_factor(in, f);
  f.venture_belief = venture_belief(in, s, f);
  Candidates c;
  if (f.exporting == 0) {
    const float hurdle = in.params.exports.venture_fixed_cost * export_annuity(in);
    // 6. Start: some market this firm knows of is worth its sunk cost.
    find_candidates(in, s, f, false, false, c);
    if (c.count == 0) return;
    if (f.strategy == 0) {
      Candidates global;
      find_candidates(in, s, f, true, true, global);
      f.strategy = choose_sprinkler(in, f, global, taste) ? 2 : 1;
    }
    if (f.strategy == 2) {
      find_candidates(in, s, f, true, true, c);
      enter_many(in, s, f, c, hurdle);
    } else {
      enter_one(in, s, f, c, hurdle);
    }
    return;
  }
  // 7. Expansion of an exporter: sprinkler adds every market worth it,
  //    waterfall one market a year while its experience is good.
  if (f.strategy == 2) {
    find_candidates(in, s, f, true, false, c);
    enter_many(in, s, f, c, 0.0f);
  } else if (experience_is_good(in, s, f)) {
    find_candidates(in, s, f, false, false, c);
    enter_one(in, s, f, c, 0.0f);
  }
}

// ----------------------------------------------------------------------------
// 8. Sales and market learning: realized sales are the signal of appeal;
//    unserved markets of a region borrow from what was learned in it.
// ----------------------------------------------------------------------------
FIRMSIM_HD FIRMSIM_INLINE float realized_exports(const YearInputs& in, const FirmYear& f, int m, float appeal,
                                                 float noise, int years_served) {
  const ExportParams& x = in.params.exports;
  const float log_sales = x.productivity_elasticity * (f.productivity - f.industry->efficiency_mean) + appeal + noise;
  float sales =
      x.scale * f.industry->tradability * export_capacity(in, f) * in.market_year[m].reach * pmath::exp(log_sales);
  if (in.params.interactions.crowding) sales *= crowding_factor(in, f, m);
  if (years_served == 1) sales *= x.first_year_fraction;  // a part year
  return starts_small(x) ? sales * penetration(x, years_served) : sales;
}

FIRMSIM_HD FIRMSIM_INLINE void update_appeal_belief(const FirmStateView& s, const FirmYear& f, int m, float signal,
                                                    float noise_sd) {
  const std::int64_t k = s.cell(m, s.row_of(f.id));
  const float signal_precision = 1.0f / pmath::fmax(1e-8f, noise_sd * noise_sd);
  const float posterior = s.appeal_precision[k] + signal_precision;
  s.appeal_belief[k] = (s.appeal_precision[k] * s.appeal_belief[k] + signal_precision * signal) / posterior;
  s.appeal_precision[k] = posterior;
}

// The firm reads its appeal from its sales; a market-information program gives
// it a sharper signal instead (its own noise draw, so sales are untouched).
FIRMSIM_HD FIRMSIM_INLINE void learn_appeal(const YearInputs& in, const FirmStateView& s, const FirmYear& f, int m,
                                            float appeal, float z_sales) {
  const float sd = in.params.exports.sales_noise_sd;
  if (!((f.policy.information_markets >> m) & 1u) || f.policy.information_share <= 0) {
    update_appeal_belief(s, f, m, appeal + sd * z_sales, sd);
    return;
  }
  const PhiloxCounter r = draw4(f.rng, f.firm, in.year, m, draws::appeal_signal().purpose);
  float z_signal, unused;
  normals(r, draws::appeal_signal(), z_signal, unused);
  const float informed_sd = sd * (1.0f - f.policy.information_share);
  update_appeal_belief(s, f, m, appeal + informed_sd * z_signal, informed_sd);
}

FIRMSIM_HD FIRMSIM_INLINE void spread_regional_beliefs(const YearInputs& in, const FirmStateView& s, const FirmYear& f) {
  float sum[kMaxRegions] = {};
  int count[kMaxRegions] = {};
  const std::int64_t row = s.row_of(f.id);  // held: it exports
  for (int m = 0; m < in.params.n_markets; ++m)
    if ((f.exporting >> m) & 1u) {
      sum[in.markets[m].region] += s.appeal_belief[s.cell(m, row)];
      ++count[in.markets[m].region];
    }
  for (int m = 0; m < in.params.n_markets; ++m) {
    const int r = in.markets[m].region;
    if (((f.exporting >> m) & 1u) || count[r] == 0) continue;
    s.appeal_belief[s.cell(m, row)] = in.params.learning.region_correlation * sum[r] / count[r];
  }
}

FIRMSIM_HD FIRMSIM_INLINE void export_sales_and_learning(const YearInputs& in, const FirmStateView& s, FirmYear& f) {
  const ExportParams& x = in.params.exports;
  float total = 0;
  // Markets never served hold no sales and no tenure: only those ever served
  // need their year booked. The engine keeps ever_exported a superset of
  // exporting; or-ing them keeps the kernel right for any caller that does not.
  const std::int64_t row = s.row_of(f.id);  // held by every firm that has exported
  for (MarketMask rest = f.ever_exported | f.exporting; rest; rest &= rest - 1) {
    const int m = lowest_bit(rest);
    const std::int64_t k = s.cell(m, row);
    if (!((f.exporting >> m) & 1u)) {
      s.export_value[k] = 0;
      if (s.export_tenure[k] < 0 && s.export_tenure[k] > -127) --s.export_tenure[k];
      continue;
    }
    const bool entry_year = s.export_tenure[k] <= 0;
    s.export_tenure[k] = entry_year ? 1 : (s.export_tenure[k] < 127 ? s.export_tenure[k] + 1 : 127);
    const PhiloxCounter r = draw4(f.rng, f.firm, in.year, m, Purpose::market_year_sales);
    float z_export, z_import;
    normals(r, draws::sales_noise(), z_export, z_import);
    const float appeal = true_export_appeal(in, f, m);
    const float sales = realized_exports(in, f, m, appeal, x.sales_noise_sd * z_export, s.export_tenure[k]);
    s.export_value[k] = sales;
    total += sales;
    f.cash += x.margin * sales - export_fixed_cost(in, f, m);
    if (in.params.learning.market) learn_appeal(in, s, f, m, appeal, z_export);
  }
  if (f.exporting) f.cash -= x.venture_fixed_cost;
  f.exported_this_year = f.exporting;
  if (in.params.learning.market && f.exporting) spread_regional_beliefs(in, s, f);
  f.export_intensity = total / pmath::fmax(f.turnover_domestic, 1.0f);
}

// ----------------------------------------------------------------------------
// 9. Market exit and re-entry: hysteresis keeps a firm in a market it would
//    not enter; committed (sprinkler) firms hold on longer.
// ----------------------------------------------------------------------------
// The band, in units of the market's sunk cost, by which expected profit may
// fall below zero before the firm leaves. A sprinkler's commitment adds to the
// band rather than widening it, so it acts even where sunk costs alone give no
// band (the estimate put hysteresis_band at 0, where a multiple did nothing).
FIRMSIM_HD FIRMSIM_INLINE float exit_band(const YearInputs& in, const FirmYear& f) {
  const ExportParams& x = in.params.exports;
  if (!x.hysteresis) return 0;
  return x.hysteresis_band + (f.strategy == 2 ? x.sprinkler_commitment : 0.0f);
}

// The venture goes on while its markets' expected profits, from what the
// firm now believes, cover its yearly cost: a bad common appeal, read in all
// its markets at once, ends the whole venture (Albornoz et al. 2012).
FIRMSIM_HD FIRMSIM_INLINE bool venture_pays(const YearInputs& in, const FirmStateView& s, const FirmYear& f) {
  const ExportParams& x = in.params.exports;
  float profit = 0;
  for (MarketMask rest = f.exporting; rest; rest &= rest - 1) {
    const int m = lowest_bit(rest);
    profit += x.margin * expected_exports(in, s, f, m) - export_fixed_cost(in, f, m);
  }
  return profit >= x.venture_fixed_cost;
}

FIRMSIM_HD FIRMSIM_INLINE void leave_all_markets(const YearInputs& in, const FirmStateView& s, FirmYear& f) {
  const std::int64_t row = s.row_of(f.id);
  for (MarketMask rest = f.exporting; rest; rest &= rest - 1) s.export_tenure[s.cell(lowest_bit(rest), row)] = -1;
  f.exporting = 0;
  (void)in;
}

FIRMSIM_HD FIRMSIM_INLINE void export_exit(const YearInputs& in, const FirmStateView& s, FirmYear& f) {
  const ExportParams& x = in.params.exports;
  const float band = exit_band(in, f);
  for (int m = 0; m < in.params.n_markets; ++m) {
    if (!((f.exporting >> m) & 1u)) continue;
    const float profit = x.margin * expected_exports(in, s, f, m) - export_fixed_cost(in, f, m);
    const float sunk = export_sunk_cost(in, s, f, m);
    const bool broken = market_uniform(in, f, m, draws::export_relationship_break()) < x.relationship_hazard;
    if (broken || profit < -band * sunk) {
      f.exporting &= ~market_bit(m);
      s.export_tenure[s.cell(m, s.row_of(f.id))] = -1;
    }
  }
  if (x.venture_fixed_cost > 0 && f.exporting && !venture_pays(in, s, f)) leave_all_markets(in, s, f);
}

// ----------------------------------------------------------------------------
// 10. Importing: the same decisions for sourcing, with spill-overs both ways
//     and productivity gains, largest for two-way traders.
// ----------------------------------------------------------------------------
// The firm's part of expected imports, the same from every market.
FIRMSIM_HD FIRMSIM_INLINE float import_factor(const YearInputs& in, const FirmYear& f) {
  const ImportParams& p = in.params.imports;
  return p.scale * f.industry->import_propensity * f.import_trait * pmath::pow(f.fte, p.size_elasticity) *
         pmath::exp(expected_log_efficiency_gap(f));
}

FIRMSIM_HD FIRMSIM_INLINE float expected_imports(const YearInputs& in, const FirmYear& f, int m) {
  return f.import_factor * in.markets[m].import_supply;
}

FIRMSIM_HD FIRMSIM_INLINE float import_sunk_cost_unsupported(const YearInputs& in, const FirmYear& f, int m) {
  const ImportParams& p = in.params.imports;
  float cost = p.sunk_cost * in.market_year[m].cost_scale;
  if ((f.exporting >> m) & 1u) cost *= p.export_sunk_factor;
  return cost;
}

FIRMSIM_HD FIRMSIM_INLINE float import_sunk_cost(const YearInputs& in, const FirmYear& f, int m) {
  const float cost = import_sunk_cost_unsupported(in, f, m);
  return ((f.policy.import_markets >> m) & 1u) ? cost * (1.0f - f.policy.import_share) : cost;
}

FIRMSIM_HD FIRMSIM_INLINE float import_fixed_cost(const YearInputs& in, int m) {
  return in.params.imports.fixed_cost * in.market_year[m].cost_scale;
}

FIRMSIM_HD FIRMSIM_INLINE bool aware_of_supplier(const YearInputs& in, const FirmYear& f, int m, float u) {
  float p = in.market_year[m].awareness;
  if ((f.exporting >> m) & 1u) p *= in.params.imports.export_awareness_multiplier;
  return u < p;
}

FIRMSIM_HD FIRMSIM_INLINE float import_annuity(const YearInputs& in) {
  return 1.0f / (1.0f - in.params.exports.discount * (1.0f - in.params.imports.relationship_hazard));
}

// Whether any market the firm does not source from could be worth starting
// to import from: the import twin of some_market_may_pay. A market is entered
// only if margin x factor x supply - fixed cost, as an annuity, beats its sunk
// cost; the bound takes the year's best supply per unit of cost scale and the
// lowest sunk cost any discount allows (keep in step with import_sunk_cost),
// and asks 1% less. It only skips work: the markets entered are those of the
// full loop (EntryBound tests; the panel hashes).
FIRMSIM_HD FIRMSIM_INLINE bool some_supplier_may_pay(const YearInputs& in, const FirmYear& f) {
  const ImportParams& p = in.params.imports;
  float share = f.exporting ? pmath::fmin(1.0f, p.export_sunk_factor) : 1.0f;
  if (f.policy.import_markets) share *= pmath::fmax(0.0f, 1.0f - f.policy.import_share);
  const float annuity = import_annuity(in);
  const float revenue = p.margin * f.import_factor * annuity * in.best_supply_per_cost;
  const float cost = p.fixed_cost * annuity + p.sunk_cost * share;
  return !(revenue < 0.99f * cost);  // NaN or infinity: value every market
}

// Relationships that break or stop paying end; then, if any market may pay,
// new ones start, market by market in order (cash falls with each). Exits
// move no cash, so deciding them first changes nothing; a market left this
// year is not entered again this year.
FIRMSIM_HD FIRMSIM_INLINE void import_decisions(const YearInputs& in, const FirmStateView& s, FirmYear& f) {
  const ImportParams& p = in.params.imports;
  f.import_factor = import_factor(in, f);
  const float annuity = import_annuity(in);
  const float band = exit_band(in, f);
  const MarketMask sourced = f.importing;
  for (MarketMask rest = sourced; rest; rest &= rest - 1) {
    const int m = lowest_bit(rest);
    const float expected_profit = p.margin * expected_imports(in, f, m) - import_fixed_cost(in, m);
    const float sunk = import_sunk_cost(in, f, m);
    const bool broken = market_uniform(in, f, m, draws::import_relationship_break()) < p.relationship_hazard;
    if (broken || expected_profit < -band * sunk) {
      f.importing &= ~market_bit(m);
      s.import_tenure[s.cell(m, s.row_of(f.id))] = -1;
    }
  }
  if (in.entry_bound && !some_supplier_may_pay(in, f)) return;
  for (int m = 0; m < in.params.n_markets; ++m) {
    if ((sourced >> m) & 1u) continue;
    const float expected_profit = p.margin * expected_imports(in, f, m) - import_fixed_cost(in, m);
    const float sunk = import_sunk_cost(in, f, m);
    if (expected_profit * annuity > sunk && sunk <= spendable_cash(in, f) &&
        aware_of_supplier(in, f, m, market_uniform(in, f, m, draws::import_awareness()))) {
      const std::int64_t row = acquire_market_row(in, s, f.id);
      if (row < 0) {  // the pool is full: this year runs again
        f.row_missing = true;
        return;
      }
      f.importing |= market_bit(m);
      f.ever_imported |= market_bit(m);
      f.cash -= sunk;
      f.sunk_paid += sunk;
      if ((f.policy.import_markets >> m) & 1u) f.support += import_sunk_cost_unsupported(in, f, m) - sunk;
      s.import_tenure[s.cell(m, row)] = 0;
    }
  }
}

// Flows and tenures in the markets ever sourced from (the others hold zeros:
// value 0, tenure 0, and stay so). Firms built by hand in tests may set
// `importing` alone, hence the union.
FIRMSIM_HD FIRMSIM_INLINE void import_flows_and_gains(const YearInputs& in, const FirmStateView& s, FirmYear& f) {
  const ImportParams& p = in.params.imports;
  const std::int64_t row = s.row_of(f.id);  // held by every firm that has imported
  for (MarketMask rest = f.ever_imported | f.importing; rest; rest &= rest - 1) {
    const int m = lowest_bit(rest);
    const std::int64_t k = s.cell(m, row);
    if (!((f.importing >> m) & 1u)) {
      s.import_value[k] = 0;
      if (s.import_tenure[k] < 0 && s.import_tenure[k] > -127) --s.import_tenure[k];
      continue;
    }
    s.import_tenure[k] = s.import_tenure[k] <= 0 ? 1 : (s.import_tenure[k] < 127 ? s.import_tenure[k] + 1 : 127);
    const PhiloxCounter r = draw4(f.rng, f.firm, in.year, m, Purpose::market_year_sales);
    float z_export, z_import;
    normals(r, draws::sales_noise(), z_export, z_import);
    const float flow = expected_imports(in, f, m) * pmath::exp(true_import_appeal(in, f, m) + p.noise_sd * z_import);
    s.import_value[k] = flow;
    f.cash += p.margin * flow - import_fixed_cost(in, m);
  }
  if (f.importing) {
    const float target = p.productivity_gain + (f.exporting ? p.two_way_gain : 0.0f);
    f.gain += p.learning_rate * (target - f.gain);
  } else {
    f.gain *= p.decay;
  }
}

// ----------------------------------------------------------------------------
// 11. Record: the year's observables, and what the statistics office sees.
// ----------------------------------------------------------------------------
FIRMSIM_HD FIRMSIM_INLINE int product_count(float scope, int n_markets) {
  const float n = scope * (1.0f + pmath::log(static_cast<float>(n_markets)));
  return static_cast<int>(pmath::fmin(255.0f, pmath::fmax(1.0f, floorf(n + 0.5f))));
}

// Intra-EU trade is reported only by firms whose yearly intra-EU total passes
// the Intrastat threshold; extra-EU flows are reported above a per-flow floor.
FIRMSIM_HD FIRMSIM_INLINE MarketMask observed_flows(const YearInputs& in, const FirmStateView& s, std::int64_t row,
                                                    MarketMask active, const float* values, float& observed_total) {
  float intra = 0;
  for (MarketMask rest = active; rest; rest &= rest - 1) {
    const int m = lowest_bit(rest);
    if (in.market_year[m].is_eu) intra += values[s.cell(m, row)];
  }
  const bool intrastat_reporter = intra >= in.measurement.intrastat_threshold;
  MarketMask observed = 0;
  observed_total = 0;
  for (MarketMask rest = active; rest; rest &= rest - 1) {
    const int m = lowest_bit(rest);
    const float v = values[s.cell(m, row)];
    const bool seen = in.market_year[m].is_eu ? intrastat_reporter : v >= in.measurement.extrastat_threshold;
    if (seen && v > 0) {
      observed |= market_bit(m);
      observed_total += v;
    }
  }
  return observed;
}

FIRMSIM_HD FIRMSIM_INLINE void record(const YearInputs& in, const FirmStateView& s, const FirmYear& f) {
  const std::int64_t i = f.id;
  const DomesticParams& d = in.params.domestic;
  // This year's flows are zero outside the markets served this year (steps 8
  // and 10 cleared the rest), so summing over those alone, in the same order,
  // gives the same sums.
  float exports = 0, imports = 0;
  const std::int64_t row = s.row_of(i);  // held by every firm that trades (the masks are empty otherwise)
  for (MarketMask rest = f.exported_this_year; rest; rest &= rest - 1)
    exports += s.export_value[s.cell(lowest_bit(rest), row)];
  for (MarketMask rest = f.importing; rest; rest &= rest - 1) imports += s.import_value[s.cell(lowest_bit(rest), row)];
  s.exports_true[i] = exports;
  s.imports_true[i] = imports;
  s.value_added[i] = f.value_added;
  s.turnover[i] = f.turnover_domestic + exports;
  const float gap = f.productivity - f.industry->efficiency_mean;
  const float capital =
      f.industry->capital_per_fte * f.fte * pmath::exp(d.capital_efficiency_elasticity * gap + f.capital_trait);
  s.fixed_assets[i] = capital;
  // Reporting of R&D and intangibles is a persistent firm trait (asset_rank),
  // more likely for traders; amounts scale with size and efficiency.
  const bool trader = f.exported_this_year || f.importing;
  const float boost = trader ? d.trader_asset_boost : 1.0f;
  const bool reports_intangibles = f.asset_rank < f.industry->intangibles_propensity * boost;
  const bool reports_rnd = f.asset_rank < f.industry->rnd_propensity * boost;
  s.intangible_assets[i] = reports_intangibles ? d.intangibles_per_fte * f.fte * pmath::exp(gap) : 0.0f;
  s.rnd[i] = reports_rnd ? d.rnd_per_fte * f.fte * pmath::exp(gap) : 0.0f;
  const float alpha = d.capital_share;
  s.tfp[i] = pmath::log(pmath::fmax(f.value_added, 1.0f)) - alpha * pmath::log(pmath::fmax(capital, 1.0f)) -
             (1.0f - alpha) * pmath::log(f.fte);

  float exports_observed, imports_observed;
  const MarketMask xo = observed_flows(in, s, row, f.exported_this_year, s.export_value, exports_observed);
  const MarketMask mo = observed_flows(in, s, row, f.importing, s.import_value, imports_observed);
  s.export_mask_observed[i] = xo;
  s.import_mask_observed[i] = mo;
  s.exports_observed[i] = exports_observed;
  s.imports_observed[i] = imports_observed;
  s.n_export_products[i] = xo ? static_cast<std::uint8_t>(product_count(f.product_scope, popcount64(xo))) : 0;
  s.n_import_products[i] = mo ? static_cast<std::uint8_t>(product_count(2.0f * f.product_scope, popcount64(mo))) : 0;
  if (xo && in.year >= in.measurement.dummy_first_year && in.year <= in.measurement.dummy_last_year)
    s.exported_1993_1997[i] = 1;
}

FIRMSIM_HD FIRMSIM_INLINE void record_death(const FirmStateView& s, std::int64_t i, int n_markets) {
  const std::int64_t row = s.row_of(i);
  for (int m = 0; row >= 0 && m < n_markets; ++m) {
    s.export_value[s.cell(m, row)] = 0;
    s.import_value[s.cell(m, row)] = 0;
  }
  s.value_added[i] = s.turnover[i] = s.fixed_assets[i] = s.intangible_assets[i] = s.rnd[i] = s.tfp[i] = 0;
  s.exports_true[i] = s.imports_true[i] = s.exports_observed[i] = s.imports_observed[i] = 0;
  s.export_mask_observed[i] = s.import_mask_observed[i] = 0;
  s.n_export_products[i] = s.n_import_products[i] = 0;
}

// ----------------------------------------------------------------------------
// Load and store
// ----------------------------------------------------------------------------
// Replicates are batched into one population: population index i is firm
// i % firms_per_replicate of replicate i / firms_per_replicate, whose draws
// carry the replicate's number within its variant in their key, so every
// variant sees the same firms and the same luck.
FIRMSIM_HD FIRMSIM_INLINE RngKey firm_key(const YearInputs& in, std::int64_t i) {
  const std::int64_t replicate = i / in.firms_per_replicate;
  return RngKey{in.seed, in.first_replicate + static_cast<std::uint32_t>(replicate % in.replicates_per_variant)};
}

// The firm's number within its replicate of the whole population: what its
// draws are keyed by.
FIRMSIM_HD FIRMSIM_INLINE std::int64_t firm_number(const YearInputs& in, std::int64_t i) {
  return in.first_firm + i % in.firms_per_replicate;
}

FIRMSIM_HD FIRMSIM_INLINE int draw_founding_year(const YearInputs& in, const RngKey& key, std::int64_t firm) {
  const float u = uniform(draw4(key, firm, kTimeless, 0, Purpose::firm_birth), draws::founding_year());
  int k = 0;
  while (k + 1 < in.n_founding_years && in.founding_cdf[k] < u) ++k;
  return in.first_founding_year + k;
}

FIRMSIM_HD FIRMSIM_INLINE int draw_industry(const YearInputs& in, const RngKey& key, std::int64_t firm) {
  const float u = uniform(draw4(key, firm, kTimeless, 0, Purpose::firm_birth), draws::industry());
  int j = 0;
  while (j + 1 < in.params.n_industries && in.industry_cdf[j] < u) ++j;
  return j;
}

FIRMSIM_HD FIRMSIM_INLINE FirmYear load(const YearInputs& in, const FirmStateView& s, std::int64_t i) {
  FirmYear f{};
  f.id = i;
  f.firm = firm_number(in, i);
  f.rng = firm_key(in, i);
  f.year = in.year;
  f.age = in.year - s.founding_year[i];
  f.industry_index = s.industry[i];
  f.industry = &in.industries[f.industry_index];
  f.shock = s.efficiency_shock[i];
  f.belief = s.belief_mean[i];
  f.precision = s.belief_precision[i];
  f.gain = s.import_gain[i];
  f.fte = s.fte[i];
  f.cash = s.cash[i];
  f.export_intensity = s.export_intensity[i];
  f.strategy = s.strategy[i];
  f.export_start_year = s.export_start_year[i];
  f.exporting = s.export_mask[i];
  f.importing = s.import_mask[i];
  f.ever_exported = s.ever_exported_mask[i];
  f.ever_imported = s.ever_imported_mask[i];
  count_region_experience(in, f);
  return f;
}

FIRMSIM_HD FIRMSIM_INLINE void store(const FirmStateView& s, const FirmYear& f) {
  const std::int64_t i = f.id;
  s.efficiency_shock[i] = f.shock;
  s.belief_mean[i] = f.belief;
  s.belief_precision[i] = f.precision;
  s.import_gain[i] = f.gain;
  s.fte[i] = f.fte;
  s.cash[i] = f.cash;
  s.export_intensity[i] = f.export_intensity;
  s.strategy[i] = f.strategy;
  s.export_start_year[i] = f.export_start_year;
  s.export_mask[i] = f.exporting;
  s.import_mask[i] = f.importing;
  s.ever_exported_mask[i] = f.ever_exported;
  s.ever_imported_mask[i] = f.ever_imported;
  s.support[i] = f.support;
}

// Assigns a slot its founding year and industry and clears its state; the
// firm itself is born when the simulation reaches its founding year.
FIRMSIM_HD FIRMSIM_INLINE void initialize_slot(const YearInputs& in, const FirmStateView& s, std::int64_t i) {
  const std::int64_t firm = firm_number(in, i);
  s.status[i] = static_cast<std::uint8_t>(FirmStatus::unborn);
  const RngKey key = firm_key(in, i);
  s.industry[i] = static_cast<std::uint8_t>(draw_industry(in, key, firm));
  s.founding_year[i] = static_cast<std::int16_t>(draw_founding_year(in, key, firm));
  s.exit_year[i] = 0;
  s.exported_1993_1997[i] = 0;
  s.strategy[i] = 0;
  s.export_start_year[i] = 0;
  s.export_mask[i] = s.import_mask[i] = s.ever_exported_mask[i] = s.ever_imported_mask[i] = 0;
  s.support[i] = 0;
  s.policy_targeted[i] = 0;
  if (s.dense())
    clear_market_row(in, s, i);
  else
    s.market_row[i] = kNoMarketRow;  // a row when it first trades
  record_death(s, i, in.params.n_markets);
}

// ----------------------------------------------------------------------------
// The year, in the order of docs/model.md, section 2.
// ----------------------------------------------------------------------------
FIRMSIM_HD FIRMSIM_INLINE void step_firm_year(const YearInputs& in, const FirmStateView& s, std::int64_t i) {
  const auto status = static_cast<FirmStatus>(s.status[i]);
  if (status == FirmStatus::dead) return;
  if (status == FirmStatus::unborn && s.founding_year[i] != in.year) return;

  // Nothing is written to the state before the firm knows it has the market
  // row it needs (after step 10): a firm that finds the pool full runs this
  // year again, from the same state, once the engine has grown the pool.
  FirmYear f = load(in, s, i);
  const bool newborn = status == FirmStatus::unborn;
  if (newborn) {
    draw_traits(in, f);
    birth(in, f);  // 1. births
  } else {
    recall_traits(s, f);
  }
  f.policy = support_for(in, f);
  gather_peers(in, s, f);  // last year's peers (interactions)
  const FirmDraws d = draw_firm_year(in, f);
  update_efficiency(in, d, f);           // 2. efficiency
  learn_efficiency(in, d, f);            // 3. passive learning
  domestic_activity(in, d, f, newborn);  // 4. domestic activity
  if (!newborn && dies(in, d, f)) {      // 5. death
    s.policy_targeted[i] = f.policy.targeted;
    s.status[i] = static_cast<std::uint8_t>(FirmStatus::dead);
    s.exit_year[i] = static_cast<std::int16_t>(in.year);
    f.exporting = f.importing = 0;
    store(s, f);
    record_death(s, i, in.params.n_markets);
    return;
  }
  // Running costs are paid for the firms that carry on this year; a dead
  // firm's support stays 0, so the engine's yearly sum never counts it again.
  f.support = f.policy.fee;
  export_start_and_entry(in, s, f, d.strategy_taste);  // 6-7. start, strategy, entry
  if (f.row_missing) return;                           // (the firm had no row: nothing written)
  export_sales_and_learning(in, s, f);                 // 8. sales and market learning
  export_exit(in, s, f);                               // 9. market exit (re-entry via tenure)
  import_decisions(in, s, f);                          // 10. importing
  if (f.row_missing) return;                           // (no row before, so steps 8-9 wrote nothing)
  s.policy_targeted[i] = f.policy.targeted;
  if (newborn) {
    s.status[i] = static_cast<std::uint8_t>(FirmStatus::alive);
    keep_traits(s, f);
  }
  import_flows_and_gains(in, s, f);
  record(in, s, f);  // 11. record
  store(s, f);
}

}  // namespace firmsim
