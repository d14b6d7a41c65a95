#include "policy/evaluate.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>

#include "parallel/comm.hpp"
#include "sim/checkpoint.hpp"
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

namespace {

double paid_in_recorded_years(const std::vector<YearSummary>& years) {
  double paid = 0;
  for (const YearSummary& s : years)
    if (s.recorded) paid += s.support_paid;
  return paid;
}

}  // namespace

std::vector<double> public_costs(const std::vector<Config>& programs) {
  std::vector<double> paid(programs.size());
  if (!par::distributed()) {
    Simulation sim(programs);
    sim.run();
    for (int v = 0; v < sim.variants(); ++v) paid[static_cast<std::size_t>(v)] = paid_in_recorded_years(sim.summaries(v));
  } else {  // one program per item, alone: the same as beside the others (common random numbers)
    const std::vector<std::string> results =
        par::map_items(static_cast<std::int64_t>(programs.size()), [&](std::int64_t k) {
          Simulation sim(programs[static_cast<std::size_t>(k)]);
          sim.run();
          std::string out;
          bytes::put_value(out, paid_in_recorded_years(sim.summaries()));
          return out;
        });
    for (std::size_t k = 0; k < programs.size(); ++k) {
      std::size_t at = 0;
      bytes::get_value(results[k], at, paid[k]);
    }
  }
  std::vector<double> out;
  for (std::size_t k = 0; k < programs.size(); ++k)
    out.push_back(paid[k] / programs[k].run.replicates + overhead(programs[k]));
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

namespace {

// A comparison as bytes, for the other processes (evaluation under MPI).
void put(std::string& out, const std::string& s) { bytes::put_string(out, s); }
void get(const std::string& in, std::size_t& at, std::string& s) { bytes::get_string(in, at, s); }
void put(std::string& out, const std::vector<double>& v) { bytes::put_vector(out, v); }
void get(const std::string& in, std::size_t& at, std::vector<double>& v) { bytes::get_vector(in, at, v); }
template <class T>
void put(std::string& out, const std::vector<T>& v) {
  bytes::put_value(out, static_cast<std::uint64_t>(v.size()));
  for (const T& x : v) put(out, x);
}
template <class T>
void get(const std::string& in, std::size_t& at, std::vector<T>& v) {
  std::uint64_t n = 0;
  bytes::get_value(in, at, n);
  v.resize(n);
  for (T& x : v) get(in, at, x);
}

template <class Io>
void walk(Comparison& c, Io&& io) {
  io(c.program);
  io(c.groups.names);
  io(c.groups.family);
  io(c.measures);
  io(c.baseline);
  io(c.variant);
  io(c.overhead);
  io(c.deadweight.supported);
  io(c.deadweight.deadweight);
  io(c.deadweight.additional);
  io(c.typology.types);
  io(c.typology.effect);
  io(c.typology.note);
}

std::string to_bytes(Comparison c) {
  std::string out;
  for (int x : {c.first_year, c.last_year, c.program_from, c.program_to}) bytes::put_value(out, x);
  walk(c, [&](auto& field) { put(out, field); });
  return out;
}

Comparison from_bytes(const std::string& in) {
  Comparison c;
  std::size_t at = 0;
  for (int* x : {&c.first_year, &c.last_year, &c.program_from, &c.program_to}) bytes::get_value(in, at, *x);
  walk(c, [&](auto& field) { get(in, at, field); });
  return c;
}

// Under MPI: each program beside its own copy of the baseline, programs
// handed out to processes as they free up (the same comparison as in one
// launch: common random numbers).
std::vector<Comparison> compare_programs_over_processes(const std::vector<Config>& variants) {
  const std::vector<std::string> results =
      par::map_items(static_cast<std::int64_t>(variants.size()) - 1, [&](std::int64_t k) {
        const std::size_t v = static_cast<std::size_t>(k) + 1;
        Simulation sim(std::vector<Config>{variants[0], variants[v]});
        sim.run();
        return to_bytes(compare_variants(variants[v], VariantResult{sim.take_panel(0), sim.policy_columns(0)},
                                         VariantResult{sim.take_panel(1), sim.policy_columns(1)}));
      });
  std::vector<Comparison> out;
  for (const std::string& r : results) out.push_back(from_bytes(r));
  return out;
}

}  // namespace

Evaluation evaluate(const Config& baseline, std::vector<Program> programs, std::optional<double> budget,
                    const std::function<void(int, int)>& on_year) {
  Evaluation e;
  e.baseline = baseline;
  e.budget = budget;
  std::vector<Config> variants{baseline};
  for (const Program& p : programs) variants.push_back(scaled_program(p.config, p.scale));
  const auto start = std::chrono::steady_clock::now();
  if (par::distributed()) {
    e.comparisons = compare_programs_over_processes(variants);
    for (std::size_t k = 0; k < programs.size(); ++k) e.comparisons[k].program = programs[k].file;
    e.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    e.programs = std::move(programs);
    return e;
  }
  Simulation sim(variants);
  sim.run([&](const YearSummary& s) {
    if (on_year) on_year(s.year, baseline.run.last_year);
  });
  const VariantResult base{sim.take_panel(0), sim.policy_columns(0)};
  for (std::size_t k = 0; k < programs.size(); ++k) {
    const int v = static_cast<int>(k) + 1;
    const VariantResult prog{sim.take_panel(v), sim.policy_columns(v)};
    e.comparisons.push_back(compare_variants(variants[static_cast<std::size_t>(v)], base, prog));
    e.comparisons.back().program = programs[k].file;
  }
  e.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  e.programs = std::move(programs);
  return e;
}

}  // namespace firmsim::policy
