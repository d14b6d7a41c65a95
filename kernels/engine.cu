// The only translation unit that touches Thrust: device storage for the
// population and the Thrust calls that run the functors of firm_year.hpp.
// Compiled by nvcc for the CUDA backend and as C++ (THRUST_DEVICE_SYSTEM=OMP)
// for the CPU backend.
#include "kernels/engine.hpp"

#include <cstring>
#include <limits>

#include <thrust/copy.h>
#include <thrust/count.h>
#include <thrust/device_vector.h>
#include <thrust/for_each.h>
#include <thrust/gather.h>
#include <thrust/host_vector.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/reduce.h>
#include <thrust/scan.h>
#include <thrust/transform.h>
#include <thrust/transform_reduce.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>

#if defined(FIRMSIM_BACKEND_CUDA)
#include <cuda_runtime.h>
#else
#include <unistd.h>
#endif

#include "kernels/firm_year.hpp"

namespace firmsim {

namespace {

template <class T>
T* raw(thrust::device_vector<T>& v) {
  return thrust::raw_pointer_cast(v.data());
}

template <class T>
std::vector<T> to_host(const thrust::device_vector<T>& v) {
  std::vector<T> out(v.size());
  // An empty copy would still bind *out.begin() of an empty vector (UBSan: null reference).
  if (!v.empty()) thrust::copy(v.begin(), v.end(), out.begin());
  return out;
}

// Host values into an existing device array of at least their size.
template <class T>
void copy_to_device(const std::vector<T>& host, thrust::device_vector<T>& device) {
  if (!host.empty()) thrust::copy(host.begin(), host.end(), device.begin());  // see to_host
}

template <class T>
thrust::device_vector<T> to_device(const std::vector<T>& v) {
  return thrust::device_vector<T>(v.begin(), v.end());
}

// The year's best import supply per unit of cost scale (the bound of
// some_supplier_may_pay); infinity, so no bound, if a cost scale is not positive.
float best_supply_per_cost(const std::vector<MarketParams>& markets, const std::vector<MarketYear>& year) {
  float best = 0;
  for (std::size_t m = 0; m < year.size(); ++m) {
    if (!(year[m].cost_scale > 0)) return std::numeric_limits<float>::infinity();
    best = std::max(best, markets[m].import_supply / year[m].cost_scale);
  }
  return best;
}

// The year's best log(reach / cost_scale) over the markets (the entry
// screen's bound for a firm without a row); NaN if any market's is NaN, so
// that such a market is valued, as the per-market screen would.
float best_log_reach_per_cost(const std::vector<MarketYear>& year) {
  float best = -std::numeric_limits<float>::infinity();
  for (const MarketYear& my : year) {
    if (std::isnan(my.log_reach_per_cost)) return my.log_reach_per_cost;
    best = std::max(best, my.log_reach_per_cost);
  }
  return best;
}

// A row for year t: alive now, or died during t.
struct HasRow {
  FirmStateView s;
  int year;
  FIRMSIM_HD bool operator()(std::int64_t i) const {
    return s.status[i] == static_cast<std::uint8_t>(FirmStatus::alive) ||
           (s.status[i] == static_cast<std::uint8_t>(FirmStatus::dead) && s.exit_year[i] == year);
  }
};

// The markets where firm i can hold a flow: the step writes export and
// import values only in markets the firm ever served or sourced from (steps 8
// and 10; every other cell stays 0), so the others are not read.
FIRMSIM_HD FIRMSIM_INLINE MarketMask markets_ever_traded(const FirmStateView& s, std::int64_t i) {
  return s.ever_exported_mask[i] | s.export_mask[i] | s.ever_imported_mask[i] | s.import_mask[i];
}

// Whether the cell holds a flow of the year.
FIRMSIM_HD FIRMSIM_INLINE bool holds_flow(const FirmStateView& s, std::int64_t cell) {
  return s.export_value[cell] > 0 || s.import_value[cell] > 0;
}

struct CountFlows {
  FirmStateView s;
  FIRMSIM_HD std::int64_t operator()(std::int64_t i) const {
    const std::int64_t row = s.row_of(i);
    if (row < 0) return 0;
    std::int64_t n = 0;
    for (MarketMask rest = markets_ever_traded(s, i); rest; rest &= rest - 1)
      if (holds_flow(s, s.cell(lowest_bit(rest), row))) ++n;
    return n;
  }
};

// Where each flow is: its firm's row of the record, its market and its cell
// in the per-market arrays, which the record then gathers from.
struct FlowCells {
  std::int64_t* row;
  std::uint8_t* market;
  std::int64_t* cell;
};

struct LocateFlows {
  FirmStateView s;
  const std::int64_t* rows;
  const std::int64_t* offsets;
  FlowCells out;
  // Markets in ascending order, as CountFlows counted them.
  FIRMSIM_HD void operator()(std::int64_t r) const {
    const std::int64_t row = s.row_of(rows[r]);
    if (row < 0) return;
    std::int64_t k = offsets[r];
    for (MarketMask rest = markets_ever_traded(s, rows[r]); rest; rest &= rest - 1) {
      const int m = lowest_bit(rest);
      const std::int64_t cell = s.cell(m, row);
      if (!holds_flow(s, cell)) continue;
      out.row[k] = r;
      out.market[k] = static_cast<std::uint8_t>(m);
      out.cell[k] = cell;
      ++k;
    }
  }
};

struct IsRow {
  FIRMSIM_HD bool operator()(std::int32_t row) const { return row >= 0; }
};

// The variant of population index i (variants are contiguous blocks).
struct VariantIndex {
  std::int64_t firms_per_variant;
  FIRMSIM_HD int operator()(std::int64_t i) const { return static_cast<int>(i / firms_per_variant); }
};

// Crowding: last year's industry x market counts per replicate, in two
// passes so that both are parallel maps and the sums are exact integers
// (the same whatever the thread count or device): each chunk of a
// replicate's firms counts into its own row, then each (replicate, industry,
// market) cell sums its replicate's chunk rows.
constexpr std::int64_t kCrowdingChunk = 4096;

struct CountCrowdingChunk {
  FirmStateView s;
  std::int64_t firms_per_replicate, chunks_per_replicate;
  int n_markets, n_industries;
  std::int32_t* partial;  // [chunk][industry][market + 1 (alive)]
  FIRMSIM_HD void operator()(std::int64_t c) const {
    const std::int64_t r = c / chunks_per_replicate;
    const std::int64_t begin = r * firms_per_replicate + (c % chunks_per_replicate) * kCrowdingChunk;
    const std::int64_t end_of_replicate = (r + 1) * firms_per_replicate;
    const std::int64_t end = begin + kCrowdingChunk < end_of_replicate ? begin + kCrowdingChunk : end_of_replicate;
    const int width = n_markets + 1;
    std::int32_t* out = partial + c * n_industries * width;
    for (int k = 0; k < n_industries * width; ++k) out[k] = 0;
    for (std::int64_t i = begin; i < end; ++i) {
      if (s.status[i] != static_cast<std::uint8_t>(FirmStatus::alive)) continue;
      std::int32_t* row = out + s.industry[i] * width;
      ++row[n_markets];
      for (MarketMask rest = s.export_mask[i]; rest; rest &= rest - 1) ++row[lowest_bit(rest)];
    }
  }
};

// Sums each (replicate, industry, market or alive) cell over its replicate's chunk rows.
struct SumCrowdingChunks {
  const std::int32_t* partial;
  std::int64_t chunks_per_replicate;
  int width, n_industries;  // width = n_markets + 1 (alive)
  std::int64_t* counts;     // [replicate][industry][width]
  FIRMSIM_HD void operator()(std::int64_t q) const {
    const std::int64_t cells = static_cast<std::int64_t>(n_industries) * width;
    const std::int64_t r = q / cells, cell = q % cells;
    std::int64_t sum = 0;
    for (std::int64_t c = r * chunks_per_replicate; c < (r + 1) * chunks_per_replicate; ++c)
      sum += partial[c * cells + cell];
    counts[q] = sum;
  }
};

struct CrowdingShare {
  const std::int64_t* counts;  // [replicate][industry][market + 1 (alive)]
  int n_markets, n_industries;
  const YearInputs* inputs;  // by variant, for the elasticity
  int replicates_per_variant;
  float* factor;  // [replicate][industry][market]
  FIRMSIM_HD void operator()(std::int64_t q) const {
    const std::int64_t r = q / (static_cast<std::int64_t>(n_industries) * n_markets);
    const int j = static_cast<int>(q / n_markets % n_industries);
    const int m = static_cast<int>(q % n_markets);
    const std::int64_t* row = counts + (r * n_industries + j) * (n_markets + 1);
    const std::int64_t served = row[m], alive = row[n_markets];
    const float share = alive > 0 ? static_cast<float>(static_cast<double>(served) / static_cast<double>(alive)) : 0.0f;
    factor[q] = pmath::exp(-inputs[r / replicates_per_variant].params.interactions.crowding_elasticity * share);
  }
};

// Each (replicate, industry)'s largest crowding factor over the markets: the
// entry screen's bound of the crowding a firm could meet in any market.
struct BestCrowding {
  const float* factor;  // [replicate][industry][market]
  int n_markets;
  float* best;  // [replicate][industry]
  FIRMSIM_HD void operator()(std::int64_t q) const {
    float b = 0.0f;
    for (int m = 0; m < n_markets; ++m) b = pmath::fmax(b, factor[q * n_markets + m]);
    best[q] = b;
  }
};

// Market rows (kernels/README.md): whether firm i keeps its row when the pool
// is compacted in `year`: it holds one and did not die before `year` (a firm
// that died earlier has been recorded and is never read again).
struct KeepsRow {
  FirmStateView s;
  int year;
  FIRMSIM_HD std::int64_t operator()(std::int64_t i) const {
    if (s.market_row[i] < 0) return 0;
    const bool gone = s.status[i] == static_cast<std::uint8_t>(FirmStatus::dead) && s.exit_year[i] < year;
    return gone ? 0 : 1;
  }
};

// Gives each kept row its place in firm order (new_row: the exclusive scan
// of KeepsRow) and frees the others; a firm waiting for a row keeps waiting.
struct RenumberRows {
  FirmStateView s;
  int year;
  const std::int64_t* new_row;
  std::int64_t* old_of_new;
  FIRMSIM_HD void operator()(std::int64_t i) const {
    if (KeepsRow{s, year}(i)) {
      old_of_new[new_row[i]] = s.market_row[i];
      s.market_row[i] = static_cast<std::int32_t>(new_row[i]);
    } else if (s.market_row[i] >= 0) {
      s.market_row[i] = kNoMarketRow;
    }
  }
};

// One per-market array into a pool of to_rows rows, row r taking old row old_of_new[r].
template <class T>
struct MoveRows {
  const T* from;
  T* to;
  const std::int64_t* old_of_new;
  std::int64_t from_rows, to_rows;
  int n_markets;
  // One kept row r, every market: no division per element, and on a GPU the
  // threads of a warp write neighbouring rows of one market at a time.
  FIRMSIM_HD void operator()(std::int64_t r) const {
    const std::int64_t old = old_of_new[r];
    for (int m = 0; m < n_markets; ++m) to[pool_cell(m, r, to_rows, n_markets)] = from[pool_cell(m, old, from_rows, n_markets)];
  }
};

template <class T>
void move_rows(thrust::device_vector<T>& v, const thrust::device_vector<std::int64_t>& old_of_new, std::int64_t kept,
               std::int64_t from_rows, std::int64_t to_rows, int n_markets) {
  thrust::device_vector<T> moved(static_cast<std::size_t>(to_rows) * n_markets);
  thrust::for_each(thrust::counting_iterator<std::int64_t>(0), thrust::counting_iterator<std::int64_t>(kept),
                   MoveRows<T>{thrust::raw_pointer_cast(v.data()), thrust::raw_pointer_cast(moved.data()),
                               thrust::raw_pointer_cast(old_of_new.data()), from_rows, to_rows, n_markets});
  v.swap(moved);
}

// Refilling the pool in place (Impl::refill_market_rows). MarkHeldRows frees
// the rows of firms dead before `year` and flags the rows kept (held[row] = 1;
// the exclusive scan of the flags then counts the held rows below each row).
struct MarkHeldRows {
  FirmStateView s;
  int year;
  std::int64_t* held;
  FIRMSIM_HD void operator()(std::int64_t i) const {
    if (KeepsRow{s, year}(i))
      held[s.market_row[i]] = 1;
    else if (s.market_row[i] >= 0)
      s.market_row[i] = kNoMarketRow;
  }
};

// The free rows below `kept`, in order: hole h is row hole_at[h]. below: the
// exclusive scan of the held flags, so row p is free iff below[p + 1] == below[p].
struct ListHoles {
  const std::int64_t* below;
  std::int64_t* hole_at;
  FIRMSIM_HD void operator()(std::int64_t p) const {
    if (below[p + 1] == below[p]) hole_at[p - below[p]] = p;
  }
};

// A firm holding a row at or above `kept` moves it into a hole: the k-th such
// row (in row order) into the k-th hole. Sources and holes are disjoint.
struct MoveIntoHole {
  FirmStateView s;
  int n_markets;
  std::int64_t kept;
  const std::int64_t* below;
  const std::int64_t* hole_at;
  FIRMSIM_HD void operator()(std::int64_t i) const {
    const std::int64_t row = s.market_row[i];
    if (row < kept) return;
    const std::int64_t hole = hole_at[below[row] - below[kept]];
    for (int m = 0; m < n_markets; ++m) {
      const std::int64_t from = s.cell(m, row), to = s.cell(m, hole);
#define FIRMSIM_MOVE_CELL(type, name, extent) FIRMSIM_ONE_PER_MARKET_##extent(s.name[to] = s.name[from];)
      FIRMSIM_FIRM_STATE(FIRMSIM_MOVE_CELL)
#undef FIRMSIM_MOVE_CELL
    }
    s.market_row[i] = static_cast<std::int32_t>(hole);
  }
};

// One peer slot of a firm: same industry with the given probability
// (always for program slots), then a uniform pick that skips the firm itself
// and peers it already has. Host code: peers are drawn once.
std::int32_t pick_peer(const RngKey& key, std::int64_t firm, int slot, bool program_slot, float same_share,
                       const std::vector<std::int32_t>& same_industry, std::int64_t firms_per_replicate,
                       const std::vector<std::int32_t>& chosen) {
  const PhiloxCounter block =
      draw4(key, static_cast<std::uint64_t>(firm), kTimeless, static_cast<std::uint32_t>(slot), Purpose::peers);
  bool same = program_slot || uniform(block, draws::peer_same_industry()) < same_share;
  if (same_industry.size() <= 1) same = false;
  const std::int64_t size = same ? static_cast<std::int64_t>(same_industry.size()) : firms_per_replicate;
  const std::int64_t start =
      std::min<std::int64_t>(size - 1, static_cast<std::int64_t>(uniform(block, draws::peer_pick()) * size));
  for (std::int64_t step = 0; step < size; ++step) {
    const std::int64_t k = (start + step) % size;
    const std::int32_t candidate = same ? same_industry[k] : static_cast<std::int32_t>(k);
    if (candidate != firm && std::find(chosen.begin(), chosen.end(), candidate) == chosen.end()) return candidate;
  }
  return static_cast<std::int32_t>(firm);  // a replicate too small for distinct peers
}

}  // namespace

namespace {
std::size_t elements_per_firm(Extent e, int n_markets, int peer_slots) {
  switch (e) {
    case Extent::firm:
      return 1;
    case Extent::market:
      return static_cast<std::size_t>(n_markets);
    case Extent::peer:
      return static_cast<std::size_t>(peer_slots);
    case Extent::interacting:
      return peer_slots > 0 ? 1 : 0;
  }
  return 0;
}

// One word of FirmStateView::exporter_bits: the firms 64 w .. 64 w + 63 with
// a market in export_mask (read in order, so the pass streams).
struct MarkExporters {
  const MarketMask* export_mask;
  std::int64_t n;
  std::uint64_t* bits;
  FIRMSIM_HD void operator()(std::int64_t w) const {
    std::uint64_t word = 0;
    const std::int64_t first = w * 64;
    const int count = static_cast<int>(n - first < 64 ? n - first : 64);
    for (int b = 0; b < count; ++b) word |= static_cast<std::uint64_t>(export_mask[first + b] != 0) << b;
    bits[w] = word;
  }
};

// Every state array as raw bytes, for the copy benchmark.
template <class T>
void add_span(std::vector<std::pair<const void*, std::size_t>>& spans, const thrust::device_vector<T>& v) {
  spans.emplace_back(thrust::raw_pointer_cast(v.data()), v.size() * sizeof(T));
}
}  // namespace

struct Engine::Impl {
  EngineSetup setup;
  std::int64_t n = 0;
  int last_year = 0;

