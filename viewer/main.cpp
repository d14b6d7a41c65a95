// firmsim-viewer: watch and steer a run.
//
//   firmsim-viewer [CONFIG] [--scenario FILE ...] [--firms N] [--seed S]
//   firmsim-viewer --headless --years N --screenshot FILE [CONFIG]
//
// Headless mode simulates N years, draws the full UI once into an offscreen
// image and writes it as PNG; without a display it re-runs itself under
// `xvfb-run -a` when that is installed.
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "sim/input_error.hpp"
#include "viewer/app.hpp"
#include "viewer/gl_window.hpp"

namespace {

using namespace firmsim;
using namespace firmsim::view;

struct Options {
  std::string config = "configs/belgium.yaml";
  std::vector<std::string> scenarios;
  std::int64_t firms = 0;
  std::uint64_t seed = 0;
  bool seed_given = false;
  std::string targets;
  bool headless = false;
  int years = 0;  // 0 = the whole run
  std::string screenshot;
  int width = 1600, height = 1000;
  bool paused = false;
  std::string follow;  // firm id, or bg / ti / exporter / auto (headless)
};

bool on_path(const char* program) {
  const char* path = std::getenv("PATH");
  if (!path) return false;
  std::string dirs = path;
  for (std::size_t start = 0; start <= dirs.size();) {
    const std::size_t end = std::min(dirs.find(':', start), dirs.size());
    if (access((dirs.substr(start, end - start) + "/" + program).c_str(), X_OK) == 0) return true;
    start = end + 1;
  }
  return false;
}

// Headless without a display: run again inside a virtual X server.
void reexec_under_xvfb(int argc, char** argv) {
  if (std::getenv("DISPLAY") || std::getenv("WAYLAND_DISPLAY") || std::getenv("FIRMSIM_VIEWER_IN_XVFB")) return;
  if (!on_path("xvfb-run")) return;  // glfwInit will explain
  setenv("FIRMSIM_VIEWER_IN_XVFB", "1", 1);
  std::vector<char*> args = {const_cast<char*>("xvfb-run"), const_cast<char*>("-a"), const_cast<char*>("-s"),
                             const_cast<char*>("-screen 0 1920x1200x24")};
  for (int k = 0; k < argc; ++k) args.push_back(argv[k]);
  args.push_back(nullptr);
  execvp("xvfb-run", args.data());
  std::perror("firmsim-viewer: xvfb-run");
}

// The config as the run starts it: the files plus --firms and --seed.
Config starting_config(const Config& loaded, const Options& o) {
  Config c = loaded;
  if (o.firms > 0) c.run.firms = o.firms;
  if (o.seed_given) c.run.seed = o.seed;
  return c;
}

void draw_frame(GlWindow& window, App& app) {
  float w, h;
  window.begin_frame(w, h);
  app.draw(w, h);
  window.render();
}

bool years_reached(const RunView& v, int stop_year) {
  return !v.busy && (v.finished || (stop_year > 0 && v.next_year > stop_year) || !v.error.empty());
}

void wait_for_worker(Runner& runner) {
  while (!runner.wait_idle(std::chrono::milliseconds(500))) {
  }
}

bool is_number(const std::string& s) { return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos; }

// The firm a named pick chooses at the end of the run (auto: a born global,
// else a traditional internationalizer, else the largest exporter).
std::optional<std::int64_t> named_pick(const RunView& v, const std::string& name) {
  if (!v.panel || !v.typology) return std::nullopt;
  std::vector<FirmPick> order;
  if (name == "bg" || name == "auto") order.push_back(FirmPick::largest_born_global);
  if (name == "ti" || name == "auto") order.push_back(FirmPick::typical_traditional);
  if (name == "exporter" || name == "auto") order.push_back(FirmPick::largest_exporter);
  for (FirmPick p : order)
    if (auto firm = pick_firm(*v.panel, *v.typology, p)) return firm;
  return std::nullopt;
}

// Beliefs and cash are recorded only while a firm is tracked, so a firm
// chosen at the end is followed through a replay of the (deterministic) run.
void follow_by_replay(Runner& runner, const std::string& name, int stop_year) {
  const RunView v = runner.view();
  const std::optional<std::int64_t> firm = named_pick(v, name);
  if (!firm) return;
  runner.track(0, *firm);
  runner.reset(*v.config);
  runner.stop_after(stop_year);
  runner.play();
  wait_for_worker(runner);
}

int run_headless(App& app, const Options& o, int stop_year) {
  wait_for_worker(app.runner());  // the years, and the comparison at the end
  if (!o.follow.empty() && !is_number(o.follow)) follow_by_replay(app.runner(), o.follow, stop_year);
  const RunView v = app.runner().view();
  if (!v.error.empty()) {
    std::cerr << "firmsim-viewer: " << v.error << "\n";
    return 2;
  }
  GlWindow window({o.width, o.height, true, "firmsim viewer"});
  app.ui().fixed_layout = true;
  // ImGui sizes tables and auto-fitting items from the previous frame.
  for (int k = 0; k < 3; ++k) draw_frame(window, app);
  const std::string error = window.save_png(o.screenshot);
  if (!error.empty()) {
    std::cerr << "firmsim-viewer: " << error << "\n";
    return 1;
  }
  std::cout << "wrote " << o.screenshot << " (" << o.width << "x" << o.height << ") after " << v.years_done()
            << " simulated years (through " << v.next_year - 1 << ")\n";
  return 0;
}

int run_windowed(App& app, const Options& o, int stop_year) {
  GlWindow window({o.width, o.height, false, "firmsim viewer - " + o.config});
  bool cli_shot_pending = !o.screenshot.empty();
  while (!window.should_close() && !app.ui().quit) {
    window.wait_events(1.0 / 30);
    draw_frame(window, app);
    UiState& ui = app.ui();
    if (cli_shot_pending && years_reached(app.runner().view(), stop_year)) {
      ui.screenshot_path = o.screenshot;
      cli_shot_pending = false;
    }
    if (!ui.screenshot_path.empty()) {
      const std::string error = window.save_png(ui.screenshot_path);
      ui.message = error.empty() ? "screenshot written to " + ui.screenshot_path : error;
      ui.screenshot_path.clear();
    }
    window.present();
  }
  return 0;
}

void add_options(CLI::App& cli, Options& o) {
  cli.add_option("config", o.config, "World and model configuration (YAML)")->capture_default_str();
  cli.add_option("--scenario", o.scenarios, "Scenario overlay(s), applied in order")->take_all();
  cli.add_option("--firms", o.firms, "Firm slots per replicate");
  cli.add_option("--seed", o.seed, "Random seed")->each([&o](const std::string&) { o.seed_given = true; });
  cli.add_option("--targets", o.targets, "Empirical tables to compare with (default: next to the config)");
  cli.add_flag("--headless", o.headless, "Draw the UI once into --screenshot and exit");
  cli.add_option("--years", o.years, "Simulate this many years from the start, then pause (0 = all)")
      ->check(CLI::NonNegativeNumber);
  cli.add_option("--screenshot", o.screenshot, "Write the UI to this PNG once the years are simulated");
  cli.add_option("--width", o.width, "Window or image width")->check(CLI::Range(320, 8192));
  cli.add_option("--height", o.height, "Window or image height")->check(CLI::Range(240, 8192));
  cli.add_flag("--paused", o.paused, "Start paused (windowed mode)");
  cli.add_option("--follow", o.follow,
                 "Firm to follow: an id of replicate 0, or (headless) bg, ti, exporter or auto "
                 "(default headless: auto)")
      ->check(CLI::IsMember({"bg", "ti", "exporter", "auto"}) | CLI::NonNegativeNumber);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App cli{"firmsim-viewer: watch and steer a firmsim run"};
  add_options(cli, o);
  try {
    cli.parse(argc, argv);
    if (o.headless && o.screenshot.empty()) throw CLI::ValidationError("--headless", "needs --screenshot FILE");
  } catch (const CLI::ParseError& e) {
    return cli.exit(e) == 0 ? 0 : 2;
  }
  if (o.headless) reexec_under_xvfb(argc, argv);
  try {
    const Config loaded = load_config(o.config, o.scenarios);
    const Config start = starting_config(loaded, o);
    const std::string targets = o.targets.empty() ? targets_near(o.config) : o.targets;
    App app(loaded, o.config, o.scenarios, start, targets);
    const int stop_year = o.years > 0 ? start.run.burn_in_start + o.years - 1 : 0;
    app.runner().stop_after(stop_year);
    if (o.headless && o.follow.empty()) o.follow = "auto";
    if (is_number(o.follow)) app.runner().track(0, std::stoll(o.follow));
    if (o.headless || !o.paused) app.runner().play();
    return o.headless ? run_headless(app, o, stop_year) : run_windowed(app, o, stop_year);
  } catch (const InputError& e) {
    std::cerr << "firmsim-viewer: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "firmsim-viewer: " << e.what() << "\n";
    return 1;
  }
}
