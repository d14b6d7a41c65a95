// The world: markets on an equirectangular map, sized by exporting firms,
// coloured by region, with flows from Belgium as wide as their export value.
#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "viewer/app.hpp"
#include "viewer/widgets.hpp"

namespace firmsim::view {

namespace {

// The part of the world shown, in degrees.
struct GeoBox {
  double lon0, lon1, lat0, lat1, grid;
};
constexpr GeoBox kWorld{-180, 180, -58, 80, 30};
constexpr GeoBox kEurope{-25, 45, 33, 71, 10};

// Degrees to pixels, keeping the map's aspect inside the canvas.
struct Projection {
  ImVec2 origin;
  float scale;  // pixels per degree
  GeoBox box;
  ImVec2 at(double lon, double lat) const {
    return {origin.x + float((lon - box.lon0) * scale), origin.y + float((box.lat1 - lat) * scale)};
  }
  ImVec2 at_unit(double x, double y) const { return at(x * 360.0 - 180.0, 90.0 - y * 180.0); }
};

Projection fit(ImVec2 lo, ImVec2 size, const GeoBox& box) {
  const float s = std::min(size.x / float(box.lon1 - box.lon0), size.y / float(box.lat1 - box.lat0));
  const ImVec2 used{s * float(box.lon1 - box.lon0), s * float(box.lat1 - box.lat0)};
  return {{lo.x + (size.x - used.x) / 2, lo.y + (size.y - used.y) / 2}, s, box};
}

void graticule(ImDrawList* dl, const Projection& p) {
  const GeoBox& b = p.box;
  dl->AddRectFilled(p.at(b.lon0, b.lat1), p.at(b.lon1, b.lat0), IM_COL32(16, 30, 52, 255));
  for (double lon = std::ceil(b.lon0 / b.grid) * b.grid; lon <= b.lon1; lon += b.grid)
    dl->AddLine(p.at(lon, b.lat0), p.at(lon, b.lat1), IM_COL32(70, 90, 120, 90));
  for (double lat = std::ceil(b.lat0 / b.grid) * b.grid; lat <= b.lat1; lat += b.grid)
    dl->AddLine(p.at(b.lon0, lat), p.at(b.lon1, lat), IM_COL32(70, 90, 120, lat == 0 ? 200 : 90));
}

float marker_pixels(const MapMarker& m) { return 2.5f + 20.0f * float(m.radius); }

void flows(ImDrawList* dl, const Projection& p, const MapView& map) {
  const ImVec2 home = p.at_unit(map.home_x, map.home_y);
  for (const MapMarker& m : map.markers)
    if (m.export_value > 0)
      dl->AddLine(home, p.at_unit(m.x, m.y), to_imu32(region_colour(m.region_index), 150),
                  1.2f + 10.0f * float(m.flow_width));
}

void markers(ImDrawList* dl, const Projection& p, const MapView& map) {
  std::vector<const MapMarker*> order;
  for (const MapMarker& m : map.markers) order.push_back(&m);
  // Small markers last, so a big neighbour does not hide them.
  std::sort(order.begin(), order.end(), [](auto* a, auto* b) { return a->radius > b->radius; });
  for (const MapMarker* m : order) {
    const ImVec2 c = p.at_unit(m->x, m->y);
    dl->AddCircleFilled(c, marker_pixels(*m), to_imu32(region_colour(m->region_index)));
    dl->AddCircle(c, marker_pixels(*m), IM_COL32(10, 10, 10, 200));
    if (m->radius > 0.35) dl->AddText({c.x - 6, c.y - 6}, IM_COL32(255, 255, 255, 255), m->iso.c_str());
  }
  const ImVec2 home = p.at_unit(map.home_x, map.home_y);
  dl->AddCircleFilled(home, 4, IM_COL32(255, 255, 255, 255));
  dl->AddText({home.x + 5, home.y - 14}, IM_COL32(255, 255, 255, 255), "BE");
}

void hover(const Projection& p, const MapView& map) {
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  const MapMarker* best = nullptr;
  float best_d = 1e9f;
  for (const MapMarker& m : map.markers) {
    const ImVec2 c = p.at_unit(m.x, m.y);
    const float d = std::hypot(c.x - mouse.x, c.y - mouse.y);
    if (d < marker_pixels(m) + 3 && d < best_d) best_d = d, best = &m;
  }
  if (!best) return;
  ImGui::SetTooltip("%s (%s), %s\n%lld exporting firms in %d\nexports %s", best->name.c_str(), best->iso.c_str(),
                    best->region.c_str(), static_cast<long long>(best->exporters), map.year,
                    eur(best->export_value).c_str());
}

// Colour swatches with region names, wrapped to the panel's width.
void legend(const std::vector<std::string>& regions) {
  const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  for (std::size_t r = 0; r < regions.size(); ++r) {
    const float need = 26 + ImGui::CalcTextSize(regions[r].c_str()).x;
    if (r > 0) {
      ImGui::SameLine(0, 14);
      if (ImGui::GetCursorScreenPos().x + need > right) ImGui::NewLine();
    }
    const ImVec2 at = ImGui::GetCursorScreenPos();
    ImGui::GetWindowDrawList()->AddRectFilled({at.x, at.y + 3}, {at.x + 10, at.y + 13},
                                              to_imu32(region_colour(int(r))));
    ImGui::Dummy({12, 14});
    ImGui::SameLine();
    ImGui::TextUnformatted(regions[r].c_str());
  }
}

void year_controls(UiState& ui, const RunView& v) {
  ImGui::Checkbox("latest year", &ui.follow_latest_year);
  ImGui::SameLine();
  if (v.panel && !ui.follow_latest_year) {
    ImGui::SetNextItemWidth(160);
    if (ui.map_year == 0) ui.map_year = v.panel->meta.last_year;
    ImGui::SliderInt("year", &ui.map_year, v.panel->meta.first_year, v.panel->meta.last_year);
    ImGui::SameLine();
  }
  ImGui::Checkbox("Europe", &ui.europe_zoom);
  ImGui::SameLine();
  ImGui::TextDisabled("%s trade", ui.measure == Measure::latent ? "latent" : "observed");
}

}  // namespace

void draw_map(UiState& ui, const RunView& v, const Derived& d) {
  year_controls(ui, v);
  const MapView& map = d.map;
  if (!v.panel)
    hint("Markets fill in from the first recorded year (" + std::to_string(v.first_year) + ").");
  else
    ImGui::Text("%d: up to %lld firms and %s of exports per market (marker area: firms; line width: value)", map.year,
                static_cast<long long>(map.max_exporters), eur(map.max_value).c_str());
  const float legend_h = ImGui::GetTextLineHeightWithSpacing() * 2 + 4;
  ImVec2 size = ImGui::GetContentRegionAvail();
  size.y = std::max(60.0f, size.y - legend_h);
  const ImVec2 lo = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("##map", size);
  const bool hovered = ImGui::IsItemHovered();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const Projection p = fit(lo, size, ui.europe_zoom ? kEurope : kWorld);
  dl->PushClipRect(lo, {lo.x + size.x, lo.y + size.y}, true);
  graticule(dl, p);
  flows(dl, p, map);
  markers(dl, p, map);
  dl->PopClipRect();
  if (hovered) hover(p, map);
  legend(v.config->regions);
}

}  // namespace firmsim::view
