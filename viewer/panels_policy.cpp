// Policy vs baseline: a running program (or a theory scenario) against the
// same firms without it (simulated beside it by the runner): the public cost
// so far and the additional exporters, year by year.
#include <imgui.h>

#include "viewer/app.hpp"
#include "viewer/widgets.hpp"

namespace firmsim::view {

void draw_policy(const RunView& v, const Derived& d) {
  const PolicyView& p = d.policy;
  if (!p.available) {
    hint(
        "No policy program or scenario in this run. Set a lever under Run and parameters, load a program from "
        "scenarios/policies/, or start with --scenario scenarios/no_learning.yaml (any theory switch), to watch it "
        "against its baseline (the same firms and luck without it).");
    return;
  }
  const bool program = v.config && !v.config->policies.empty();
  if (program)
    ImGui::Text("public cost so far: %s", eur(p.cost_so_far).c_str());
  else
    ImGui::TextUnformatted("theory scenario against the config without it");
  ImGui::Text("additional exporters: %s  (exports %+.1f EUR m)", compact(p.additional_now).c_str(),
              p.additional_exports_meur);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float h = (avail.y - ImGui::GetStyle().ItemSpacing.y) / 2;
  line_chart("##additional", p.year, {{"additional exporters", &p.additional_exporters, series_colour(3)}},
             {avail.x, h}, "firms");
  if (program)
    line_chart("##cost", p.year, {{"public cost so far, EUR m", &p.cost_meur, series_colour(1)}}, {avail.x, h},
               "EUR m");
  else
    line_chart("##exporters", p.year,
               {{"exporters, scenario", &p.program_exporters, series_colour(1)},
                {"exporters, baseline", &p.baseline_exporters, series_colour(0)}},
               {avail.x, h}, "firms");
  hint("The same firms and luck without the program or scenario give the baseline (firmsim experiment sets every "
       "table side by side); magnitudes are as good as the model's fit.");
}

}  // namespace firmsim::view
