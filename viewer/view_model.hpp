// The viewer's view-model: turns a run's results (year summaries, the measured
// panel, snapshots of one firm, the comparison with the seed tables) into what
// the panels draw. Nothing here opens a window or knows ImGui, so every number
// a panel shows can be tested without a display (tests/viewer/view_model_test).
//
// It adds no model logic: counts and sums of the panel's columns, the
// estimation library's typology and comparison, and config bookkeeping.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "estimation/compare.hpp"
#include "estimation/typology.hpp"
#include "sim/config.hpp"
#include "sim/simulation.hpp"

namespace firmsim::view {

// Which trade the map, histograms and firm life count: the model's truth, or
// what the statistics office records (thresholds applied).
enum class Measure { latent, observed };

// ---------------------------------------------------------------------------
// Time series
// ---------------------------------------------------------------------------
struct TimeSeries {
  std::vector<double> year;
  std::vector<double> alive, exporters, importers, two_way;
  std::vector<double> export_value_meur;                     // latent exports, EUR million
  std::array<std::vector<double>, 3> exporters_by_strategy;  // none, waterfall, sprinkler
};
TimeSeries time_series(const std::vector<YearSummary>& summaries);

// Observed export types of seed 000, in plot order.
constexpr std::array<est::ExportType, 4> kObservedTypes = {
    est::ExportType::born_global, est::ExportType::born_international, est::ExportType::traditional,
    est::ExportType::born_again_global};

// The typology of one replicate on the study window as far as the panel
// reaches (1998 up to the last recorded year, at most 2005). A firm's type
// depends only on the years up to its first export, so types found before the
// window is complete do not change later; firms may still be added.
struct Typology {
  bool available = false;
  std::string note;  // why not, when unavailable
  est::SampleFrame frame;
  std::vector<est::FirmHistory> firms;
  std::vector<est::TypeAssignment> types;                // parallel to firms
  std::vector<double> year;                              // frame years
  std::array<std::vector<double>, 4> exporters_by_type;  // kObservedTypes order: observed exporters
};
Typology observed_types(const Panel& panel, int replicate, const TypologySpec& spec);

// ---------------------------------------------------------------------------
// World map: equirectangular, x = (lon + 180) / 360, y = (90 - lat) / 180
// ---------------------------------------------------------------------------
struct MapMarker {
  int market = 0;
  std::string iso, name, region;
  int region_index = -1;       // into the config's regions; -1 unknown
  double x = 0, y = 0;         // [0, 1]
  std::int64_t exporters = 0;  // firms exporting there in the year
  double export_value = 0;     // EUR
  double radius = 0;           // [0, 1]: sqrt(exporters / most exporters)
  double flow_width = 0;       // [0, 1]: export value / largest value
};

struct MapView {
  int year = 0;                    // 0 = no recorded year yet
  double home_x = 0, home_y = 0;   // Belgium (4.35E, 50.85N)
  std::vector<MapMarker> markers;  // one per market, in config order
  std::int64_t max_exporters = 0;
  double max_value = 0;
};
std::pair<double, double> map_position(double longitude, double latitude);
// All replicates together; markets with no exporters keep radius 0.
MapView world_map(const Panel& panel, const std::vector<std::string>& regions, int year, Measure measure);

// ---------------------------------------------------------------------------
// Histograms
// ---------------------------------------------------------------------------
struct Histogram {
  std::string title, x_label;
  std::vector<double> edges;  // counts.size() + 1 edges; bin k = [edges[k], edges[k+1])
  std::vector<double> counts;
  double total() const;
};
// Exporters alive in `year` by number of markets served (bins of one market).
Histogram markets_per_exporter(const Panel& panel, int year, Measure measure);
// Firms alive in `year` by FTE, logarithmic bins; exporters_only keeps exporters.
Histogram firm_size(const Panel& panel, int year, bool exporters_only, Measure measure);
// Firms that ever exported (latent) by age at their first export, one bin a year.
Histogram age_at_first_export(const Panel& panel);

// ---------------------------------------------------------------------------
// One firm's life
// ---------------------------------------------------------------------------
struct TrackedYear {
  int year = 0;
  FirmSnapshot snapshot;
};

struct FirmLifeYear {
  int year = 0;
  bool alive = false;
  float fte = 0, exports = 0, imports = 0;  // in the chosen measure
  std::uint64_t markets = 0;                // export markets served
  std::uint64_t entered = 0, exited = 0;    // against the previous recorded year
  int n_markets() const;
};

// One of the firm's peers (firms interact, issue 9) and what it did in the
// year before the firm first exported: what the firm could learn from it.
struct PeerAtEntry {
  std::int64_t firm = 0;
  bool same_industry = false, program = false;
  std::uint64_t served = 0;          // latent export markets the year before the firm's export start
  std::uint64_t entered_shared = 0;  // of those, the markets the firm entered in its first export year
};

struct FirmLife {
  bool found = false;
  int replicate = 0;
  std::int64_t firm = 0;
  int industry = 0, founding_year = 0, exit_year = 0, export_start_year = 0;
  int latent_strategy = 0;
  std::string observed_type;         // "BG", ..., "none", or "" when no typology
  std::vector<FirmLifeYear> years;   // the firm's panel rows, in year order
  std::vector<TrackedYear> tracked;  // beliefs and cash, where recorded, from founding to exit
  std::vector<PeerAtEntry> peers;    // empty when firms do not interact
};
FirmLife firm_life(const Panel& panel, int replicate, std::int64_t firm, Measure measure, const Typology* typology,
                   const std::vector<TrackedYear>& tracked);

enum class FirmPick { largest_born_global, typical_traditional, largest_exporter };
const char* pick_label(FirmPick pick);
// A firm of replicate 0 to follow, or nothing when none qualifies yet. Born
// global: largest FTE in its last window year; traditional: the TI firm with
// the median FTE in its first export year; exporter: largest latent exports in
// the last recorded year (works before the typology window).
std::optional<std::int64_t> pick_firm(const Panel& panel, const Typology& typology, FirmPick pick);

// ---------------------------------------------------------------------------
// Comparison with the seed tables
// ---------------------------------------------------------------------------
enum class Closeness { none, close, near, far };  // none: not comparable
// close: rel_diff < 0.1; near: < kFarOff (within a factor of 2); far: beyond.
Closeness closeness(const est::CellComparison& cell);

struct GridTable {
  std::string id, title;
  std::vector<std::string> rows, columns;
  std::vector<const est::CellComparison*> cells;  // rows x columns, nullptr = no cell
  double distance = 0;
  bool far_off = false;
  const est::CellComparison* at(std::size_t r, std::size_t c) const { return cells[r * columns.size() + c]; }
};
// Tables laid out as grids (labels in first-appearance order). Points into c.
std::vector<GridTable> comparison_grid(const est::Comparison& c);
// The published tables alone, as a comparison with no simulated values (what
// the panel shows until the run reaches the study window's end).
est::Comparison seed_only(const est::Targets& targets);

// ---------------------------------------------------------------------------
// Editing the config
// ---------------------------------------------------------------------------
// Policy levers the viewer adds to Config::policies (all markets, all years of
// the recorded window, SMEs). A share of 0 adds no program.
struct PolicyLevers {
  double sunk_cost_subsidy = 0;  // share of the export sunk cost paid
  double information = 0;        // share cut from the noise of the firm's signal about its appeal
  int from = 1993, to = 2005;
  double max_fte = 249;
  bool non_exporters_only = true;  // the subsidy only (information helps exporters too)
};
extern const char* const kSubsidyPolicyName;
extern const char* const kInformationPolicyName;
// Replaces earlier viewer levers in `config`, leaving the config's own programs.
void apply_policy_levers(Config& config, const PolicyLevers& levers);

struct ConfigDiff {
  std::string key;             // "model.exports.sunk_cost", "run.seed", "policy.<name>"
  std::string loaded, edited;  // printed values ("-" when absent)
};
// Every model parameter, run option the viewer can change (seed, firms) and
// policy program that differs between the two configs, in parameter order.
std::vector<ConfigDiff> config_diffs(const Config& loaded, const Config& edited);

// The parameters the viewer puts first: the sunk cost, learning switches,
// the strategy choice weights.
std::vector<std::string> main_parameter_keys();

// ---------------------------------------------------------------------------
// A running program against its baseline (the same firms and luck without
// the program), year by year: what the policy panel draws.
struct PolicyView {
  bool available = false;  // the run has a baseline beside it
  std::vector<double> year;
  std::vector<double> program_exporters, baseline_exporters, additional_exporters;
  std::vector<double> cost_meur;       // public cost so far, EUR million (cumulated support paid)
  double cost_so_far = 0;              // EUR
  double additional_now = 0;           // additional exporters in the last year simulated
  double additional_exports_meur = 0;  // in the last year simulated
};
PolicyView policy_view(const std::vector<YearSummary>& program, const std::vector<YearSummary>& baseline);

// The config a program is compared with: the same run without its policies.
Config baseline_of(const Config& config);

// What the "Policy vs baseline" panel sets a run beside: with policy
// programs, the run without them; without programs but started with theory
// scenarios, `without_scenarios` (the config before its overlays) with the
// run's population and years, so the same firms live in both worlds
// (policy/experiment.hpp does the same for every table). nullopt: nothing to
// compare.
std::optional<Config> comparison_baseline(const Config& config, const std::optional<Config>& without_scenarios);

// Layout and colours (shared with the headless test, which looks for them)
// ---------------------------------------------------------------------------
struct Rect {
  float x = 0, y = 0, w = 0, h = 0;
};
struct Layout {
  Rect controls, policy, series, map, distributions, firm, comparison;
};
// Tiles the panels over a width x height screen below a menu bar of menu_height.
Layout tile_layout(float width, float height, float menu_height);

struct Rgb {
  std::uint8_t r, g, b;
};
// A distinct colour for each of the first 12 regions (then it cycles).
Rgb region_colour(int region_index);

}  // namespace firmsim::view