  // the state, one device array per entry of FIRMSIM_FIRM_STATE (firm_state.hpp)
#define FIRMSIM_DEVICE_ARRAY(type, name, extent) thrust::device_vector<type> name;
  FIRMSIM_FIRM_STATE(FIRMSIM_DEVICE_ARRAY)
#undef FIRMSIM_DEVICE_ARRAY
  // the world, one block per variant
  std::vector<VariantSetup> variants;
  int replicates_per_variant = 1;
  int n_markets = 0, n_industries = 0;
  thrust::device_vector<IndustryParams> industries;  // variant-major
  thrust::device_vector<MarketParams> markets;
  thrust::device_vector<MarketYear> market_year;
  thrust::device_vector<PolicyProgram> policies;  // kMaxPolicies slots per variant
  std::vector<int> n_policies;
  std::vector<MeasurementParams> measurement_by_variant;
  std::vector<float> best_supply_per_cost;  // this year's, per variant (YearInputs: the import bound)
  std::vector<float> best_log_reach_per_cost;  // this year's, per variant (YearInputs: the entry screen)
  thrust::device_vector<YearInputs> inputs_by_variant;
  thrust::device_vector<float> founding_cdf, industry_cdf;
  // last year's industry x market counts (crowding), per replicate
  thrust::device_vector<std::int32_t> crowding_partial;
  thrust::device_vector<std::int64_t> crowding_counts;
  thrust::device_vector<float> crowding_factor;
  thrust::device_vector<float> crowding_best;  // [replicate][industry]: max over markets (the entry screen)

