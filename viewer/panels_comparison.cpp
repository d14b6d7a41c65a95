// The seed tables next to the simulated ones, each cell coloured by how far
// apart they are (the estimation library's relative difference).
#include <imgui.h>

#include <cmath>

#include "viewer/app.hpp"
#include "viewer/widgets.hpp"

namespace firmsim::view {

namespace {

void colour_key() {
  const std::pair<Closeness, const char*> keys[] = {{Closeness::close, "within 10%"},
                                                    {Closeness::near, "within a factor of 2"},
                                                    {Closeness::far, "further off"},
                                                    {Closeness::none, "not comparable"}};
  for (const auto& [c, label] : keys) {
    ImGui::ColorButton(label, closeness_colour(c), ImGuiColorEditFlags_NoTooltip, {12, 12});
    ImGui::SameLine();
    ImGui::TextUnformatted(label);
    ImGui::SameLine(0, 12);
  }
  ImGui::NewLine();
}

void cell_tooltip(const est::CellComparison& c) {
  ImGui::BeginTooltip();
  ImGui::Text("%s / %s", c.row.c_str(), c.column.c_str());
  ImGui::Text("seed 000: %.4g (SE %.3g)", c.empirical, c.empirical_se);
  ImGui::Text("simulated: %.4g (sd %.3g over %d replicates)", c.simulated, c.sim_sd, c.sim_n);
  ImGui::Text("relative difference: %.3f%s", c.rel_diff, c.within_ci == 1 ? ", inside the 95% CI" : "");
  ImGui::EndTooltip();
}

void grid_cell(const est::CellComparison* c) {
  if (!c) return;
  ImGui::TableSetBgColor(ImGuiTableBgTarget_CellBg, ImGui::GetColorU32(closeness_colour(closeness(*c))));
  ImGui::Text("%s | %s", compact(c->simulated).c_str(), compact(c->empirical).c_str());
  if (ImGui::IsItemHovered()) cell_tooltip(*c);
}

void grid_table(const GridTable& g) {
  if (std::isfinite(g.distance))
    ImGui::Text("%s  %s  (distance %.2f%s)", g.id.c_str(), g.title.c_str(), g.distance, g.far_off ? ", far off" : "");
  else
    ImGui::Text("%s  %s", g.id.c_str(), g.title.c_str());
  const int cols = int(g.columns.size()) + 1;
  if (cols > 63 || !ImGui::BeginTable(g.id.c_str(), cols,
                                      ImGuiTableFlags_Borders | ImGuiTableFlags_SizingFixedFit |
                                          ImGuiTableFlags_ScrollX | ImGuiTableFlags_NoHostExtendY,
                                      {0, ImGui::GetTextLineHeightWithSpacing() * float(g.rows.size() + 2) + 8}))
    return;
  ImGui::TableSetupColumn("sim | seed");
  for (const std::string& c : g.columns) ImGui::TableSetupColumn(c.c_str());
  ImGui::TableHeadersRow();
  for (std::size_t r = 0; r < g.rows.size(); ++r) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(g.rows[r].c_str());
    for (std::size_t k = 0; k < g.columns.size(); ++k) {
      ImGui::TableNextColumn();
      grid_cell(g.at(r, k));
    }
  }
  ImGui::EndTable();
}

const char* table_name(const std::vector<GridTable>& grid, int k) {
  return k < 0 ? "all tables" : grid[std::size_t(k)].id.c_str();
}

}  // namespace

void draw_comparison(UiState& ui, const RunView& v, const Derived& d) {
  if (v.comparison) {
    const est::Comparison& c = *v.comparison;
    ImGui::Text("overall distance %.2f; %zu of %zu comparable cells far off; %zu of %zu inside the 95%% CI", c.distance,
                c.far, c.comparable, c.within, c.with_se);
    colour_key();
  } else {
    hint(v.comparison_note + (v.seed_tables ? "; until then, the seed tables alone (- | seed):" : ""));
  }
  if (d.grid.empty()) return;
  if (ui.comparison_table >= int(d.grid.size())) ui.comparison_table = -1;
  ImGui::SetNextItemWidth(160);
  if (ImGui::BeginCombo("table", table_name(d.grid, ui.comparison_table))) {
    for (int k = -1; k < int(d.grid.size()); ++k)
      if (ImGui::Selectable(table_name(d.grid, k), k == ui.comparison_table)) ui.comparison_table = k;
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  ImGui::Checkbox("far-off tables only", &ui.only_far);
  ImGui::BeginChild("##grids");
  for (int k = 0; k < int(d.grid.size()); ++k) {
    const GridTable& g = d.grid[std::size_t(k)];
    if ((ui.comparison_table >= 0 && k != ui.comparison_table) || (ui.only_far && !g.far_off)) continue;
    grid_table(g);
  }
  ImGui::EndChild();
}

}  // namespace firmsim::view
