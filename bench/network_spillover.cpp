// The mentoring program's reach beyond the firms it targets (issue 9): runs
// a network baseline and the program as two variants of one population
// (common random numbers) and prints, for firms the program never targeted
// (outside its industries or too old to be young in its years) that have a
// peer it could target, their export market-years from the program's start; then the same with firms that do
// not interact, where that difference must be exactly zero.
//   firmsim_network_spillover [config] [scenario] [firms] [replicates]
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "sim/config.hpp"
#include "sim/simulation.hpp"

namespace {

using firmsim::Config;
using firmsim::Panel;

struct Counts {
  double targeted = 0, untargeted_exposed = 0;  // export market-years
};

// Targetable: of the program's industries and young enough at some time in
// its years; the others are never targeted. Exposed: never targeted, with a
// targetable peer among its base slots.
using Exposed = std::set<std::pair<int, std::int64_t>>;

Counts count(const Config& c, const Panel& p, Exposed& exposed) {
  const firmsim::PolicySpec& program = c.policies.at(0);
  const std::int64_t per = c.run.firms;
  std::vector<char> targetable(static_cast<std::size_t>(c.run.replicates * per), 0);
  for (std::size_t r = 0; r < p.firms.rows(); ++r)
    targetable[p.firms.replicate[r] * per + p.firms.firm[r]] =
        ((program.industries >> p.firms.industry[r]) & 1u) &&
        p.firms.founding_year[r] + program.max_age >= program.from;
  for (std::size_t r = 0; r < p.peers.rows(); ++r) {  // independent firms: the network's peers
    const std::int64_t base = p.peers.replicate[r] * per;
    if (!p.peers.program[r] && !targetable[base + p.peers.firm[r]] && targetable[base + p.peers.peer[r]])
      exposed.insert({p.peers.replicate[r], p.peers.firm[r]});
  }
  Counts n;
  for (std::size_t r = 0; r < p.flows.rows(); ++r) {
    if (p.flows.year[r] < program.from || !(p.flows.exports_true[r] > 0)) continue;
    if (targetable[p.flows.replicate[r] * per + p.flows.firm[r]]) ++n.targeted;
    if (exposed.count({p.flows.replicate[r], p.flows.firm[r]})) ++n.untargeted_exposed;
  }
  return n;
}

void report(const char* label, Config baseline, Config program, Exposed& exposed) {
  firmsim::Simulation sim(std::vector<Config>{baseline, program});
  sim.run();
  const Counts a = count(program, sim.panel(0), exposed), b = count(program, sim.panel(1), exposed);
  std::printf(
      "%-20s targetable: %8.0f -> %8.0f (%+.2f%%)   never targeted, with a targetable peer: %8.0f -> %8.0f "
      "(%+.2f%%)\n",
      label, a.targeted, b.targeted, 100.0 * (b.targeted / a.targeted - 1), a.untargeted_exposed, b.untargeted_exposed,
      100.0 * (b.untargeted_exposed / a.untargeted_exposed - 1));
}

}  // namespace

int main(int argc, char** argv) {
  const std::string config = argc > 1 ? argv[1] : "configs/belgium.yaml";
  const std::string scenario = argc > 2 ? argv[2] : "scenarios/network_entry_subsidy.yaml";
  Config program = firmsim::load_config(config, {scenario});
  if (argc > 3) program.run.firms = std::atoll(argv[3]);
  if (argc > 4) program.run.replicates = std::atoi(argv[4]);
  Config baseline = program;
  baseline.policies.clear();
  std::printf("%s on %s: %lld firms x %d replicates, export market-years from %d\n", scenario.c_str(), config.c_str(),
              static_cast<long long>(program.run.firms), program.run.replicates, program.policies.at(0).from);
  Exposed exposed;
  report("firms in a network", baseline, program, exposed);
  for (Config* c : {&baseline, &program}) {
    c->model.interactions.market_information = c->model.interactions.mentoring = c->model.interactions.crowding = 0;
  }
  report("independent firms", baseline, program, exposed);
  return 0;
}
