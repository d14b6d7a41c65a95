#include "sim/simulation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <cstring>
#include <sstream>
#include <string>

#include <unistd.h>

#include "kernels/portable_math.hpp"
#include "parallel/comm.hpp"
#include "sim/checkpoint.hpp"
#include "sim/input_error.hpp"
#include "sim/panel_fill.hpp"

namespace firmsim {

namespace {

// Founding years from burn_in_start to last_year, cohorts growing at birth_growth.
std::vector<float> founding_cdf(const RunOptions& run) {
  std::vector<double> weights;
  for (int y = run.burn_in_start; y <= run.last_year; ++y)
    weights.push_back(std::pow(1.0 + run.birth_growth, y - run.burn_in_start));
  double total = 0;
  for (double w : weights) total += w;
  std::vector<float> cdf;
  double cumulative = 0;
  for (double w : weights) {
    cumulative += w;
    cdf.push_back(static_cast<float>(cumulative / total));
  }
  cdf.back() = 1.0f;
  return cdf;
}

std::vector<float> industry_cdf(const std::vector<IndustrySpec>& industries) {
  std::vector<float> cdf;
  double cumulative = 0;
  for (const IndustrySpec& j : industries) {
    cumulative += j.share;
    cdf.push_back(static_cast<float>(cumulative));
  }
  cdf.back() = 1.0f;
  return cdf;
}

double intrastat_threshold(const MeasurementSpec& m, int year) {
  for (const ThresholdPeriod& p : m.intrastat)
    if (year >= p.from && year <= p.to) return p.eur;
  // Outside the listed periods the closest one applies.
  if (m.intrastat.empty()) return 0;
  const ThresholdPeriod* closest = &m.intrastat.front();
  for (const ThresholdPeriod& p : m.intrastat)
    if (std::abs(p.from - year) < std::abs(closest->from - year)) closest = &p;
  return closest->eur;
}

std::string gib(double bytes) {
  std::ostringstream s;
  s.precision(2);
  s << std::fixed << bytes / (1024.0 * 1024.0 * 1024.0) << " GiB";
  return s.str();
}

template <class T>
void append_all(std::vector<T>& to, const std::vector<T>& from) {
  to.insert(to.end(), from.begin(), from.end());
}

// append_all without the copy when `to` is still empty (one replicate a variant).
template <class T>
void move_all(std::vector<T>& to, std::vector<T>& from) {
  if (to.empty())
    to.swap(from);
  else
    to.insert(to.end(), from.begin(), from.end());
  std::vector<T>().swap(from);
}

// The recorded rows of replicates first..first+count-1 into p, column by
// column through `transfer` (append_all, or move_all for take_panel).
template <class FirmYears, class Flows, class Transfer>
void collect_rows(Panel& p, FirmYears& firm_years, Flows& flows, std::size_t first, std::size_t count,
                  Transfer transfer) {
  for (std::size_t r = first; r < first + count; ++r)
    firm_year_schema([&](const char*, auto member, bool, double) { transfer(p.firm_years.*member, firm_years[r].*member); });
  for (std::size_t r = first; r < first + count; ++r)
    flow_schema([&](const char*, auto member, bool, double) { transfer(p.flows.*member, flows[r].*member); });
}

}  // namespace

double estimated_device_bytes(const Config& c, int variants) {
  const double firms = static_cast<double>(c.run.firms) * c.run.replicates * variants;
  const double state = firms * static_cast<double>(Engine::bytes_per_firm(static_cast<int>(c.markets.size()),
                                                                          peer_slots(std::vector<Config>{c})));
  // A year's record is gathered through temporaries of about 100 bytes a firm.
  return state + firms * 100.0;
}

// Host bytes of the recorded panel per firm slot and recorded year. Measured:
// peak RSS of `firmsim run configs/belgium.yaml --firms N --out DIR` (13
// recorded years, omp backend, 64 markets) was 32.4 MB at N = 10,000 and
// 133.0 MB at N = 50,000, i.e. 2,574 bytes per firm slot; the engine's state
// and temporaries (estimated_device_bytes, then with a dense 64-market state
// for every firm: the pool of market rows came later) account for 1,376, which
// leaves ~1,200 bytes over 13 years: ~92 bytes per slot and recorded year
// (the firm-year and flow columns, held twice while Simulation::panel()
// copies them, and the writers' buffers). Rounded up to 100.
constexpr double kHostBytesPerFirmYear = 100;

double estimated_host_bytes(const Config& c, int variants) {
  const double firms = static_cast<double>(c.run.firms) * c.run.replicates * variants;
  const double years = std::max(0, c.run.last_year - c.run.first_year + 1);
  return firms * years * kHostBytesPerFirmYear;
}

namespace {

double host_available_bytes() {
  const long pages = sysconf(_SC_AVPHYS_PAGES);
  const long page = sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0 ? static_cast<double>(pages) * static_cast<double>(page) : 0;
}

// Throws InputError when the run cannot fit: on the CPU backend the device
// is host memory, so the engine and the panel share one budget.
void check_memory(const Config& c, int variants) {
  const bool device_is_host = std::string(Engine::backend_name()) == "omp";
  const double device = estimated_device_bytes(c, variants), host = estimated_host_bytes(c, variants);
  const double have_device = static_cast<double>(Engine::available_memory()), have_host = host_available_bytes();
  const auto fail = [&](double need, double have, const std::string& what) {
    throw InputError(c.source, 0, "run.firms",
                     "a population of " + std::to_string(c.run.firms) + " firms x " + std::to_string(c.run.replicates) +
                         " replicates x " + std::to_string(variants) + " variants needs about " + gib(need) + " of " +
                         what + " memory, but only " + gib(have) + " is available; lower --firms or --replicates");
  };
  if (device_is_host) {
    if (have_host > 0 && device + host > have_host * 0.9) fail(device + host, have_host, "host");
    return;
  }
  if (have_device > 0 && device > have_device * 0.9) fail(device, have_device, Engine::backend_name());
  if (have_host > 0 && host > have_host * 0.9) fail(host, have_host, "host");
}

}  // namespace

Simulation::Simulation(Config config) : Simulation(std::vector<Config>{std::move(config)}) {}

Simulation::Simulation(std::vector<Config> variants, PopulationPart part)
    : part_(part), config_(variants.at(0)), variants_(std::move(variants)), next_year_(config_.run.burn_in_start) {
  const int v = static_cast<int>(variants_.size());
  check_memory(config_, v);
  EngineSetup setup = engine_setup(variants_);
  setup.first_replicate = part_.first_replicate;
  setup.first_firm = part_.first_firm;
  if (part_.split_firms) {
    check_splittable(variants_);
    if (setup.crowding) setup.reduce_crowding_counts = [](std::vector<std::int64_t>& c) { par::sum_in_place(c); };
  }
  engine_ = std::make_unique<Engine>(setup);
  const std::size_t replicates = static_cast<std::size_t>(config_.run.replicates) * v;
  firm_years_.resize(replicates);
  policy_columns_.resize(replicates);
  flows_.resize(replicates);
  summaries_.resize(v);
}

Simulation::~Simulation() = default;

namespace {
bool network_program(const Config& c) {
  for (const PolicySpec& p : c.policies)
    if (p.kind == PolicyKind::mentoring || p.kind == PolicyKind::cluster) return true;
  return false;
}
}  // namespace

int peer_slots(const std::vector<Config>& variants) {
  bool interacting = false;
  for (const Config& c : variants) {
    const InteractionParams& x = c.model.interactions;
    interacting = interacting || x.market_information || x.mentoring || network_program(c);
  }
  if (!interacting) return 0;
  const InteractionParams& x = variants.at(0).model.interactions;
  return static_cast<int>(x.peers) + static_cast<int>(x.program_peers);
}

EngineSetup engine_setup(const Config& config) {
  EngineSetup s;
  s.firms_per_replicate = config.run.firms;
  s.replicates = config.run.replicates;
  s.seed = config.run.seed;
  s.batch = config.run.batch;
  s.entry_bound = config.run.entry_bound;
  s.initial_market_rows = config.run.initial_market_rows;
  s.params = config.model;
  for (const IndustrySpec& j : config.industries) s.industries.push_back(j.params);
  for (const MarketSpec& m : config.markets) s.markets.push_back(m.params);
  s.founding_cdf = founding_cdf(config.run);
  s.first_founding_year = config.run.burn_in_start;
  s.industry_cdf = industry_cdf(config.industries);
  s.peer_slots = peer_slots(std::vector<Config>{config});
  s.base_peers = s.peer_slots > 0 ? static_cast<int>(config.model.interactions.peers) : 0;
  s.crowding = config.model.interactions.crowding != 0;
  return s;
}

namespace {
// The first run or population key on which a variant differs from variant 0.
std::string population_difference(const Config& a, const Config& b) {
  if (a.run.firms != b.run.firms) return "run.firms";
  if (a.run.replicates != b.run.replicates) return "run.replicates";
  if (a.run.seed != b.run.seed) return "run.seed";
  if (a.run.burn_in_start != b.run.burn_in_start) return "run.burn_in_start";
  if (a.run.first_year != b.run.first_year) return "run.first_year";
  if (a.run.last_year != b.run.last_year) return "run.last_year";
  if (a.run.birth_growth != b.run.birth_growth) return "run.birth_growth";
  if (a.markets.size() != b.markets.size()) return "markets";
  if (a.industries.size() != b.industries.size()) return "industries";
  for (std::size_t j = 0; j < a.industries.size(); ++j)
    if (a.industries[j].share != b.industries[j].share) return "industries." + a.industries[j].meta.name + ".share";
  // Peers are drawn once for the whole population.
  const InteractionParams &x = a.model.interactions, &y = b.model.interactions;
  if (static_cast<int>(x.peers) != static_cast<int>(y.peers)) return "model.interactions.peers";
  if (static_cast<int>(x.program_peers) != static_cast<int>(y.program_peers)) return "model.interactions.program_peers";
  if (x.same_industry_share != y.same_industry_share) return "model.interactions.same_industry_share";
  return "";
}
}  // namespace

EngineSetup engine_setup(const std::vector<Config>& variants) {
  EngineSetup s = engine_setup(variants.at(0));
  if (variants.size() == 1) return s;
  for (const Config& c : variants) {
    const std::string key = population_difference(variants[0], c);
    if (!key.empty()) throw InputError(c.source, 0, key, "variants of one population must agree on " + key);
    VariantSetup v;
    v.params = c.model;
    for (const IndustrySpec& j : c.industries) v.industries.push_back(j.params);
    for (const MarketSpec& m : c.markets) v.markets.push_back(m.params);
    s.variants.push_back(std::move(v));
  }
  s.replicates = variants[0].run.replicates * static_cast<int>(variants.size());
  s.peer_slots = peer_slots(variants);
  s.base_peers = s.peer_slots > 0 ? static_cast<int>(variants[0].model.interactions.peers) : 0;
  for (const Config& c : variants) s.crowding = s.crowding || c.model.interactions.crowding != 0;
  return s;
}

namespace {
// A program's own address in the participation draws: FNV-1a of its name, so
// its clients stay the same when other programs are added, removed or
// reordered (programs of one name share their clients).
std::uint32_t program_salt(const std::string& name) {
  std::uint32_t h = 2166136261u;
  for (const char c : name) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  return h;
}
}  // namespace

YearWorld year_world(const Config& config, int year) {
  YearWorld w;
  const int base_year = config.demand_base_year;
  for (std::size_t m = 0; m < config.markets.size(); ++m) {
    const MarketSpec& spec = config.markets[m];
    MarketYear my{};
    double demand = spec.params.size * std::pow(1.0 + spec.params.growth, year - base_year);
    for (const ShockSpec& s : config.shocks)
      if (year >= s.from && year <= s.to && ((s.markets >> m) & 1u)) demand *= s.demand_factor;
    double psychic = spec.params.psychic_distance;
    for (const PolicySpec& p : config.policies)
      if (p.kind == PolicyKind::diplomacy && year >= p.from && year <= p.to && ((p.markets >> m) & 1u))
        psychic *= 1.0 - p.strength;
    const ExportParams& x = config.model.exports;
    my.demand = static_cast<float>(demand);
    my.psychic_distance = static_cast<float>(psychic);
    my.reach = static_cast<float>(demand * std::exp(-x.distance_elasticity * spec.params.log_distance));
    my.cost_scale = static_cast<float>(1.0 + x.psychic_cost * psychic);
    my.awareness = static_cast<float>(x.awareness_base * std::exp(-x.awareness_distance * psychic));
    my.is_eu = spec.meta.is_eu(year) ? 1 : 0;
    my.log_reach_per_cost = my.cost_scale > 0 ? static_cast<float>(std::log(static_cast<double>(my.reach) / my.cost_scale))
                                              : std::numeric_limits<float>::infinity();
    w.markets.push_back(my);
  }
  for (const PolicySpec& p : config.policies) {
    if (year < p.from || year > p.to || p.kind == PolicyKind::diplomacy) continue;
    PolicyProgram prog{};
    prog.kind = static_cast<std::uint8_t>(p.kind);
    prog.exporter_status = static_cast<std::uint8_t>(p.exporter_status);
    prog.strength = static_cast<float>(p.strength);
    prog.min_fte = static_cast<float>(p.min_fte);
    prog.max_fte = static_cast<float>(p.max_fte);
    prog.min_age = static_cast<float>(p.min_age);
    prog.max_age = static_cast<float>(p.max_age);
    prog.markets = p.markets;
    prog.industries = p.industries;
    prog.cost_per_firm = static_cast<float>(p.cost_per_firm);
    prog.take_up = static_cast<float>(p.take_up);
    prog.assignment = static_cast<std::uint8_t>(p.assignment);
    prog.selection_strength = static_cast<float>(p.selection_strength);
    prog.selection_threshold = static_cast<float>(pmath::normal_quantile_d(1.0 - p.take_up));
    prog.salt = program_salt(p.name);
    w.policies.push_back(prog);
  }
  w.measurement.intrastat_threshold = static_cast<float>(intrastat_threshold(config.measurement, year));
  w.measurement.extrastat_threshold = static_cast<float>(config.measurement.extrastat_threshold);
  w.measurement.dummy_first_year = static_cast<std::int16_t>(config.measurement.dummy_first_year);
  w.measurement.dummy_last_year = static_cast<std::int16_t>(config.measurement.dummy_last_year);
  return w;
}

const YearSummary& Simulation::step() {
  if (finished()) throw std::logic_error("the simulation has reached its last year");
  for (int v = 0; v < variants(); ++v) refuse_if_taken(v);
  const int year = next_year_;
  std::vector<YearWorld> worlds;
  for (const Config& c : variants_) worlds.push_back(year_world(c, year));
  engine_->step(year, worlds);
  if (!summarize_burn_in_ && year + 1 < config_.run.first_year) {
    // Nobody reads this year: skip gathering its rows (a calibration's
    // evaluations spend a fifth of their time on that otherwise). The year
    // before the first recorded one is still summarized, for its exporters.
    for (auto& by_variant : summaries_) {
      by_variant.emplace_back();
      by_variant.back().year = year;
    }
    ++next_year_;
    return summaries_[0].back();
  }
  YearRecord record;
  engine_->record_year(record, recorded_state());
  summarize(year, record);
  if (year >= config_.run.first_year) append(record);
  ++next_year_;
  return summaries_[0].back();
}

void Simulation::run(const std::function<void(const YearSummary&)>& on_year) {
  while (!finished()) {
    const YearSummary& s = step();
    if (on_year) on_year(s);
  }
}

void check_splittable(const std::vector<Config>& variants) {
  if (peer_slots(variants) > 0)
    throw InputError(variants.at(0).source, 0, "model.interactions",
                     "a population split over processes cannot have peer interactions (market information, "
                     "mentoring, network programs) yet: spread replicates instead (--distribute replicates), turn "
                     "them off (scenarios/independent_firms.yaml) or run in one process");
}

void add_years(std::vector<YearSummary>& total, const std::vector<YearSummary>& part) {
  if (total.empty()) {
    total = part;
    return;
  }
  for (std::size_t y = 0; y < total.size() && y < part.size(); ++y) total[y].add(part[y]);
}

void YearSummary::add(const YearSummary& p) {
  alive += p.alive;
  births += p.births;
  deaths += p.deaths;
  exporters += p.exporters;
  importers += p.importers;
  two_way += p.two_way;
  export_starters += p.export_starters;
  for (std::size_t k = 0; k < exporters_by_strategy.size(); ++k) exporters_by_strategy[k] += p.exporters_by_strategy[k];
  for (std::size_t k = 0; k < money.size(); ++k) money[k].add(p.money[k]);
  settle_money();
}

void YearSummary::settle_money() {
  exports = money[0].eur();
  imports = money[1].eur();
  exports_observed = money[2].eur();
  support_paid = money[3].eur();
}

void Simulation::summarize(int year, const YearRecord& r) {
  std::vector<YearSummary> now(summaries_.size());
  for (YearSummary& s : now) {
    s.year = year;
    s.recorded = year >= config_.run.first_year;
  }
  const std::int64_t firms_per_variant = config_.run.firms * replicates_per_variant();
  std::vector<std::int64_t> exporters;
  for (std::size_t k = 0; k < r.id.size(); ++k) {
    YearSummary& s = now[static_cast<std::size_t>(r.id[k] / firms_per_variant)];
    if (!r.alive[k]) {
      ++s.deaths;
      continue;
    }
    ++s.alive;
    if (r.state.founding_year[k] == year) ++s.births;
    const bool x = r.state.exports_true[k] > 0, m = r.state.imports_true[k] > 0;
    s.exporters += x;
    s.importers += m;
    s.two_way += x && m;
    s.money[0].add(r.state.exports_true[k]);
    s.money[1].add(r.state.imports_true[k]);
    s.money[2].add(r.state.exports_observed[k]);
    s.money[3].add(r.state.support[k]);
    if (x) {
      ++s.exporters_by_strategy[std::min<int>(r.state.strategy[k], 2)];
      exporters.push_back(r.id[k]);
      if (!std::binary_search(previous_exporters_.begin(), previous_exporters_.end(), r.id[k])) ++s.export_starters;
    }
  }
  previous_exporters_ = std::move(exporters);
  if (part_.split_firms) reduce_over_processes(now);
  for (std::size_t v = 0; v < now.size(); ++v) {
    now[v].settle_money();
    summaries_[v].push_back(now[v]);
  }
}

// Every process's part of the year, summed in rank order (exact: the sums
// are integers, so the order does not matter anyway).
void Simulation::reduce_over_processes(std::vector<YearSummary>& year_by_variant) const {
  const std::string mine(reinterpret_cast<const char*>(year_by_variant.data()),
                         year_by_variant.size() * sizeof(YearSummary));
  std::vector<YearSummary> total(year_by_variant.size());
  for (YearSummary& t : total) {
    t.year = year_by_variant.front().year;
    t.recorded = year_by_variant.front().recorded;
  }
  for (const std::string& bytes : par::all_gather(mine)) {
    std::vector<YearSummary> part(year_by_variant.size());
    if (bytes.size() != part.size() * sizeof(YearSummary)) throw std::runtime_error("summaries differ in shape");
    std::memcpy(static_cast<void*>(part.data()), bytes.data(), bytes.size());
    for (std::size_t v = 0; v < part.size(); ++v) total[v].add(part[v]);
  }
  year_by_variant = std::move(total);
}

// What a year's record copies: the panel's sources, and what the summary
// and the policy columns read.
StateSelection Simulation::recorded_state() {
  StateSelection which = firm_year_sources() | flow_sources();
  for (StateArray a :
       {StateArray::founding_year, StateArray::exports_true, StateArray::imports_true, StateArray::exports_observed,
        StateArray::support, StateArray::strategy, StateArray::policy_targeted})
    which.set(state_bit(a));
  return which;
}

// Room in every replicate's columns for this year's rows and, at this year's
// count, those of the recorded years still to come: the columns then grow
// without reallocating, which copied them into fresh pages (page faults were
// a third of a calibration evaluation's). Pages reserved but never written
// cost nothing.
void Simulation::reserve_rows(const YearRecord& r) {
  const std::int64_t per = config_.run.firms;
  std::vector<std::size_t> firm_rows(firm_years_.size(), 0), flow_rows(flows_.size(), 0);
  for (const std::int64_t id : r.id) ++firm_rows[static_cast<std::size_t>(id / per)];
  for (const std::int64_t row : r.flow_row)
    ++flow_rows[static_cast<std::size_t>(r.id[static_cast<std::size_t>(row)] / per)];
  const std::size_t years = static_cast<std::size_t>(std::max(1, config_.run.last_year - r.year + 1));
  for (std::size_t slot = 0; slot < firm_years_.size(); ++slot) {
    const std::size_t firms = firm_years_[slot].rows() + firm_rows[slot] * years;
    if (firm_years_[slot].year.capacity() < firm_years_[slot].rows() + firm_rows[slot]) {
      firm_year_schema([&](const char*, auto member, bool, double) { (firm_years_[slot].*member).reserve(firms); });
      policy_columns_[slot].support.reserve(firms);
      policy_columns_[slot].targeted.reserve(firms);
    }
    const std::size_t flows = flows_[slot].rows() + flow_rows[slot] * years;
    if (flows_[slot].year.capacity() < flows_[slot].rows() + flow_rows[slot])
      flow_schema([&](const char*, auto member, bool, double) { (flows_[slot].*member).reserve(flows); });
  }
}

void Simulation::append(const YearRecord& r) {
  reserve_rows(r);
  const std::int64_t per = config_.run.firms;
  const std::int64_t rpv = replicates_per_variant();
  for (std::size_t k = 0; k < r.id.size(); ++k) {
    const std::size_t slot = static_cast<std::size_t>(r.id[k] / per);
    const PanelRowKey key{static_cast<std::int32_t>(part_.first_replicate + r.id[k] / per % rpv),
                          part_.first_firm + r.id[k] % per, static_cast<std::int16_t>(r.year), r.alive[k]};
    append_firm_year_row(firm_years_[slot], key, r.state, k);
    policy_columns_[slot].support.push_back(r.state.support[k]);
    policy_columns_[slot].targeted.push_back(r.state.policy_targeted[k]);
  }
  for (std::size_t k = 0; k < r.flow_row.size(); ++k) {
    const std::int64_t id = r.id[static_cast<std::size_t>(r.flow_row[k])];
    const PanelRowKey key{static_cast<std::int32_t>(part_.first_replicate + id / per % rpv),
                          part_.first_firm + id % per, static_cast<std::int16_t>(r.year), 1, r.flow_market[k]};
    append_flow_row(flows_[static_cast<std::size_t>(id / per)], key, r, k);
  }
}

void Simulation::add_peers(PeerColumns& out, const FirmTable& t, std::size_t first, std::size_t rpv) const {
  const PeerTable peers = engine_->peer_table();
  const std::int64_t per = config_.run.firms, n = engine_->size();
  const std::size_t rows = out.rows() + rpv * static_cast<std::size_t>(per) * static_cast<std::size_t>(peers.slots);
  out.replicate.reserve(rows);
  out.firm.reserve(rows);
  out.slot.reserve(rows);
  out.peer.reserve(rows);
  out.same_industry.reserve(rows);
  out.program.reserve(rows);
  for (std::size_t r = first; r < first + rpv; ++r)
    for (std::int64_t firm = 0; firm < per; ++firm) {
      const std::int64_t i = static_cast<std::int64_t>(r) * per + firm;
      for (int k = 0; k < peers.slots; ++k) {
        const std::int32_t peer = peers.peer[static_cast<std::size_t>(k * n + i)];
        out.replicate.push_back(static_cast<std::int32_t>(part_.first_replicate + r - first));
        out.firm.push_back(firm);
        out.slot.push_back(static_cast<std::uint8_t>(k));
        out.peer.push_back(peer);
        out.same_industry.push_back(t.state.industry[i] == t.state.industry[static_cast<std::size_t>(r) * per + peer]);
        out.program.push_back(k >= peers.base_peers);
      }
    }
}

Panel Simulation::panel(int variant) const {
  refuse_if_taken(variant);
  Panel p = panel_without_rows(variant);
  const std::size_t rpv = static_cast<std::size_t>(replicates_per_variant());
  collect_rows(p, firm_years_, flows_, rpv * static_cast<std::size_t>(variant), rpv,
               [](auto& to, const auto& from) { append_all(to, from); });
  return p;
}

Panel Simulation::take_panel(int variant) {
  refuse_if_taken(variant);
  Panel p = panel_without_rows(variant);
  const std::size_t rpv = static_cast<std::size_t>(replicates_per_variant());
  collect_rows(p, firm_years_, flows_, rpv * static_cast<std::size_t>(variant), rpv,
               [](auto& to, auto& from) { move_all(to, from); });
  panel_taken_.resize(variants_.size(), false);
  panel_taken_[static_cast<std::size_t>(variant)] = true;
  return p;
}

void Simulation::refuse_if_taken(int variant) const {
  if (static_cast<std::size_t>(variant) < panel_taken_.size() && panel_taken_[static_cast<std::size_t>(variant)])
    throw std::logic_error("variant " + std::to_string(variant) + "'s panel was taken (take_panel): its rows are gone");
}

Panel Simulation::panel_without_rows(int variant) const {
  Panel p;
  p.meta = panel_meta(variants_.at(variant));
  p.meta.last_year = std::min(config_.run.last_year, next_year_ - 1);
  const std::size_t rpv = static_cast<std::size_t>(replicates_per_variant());
  const std::size_t first = rpv * static_cast<std::size_t>(variant);
  StateSelection which = firm_sources();
  which.set(state_bit(StateArray::founding_year));  // who is born yet
  which.set(state_bit(StateArray::industry));       // peers' same_industry
  const FirmTable t = engine_->firm_table(which);
  const std::int64_t per = config_.run.firms;
  const std::size_t begin = first * static_cast<std::size_t>(per), end = (first + rpv) * static_cast<std::size_t>(per);
  for (std::size_t i = begin; i < end; ++i) {
    if (t.state.founding_year[i] >= next_year_) continue;  // not born yet
    const PanelRowKey key{static_cast<std::int32_t>(part_.first_replicate + static_cast<std::int64_t>(i) / per %
                                                                                static_cast<std::int64_t>(rpv)),
                          part_.first_firm + static_cast<std::int64_t>(i) % per};
    append_firm_row(p.firms, key, t, i);
  }
  add_peers(p.peers, t, first, rpv);
  return p;
}

namespace {
// The panel columns of one table through its schema, so a new column is saved
// without another edit here.
template <class Columns, class Schema>
void save_columns(std::string& out, const Columns& c, Schema schema) {
  schema([&](const char*, auto member, bool, double) { bytes::put_vector(out, c.*member); });
}
template <class Columns, class Schema>
void load_columns(const std::string& in, std::size_t& offset, Columns& c, Schema schema) {
  schema([&](const char*, auto member, bool, double) { bytes::get_vector(in, offset, c.*member); });
}
}  // namespace

void Simulation::save_state(std::string& out) const {
  bytes::put_value(out, static_cast<std::int32_t>(next_year_));
  bytes::put_value(out, static_cast<std::uint64_t>(summaries_.size()));
  for (const auto& s : summaries_) bytes::put_vector(out, s);
  bytes::put_value(out, static_cast<std::uint64_t>(firm_years_.size()));
  for (const FirmYearColumns& c : firm_years_) save_columns(out, c, [](auto&& f) { firm_year_schema(f); });
  for (const FlowColumns& c : flows_) save_columns(out, c, [](auto&& f) { flow_schema(f); });
  for (const PolicyColumns& c : policy_columns_) {
    bytes::put_vector(out, c.support);
    bytes::put_vector(out, c.targeted);
  }
  bytes::put_vector(out, previous_exporters_);
  engine_->save_state(out);
}

void Simulation::load_state(const std::string& in, std::size_t& offset) {
  std::int32_t year = 0;
  std::uint64_t n = 0;
  bytes::get_value(in, offset, year);
  if (year < config_.run.burn_in_start || year > config_.run.last_year + 1)
    throw std::runtime_error("checkpoint year " + std::to_string(year) + " is outside this run's years");
  bytes::get_value(in, offset, n);
  if (n != summaries_.size()) throw std::runtime_error("checkpoint holds another number of variants");
  for (auto& s : summaries_) bytes::get_vector(in, offset, s);
  bytes::get_value(in, offset, n);
  if (n != firm_years_.size()) throw std::runtime_error("checkpoint holds another number of replicates");
  for (FirmYearColumns& c : firm_years_) load_columns(in, offset, c, [](auto&& f) { firm_year_schema(f); });
  for (FlowColumns& c : flows_) load_columns(in, offset, c, [](auto&& f) { flow_schema(f); });
  for (PolicyColumns& c : policy_columns_) {
    bytes::get_vector(in, offset, c.support);
    bytes::get_vector(in, offset, c.targeted);
  }
  bytes::get_vector(in, offset, previous_exporters_);
  engine_->load_state(in, offset);
  next_year_ = year;
}

PolicyColumns Simulation::policy_columns(int variant) const {
  PolicyColumns p;
  const std::size_t rpv = static_cast<std::size_t>(replicates_per_variant());
  const std::size_t first = rpv * static_cast<std::size_t>(variant);
  for (std::size_t r = first; r < first + rpv; ++r) {
    append_all(p.support, policy_columns_[r].support);
    append_all(p.targeted, policy_columns_[r].targeted);
  }
  return p;
}

FirmSnapshot Simulation::snapshot(int replicate, std::int64_t firm, int variant) const {
  const std::int64_t r = static_cast<std::int64_t>(variant) * replicates_per_variant() + replicate;
  return engine_->snapshot(r * config_.run.firms + firm);
}

}  // namespace firmsim
