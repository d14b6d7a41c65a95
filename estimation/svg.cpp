#include "estimation/svg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace firmsim::est {

std::string xml_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

namespace {

std::string fmt(double v, int decimals = 1) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string text(double x, double y, const std::string& s, const std::string& extra = "") {
  return "<text x=\"" + fmt(x) + "\" y=\"" + fmt(y) + "\" " + extra + ">" + xml_escape(s) + "</text>\n";
}

std::string rect(double x, double y, double w, double h, const std::string& fill) {
  return "<rect x=\"" + fmt(x) + "\" y=\"" + fmt(y) + "\" width=\"" + fmt(w) + "\" height=\"" + fmt(h) + "\" fill=\"" +
         fill + "\"/>\n";
}

std::string open_svg(double w, double h, const std::string& title) {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + fmt(w, 0) + "\" height=\"" + fmt(h, 0) +
         "\" font-family=\"sans-serif\" font-size=\"12\">\n" + rect(0, 0, w, h, "white") +
         text(w / 2, 22, title, "text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\"");
}

double max_finite(const std::vector<BarSeries>& series) {
  double m = 0;
  for (const auto& s : series)
    for (double v : s.values)
      if (std::isfinite(v)) m = std::max(m, v);
  return m > 0 ? m : 1;
}

// White (0) to dark blue (max).
std::string heat_colour(double v, double max_value) {
  if (!std::isfinite(v)) return "#dddddd";
  const double f = std::clamp(v / max_value, 0.0, 1.0);
  const auto channel = [&](double lo, double hi) { return static_cast<int>(std::lround(hi + (lo - hi) * f)); };
  char buf[16];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", channel(8, 255), channel(48, 255), channel(107, 255));
  return buf;
}

}  // namespace

std::string svg_grouped_bars(const std::string& title, const std::vector<std::string>& categories,
                             const std::vector<BarSeries>& series, const std::string& y_label) {
  const double left = 70, top = 40, plot_h = 260, group_w = 40.0 + 30.0 * static_cast<double>(series.size());
  const double width = left + group_w * static_cast<double>(categories.size()) + 160, height = top + plot_h + 60;
  const double ymax = max_finite(series) * 1.1;
  std::ostringstream s;
  s << open_svg(width, height, title);
  s << "<line x1=\"" << left << "\" y1=\"" << top + plot_h << "\" x2=\"" << width - 150 << "\" y2=\"" << top + plot_h
    << "\" stroke=\"black\"/>\n";
  s << text(16, top + plot_h / 2, y_label,
            "transform=\"rotate(-90 16 " + fmt(top + plot_h / 2) + ")\" text-anchor=\"middle\"");
  for (int k = 0; k <= 4; ++k) {
    const double v = ymax * k / 4, y = top + plot_h - plot_h * k / 4;
    s << text(left - 6, y + 4, fmt(v, ymax < 2 ? 2 : 1), "text-anchor=\"end\"");
  }
  for (std::size_t c = 0; c < categories.size(); ++c) {
    const double gx = left + group_w * static_cast<double>(c) + 20;
    for (std::size_t k = 0; k < series.size(); ++k) {
      const double v = c < series[k].values.size() ? series[k].values[c] : NAN;
      if (!std::isfinite(v)) continue;
      const double h = plot_h * std::max(v, 0.0) / ymax;
      s << rect(gx + 30.0 * static_cast<double>(k), top + plot_h - h, 26, h, series[k].color);
      s << text(gx + 30.0 * static_cast<double>(k) + 13, top + plot_h - h - 3, fmt(v, std::fabs(v) < 2 ? 2 : 1),
                "text-anchor=\"middle\" font-size=\"9\"");
    }
    s << text(gx + 15.0 * static_cast<double>(series.size()), top + plot_h + 18, categories[c],
              "text-anchor=\"middle\"");
  }
  for (std::size_t k = 0; k < series.size(); ++k) {
    const double y = top + 20 + 20.0 * static_cast<double>(k);
    s << rect(width - 140, y - 10, 12, 12, series[k].color) << text(width - 122, y, series[k].name);
  }
  s << "</svg>\n";
  return s.str();
}

std::string svg_heatmaps(const std::string& title, const std::vector<std::string>& rows,
                         const std::vector<std::string>& cols, const std::vector<std::pair<std::string, Grid>>& panels,
                         double max_value) {
  const double cell_w = 62, cell_h = 24, label_w = 110, top = 70, gap = 40;
  const double panel_w = label_w + cell_w * static_cast<double>(cols.size());
  const double width = 20 + (panel_w + gap) * static_cast<double>(panels.size());
  const double height = top + cell_h * static_cast<double>(rows.size()) + 30;
  std::ostringstream s;
  s << open_svg(width, height, title);
  for (std::size_t p = 0; p < panels.size(); ++p) {
    const double x0 = 20 + (panel_w + gap) * static_cast<double>(p);
    s << text(x0 + panel_w / 2, 44, panels[p].first, "text-anchor=\"middle\" font-weight=\"bold\"");
    for (std::size_t c = 0; c < cols.size(); ++c)
      s << text(x0 + label_w + cell_w * (static_cast<double>(c) + 0.5), top - 6, cols[c],
                "text-anchor=\"middle\" font-size=\"10\"");
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const double y = top + cell_h * static_cast<double>(r);
      s << text(x0 + label_w - 6, y + cell_h * 0.65, rows[r], "text-anchor=\"end\" font-size=\"10\"");
      for (std::size_t c = 0; c < cols.size(); ++c) {
        const Grid& g = panels[p].second;
        const double v = r < g.size() && c < g[r].size() ? g[r][c] : NAN;
        const double x = x0 + label_w + cell_w * static_cast<double>(c);
        s << rect(x, y, cell_w - 1, cell_h - 1, heat_colour(v, max_value));
        const bool dark = std::isfinite(v) && v / max_value > 0.55;
        s << text(x + cell_w / 2, y + cell_h * 0.65, std::isfinite(v) ? fmt(v, 1) : "-",
                  std::string("text-anchor=\"middle\" font-size=\"10\" fill=\"") + (dark ? "white" : "black") + "\"");
      }
    }
  }
  s << "</svg>\n";
  return s.str();
}

}  // namespace firmsim::est
