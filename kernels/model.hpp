// The model's parameters as plain structs that the kernels read. They are
// filled from YAML by sim/config.cpp, where each one's unit and meaning is
// documented next to its key (configs/README.md lists them all).
#pragma once

#include <cstdint>

#include "kernels/hd.hpp"

namespace firmsim {

enum class Technology : std::uint8_t { high_medium_high = 0, low_medium_low = 1, other = 2 };
enum class StrategyMode : std::uint8_t { choice = 0, waterfall_only = 1, sprinkler_only = 2 };

struct IndustryParams {
  float efficiency_mean;         // mean log efficiency of entrants
  float efficiency_sd;           // dispersion of log efficiency across entrants
  float tradability;             // export demand scale (0 = non-tradable)
  float sunk_cost_scale;         // multiplies the base sunk cost of entering a market
  float fixed_cost_scale;        // multiplies the base yearly fixed cost of serving a market
  float rnd_propensity;          // probability a firm reports R&D
  float intangibles_propensity;  // probability a firm reports intangible assets
  float product_life_cycle;      // years; long cycles favour waterfall (Kalish et al.)
  float import_propensity;       // scale of sourcing from abroad
  float base_hazard;             // yearly exogenous death probability of a young, small firm
  float exit_belief_threshold;   // exit when believed efficiency < mean + this (log points)
  float va_per_fte;              // EUR value added per FTE at mean efficiency
  float turnover_to_va;          // turnover / value added (high in wholesale)
  float capital_per_fte;         // EUR fixed assets per FTE at mean efficiency
  float base_fte;                // mature size (FTE) at mean efficiency
  std::uint8_t globalized;       // 1 = globalized industry (seed 000 footnote 3)
  std::uint8_t technology;       // Technology
  std::uint8_t sector;           // index of the broad sector
  std::uint8_t pad;
};

struct MarketParams {
  float psychic_distance;     // [0,1] cultural and institutional distance from Belgium
  float log_distance;         // log of distance from Belgium in 1000 km
  float size;                 // demand shifter relative to the Netherlands = 1
  float growth;               // yearly demand growth (fraction)
  float competition;          // [0,1] intensity of competition
  float innovativeness;       // [0,1] how fast the market adopts new products
  float import_supply;        // attractiveness as a source of inputs
  std::int16_t eu_join_year;  // 0 = not an EU member in the window
  std::uint8_t region;        // region index
  std::uint8_t pad;
};

// What changes by year for a market (growth, trade shocks, policy).
struct MarketYear {
  float demand;            // size * growth path * demand shocks
  float psychic_distance;  // after economic diplomacy
  // Derived once a year on the host so the per-firm loops stay cheap:
  float reach;         // demand * distance^-distance_elasticity
  float cost_scale;    // 1 + psychic_cost * psychic_distance
  float awareness;     // awareness_base * exp(-awareness_distance * psychic_distance)
  std::uint8_t is_eu;  // EU member this year (reporting and sunk costs)
  std::uint8_t pad[3];
  float log_reach_per_cost;  // log(reach / cost_scale), +inf where cost_scale <= 0 (the entry screen)
};

struct EfficiencyParams {
  float persistence;  // AR(1) coefficient of the transitory efficiency component
  float shock_sd;     // sd of the AR(1) innovation
};

struct LearningParams {
  std::uint8_t passive;  // 1 = firms learn their efficiency (Jovanovic)
  std::uint8_t market;   // 1 = firms learn their appeal in served markets
  std::uint8_t pad[2];
  float efficiency_signal_sd;  // noise of the yearly signal of own efficiency
  float region_correlation;    // weight of served-market beliefs in same-region priors
};

struct DomesticParams {
  float size_elasticity;      // d log target FTE / d believed log efficiency
  float adjustment_speed;     // share of the gap to target FTE closed per year
  float employment_noise_sd;  // sd of yearly log FTE noise
  float entry_fte_min;        // entrants' FTE drawn uniformly in [min, max]
  float entry_fte_max;
  float max_fte;                 // cap on firm size
  float export_size_elasticity;  // d log target FTE / d log(1 + exports / domestic sales)
  float capital_share;           // cost share of capital in TFP measurement
  float capital_efficiency_elasticity;
  float capital_dispersion;   // sd of firm-specific log capital intensity
  float intangibles_per_fte;  // EUR intangible assets per FTE when reported
  float rnd_per_fte;          // EUR R&D per FTE when reported
  float trader_asset_boost;   // multiplies the R&D / intangibles propensity of traders
  float operating_margin;     // cash flow / value added from domestic activity
  float start_cash;           // EUR cash of an entrant per FTE
  // Pareto exponent of a persistent firm scale in target size: log target
  // FTE gets (E - 1) / this, E ~ Exponential(1), so target sizes have a Zipf
  // tail of this exponent (Axtell 2001: near 1). 0: no scale (docs/model.md 3.4).
  float size_tail_exponent;
};

struct DeathParams {
  float age_decay;        // hazard falls by this factor per year of age (exp(-a*age))
  float size_elasticity;  // hazard ~ (fte/10)^-this
  float max_hazard;
  std::uint8_t cash_constraint;  // 1 = a firm whose cash falls below -credit line dies
  std::uint8_t pad[3];
  float credit_line_per_fte;  // EUR of borrowing per FTE before the cash constraint binds
};

struct ExportParams {
  float scale;                        // EUR of exports to a size-1 market at mean efficiency, zero appeal
  float productivity_elasticity;      // d log exports / d log efficiency
  float size_elasticity;              // d log exports / d log FTE (capacity)
  float distance_elasticity;          // d log exports / d log distance
  float sales_noise_sd;               // sd of transitory log sales shocks (also the learning signal)
  float appeal_region_sd;             // sd of a firm's appeal common to a region
  float appeal_market_sd;             // sd of a firm's idiosyncratic appeal in a market
  float margin;                       // profit / export sales
  float first_year_fraction;          // share of a full year's sales in the entry year
  float sunk_cost;                    // EUR base sunk cost of entering a market
  float fixed_cost;                   // EUR base yearly fixed cost of serving a market
  float psychic_cost;                 // sunk and fixed costs rise by (1 + this * psychic distance)
  float discount;                     // yearly discount factor
  float relationship_hazard;          // yearly probability a market relationship breaks
  float related_experience_discount;  // sunk cost cut with experience in the same region
  float import_sunk_factor;           // sunk cost multiplier when already importing from the market
  float reentry_factor;               // sunk cost multiplier for re-entry within reentry_years
  float reentry_years;
  float orientation_sunk;              // sunk cost falls by exp(-this * orientation)
  float awareness_base;                // yearly probability of noticing a market at zero psychic distance
  float awareness_distance;            // awareness falls by exp(-this * psychic distance)
  float import_awareness_multiplier;   // importing from m multiplies the chance of noticing m
  float related_awareness_multiplier;  // exporting to m's region multiplies it too
  float hysteresis_band;               // stay while expected profit > -band * sunk cost
  float sprinkler_commitment;          // added to sprinkler firms' band (units of sunk cost)
  std::uint8_t hysteresis;             // 0 = leave as soon as expected profit < 0
  std::uint8_t pad[3];
  float product_scope_mean;  // mean number of products of an exporter
  // The export venture (docs/model.md, 3.8): appeal the firm has in every
  // market alike, learned from all of them, and a yearly cost of exporting at
  // all, so that a venture can fail as a whole.
  float appeal_firm_sd;      // sd of a firm's appeal common to all markets (0: none)
  float venture_fixed_cost;  // EUR/year paid while the firm exports anywhere
  // Market penetration (docs/model.md 3.9a): a new exporter reaches a share
  // of a market's buyers and grows into the rest, year by year.
  float entrant_sales_share;      // share of full sales in a market's first year served (1: no such phase)
  float penetration_persistence;  // share of the gap to full sales left after each further year served
};

struct StrategyParams {
  std::uint8_t mode;  // StrategyMode
  std::uint8_t pad[3];
  float taste_scale;             // scale of the logistic random-utility shock
  float constant;                // baseline utility of sprinkler over waterfall
  float globalized;              // + if the industry is globalized
  float high_tech;               // + if the industry is HT-MH
  float life_cycle;              // - per 10 years of product life cycle (Kalish et al.)
  float market_size;             // + per log of candidate markets' mean size
  float market_growth;           // + per point of candidate markets' mean growth
  float innovativeness;          // + per unit of candidate markets' innovativeness
  float competition;             // + per unit of competition intensity (pre-emption)
  float cooperation;             // - per unit of competitor co-operation (world level)
  float competitor_cooperation;  // [0,1] world level co-operative behaviour
  float fixed_entry_cost;        // - per unit of the industry's sunk cost scale
  float orientation;             // + per sd of international orientation
  float cash;                    // + per log of cash over the cost of a global entry
  float scale_gain;              // sprinkler's extra expected profit share (scale, pre-emption)
  float max_markets;             // cap on markets entered at once
  float launch_sunk_share;       // share of its sunk cost a sprinkler pays for each market after the first of one launch
  float orientation_sd;          // sd of international orientation across firms
};

struct ImportParams {
  float scale;  // EUR of imports per FTE from a supply-1 market
  float size_elasticity;
  float noise_sd;
  float appeal_sd;           // sd of supplier quality across firm-market pairs
  float firm_propensity_sd;  // sd of a firm's persistent log propensity to source abroad
  float margin;              // cost saving / import value
  float sunk_cost;
  float fixed_cost;
  float relationship_hazard;
  float export_sunk_factor;           // sunk cost multiplier when already exporting to m
  float export_awareness_multiplier;  // exporting to m multiplies the chance of noticing m
  float productivity_gain;            // log-efficiency gain towards which an importer converges
  float two_way_gain;                 // extra gain for a two-way trader
  float learning_rate;                // share of the gap closed per year
  float decay;                        // share of the gain kept per year after stopping
};

// Firms that interact (issue 9): a fixed set of peers per firm, drawn once,
// and three things that flow between them, each with its own switch. All of
// them read last year's state only (see kernels/README.md).
constexpr int kMaxPeerSlots = 16;

struct InteractionParams {
  std::uint8_t market_information;  // 1 = peers' markets raise awareness and shape the prior
  std::uint8_t mentoring;           // 1 = experienced exporter peers cut a novice's sunk cost
  std::uint8_t crowding;            // 1 = same-industry home exporters in a market move its sales
  std::uint8_t pad;
  float peers;                // peers per firm (population-wide: the same in every variant)
  float same_industry_share;  // probability that a peer is of the firm's own industry
  float program_peers;        // extra same-industry peer slots that cluster / mentoring programs open
  float peer_awareness;       // each peer that served m last year multiplies awareness of m by (1 + this)
  float peer_prior_weight;    // weight of one serving peer's belief in the prior about an unserved market
  float mentor_discount;      // share of the sunk cost of entering m cut when an experienced peer served m
  float mentor_experience;    // years of exporting that make a peer a mentor
  float crowding_elasticity;  // log points of export sales lost per unit share of the industry serving m
};

// A policy program in force this year (sim/ resolves years and budgets).
enum class PolicyKind : std::uint8_t {
  sunk_cost_subsidy = 0,    // strength = share of the export sunk cost paid
  information = 1,          // strength = share cut from the noise of the appeal signal (sales untouched)
  diplomacy = 2,            // strength = share cut from psychic distance (applied in MarketYear)
  import_facilitation = 3,  // strength = share of the import sunk cost paid
  credit_guarantee = 4,     // strength = extra credit line per FTE (EUR)
  reentry_support = 5,      // strength = share of the sunk cost of re-entering a market the firm left
  // Network programs (issue 9); numbered apart from the kinds above so that
  // other new kinds can be appended there without renumbering these.
  mentoring = 20,  // strength = share of the sunk cost cut in markets a program mentor serves
  cluster = 21,    // strength unused (1); the program peer slots count as peers
};

// Whom a program targets by export status (PolicyProgram::exporter_status).
enum class ExporterStatus : std::uint8_t {
  any = 0,
  non_exporters = 1,     // not exporting now (former exporters included)
  exporters = 2,         // exporting since last year at least (adding markets)
  never_exported = 3,    // first-time exporters only
  former_exporters = 4,  // exported before, not now (re-entry)
};

// Which of its eligible firms a program reaches (PolicyProgram::assignment).
enum class ProgramAssignment : std::uint8_t {
  random = 0,         // each eligible firm takes part with probability take_up, whatever it is like
  self_selected = 1,  // the eligible firms that expect to gain most ask for it
};

struct PolicyProgram {
  std::uint8_t kind;
  std::uint8_t exporter_status;  // 0 any, 1 non-exporters only, 2 exporters only
  std::uint8_t assignment = 0;   // ProgramAssignment
  std::uint8_t pad = 0;
  float strength;
  float min_fte, max_fte;
  float min_age, max_age;
  MarketMask markets;
  std::uint64_t industries;  // bit j = industry j targeted
  float cost_per_firm;       // EUR paid per targeted firm-year (advice, missions: a program's running cost)
  // Who of the eligible firms are its clients (fixed per firm: a client stays
  // a client). 1 = every eligible firm, with no draw: today's panel.
  float take_up = 1;              // share of eligible firms that take part, in (0, 1]
  float selection_strength = 0;   // self_selected: weight of the firm's traits in its demand for support
  float selection_threshold = 0;  // self_selected: Phi^-1(1 - take_up), computed once on the host
  std::uint32_t salt = 0;         // the program's own address in the participation draws (hash of its name)
};

struct ModelParams {
  EfficiencyParams efficiency;
  LearningParams learning;
  DomesticParams domestic;
  DeathParams death;
  ExportParams exports;
  StrategyParams strategy;
  ImportParams imports;
  InteractionParams interactions;
  int n_markets;
  int n_industries;
};

// How the statistics office observes trade (seed 000 appendix).
struct MeasurementParams {
  float intrastat_threshold;                       // EUR a year of intra-EU exports (or imports) before a firm reports
  float extrastat_threshold;                       // EUR per extra-EU flow
  std::int16_t dummy_first_year, dummy_last_year;  // years of the export dummy (1993-1997)
};

}  // namespace firmsim
