// The viewer's UI state and frame: a menu bar and six panels over a Runner.
// Panels draw what the view-model computes; App keeps the user's choices and
// caches the view-model's products until the run or a choice changes.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "viewer/runner.hpp"
#include "viewer/view_model.hpp"

namespace firmsim::view {

struct UiState {
  // Config files
  std::string config_path;
  std::vector<std::string> scenarios;
  Config loaded;  // as read from the files
  Config edited;  // what "apply and restart" runs
  PolicyLevers levers;
  char path_buffer[512] = {};
  std::string browse_dir = ".";
  // Display choices
  Measure measure = Measure::latent;
  bool follow_latest_year = true;
  int map_year = 0;
  bool europe_zoom = false;
  bool series_by_type = false;
  bool size_exporters_only = false;
  int firm_input = 0;
  int comparison_table = -1;  // -1 = all
  bool only_far = false;
  // Requests from the UI to the frame loop
  std::string screenshot_path;
  std::string message;        // last status line (errors, screenshots)
  bool retile = true;         // place panels on the tiled layout next frame
  bool fixed_layout = false;  // always tiled (headless)
  bool quit = false;
};

// What the panels draw this frame, recomputed only when its inputs change.
struct Derived {
  bool computed = false;
  const Panel* panel = nullptr;  // identity of the panel these came from
  int year = 0;
  Measure measure = Measure::latent;
  bool exporters_only = false;
  std::size_t n_summaries = static_cast<std::size_t>(-1);
  TimeSeries series;
  PolicyView policy;
  MapView map;
  Histogram markets, size, age;
  const est::Comparison* comparison = nullptr;
  std::vector<GridTable> grid;
  std::int64_t firm = -2;
  std::size_t n_tracked = 0;
  FirmLife life;
};

class App {
 public:
  App(Config loaded, std::string config_path, std::vector<std::string> scenarios, Config start, std::string targets);

  Runner& runner() { return *runner_; }
  UiState& ui() { return ui_; }
  // Draws one frame of UI into the current ImGui frame.
  void draw(float width, float height);

 private:
  void refresh(const RunView& v);
  void draw_menu();

  std::unique_ptr<Runner> runner_;
  UiState ui_;
  RunView view_;
  Derived derived_;
};

// Each panel is one function; they live in panels_*.cpp.
void draw_controls(UiState& ui, const RunView& v, Runner& runner);
void draw_series(UiState& ui, const RunView& v, const Derived& d);
void draw_map(UiState& ui, const RunView& v, const Derived& d);
void draw_distributions(UiState& ui, const RunView& v, const Derived& d);
void draw_firm(UiState& ui, const RunView& v, const Derived& d, Runner& runner);
void draw_comparison(UiState& ui, const RunView& v, const Derived& d);
void draw_policy(const RunView& v, const Derived& d);

// The year the map and histograms show: the chosen one, clamped to the panel.
int shown_year(const UiState& ui, const RunView& v);

}  // namespace firmsim::view