  // The pool of market rows: capacity, and one counter of rows handed out.
  std::int64_t market_rows = 0;
  thrust::device_vector<std::int64_t> rows_taken;
  thrust::device_vector<std::uint64_t> exporter_bits;  // FirmStateView::exporter_bits (firms that interact)
  int passes_run_again = 0;  // for the firms that found the pool full

  FirmStateView view;

  explicit Impl(const EngineSetup& s) : setup(s), n(s.firms_per_replicate * s.replicates) {
    variants = s.variants;
    if (variants.empty()) variants.push_back(VariantSetup{s.params, s.industries, s.markets});
    const int v = static_cast<int>(variants.size());
    if (s.replicates % v != 0) throw std::invalid_argument("replicates must be a multiple of the number of variants");
    replicates_per_variant = s.replicates / v;
    n_markets = static_cast<int>(variants[0].markets.size());
    n_industries = static_cast<int>(variants[0].industries.size());
    std::vector<IndustryParams> all_industries;
    std::vector<MarketParams> all_markets;
    for (const VariantSetup& x : variants) {
      if (static_cast<int>(x.markets.size()) != n_markets || static_cast<int>(x.industries.size()) != n_industries)
        throw std::invalid_argument("every variant needs the same markets and industries");
      all_industries.insert(all_industries.end(), x.industries.begin(), x.industries.end());
      all_markets.insert(all_markets.end(), x.markets.begin(), x.markets.end());
    }
    allocate();
    industries = to_device(all_industries);
    markets = to_device(all_markets);
    market_year.resize(static_cast<std::size_t>(n_markets) * v);
    policies.resize(static_cast<std::size_t>(kMaxPolicies) * v);
    n_policies.assign(v, 0);
    measurement_by_variant.assign(v, MeasurementParams{});
    best_supply_per_cost.assign(v, std::numeric_limits<float>::infinity());
    best_log_reach_per_cost.assign(v, std::numeric_limits<float>::infinity());
    founding_cdf = to_device(s.founding_cdf);
    industry_cdf = to_device(s.industry_cdf);
    if (s.peer_slots > kMaxPeerSlots || s.base_peers > s.peer_slots)
      throw std::invalid_argument("at most 16 peer slots, base peers among them");
    if (s.crowding) {
      crowding_partial.resize(static_cast<std::size_t>(s.replicates * chunks_per_replicate()) * n_industries *
                              (n_markets + 1));
      crowding_counts.resize(static_cast<std::size_t>(s.replicates) * n_industries * (n_markets + 1));
      crowding_factor.resize(static_cast<std::size_t>(s.replicates) * n_industries * n_markets);
      crowding_best.resize(static_cast<std::size_t>(s.replicates) * n_industries);
    }
  }

