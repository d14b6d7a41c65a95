#include "app/distributed_run.hpp"

#include <csignal>
#include <cstdlib>
#include <chrono>
#include <thread>
#include <cstdio>
#include <fstream>
#include <filesystem>
#include <iomanip>
#include <iostream>

#include "app/run_report.hpp"
#include "parallel/comm.hpp"
#include "sim/atomic_file.hpp"
#include "sim/checkpoint.hpp"
#include "sim/input_error.hpp"
#include "sim/panel_io.hpp"
#include "sim/shards.hpp"
#include "sim/simulation.hpp"

namespace firmsim {

namespace {

namespace fs = std::filesystem;
constexpr const char* kSummariesName = "summaries.bin";

std::string choose_mode(const RunCommand& cmd, const Config& config) {
  const std::string asked = cmd.distribute.value_or("auto");
  if (asked != "auto" && asked != "replicates" && asked != "firms")
    throw InputError("command line", 0, "--distribute", "expected auto, replicates or firms, got '" + asked + "'");
  if (asked != "auto") return asked;
  // Replicates are independent: the cheapest split whenever there are enough.
  const bool peers = peer_slots(std::vector<Config>{config}) > 0;
  return config.run.replicates >= par::size() || peers ? "replicates" : "firms";
}

ShardManifest plan(const RunCommand& cmd, const Config& config, const std::string& mode) {
  ShardManifest m;
  m.mode = mode;
  m.processes = par::size();
  m.replicates = config.run.replicates;
  m.firms = config.run.firms;
  m.run_key = run_key(cmd);
  char name[64];
  if (mode == "replicates") {
    for (std::int32_t r = 0; r < config.run.replicates; ++r) {
      std::snprintf(name, sizeof name, "replicate-%05d", r);
      m.shards.push_back(ShardSpec{name, r, 1, 0, config.run.firms});
    }
    return m;
  }
  check_splittable(std::vector<Config>{config});  // here, before any process works alone
  if (config.run.firms < par::size())
    throw InputError("command line", 0, "--firms",
                     "cannot split " + std::to_string(config.run.firms) + " firms over " +
                         std::to_string(par::size()) + " processes");
  for (int k = 0; k < par::size(); ++k) {
    const par::Range r = par::range_of(k, par::size(), config.run.firms);
    std::snprintf(name, sizeof name, "firms-%012lld", static_cast<long long>(r.begin));
    m.shards.push_back(ShardSpec{name, 0, config.run.replicates, r.begin, r.end - r.begin});
  }
  return m;
}

bool shard_done(const std::string& dir, const ShardSpec& s) {
  return fs::exists(fs::path(shard_directory(dir, s)) / kShardDoneName);
}

// The shard's panel, its years' summaries, then the marker that says both are whole.
void write_shard(const std::string& dir, const ShardSpec& spec, const Simulation& sim) {
  const std::string shard = shard_directory(dir, spec);
  fs::create_directories(shard);
  Panel panel = sim.panel();
  shift_numbers(panel, -spec.first_replicate, -spec.first_firm);  // a shard is numbered from 0
  write_panel(panel, shard, PanelFormat::csv);
  std::string summaries;
  bytes::put_vector(summaries, sim.summaries());
  write_file_atomically((fs::path(shard) / kSummariesName).string(), summaries);
  write_file_atomically((fs::path(shard) / kShardDoneName).string(), "done\n");
}

std::vector<YearSummary> read_summaries(const std::string& dir, const ShardSpec& spec) {
  const std::string path = (fs::path(shard_directory(dir, spec)) / kSummariesName).string();
  std::ifstream in(path, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<YearSummary> out;
  std::size_t offset = 0;
  try {
    bytes::get_vector(text, offset, out);
  } catch (const std::exception&) {
    throw InputError(path, 0, "", "unreadable shard summaries");
  }
  return out;
}

// Test hook: FIRMSIM_TEST_KILL_PROCESS=K makes process K, holding the first
// replicate it took, wait until another process has finished one and then
// die (SIGKILL): a sweep that lost a process with unfinished work, for the
// resume test, whatever the processes' speeds.
void die_here_for_tests(const std::string& dir, const ShardManifest& m) {
  const char* victim = std::getenv("FIRMSIM_TEST_KILL_PROCESS");
  if (!victim || std::to_string(par::rank()) != victim) return;
  for (int wait = 0; wait < 1200; ++wait) {
    for (const ShardSpec& s : m.shards)
      if (shard_done(dir, s)) ::raise(SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::raise(SIGKILL);
}

void run_replicates(const std::string& dir, const ShardManifest& m, const Config& config, bool quiet) {
  par::map_items(static_cast<std::int64_t>(m.shards.size()), [&](std::int64_t item) {
    die_here_for_tests(dir, m);
    const ShardSpec& spec = m.shards[static_cast<std::size_t>(item)];
    if (shard_done(dir, spec)) {  // finished before an interruption
      if (!quiet)
        std::fprintf(stderr, "firmsim [process %d of %d]: replicate %d of %d was done already\n", par::rank(),
                     par::size(), spec.first_replicate + 1, m.replicates);
      return std::string();
    }
    Config one = config;
    one.run.replicates = 1;
    Simulation sim(std::vector<Config>{one}, PopulationPart{static_cast<std::uint32_t>(spec.first_replicate), 0, false});
    sim.run();
    write_shard(dir, spec, sim);
    if (!quiet)
      std::fprintf(stderr, "firmsim [process %d of %d]: replicate %d of %d done\n", par::rank(), par::size(),
                   spec.first_replicate + 1, m.replicates);
    return std::string();
  });
}

void run_split(const std::string& dir, const ShardManifest& m, const Config& config, bool quiet) {
  const ShardSpec& spec = m.shards.at(static_cast<std::size_t>(par::rank()));
  Config part = config;
  part.run.firms = spec.firms;
  Simulation sim(std::vector<Config>{part}, PopulationPart{0, spec.first_firm, true});
  sim.run([&](const YearSummary& s) {
    if (!quiet && par::is_root())
      std::fprintf(stderr, "firmsim: year %d: alive %lld, exporters %lld (all %d processes)\n", s.year,
                   static_cast<long long>(s.alive), static_cast<long long>(s.exporters), par::size());
  });
  write_shard(dir, spec, sim);
}

// Process 0, once every shard is written: the whole run's years and panel.
void finish(const std::string& dir, ShardManifest m, const Config& config, const RunCommand& cmd,
            const std::string& targets) {
  std::vector<YearSummary> years;
  if (m.mode == "firms") {
    years = read_summaries(dir, m.shards.front());  // every process holds the reduced years
  } else {
    for (const ShardSpec& s : m.shards) add_years(years, read_summaries(dir, s));
  }
  m.complete = true;
  write_file_atomically(shard_manifest_path(dir), shard_manifest_yaml(m));
  const Panel panel = read_panel_directory(dir);
  RunReport report = make_run_report(config, years, panel);
  print_run_report(std::cout, report);
  write_run_report(dir, report);
  std::cout << "panel written to " << dir << " as " << m.shards.size() << " shard(s) by " << m.processes
            << " processes (" << kShardManifestName << ")\n";
  if (cmd.compare) compare_panel(panel, targets, dir, &config, std::cout);
}

// Work a process does alone, in the middle of collective calls: an error
// here must end every process (the others would wait for this one).
template <class Work>
void alone(Work&& work) {
  try {
    work();
  } catch (const InputError& e) {
    std::fprintf(stderr, "firmsim [process %d of %d]: %s\n", par::rank(), par::size(), e.what());
    par::abort_all(2);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "firmsim [process %d of %d]: internal error: %s\n", par::rank(), par::size(), e.what());
    par::abort_all(1);
  }
}

}  // namespace

int distributed_run(const RunCommand& cmd, const Config& config, const std::string& targets, bool resuming) {
  if (!cmd.out)
    throw InputError("command line", 0, "--out", "under MPI a run writes its panel in shards: give --out DIR");
  if (cmd.checkpoint_every)
    throw InputError("command line", 0, "--checkpoint-every",
                     "under MPI the finished shards are what --resume keeps (replicate by replicate); drop "
                     "--checkpoint-every");
  if (cmd.format != "csv") throw InputError("command line", 0, "--format", "under MPI shards are written as csv");
  const std::string dir = *cmd.out;
  const std::string mode = choose_mode(cmd, config);
  ShardManifest m = plan(cmd, config, mode);
  const std::string manifest = shard_manifest_path(dir);
  if (resuming && mode == "firms") {
    const int before = read_shard_manifest(manifest).processes;
    if (before != par::size())
      throw InputError(manifest, 0, "processes",
                       "a split population resumes with the same number of processes (" + std::to_string(before) + ")");
  }
  // Process 0 alone creates the directory: every process learns whether it could.
  std::string failure;
  if (par::is_root()) try {
      ensure_writable_directory(dir);
      if (!resuming) write_file_atomically(manifest, shard_manifest_yaml(m));
    } catch (const InputError& e) {
      failure = e.what();
    }
  failure = par::broadcast(failure);
  if (!failure.empty()) {
    if (par::is_root()) std::fprintf(stderr, "firmsim: %s\n", failure.c_str());
    return 2;
  }
  if (par::is_root()) {
    if (!cmd.quiet)
      std::fprintf(stderr, "firmsim: %lld firms x %d replicate(s) over %d processes (%s), by %s, %s backend\n",
                   static_cast<long long>(config.run.firms), config.run.replicates, par::size(),
                   par::library().c_str(), mode.c_str(), Engine::backend_name());
    if (!cmd.quiet && mode == "replicates" && config.run.replicates < par::size())
      std::fprintf(stderr,
                   "firmsim: note: %d of %d processes have no replicate to run; a population with peers is not "
                   "split over processes (scenarios/independent_firms.yaml, or --replicates >= %d, uses them all)\n",
                   par::size() - config.run.replicates, par::size(), par::size());
  }
  par::barrier();
  const auto started = std::chrono::steady_clock::now();
  alone([&] {
    if (mode == "replicates")
      run_replicates(dir, m, config, cmd.quiet);
    else
      run_split(dir, m, config, cmd.quiet);
  });
  par::barrier();
  if (par::is_root()) {
    finish(dir, m, config, cmd, targets);
    std::cout << "simulated in " << std::fixed << std::setprecision(1)
              << std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() << " s\n";
  }
  return 0;
}

}  // namespace firmsim
