#include "policy/evaluation.hpp"

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "estimation/typology.hpp"

namespace firmsim::policy {

namespace {

const char* const kMeasureNames[kFixedMeasures] = {
    "exporters",   "export_starters", "market_entries",  "export_value",        "exporter_survivors", "employment",
    "value_added", "support_paid",    "supported_firms", "waterfall_exporters", "sprinkler_exporters"};

const char* const kSizeClasses[] = {"size 1-9 FTE", "size 10-49 FTE", "size 50-249 FTE", "size 250+ FTE",
                                    "size: born during program"};
const char* const kAgeClasses[] = {"age 0-4", "age 5-14", "age 15+", "age: born during program"};

int size_class(float fte) { return fte < 10 ? 0 : fte < 50 ? 1 : fte < 250 ? 2 : 3; }
int age_class(int age) { return age < 5 ? 0 : age < 15 ? 1 : 2; }

// The group layout: all, targeted, not targeted, then the size, age and
// industry families (industry groups are the config's technology classes).
struct Layout {
  int all = 0, targeted = 1, not_targeted = 2, size0 = 3, age0 = 0, industry0 = 0;
  std::vector<std::string> technologies;
  explicit Layout(const Config& c) {
    age0 = size0 + 5;
    industry0 = age0 + 4;
    for (const IndustrySpec& j : c.industries)
      if (std::find(technologies.begin(), technologies.end(), j.meta.technology) == technologies.end())
        technologies.push_back(j.meta.technology);
  }
  int technology(const Config& c, int industry) const {
    const std::string& t = c.industries.at(static_cast<std::size_t>(industry)).meta.technology;
    return industry0 + static_cast<int>(std::find(technologies.begin(), technologies.end(), t) - technologies.begin());
  }
  int groups() const { return industry0 + static_cast<int>(technologies.size()); }
};

// Row ranges of each replicate in columns ordered by replicate.
template <class Columns>
std::vector<std::pair<std::size_t, std::size_t>> replicate_ranges(const Columns& c, int replicates) {
  std::vector<std::pair<std::size_t, std::size_t>> ranges(static_cast<std::size_t>(replicates), {0, 0});
  std::size_t begin = 0;
  for (std::size_t k = 0; k <= c.replicate.size(); ++k) {
    if (k < c.replicate.size() && c.replicate[k] == c.replicate[begin]) continue;
    if (k > begin) ranges.at(static_cast<std::size_t>(c.replicate[begin])) = {begin, k};
    begin = k;
  }
  return ranges;
}

// What each firm of one replicate belongs to, fixed before the program.
struct Membership {
  std::vector<std::uint8_t> targeted;
  std::vector<std::int16_t> size, age, industry;  // group indices
};

Membership membership(const Config& config, const Layout& layout, const VariantResult& baseline,
                      const VariantResult& variant, int replicate, std::pair<int, int> years) {
  const std::size_t n = static_cast<std::size_t>(config.run.firms);
  Membership m;
  m.targeted.assign(n, 0);
  m.size.assign(n, static_cast<std::int16_t>(layout.size0 + 4));
  m.age.assign(n, static_cast<std::int16_t>(layout.age0 + 3));
  m.industry.assign(n, static_cast<std::int16_t>(layout.industry0));
  const FirmYearColumns& v = variant.panel.firm_years;
  for (auto [b, e] = replicate_ranges(v, variant.panel.meta.replicates).at(static_cast<std::size_t>(replicate)); b < e;
       ++b) {
    const std::size_t f = static_cast<std::size_t>(v.firm[b]);
    if (variant.policy.targeted[b]) m.targeted[f] = 1;
    m.industry[f] = static_cast<std::int16_t>(layout.technology(config, v.industry[b]));  // the same in both
  }
  const int before = std::max(baseline.panel.meta.first_year, years.first - 1);
  const FirmYearColumns& c = baseline.panel.firm_years;
  for (auto [b, e] = replicate_ranges(c, baseline.panel.meta.replicates).at(static_cast<std::size_t>(replicate)); b < e;
       ++b) {
    const std::size_t f = static_cast<std::size_t>(c.firm[b]);
    m.industry[f] = static_cast<std::int16_t>(layout.technology(config, c.industry[b]));
    if (c.year[b] != before || !c.alive[b]) continue;
    m.size[f] = static_cast<std::int16_t>(layout.size0 + size_class(c.fte[b]));
    m.age[f] = static_cast<std::int16_t>(layout.age0 + age_class(before - c.founding_year[b]));
  }
  return m;
}

// Regions of each market, as measure indices.
std::vector<int> market_region(const Config& config) {
  std::vector<int> out;
  for (const MarketSpec& m : config.markets) {
    const auto it = std::find(config.regions.begin(), config.regions.end(), m.meta.region);
    out.push_back(kFixedMeasures + static_cast<int>(it - config.regions.begin()));
  }
  return out;
}

// The latent export markets of each firm, year by year, from the flows.
class MarketMasks {
 public:
  explicit MarketMasks(std::size_t firms) : previous_(firms, 0), current_(firms, 0) {}
  // Moves to `year`, reading its flows from `flows` starting at `k` (advanced).
  void advance(const FlowColumns& flows, std::size_t& k, std::size_t end, int year) {
    for (std::int64_t f : touched_previous_) previous_[static_cast<std::size_t>(f)] = 0;
    for (std::int64_t f : touched_) previous_[static_cast<std::size_t>(f)] = current_[static_cast<std::size_t>(f)];
    for (std::int64_t f : touched_) current_[static_cast<std::size_t>(f)] = 0;
    touched_previous_.swap(touched_);
    touched_.clear();
    while (k < end && flows.year[k] < year) ++k;
    for (; k < end && flows.year[k] == year; ++k) {
      if (!(flows.exports_true[k] > 0)) continue;
      std::uint64_t& mask = current_[static_cast<std::size_t>(flows.firm[k])];
      if (mask == 0) touched_.push_back(flows.firm[k]);
      mask |= std::uint64_t{1} << flows.market[k];
    }
  }
  std::uint64_t now(std::int64_t f) const { return current_[static_cast<std::size_t>(f)]; }
  std::uint64_t last_year(std::int64_t f) const { return previous_[static_cast<std::size_t>(f)]; }

