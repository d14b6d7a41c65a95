#include "sim/config.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <set>
#include <stdexcept>
#include <type_traits>
#include <unordered_map>

#include "sim/limits.hpp"
#include "sim/yaml_reader.hpp"

namespace firmsim {

namespace fs = std::filesystem;

// ----------------------------------------------------------------------------
// The model's parameters: one table, used to load, to document (`firmsim
// params`) and to edit (the viewer's sliders).
// ----------------------------------------------------------------------------
namespace {

struct Binding {
  ParameterInfo info;
  std::function<void(ModelParams&, double)> set;
  std::function<double(const ModelParams&)> get;
  // A count or a switch: a config must give a whole number (the kernels
  // truncate or compare with whole years, so 3.7 would silently mean 3).
  bool whole = false;
};

// Parameters the kernels use as whole numbers although they are stored as
// floats (counts of markets, peers, years).
bool whole_by_meaning(const char* unit) {
  const std::string u = unit;
  return u == "switch" || u == "markets" || u == "firms" || u == "years";
}

template <class Section, class Field>
Binding bind(const char* key, Section ModelParams::*section, Field Section::*field, double lo, double hi,
             const char* unit, const char* meaning) {
  return Binding{ParameterInfo{key, lo, hi, unit, meaning},
                 [=](ModelParams& p, double v) { (p.*section).*field = static_cast<Field>(v); },
                 [=](const ModelParams& p) { return static_cast<double>((p.*section).*field); },
                 std::is_integral_v<Field> || whole_by_meaning(unit)};
}

const std::vector<Binding>& bindings() {
  using M = ModelParams;
  static const std::vector<Binding> table = {
      bind("efficiency.persistence", &M::efficiency, &EfficiencyParams::persistence, 0, 0.999, "1",
           "AR(1) coefficient of the transitory part of log efficiency"),
      bind("efficiency.shock_sd", &M::efficiency, &EfficiencyParams::shock_sd, 0, 2, "log points",
           "sd of the yearly innovation of the transitory part of log efficiency"),
      bind("learning.passive", &M::learning, &LearningParams::passive, 0, 1, "switch",
           "1 = firms learn their own efficiency from yearly signals (Jovanovic); 0 = beliefs frozen at the prior"),
      bind("learning.market", &M::learning, &LearningParams::market, 0, 1, "switch",
           "1 = firms learn their appeal in the markets they serve; 0 = market beliefs frozen"),
      bind("learning.efficiency_signal_sd", &M::learning, &LearningParams::efficiency_signal_sd, 0.0001, 10,
           "log points", "noise of the yearly signal a firm gets about its persistent efficiency"),
      bind("learning.region_correlation", &M::learning, &LearningParams::region_correlation, 0, 1, "1",
           "weight of what was learned in served markets in the beliefs about unserved markets of the same region"),
      bind("domestic.size_elasticity", &M::domestic, &DomesticParams::size_elasticity, 0, 10, "1",
           "d log target FTE / d believed log efficiency"),
      bind("domestic.adjustment_speed", &M::domestic, &DomesticParams::adjustment_speed, 0, 1, "1/year",
           "share of the gap between actual and target log FTE closed each year"),
      bind("domestic.employment_noise_sd", &M::domestic, &DomesticParams::employment_noise_sd, 0, 2, "log points",
           "sd of yearly shocks to log FTE"),
      bind("domestic.entry_fte_min", &M::domestic, &DomesticParams::entry_fte_min, 1, 1000, "FTE",
           "smallest size of an entrant"),
      bind("domestic.entry_fte_max", &M::domestic, &DomesticParams::entry_fte_max, 1, 1000, "FTE",
           "largest size of an entrant"),
      bind("domestic.max_fte", &M::domestic, &DomesticParams::max_fte, 1, 1e6, "FTE", "cap on a firm's size"),
      bind("domestic.export_size_elasticity", &M::domestic, &DomesticParams::export_size_elasticity, 0, 10, "1",
           "d log target FTE / d log(1 + exports / domestic turnover)"),
      bind("domestic.capital_share", &M::domestic, &DomesticParams::capital_share, 0, 1, "1",
           "cost share of capital used to measure TFP (seed 000 footnote 7)"),
      bind("domestic.capital_efficiency_elasticity", &M::domestic, &DomesticParams::capital_efficiency_elasticity, 0,
           10, "1", "d log capital per FTE / d log efficiency"),
      bind("domestic.capital_dispersion", &M::domestic, &DomesticParams::capital_dispersion, 0, 5, "log points",
           "sd of firm-specific log capital intensity"),
      bind("domestic.intangibles_per_fte", &M::domestic, &DomesticParams::intangibles_per_fte, 0, 1e7, "EUR/FTE",
           "intangible assets per FTE of a reporting firm at mean efficiency"),
      bind("domestic.rnd_per_fte", &M::domestic, &DomesticParams::rnd_per_fte, 0, 1e7, "EUR/FTE",
           "R&D spending per FTE of a reporting firm at mean efficiency"),
      bind("domestic.trader_asset_boost", &M::domestic, &DomesticParams::trader_asset_boost, 0, 100, "1",
           "multiplier on the chance that a trader reports R&D or intangible assets"),
      bind("domestic.operating_margin", &M::domestic, &DomesticParams::operating_margin, -1, 1, "1",
           "cash flow from domestic activity as a share of value added"),
      bind("domestic.start_cash", &M::domestic, &DomesticParams::start_cash, 0, 1e7, "EUR/FTE",
           "cash of an entrant per FTE"),
      bind("domestic.size_tail_exponent", &M::domestic, &DomesticParams::size_tail_exponent, 0, 100, "1",
           "Pareto exponent of a persistent scale of firms' target size (Zipf tail; 0 = none)"),
      bind("death.age_decay", &M::death, &DeathParams::age_decay, 0, 5, "1/year",
           "exogenous hazard falls as exp(-age_decay * age)"),
      bind("death.size_elasticity", &M::death, &DeathParams::size_elasticity, 0, 5, "1",
           "exogenous hazard scales as (FTE/10)^-size_elasticity"),
      bind("death.max_hazard", &M::death, &DeathParams::max_hazard, 0, 1, "1/year", "cap on the exogenous hazard"),
      bind("death.cash_constraint", &M::death, &DeathParams::cash_constraint, 0, 1, "switch",
           "1 = a firm dies when its cash falls below minus its credit line; 0 = no cash constraint"),
      bind("death.credit_line_per_fte", &M::death, &DeathParams::credit_line_per_fte, 0, 1e7, "EUR/FTE",
           "borrowing a firm can draw before the cash constraint binds"),
      bind("exports.scale", &M::exports, &ExportParams::scale, 0, 1e10, "EUR",
           "yearly exports to a size-1 market at 1000 km for a firm of mean efficiency and zero appeal"),
      bind("exports.productivity_elasticity", &M::exports, &ExportParams::productivity_elasticity, 0, 20, "1",
           "d log export sales / d log efficiency"),
      bind("exports.size_elasticity", &M::exports, &ExportParams::size_elasticity, 0, 3, "1",
           "d log export sales / d log FTE: a firm's capacity to serve foreign demand (10 FTE = 1)"),
      bind("exports.distance_elasticity", &M::exports, &ExportParams::distance_elasticity, 0, 5, "1",
           "d log export sales / d log distance (gravity)"),
      bind("exports.sales_noise_sd", &M::exports, &ExportParams::sales_noise_sd, 0, 5, "log points",
           "sd of transitory log sales shocks in a market; also the noise of the appeal signal"),
      bind("exports.appeal_region_sd", &M::exports, &ExportParams::appeal_region_sd, 0, 5, "log points",
           "sd of a firm's appeal common to all markets of a region"),
      bind("exports.appeal_market_sd", &M::exports, &ExportParams::appeal_market_sd, 0, 5, "log points",
           "sd of a firm's idiosyncratic appeal in one market"),
      bind("exports.margin", &M::exports, &ExportParams::margin, 0, 1, "1", "operating profit / export sales"),
      bind("exports.first_year_fraction", &M::exports, &ExportParams::first_year_fraction, 0, 1, "1",
           "share of a full year's sales booked in the year of entry"),
      bind("exports.sunk_cost", &M::exports, &ExportParams::sunk_cost, 0, 1e9, "EUR",
           "base sunk cost of entering one export market"),
      bind("exports.fixed_cost", &M::exports, &ExportParams::fixed_cost, 0, 1e9, "EUR/year",
           "base yearly fixed cost of serving one export market"),
      bind("exports.psychic_cost", &M::exports, &ExportParams::psychic_cost, 0, 100, "1",
           "sunk and fixed costs scale with (1 + psychic_cost * psychic distance)"),
      bind("exports.discount", &M::exports, &ExportParams::discount, 0, 0.999, "1", "yearly discount factor"),
      bind("exports.relationship_hazard", &M::exports, &ExportParams::relationship_hazard, 0, 1, "1/year",
           "yearly probability that an export relationship breaks for reasons outside the model"),
      bind("exports.related_experience_discount", &M::exports, &ExportParams::related_experience_discount, 0, 1, "1",
           "share of the sunk cost saved with past exports to the same region"),
      bind("exports.import_sunk_factor", &M::exports, &ExportParams::import_sunk_factor, 0, 10, "1",
           "sunk cost multiplier for a market the firm already imports from"),
      bind("exports.reentry_factor", &M::exports, &ExportParams::reentry_factor, 0, 10, "1",
           "sunk cost multiplier for re-entering a market left recently (Roberts and Tybout)"),
      bind("exports.reentry_years", &M::exports, &ExportParams::reentry_years, 0, 100, "years",
           "how long after leaving the re-entry factor applies"),
      bind("exports.orientation_sunk", &M::exports, &ExportParams::orientation_sunk, 0, 10, "1/sd",
           "sunk costs fall by exp(-orientation_sunk * orientation)"),
      bind("exports.awareness_base", &M::exports, &ExportParams::awareness_base, 0, 1, "1/year",
           "yearly probability of noticing a market at zero psychic distance (information frictions)"),
      bind("exports.awareness_distance", &M::exports, &ExportParams::awareness_distance, 0, 50, "1",
           "awareness falls as exp(-awareness_distance * psychic distance)"),
      bind("exports.import_awareness_multiplier", &M::exports, &ExportParams::import_awareness_multiplier, 0, 100, "1",
           "importing from a market multiplies the yearly chance of noticing it as an export market"),
      bind("exports.related_awareness_multiplier", &M::exports, &ExportParams::related_awareness_multiplier, 0, 100,
           "1", "past exports to a market's region multiply the chance of noticing it"),
      bind("exports.hysteresis_band", &M::exports, &ExportParams::hysteresis_band, 0, 10, "1",
           "a firm stays in a market while expected yearly profit > -band * sunk cost"),
      bind("exports.sprinkler_commitment", &M::exports, &ExportParams::sprinkler_commitment, 0, 100, "1",
           "added to sprinkler firms' continuation band, in units of sunk cost"),
      bind("exports.hysteresis", &M::exports, &ExportParams::hysteresis, 0, 1, "switch",
           "1 = sunk costs create a continuation band; 0 = leave as soon as expected profit < 0"),
      bind("exports.product_scope_mean", &M::exports, &ExportParams::product_scope_mean, 1, 100, "products",
           "mean product scale of an exporter (products = scope * (1 + log markets))"),
      bind("exports.appeal_firm_sd", &M::exports, &ExportParams::appeal_firm_sd, 0, 5, "log points",
           "sd of a firm's appeal common to all its export markets (its venture's), learned from all of them"),
      bind("exports.venture_fixed_cost", &M::exports, &ExportParams::venture_fixed_cost, 0, 1e9, "EUR/year",
           "yearly cost of exporting at all (an export department), paid while the firm serves any market"),
      bind("exports.entrant_sales_share", &M::exports, &ExportParams::entrant_sales_share, 0.01, 1, "1",
           "share of a market's full sales a firm reaches in its first year there (1: new exporters do not start small)"),
      bind("exports.penetration_persistence", &M::exports, &ExportParams::penetration_persistence, 0, 0.99, "1",
           "share of the gap to full sales left after each further year in a market"),
      bind("strategy.mode", &M::strategy, &StrategyParams::mode, 0, 2, "switch",
           "0 = firms choose sprinkler or waterfall; 1 = waterfall only; 2 = sprinkler only"),
      bind("strategy.taste_scale", &M::strategy, &StrategyParams::taste_scale, 0, 100, "utils",
           "scale of the logistic taste shock in the strategy choice"),
      bind("strategy.constant", &M::strategy, &StrategyParams::constant, -100, 100, "utils",
           "baseline utility of sprinkler over waterfall"),
      bind("strategy.globalized", &M::strategy, &StrategyParams::globalized, -100, 100, "utils",
           "utility of sprinkler in a globalized industry"),
      bind("strategy.high_tech", &M::strategy, &StrategyParams::high_tech, -100, 100, "utils",
           "utility of sprinkler in a high or medium-high tech industry"),
      bind("strategy.life_cycle", &M::strategy, &StrategyParams::life_cycle, -100, 100, "utils/10 years",
           "disutility of sprinkler per 10 years of product life cycle (Kalish et al.: long cycles favour waterfall)"),
      bind("strategy.market_size", &M::strategy, &StrategyParams::market_size, -100, 100, "utils/log size",
           "utility of sprinkler per log of the candidate markets' mean size"),
      bind("strategy.market_growth", &M::strategy, &StrategyParams::market_growth, -100, 100, "utils/point",
           "utility of sprinkler per percentage point of candidate markets' growth"),
      bind("strategy.innovativeness", &M::strategy, &StrategyParams::innovativeness, -100, 100, "utils",
           "utility of sprinkler per unit of candidate markets' innovativeness"),
      bind("strategy.competition", &M::strategy, &StrategyParams::competition, -100, 100, "utils",
           "utility of sprinkler per unit of competition (pre-emption)"),
      bind("strategy.cooperation", &M::strategy, &StrategyParams::cooperation, -100, 100, "utils",
           "disutility of sprinkler per unit of co-operation among competitors"),
      bind("strategy.competitor_cooperation", &M::strategy, &StrategyParams::competitor_cooperation, 0, 1, "1",
           "how co-operative competitors are in the world"),
      bind("strategy.fixed_entry_cost", &M::strategy, &StrategyParams::fixed_entry_cost, -100, 100, "utils",
           "disutility of sprinkler per unit of the industry's sunk cost scale"),
      bind("strategy.orientation", &M::strategy, &StrategyParams::orientation, -100, 100, "utils/sd",
           "utility of sprinkler per sd of international orientation (Knight and Cavusgil)"),
      bind("strategy.cash", &M::strategy, &StrategyParams::cash, -100, 100, "utils/log",
           "utility of sprinkler per log of spendable cash over the sunk costs of a global entry (risk)"),
      bind("strategy.scale_gain", &M::strategy, &StrategyParams::scale_gain, 0, 10, "1",
           "extra expected profit share a sprinkler firm gets from each market (scale, pre-emption)"),
      bind("strategy.max_markets", &M::strategy, &StrategyParams::max_markets, 1, 64, "markets",
           "most markets a sprinkler firm enters in one year"),
      bind("strategy.launch_sunk_share", &M::strategy, &StrategyParams::launch_sunk_share, 0.01, 1, "1",
           "share of its sunk cost a sprinkler firm pays for each market after the first of one launch "
           "(economies of scale in entry, Kalish et al.; 1 = none)"),
      bind("strategy.orientation_sd", &M::strategy, &StrategyParams::orientation_sd, 0, 10, "1",
           "sd of international orientation across firms"),
      bind("imports.scale", &M::imports, &ImportParams::scale, 0, 1e9, "EUR",
           "yearly imports from a supply-1 market per FTE^size_elasticity at mean efficiency"),
      bind("imports.size_elasticity", &M::imports, &ImportParams::size_elasticity, 0, 3, "1",
           "d log imports / d log FTE"),
      bind("imports.noise_sd", &M::imports, &ImportParams::noise_sd, 0, 5, "log points",
           "sd of transitory log import shocks"),
      bind("imports.appeal_sd", &M::imports, &ImportParams::appeal_sd, 0, 5, "log points",
           "sd of supplier quality across firm-market pairs"),
      bind("imports.firm_propensity_sd", &M::imports, &ImportParams::firm_propensity_sd, 0, 5, "log points",
           "sd across firms of a persistent log propensity to source abroad (mean 1)"),
      bind("imports.margin", &M::imports, &ImportParams::margin, 0, 1, "1", "cost saving / import value"),
      bind("imports.sunk_cost", &M::imports, &ImportParams::sunk_cost, 0, 1e9, "EUR",
           "base sunk cost of starting to source from a market"),
      bind("imports.fixed_cost", &M::imports, &ImportParams::fixed_cost, 0, 1e9, "EUR/year",
           "base yearly fixed cost of sourcing from a market"),
      bind("imports.relationship_hazard", &M::imports, &ImportParams::relationship_hazard, 0, 1, "1/year",
           "yearly probability that a sourcing relationship breaks"),
      bind("imports.export_sunk_factor", &M::imports, &ImportParams::export_sunk_factor, 0, 10, "1",
           "import sunk cost multiplier for a market the firm already exports to"),
      bind("imports.export_awareness_multiplier", &M::imports, &ImportParams::export_awareness_multiplier, 0, 100, "1",
           "exporting to a market multiplies the yearly chance of noticing it as a source"),
      bind("imports.productivity_gain", &M::imports, &ImportParams::productivity_gain, 0, 2, "log points",
           "log-efficiency gain an importer converges to"),
      bind("imports.two_way_gain", &M::imports, &ImportParams::two_way_gain, 0, 2, "log points",
           "extra log-efficiency gain of a two-way trader"),
      bind("imports.learning_rate", &M::imports, &ImportParams::learning_rate, 0, 1, "1/year",
           "share of the gap to the import gain closed each year"),
      bind("imports.decay", &M::imports, &ImportParams::decay, 0, 1, "1/year",
           "share of the import gain kept each year after a firm stops importing"),
      bind("interactions.market_information", &M::interactions, &InteractionParams::market_information, 0, 1, "switch",
           "1 = markets that a firm's peers served last year are easier to notice and shape its prior"),
      bind("interactions.mentoring", &M::interactions, &InteractionParams::mentoring, 0, 1, "switch",
           "1 = an experienced exporter peer cuts a novice's sunk cost of entering the markets it serves"),
      bind("interactions.crowding", &M::interactions, &InteractionParams::crowding, 0, 1, "switch",
           "1 = a market's export sales move with the share of the firm's industry that served it last year"),
      bind("interactions.peers", &M::interactions, &InteractionParams::peers, 0, 8, "firms",
           "peers per firm, drawn once (the same in every variant of a population)"),
      bind("interactions.same_industry_share", &M::interactions, &InteractionParams::same_industry_share, 0, 1, "1",
           "probability that a peer is of the firm's own industry (the rest: any firm)"),
      bind("interactions.program_peers", &M::interactions, &InteractionParams::program_peers, 0, 8, "firms",
           "extra same-industry peers that a cluster or mentoring program opens for the firms it targets"),
      bind("interactions.peer_awareness", &M::interactions, &InteractionParams::peer_awareness, 0, 100, "1/peer",
           "each peer that served a market last year multiplies the yearly chance of noticing it by (1 + this)"),
      bind("interactions.peer_prior_weight", &M::interactions, &InteractionParams::peer_prior_weight, 0, 10, "1/peer",
           "yearly weight w of serving peers' beliefs in the prior about a never-served market: w k / (1 + w k) "
           "for k peers"),
      bind("interactions.mentor_discount", &M::interactions, &InteractionParams::mentor_discount, 0, 1, "1",
           "share of the sunk cost of entering a market cut for a novice when an experienced exporter peer serves it"),
      bind("interactions.mentor_experience", &M::interactions, &InteractionParams::mentor_experience, 0, 100, "years",
           "years since its first export that make a peer a mentor"),
      bind("interactions.crowding_elasticity", &M::interactions, &InteractionParams::crowding_elasticity, -10, 10,
           "log points",
           "export sales in a market fall by this times the share of the firm's industry that served it "
           "last year (negative: they rise)"),
  };
  return table;
}

const Binding& binding(const std::string& key) {
  for (const Binding& b : bindings())
    if (b.info.key == key) return b;
  throw std::out_of_range("unknown model parameter '" + key + "'");
}

// ----------------------------------------------------------------------------
// Merging: includes and overlays, remembering which file each key came from
// ----------------------------------------------------------------------------
using Origins = std::map<std::string, std::string>;

void record_origins(const YAML::Node& node, const std::string& path, const std::string& file, Origins& origins) {
  origins[path] = file;
  if (node.IsMap())
    for (const auto& kv : node)
      record_origins(kv.second, path.empty() ? kv.first.Scalar() : path + "." + kv.first.Scalar(), file, origins);
}

// `base` with `overlay` on top: maps merge key by key; anything else
// (scalars, lists) is replaced whole. Linear in the two maps' sizes: the
// overlay's keys are hashed once, because yaml-cpp's own lookup is a linear
// scan (10^5 keys took minutes). Every document was bounded by the reader's
// node budget, so the recursion and record_origins stay bounded too.
YAML::Node merged(const YAML::Node& base, const YAML::Node& overlay, const std::string& path, const std::string& file,
                  Origins& origins) {
  std::unordered_map<std::string, std::pair<YAML::Node, YAML::Node>> on_top;  // key -> (key node, value)
  for (const auto& kv : overlay) on_top.emplace(kv.first.Scalar(), std::make_pair(kv.first, kv.second));
  YAML::Node out(YAML::NodeType::Map);
  // The overlay's own key nodes are inserted, so that error lines point into
  // the file the key came from.
  const auto take_overlay = [&](const YAML::Node& key, const YAML::Node& value, const std::string& child) {
    out.force_insert(key, value);
    record_origins(value, child, file, origins);
  };
  std::unordered_map<std::string, bool> used;
  for (const auto& kv : base) {
    const std::string& key = kv.first.Scalar();
    const auto o = on_top.find(key);
    if (o == on_top.end()) {
      out.force_insert(kv.first, kv.second);
      continue;
    }
    used[key] = true;
    const std::string child = path.empty() ? key : path + "." + key;
    if (kv.second.IsMap() && o->second.second.IsMap())
      out.force_insert(kv.first, merged(kv.second, o->second.second, child, file, origins));
    else
      take_overlay(o->second.first, o->second.second, child);
  }
  for (const auto& kv : overlay) {
    const std::string& key = kv.first.Scalar();
    if (!used.count(key)) take_overlay(kv.first, kv.second, path.empty() ? key : path + "." + key);
  }
  return out;
}

YAML::Node load_yaml(const std::string& file) { return YamlReader::load_file(file).node(); }

// Which files are being read: a file may not include itself (directly or
// through others), and a config may not pull in more than kMaxIncludedFiles
// files in all (a diamond of includes can otherwise multiply them).
struct IncludeState {
  std::vector<fs::path> chain;
  int files = 0;
  static constexpr int kMaxIncludedFiles = 64;
};

// A file with its includes resolved: included files first, the file's own
// keys on top.
YAML::Node load_with_includes(const std::string& file, Origins& origins, IncludeState& state) {
  std::error_code ec;
  const fs::path canonical = fs::weakly_canonical(file, ec);
  for (const fs::path& open : state.chain)
    if (open == canonical) throw InputError(file, 0, "include", "the file includes itself (an include cycle)");
  if (++state.files > IncludeState::kMaxIncludedFiles)
    throw InputError(file, 0, "include",
                     "more than " + std::to_string(IncludeState::kMaxIncludedFiles) + " files included in all");
  YAML::Node own = load_yaml(file);
  if (!own.IsMap()) throw InputError(file, 1, "", "expected a mapping at the top level");
  state.chain.push_back(canonical);
  YAML::Node combined(YAML::NodeType::Map);
  const YAML::Node& lookup = own;  // a const lookup adds no placeholder key
  if (lookup["include"].IsDefined()) {
    const YAML::Node list = lookup["include"];
    if (!list.IsSequence()) throw InputError(file, list.Mark().line + 1, "include", "expected a list of file names");
    for (const auto& item : list) {
      if (!item.IsScalar()) throw InputError(file, item.Mark().line + 1, "include", "expected a file name");
      const fs::path included = fs::path(file).parent_path() / item.Scalar();
      // With an error code: a symlink loop (ELOOP) is the user's input, not
      // an internal error; the included file's own load names the cause.
      std::error_code exists_ec;
      const bool found = fs::exists(included, exists_ec);
      if (exists_ec && exists_ec != std::errc::no_such_file_or_directory)
        throw InputError(file, item.Mark().line + 1, "include",
                         "cannot read included file " + included.string() + ": " +
                             (exists_ec == std::errc::too_many_symbolic_link_levels ? "a loop of symbolic links"
                                                                                   : exists_ec.message()));
      if (!found)
        throw InputError(file, item.Mark().line + 1, "include", "included file not found: " + included.string());
      combined =
          merged(combined, load_with_includes(included.string(), origins, state), "", included.string(), origins);
    }
  }
  state.chain.pop_back();
  YAML::Node rest(YAML::NodeType::Map);
  for (const auto& kv : own)
    if (kv.first.Scalar() != "include") rest.force_insert(kv.first, kv.second);
  return merged(combined, rest, "", file, origins);
}

// FNV-1a, 64 bits, as 16 hex digits: tells configs apart, not a secret.
std::string text_fingerprint(const std::string& text) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char ch : text) {
    h ^= ch;
    h *= 1099511628211ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

// ----------------------------------------------------------------------------
// Reading the sections
// ----------------------------------------------------------------------------
void read_run(const YamlReader& r, RunOptions& run) {
  using namespace limits;
  run.seed = static_cast<std::uint64_t>(r.integer_in("seed", 0, kMaxSeed));
  run.replicates = static_cast<int>(r.integer_in("replicates", 1, kMaxReplicates));
  run.firms = r.integer_in("firms", 1, kMaxFirms);
  run.burn_in_start = static_cast<int>(r.integer_in("burn_in_start", kMinYear, kMaxYear));
  run.first_year = static_cast<int>(r.integer_in("first_year", kMinYear, kMaxYear));
  run.last_year = static_cast<int>(r.integer_in("last_year", kMinYear, kMaxYear));
  run.batch = r.integer_in("batch", 1, kMaxBatch, 1L << 20);
  run.birth_growth = r.number_in("birth_growth", -0.5, 0.5, 0.0);
  if (run.first_year < run.burn_in_start) r.fail("first_year", "must not be before run.burn_in_start");
  if (run.last_year < run.first_year) r.fail("last_year", "must not be before run.first_year");
  if (run.last_year - run.burn_in_start >= kMaxSimulatedYears)
    r.fail("burn_in_start", "runs are limited to " + std::to_string(kMaxSimulatedYears) + " years (to run.last_year)");
  r.finish();
}

void read_model(const YamlReader& model, ModelParams& p) {
  for (const Binding& b : bindings()) {
    const auto dot = b.info.key.find('.');
    const YamlReader section = model.child(b.info.key.substr(0, dot));
    const std::string key = b.info.key.substr(dot + 1);
    if (b.whole)
      b.set(p, static_cast<double>(section.integer_in(key, static_cast<long>(b.info.lo), static_cast<long>(b.info.hi))));
    else
      b.set(p, section.number_in(key, b.info.lo, b.info.hi));
  }
  for (const std::string& section : model.keys()) model.child(section).finish();
  model.finish();
  const YamlReader domestic = model.child("domestic");
  if (p.domestic.entry_fte_max < p.domestic.entry_fte_min)
    domestic.fail("entry_fte_max", "must be at least model.domestic.entry_fte_min");
  if (p.domestic.max_fte < p.domestic.entry_fte_max)
    domestic.fail("max_fte", "is below model.domestic.entry_fte_max: the largest entrant would exceed the size cap");
}

// A year's Intrastat threshold must be one number: periods may not overlap.
void check_threshold_periods(const YamlReader& list, const std::vector<ThresholdPeriod>& periods) {
  const std::vector<YamlReader> items = list.items();
  for (std::size_t k = 0; k < periods.size(); ++k)
    for (std::size_t j = 0; j < k; ++j)
      if (periods[k].from <= periods[j].to && periods[j].from <= periods[k].to)
        items[k].fail("from", "years " + std::to_string(periods[k].from) + "-" + std::to_string(periods[k].to) +
                                  " overlap " + items[j].path() + " (" + std::to_string(periods[j].from) + "-" +
                                  std::to_string(periods[j].to) + ")");
}

void read_measurement(const YamlReader& r, MeasurementSpec& m) {
  using limits::kMaxYear;
  using limits::kMinYear;
  m.intrastat.clear();
  for (const YamlReader& item : r.child("intrastat_thresholds").items()) {
    ThresholdPeriod p;
    p.from = static_cast<int>(item.integer_in("from", kMinYear, kMaxYear));
    p.to = static_cast<int>(item.integer_in("to", kMinYear, kMaxYear));
    p.eur = item.number_in("eur", 0, 1e12);
    if (p.to < p.from) item.fail("to", "must not be before " + item.path() + ".from");
    item.finish();
    m.intrastat.push_back(p);
  }
  check_threshold_periods(r.child("intrastat_thresholds"), m.intrastat);
  m.extrastat_threshold = r.number_in("extrastat_threshold", 0, 1e12);
  m.dummy_first_year = static_cast<int>(r.integer_in("export_dummy_first_year", kMinYear, kMaxYear));
  m.dummy_last_year = static_cast<int>(r.integer_in("export_dummy_last_year", kMinYear, kMaxYear));
  if (m.dummy_last_year < m.dummy_first_year)
    r.fail("export_dummy_last_year", "is before measurement.export_dummy_first_year");
  m.sample_first_year = static_cast<int>(r.integer_in("sample_first_year", kMinYear, kMaxYear, m.sample_first_year));
  m.sample_last_year = static_cast<int>(r.integer_in("sample_last_year", kMinYear, kMaxYear, m.sample_last_year));
  if (m.sample_last_year < m.sample_first_year) r.fail("sample_last_year", "is before measurement.sample_first_year");
  r.finish();
}

void read_typology(const YamlReader& r, TypologySpec& t) {
  t.early_years = static_cast<int>(r.integer_in("early_years", 0, 100));
  t.min_countries = static_cast<int>(r.integer_in("min_countries", 1, 64));
  r.finish();
}

int region_index(const YamlReader& r, const std::string& key, const std::vector<std::string>& regions) {
  const std::string name = r.text(key);
  for (std::size_t k = 0; k < regions.size(); ++k)
    if (regions[k] == name) return static_cast<int>(k);
  r.fail(key, "unknown region '" + name + "' (not in `regions:`)");
}

void read_markets(const YamlReader& list, const std::vector<std::string>& regions, std::vector<MarketSpec>& out) {
  out.clear();
  std::unordered_map<std::string, std::string> seen;  // iso -> path of its first definition
  for (const YamlReader& r : list.items()) {
    MarketSpec m;
    m.meta.iso = r.text("iso");
    const auto [first, fresh] = seen.emplace(m.meta.iso, r.path());
    if (!fresh) r.fail("iso", "duplicate market '" + m.meta.iso + "' (also " + first->second + ".iso)");
    m.meta.name = r.text("name");
    m.params.region = static_cast<std::uint8_t>(region_index(r, "region", regions));
    m.meta.region = regions[m.params.region];
    m.meta.eu_join_year = static_cast<int>(r.integer_in("eu_join_year", 0, 2100));
    m.params.eu_join_year = static_cast<std::int16_t>(m.meta.eu_join_year);
    m.meta.longitude = r.number_in("longitude", -180, 180);
    m.meta.latitude = r.number_in("latitude", -90, 90);
    m.distance_km = r.number_in("distance_km", 1, 25000);
    m.params.log_distance = static_cast<float>(std::log(m.distance_km / 1000.0));
    m.params.psychic_distance = static_cast<float>(r.number_in("psychic_distance", 0, 1));
    m.params.size = static_cast<float>(r.number_in("size", 0, 1e6));
    m.params.growth = static_cast<float>(r.number_in("growth", -0.5, 0.5));
    m.params.competition = static_cast<float>(r.number_in("competition", 0, 1));
    m.params.innovativeness = static_cast<float>(r.number_in("innovativeness", 0, 1));
    m.params.import_supply = static_cast<float>(r.number_in("import_supply", 0, 1e6));
    r.finish();
    out.push_back(m);
  }
  if (out.empty() || out.size() > static_cast<std::size_t>(kMaxMarkets))
    list.fail_here("the world needs between 1 and " + std::to_string(kMaxMarkets) + " markets, got " +
                   std::to_string(out.size()));
}

std::uint8_t technology_code(const YamlReader& r) {
  const std::string t = r.text("technology");
  if (t == "HT-MH") return static_cast<std::uint8_t>(Technology::high_medium_high);
  if (t == "LT-ML") return static_cast<std::uint8_t>(Technology::low_medium_low);
  if (t == "other") return static_cast<std::uint8_t>(Technology::other);
  r.fail("technology", "expected HT-MH, LT-ML or other, got '" + t + "'");
}

const std::vector<std::string>& sectors() {
  static const std::vector<std::string> s = {"agriculture_mining", "manufacturing", "utilities_construction",
                                             "wholesale_retail", "other_services"};
  return s;
}

std::uint8_t sector_code(const YamlReader& r) {
  const std::string s = r.text("sector");
  for (std::size_t k = 0; k < sectors().size(); ++k)
    if (sectors()[k] == s) return static_cast<std::uint8_t>(k);
  r.fail("sector", "unknown sector '" + s + "'");
}

void read_industries(const YamlReader& list, std::vector<IndustrySpec>& out) {
  out.clear();
  double total_share = 0;
  std::unordered_map<std::string, std::string> seen;  // name -> path of its first definition
  for (const YamlReader& r : list.items()) {
    IndustrySpec j;
    IndustryParams& p = j.params;
    j.meta.name = r.text("name");
    const auto [first, fresh] = seen.emplace(j.meta.name, r.path());
    if (!fresh) r.fail("name", "duplicate industry '" + j.meta.name + "' (also " + first->second + ".name)");
    j.meta.sector = r.text("sector");
    p.sector = sector_code(r);
    j.meta.technology = r.text("technology");
    p.technology = technology_code(r);
    j.meta.globalized = r.boolean("globalized");
    p.globalized = j.meta.globalized ? 1 : 0;
    j.share = r.number_in("share", 0, 1);
    total_share += j.share;
    p.efficiency_mean = static_cast<float>(r.number_in("efficiency_mean", -10, 10));
    p.efficiency_sd = static_cast<float>(r.number_in("efficiency_sd", 0, 5));
    p.tradability = static_cast<float>(r.number_in("tradability", 0, 100));
    p.sunk_cost_scale = static_cast<float>(r.number_in("sunk_cost_scale", 0, 100));
    p.fixed_cost_scale = static_cast<float>(r.number_in("fixed_cost_scale", 0, 100));
    p.rnd_propensity = static_cast<float>(r.number_in("rnd_propensity", 0, 1));
    p.intangibles_propensity = static_cast<float>(r.number_in("intangibles_propensity", 0, 1));
    p.product_life_cycle = static_cast<float>(r.number_in("product_life_cycle", 0, 200));
    p.import_propensity = static_cast<float>(r.number_in("import_propensity", 0, 100));
    p.base_hazard = static_cast<float>(r.number_in("base_hazard", 0, 1));
    p.exit_belief_threshold = static_cast<float>(r.number_in("exit_belief_threshold", -20, 20));
    p.va_per_fte = static_cast<float>(r.number_in("va_per_fte", 1, 1e8));
    p.turnover_to_va = static_cast<float>(r.number_in("turnover_to_va", 1, 1000));
    p.capital_per_fte = static_cast<float>(r.number_in("capital_per_fte", 0, 1e9));
    p.base_fte = static_cast<float>(r.number_in("base_fte", 1, 1e5));
    r.finish();
    out.push_back(j);
  }
  if (out.empty() || out.size() > static_cast<std::size_t>(kMaxIndustries))
    list.fail_here("the world needs between 1 and 64 industries");
  if (std::fabs(total_share - 1.0) > 1e-3)
    list.fail_here("industry shares must sum to 1, they sum to " + std::to_string(total_share));
}

// Markets named by ISO code, by region name, or "all".
MarketMask read_market_set(const YamlReader& r, const std::string& key, const Config& c) {
  if (r.texts(key).empty()) r.fail(key, "names no market: the entry would do nothing (leave the key out for all)");
  MarketMask mask = 0;
  for (const std::string& name : r.texts(key)) {
    bool found = false;
    for (std::size_t m = 0; m < c.markets.size(); ++m) {
      if (name == "all" || c.markets[m].meta.iso == name || c.markets[m].meta.region == name) {
        mask |= market_bit(static_cast<int>(m));
        found = true;
      }
    }
    if (!found) r.fail(key, "no market or region called '" + name + "'");
  }
  return mask;
}

std::uint64_t read_industry_set(const YamlReader& r, const std::string& key, const Config& c) {
  if (!r.has(key)) return ~std::uint64_t{0};
  if (r.texts(key).empty()) r.fail(key, "names no industry: the entry would do nothing (leave the key out for all)");
  std::uint64_t mask = 0;
  for (const std::string& name : r.texts(key)) {
    bool found = false;
    for (std::size_t j = 0; j < c.industries.size(); ++j)
      if (name == "all" || c.industries[j].meta.name == name || c.industries[j].meta.sector == name) {
        mask |= std::uint64_t{1} << j;
        found = true;
      }
    if (!found) r.fail(key, "no industry or sector called '" + name + "'");
  }
  return mask;
}

PolicyKind policy_kind(const YamlReader& r) {
  const std::string k = r.text("kind");
  if (k == "sunk_cost_subsidy") return PolicyKind::sunk_cost_subsidy;
  if (k == "information") return PolicyKind::information;
  if (k == "diplomacy") return PolicyKind::diplomacy;
  if (k == "import_facilitation") return PolicyKind::import_facilitation;
  if (k == "credit_guarantee") return PolicyKind::credit_guarantee;
  if (k == "reentry_support") return PolicyKind::reentry_support;
  if (k == "mentoring") return PolicyKind::mentoring;
  if (k == "cluster") return PolicyKind::cluster;
  r.fail("kind", "unknown policy kind '" + k +
                     "' (sunk_cost_subsidy, information, diplomacy, import_facilitation, credit_guarantee, "
                     "reentry_support, mentoring, cluster)");
}

ExporterStatus exporter_status(const YamlReader& r) {
  const std::string status = r.text("exporter_status", "any");
  if (status == "any") return ExporterStatus::any;
  if (status == "non_exporters") return ExporterStatus::non_exporters;
  if (status == "exporters") return ExporterStatus::exporters;
  if (status == "never_exported") return ExporterStatus::never_exported;
  if (status == "former_exporters") return ExporterStatus::former_exporters;
  r.fail("exporter_status", "expected any, non_exporters, exporters, never_exported or former_exporters");
}

ProgramAssignment program_assignment(const YamlReader& r) {
  const std::string a = r.text("assignment", "random");
  if (a == "random") return ProgramAssignment::random;
  if (a == "self_selected") return ProgramAssignment::self_selected;
  r.fail("assignment", "unknown assignment '" + a + "' (random, self_selected)");
}

// take_up, assignment and selection_strength: which eligible firms take part.
void read_take_up(const YamlReader& r, PolicySpec& p) {
  p.take_up = r.number_in("take_up", 0, 1, 1);
  if (!(p.take_up > 0))
    r.fail("take_up", "must be above 0 (a share of the eligible firms in (0, 1]): no firm would take part");
  p.assignment = program_assignment(r);
  if (r.has("selection_strength") && p.assignment != ProgramAssignment::self_selected)
    r.fail("selection_strength", "applies only to assignment: self_selected");
  p.selection_strength = r.number_in("selection_strength", 0, 1, 0.7);
}

// A list of at most `limit` entries, checked before any entry is read.
void check_list_size(const YamlReader& list, int limit, const std::string& what) {
  if (!list.node().IsSequence()) list.fail_here("expected a list");
  if (list.node().size() > static_cast<std::size_t>(limit))
    list.fail_here("has " + std::to_string(list.node().size()) + " " + what + "; at most " + std::to_string(limit) +
                   " are allowed");
}

void read_policies(const YamlReader& list, Config& c) {
  c.policies.clear();
  check_list_size(list, limits::kMaxPolicyEntries, "policy programs");
  for (const YamlReader& r : list.items()) {
    PolicySpec p;
    p.name = r.text("name");
    p.kind = policy_kind(r);
    p.from = static_cast<int>(r.integer_in("from", 1800, 2100));
    p.to = static_cast<int>(r.integer_in("to", 1800, 2100));
    const double max_strength = p.kind == PolicyKind::credit_guarantee ? 1e7 : 1.0;
    p.strength = r.number_in("strength", 0, max_strength);
    p.markets = r.has("markets") ? read_market_set(r, "markets", c) : ~MarketMask{0};
    p.industries = read_industry_set(r, "industries", c);
    p.min_fte = r.number_in("min_fte", 0, 1e9, 0);
    p.max_fte = r.number_in("max_fte", 0, 1e9, 1e9);
    p.min_age = r.number_in("min_age", 0, 1000, 0);
    p.max_age = r.number_in("max_age", 0, 1000, 1000);
    p.exporter_status = static_cast<int>(exporter_status(r));
    p.cost_per_firm = r.number_in("cost_per_firm", 0, 1e9, 0);
    p.cost_per_year = r.number_in("cost_per_year", 0, 1e12, 0);
    read_take_up(r, p);
    if (p.to < p.from) r.fail("to", "must not be before " + r.path() + ".from");
    if (p.max_fte < p.min_fte) r.fail("max_fte", "is below " + r.path() + ".min_fte: no firm could qualify");
    if (p.max_age < p.min_age) r.fail("max_age", "is below " + r.path() + ".min_age: no firm could qualify");
    r.finish();
    c.policies.push_back(p);
  }
}

void read_shocks(const YamlReader& list, Config& c) {
  c.shocks.clear();
  check_list_size(list, limits::kMaxShockEntries, "demand shocks");
  for (const YamlReader& r : list.items()) {
    ShockSpec s;
    s.name = r.text("name");
    s.from = static_cast<int>(r.integer_in("from", 1800, 2100));
    s.to = static_cast<int>(r.integer_in("to", 1800, 2100));
    s.markets = read_market_set(r, "markets", c);
    s.demand_factor = r.number_in("demand_factor", 0, 1000);
    if (s.to < s.from) r.fail("to", "must not be before " + r.path() + ".from");
    r.finish();
    c.shocks.push_back(s);
  }
}

// The kernels hold at most kMaxPolicies programs in a year (diplomacy acts on
// the world's psychic distances, not on firms, and does not count). Checked
// over the policies' own years, whatever years a run simulates.
void check_policies_in_force(const YamlReader& list, const std::vector<PolicySpec>& policies) {
  const std::vector<YamlReader> items = list.items();
  for (const PolicySpec& start : policies) {
    const int year = start.from;  // the count can only rise where a policy starts
    std::vector<std::size_t> in_force;
    for (std::size_t k = 0; k < policies.size(); ++k)
      if (policies[k].kind != PolicyKind::diplomacy && policies[k].from <= year && year <= policies[k].to)
        in_force.push_back(k);
    if (in_force.size() > static_cast<std::size_t>(kMaxPolicies))
      items[in_force[kMaxPolicies]].fail(
          "from", "more than " + std::to_string(kMaxPolicies) + " policy programs in force in " + std::to_string(year) +
                      " (" + items[in_force.front()].path() + " to " + items[in_force[kMaxPolicies]].path() +
                      "); the engine holds at most " + std::to_string(kMaxPolicies) + " at once");
  }
}

void check_unique_regions(const YamlReader& root, const std::vector<std::string>& regions) {
  const std::vector<YamlReader> items = root.child("regions").items();
  for (std::size_t k = 0; k < regions.size(); ++k)
    for (std::size_t j = 0; j < k; ++j)
      if (regions[k] == regions[j])
        items[k].fail_here("duplicate region '" + regions[k] + "' (also " + items[j].path() + ")");
}

}  // namespace

void check_demand_in_range(const Config& c) {
  for (std::size_t m = 0; m < c.markets.size(); ++m) {
    const MarketSpec& spec = c.markets[m];
    for (int year = c.run.burn_in_start; year <= c.run.last_year; ++year) {
      double demand = spec.params.size * std::pow(1.0 + spec.params.growth, year - c.demand_base_year);
      for (const ShockSpec& s : c.shocks)
        if (year >= s.from && year <= s.to && ((s.markets >> m) & 1u)) demand *= s.demand_factor;
      if (demand <= limits::kMaxDemand) continue;
      // Only now the explanation: which entries multiply up (building it
      // for every market and year made a long shock list slow to load).
      std::string why = "markets[" + std::to_string(m) + "].size and .growth from demand_base_year " +
                        std::to_string(c.demand_base_year);
      std::string key = "markets[" + std::to_string(m) + "].growth";
      for (std::size_t k = 0; k < c.shocks.size(); ++k) {
        const ShockSpec& s = c.shocks[k];
        if (year < s.from || year > s.to || !((s.markets >> m) & 1u)) continue;
        key = "shocks[" + std::to_string(k) + "].demand_factor";
        why += " x " + key;
      }
      if (!(demand <= limits::kMaxDemand))
        throw InputError(c.source, 0, key,
                         "demand of market '" + spec.meta.iso + "' in " + std::to_string(year) + " would be " +
                             std::to_string(demand) + " (" + why + "), above the limit of " +
                             std::to_string(limits::kMaxDemand) + " where export values leave float range");
    }
  }
}

const std::vector<ParameterInfo>& model_parameters() {
  static const std::vector<ParameterInfo> infos = [] {
    std::vector<ParameterInfo> v;
    for (const Binding& b : bindings()) v.push_back(b.info);
    return v;
  }();
  return infos;
}

void set_model_parameter(ModelParams& model, const std::string& key, double value) {
  const Binding& b = binding(key);
  if (!(value >= b.info.lo && value <= b.info.hi))
    throw InputError("", 0, "model." + key,
                     "value " + std::to_string(value) + " is out of range [" + std::to_string(b.info.lo) + ", " +
                         std::to_string(b.info.hi) + "]");
  b.set(model, value);
}

double get_model_parameter(const ModelParams& model, const std::string& key) { return binding(key).get(model); }

namespace {

bool as_number(const YAML::Node& n, double& value) {
  const std::string& text = n.Scalar();
  char* end = nullptr;
  value = std::strtod(text.c_str(), &end);
  return !text.empty() && end == text.c_str() + text.size();
}

// Whether two YAML values say the same thing (numbers as numbers).
bool same_value(const YAML::Node& a, const YAML::Node& b) {
  if (a.Type() != b.Type()) return false;
  if (a.IsScalar()) {
    double x = 0, y = 0;
    if (as_number(a, x) && as_number(b, y)) return x == y;
    return a.Scalar() == b.Scalar();
  }
  if (a.IsSequence()) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (!same_value(a[i], b[i])) return false;
    return true;
  }
  if (a.IsMap()) {
    if (a.size() != b.size()) return false;
    for (const auto& kv : a) {
      const YAML::Node& other = b;  // const: a lookup adds no key
      const YAML::Node value = other[kv.first.Scalar()];
      if (!value.IsDefined() || !same_value(kv.second, value)) return false;
    }
    return true;
  }
  return true;  // both null
}

std::string yaml_text(const YAML::Node& n) {
  YAML::Emitter out;
  out << YAML::Flow << n;
  return out.c_str();
}

// Walks the overlay as merged() applies it: maps merge key by key, anything
// else replaces the config's value.
void collect_changes(const YAML::Node& base, const YAML::Node& overlay, const std::string& prefix,
                     std::vector<SettingChange>& out) {
  for (const auto& kv : overlay) {
    const std::string key = prefix.empty() ? kv.first.Scalar() : prefix + "." + kv.first.Scalar();
    const YAML::Node old = base.IsMap() ? base[kv.first.Scalar()] : YAML::Node();
    if (old.IsDefined() && old.IsMap() && kv.second.IsMap()) {
      collect_changes(old, kv.second, key, out);
      continue;
    }
    const bool same = old.IsDefined() && same_value(old, kv.second);
    out.push_back(
        {key, old.IsDefined() ? yaml_text(old) : "(unset)", yaml_text(kv.second), kv.second.Mark().line + 1, !same});
  }
}

}  // namespace

