#include "viewer/runner.hpp"

#include <filesystem>
#include <optional>

#include "estimation/targets.hpp"

namespace firmsim::view {

namespace fs = std::filesystem;

std::string targets_near(const std::string& config_path) {
  const fs::path near = fs::path(config_path).parent_path() / "targets" / "belgium_sme_1998_2005.yaml";
  if (fs::exists(near)) return near.string();
  return est::default_targets_file();
}

Runner::Runner(Config config, std::string targets, std::optional<Config> without_scenarios)
    : targets_(std::move(targets)), without_scenarios_(std::move(without_scenarios)) {
  // The UI may draw before the worker has built the population: give it the
  // config and the run's years right away.
  view_.config = std::make_shared<const Config>(config);
  view_.burn_in_start = view_.next_year = config.run.burn_in_start;
  view_.first_year = config.run.first_year;
  view_.last_year = config.run.last_year;
  post({Command::reset, std::make_shared<Config>(std::move(config)), 0, -1});
  thread_ = std::thread([this] { worker(); });
}

Runner::~Runner() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    quit_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void Runner::post(Request r) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.push_back(std::move(r));
  }
  wake_.notify_all();
}

void Runner::play() { post({Command::play, nullptr, 0, -1}); }
void Runner::pause() { post({Command::pause, nullptr, 0, -1}); }
void Runner::step() { post({Command::step, nullptr, 0, -1}); }
void Runner::reset(Config config) { post({Command::reset, std::make_shared<Config>(std::move(config)), 0, -1}); }
void Runner::track(int replicate, std::int64_t firm) { post({Command::track, nullptr, replicate, firm}); }

void Runner::stop_after(int year) {
  std::lock_guard<std::mutex> lock(mutex_);
  stop_after_ = year;
}

RunView Runner::view() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return view_;
}

bool Runner::wait_idle(std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mutex_);
  return idle_.wait_for(lock, timeout,
                        [this] { return queue_.empty() && !working_ && !view_.busy && !should_step_locked(); });
}

bool Runner::should_step_locked() const {
  return has_sim_ && (view_.playing || stepping_once_) && !view_.finished && view_.error.empty();
}

// The worker sleeps until there is a command or a year to simulate; commands
// go first so pause and reset take effect after the year in progress.
void Runner::worker() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return quit_ || !queue_.empty() || should_step_locked(); });
    if (quit_) return;
    working_ = true;  // taken under the lock, so wait_idle() never sees a gap
    if (!queue_.empty()) {
      Request r = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      handle(r);
      lock.lock();
    } else {
      lock.unlock();
      advance_one_year();
      lock.lock();
    }
    working_ = false;
    idle_.notify_all();
  }
}

void Runner::handle(const Request& r) {
  switch (r.command) {
    case Command::reset:
      rebuild(*r.config);
      load_seed_tables();
      return;
    case Command::track:
      start_tracking(r.replicate, r.firm);
      return;
    default:
      break;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (r.command == Command::play) view_.playing = !view_.finished;
  if (r.command == Command::pause) view_.playing = stepping_once_ = false;
  if (r.command == Command::step) stepping_once_ = !view_.finished;
  ++view_.version;
}

void Runner::rebuild(const Config& config) {
  set_busy("building the population");
  std::string error;
  sim_.reset();  // free the old population before allocating the new one
  try {
    // A program or a theory scenario is simulated beside its baseline
    // (variant 1), so the policy panel can show what it adds while every
    // other panel shows the run itself.
    const std::optional<Config> baseline = comparison_baseline(config, without_scenarios_);
    if (!baseline)
      sim_ = std::make_unique<Simulation>(config);
    else
      sim_ = std::make_unique<Simulation>(std::vector<Config>{config, *baseline});
  } catch (const std::exception& e) {
    error = e.what();
  }
  std::lock_guard<std::mutex> lock(mutex_);
  RunView v;
  v.version = view_.version + 1;
  v.config = std::make_shared<const Config>(config);
  v.seed_tables = view_.seed_tables;
  v.tracked_replicate = view_.tracked_replicate;
  v.tracked_firm = view_.tracked_firm;
  v.burn_in_start = config.run.burn_in_start;
  v.first_year = config.run.first_year;
  v.last_year = config.run.last_year;
  v.next_year = config.run.burn_in_start;
  v.comparison_note = "the comparison is computed when the run reaches " + std::to_string(config.run.last_year);
  v.error = error;
  view_ = std::move(v);
  has_sim_ = sim_ != nullptr;
  stepping_once_ = false;
}

// Once: the targets file does not change while the viewer runs.
void Runner::load_seed_tables() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (view_.seed_tables || targets_.empty()) return;
  }
  std::shared_ptr<const est::Comparison> seed;
  try {
    seed = std::make_shared<const est::Comparison>(seed_only(est::load_targets(targets_)));
  } catch (const std::exception& e) {
    std::lock_guard<std::mutex> lock(mutex_);
    view_.comparison_note = std::string("cannot read the seed tables: ") + e.what();
    targets_.clear();
    return;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  view_.seed_tables = seed;
  ++view_.version;
}