  std::int64_t chunks_per_replicate() const {
    return (setup.firms_per_replicate + kCrowdingChunk - 1) / kCrowdingChunk;
  }

  // Each firm's peers, drawn once on the host after the slots have their
  // industries (see kernels/README.md for the layout).
  void draw_peers() {
    const std::vector<std::uint8_t> industry_of = to_host(industry);
    const std::int64_t per = setup.firms_per_replicate;
    const float share = variants[0].params.interactions.same_industry_share;
    std::vector<std::int32_t> host(static_cast<std::size_t>(n) * setup.peer_slots);
    std::vector<std::int32_t> chosen;
    for (std::int64_t r = 0; r < n / per; ++r) {
      std::vector<std::vector<std::int32_t>> by_industry(static_cast<std::size_t>(n_industries));
      for (std::int64_t f = 0; f < per; ++f)
        by_industry[industry_of[r * per + f]].push_back(static_cast<std::int32_t>(f));
      const RngKey key{setup.seed, setup.first_replicate + static_cast<std::uint32_t>(r % replicates_per_variant)};
      for (std::int64_t f = 0; f < per; ++f) {
        chosen.clear();
        const std::vector<std::int32_t>& same = by_industry[industry_of[r * per + f]];
        for (int k = 0; k < setup.peer_slots; ++k) {
          chosen.push_back(pick_peer(key, f, k, k >= setup.base_peers, share, same, per, chosen));
          host[static_cast<std::size_t>(k) * n + r * per + f] = chosen.back();
        }
      }
    }
    copy_to_device(host, peers);
  }

  // Last year's share of each industry's firms in each market, per replicate.
  void count_crowding(const YearInputs* inputs) {
    const std::int64_t chunks = setup.replicates * chunks_per_replicate();
    thrust::for_each(thrust::counting_iterator<std::int64_t>(0), thrust::counting_iterator<std::int64_t>(chunks),
                     CountCrowdingChunk{view, setup.firms_per_replicate, chunks_per_replicate(), n_markets,
                                        n_industries, raw(crowding_partial)});
    thrust::for_each(thrust::counting_iterator<std::int64_t>(0),
                     thrust::counting_iterator<std::int64_t>(static_cast<std::int64_t>(crowding_counts.size())),
                     SumCrowdingChunks{raw(crowding_partial), chunks_per_replicate(), n_markets + 1, n_industries,
                                       raw(crowding_counts)});
    if (setup.reduce_crowding_counts) {  // a split population: every part's counts together
      std::vector<std::int64_t> counts = to_host(crowding_counts);
      setup.reduce_crowding_counts(counts);
      copy_to_device(counts, crowding_counts);
    }
    thrust::for_each(thrust::counting_iterator<std::int64_t>(0),
                     thrust::counting_iterator<std::int64_t>(static_cast<std::int64_t>(crowding_factor.size())),
                     CrowdingShare{raw(crowding_counts), n_markets, n_industries, inputs, replicates_per_variant,
                                   raw(crowding_factor)});
    thrust::for_each(thrust::counting_iterator<std::int64_t>(0),
                     thrust::counting_iterator<std::int64_t>(static_cast<std::int64_t>(crowding_best.size())),
                     BestCrowding{raw(crowding_factor), n_markets, raw(crowding_best)});
  }

  int variant_count() const { return static_cast<int>(variants.size()); }
  VariantIndex firms_per_variant() const { return VariantIndex{setup.firms_per_replicate * replicates_per_variant}; }
  int variant_of(std::int64_t id) const {
    return static_cast<int>(id / setup.firms_per_replicate / replicates_per_variant);
  }

  // Elements per firm of an array of this extent.
  std::size_t per_firm(Extent e) const { return elements_per_firm(e, n_markets, setup.peer_slots); }

  // Elements of an array of this extent: per firm, or per market row.
  std::size_t elements(Extent e) const {
    const std::int64_t rows = e == Extent::market ? market_rows : n;
    return static_cast<std::size_t>(rows) * per_firm(e);
  }

  void allocate() {
    view.n = n;
    const std::int64_t wanted =
        setup.initial_market_rows > 0 ? setup.initial_market_rows : std::max<std::int64_t>(1024, n / 16);
    market_rows = std::max<std::int64_t>(1, std::min(wanted, n));
#define FIRMSIM_ALLOCATE(type, name, extent) \
  name.resize(elements(Extent::extent));     \
  view.name = raw(name);
    FIRMSIM_FIRM_STATE(FIRMSIM_ALLOCATE)
#undef FIRMSIM_ALLOCATE
    rows_taken.assign(1, 0);
    view.rows_taken = raw(rows_taken);
    view.market_rows = market_rows;
    view.markets_per_row = n_markets;
    if (setup.peer_slots > 0) {
      exporter_bits.assign(static_cast<std::size_t>((n + 63) / 64), 0);
      view.exporter_bits = raw(exporter_bits);
    }
  }

  // Which firms served a market as the year begins (before any firm moves).
  void mark_exporters() {
    thrust::for_each(thrust::counting_iterator<std::int64_t>(0),
                     thrust::counting_iterator<std::int64_t>(static_cast<std::int64_t>(exporter_bits.size())),
                     MarkExporters{raw(export_mask), n, raw(exporter_bits)});
  }

  std::int64_t rows_handed_out() const { return rows_taken[0]; }

