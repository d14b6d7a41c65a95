#include "policy/evaluate.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>

#include "sim/simulation.hpp"

namespace firmsim::policy {

namespace {

double strength_cap(const PolicySpec& p) { return p.kind == PolicyKind::credit_guarantee ? 1e7 : 1.0; }

double overhead(const Config& c) {
  double total = 0;
  for (const PolicySpec& p : c.policies)
    for (int y = std::max(p.from, c.run.first_year); y <= std::min(p.to, c.run.last_year); ++y)
      total += p.cost_per_year;
  return total;
}

std::string euros(double v) {
  std::ostringstream o;
  o.precision(3);
  o << v / 1e6 << " m EUR";
  return o.str();
}

}  // namespace

Config scaled_program(const Config& program, double scale) {
  Config c = program;
  for (PolicySpec& p : c.policies) {
    p.strength = std::min(strength_cap(p), p.strength * scale);
    p.cost_per_firm *= scale;
    p.cost_per_year *= scale;
  }
  return c;
}

double max_scale(const Config& program) {
  double m = 1e9;
  for (const PolicySpec& p : program.policies)
    if (p.strength > 0) m = std::min(m, strength_cap(p) / p.strength);
  return m;
}

std::vector<double> public_costs(const std::vector<Config>& programs) {
  Simulation sim(programs);
  sim.run();
  std::vector<double> out;
  for (int v = 0; v < sim.variants(); ++v) {
    double paid = 0;
    for (const YearSummary& s : sim.summaries(v))
      if (s.recorded) paid += s.support_paid;
    out.push_back(paid / programs[static_cast<std::size_t>(v)].run.replicates +
                  overhead(programs[static_cast<std::size_t>(v)]));
  }
  return out;
}

void scale_to_budget(std::vector<Program>& programs, double budget, int rounds, double tolerance,
                     const std::function<void(const std::string&)>& log) {
  const std::size_t n = programs.size();
  std::vector<double> scale(n, 1.0), last_scale(n, 0), last_cost(n, 0);
  std::vector<bool> done(n, false);
  for (int round = 0; round < rounds; ++round) {
    std::vector<Config> configs;
    for (std::size_t k = 0; k < n; ++k) configs.push_back(scaled_program(programs[k].config, scale[k]));
    const std::vector<double> cost = public_costs(configs);
    bool all_done = true;
    for (std::size_t k = 0; k < n; ++k) {
      if (log)
        log("budget round " + std::to_string(round + 1) + ": " + programs[k].file + " at scale " +
            std::to_string(scale[k]) + " costs " + euros(cost[k]));
      programs[k].scale = scale[k];
      if (done[k]) continue;
      if (cost[k] <= 0) {  // costs nothing at any scale: cannot be brought to a budget
        done[k] = true;
        programs[k].at_budget = false;
        programs[k].budget_note = "costs nothing; left at its own strength";
        continue;
      }
      if (std::fabs(cost[k] / budget - 1) <= tolerance) {
        done[k] = true;
        programs[k].at_budget = true;
        continue;
      }
      // Cost ~ scale^b locally: b from the last two rounds, 1 at the start.
      double b = 1;
      if (last_scale[k] > 0 && last_cost[k] > 0 && scale[k] != last_scale[k])
        b = std::clamp(std::log(cost[k] / last_cost[k]) / std::log(scale[k] / last_scale[k]), 0.3, 3.0);
      const double next = std::min(max_scale(programs[k].config), scale[k] * std::pow(budget / cost[k], 1.0 / b));
      last_scale[k] = scale[k];
      last_cost[k] = cost[k];
      if (next == scale[k]) {  // at its cap and still short of the budget
        done[k] = true;
        programs[k].at_budget = false;
        programs[k].budget_note = "at full strength it costs only " + euros(cost[k]);
        continue;
      }
      scale[k] = next;
      all_done = false;
    }
    if (all_done) return;
  }
  for (std::size_t k = 0; k < n; ++k)
    if (!done[k]) {
      programs[k].at_budget = false;
      programs[k].budget_note = "not within " + std::to_string(static_cast<int>(tolerance * 100)) +
                                "% of the budget after " + std::to_string(rounds) + " rounds";
    }
}

Evaluation evaluate(const Config& baseline, std::vector<Program> programs, std::optional<double> budget,
                    const std::function<void(int, int)>& on_year) {
  Evaluation e;
  e.baseline = baseline;
  e.budget = budget;
  std::vector<Config> variants{baseline};
  for (const Program& p : programs) variants.push_back(scaled_program(p.config, p.scale));
  const auto start = std::chrono::steady_clock::now();
  Simulation sim(variants);
  sim.run([&](const YearSummary& s) {
    if (on_year) on_year(s.year, baseline.run.last_year);
  });
  const VariantResult base{sim.panel(0), sim.policy_columns(0)};
  for (std::size_t k = 0; k < programs.size(); ++k) {
    const int v = static_cast<int>(k) + 1;
    const VariantResult prog{sim.panel(v), sim.policy_columns(v)};
    e.comparisons.push_back(compare_variants(variants[static_cast<std::size_t>(v)], base, prog));
    e.comparisons.back().program = programs[k].file;
  }
  e.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  e.programs = std::move(programs);
  return e;
}

}  // namespace firmsim::policy