 private:
  std::vector<std::uint64_t> previous_, current_;
  std::vector<std::int64_t> touched_, touched_previous_;
};

// Per-firm first-ever export year of one replicate (FirmColumns).
std::vector<std::int16_t> export_start_years(const Panel& p, int replicate, std::size_t firms) {
  std::vector<std::int16_t> out(firms, 0);
  const FirmColumns& c = p.firms;
  for (auto [b, e] = replicate_ranges(c, p.meta.replicates).at(static_cast<std::size_t>(replicate)); b < e; ++b)
    out[static_cast<std::size_t>(c.firm[b])] = c.latent_export_start_year[b];
  return out;
}

// One firm-year's outcomes, in measure order.
struct RowOutcomes {
  std::vector<double> value;
  std::uint64_t entered = 0;
};

// Calls visit(row, year, outcomes) for every firm-year row of one replicate.
template <class Visit>
void walk_rows(const Config& config, const VariantResult& r, int replicate, int n_measures, Visit&& visit) {
  const FirmYearColumns& c = r.panel.firm_years;
  const auto rows = replicate_ranges(c, r.panel.meta.replicates).at(static_cast<std::size_t>(replicate));
  const auto flows = replicate_ranges(r.panel.flows, r.panel.meta.replicates).at(static_cast<std::size_t>(replicate));
  const std::vector<std::int16_t> starts =
      export_start_years(r.panel, replicate, static_cast<std::size_t>(config.run.firms));
  const std::vector<int> region = market_region(config);
  MarketMasks masks(static_cast<std::size_t>(config.run.firms));
  std::size_t k = flows.first;
  int year = std::numeric_limits<int>::min();
  RowOutcomes o;
  o.value.assign(static_cast<std::size_t>(n_measures), 0.0);
  for (std::size_t b = rows.first; b < rows.second; ++b) {
    if (c.year[b] != year) {
      year = c.year[b];
      masks.advance(r.panel.flows, k, flows.second, year);
    }
    const std::int64_t f = c.firm[b];
    std::fill(o.value.begin(), o.value.end(), 0.0);
    const bool alive = c.alive[b] != 0;
    const bool exporter = alive && c.exports_true[b] > 0;
    o.value[exporters] = exporter;
    o.value[export_starters] = exporter && starts[static_cast<std::size_t>(f)] == year;
    // Entries need last year's markets: none are counted in the first recorded year.
    o.entered = year > r.panel.meta.first_year ? masks.now(f) & ~masks.last_year(f) : 0;
    o.value[market_entries] = popcount64(o.entered);
    for (std::uint64_t rest = o.entered; rest; rest &= rest - 1) o.value[region[lowest_bit(rest)]] += 1;
    o.value[export_value] = c.exports_true[b];
    o.value[exporter_survivors] = alive && masks.last_year(f) != 0;
    o.value[employment] = c.fte[b];
    o.value[value_added] = c.value_added[b];
    o.value[support_paid] = r.policy.support[b];
    o.value[supported_firms] = r.policy.support[b] > 0;
    o.value[waterfall_exporters] = exporter && c.latent_strategy[b] == 1;
    o.value[sprinkler_exporters] = exporter && c.latent_strategy[b] == 2;
    visit(b, year, static_cast<const RowOutcomes&>(o), masks);
  }
}

using YearGroupMeasure = std::vector<std::vector<std::vector<double>>>;

YearGroupMeasure totals(const Config& config, const Layout& layout, const Membership& m, const VariantResult& r,
                        int replicate, int years, int n_measures) {
  YearGroupMeasure t(static_cast<std::size_t>(layout.groups()),
                     std::vector<std::vector<double>>(static_cast<std::size_t>(years),
                                                      std::vector<double>(static_cast<std::size_t>(n_measures), 0)));
  const int first = r.panel.meta.first_year;
  const FirmYearColumns& c = r.panel.firm_years;
  walk_rows(config, r, replicate, n_measures, [&](std::size_t b, int year, const RowOutcomes& o, const MarketMasks&) {
    const std::size_t f = static_cast<std::size_t>(c.firm[b]);
    const int groups[] = {layout.all, m.targeted[f] ? layout.targeted : layout.not_targeted, m.size[f], m.age[f],
                          m.industry[f]};
    for (int g : groups) {
      std::vector<double>& cell = t[static_cast<std::size_t>(g)][static_cast<std::size_t>(year - first)];
      for (int x = 0; x < n_measures; ++x) cell[static_cast<std::size_t>(x)] += o.value[static_cast<std::size_t>(x)];
    }
  });
  return t;
}

// Deadweight of one replicate. A firm is supported when the program paid it
// anything; its supported entries are the markets it entered in the program
// variant from its first supported year on. An entry is deadweight when the
// baseline firm serves the same market in that year or later without
// support; a supported firm is additional when at least one of its supported
// entries is not deadweight, deadweight otherwise (paying a firm that then
// enters nothing new buys nothing).
void deadweight(const Config& config, const VariantResult& base, const VariantResult& prog, int replicate,
                Deadweight& out) {
  const int n = static_cast<int>(kFixedMeasures + config.regions.size());
  std::unordered_map<std::int64_t, int> first_supported;
  std::vector<std::tuple<std::int64_t, int, int>> entries;  // firm, market, year
  const FirmYearColumns& pc = prog.panel.firm_years;
  walk_rows(config, prog, replicate, n, [&](std::size_t b, int year, const RowOutcomes& o, const MarketMasks&) {
    if (prog.policy.support[b] > 0) first_supported.emplace(pc.firm[b], year);
    const auto it = first_supported.find(pc.firm[b]);
    if (it == first_supported.end()) return;
    for (std::uint64_t rest = o.entered; rest; rest &= rest - 1)
      entries.emplace_back(pc.firm[b], lowest_bit(rest), year);
  });
  std::unordered_map<std::int64_t, int> last_served;  // firm * 64 + market -> last year served in the baseline
  const FlowColumns& bf = base.panel.flows;
  for (auto [b, e] = replicate_ranges(bf, base.panel.meta.replicates).at(static_cast<std::size_t>(replicate)); b < e;
       ++b)
    if (bf.exports_true[b] > 0 && first_supported.count(bf.firm[b]))
      last_served[bf.firm[b] * 64 + bf.market[b]] = bf.year[b];
  std::unordered_map<std::int64_t, bool> additional;
  for (const auto& [firm, year] : first_supported) additional[firm] = false;
  for (const auto& [firm, market, year] : entries) {
    const auto it = last_served.find(firm * 64 + market);
    if (it == last_served.end() || it->second < year) additional[firm] = true;
  }
  double a = 0;
  for (const auto& [firm, is_additional] : additional) a += is_additional;
  out.supported.push_back(static_cast<double>(first_supported.size()));
  out.additional.push_back(a);
  out.deadweight.push_back(static_cast<double>(first_supported.size()) - a);
}

TypologyEffect typology_effect(const Config& config, const VariantResult& base, const VariantResult& prog) {
  TypologyEffect t;
  const est::ExportType kinds[] = {est::ExportType::born_global, est::ExportType::born_international,
                                   est::ExportType::traditional, est::ExportType::born_again_global,
                                   est::ExportType::unclassified_eu_wide};
  for (est::ExportType k : kinds) t.types.push_back(est::type_code(k));
  t.effect.assign(t.types.size(), {});
  const est::SampleFrame frame;
  if (base.panel.meta.first_year > frame.start_year || base.panel.meta.last_year < frame.end_year) {
    t.note = "the observed typology needs the recorded years to cover 1998-2005";
    return t;
  }
  est::TypologyRules rules;
  rules.early_years = config.typology.early_years;
  rules.global_countries = config.typology.min_countries;
  for (int r = 0; r < base.panel.meta.replicates; ++r) {
    std::vector<double> diff(t.types.size(), 0);
    for (int sign : {1, -1}) {
      const Panel& p = sign > 0 ? prog.panel : base.panel;
      for (const est::TypeAssignment& a :
           est::classify_all(est::firm_histories(p, r, frame), p.meta.markets, frame, rules))
        for (std::size_t k = 0; k < t.types.size(); ++k)
          if (a.type == kinds[k]) diff[k] += sign;
    }
    for (std::size_t k = 0; k < t.types.size(); ++k) t.effect[k].push_back(diff[k]);
  }
  return t;
}

}  // namespace

const char* measure_name(int measure) { return measure < kFixedMeasures ? kMeasureNames[measure] : "market_entries"; }

GroupSet group_set(const Config& config) {
  const Layout layout(config);
  GroupSet g;
  auto add = [&](const std::string& name, const char* family) {
    g.names.push_back(name);
    g.family.push_back(family);
  };
  add("all firms", "all");
  add("targeted", "target");
  add("not targeted", "target");
  for (const char* s : kSizeClasses) add(s, "size");
  for (const char* a : kAgeClasses) add(a, "age");
  for (const std::string& t : layout.technologies) add("industry " + t, "industry");
  return g;
}

std::pair<int, int> program_years(const Config& config) {
  if (config.policies.empty()) return {0, 0};
  int from = config.policies.front().from, to = config.policies.front().to;
  for (const PolicySpec& p : config.policies) {
    from = std::min(from, p.from);
    to = std::max(to, p.to);
  }
  return {from, to};
}

Comparison compare_variants(const Config& program, const VariantResult& baseline, const VariantResult& variant) {
  Comparison c;
  c.program = program.overlays.empty() ? program.source : program.overlays.back();
  c.first_year = baseline.panel.meta.first_year;
  c.last_year = baseline.panel.meta.last_year;
  std::tie(c.program_from, c.program_to) = program_years(program);
  c.groups = group_set(program);
  for (int x = 0; x < kFixedMeasures; ++x) c.measures.push_back(kMeasureNames[x]);
  for (const std::string& r : program.regions) c.measures.push_back("market_entries:" + r);
  const Layout layout(program);
  const int years = c.last_year - c.first_year + 1;
  const int n = static_cast<int>(c.measures.size());
  for (int r = 0; r < baseline.panel.meta.replicates; ++r) {
    const Membership m = membership(program, layout, baseline, variant, r, {c.program_from, c.program_to});
    c.baseline.push_back(totals(program, layout, m, baseline, r, years, n));
    c.variant.push_back(totals(program, layout, m, variant, r, years, n));
    deadweight(program, baseline, variant, r, c.deadweight);
    std::vector<double> overhead(static_cast<std::size_t>(years), 0);
    for (const PolicySpec& p : program.policies)
      for (int y = std::max(p.from, c.first_year); y <= std::min(p.to, c.last_year); ++y)
        overhead[static_cast<std::size_t>(y - c.first_year)] += p.cost_per_year;
    c.overhead.push_back(overhead);
  }
  c.typology = typology_effect(program, baseline, variant);
  return c;
}

std::vector<double> Comparison::effect(int group, int year, int measure) const {
  std::vector<double> out;
  const std::size_t g = static_cast<std::size_t>(group), y = static_cast<std::size_t>(year - first_year),
                    x = static_cast<std::size_t>(measure);
  for (std::size_t r = 0; r < baseline.size(); ++r) out.push_back(variant[r][g][y][x] - baseline[r][g][y][x]);
  return out;
}

std::vector<double> Comparison::cumulated(int group, int from, int to, int measure) const {
  std::vector<double> out(baseline.size(), 0);
  for (int y = std::max(from, first_year); y <= std::min(to, last_year); ++y) {
    const std::vector<double> e = effect(group, y, measure);
    for (std::size_t r = 0; r < out.size(); ++r) out[r] += e[r];
  }
  return out;
}

std::vector<double> Comparison::public_cost(int group, int from, int to) const {
  std::vector<double> out(baseline.size(), 0);
  for (std::size_t r = 0; r < out.size(); ++r)
    for (int y = std::max(from, first_year); y <= std::min(to, last_year); ++y) {
      const std::size_t i = static_cast<std::size_t>(y - first_year);
      out[r] += variant[r][static_cast<std::size_t>(group)][i][support_paid];
      if (group == 0) out[r] += overhead[r][i];
    }
  return out;
}

std::vector<FirmEffect> firm_effects(const VariantResult& baseline, const VariantResult& variant, int replicate) {
  // Firm ids are dense per replicate: accumulate both variants into one table.
  std::unordered_map<std::int64_t, FirmEffect> by_firm;
  for (int sign : {1, -1}) {
    const VariantResult& r = sign > 0 ? variant : baseline;
    const FirmYearColumns& c = r.panel.firm_years;
    const auto rows = replicate_ranges(c, r.panel.meta.replicates).at(static_cast<std::size_t>(replicate));
    std::unordered_map<std::int64_t, std::uint64_t> previous, current;
    const auto flows = replicate_ranges(r.panel.flows, r.panel.meta.replicates).at(static_cast<std::size_t>(replicate));
    std::size_t k = flows.first;
    int year = std::numeric_limits<int>::min();
    for (std::size_t b = rows.first; b < rows.second; ++b) {
      if (c.year[b] != year) {
        year = c.year[b];
        previous.swap(current);
        current.clear();
        for (; k < flows.second && r.panel.flows.year[k] == year; ++k)
          if (r.panel.flows.exports_true[k] > 0)
            current[r.panel.flows.firm[k]] |= std::uint64_t{1} << r.panel.flows.market[k];
      }
      FirmEffect& e = by_firm[c.firm[b]];
      e.firm = c.firm[b];
      if (sign > 0 && variant.policy.targeted[b]) e.targeted = true;
      const bool alive = c.alive[b] != 0;
      e.exporter_years += sign * (alive && c.exports_true[b] > 0);
      e.export_value += sign * static_cast<double>(c.exports_true[b]);
      e.employment += sign * static_cast<double>(c.fte[b]);
      e.support_paid += sign * static_cast<double>(r.policy.support[b]);
      if (year > r.panel.meta.first_year) {
        const auto now = current.find(c.firm[b]);
        const auto before = previous.find(c.firm[b]);
        const std::uint64_t entered =
            (now == current.end() ? 0 : now->second) & ~(before == previous.end() ? 0 : before->second);
        e.market_entries += sign * popcount64(entered);
      }
    }
  }
  std::vector<FirmEffect> out;
  for (const auto& [firm, e] : by_firm) out.push_back(e);
  std::sort(out.begin(), out.end(), [](const FirmEffect& a, const FirmEffect& b) { return a.firm < b.firm; });
  return out;
}

Interval t_interval(const std::vector<double>& x) {
  Interval i;
  i.n = static_cast<int>(x.size());
  if (x.empty()) return i;
  double sum = 0;
  for (double v : x) sum += v;
  i.mean = sum / i.n;
  i.lo = i.hi = i.mean;
  if (i.n < 2) return i;
  double ss = 0;
  for (double v : x) ss += (v - i.mean) * (v - i.mean);
  const double se = std::sqrt(ss / (i.n - 1) / i.n);
  const double t = boost::math::quantile(boost::math::students_t(i.n - 1), 0.975);
  i.lo = i.mean - t * se;
  i.hi = i.mean + t * se;
  return i;
}

}  // namespace firmsim::policy
