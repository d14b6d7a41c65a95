#include "app/cli_commands.hpp"

#include <omp.h>

#include <csignal>
#include <cstdlib>
#include <fstream>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

#include "app/progress.hpp"
#include "app/run_report.hpp"
#include "estimation/typology.hpp"
#include "sim/checkpoint.hpp"
#include "sim/input_error.hpp"
#include "sim/limits.hpp"
#include "app/distributed_run.hpp"
#include "parallel/comm.hpp"
#include "sim/panel_io.hpp"
#include "sim/shards.hpp"
#include "sim/simulation.hpp"

namespace firmsim {

namespace {

std::pair<int, int> parse_years(const std::string& text) {
  const auto colon = text.find(':');
  try {
    if (colon == std::string::npos) throw std::invalid_argument(text);
    std::size_t used_a = 0, used_b = 0;
    const int a = std::stoi(text.substr(0, colon), &used_a);
    const int b = std::stoi(text.substr(colon + 1), &used_b);
    if (used_a != colon || used_b != text.size() - colon - 1) throw std::invalid_argument(text);
    return {a, b};
  } catch (const std::exception&) {
    throw InputError("command line", 0, "--years", "expected A:B (e.g. 1993:2005), got '" + text + "'");
  }
}

std::string year_line(const YearSummary& s) {
  std::ostringstream o;
  o << "alive " << s.alive << ", births " << s.births << ", deaths " << s.deaths << ", exporters " << s.exporters
    << ", importers " << s.importers << ", export starters " << s.export_starters;
  return o.str();
}

// Test hook: FIRMSIM_STOP_AFTER_CHECKPOINT=1 stops the process (SIGSTOP)
// right after a checkpoint is written, so a test can SIGKILL it at a known
// moment and resume.
void stop_here_for_tests() {
  const char* stop = std::getenv("FIRMSIM_STOP_AFTER_CHECKPOINT");
  if (stop && std::string(stop) == "1") ::raise(SIGSTOP);
}

// FNV-1a of a file's bytes, so a resumed run notices an edited config.
std::string file_fingerprint(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream text;
  text << f.rdbuf();
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text.str()) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return std::to_string(h);
}

}  // namespace

// How the run was started, one `key=value` per line: what --resume needs to
// rebuild the same simulation (files are checked by fingerprint; files they
// include are not).
std::string run_key(const RunCommand& c) {
  std::ostringstream k;
  k << "config=" << c.config << "\nconfig_fingerprint=" << file_fingerprint(c.config) << "\n";
  for (const std::string& s : c.scenarios)
    k << "scenario=" << s << "\nscenario_fingerprint=" << file_fingerprint(s) << "\n";
  if (c.firms) k << "firms=" << *c.firms << "\n";
  if (c.replicates) k << "replicates=" << *c.replicates << "\n";
  if (c.seed) k << "seed=" << *c.seed << "\n";
  if (c.years) k << "years=" << *c.years << "\n";
  if (c.batch) k << "batch=" << *c.batch << "\n";
  k << "format=" << c.format << "\n";
  if (c.checkpoint_every) k << "checkpoint_every=" << *c.checkpoint_every << "\n";
  if (c.distribute) k << "distribute=" << *c.distribute << "\n";
  return k.str();
}

namespace {

// The command that started the run in `dir`, with this invocation's threads
// and output settings: from its checkpoint, or from the shard manifest of a
// run spread over processes.
RunCommand resumed_command(const RunCommand& now, const std::string& dir) {
  const std::string shards = shard_manifest_path(dir);
  const bool sharded = std::filesystem::exists(shards);
  const std::string path = sharded ? shards : (std::filesystem::path(dir) / kCheckpointFile).string();
  std::istringstream key(sharded ? read_shard_manifest(shards).run_key : checkpoint_run_key(path));
  RunCommand c;
  std::string line;
  std::vector<std::string> fingerprints;
  try {
    while (std::getline(key, line)) {
      const auto eq = line.find('=');
      const std::string name = line.substr(0, eq), value = eq == std::string::npos ? "" : line.substr(eq + 1);
      if (name == "config")
        c.config = value;
      else if (name == "scenario")
        c.scenarios.push_back(value);
      else if (name == "config_fingerprint" || name == "scenario_fingerprint")
        fingerprints.push_back(value);
      else if (name == "firms")
        c.firms = std::stoll(value);
      else if (name == "replicates")
        c.replicates = std::stoi(value);
      else if (name == "seed")
        c.seed = std::stoull(value);
      else if (name == "years")
        c.years = value;
      else if (name == "batch")
        c.batch = std::stoll(value);
      else if (name == "format")
        c.format = value;
      else if (name == "checkpoint_every")
        c.checkpoint_every = std::stoi(value);
      else if (name == "distribute")
        c.distribute = value;
    }
  } catch (const std::exception&) {
    throw InputError(path, 0, "", "checkpoint's run key is unreadable: '" + line + "'");
  }
  std::vector<std::string> files{c.config};
  files.insert(files.end(), c.scenarios.begin(), c.scenarios.end());
  for (std::size_t k = 0; k < files.size() && k < fingerprints.size(); ++k)
    if (file_fingerprint(files[k]) != fingerprints[k])
      throw InputError(files[k], 0, "", "changed since the checkpoint in " + dir + " was written; cannot resume");
  if (now.checkpoint_every) c.checkpoint_every = now.checkpoint_every;
  c.out = dir;
  c.threads = now.threads;
  c.quiet = now.quiet;
  c.compare = now.compare;
  c.targets = now.targets;
  c.resume = dir;
  return c;
}

}  // namespace

