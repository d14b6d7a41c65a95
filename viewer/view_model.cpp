#include "viewer/view_model.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <tuple>
#include <unordered_map>

namespace firmsim::view {

namespace {

// Flow and firm-year rows are keyed by (replicate, firm) across replicates.
std::int64_t firm_key(std::int32_t replicate, std::int64_t firm) {
  return (static_cast<std::int64_t>(replicate) << 40) | firm;
}

bool flow_exports(const FlowColumns& f, std::size_t i, Measure measure) {
  return (measure == Measure::latent ? f.exports_true[i] : f.exports[i]) > 0;
}

float flow_value(const FlowColumns& f, std::size_t i, Measure measure) {
  return measure == Measure::latent ? f.exports_true[i] : f.exports[i];
}

bool row_exports(const FirmYearColumns& c, std::size_t i, Measure measure) {
  return c.alive[i] && (measure == Measure::latent ? c.exports_true[i] : c.exports[i]) > 0;
}

// Markets each firm exports to in `year` (latent flows, all replicates).
std::unordered_map<std::int64_t, int> latent_market_counts(const FlowColumns& f, int year) {
  std::unordered_map<std::int64_t, int> counts;
  for (std::size_t i = 0; i < f.rows(); ++i)
    if (f.year[i] == year && f.exports_true[i] > 0) ++counts[firm_key(f.replicate[i], f.firm[i])];
  return counts;
}

// ", 2005" in a title, or nothing before the first recorded year.
std::string in_year(int year) { return year > 0 ? ", " + std::to_string(year) : std::string(); }

std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

Histogram make_histogram(std::string title, std::string x_label, std::vector<double> edges) {
  Histogram h;
  h.title = std::move(title);
  h.x_label = std::move(x_label);
  h.counts.assign(edges.size() - 1, 0.0);
  h.edges = std::move(edges);
  return h;
}

// Adds one observation; values outside the edges are not counted.
void add(Histogram& h, double value) {
  const auto it = std::upper_bound(h.edges.begin(), h.edges.end(), value);
  if (it == h.edges.begin() || it == h.edges.end()) return;
  h.counts[static_cast<std::size_t>(it - h.edges.begin() - 1)] += 1;
}

// Integer bins lo, lo+1, ..., hi.
std::vector<double> unit_edges(int lo, int hi) {
  std::vector<double> e;
  for (int k = lo; k <= hi + 1; ++k) e.push_back(k);
  return e;
}

float fte_in_year(const est::FirmHistory& h, int year, const est::SampleFrame& frame) {
  if (year < frame.start_year || year > frame.end_year) return 0;
  return h.at(year, frame).fte;
}

float last_present_fte(const est::FirmHistory& h) {
  for (auto it = h.years.rbegin(); it != h.years.rend(); ++it)
    if (it->present) return it->fte;
  return 0;
}

std::string policy_text(const PolicySpec& p) {
  return number(p.strength) + " (" + std::to_string(p.from) + "-" + std::to_string(p.to) + ")";
}

bool same_policy(const PolicySpec& a, const PolicySpec& b) {
  return a.kind == b.kind && a.from == b.from && a.to == b.to && a.strength == b.strength && a.markets == b.markets &&
         a.industries == b.industries && a.min_fte == b.min_fte && a.max_fte == b.max_fte && a.min_age == b.min_age &&
         a.max_age == b.max_age && a.exporter_status == b.exporter_status && a.take_up == b.take_up &&
         a.assignment == b.assignment && a.selection_strength == b.selection_strength;
}

const PolicySpec* find_policy(const std::vector<PolicySpec>& ps, const std::string& name) {
  for (const PolicySpec& p : ps)
    if (p.name == name) return &p;
  return nullptr;
}

}  // namespace

// ---------------------------------------------------------------------------

TimeSeries time_series(const std::vector<YearSummary>& summaries) {
  TimeSeries t;
  for (const YearSummary& s : summaries) {
    t.year.push_back(s.year);
    t.alive.push_back(static_cast<double>(s.alive));
    t.exporters.push_back(static_cast<double>(s.exporters));
    t.importers.push_back(static_cast<double>(s.importers));
    t.two_way.push_back(static_cast<double>(s.two_way));
    t.export_value_meur.push_back(s.exports / 1e6);
    for (std::size_t k = 0; k < 3; ++k)
      t.exporters_by_strategy[k].push_back(static_cast<double>(s.exporters_by_strategy[k]));
  }
  return t;
}

Typology observed_types(const Panel& panel, int replicate, const TypologySpec& spec) {
  Typology t;
  const int last = std::min(panel.meta.last_year, t.frame.end_year);
  if (panel.firm_years.rows() == 0 || panel.meta.first_year > t.frame.start_year || last < t.frame.start_year) {
    t.note = "observed types need recorded years from " + std::to_string(t.frame.start_year);
    return t;
  }
  t.frame.end_year = last;
  est::TypologyRules rules;
  rules.early_years = spec.early_years;
  rules.global_countries = spec.min_countries;
  t.firms = est::firm_histories(panel, replicate, t.frame);
  t.types = est::classify_all(t.firms, panel.meta.markets, t.frame, rules);
  for (int y = t.frame.start_year; y <= t.frame.end_year; ++y) {
    t.year.push_back(y);
    for (std::size_t k = 0; k < kObservedTypes.size(); ++k) {
      double n = 0;
      for (std::size_t i = 0; i < t.firms.size(); ++i)
        if (t.types[i].type == kObservedTypes[k] && t.firms[i].at(y, t.frame).exporter()) n += 1;
      t.exporters_by_type[k].push_back(n);
    }
  }
  t.available = true;
  return t;
}

// ---------------------------------------------------------------------------

std::pair<double, double> map_position(double longitude, double latitude) {
  return {(longitude + 180.0) / 360.0, (90.0 - latitude) / 180.0};
}

MapView world_map(const Panel& panel, const std::vector<std::string>& regions, int year, Measure measure) {
  MapView v;
  v.year = year;
  std::tie(v.home_x, v.home_y) = map_position(4.35, 50.85);
  for (std::size_t m = 0; m < panel.meta.markets.size(); ++m) {
    const MarketMeta& meta = panel.meta.markets[m];
    MapMarker k;
    k.market = static_cast<int>(m);
    k.iso = meta.iso;
    k.name = meta.name;
    k.region = meta.region;
    const auto r = std::find(regions.begin(), regions.end(), meta.region);
    k.region_index = r == regions.end() ? -1 : static_cast<int>(r - regions.begin());
    std::tie(k.x, k.y) = map_position(meta.longitude, meta.latitude);
    v.markers.push_back(k);
  }
  const FlowColumns& f = panel.flows;
  for (std::size_t i = 0; i < f.rows(); ++i) {
    if (f.year[i] != year || !flow_exports(f, i, measure) || f.market[i] >= v.markers.size()) continue;
    MapMarker& k = v.markers[f.market[i]];
    ++k.exporters;
    k.export_value += flow_value(f, i, measure);
  }
  for (const MapMarker& k : v.markers) {
    v.max_exporters = std::max(v.max_exporters, k.exporters);
    v.max_value = std::max(v.max_value, k.export_value);
  }
  for (MapMarker& k : v.markers) {
    if (v.max_exporters > 0) k.radius = std::sqrt(static_cast<double>(k.exporters) / v.max_exporters);
    if (v.max_value > 0) k.flow_width = k.export_value / v.max_value;
  }
  return v;
}

// ---------------------------------------------------------------------------

double Histogram::total() const {
  double t = 0;
  for (double c : counts) t += c;
  return t;
}

Histogram markets_per_exporter(const Panel& panel, int year, Measure measure) {
  const FirmYearColumns& c = panel.firm_years;
  std::unordered_map<std::int64_t, int> latent;
  if (measure == Measure::latent) latent = latent_market_counts(panel.flows, year);
  std::vector<int> counts;
  int most = 10;
  for (std::size_t i = 0; i < c.rows(); ++i) {
    if (c.year[i] != year || !row_exports(c, i, measure)) continue;
    int n = c.n_export_markets[i];
    if (measure == Measure::latent) {
      const auto it = latent.find(firm_key(c.replicate[i], c.firm[i]));
      n = it == latent.end() ? 0 : it->second;
    }
    counts.push_back(n);
    most = std::max(most, n);
  }
  Histogram h = make_histogram("Markets per exporter" + in_year(year), "markets", unit_edges(1, most));
  for (int n : counts) add(h, n);
  return h;
}

Histogram firm_size(const Panel& panel, int year, bool exporters_only, Measure measure) {
  const FirmYearColumns& c = panel.firm_years;
  Histogram h = make_histogram(std::string(exporters_only ? "Exporters" : "Firms") + " by size" + in_year(year), "FTE",
                               {0, 1, 2, 5, 10, 20, 50, 100, 250, 500, 1000, 2500, 1e9});
  for (std::size_t i = 0; i < c.rows(); ++i) {
    if (c.year[i] != year || !c.alive[i]) continue;
    if (exporters_only && !row_exports(c, i, measure)) continue;
    add(h, c.fte[i]);
  }
  return h;
}

Histogram age_at_first_export(const Panel& panel) {
  const FirmColumns& f = panel.firms;
  std::vector<int> ages;
  int oldest = 20;
  for (std::size_t i = 0; i < f.rows(); ++i) {
    if (f.latent_export_start_year[i] == 0) continue;
    const int age = f.latent_export_start_year[i] - f.founding_year[i];
    ages.push_back(age);
    oldest = std::max(oldest, age);
  }
  Histogram h = make_histogram("Age at first export (latent)", "years", unit_edges(0, oldest));
  for (int a : ages) add(h, a);
  return h;
}

// ---------------------------------------------------------------------------

int FirmLifeYear::n_markets() const { return popcount64(markets); }

namespace {
// The firm's peers with the latent markets each served the year before the
// firm's export start (or in the last recorded year if it never exported).
void add_peers_at_entry(const Panel& panel, FirmLife& life, std::map<int, std::uint64_t>& own_markets) {
  const PeerColumns& pc = panel.peers;
  for (std::size_t i = 0; i < pc.rows(); ++i)
    if (pc.replicate[i] == life.replicate && pc.firm[i] == life.firm)
      life.peers.push_back({pc.peer[i], pc.same_industry[i] != 0, pc.program[i] != 0, 0, 0});
  if (life.peers.empty()) return;
  const int year = life.export_start_year != 0 ? life.export_start_year - 1 : panel.meta.last_year;
  const std::uint64_t entered = life.export_start_year != 0 ? own_markets[life.export_start_year] : 0;
  const FlowColumns& f = panel.flows;
  for (std::size_t i = 0; i < f.rows(); ++i) {
    if (f.replicate[i] != life.replicate || f.year[i] != year || !(f.exports_true[i] > 0) || f.market[i] >= 64)
      continue;
    for (PeerAtEntry& p : life.peers)
      if (p.firm == f.firm[i]) p.served |= std::uint64_t{1} << f.market[i];
  }
  for (PeerAtEntry& p : life.peers) p.entered_shared = p.served & entered;
}
}  // namespace

FirmLife firm_life(const Panel& panel, int replicate, std::int64_t firm, Measure measure, const Typology* typology,
                   const std::vector<TrackedYear>& tracked) {
  FirmLife life;
  life.replicate = replicate;
  life.firm = firm;
  // Snapshots are taken every year while tracked; keep the firm's lifetime.
  for (const TrackedYear& t : tracked)
    if (t.snapshot.founding_year != 0 && t.year >= t.snapshot.founding_year &&
        (t.snapshot.exit_year == 0 || t.year <= t.snapshot.exit_year))
      life.tracked.push_back(t);
  const FirmColumns& fc = panel.firms;
  for (std::size_t i = 0; i < fc.rows(); ++i) {
    if (fc.replicate[i] != replicate || fc.firm[i] != firm) continue;
    life.found = true;
    life.industry = fc.industry[i];
    life.founding_year = fc.founding_year[i];
    life.exit_year = fc.exit_year[i];
    life.export_start_year = fc.latent_export_start_year[i];
    life.latent_strategy = fc.latent_strategy[i];
  }
  std::map<int, std::uint64_t> latent_markets;
  const FlowColumns& f = panel.flows;
  for (std::size_t i = 0; i < f.rows(); ++i)
    if (f.replicate[i] == replicate && f.firm[i] == firm && f.exports_true[i] > 0 && f.market[i] < 64)
      latent_markets[f.year[i]] |= std::uint64_t{1} << f.market[i];

  const FirmYearColumns& c = panel.firm_years;
  for (std::size_t i = 0; i < c.rows(); ++i) {
    if (c.replicate[i] != replicate || c.firm[i] != firm) continue;
    FirmLifeYear y;
    y.year = c.year[i];
    y.alive = c.alive[i] != 0;
    y.fte = c.fte[i];
    y.exports = measure == Measure::latent ? c.exports_true[i] : c.exports[i];
    y.imports = measure == Measure::latent ? c.imports_true[i] : c.imports[i];
    y.markets = measure == Measure::latent ? latent_markets[y.year] : c.export_mask[i];
    // Before the first recorded year nothing is known, so the first row shows
    // what the firm already serves rather than entries.
    const std::uint64_t before = life.years.empty() ? y.markets : life.years.back().markets;
    y.entered = y.markets & ~before;
    y.exited = before & ~y.markets;
    life.years.push_back(y);
  }
  add_peers_at_entry(panel, life, latent_markets);
  if (typology && typology->available) {
    life.observed_type = "none";
    for (std::size_t i = 0; i < typology->firms.size(); ++i)
      if (replicate == 0 && typology->firms[i].firm == firm)
        life.observed_type = est::type_code(typology->types[i].type);
  }
  return life;
}

const char* pick_label(FirmPick pick) {
  switch (pick) {
    case FirmPick::largest_born_global:
      return "largest born global";
    case FirmPick::typical_traditional:
      return "typical traditional internationalizer";
    case FirmPick::largest_exporter:
      return "largest exporter";
  }
  return "";
}

namespace {

std::optional<std::int64_t> largest_born_global(const Typology& t) {
  std::optional<std::int64_t> best;
  float best_fte = -1;
  for (std::size_t i = 0; i < t.firms.size(); ++i) {
    if (t.types[i].type != est::ExportType::born_global) continue;
    const float fte = last_present_fte(t.firms[i]);
    if (fte > best_fte) best_fte = fte, best = t.firms[i].firm;
  }
  return best;
}

std::optional<std::int64_t> typical_traditional(const Typology& t) {
  std::vector<std::pair<float, std::int64_t>> ti;
  for (std::size_t i = 0; i < t.firms.size(); ++i)
    if (t.types[i].type == est::ExportType::traditional)
      ti.emplace_back(fte_in_year(t.firms[i], t.types[i].first_export_year, t.frame), t.firms[i].firm);
  if (ti.empty()) return std::nullopt;
  std::sort(ti.begin(), ti.end());
  return ti[ti.size() / 2].second;
}

std::optional<std::int64_t> largest_exporter(const Panel& panel) {
  const FirmYearColumns& c = panel.firm_years;
  std::optional<std::int64_t> best;
  float most = 0;
  for (std::size_t i = 0; i < c.rows(); ++i)
    if (c.replicate[i] == 0 && c.year[i] == panel.meta.last_year && c.alive[i] && c.exports_true[i] > most)
      most = c.exports_true[i], best = c.firm[i];
  return best;
}

}  // namespace

std::optional<std::int64_t> pick_firm(const Panel& panel, const Typology& typology, FirmPick pick) {
  switch (pick) {
    case FirmPick::largest_born_global:
      return largest_born_global(typology);
    case FirmPick::typical_traditional:
      return typical_traditional(typology);
    case FirmPick::largest_exporter:
      return largest_exporter(panel);
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------

Closeness closeness(const est::CellComparison& cell) {
  if (!cell.comparable() || !std::isfinite(cell.rel_diff)) return Closeness::none;
  if (cell.rel_diff < 0.1) return Closeness::close;
  if (cell.rel_diff <= est::kFarOff) return Closeness::near;
  return Closeness::far;
}

std::vector<GridTable> comparison_grid(const est::Comparison& c) {
  std::vector<GridTable> out;
  for (const est::TableComparison& t : c.tables) {
    GridTable g;
    g.id = t.id;
    g.title = t.title;
    g.distance = t.distance;
    g.far_off = t.far_off();
    for (const est::CellComparison& cell : t.cells) {
      if (std::find(g.rows.begin(), g.rows.end(), cell.row) == g.rows.end()) g.rows.push_back(cell.row);
      if (std::find(g.columns.begin(), g.columns.end(), cell.column) == g.columns.end())
        g.columns.push_back(cell.column);
    }
    g.cells.assign(g.rows.size() * g.columns.size(), nullptr);
    for (const est::CellComparison& cell : t.cells) {
      const auto r = std::find(g.rows.begin(), g.rows.end(), cell.row) - g.rows.begin();
      const auto k = std::find(g.columns.begin(), g.columns.end(), cell.column) - g.columns.begin();
      g.cells[static_cast<std::size_t>(r) * g.columns.size() + static_cast<std::size_t>(k)] = &cell;
    }
    out.push_back(std::move(g));
  }
  return out;
}

est::Comparison seed_only(const est::Targets& targets) {
  est::Comparison c;
  for (const est::Table& t : targets.tables) {
    est::TableComparison tc;
    tc.id = t.id;
    tc.title = t.title;
    for (std::size_t r = 0; r < t.rows(); ++r)
      for (std::size_t k = 0; k < t.cols(); ++k) {
        est::CellComparison cell;
        cell.table = t.id;
        cell.row = t.row_labels[r];
        cell.column = t.column_labels[k];
        cell.empirical = t.values[r][k];
        if (!t.se.empty()) cell.empirical_se = t.se[r][k];
        tc.cells.push_back(cell);
      }
    c.tables.push_back(std::move(tc));
  }
  return c;
}

// ---------------------------------------------------------------------------

const char* const kSubsidyPolicyName = "viewer: sunk-cost subsidy";
const char* const kInformationPolicyName = "viewer: information program";

void apply_policy_levers(Config& config, const PolicyLevers& levers) {
  auto& ps = config.policies;
  ps.erase(std::remove_if(
               ps.begin(), ps.end(),
               [](const PolicySpec& p) { return p.name == kSubsidyPolicyName || p.name == kInformationPolicyName; }),
           ps.end());
  PolicySpec base;
  base.from = levers.from;
  base.to = levers.to;
  base.max_fte = levers.max_fte;
  base.markets = ~MarketMask{0};
  if (levers.sunk_cost_subsidy > 0) {
    PolicySpec p = base;
    p.name = kSubsidyPolicyName;
    p.kind = PolicyKind::sunk_cost_subsidy;
    p.strength = levers.sunk_cost_subsidy;
    p.exporter_status = levers.non_exporters_only ? 1 : 0;
    ps.push_back(p);
  }
  if (levers.information > 0) {
    PolicySpec p = base;
    p.name = kInformationPolicyName;
    p.kind = PolicyKind::information;
    p.strength = levers.information;
    ps.push_back(p);
  }
}

std::vector<ConfigDiff> config_diffs(const Config& loaded, const Config& edited) {
  std::vector<ConfigDiff> out;
  if (loaded.run.seed != edited.run.seed)
    out.push_back({"run.seed", std::to_string(loaded.run.seed), std::to_string(edited.run.seed)});
  if (loaded.run.firms != edited.run.firms)
    out.push_back({"run.firms", std::to_string(loaded.run.firms), std::to_string(edited.run.firms)});
  for (const ParameterInfo& p : model_parameters()) {
    const double a = get_model_parameter(loaded.model, p.key), b = get_model_parameter(edited.model, p.key);
    if (a != b) out.push_back({"model." + p.key, number(a), number(b)});
  }
  for (const PolicySpec& p : loaded.policies) {
    const PolicySpec* q = find_policy(edited.policies, p.name);
    if (!q)
      out.push_back({"policy." + p.name, policy_text(p), "-"});
    else if (!same_policy(p, *q))
      out.push_back({"policy." + p.name, policy_text(p), policy_text(*q)});
  }
  for (const PolicySpec& q : edited.policies)
    if (!find_policy(loaded.policies, q.name)) out.push_back({"policy." + q.name, "-", policy_text(q)});
  return out;
}

std::vector<std::string> main_parameter_keys() {
  std::vector<std::string> keys = {"exports.sunk_cost", "learning.passive", "learning.market"};
  for (const ParameterInfo& p : model_parameters())
    if (p.key.rfind("strategy.", 0) == 0) keys.push_back(p.key);
  return keys;
}

// ---------------------------------------------------------------------------

Layout tile_layout(float width, float height, float menu_height) {
  Layout l;
  const float top = menu_height, h = height - menu_height;
  const float left = std::max(300.0f, std::round(width * 0.21f));
  const float rest = width - left;
  const float upper = std::round(h * 0.52f), lower = h - upper;
  const float controls_h = std::round(h * 0.64f);
  l.controls = {0, top, left, controls_h};
  l.policy = {0, top + controls_h, left, h - controls_h};
  const float series_w = std::round(rest * 0.42f);
  l.series = {left, top, series_w, upper};
  l.map = {left + series_w, top, rest - series_w, upper};
  const float third = std::round(rest / 3.0f);
  l.distributions = {left, top + upper, third, lower};
  l.firm = {left + third, top + upper, third, lower};
  l.comparison = {left + 2 * third, top + upper, rest - 2 * third, lower};
  return l;
}

PolicyView policy_view(const std::vector<YearSummary>& program, const std::vector<YearSummary>& baseline) {
  PolicyView v;
  v.available = !baseline.empty();
  double cost = 0;
  for (std::size_t k = 0; k < program.size() && k < baseline.size(); ++k) {
    const YearSummary &p = program[k], &b = baseline[k];
    cost += p.support_paid;
    v.year.push_back(p.year);
    v.program_exporters.push_back(static_cast<double>(p.exporters));
    v.baseline_exporters.push_back(static_cast<double>(b.exporters));
    v.additional_exporters.push_back(static_cast<double>(p.exporters - b.exporters));
    v.cost_meur.push_back(cost / 1e6);
    v.additional_now = v.additional_exporters.back();
    v.additional_exports_meur = (p.exports - b.exports) / 1e6;
  }
  v.cost_so_far = cost;
  return v;
}

Config baseline_of(const Config& config) {
  Config c = config;
  c.policies.clear();
  return c;
}

std::optional<Config> comparison_baseline(const Config& config, const std::optional<Config>& without_scenarios) {
  if (!config.policies.empty()) return baseline_of(config);
  if (!without_scenarios) return std::nullopt;
  Config c = *without_scenarios;
  c.run = config.run;  // the viewer's run options (firms, seed, years) apply to both worlds
  c.policies.clear();
  return c;
}

Rgb region_colour(int region_index) {
  static const Rgb palette[] = {{31, 119, 180},  {255, 127, 14},  {44, 160, 44},   {214, 39, 40},
                                {148, 103, 189}, {140, 86, 75},   {227, 119, 194}, {188, 189, 34},
                                {23, 190, 207},  {127, 127, 127}, {255, 187, 120}, {152, 223, 138}};
  constexpr int n = sizeof palette / sizeof palette[0];
  if (region_index < 0) return palette[9];
  return palette[region_index % n];
}

}  // namespace firmsim::view
