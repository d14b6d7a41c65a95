#include "viewer/widgets.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace firmsim::view {

namespace {

constexpr float kPadLeft = 52, kPadBottom = 18, kPadTop = 6, kPadRight = 8;

// Rounds a span to 1, 2 or 5 times a power of ten for readable ticks.
double nice_step(double span, int ticks) {
  const double raw = span / std::max(1, ticks);
  const double p = std::pow(10.0, std::floor(std::log10(raw)));
  const double m = raw / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

struct Range {
  double lo = 0, hi = 1;
};

Range y_range(const std::vector<Line>& lines) {
  Range r{0, 0};
  for (const Line& l : lines)
    for (double v : *l.y)
      if (std::isfinite(v)) r.hi = std::max(r.hi, v), r.lo = std::min(r.lo, v);
  if (r.hi <= r.lo) r.hi = r.lo + 1;
  r.hi += (r.hi - r.lo) * 0.05;
  return r;
}

struct Frame {
  ImVec2 lo, hi;  // plotting area
  float x(double v, Range r) const { return lo.x + float((v - r.lo) / (r.hi - r.lo)) * (hi.x - lo.x); }
  float y(double v, Range r) const { return hi.y - float((v - r.lo) / (r.hi - r.lo)) * (hi.y - lo.y); }
};

void y_axis(ImDrawList* dl, const Frame& f, Range r) {
  const ImU32 grid = IM_COL32(255, 255, 255, 28), text = IM_COL32(190, 190, 190, 255);
  const double step = nice_step(r.hi - r.lo, 4);
  for (double v = std::ceil(r.lo / step) * step; v <= r.hi; v += step) {
    const float y = f.y(v, r);
    dl->AddLine({f.lo.x, y}, {f.hi.x, y}, grid);
    const std::string s = compact(v);
    dl->AddText({f.lo.x - 6 - ImGui::CalcTextSize(s.c_str()).x, y - 7}, text, s.c_str());
  }
}

void x_axis(ImDrawList* dl, const Frame& f, Range r) {
  const ImU32 text = IM_COL32(190, 190, 190, 255);
  const int ticks = std::max(2, int((f.hi.x - f.lo.x) / 48));  // room for a "2000" label each
  const double step = std::max(1.0, nice_step(r.hi - r.lo, std::min(ticks, 6)));
  for (double v = std::ceil(r.lo / step) * step; v <= r.hi; v += step) {
    const float x = f.x(v, r);
    dl->AddLine({x, f.hi.y}, {x, f.hi.y + 3}, text);
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.0f", v);
    const float tw = ImGui::CalcTextSize(buf).x;
    dl->AddText({std::min(x - tw / 2, f.hi.x - tw), f.hi.y + 3}, text, buf);  // keep the last label inside
  }
}

void legend(ImDrawList* dl, const Frame& f, const std::vector<Line>& lines) {
  ImVec2 p{f.lo.x + 6, f.lo.y + 4};
  for (const Line& l : lines) {
    dl->AddRectFilled({p.x, p.y + 4}, {p.x + 10, p.y + 10}, l.colour);
    dl->AddText({p.x + 14, p.y}, IM_COL32(230, 230, 230, 255), l.label.c_str());
    p.y += 14;
  }
}

int nearest_index(const std::vector<double>& x, double v) {
  int best = -1;
  double d = 1e300;
  for (std::size_t k = 0; k < x.size(); ++k)
    if (std::abs(x[k] - v) < d) d = std::abs(x[k] - v), best = static_cast<int>(k);
  return best;
}

void hover_tooltip(ImDrawList* dl, const Frame& f, Range xr, const std::vector<double>& x,
                   const std::vector<Line>& lines, int k) {
  const float px = f.x(x[static_cast<std::size_t>(k)], xr);
  dl->AddLine({px, f.lo.y}, {px, f.hi.y}, IM_COL32(255, 255, 255, 90));
  ImGui::BeginTooltip();
  ImGui::Text("%.0f", x[static_cast<std::size_t>(k)]);
  for (const Line& l : lines)
    if (static_cast<std::size_t>(k) < l.y->size())
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(l.colour), "%s: %s", l.label.c_str(),
                         compact((*l.y)[static_cast<std::size_t>(k)]).c_str());
  ImGui::EndTooltip();
}

}  // namespace