  // Rewrites the pool in firm order, without the rows of firms dead before
  // `year`, into `capacity(kept)` rows (kernels/README.md, "Market rows").
  template <class Capacity>
  void compact_market_rows(int year, Capacity capacity) {
    thrust::device_vector<std::int64_t> new_row(static_cast<std::size_t>(n) + 1, 0);
    thrust::transform(thrust::counting_iterator<std::int64_t>(0), thrust::counting_iterator<std::int64_t>(n),
                      new_row.begin(), KeepsRow{view, year});
    thrust::exclusive_scan(new_row.begin(), new_row.end(), new_row.begin());
    const std::int64_t kept = new_row[n];
    thrust::device_vector<std::int64_t> old_of_new(static_cast<std::size_t>(kept));
    thrust::for_each(thrust::counting_iterator<std::int64_t>(0), thrust::counting_iterator<std::int64_t>(n),
                     RenumberRows{view, year, raw(new_row), raw(old_of_new)});
    const std::int64_t rows = std::max<std::int64_t>({1, kept, capacity(kept)});
#define FIRMSIM_MOVE_ROWS(type, name, extent)                                                      \
  FIRMSIM_ONE_PER_MARKET_##extent(move_rows(name, old_of_new, kept, market_rows, rows, n_markets); \
                                  view.name = raw(name);)
    FIRMSIM_FIRM_STATE(FIRMSIM_MOVE_ROWS)
#undef FIRMSIM_MOVE_ROWS
    market_rows = rows;
    view.market_rows = rows;
    rows_taken.assign(1, kept);
  }

  // Frees the rows of firms dead before `year` and moves the rows held at or
  // above the number kept into the freed rows below it, in place: the held
  // rows are then 0..kept-1, in no set order, and only the moved rows are
  // touched. (A new layout, compact_market_rows, writes the whole pool into
  // fresh memory, whose first touch costs more than the copy on a CPU.)
  void refill_market_rows(int year) {
    thrust::device_vector<std::int64_t> below(static_cast<std::size_t>(market_rows) + 1, 0);
    thrust::for_each(thrust::counting_iterator<std::int64_t>(0), thrust::counting_iterator<std::int64_t>(n),
                     MarkHeldRows{view, year, raw(below)});
    thrust::exclusive_scan(below.begin(), below.end(), below.begin());
    const std::int64_t kept = below[market_rows];
    const std::int64_t moves = kept - below[kept];
    if (moves > 0) {
      thrust::device_vector<std::int64_t> hole_at(static_cast<std::size_t>(moves));
      thrust::for_each(thrust::counting_iterator<std::int64_t>(0), thrust::counting_iterator<std::int64_t>(kept),
                       ListHoles{raw(below), raw(hole_at)});
      thrust::for_each(thrust::counting_iterator<std::int64_t>(0), thrust::counting_iterator<std::int64_t>(n),
                       MoveIntoHole{view, n_markets, kept, raw(below), raw(hole_at)});
    }
    rows_taken.assign(1, kept);
  }

  // Room for the year's new rows: when a quarter of the pool is no longer
  // free, the dead firms' rows are freed in place; if it is still three
  // quarters held, it grows to twice what is kept, so that growing (a new
  // layout) is rare.
  void prepare_market_rows(int year) {
    if (rows_handed_out() * 4 < market_rows * 3) return;
    refill_market_rows(year);
    if (rows_handed_out() * 4 < market_rows * 3) return;
    compact_market_rows(year, [&](std::int64_t kept) { return std::max(market_rows, 2 * kept + spare_rows()); });
  }

  // The fewest free rows a grown pool has.
  std::int64_t spare_rows() const { return std::min<std::int64_t>(1024, n / 16 + 1); }

  // After a pass: if some firms found the pool full, grows it to twice what
  // is kept, or by their number if more, and says so (they run their pass again).
  bool grow_for_waiting_firms(int year) {
    const std::int64_t taken = rows_handed_out();
    if (taken <= market_rows) return false;
    ++passes_run_again;
    const std::int64_t waiting = taken - market_rows;
    compact_market_rows(year, [&](std::int64_t kept) {
      return std::max(market_rows, kept + std::max(kept, waiting) + spare_rows());
    });
    return true;
  }

  // What keys variant v's firms' draws: the seed, where each firm sits in the
  // population (and in a larger one split over processes), the parameters.
  YearInputs keyed_inputs(int v) const {
    YearInputs in;
    in.seed = setup.seed;
    in.firms_per_replicate = setup.firms_per_replicate;
    in.replicates_per_variant = replicates_per_variant;
    in.first_replicate = setup.first_replicate;
    in.first_firm = setup.first_firm;
    in.params = variants[v].params;
    return in;
  }

  // What variant v's firms read this year (pointers into the device blocks).
  YearInputs inputs(int year, int v) {
    YearInputs in = keyed_inputs(v);
    in.year = year;
    in.measurement = measurement_by_variant[v];
    in.best_supply_per_cost = best_supply_per_cost[v];
    in.best_log_reach_per_cost = best_log_reach_per_cost[v];
    in.entry_bound = setup.entry_bound;
    in.industries = raw(industries) + static_cast<std::ptrdiff_t>(v) * n_industries;
    in.markets = raw(markets) + static_cast<std::ptrdiff_t>(v) * n_markets;
    in.market_year = raw(market_year) + static_cast<std::ptrdiff_t>(v) * n_markets;
    in.n_policies = n_policies[v];
    in.policies = in.n_policies > 0 ? raw(policies) + static_cast<std::ptrdiff_t>(v) * kMaxPolicies : nullptr;
    in.founding_cdf = raw(founding_cdf);
    in.n_founding_years = static_cast<int>(founding_cdf.size());
    in.first_founding_year = setup.first_founding_year;
    in.industry_cdf = raw(industry_cdf);
    in.peer_slots = setup.peer_slots;
    in.base_peers = setup.base_peers;
    in.n_industries = n_industries;
    in.crowding_factor = crowding_factor.empty() ? nullptr : raw(crowding_factor);
    in.crowding_best = crowding_best.empty() ? nullptr : raw(crowding_best);
    return in;
  }

  // Every variant's inputs on the device; the functors index them by firm.
  const YearInputs* upload_inputs(int year) {
    std::vector<YearInputs> all;
    for (int v = 0; v < variant_count(); ++v) all.push_back(inputs(year, v));
    inputs_by_variant = to_device(all);
    return raw(inputs_by_variant);
  }

  // Host copy of a firm's variant inputs, for redrawing its latent traits.
  YearInputs host_inputs_of(std::int64_t id) const { return keyed_inputs(variant_of(id)); }

  // Every state array as raw bytes (for the copy benchmark and the checkpoint).
  std::vector<std::pair<const void*, std::size_t>> state_spans() const {
    std::vector<std::pair<const void*, std::size_t>> spans;
#define FIRMSIM_SPAN(type, name, extent) add_span(spans, name);
    FIRMSIM_FIRM_STATE(FIRMSIM_SPAN)
#undef FIRMSIM_SPAN
    return spans;
  }

