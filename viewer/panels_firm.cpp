// One firm's life: which markets it serves year by year (entries, exits),
// its size and exports from the panel, and its beliefs and cash from the
// snapshots the runner records while the firm is tracked.
#include <imgui.h>

#include <algorithm>

#include "viewer/app.hpp"
#include "viewer/widgets.hpp"

namespace firmsim::view {

namespace {

const char* strategy_name(int s) { return s == 1 ? "waterfall" : s == 2 ? "sprinkler" : "none"; }

void pickers(UiState& ui, const RunView& v, Runner& runner) {
  const Panel empty;
  const Typology no_types;
  const Panel& panel = v.panel ? *v.panel : empty;
  const Typology& types = v.typology ? *v.typology : no_types;
  for (FirmPick pick : {FirmPick::largest_born_global, FirmPick::typical_traditional, FirmPick::largest_exporter}) {
    const std::optional<std::int64_t> firm = pick_firm(panel, types, pick);
    ImGui::BeginDisabled(!firm);
    if (ImGui::Button(pick_label(pick))) runner.track(0, *firm), ui.firm_input = int(*firm);
    ImGui::EndDisabled();
    ImGui::SameLine();
  }
  ImGui::NewLine();
  ImGui::SetNextItemWidth(120);
  ImGui::InputInt("firm id", &ui.firm_input);
  ImGui::SameLine();
  if (ImGui::Button("Follow")) runner.track(0, ui.firm_input);
  ImGui::SameLine();
  // Beliefs and cash exist only from the year a firm is chosen; the run is
  // deterministic, so replaying it with the firm tracked fills in the past.
  ImGui::BeginDisabled(v.tracked_firm < 0 || !v.config || v.years_done() == 0);
  if (ImGui::Button("Replay with beliefs")) {
    runner.reset(*v.config);
    runner.stop_after(v.next_year - 1);
    runner.play();
  }
  ImGui::EndDisabled();
}

void summary_line(const RunView& v, const FirmLife& life) {
  if (!life.found) {
    ImGui::TextWrapped("firm %lld: no rows in the recorded years yet", static_cast<long long>(life.firm));
    return;
  }
  const std::string industry = life.industry < int(v.config->industries.size())
                                   ? v.config->industries[std::size_t(life.industry)].meta.name
                                   : std::to_string(life.industry);
  ImGui::TextWrapped("firm %lld, %s, founded %d%s; first export (latent) %s; latent strategy %s; observed type %s",
                     static_cast<long long>(life.firm), industry.c_str(), life.founding_year,
                     life.exit_year ? (", exited " + std::to_string(life.exit_year)).c_str() : "",
                     life.export_start_year ? std::to_string(life.export_start_year).c_str() : "never",
                     strategy_name(life.latent_strategy),
                     life.observed_type.empty() ? "(from 1998)" : life.observed_type.c_str());
}

int region_of(const RunView& v, const MarketMeta& m) {
  const auto& regions = v.config->regions;
  const auto it = std::find(regions.begin(), regions.end(), m.region);
  return it == regions.end() ? -1 : int(it - regions.begin());
}

// Markets ever served (rows) by year (columns), filled in the region's colour.
void market_strip(const RunView& v, const FirmLife& life, float height) {
  std::uint64_t ever = 0;
  for (const FirmLifeYear& y : life.years) ever |= y.markets;
  const auto& markets = v.panel->meta.markets;
  std::vector<int> rows;
  for (std::size_t m = 0; m < markets.size() && m < 64; ++m)
    if ((ever >> m) & 1u) rows.push_back(int(m));
  if (rows.empty() || life.years.empty()) return;
  const ImVec2 lo = ImGui::GetCursorScreenPos();
  const float w = ImGui::GetContentRegionAvail().x - 30;
  const float cw = w / float(life.years.size()), ch = std::min(12.0f, height / float(rows.size()));
  ImGui::Dummy({w + 30, ch * float(rows.size()) + 2});
  ImDrawList* dl = ImGui::GetWindowDrawList();
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const float y = lo.y + ch * float(r);
    if (ch >= 9) dl->AddText({lo.x, y - 2}, IM_COL32(200, 200, 200, 255), markets[std::size_t(rows[r])].iso.c_str());
    for (std::size_t k = 0; k < life.years.size(); ++k)
      if ((life.years[k].markets >> rows[r]) & 1u)
        dl->AddRectFilled({lo.x + 30 + cw * float(k), y}, {lo.x + 30 + cw * float(k + 1) - 1, y + ch - 1},
                          to_imu32(region_colour(region_of(v, markets[std::size_t(rows[r])])), 255));
  }
}

void belief_charts(const FirmLife& life, float height) {
  if (life.tracked.empty()) {
    hint("Beliefs and cash are recorded from the year the firm is chosen; 'Replay with beliefs' fills in the past.");
    return;
  }
  std::vector<double> x, belief, precision, cash;
  for (const TrackedYear& t : life.tracked) {
    x.push_back(t.year);
    belief.push_back(t.snapshot.belief_mean);
    precision.push_back(t.snapshot.belief_precision);
    cash.push_back(t.snapshot.cash);
  }
  const float w = ImGui::GetContentRegionAvail().x / 2 - 4;
  line_chart("##belief", x, {{"believed log efficiency", &belief, series_colour(4)}}, {w, height}, "log");
  ImGui::SameLine();
  line_chart("##cash", x, {{"cash", &cash, series_colour(7)}}, {w, height}, "EUR");
}

void year_table(const RunView& v, const FirmLife& life) {
  if (!ImGui::BeginTable("##years", 6,
                         ImGuiTableFlags_Borders | ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingFixedFit))
    return;
  ImGui::TableSetupScrollFreeze(0, 1);
  for (const char* h : {"year", "FTE", "exports", "markets", "entered", "left"}) ImGui::TableSetupColumn(h);
  ImGui::TableHeadersRow();
  for (const FirmLifeYear& y : life.years) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::Text("%d%s", y.year, y.alive ? "" : " (dies)");
    ImGui::TableNextColumn();
    ImGui::Text("%.1f", y.fte);
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(eur(y.exports).c_str());
    ImGui::TableNextColumn();
    ImGui::Text("%d", y.n_markets());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(market_codes(y.entered, v.panel->meta.markets).c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(market_codes(y.exited, v.panel->meta.markets).c_str());
  }
  ImGui::EndTable();
}

// Who the firm could learn from: its peers and the markets they served the
// year before it first exported (those it then entered itself marked).
void peer_table(const RunView& v, const FirmLife& life) {
  if (life.peers.empty()) return;
  const std::string when = life.export_start_year != 0
                               ? "the year before its first export (" + std::to_string(life.export_start_year - 1) + ")"
                               : "in the last recorded year";
  ImGui::Text("Peers and the markets they served %s; * = the firm entered it too", when.c_str());
  if (!ImGui::BeginTable("##peers", 4, ImGuiTableFlags_Borders | ImGuiTableFlags_SizingFixedFit)) return;
  for (const char* h : {"peer", "industry", "served", "markets"}) ImGui::TableSetupColumn(h);
  ImGui::TableHeadersRow();
  for (const PeerAtEntry& p : life.peers) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::Text("%lld%s", static_cast<long long>(p.firm), p.program ? " (program)" : "");
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(p.same_industry ? "same" : "other");
    ImGui::TableNextColumn();
    ImGui::Text("%d", popcount64(p.served));
    ImGui::TableNextColumn();
    std::string codes = market_codes(p.served & ~p.entered_shared, v.panel->meta.markets);
    if (p.entered_shared) codes = market_codes(p.entered_shared, v.panel->meta.markets) + "* " + codes;
    ImGui::TextUnformatted(codes.c_str());
  }
  ImGui::EndTable();
}

}  // namespace

void draw_firm(UiState& ui, const RunView& v, const Derived& d, Runner& runner) {
  pickers(ui, v, runner);
  if (v.tracked_firm < 0) {
    hint("Pick a firm to follow: its market entries and exits, beliefs and cash, year by year.");
    return;
  }
  const FirmLife& life = d.life;
  summary_line(v, life);
  const float h = ImGui::GetContentRegionAvail().y;
  belief_charts(life, h * 0.28f);
  if (v.panel && life.found) {
    market_strip(v, life, h * 0.25f);
    peer_table(v, life);
    year_table(v, life);
  }
}

}  // namespace firmsim::view