int line_chart(const char* id, const std::vector<double>& x, const std::vector<Line>& lines, ImVec2 size,
               const char* y_label) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton(id, size);
  const Frame f{{origin.x + kPadLeft, origin.y + kPadTop},
                {origin.x + size.x - kPadRight, origin.y + size.y - kPadBottom}};
  dl->AddRectFilled(f.lo, f.hi, IM_COL32(20, 22, 28, 255));
  if (x.empty()) {
    dl->AddText({f.lo.x + 8, f.lo.y + 8}, IM_COL32(160, 160, 160, 255), "no years yet");
    return -1;
  }
  const Range xr{x.front(), std::max(x.back(), x.front() + 1)};
  const Range yr = y_range(lines);
  y_axis(dl, f, yr);
  x_axis(dl, f, xr);
  dl->AddText({origin.x + 2, origin.y + kPadTop - 4}, IM_COL32(150, 150, 150, 255), y_label);
  for (const Line& l : lines) {
    std::vector<ImVec2> pts;
    for (std::size_t k = 0; k < x.size() && k < l.y->size(); ++k) pts.push_back({f.x(x[k], xr), f.y((*l.y)[k], yr)});
    if (pts.size() == 1) dl->AddCircleFilled(pts[0], 2.5f, l.colour);
    if (pts.size() > 1) dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), l.colour, 0, 2.0f);
  }
  legend(dl, f, lines);
  if (!ImGui::IsItemHovered()) return -1;
  const float mx = ImGui::GetIO().MousePos.x;
  const int k = nearest_index(x, xr.lo + (mx - f.lo.x) / (f.hi.x - f.lo.x) * (xr.hi - xr.lo));
  if (k >= 0) hover_tooltip(dl, f, xr, x, lines, k);
  return k;
}

void bar_chart(const char* id, const Histogram& h, ImVec2 size, ImU32 colour) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton(id, size);
  const Frame f{{origin.x + kPadLeft, origin.y + kPadTop + 12},
                {origin.x + size.x - kPadRight, origin.y + size.y - kPadBottom}};
  dl->AddRectFilled(f.lo, f.hi, IM_COL32(20, 22, 28, 255));
  dl->AddText({f.lo.x, origin.y}, IM_COL32(220, 220, 220, 255),
              (h.title + "  (n = " + compact(h.total()) + ")").c_str());
  const std::size_t n = h.counts.size();
  if (n == 0) return;
  Range yr{0, 1};
  for (double c : h.counts) yr.hi = std::max(yr.hi, c * 1.05);
  y_axis(dl, f, yr);
  const float w = (f.hi.x - f.lo.x) / static_cast<float>(n);
  float widest = 0;
  for (double e : h.edges) widest = std::max(widest, ImGui::CalcTextSize(compact(e).c_str()).x);
  const auto label_every = static_cast<std::size_t>(std::ceil((widest + 6) / w));
  for (std::size_t k = 0; k < n; ++k) {
    const float x0 = f.lo.x + w * static_cast<float>(k);
    dl->AddRectFilled({x0 + 1, f.y(h.counts[k], yr)}, {x0 + w - 1, f.hi.y}, colour);
    if (k % label_every == 0)
      dl->AddText({x0 + 1, f.hi.y + 3}, IM_COL32(190, 190, 190, 255), compact(h.edges[k]).c_str());
  }
  if (!ImGui::IsItemHovered()) return;
  const float mx = ImGui::GetIO().MousePos.x;
  const auto k = static_cast<std::size_t>(std::clamp((mx - f.lo.x) / w, 0.0f, static_cast<float>(n - 1)));
  ImGui::SetTooltip("%s %s to %s: %.0f", h.x_label.c_str(), compact(h.edges[k]).c_str(),
                    k + 1 == n ? "more" : compact(h.edges[k + 1]).c_str(), h.counts[k]);
}

ImU32 to_imu32(Rgb c, int alpha) { return IM_COL32(c.r, c.g, c.b, alpha); }

ImU32 series_colour(int k) { return to_imu32(region_colour(k)); }

ImVec4 closeness_colour(Closeness c) {
  switch (c) {
    case Closeness::close:
      return {0.13f, 0.45f, 0.20f, 1.0f};
    case Closeness::near:
      return {0.55f, 0.45f, 0.10f, 1.0f};
    case Closeness::far:
      return {0.60f, 0.15f, 0.15f, 1.0f};
    case Closeness::none:
      break;
  }
  return {0.22f, 0.22f, 0.25f, 1.0f};
}

std::string compact(double v) {
  if (!std::isfinite(v)) return "-";
  char buf[32];
  const double a = std::abs(v);
  if (a >= 1e9)
    std::snprintf(buf, sizeof buf, "%.3gbn", v / 1e9);
  else if (a >= 1e6)
    std::snprintf(buf, sizeof buf, "%.3gM", v / 1e6);
  else if (a >= 1e4)
    std::snprintf(buf, sizeof buf, "%.3gk", v / 1e3);
  else if (a >= 1000 || a == std::floor(a))
    std::snprintf(buf, sizeof buf, "%.0f", v);
  else
    std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

std::string eur(double v) { return "EUR " + compact(v); }

std::string market_codes(std::uint64_t mask, const std::vector<MarketMeta>& markets) {
  std::string s;
  for (std::size_t m = 0; m < markets.size() && m < 64; ++m)
    if ((mask >> m) & 1u) s += (s.empty() ? "" : " ") + markets[m].iso;
  return s;
}

void hint(const std::string& text) {
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.6f, 0.6f, 0.65f, 1.0f));
  ImGui::TextWrapped("%s", text.c_str());
  ImGui::PopStyleColor();
}

}  // namespace firmsim::view