  template <class F>
  void for_each_batch(F f) {
    const std::int64_t batch = std::max<std::int64_t>(1, setup.batch);
    for (std::int64_t begin = 0; begin < n; begin += batch) {
      const std::int64_t end = std::min(n, begin + batch);
      thrust::for_each(thrust::counting_iterator<std::int64_t>(begin), thrust::counting_iterator<std::int64_t>(end), f);
    }
  }
};

namespace {
// The yearly step and the slot set-up as Thrust functors over population
// indices. Each firm reads its variant's inputs by reference: firms of one
// variant are contiguous, so a warp reads one address (a broadcast).
// `waiting`: run only the firms that found the pool of market rows full
// (they wrote nothing), after it has grown.
FIRMSIM_HD FIRMSIM_INLINE bool skip_unless_waiting(const FirmStateView& s, std::int64_t i, bool waiting) {
  if (!waiting) return false;
  if (s.market_row[i] != kMarketRowWanted) return true;
  s.market_row[i] = kNoMarketRow;
  return false;
}
struct StepFirm {
  const YearInputs* inputs;
  VariantIndex variant;
  FirmStateView s;
  bool waiting;
  FIRMSIM_HD void operator()(std::int64_t i) const {
    if (skip_unless_waiting(s, i, waiting)) return;
    step_firm_year(inputs[variant(i)], s, i);
  }
};
struct RememberLastYear {
  const YearInputs* inputs;
  VariantIndex variant;
  FirmStateView s;
  bool waiting;
  FIRMSIM_HD void operator()(std::int64_t i) const {
    if (skip_unless_waiting(s, i, waiting)) return;
    remember_last_year(inputs[variant(i)], s, i);
  }
};
struct InitializeSlot {
  const YearInputs* inputs;
  VariantIndex variant;
  FirmStateView s;
  FIRMSIM_HD void operator()(std::int64_t i) const {
    initialize_slot(inputs[variant(i)], s, i);
  }
};
}  // namespace

Engine::Engine(const EngineSetup& setup) {
  const VariantSetup first =
      setup.variants.empty() ? VariantSetup{setup.params, setup.industries, setup.markets} : setup.variants.front();
  if (first.markets.empty() || first.markets.size() > static_cast<std::size_t>(kMaxMarkets))
    throw std::invalid_argument("the world needs between 1 and 64 markets");
  if (first.industries.empty() || first.industries.size() > static_cast<std::size_t>(kMaxIndustries))
    throw std::invalid_argument("the world needs between 1 and 64 industries");
  impl_ = std::make_unique<Impl>(setup);
  const YearInputs* inputs = impl_->upload_inputs(0);
  impl_->for_each_batch(InitializeSlot{inputs, impl_->firms_per_variant(), impl_->view});
  if (setup.peer_slots > 0) impl_->draw_peers();
}

int Engine::variants() const { return impl_->variant_count(); }
int Engine::replicates_per_variant() const { return impl_->replicates_per_variant; }

Engine::~Engine() = default;

std::int64_t Engine::size() const { return impl_->n; }

void Engine::step(int year, const YearWorld& world) {
  step(year, std::vector<YearWorld>(static_cast<std::size_t>(impl_->variant_count()), world));
}

void Engine::step(int year, const std::vector<YearWorld>& worlds) {
  Impl& m = *impl_;
  if (static_cast<int>(worlds.size()) != m.variant_count())
    throw std::invalid_argument("Engine::step needs one YearWorld per variant");
  std::vector<MarketYear> market_year;
  std::vector<PolicyProgram> policies(static_cast<std::size_t>(kMaxPolicies) * worlds.size());
  for (std::size_t v = 0; v < worlds.size(); ++v) {
    const YearWorld& w = worlds[v];
    if (static_cast<int>(w.markets.size()) != m.n_markets)
      throw std::invalid_argument("YearWorld::markets must have one row per market");
    if (w.policies.size() > static_cast<std::size_t>(kMaxPolicies))
      throw std::invalid_argument("at most 16 policy programs can be in force at once");
    market_year.insert(market_year.end(), w.markets.begin(), w.markets.end());
    std::copy(w.policies.begin(), w.policies.end(), policies.begin() + v * kMaxPolicies);
    m.n_policies[v] = static_cast<int>(w.policies.size());
    m.measurement_by_variant[v] = w.measurement;
    m.best_supply_per_cost[v] = best_supply_per_cost(m.variants[v].markets, w.markets);
    m.best_log_reach_per_cost[v] = best_log_reach_per_cost(w.markets);
  }
  thrust::copy(market_year.begin(), market_year.end(), m.market_year.begin());
  thrust::copy(policies.begin(), policies.end(), m.policies.begin());
  const YearInputs* inputs = m.upload_inputs(year);
  m.prepare_market_rows(year);
  // Interactions read last year's state, prepared here before any firm moves.
  if (m.setup.peer_slots > 0) {
    m.mark_exporters();
    m.for_each_batch(RememberLastYear{inputs, m.firms_per_variant(), m.view, false});
    while (m.grow_for_waiting_firms(year))
      m.for_each_batch(RememberLastYear{inputs, m.firms_per_variant(), m.view, true});
  }
  if (m.setup.crowding) m.count_crowding(inputs);
  m.for_each_batch(StepFirm{inputs, m.firms_per_variant(), m.view, false});
  while (m.grow_for_waiting_firms(year)) m.for_each_batch(StepFirm{inputs, m.firms_per_variant(), m.view, true});
  m.last_year = year;
}

namespace {
template <class T>
void gather_column(const thrust::device_vector<std::int64_t>& rows, const thrust::device_vector<T>& column,
                   std::vector<T>& out) {
  thrust::device_vector<T> tmp(rows.size());
  thrust::gather(rows.begin(), rows.end(), column.begin(), tmp.begin());
  out.resize(rows.size());
  if (!rows.empty()) thrust::copy(tmp.begin(), tmp.end(), out.begin());
}
}  // namespace