void Runner::start_tracking(int replicate, std::int64_t firm) {
  std::vector<TrackedYear> tracked;
  if (sim_ && sim_->next_year() > sim_->config().run.burn_in_start && valid_firm(replicate, firm))
    tracked.push_back({sim_->next_year() - 1, sim_->snapshot(replicate, firm)});
  std::lock_guard<std::mutex> lock(mutex_);
  view_.tracked_replicate = replicate;
  view_.tracked_firm = firm;
  view_.tracked = std::move(tracked);
  ++view_.version;
}

bool Runner::valid_firm(int replicate, std::int64_t firm) const {
  const RunOptions& run = sim_->config().run;
  return replicate >= 0 && replicate < run.replicates && firm >= 0 && firm < run.firms;
}

void Runner::advance_one_year() {
  const int year = sim_->next_year();
  set_busy("year " + std::to_string(year));
  const auto t0 = std::chrono::steady_clock::now();
  try {
    const YearSummary s = sim_->step();
    publish_year(s, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  } catch (const std::exception& e) {
    std::lock_guard<std::mutex> lock(mutex_);
    view_.error = "year " + std::to_string(year) + ": " + e.what();
    view_.playing = false;
  }
  compare_if_finished();
  set_idle();  // only now, so wait_idle() does not return between the year and its comparison
}

// Everything derived from the year is built here, on the worker, so the UI
// only swaps pointers.
void Runner::publish_year(const YearSummary& s, double seconds) {
  std::shared_ptr<const Panel> panel;
  std::shared_ptr<const Typology> typology;
  if (s.recorded) {
    panel = std::make_shared<const Panel>(sim_->panel());
    typology = std::make_shared<const Typology>(observed_types(*panel, 0, sim_->config().typology));
  }
  int replicate;
  std::int64_t firm;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    replicate = view_.tracked_replicate;
    firm = view_.tracked_firm;
  }
  std::optional<FirmSnapshot> snap;
  if (firm >= 0 && valid_firm(replicate, firm)) snap = sim_->snapshot(replicate, firm);

  std::lock_guard<std::mutex> lock(mutex_);
  view_.summaries.push_back(s);
  if (sim_->variants() > 1) view_.baseline_summaries.push_back(sim_->summaries(1).back());
  if (panel) view_.panel = panel;
  if (typology) view_.typology = typology;
  // The tracked firm may have changed while the year was computing.
  if (snap && replicate == view_.tracked_replicate && firm == view_.tracked_firm)
    view_.tracked.push_back({s.year, *snap});
  view_.next_year = sim_->next_year();
  view_.finished = sim_->finished();
  view_.last_year_seconds = seconds;
  stepping_once_ = false;
  if (stop_after_ != 0 && s.year >= stop_after_) view_.playing = false, stop_after_ = 0;  // once only
  if (view_.finished) view_.playing = false;
  ++view_.version;
}

void Runner::compare_if_finished() {
  std::shared_ptr<const Panel> panel;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!view_.finished || view_.comparison || targets_.empty() || !view_.panel) return;
    panel = view_.panel;
  }
  set_busy("comparison with the seed tables");  // stays busy: the caller sets idle
  std::shared_ptr<const est::Comparison> comparison;
  std::string note;
  try {
    est::TableOptions options;
    options.rules.early_years = sim_->config().typology.early_years;
    options.rules.global_countries = sim_->config().typology.min_countries;
    comparison =
        std::make_shared<const est::Comparison>(est::compare_panel(*panel, est::load_targets(targets_), options));
  } catch (const std::exception& e) {
    note = std::string("comparison failed: ") + e.what();
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    view_.comparison = comparison;
    view_.comparison_note = note;
    ++view_.version;
  }
}

void Runner::set_busy(const std::string& what) {
  std::lock_guard<std::mutex> lock(mutex_);
  view_.busy = true;
  view_.busy_what = what;
  view_.busy_since = std::chrono::steady_clock::now();
  ++view_.version;
}

void Runner::set_idle() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    view_.busy = false;
    ++view_.version;
  }
  idle_.notify_all();
}

}  // namespace firmsim::view
