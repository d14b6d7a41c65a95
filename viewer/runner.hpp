// Runs a Simulation on a worker thread so the window never waits for a year to
// compute. The worker owns the Simulation; after each year it publishes
// immutable copies (summaries, panel, typology, comparison, the tracked firm's
// snapshots) that the UI thread picks up under a mutex with view().
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "estimation/compare.hpp"
#include "sim/config.hpp"
#include "sim/simulation.hpp"
#include "viewer/view_model.hpp"

namespace firmsim::view {

// What the UI sees of the run: a consistent copy taken under the runner's lock.
struct RunView {
  std::uint64_t version = 0;             // bumps whenever anything below changes
  std::shared_ptr<const Config> config;  // the config being run (never null)
  std::vector<YearSummary> summaries;
  // With policy programs (or theory scenarios) the run has a second variant,
  // the same population without them (common random numbers): its
  // summaries, year for year.
  std::vector<YearSummary> baseline_summaries;
  std::shared_ptr<const Panel> panel;  // recorded years so far (null before the first)
  std::shared_ptr<const Typology> typology;
  std::shared_ptr<const est::Comparison> comparison;   // when the run is complete
  std::shared_ptr<const est::Comparison> seed_tables;  // the targets alone (seed_only), null if unreadable
  std::string comparison_note;                         // why there is none, or that it failed
  int tracked_replicate = 0;
  std::int64_t tracked_firm = -1;    // -1 = none
  std::vector<TrackedYear> tracked;  // snapshots of the tracked firm since it was chosen
  bool playing = false;
  bool busy = false;      // the worker is computing
  std::string busy_what;  // "year 1987", "comparison", "building the population"
  std::chrono::steady_clock::time_point busy_since{};
  double last_year_seconds = 0;
  int next_year = 0, first_year = 0, last_year = 0, burn_in_start = 0;
  bool finished = false;
  std::string error;  // a failed reset or year, shown to the user
  int years_done() const { return next_year - burn_in_start; }
  int total_years() const { return last_year - burn_in_start + 1; }
};

class Runner {
 public:
  // `targets` is the file of empirical tables for the comparison ("" = none);
  // `without_scenarios`, when given, is the baseline a run without policy
  // programs is set beside (comparison_baseline).
  Runner(Config config, std::string targets, std::optional<Config> without_scenarios = std::nullopt);
  ~Runner();
  Runner(const Runner&) = delete;
  Runner& operator=(const Runner&) = delete;

  void play();
  void pause();
  void step();                // one year, then pause
  void reset(Config config);  // a fresh Simulation from this config, paused
  void track(int replicate, std::int64_t firm);
  // Pauses by itself once `year` has been simulated (0 = run to the end).
  void stop_after(int year);

  RunView view() const;
  // Blocks until the worker is idle and paused (or finished); false on timeout.
  bool wait_idle(std::chrono::milliseconds timeout) const;

 private:
  enum class Command { play, pause, step, reset, track };
  struct Request {
    Command command;
    std::shared_ptr<Config> config;  // reset only
    int replicate;                   // track only
    std::int64_t firm;
  };

  void post(Request r);
  void worker();
  void handle(const Request& r);
  void rebuild(const Config& config);
  void start_tracking(int replicate, std::int64_t firm);
  bool valid_firm(int replicate, std::int64_t firm) const;
  void advance_one_year();
  void publish_year(const YearSummary& s, double seconds);
  void compare_if_finished();
  void load_seed_tables();
  void set_busy(const std::string& what);
  void set_idle();
  bool should_step_locked() const;

  std::string targets_;
  const std::optional<Config> without_scenarios_;  // set before the worker starts, read only by it
  std::unique_ptr<Simulation> sim_;  // touched by the worker only

  mutable std::mutex mutex_;
  mutable std::condition_variable wake_, idle_;
  std::deque<Request> queue_;
  bool quit_ = false;
  bool has_sim_ = false;
  bool working_ = false;  // the worker is between taking a job and publishing it
  bool stepping_once_ = false;
  int stop_after_ = 0;
  RunView view_;
  std::thread thread_;
};

// The targets file next to a config: <config dir>/targets/belgium_sme_1998_2005.yaml,
// or est::default_targets_file() when that does not exist.
std::string targets_near(const std::string& config_path);

}  // namespace firmsim::view
