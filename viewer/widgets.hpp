// Small ImGui drawing helpers the panels share: multi-series line charts,
// histograms, colours and number formatting. Pure drawing, no model logic.
#pragma once

#include <imgui.h>

#include <string>
#include <vector>

#include "viewer/view_model.hpp"

namespace firmsim::view {

struct Line {
  std::string label;
  const std::vector<double>* y = nullptr;
  ImU32 colour = 0;
};

// Lines over a shared x; hovering shows every series at the nearest x.
// Returns the hovered x index, or -1.
int line_chart(const char* id, const std::vector<double>& x, const std::vector<Line>& lines, ImVec2 size,
               const char* y_label);

// Bars of a histogram; hovering shows the bin and its count.
void bar_chart(const char* id, const Histogram& h, ImVec2 size, ImU32 colour);

ImU32 to_imu32(Rgb c, int alpha = 255);
ImU32 series_colour(int k);            // a fixed colour per series index
ImVec4 closeness_colour(Closeness c);  // background of a comparison cell

std::string compact(double v);  // 1234567 -> "1.23M"
std::string eur(double v);      // EUR with k/M/bn suffix
std::string market_codes(std::uint64_t mask, const std::vector<MarketMeta>& markets);

// A one-line, wrapped, greyed explanation.
void hint(const std::string& text);

}  // namespace firmsim::view