std::vector<SettingChange> overlay_settings(const std::string& path, const std::string& overlay) {
  Origins origins;
  IncludeState includes;
  const YAML::Node base = load_with_includes(path, origins, includes);
  const YAML::Node o = load_yaml(overlay);
  if (!o.IsMap()) throw InputError(overlay, 1, "", "expected a mapping at the top level");
  YAML::Node body(YAML::NodeType::Map);
  for (const auto& kv : o)
    if (kv.first.Scalar() != "scenario") body.force_insert(kv.first, kv.second);
  std::vector<SettingChange> changes;
  collect_changes(base, body, "", changes);
  return changes;
}

std::string scenario_name(const std::string& overlay) {
  const YAML::Node o = load_yaml(overlay);
  if (o.IsMap()) {
    const YAML::Node& lookup = o;
    const YAML::Node about = lookup["scenario"];  // a missing key is an invalid node: ask IsDefined first
    if (about.IsDefined() && about.IsMap()) {
      const YAML::Node name = about["name"];
      if (name.IsDefined() && name.IsScalar() && !name.Scalar().empty()) return name.Scalar();
    }
  }
  return fs::path(overlay).stem().string();
}

Config load_config(const std::string& path, const std::vector<std::string>& overlays) {
  auto origins = std::make_shared<Origins>();
  IncludeState includes;
  YAML::Node tree = load_with_includes(path, *origins, includes);
  for (const std::string& overlay : overlays) {
    YAML::Node o = load_yaml(overlay);
    if (!o.IsMap()) throw InputError(overlay, 1, "", "expected a mapping at the top level");
    YAML::Node body(YAML::NodeType::Map);
    for (const auto& kv : o)  // a scenario's own description is not part of the config
      if (kv.first.Scalar() != "scenario") body.force_insert(kv.first, kv.second);
    tree = merged(tree, body, "", overlay, *origins);
  }

  Config c;
  c.source = path;
  c.overlays = overlays;
  c.fingerprint = text_fingerprint(YAML::Dump(tree));
  YamlReader root(tree, path);
  root.set_origins(origins);
  read_run(root.child("run"), c.run);
  read_model(root.child("model"), c.model);
  read_measurement(root.child("measurement"), c.measurement);
  read_typology(root.child("typology"), c.typology);
  c.regions = root.texts("regions");
  if (c.regions.size() > static_cast<std::size_t>(kMaxRegions)) root.fail("regions", "at most 16 regions");
  check_unique_regions(root, c.regions);
  c.demand_base_year =
      static_cast<int>(root.integer_in("demand_base_year", limits::kMinYear, limits::kMaxYear, c.demand_base_year));
  read_markets(root.child("markets"), c.regions, c.markets);
  read_industries(root.child("industries"), c.industries);
  if (auto p = root.optional_child("policies")) {
    read_policies(*p, c);
    check_policies_in_force(*p, c.policies);
  }
  if (auto s = root.optional_child("shocks")) read_shocks(*s, c);
  root.finish();
  c.model.n_markets = static_cast<int>(c.markets.size());
  c.model.n_industries = static_cast<int>(c.industries.size());
  check_demand_in_range(c);
  return c;
}

PanelMeta panel_meta(const Config& config) {
  PanelMeta meta;
  for (const MarketSpec& m : config.markets) meta.markets.push_back(m.meta);
  for (const IndustrySpec& j : config.industries) meta.industries.push_back(j.meta);
  meta.first_year = config.run.first_year;
  meta.last_year = config.run.last_year;
  meta.replicates = config.run.replicates;
  meta.seed = config.run.seed;
  meta.dummy_first_year = config.measurement.dummy_first_year;
  meta.dummy_last_year = config.measurement.dummy_last_year;
  meta.sample_first_year = config.measurement.sample_first_year;
  meta.sample_last_year = config.measurement.sample_last_year;
  return meta;
}

}  // namespace firmsim
