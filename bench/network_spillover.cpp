// The mentoring program's reach beyond the firms it targets (issue 9): runs
// a network baseline and the program as two variants of one population
// (common random numbers) and prints, for firms the program never targeted
// (outside manufacturing) that have a manufacturing peer, their export
// market-years from the program's start; then the same with firms that do
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

Counts count(const Config& c, const Panel& p, int from) {
  std::vector<int> industry_of(static_cast<std::size_t>(c.run.replicates * c.run.firms), -1);
  for (std::size_t r = 0; r < p.firms.rows(); ++r)
    industry_of[p.firms.replicate[r] * c.run.firms + p.firms.firm[r]] = p.firms.industry[r];
  auto manufacturing = [&](int replicate, std::int64_t firm) {
    const int j = industry_of[replicate * c.run.firms + firm];
    return j >= 0 && c.industries[j].meta.sector == "manufacturing";
  };
  std::set<std::pair<int, std::int64_t>> exposed;
  for (std::size_t r = 0; r < p.peers.rows(); ++r)
    if (!p.peers.program[r] && !manufacturing(p.peers.replicate[r], p.peers.firm[r]) &&
        manufacturing(p.peers.replicate[r], p.peers.peer[r]))
      exposed.insert({p.peers.replicate[r], p.peers.firm[r]});
  Counts n;
  for (std::size_t r = 0; r < p.flows.rows(); ++r) {
    if (p.flows.year[r] < from || !(p.flows.exports_true[r] > 0)) continue;
    if (manufacturing(p.flows.replicate[r], p.flows.firm[r])) ++n.targeted;
    if (exposed.count({p.flows.replicate[r], p.flows.firm[r]})) ++n.untargeted_exposed;
  }
  return n;
}

void report(const char* label, Config baseline, Config program) {
  firmsim::Simulation sim(std::vector<Config>{baseline, program});
  sim.run();
  const int from = program.policies.at(0).from;
  const Counts a = count(baseline, sim.panel(0), from), b = count(program, sim.panel(1), from);
  std::printf(
      "%-22s manufacturing: %8.0f -> %8.0f (%+.2f%%)   untargeted with a manufacturing peer: %8.0f -> %8.0f "
      "(%+.2f%%)\n",
      label, a.targeted, b.targeted, 100.0 * (b.targeted / a.targeted - 1), a.untargeted_exposed, b.untargeted_exposed,
      100.0 * (b.untargeted_exposed / a.untargeted_exposed - 1));
}

}  // namespace

int main(int argc, char** argv) {
  const std::string config = argc > 1 ? argv[1] : "configs/belgium.yaml";
  const std::string scenario = argc > 2 ? argv[2] : "scenarios/network_mentoring_program.yaml";
  Config program = firmsim::load_config(config, {scenario});
  if (argc > 3) program.run.firms = std::atoll(argv[3]);
  if (argc > 4) program.run.replicates = std::atoi(argv[4]);
  Config baseline = program;
  baseline.policies.clear();
  std::printf("%s on %s: %lld firms x %d replicates, export market-years from %d\n", scenario.c_str(), config.c_str(),
              static_cast<long long>(program.run.firms), program.run.replicates, program.policies.at(0).from);
  report("firms in a network", baseline, program);
  for (Config* c : {&baseline, &program}) {
    c->model.interactions.market_information = c->model.interactions.mentoring = c->model.interactions.crowding = 0;
  }
  report("independent firms", baseline, program);
  return 0;
}
