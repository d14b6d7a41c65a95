// Time series: firms, exporters, importers, two-way traders, export value,
// and exporters by latent strategy or by observed type.
#include <imgui.h>

#include "viewer/app.hpp"
#include "viewer/widgets.hpp"

namespace firmsim::view {

namespace {

void strategy_chart(const Derived& d, ImVec2 size) {
  const TimeSeries& s = d.series;
  line_chart("##strategy", s.year,
             {{"waterfall exporters", &s.exporters_by_strategy[1], series_colour(0)},
              {"sprinkler exporters", &s.exporters_by_strategy[2], series_colour(1)}},
             size, "firms");
}

// Exporters of each observed type year by year over the study window.
void type_chart(const RunView& v, ImVec2 size) {
  if (!v.typology || !v.typology->available) {
    hint(v.typology ? v.typology->note : "observed types need recorded years from 1998 (seed 000's window)");
    return;
  }
  const Typology& t = *v.typology;
  std::vector<Line> lines;
  for (std::size_t k = 0; k < kObservedTypes.size(); ++k)
    lines.push_back({std::string(est::type_code(kObservedTypes[k])) + " exporters (replicate 0)",
                     &t.exporters_by_type[k], series_colour(int(k) + 2)});
  line_chart("##types", t.year, lines, size, "firms");
}

}  // namespace

void draw_series(UiState& ui, const RunView& v, const Derived& d) {
  const TimeSeries& s = d.series;
  ImGui::Checkbox("by observed type (else by latent strategy)", &ui.series_by_type);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float h = (avail.y - 2 * ImGui::GetStyle().ItemSpacing.y) / 3;
  line_chart("##counts", s.year,
             {{"alive", &s.alive, series_colour(9)},
              {"exporters", &s.exporters, series_colour(0)},
              {"importers", &s.importers, series_colour(2)},
              {"two-way traders", &s.two_way, series_colour(3)}},
             {avail.x, h}, "firms");
  line_chart("##value", s.year, {{"export value, EUR m (latent)", &s.export_value_meur, series_colour(1)}},
             {avail.x, h}, "EUR m");
  if (ui.series_by_type)
    type_chart(v, {avail.x, h});
  else
    strategy_chart(d, {avail.x, h});
}

}  // namespace firmsim::view