void Engine::record_year(YearRecord& out, const StateSelection& which) const {
  Impl& m = *impl_;
  out = YearRecord{};
  out.year = m.last_year;

  thrust::device_vector<std::int64_t> rows(m.n);
  auto end = thrust::copy_if(thrust::counting_iterator<std::int64_t>(0), thrust::counting_iterator<std::int64_t>(m.n),
                             rows.begin(), HasRow{m.view, m.last_year});
  rows.resize(end - rows.begin());
  out.id = to_host(rows);

  std::vector<std::uint8_t> status;
  gather_column(rows, m.status, status);
  out.alive.resize(status.size());
  for (std::size_t r = 0; r < status.size(); ++r)
    out.alive[r] = status[r] == static_cast<std::uint8_t>(FirmStatus::alive);
#define FIRMSIM_GATHER(type, name, extent) \
  FIRMSIM_ONE_PER_FIRM_##extent(if (which[state_bit(StateArray::name)]) gather_column(rows, m.name, out.state.name);)
  FIRMSIM_FIRM_STATE(FIRMSIM_GATHER)
#undef FIRMSIM_GATHER
  // A firm that died this year has fte 0 in the record, as the paper's exit
  // definition (no employment reported) needs.
  if (!out.state.fte.empty())
    for (std::size_t r = 0; r < out.alive.size(); ++r)
      if (!out.alive[r]) out.state.fte[r] = 0;

  // Flows: count per row, scan to offsets, locate, gather the selected
  // per-market arrays at the flows' cells.
  const std::int64_t n_rows = static_cast<std::int64_t>(rows.size());
  thrust::device_vector<std::int64_t> counts(n_rows + 1, 0);
  thrust::transform(rows.begin(), rows.end(), counts.begin(), CountFlows{m.view});
  thrust::exclusive_scan(counts.begin(), counts.end(), counts.begin());
  const std::int64_t n_flows = counts[n_rows];
  thrust::device_vector<std::int64_t> flow_row(n_flows), cells(n_flows);
  thrust::device_vector<std::uint8_t> flow_market(n_flows);
  thrust::for_each(
      thrust::counting_iterator<std::int64_t>(0), thrust::counting_iterator<std::int64_t>(n_rows),
      LocateFlows{m.view, raw(rows), raw(counts), FlowCells{raw(flow_row), raw(flow_market), raw(cells)}});
  out.flow_row = to_host(flow_row);
  out.flow_market = to_host(flow_market);
#define FIRMSIM_GATHER_CELLS(type, name, extent)                          \
  FIRMSIM_ONE_PER_MARKET_##extent(if (which[state_bit(StateArray::name)]) \
                                      gather_column(cells, m.name, out.flow_state.name);)
  FIRMSIM_FIRM_STATE(FIRMSIM_GATHER_CELLS)
#undef FIRMSIM_GATHER_CELLS
}

namespace {
template <class T>
T element(const thrust::device_vector<T>& v, std::int64_t i) {
  return v[i];
}
}  // namespace

FirmSnapshot Engine::snapshot(std::int64_t id) const {
  Impl& m = *impl_;
  if (id < 0 || id >= m.n) throw std::out_of_range("firm id out of range");
  FirmSnapshot s;
  s.status = element(m.status, id);
  s.industry = element(m.industry, id);
  s.strategy = element(m.strategy, id);
  s.founding_year = element(m.founding_year, id);
  s.exit_year = element(m.exit_year, id);
  s.export_start_year = element(m.export_start_year, id);
  s.belief_mean = element(m.belief_mean, id);
  s.belief_precision = element(m.belief_precision, id);
  s.fte = element(m.fte, id);
  s.cash = element(m.cash, id);
  s.import_gain = element(m.import_gain, id);
  s.export_mask = element(m.export_mask, id);
  s.import_mask = element(m.import_mask, id);
  s.exported_1993_1997 = element(m.exported_1993_1997, id);
  const int n_markets = m.n_markets;
  const std::int64_t row = element(m.market_row, id);
  for (int k = 0; k < n_markets; ++k) {  // a firm without a market row holds the defaults
    const std::int64_t at = pool_cell(k, row, m.market_rows, n_markets);
    s.appeal_belief.push_back(row < 0 ? 0.0f : element(m.appeal_belief, at));
    s.export_value.push_back(row < 0 ? 0.0f : element(m.export_value, at));
    s.import_value.push_back(row < 0 ? 0.0f : element(m.import_value, at));
    s.export_tenure.push_back(row < 0 ? std::int8_t{0} : element(m.export_tenure, at));
    s.import_tenure.push_back(row < 0 ? std::int8_t{0} : element(m.import_tenure, at));
  }
  // Latent traits are redrawn on the host from the same generator.
  const std::vector<IndustryParams>& industries = m.variants[m.variant_of(id)].industries;
  const YearInputs in = m.host_inputs_of(id);
  FirmYear f{};
  f.firm = firm_number(in, id);
  f.rng = firm_key(in, id);
  f.industry = &industries[s.industry];
  draw_traits(in, f);
  s.efficiency = f.efficiency;
  s.orientation = f.orientation;
  return s;
}

FirmTable Engine::firm_table(const StateSelection& which) const {
  Impl& m = *impl_;
  FirmTable t;
#define FIRMSIM_COPY(type, name, extent) \
  FIRMSIM_ONE_PER_FIRM_##extent(if (which[state_bit(StateArray::name)]) t.state.name = to_host(m.name);)
  FIRMSIM_FIRM_STATE(FIRMSIM_COPY)
#undef FIRMSIM_COPY
  const std::vector<std::uint8_t> industry = to_host(m.industry);
  t.orientation.resize(industry.size());
  for (std::size_t i = 0; i < industry.size(); ++i) {
    const YearInputs in = m.host_inputs_of(static_cast<std::int64_t>(i));
    FirmYear f{};
    f.firm = firm_number(in, static_cast<std::int64_t>(i));
    f.rng = firm_key(in, static_cast<std::int64_t>(i));
    f.industry = &m.variants[m.variant_of(static_cast<std::int64_t>(i))].industries[industry[i]];
    draw_traits(in, f);
    t.orientation[i] = f.orientation;
  }
  return t;
}

PeerTable Engine::peer_table() const {
  PeerTable t;
  t.slots = impl_->setup.peer_slots;
  t.base_peers = impl_->setup.base_peers;
  t.peer = to_host(impl_->peers);
  return t;
}

void Engine::synchronize() const {
#if defined(FIRMSIM_BACKEND_CUDA)
  cudaDeviceSynchronize();
#endif
}

std::size_t Engine::state_bytes() const {
  std::size_t total = 0;
  for (const auto& span : impl_->state_spans()) total += span.second;
  return total;
}

std::int64_t Engine::market_rows() const { return impl_->market_rows; }

int Engine::passes_run_again() const { return impl_->passes_run_again; }

std::int64_t Engine::market_rows_held() const {
  return thrust::count_if(impl_->market_row.begin(), impl_->market_row.end(), IsRow{});
}

