// Firms that interact (issue 9): each mechanism moves its outcome in the
// expected direction, switching it off removes the effect, the peer network
// is what the parameters say, and the panel stays byte-identical across
// thread counts and batch sizes with every interaction on.
#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "command_support.hpp"
#include "sim/panel_io.hpp"
#include "support.hpp"

namespace firmsim {
namespace {

namespace fs = std::filesystem;
using testing::slurp;

Config world(std::int64_t firms = 4000) {
  Config c = testing::small_default(firms, 1980);
  c.run.replicates = 2;
  return c;
}

Config with_all_interactions(Config c) {
  c.model.interactions.market_information = 1;
  c.model.interactions.mentoring = 1;
  c.model.interactions.crowding = 1;
  return c;
}

struct Outcomes {
  double export_market_years = 0;  // latent flows with exports
  double exports = 0;              // EUR, latent
  double exporters_ever = 0;       // firms that ever exported
};

Outcomes outcomes(const Panel& p) {
  Outcomes o;
  for (std::size_t r = 0; r < p.flows.rows(); ++r)
    if (p.flows.exports_true[r] > 0) ++o.export_market_years;
  for (std::size_t r = 0; r < p.firm_years.rows(); ++r) o.exports += p.firm_years.exports_true[r];
  for (std::size_t r = 0; r < p.firms.rows(); ++r) o.exporters_ever += p.firms.latent_export_start_year[r] != 0;
  return o;
}

// Baseline and treatment as two variants of one population: common random
// numbers, so the difference is the mechanism's doing alone.
std::pair<Outcomes, Outcomes> compare(const Config& off, const Config& on) {
  Simulation sim(std::vector<Config>{off, on});
  sim.run();
  return {outcomes(sim.panel(0)), outcomes(sim.panel(1))};
}

bool same_panel(const Panel& a, const Panel& b) {
  return a.firm_years.fte == b.firm_years.fte && a.firm_years.exports_true == b.firm_years.exports_true &&
         a.flows.exports_true == b.flows.exports_true && a.firms.exit_year == b.firms.exit_year;
}

TEST(MarketInformation, PeersMarketsRaiseExportParticipation) {
  Config off = world();
  off.model.interactions.peer_awareness = 1.0f;
  off.model.interactions.peer_prior_weight = 0.3f;
  Config on = off;
  on.model.interactions.market_information = 1;
  const auto [base, treated] = compare(off, on);
  EXPECT_GT(treated.export_market_years, base.export_market_years * 1.02);
  EXPECT_GT(treated.exporters_ever, base.exporters_ever);
}

TEST(MarketInformation, ZeroStrengthIsNoEffect) {
  Config off = world(1500);
  Config on = off;
  on.model.interactions.market_information = 1;
  on.model.interactions.peer_awareness = 0;
  on.model.interactions.peer_prior_weight = 0;
  Simulation sim(std::vector<Config>{off, on});
  sim.run();
  EXPECT_TRUE(same_panel(sim.panel(0), sim.panel(1)));
}

// Market information, the prior channel alone (awareness off): before a year,
// a firm's belief about a market it never served moves to
// (own + w k mean) / (1 + w k), the mean over its k base peers that served
// the market last year. Checked firm by firm for the firms that have never
// exported by the end of the year (so no regional spill-over from markets of
// their own rewrites the belief afterwards).
TEST(MarketInformation, PriorsInNeverServedMarketsBorrowFromPeersWhoServeThem) {
  Config c = world(3000);
  c.run.replicates = 1;
  c.model.interactions.market_information = 1;
  c.model.interactions.peer_awareness = 0;
  const float w = 0.5f;
  c.model.interactions.peer_prior_weight = w;
  c.model.learning.market = 1;
  c.model.learning.region_correlation = 0;
  Simulation sim(c);
  std::vector<std::vector<std::int64_t>> peers(static_cast<std::size_t>(c.run.firms));
  const PeerColumns net = sim.panel().peers;
  for (std::size_t r = 0; r < net.rows(); ++r)
    if (!net.program[r]) peers[static_cast<std::size_t>(net.firm[r])].push_back(net.peer[r]);
  while (sim.next_year() < 1996) sim.step();
  auto snapshots = [&] {
    std::vector<FirmSnapshot> all;
    for (std::int64_t i = 0; i < c.run.firms; ++i) all.push_back(sim.snapshot(0, i));
    return all;
  };
  const std::vector<FirmSnapshot> before = snapshots();
  sim.step();
  const std::vector<FirmSnapshot> after = snapshots();
  int moved = 0;
  for (std::size_t i = 0; i < before.size(); ++i) {
    if (before[i].status != 1 || after[i].status != 1 || after[i].export_start_year != 0) continue;
    for (int m = 0; m < c.model.n_markets; ++m) {
      float sum = 0;
      int serving = 0;
      for (std::int64_t j : peers[i])
        if ((before[static_cast<std::size_t>(j)].export_mask >> m) & 1u) {
          sum += before[static_cast<std::size_t>(j)].appeal_belief[m];
          ++serving;
        }
      const float own = before[i].appeal_belief[m];
      const float weight = w * static_cast<float>(serving);
      const float expected = serving == 0 ? own : (own + weight * sum / static_cast<float>(serving)) / (1.0f + weight);
      ASSERT_NEAR(after[i].appeal_belief[m], expected, 1e-5f) << "firm " << i << " market " << m;
      moved += std::abs(expected - own) > 1e-3f;
    }
  }
  EXPECT_GT(moved, 50) << "novices' priors that their peers' experience moved";
}

TEST(Mentoring, ExperiencedPeersBringNovicesAbroad) {
  Config off = world();
  off.model.interactions.mentor_discount = 0.8f;
  off.model.interactions.mentor_experience = 2;
  Config on = off;
  on.model.interactions.mentoring = 1;
  const auto [base, treated] = compare(off, on);
  EXPECT_GT(treated.exporters_ever, base.exporters_ever * 1.02);
  // Off with the same strength: no effect at all.
  Config zero = off;
  zero.model.interactions.mentoring = 1;
  zero.model.interactions.mentor_discount = 0;
  Simulation sim(std::vector<Config>{off, zero});
  sim.run();
  EXPECT_TRUE(same_panel(sim.panel(0), sim.panel(1)));
}

TEST(Crowding, SalesFallWithTheIndustrysPresenceAndRiseWithANegativeElasticity) {
  Config off = world();
  off.model.interactions.crowding_elasticity = 3.0f;
  Config on = off;
  on.model.interactions.crowding = 1;
  Config related = on;
  related.model.interactions.crowding_elasticity = -3.0f;
  Simulation sim(std::vector<Config>{off, on, related});
  sim.run();
  const Outcomes base = outcomes(sim.panel(0)), crowded = outcomes(sim.panel(1)), helped = outcomes(sim.panel(2));
  EXPECT_LT(crowded.exports, base.exports * 0.98);
  EXPECT_GT(helped.exports, base.exports * 1.02);
}

TEST(Interactions, AllSwitchesOffIsTheModelWithoutInteractions) {
  // Strengths set but every switch off: no peers are even drawn.
  Config c = world(1500);
  c.model.interactions.peer_awareness = 5;
  c.model.interactions.mentor_discount = 0.9f;
  c.model.interactions.crowding_elasticity = 5;
  EXPECT_EQ(peer_slots({c}), 0);
  Simulation sim(c);
  sim.run();
  EXPECT_TRUE(sim.panel().peers.peer.empty());
}

TEST(Peers, AreDrawnOnceFromTheGeneratorWithTheRequestedMix) {
  Config c = with_all_interactions(world(3000));
  c.model.interactions.peers = 5;
  c.model.interactions.program_peers = 2;
  c.model.interactions.same_industry_share = 0.8f;
  Simulation a(c), b(c);
  const Panel pa = a.panel(), pb = b.panel();
  ASSERT_EQ(pa.peers.rows(), static_cast<std::size_t>(2 * 3000 * 7));
  EXPECT_EQ(pa.peers.peer, pb.peers.peer) << "the same seed draws the same network";
  std::size_t base = 0, same = 0, program_same = 0, program = 0;
  for (std::size_t r = 0; r < pa.peers.rows(); ++r) {
    EXPECT_NE(pa.peers.firm[r], pa.peers.peer[r]) << "no firm is its own peer";
    const bool same_industry = pa.peers.same_industry[r] != 0;
    if (pa.peers.program[r]) {
      ++program;
      program_same += same_industry;
    } else {
      ++base;
      same += same_industry;
    }
  }
  EXPECT_EQ(program_same, program) << "program slots are always of the firm's own industry";
  // 80% drawn from the own industry, plus chance matches among the rest.
  EXPECT_GT(static_cast<double>(same) / base, 0.79);
  EXPECT_LT(static_cast<double>(same) / base, 0.90);
}

// Of a program's years: export market-years of the firms it could target (its
// industries, young enough in its years), and the latent exports (EUR) of
// the firms it never targets (founded too early) that have such a firm among
// their base peers in `network` (the interacting run's peer table).
struct Reach {
  double targetable = 0, never_targeted_exports = 0;
};

Reach reach(const Config& c, const Panel& p, const PeerColumns& network) {
  const PolicySpec& program = c.policies.at(0);
  const std::int64_t per = c.run.firms;
  std::vector<char> targetable(static_cast<std::size_t>(c.run.replicates * per), 0);
  for (std::size_t r = 0; r < p.firms.rows(); ++r)
    targetable[p.firms.replicate[r] * per + p.firms.firm[r]] =
        ((program.industries >> p.firms.industry[r]) & 1u) &&
        p.firms.founding_year[r] + program.max_age >= program.from;
  std::set<std::pair<int, std::int64_t>> exposed;
  for (std::size_t r = 0; r < network.rows(); ++r) {
    const std::int64_t base = network.replicate[r] * per;
    if (!network.program[r] && !targetable[base + network.firm[r]] && targetable[base + network.peer[r]])
      exposed.insert({network.replicate[r], network.firm[r]});
  }
  Reach n;
  for (std::size_t r = 0; r < p.flows.rows(); ++r) {
    if (p.flows.year[r] < program.from || !(p.flows.exports_true[r] > 0)) continue;
    if (targetable[p.flows.replicate[r] * per + p.flows.firm[r]]) ++n.targetable;
    if (exposed.count({p.flows.replicate[r], p.flows.firm[r]})) n.never_targeted_exports += p.flows.exports_true[r];
  }
  return n;
}

// A program in a network reaches firms it never targets; among independent
// firms those firms do not move by a cent. (Its size at scale:
// bench/network_spillover.cpp, figures in README.md.)
TEST(NetworkProgram, MovesFirmsItNeverTargetsOnlyThroughTheNetwork) {
  const std::string scenario = testing::source_dir() + "/scenarios/network_entry_subsidy.yaml";
  Config program = load_config(testing::default_config_path(), {scenario});
  program.run.firms = 3000;
  program.run.replicates = 2;
  program.run.burn_in_start = 1980;
  Config baseline = program;
  baseline.policies.clear();
  Simulation sim(std::vector<Config>{baseline, program});
  sim.run();
  const PeerColumns network = sim.panel(0).peers;
  ASSERT_GT(network.rows(), 0u);
  const Reach base = reach(program, sim.panel(0), network), treated = reach(program, sim.panel(1), network);
  EXPECT_GT(treated.targetable, base.targetable * 1.05);
  EXPECT_GT(base.never_targeted_exports, 0);
  EXPECT_NE(treated.never_targeted_exports, base.never_targeted_exports) << "the program reaches them through peers";

  for (Config* c : {&baseline, &program}) testing::independent_firms(*c);  // crowding too: it links everyone
  Simulation alone(std::vector<Config>{baseline, program});
  alone.run();
  const Reach alone_base = reach(program, alone.panel(0), network),
              alone_treated = reach(program, alone.panel(1), network);
  EXPECT_GT(alone_treated.targetable, alone_base.targetable * 1.05);
  EXPECT_EQ(alone_treated.never_targeted_exports, alone_base.never_targeted_exports)
      << "independent firms that a program never targets cannot move";
}

// The mentoring program's mentors work without the network switches: its
// target group exports more.
TEST(MentoringProgram, ProgramMentorsCutTheirMenteesEntryCost) {
  Config off = world(3000);
  off.model.interactions.program_peers = 6;
  PolicySpec p;
  p.name = "mentoring";
  p.kind = PolicyKind::mentoring;
  p.from = 1980;
  p.to = 2005;
  p.strength = 0.9;
  p.exporter_status = 1;
  Config on = off;
  on.policies.push_back(p);
  const auto [base, treated] = compare(off, on);
  EXPECT_GT(treated.exporters_ever, base.exporters_ever);
}

// A cluster program opens the program peer slots of its target group: with
// market information on, more peers mean more markets noticed.
TEST(ClusterProgram, MorePeersMoreMarketsNoticed) {
  Config off = world(3000);
  off.model.interactions.market_information = 1;
  off.model.interactions.peer_awareness = 2.0f;
  off.model.interactions.program_peers = 8;
  PolicySpec p;
  p.name = "cluster";
  p.kind = PolicyKind::cluster;
  p.from = 1980;
  p.to = 2005;
  p.strength = 1;
  Config on = off;
  on.policies.push_back(p);
  const auto [base, treated] = compare(off, on);
  EXPECT_GT(treated.export_market_years, base.export_market_years);
  // Without any interaction switched on, opening slots changes nothing.
  Config quiet = off;
  quiet.model.interactions.market_information = 0;
  Config quiet_on = quiet;
  quiet_on.policies.push_back(p);
  Simulation sim(std::vector<Config>{quiet, quiet_on});
  sim.run();
  EXPECT_TRUE(same_panel(sim.panel(0), sim.panel(1)));
}

fs::path run_to_csv(Config c, int threads, std::int64_t batch, const std::string& name) {
  omp_set_num_threads(threads);
  c.run.batch = batch;
  Simulation sim(c);
  sim.run();
  const fs::path dir = fs::temp_directory_path() / ("firmsim-interact-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  write_panel(sim.panel(), dir.string(), PanelFormat::csv);
  return dir;
}

TEST(Interactions, DeterministicAcrossThreadsAndBatchesWithEverythingOn) {
  Config c = with_all_interactions(world(2500));
  c.model.interactions.peer_awareness = 1;
  c.model.interactions.mentor_discount = 0.5f;
  c.model.interactions.crowding_elasticity = 1;
  const fs::path a = run_to_csv(c, 1, 1 << 20, "a");
  const fs::path b = run_to_csv(c, 2, 1 << 20, "b");
  const fs::path d = run_to_csv(c, 2, 313, "d");
  omp_set_num_threads(2);
  for (const char* file : {"firm_years.csv", "firms.csv", "flows.csv", "peers.csv"}) {
    const std::string reference = slurp(a / file);
    EXPECT_GT(reference.size(), 100u) << file;
    EXPECT_TRUE(reference == slurp(b / file)) << file << " differs between 1 and 2 threads";
    EXPECT_TRUE(reference == slurp(d / file)) << file << " differs between batch sizes";
  }
  for (const fs::path& p : {a, b, d}) fs::remove_all(p);
}

}  // namespace
}  // namespace firmsim
