#include "viewer/app.hpp"

#include <GLFW/glfw3.h>  // key codes: ImGui 1.86 indexes keys by the backend's codes
#include <imgui.h>

#include <algorithm>
#include <ctime>

namespace firmsim::view {

namespace {

std::string timestamped_png() {
  char buf[64];
  const std::time_t t = std::time(nullptr);
  std::strftime(buf, sizeof buf, "firmsim-viewer-%Y%m%d-%H%M%S.png", std::localtime(&t));
  return buf;
}

// Opens a panel at its tile; the user may move it unless the layout is fixed.
bool begin_panel(const char* title, const Rect& r, const UiState& ui) {
  const ImGuiCond cond = ui.fixed_layout || ui.retile ? ImGuiCond_Always : ImGuiCond_FirstUseEver;
  ImGui::SetNextWindowPos({r.x, r.y}, cond);
  ImGui::SetNextWindowSize({r.w, r.h}, cond);
  ImGuiWindowFlags flags = ImGuiWindowFlags_NoCollapse;
  if (ui.fixed_layout) flags |= ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize;
  return ImGui::Begin(title, nullptr, flags);
}

}  // namespace

int shown_year(const UiState& ui, const RunView& v) {
  if (!v.panel) return 0;
  const int last = v.panel->meta.last_year, first = v.panel->meta.first_year;
  if (ui.follow_latest_year) return last;
  return std::clamp(ui.map_year, first, last);
}

App::App(Config loaded, std::string config_path, std::vector<std::string> scenarios, Config start,
         std::string targets) {
  ui_.config_path = std::move(config_path);
  ui_.scenarios = std::move(scenarios);
  ui_.loaded = std::move(loaded);
  ui_.edited = start;
  // Started with scenarios, a run without policy programs is set beside the
  // config without them (a theory switch against its baseline).
  std::optional<Config> without_scenarios;
  if (!ui_.scenarios.empty()) without_scenarios = load_config(ui_.config_path);
  runner_ = std::make_unique<Runner>(std::move(start), std::move(targets), std::move(without_scenarios));
}

void App::refresh(const RunView& v) {
  Derived& d = derived_;
  if (d.n_summaries != v.summaries.size()) {
    d.series = time_series(v.summaries);
    d.policy = policy_view(v.summaries, v.baseline_summaries);
    d.n_summaries = v.summaries.size();
  }
  const int year = shown_year(ui_, v);
  const bool panel_changed = !d.computed || d.panel != v.panel.get() || d.year != year || d.measure != ui_.measure;
  if (panel_changed || d.exporters_only != ui_.size_exporters_only) {
    d.panel = v.panel.get();
    d.year = year;
    d.measure = ui_.measure;
    d.exporters_only = ui_.size_exporters_only;
    d.computed = true;
    // Before the first recorded year the map still shows the markets.
    Panel empty;
    empty.meta = panel_meta(*v.config);
    const Panel& p = v.panel ? *v.panel : empty;
    d.map = world_map(p, v.config->regions, year, ui_.measure);
    d.markets = markets_per_exporter(p, year, ui_.measure);
    d.size = firm_size(p, year, ui_.size_exporters_only, ui_.measure);
    d.age = age_at_first_export(p);
    d.firm = -2;  // the firm's rows come from the same panel
  }
  const est::Comparison* shown = v.comparison ? v.comparison.get() : v.seed_tables.get();
  if (d.comparison != shown) {
    d.comparison = shown;
    d.grid = shown ? comparison_grid(*shown) : std::vector<GridTable>{};
  }
  if (d.firm != v.tracked_firm || d.n_tracked != v.tracked.size() || panel_changed) {
    const Panel empty;
    d.life = firm_life(v.panel ? *v.panel : empty, v.tracked_replicate, v.tracked_firm, ui_.measure, v.typology.get(),
                       v.tracked);
    d.firm = v.tracked_firm;
    d.n_tracked = v.tracked.size();
  }
}

void App::draw_menu() {
  if (!ImGui::BeginMainMenuBar()) return;
  if (ImGui::BeginMenu("File")) {
    if (ImGui::MenuItem("Screenshot to PNG", "F12")) ui_.screenshot_path = timestamped_png();
    if (ImGui::MenuItem("Quit")) ui_.quit = true;
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("Run")) {
    if (ImGui::MenuItem("Play", nullptr, false, !view_.playing)) runner_->play();
    if (ImGui::MenuItem("Pause", nullptr, false, view_.playing)) runner_->pause();
    if (ImGui::MenuItem("Step one year")) runner_->step();
    if (ImGui::MenuItem("Reset")) runner_->reset(*view_.config);
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("View")) {
    if (ImGui::MenuItem("Latent trade (model truth)", nullptr, ui_.measure == Measure::latent))
      ui_.measure = Measure::latent;
    if (ImGui::MenuItem("Observed trade (thresholds applied)", nullptr, ui_.measure == Measure::observed))
      ui_.measure = Measure::observed;
    if (ImGui::MenuItem("Tile panels")) ui_.retile = true;
    ImGui::EndMenu();
  }
  if (ImGui::IsKeyPressed(GLFW_KEY_F12)) ui_.screenshot_path = timestamped_png();
  if (!ui_.message.empty()) ImGui::TextDisabled("   %s", ui_.message.c_str());
  ImGui::EndMainMenuBar();
}

void App::draw(float width, float height) {
  view_ = runner_->view();
  refresh(view_);
  draw_menu();
  const Layout l = tile_layout(width, height, ImGui::GetFrameHeight());
  if (begin_panel("Run and parameters", l.controls, ui_)) draw_controls(ui_, view_, *runner_);
  ImGui::End();
  if (begin_panel("Policy vs baseline", l.policy, ui_)) draw_policy(view_, derived_);
  ImGui::End();
  if (begin_panel("Time series", l.series, ui_)) draw_series(ui_, view_, derived_);
  ImGui::End();
  if (begin_panel("World", l.map, ui_)) draw_map(ui_, view_, derived_);
  ImGui::End();
  if (begin_panel("Distributions", l.distributions, ui_)) draw_distributions(ui_, view_, derived_);
  ImGui::End();
  if (begin_panel("One firm's life", l.firm, ui_)) draw_firm(ui_, view_, derived_, *runner_);
  ImGui::End();
  if (begin_panel("Simulated vs seed 000 tables", l.comparison, ui_)) draw_comparison(ui_, view_, derived_);
  ImGui::End();
  ui_.retile = false;
}

}  // namespace firmsim::view