double Engine::time_state_copy(int repeats) const {
  // A plain memcpy of every state array (cudaMemcpy on the GPU, memcpy on
  // one CPU thread), not an element-wise Thrust copy: the bound a step that
  // reads and writes its state once cannot beat.
  const auto spans = impl_->state_spans();
  std::size_t largest = 0;
  for (const auto& span : spans) largest = std::max(largest, span.second);
  thrust::device_vector<std::uint8_t> scratch(largest, 0);
  void* to = thrust::raw_pointer_cast(scratch.data());
  double best = 1e300;
  for (int r = 0; r < std::max(1, repeats); ++r) {
    synchronize();
    const auto start = std::chrono::steady_clock::now();
    for (const auto& span : spans) {
#if defined(FIRMSIM_BACKEND_CUDA)
      cudaMemcpy(to, span.first, span.second, cudaMemcpyDeviceToDevice);
#else
      std::memcpy(to, span.first, span.second);
#endif
    }
    synchronize();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return best;
}

namespace {
void put_bytes(std::string& out, const void* data, std::size_t bytes) {
  out.append(static_cast<const char*>(data), bytes);
}
void get_bytes(const std::string& in, std::size_t& offset, void* data, std::size_t bytes, const std::string& what) {
  if (offset + bytes > in.size()) throw std::runtime_error("checkpoint ends inside " + what);
  std::copy(in.data() + offset, in.data() + offset + bytes, static_cast<char*>(data));
  offset += bytes;
}

// A checkpoint holds the pool market-major (file[m * rows + r]) whatever
// the backend's layout (pool_cell), so its bytes do not depend on the backend
// and those of the market-major layout before it still load.
struct PoolShape {
  std::int64_t rows;
  int markets;
};

template <class T>
std::vector<T> pool_to_file(const std::vector<T>& pool, PoolShape p) {
  std::vector<T> file(pool.size());
  for (std::int64_t r = 0; r < p.rows; ++r)
    for (int m = 0; m < p.markets; ++m) file[m * p.rows + r] = pool[pool_cell(m, r, p.rows, p.markets)];
  return file;
}

template <class T>
std::vector<T> pool_from_file(const std::vector<T>& file, PoolShape p) {
  std::vector<T> pool(file.size());
  for (std::int64_t r = 0; r < p.rows; ++r)
    for (int m = 0; m < p.markets; ++m) pool[pool_cell(m, r, p.rows, p.markets)] = file[m * p.rows + r];
  return pool;
}

// One array: its name, its byte count, its bytes.
template <class T>
void save_array(std::string& out, const char* name, const thrust::device_vector<T>& v, Extent e, PoolShape pool) {
  const std::uint64_t name_bytes = std::char_traits<char>::length(name), bytes = v.size() * sizeof(T);
  put_bytes(out, &name_bytes, sizeof name_bytes);
  put_bytes(out, name, name_bytes);
  put_bytes(out, &bytes, sizeof bytes);
  std::vector<T> host = to_host(v);
  if (e == Extent::market) host = pool_to_file(host, pool);
  put_bytes(out, host.data(), bytes);
}

template <class T>
void load_array(const std::string& in, std::size_t& offset, const char* name, thrust::device_vector<T>& v, Extent e,
                PoolShape pool) {
  std::uint64_t name_bytes = 0, bytes = 0;
  get_bytes(in, offset, &name_bytes, sizeof name_bytes, name);
  std::string stored(name_bytes < 256 ? name_bytes : 0, '\0');
  get_bytes(in, offset, &stored[0], stored.size(), name);
  get_bytes(in, offset, &bytes, sizeof bytes, name);
  if (stored != name || bytes != v.size() * sizeof(T))
    throw std::runtime_error(std::string("checkpoint state does not match this run at array '") + name + "'");
  std::vector<T> host(v.size());
  get_bytes(in, offset, host.data(), bytes, name);
  if (e == Extent::market) host = pool_from_file(host, pool);
  copy_to_device(host, v);
}
}  // namespace

void Engine::save_state(std::string& out) const {
  // The pool in firm order and no larger than it must be, so the bytes do not
  // depend on which thread took which row (a layout change only: results stay).
  Impl& m = *impl_;
  m.compact_market_rows(m.last_year, [](std::int64_t kept) { return kept; });
  const std::int64_t header[3] = {m.n, m.last_year, m.market_rows};
  put_bytes(out, header, sizeof header);
#define FIRMSIM_SAVE(type, name, extent) \
  save_array(out, #name, m.name, Extent::extent, PoolShape{m.market_rows, m.n_markets});
  FIRMSIM_FIRM_STATE(FIRMSIM_SAVE)
#undef FIRMSIM_SAVE
}

void Engine::load_state(const std::string& in, std::size_t& offset) {
  Impl& m = *impl_;
  std::int64_t header[3] = {0, 0, 0};
  get_bytes(in, offset, header, sizeof header, "the engine header");
  if (header[0] != m.n) throw std::runtime_error("checkpoint holds another population size");
  if (header[2] < 1 || header[2] > m.n)
    throw std::runtime_error("checkpoint holds a pool of market rows of another size");
  m.last_year = static_cast<int>(header[1]);
  m.market_rows = header[2];
#define FIRMSIM_RESIZE_ROWS(type, name, extent) \
  FIRMSIM_ONE_PER_MARKET_##extent(m.name.resize(m.elements(Extent::market)); m.view.name = raw(m.name);)
  FIRMSIM_FIRM_STATE(FIRMSIM_RESIZE_ROWS)
#undef FIRMSIM_RESIZE_ROWS
  m.view.market_rows = m.market_rows;
  m.rows_taken.assign(1, m.market_rows);
#define FIRMSIM_LOAD(type, name, extent) \
  load_array(in, offset, #name, m.name, Extent::extent, PoolShape{m.market_rows, m.n_markets});
  FIRMSIM_FIRM_STATE(FIRMSIM_LOAD)
#undef FIRMSIM_LOAD
}

std::size_t Engine::bytes_per_firm(int n_markets, int peer_slots) {
  double bytes = 0;
#define FIRMSIM_BYTES(type, name, extent)                                                                 \
  bytes += sizeof(type) * static_cast<double>(elements_per_firm(Extent::extent, n_markets, peer_slots)) * \
           (Extent::extent == Extent::market ? kPlannedRowShare : 1.0);
  FIRMSIM_FIRM_STATE(FIRMSIM_BYTES)
#undef FIRMSIM_BYTES
  return static_cast<std::size_t>(bytes + 0.5);
}

std::size_t Engine::available_memory() {
#if defined(FIRMSIM_BACKEND_CUDA)
  std::size_t free_bytes = 0, total = 0;
  if (cudaMemGetInfo(&free_bytes, &total) != cudaSuccess) return 0;
  return free_bytes;
#else
  const long pages = sysconf(_SC_AVPHYS_PAGES);
  const long page = sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0 ? static_cast<std::size_t>(pages) * static_cast<std::size_t>(page) : 0;
#endif
}

const char* Engine::backend_name() {
#if defined(FIRMSIM_BACKEND_CUDA)
  return "cuda";
#else
  return "omp";
#endif
}

}  // namespace firmsim