namespace {

template <class T>
T bounded(const std::string& option, T value, T lo, T hi) {
  if (value < lo || value > hi)
    throw InputError(
        "command line", 0, option,
        "value " + std::to_string(value) + " is out of range [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return value;
}

}  // namespace

void apply_overrides(const RunCommand& cmd, Config& c) {
  using namespace limits;
  if (cmd.firms) c.run.firms = bounded<std::int64_t>("--firms", *cmd.firms, 1, kMaxFirms);
  if (cmd.replicates) c.run.replicates = bounded("--replicates", *cmd.replicates, 1, kMaxReplicates);
  if (cmd.seed) c.run.seed = static_cast<std::uint64_t>(bounded<std::int64_t>("--seed", *cmd.seed, 0, kMaxSeed));
  if (cmd.batch) c.run.batch = bounded<std::int64_t>("--batch", *cmd.batch, 1, kMaxBatch);
  if (cmd.threads) bounded("--threads", *cmd.threads, 1, kMaxThreads);
  if (cmd.years) {
    const auto [a, b] = parse_years(*cmd.years);
    if (a < c.run.burn_in_start || b < a || b > kMaxYear || b - c.run.burn_in_start >= kMaxSimulatedYears)
      throw InputError("command line", 0, "--years",
                       "recorded years must satisfy run.burn_in_start (" + std::to_string(c.run.burn_in_start) +
                           ") <= A <= B <= " + std::to_string(kMaxYear) + ", at most " +
                           std::to_string(kMaxSimulatedYears) + " simulated years");
    c.run.first_year = a;
    c.run.last_year = b;
    check_demand_in_range(c);  // more years may carry a market's demand out of range
  }
}

RunCommand population_options(const std::optional<std::int64_t>& firms, const std::optional<int>& replicates,
                              const std::optional<std::uint64_t>& seed, const std::optional<std::string>& years) {
  RunCommand run;
  run.firms = firms;
  run.replicates = replicates;
  run.seed = seed;
  run.years = years;
  return run;
}

void use_threads(const std::optional<int>& threads) {
  if (!threads) return;
  if (*threads < 1) throw InputError("command line", 0, "--threads", "must be at least 1");
  omp_set_num_threads(*threads);
}

std::string default_targets() {
  if (const char* file = std::getenv("FIRMSIM_TARGETS"); file && *file) return file;
  return shipped_path("configs/targets/belgium_sme_1998_2005.yaml");
}

std::string shipped_path(const std::string& relative) {
  namespace fs = std::filesystem;
  if (fs::exists(relative)) return relative;
  if (const char* root = std::getenv("FIRMSIM_SOURCE_DIR"); root && *root) return (fs::path(root) / relative).string();
  return (fs::path(FIRMSIM_SOURCE_DIR) / relative).string();
}

namespace {

std::string targets_of(const std::string& given) { return given.empty() ? default_targets() : given; }

// --compare measures the sample window: the recorded years must cover it,
// which is known before anything runs or is written.
void check_compare_window(const Config& c) {
  const MeasurementSpec& m = c.measurement;
  if (c.run.first_year > m.sample_first_year || c.run.last_year < m.sample_last_year)
    throw InputError("command line", 0, "--compare",
                     "the comparison measures " + std::to_string(m.sample_first_year) + "-" +
                         std::to_string(m.sample_last_year) +
                         " (measurement.sample_first_year/sample_last_year) but the recorded years are " +
                         std::to_string(c.run.first_year) + "-" + std::to_string(c.run.last_year));
}

// --distribute is checked whether or not the run is spread over processes:
// a misspelt mode must not pass unnoticed in a test run on one machine.
void check_distribute(const RunCommand& cmd) {
  if (!cmd.distribute) return;
  const std::string& d = *cmd.distribute;
  if (d != "auto" && d != "replicates" && d != "firms")
    throw InputError("command line", 0, "--distribute", "expected auto, replicates or firms, got '" + d + "'");
}

// `run --resume DIR` continues the run that the checkpoint (or the shard
// manifest) in DIR describes. An option given with it that contradicts that
// run is refused, naming the option: silently taking the checkpoint's value
// would print one run's results under another run's command line. The same
// value as the checkpoint's is accepted. What cannot change the panel is
// honoured: --compare and --targets (the comparison reads the finished
// panel), --threads, --quiet and --checkpoint-every (a panel does not depend
// on them). --out must name DIR itself: the checkpoint and the panel live
// there.
void check_resume_options(const RunCommand& given, const RunCommand& resumed, const Config& config) {
  const std::string dir = *given.resume;
  const auto refuse = [&](const std::string& option, const std::string& theirs) {
    throw InputError("command line", 0, option,
                     "contradicts the run being resumed in " + dir + " (" + theirs +
                         "); --resume continues that run with its own settings: leave the option out");
  };
  if (!given.scenarios.empty() && given.scenarios != resumed.scenarios) {
    std::string list;
    for (const std::string& s : resumed.scenarios) list += (list.empty() ? "" : " ") + s;
    refuse("--scenario", list.empty() ? "no scenario" : "scenarios " + list);
  }
  if (given.firms && *given.firms != config.run.firms)
    refuse("--firms", std::to_string(config.run.firms) + " firms per replicate");
  if (given.replicates && *given.replicates != config.run.replicates)
    refuse("--replicates", std::to_string(config.run.replicates) + " replicates");
  if (given.seed && (*given.seed < 0 || static_cast<std::uint64_t>(*given.seed) != config.run.seed))
    refuse("--seed", "seed " + std::to_string(config.run.seed));
  if (given.batch && *given.batch != config.run.batch)
    refuse("--batch", "batch " + std::to_string(config.run.batch));
  if (given.years) {
    const auto [a, b] = parse_years(*given.years);
    if (a != config.run.first_year || b != config.run.last_year)
      refuse("--years", "recorded years " + std::to_string(config.run.first_year) + ":" +
                            std::to_string(config.run.last_year));
  }
  if (given.format_given && given.format != resumed.format) refuse("--format", "format " + resumed.format);
  if (given.distribute && *given.distribute != resumed.distribute.value_or("auto"))
    refuse("--distribute", "distribute " + resumed.distribute.value_or("auto"));
  if (given.out) {
    std::error_code e1, e2;
    const bool same = std::filesystem::equivalent(*given.out, dir, e1) ||
                      std::filesystem::weakly_canonical(*given.out, e1) == std::filesystem::weakly_canonical(dir, e2);
    if (!same) refuse("--out", "its checkpoint and panel are in " + dir);
  }
}

}  // namespace

int run_command(const RunCommand& given, bool interactive) {
  if (given.resume && !given.config.empty())
    throw InputError("command line", 0, "--resume", "takes the run's config from its checkpoint; give no config file");
  if (!given.resume && given.config.empty())
    throw InputError("command line", 0, "config", "a config file is required (or --resume DIR)");
  check_distribute(given);
  const RunCommand cmd = given.resume ? resumed_command(given, *given.resume) : given;
  if (cmd.checkpoint_every && (*cmd.checkpoint_every < 1 || !cmd.out))
    throw InputError("command line", 0, "--checkpoint-every", "needs K >= 1 and an --out directory");
  const PanelFormat format = parse_panel_format(cmd.format);
  Config config = load_config(cmd.config, cmd.scenarios);
  apply_overrides(cmd, config);
  if (given.resume) check_resume_options(given, cmd, config);
  const std::string targets = targets_of(cmd.targets);
  if (cmd.out) check_output_directory(*cmd.out);
  if (cmd.compare) {
    check_compare_window(config);
    check_targets_readable(targets);
  }
  // A sweep spread over processes resumes from its shards, with any number of
  // processes (one included).
  const bool sharded = given.resume && std::filesystem::exists(shard_manifest_path(*given.resume));
  if (par::distributed() || sharded) return distributed_run(cmd, config, targets, given.resume.has_value());

  Simulation sim(config);  // the last check: does the population fit in memory?
  if (cmd.threads) omp_set_num_threads(*cmd.threads);
  if (cmd.out) ensure_writable_directory(*cmd.out);  // every check passed: only now create it
  const std::string checkpoint = cmd.out ? (std::filesystem::path(*cmd.out) / kCheckpointFile).string() : "";
  if (given.resume) load_checkpoint(sim, checkpoint);
  const std::string key = cmd.checkpoint_every ? run_key(cmd) : "";
  if (!cmd.quiet)
    std::fprintf(
        stderr,
        "firmsim: %lld firms x %d replicate(s), %d markets, %d industries, years %d-%d (recorded %d-%d), %s backend\n",
        static_cast<long long>(config.run.firms), config.run.replicates, static_cast<int>(config.markets.size()),
        static_cast<int>(config.industries.size()), config.run.burn_in_start, config.run.last_year,
        config.run.first_year, config.run.last_year, Engine::backend_name());
  Progress progress(stderr, sim.total_years(), interactive);
  int done = sim.next_year() - config.run.burn_in_start;
  sim.run([&](const YearSummary& s) {
    ++done;
    if (cmd.checkpoint_every && done % *cmd.checkpoint_every == 0 && !sim.finished()) {
      save_checkpoint(sim, key, checkpoint);
      stop_here_for_tests();
    }
    if (!cmd.quiet) progress.update(done, std::to_string(s.year), year_line(s));
  });
  const double seconds = progress.seconds();
  const Panel panel = sim.take_panel();  // the simulation is done: no copy

  RunReport report = make_run_report(config, sim.summaries(), panel);
  print_run_report(std::cout, report);
  std::cout << "simulated in " << std::fixed << std::setprecision(1) << seconds << " s\n";

  if (cmd.out) {
    // The reports go under the panel's manifest: a kill at any moment cannot
    // leave a previous run's summary.csv or starters.csv beside this panel.
    std::vector<std::string> stale;
    const std::vector<PanelExtra> reports = run_report_files(report, stale);
    write_panel(panel, *cmd.out, format, reports, stale);
    std::cout << "panel written to " << *cmd.out << " (" << cmd.format << ")\n";
    std::error_code ec;
    std::filesystem::remove(checkpoint, ec);  // the run is complete; nothing to resume
  }
  if (cmd.compare) compare_panel(panel, targets, cmd.out, &config, std::cout);
  return 0;
}

int compare_command(const CompareCommand& cmd) {
  const std::string out = cmd.out ? *cmd.out : cmd.panel;
  const std::string targets = targets_of(cmd.targets);
  check_output_directory(out);
  check_targets_readable(targets);
  const Panel panel = read_panel_directory(cmd.panel);  // a missing panel directory fails here, uncreated
  // The tables measure the panel's sample window: its recorded years must
  // cover it (the meta file says both).
  const PanelMeta& m = panel.meta;
  if (m.first_year > m.sample_first_year || m.last_year < m.sample_last_year)
    throw InputError((std::filesystem::path(cmd.panel) / "panel_meta.yaml").string(), 0, "first_year/last_year",
                     "the panel records " + std::to_string(m.first_year) + "-" + std::to_string(m.last_year) +
                         " but its sample window (sample_first_year/sample_last_year) is " +
                         std::to_string(m.sample_first_year) + "-" + std::to_string(m.sample_last_year) +
                         ": the tables cannot be measured");
  if (cmd.as_targets) {
    if (cmd.out) throw InputError("", 0, "--out", "--as-targets writes one file and no report: leave out --out");
    write_panel_as_targets(panel, cmd.panel, targets, *cmd.as_targets, std::cout);
    return 0;
  }
  // --out is created only once the comparison is computed: a failing
  // comparison leaves no directory behind.
  compare_panel(panel, targets, out, nullptr, std::cout, [&] { ensure_writable_directory(out); });
  return 0;
}

int params_command(bool markdown) {
  if (markdown) {
    std::cout << "| key | range | unit | meaning |\n|---|---|---|---|\n";
    for (const ParameterInfo& p : model_parameters())
      std::cout << "| `model." << p.key << "` | [" << p.lo << ", " << p.hi << "] | " << p.unit << " | " << p.meaning
                << " |\n";
    return 0;
  }
  for (const ParameterInfo& p : model_parameters())
    std::cout << std::left << std::setw(42) << ("model." + p.key) << std::setw(16) << p.unit << p.meaning << "\n";
  return 0;
}

}  // namespace firmsim
