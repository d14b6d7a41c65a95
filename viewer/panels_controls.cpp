// The left column: run controls, config files, population, parameters,
// policy levers, and what differs from the loaded config.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>

#include "viewer/app.hpp"
#include "viewer/widgets.hpp"

namespace firmsim::view {

namespace {

namespace fs = std::filesystem;

void run_buttons(const RunView& v, Runner& runner) {
  if (v.playing) {
    if (ImGui::Button("Pause")) runner.pause();
  } else if (ImGui::Button(" Play ")) {
    runner.play();
  }
  ImGui::SameLine();
  if (ImGui::Button("Step one year")) runner.step();
  ImGui::SameLine();
  if (ImGui::Button("Reset") && v.config) runner.reset(*v.config);
}

// Years done out of the run, and what the worker is computing right now.
void progress(const RunView& v) {
  const float done = v.total_years() > 0 ? float(v.years_done()) / float(v.total_years()) : 0;
  std::string overlay = std::to_string(v.years_done()) + " / " + std::to_string(v.total_years()) + " years";
  if (!v.summaries.empty()) overlay += "  (last: " + std::to_string(v.summaries.back().year) + ")";
  ImGui::ProgressBar(done, {-1, 0}, overlay.c_str());
  if (v.busy) {
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - v.busy_since).count();
    const char spin[] = "|/-\\";
    ImGui::Text("%c computing %s  %.1f s", spin[int(ImGui::GetTime() * 8) & 3], v.busy_what.c_str(), secs);
  } else if (v.finished) {
    ImGui::Text("run complete");
  } else {
    ImGui::Text("%s, next year %d (last year took %.2f s)", v.playing ? "playing" : "paused", v.next_year,
                v.last_year_seconds);
  }
  if (!v.error.empty()) ImGui::TextColored({1, 0.4f, 0.4f, 1}, "%s", v.error.c_str());
}

std::vector<std::string> yaml_files(const fs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".yaml") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

// Where to look for configs and scenarios: next to the loaded config, and
// configs/ and scenarios/ under the working directory.
std::vector<fs::path> browse_dirs(const UiState& ui) {
  const fs::path here = fs::path(ui.config_path).parent_path();
  std::vector<fs::path> dirs = {here, here.parent_path() / "scenarios", "configs", "scenarios"};
  std::vector<fs::path> unique;
  for (const fs::path& d : dirs) {
    std::error_code ec;
    const fs::path c = fs::weakly_canonical(d.empty() ? "." : d, ec);
    if (std::find(unique.begin(), unique.end(), c) == unique.end()) unique.push_back(c);
  }
  return unique;
}

void load_files(UiState& ui, Runner& runner) {
  try {
    Config c = load_config(ui.path_buffer, ui.scenarios);
    ui.config_path = ui.path_buffer;
    ui.loaded = c;
    ui.edited = c;
    ui.levers = {};
    runner.reset(c);
    ui.message = "loaded " + ui.config_path;
  } catch (const std::exception& e) {
    ui.message = e.what();
  }
}

void file_browser(UiState& ui, Runner& runner) {
  if (ui.path_buffer[0] == 0) std::snprintf(ui.path_buffer, sizeof ui.path_buffer, "%s", ui.config_path.c_str());
  ImGui::InputText("config", ui.path_buffer, sizeof ui.path_buffer);
  for (const fs::path& dir : browse_dirs(ui)) {
    for (const std::string& f : yaml_files(dir)) {
      const std::string name = fs::path(f).filename().string();
      const bool is_scenario = dir.filename() == "scenarios";
      if (!is_scenario) {
        if (ImGui::Selectable(("config: " + name).c_str(), f == ui.path_buffer))
          std::snprintf(ui.path_buffer, sizeof ui.path_buffer, "%s", f.c_str());
        continue;
      }
      auto it = std::find(ui.scenarios.begin(), ui.scenarios.end(), f);
      bool on = it != ui.scenarios.end();
      if (ImGui::Checkbox(("scenario: " + name).c_str(), &on)) {
        if (on)
          ui.scenarios.push_back(f);
        else
          ui.scenarios.erase(it);
      }
    }
  }
  if (ImGui::Button("Load config and scenarios")) load_files(ui, runner);
}

void population(UiState& ui) {
  ImGui::InputScalar("seed", ImGuiDataType_U64, &ui.edited.run.seed);
  const std::int64_t step = 1000, fast = 50000;
  ImGui::InputScalar("firms", ImGuiDataType_S64, &ui.edited.run.firms, &step, &fast);
  ui.edited.run.firms = std::max<std::int64_t>(ui.edited.run.firms, 100);
}

// A useful slider span around the loaded value: the full allowed range is
// often 0..1e9 or -100..100, far too wide to drag.
void slider_span(const ParameterInfo& p, double base, float& lo, float& hi, bool& logarithmic) {
  logarithmic = p.lo >= 0 && base > 0;
  if (logarithmic) {
    lo = float(std::max(p.lo, base / 10)), hi = float(std::min(p.hi, base * 10));
  } else {
    const double half = std::max(1.0, std::abs(base) * 2);
    lo = float(std::max(p.lo, base - half)), hi = float(std::min(p.hi, base + half));
  }
}

void parameter_widget(const ParameterInfo& p, UiState& ui) {
  const double base = get_model_parameter(ui.loaded.model, p.key);
  const double now = get_model_parameter(ui.edited.model, p.key);
  double next = now;
  if (p.unit == "switch" && p.hi == 1) {
    bool on = now != 0;
    if (ImGui::Checkbox(p.key.c_str(), &on)) next = on ? 1 : 0;
  } else if (p.unit == "switch") {
    int k = int(now);
    if (ImGui::SliderInt(p.key.c_str(), &k, int(p.lo), int(p.hi))) next = k;
  } else {
    float lo, hi, f = float(now);
    bool logarithmic;
    slider_span(p, base, lo, hi, logarithmic);
    if (ImGui::SliderFloat(p.key.c_str(), &f, lo, hi, "%.6g", logarithmic ? ImGuiSliderFlags_Logarithmic : 0)) next = f;
  }
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("%s\nunit: %s, allowed %g to %g (Ctrl+click to type)", p.meaning.c_str(), p.unit.c_str(), p.lo,
                      p.hi);
  if (next == now) return;
  try {
    set_model_parameter(ui.edited.model, p.key, next);
  } catch (const std::exception& e) {
    ui.message = e.what();
  }
}

void parameters(UiState& ui, bool main_ones) {
  const std::vector<std::string> main_keys = main_parameter_keys();
  ImGui::PushItemWidth(-ImGui::GetContentRegionAvail().x * 0.55f);
  for (const ParameterInfo& p : model_parameters()) {
    const bool is_main = std::find(main_keys.begin(), main_keys.end(), p.key) != main_keys.end();
    if (is_main == main_ones) parameter_widget(p, ui);
  }
  ImGui::PopItemWidth();
}

void policy_levers(UiState& ui) {
  PolicyLevers& l = ui.levers;
  float subsidy = float(l.sunk_cost_subsidy), info = float(l.information);
  if (ImGui::SliderFloat("sunk-cost subsidy share", &subsidy, 0, 1, "%.2f")) l.sunk_cost_subsidy = subsidy;
  if (ImGui::SliderFloat("information program", &info, 0, 1, "%.2f")) l.information = info;
  ImGui::SliderInt("from", &l.from, ui.edited.run.burn_in_start, ui.edited.run.last_year);
  ImGui::SliderInt("to", &l.to, l.from, ui.edited.run.last_year);
  ImGui::Checkbox("subsidy for non-exporters only", &l.non_exporters_only);
  hint("Both programs cover every market and firms up to 249 FTE; a share of 0 adds no program.");
  apply_policy_levers(ui.edited, l);
}

void differences(UiState& ui, const RunView& v, Runner& runner) {
  if (ImGui::Button("Apply and restart")) runner.reset(ui.edited), runner.play();
  ImGui::SameLine();
  if (ImGui::Button("Revert to loaded")) ui.edited = ui.loaded, ui.levers = {};
  const std::vector<ConfigDiff> diffs = config_diffs(ui.loaded, ui.edited);
  if (v.config && !config_diffs(*v.config, ui.edited).empty())
    ImGui::TextColored({1, 0.8f, 0.3f, 1}, "edits not applied yet: press Apply and restart");
  ImGui::Text("Differs from the loaded config: %zu", diffs.size());
  if (diffs.empty() || !ImGui::BeginTable("diffs", 3, ImGuiTableFlags_Borders | ImGuiTableFlags_SizingFixedFit)) return;
  ImGui::TableSetupColumn("key");
  ImGui::TableSetupColumn("loaded");
  ImGui::TableSetupColumn("now");
  ImGui::TableHeadersRow();
  for (const ConfigDiff& d : diffs) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(d.key.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(d.loaded.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(d.edited.c_str());
  }
  ImGui::EndTable();
}

}  // namespace

void draw_controls(UiState& ui, const RunView& v, Runner& runner) {
  run_buttons(v, runner);
  progress(v);
  ImGui::Separator();
  if (ImGui::CollapsingHeader("Config and scenarios")) file_browser(ui, runner);
  if (ImGui::CollapsingHeader("Population", ImGuiTreeNodeFlags_DefaultOpen)) population(ui);
  if (ImGui::CollapsingHeader("Main parameters", ImGuiTreeNodeFlags_DefaultOpen)) parameters(ui, true);
  if (ImGui::CollapsingHeader("Policy levers", ImGuiTreeNodeFlags_DefaultOpen)) policy_levers(ui);
  ImGui::Separator();
  differences(ui, v, runner);
  if (ImGui::CollapsingHeader("All other parameters")) parameters(ui, false);
}

}  // namespace firmsim::view
