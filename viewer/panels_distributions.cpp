// Distributions in the shown year: markets per exporter, firm size, and the
// age at first export of every firm that ever exported.
#include <imgui.h>

#include "viewer/app.hpp"
#include "viewer/widgets.hpp"

namespace firmsim::view {

void draw_distributions(UiState& ui, const RunView& v, const Derived& d) {
  ImGui::Checkbox("size of exporters only", &ui.size_exporters_only);
  if (!v.panel) hint("Histograms fill in from the first recorded year (" + std::to_string(v.first_year) + ").");
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float h = (avail.y - 2 * ImGui::GetStyle().ItemSpacing.y) / 3;
  bar_chart("##markets", d.markets, {avail.x, h}, series_colour(0));
  bar_chart("##size", d.size, {avail.x, h}, series_colour(2));
  bar_chart("##age", d.age, {avail.x, h}, series_colour(1));
}

}  // namespace firmsim::view
