#include "calibrate/settings.hpp"

#include <cstdio>
#include <fstream>

#include "sim/input_error.hpp"

namespace firmsim::cal {

namespace {

constexpr const char* kComment =
    "# firmsim calibrate: the settings the evaluations in this directory were made with.\n"
    "# `calibrate --resume` refuses a run whose settings differ. Do not edit.\n";

std::string exact(double x) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", x);
  return buf;
}

std::string scale_name(Scale s) { return s == Scale::log ? "log" : "linear"; }

// "key = value" split at the first " = ".
bool split_setting(const std::string& line, Setting& s) {
  const std::size_t at = line.find(" = ");
  if (at == std::string::npos) return false;
  s.key = line.substr(0, at);
  s.value = line.substr(at + 3);
  return true;
}

}  // namespace

std::vector<Setting> calibration_settings(const EvaluatorSetup& setup, std::optional<long long> screen_firms) {
  const RunOptions& run = setup.base.run;
  std::vector<Setting> s{
      {"config", setup.base.fingerprint},
      {"firms", std::to_string(run.firms)},
      {"replicates", std::to_string(run.replicates)},
      {"seed", std::to_string(run.seed)},
      {"screen_firms", screen_firms ? std::to_string(*screen_firms) : "none"},
      {"weighting", describe(setup.weighting)},
  };
  for (const Parameter& p : setup.parameters)
    s.push_back({"parameter " + p.key, scale_name(p.scale) + " [" + exact(p.lower) + ", " + exact(p.upper) + "]"});
  for (const Moment& m : setup.moments)
    s.push_back({"moment " + m.name, "target " + exact(m.empirical) + " variance " + exact(m.variance) + " scale " +
                                         exact(m.scale) + " window " + std::to_string(m.sample_first_year) + "-" +
                                         std::to_string(m.sample_last_year)});
  return s;
}

std::string settings_text(const std::vector<Setting>& settings) {
  std::string text = kComment;
  for (const Setting& s : settings) text += s.key + " = " + s.value + "\n";
  return text;
}

void check_settings(const std::string& path, const std::vector<Setting>& now) {
  std::ifstream in(path);
  if (!in)
    throw InputError(path, 0, "--resume",
                     "the evaluations log has no settings file beside it (written by an older firmsim?), so nothing "
                     "says they are this run's evaluations; start afresh with another --out");
  std::vector<std::pair<int, Setting>> logged;
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    Setting s;
    if (!split_setting(line, s)) throw InputError(path, number, "", "expected `key = value`");
    logged.emplace_back(number, s);
  }
  for (std::size_t i = 0; i < now.size() || i < logged.size(); ++i) {
    if (i >= logged.size())
      throw InputError(path, number, now[i].key,
                       "this run has a setting the logged evaluations were not made with (" + now[i].value +
                           "); use another --out to start afresh");
    const auto& [line, was] = logged[i];
    if (i >= now.size() || was.key != now[i].key)
      throw InputError(path, line, was.key,
                       "the logged evaluations were made with this setting (" + was.value +
                           ") and this run has " + (i < now.size() ? "`" + now[i].key + "` in its place" : "not") +
                           "; use another --out to start afresh");
    if (was.value != now[i].value)
      throw InputError(path, line, was.key,
                       std::string(was.key == "config" ? "the config (its file, includes and scenarios, as read) "
                                                         "differs from the one the logged evaluations were made "
                                                         "with: fingerprint "
                                                       : "the logged evaluations were made with ") +
                           was.value + ", this run has " + now[i].value +
                           "; resume with the same settings, or use another --out to start afresh");
  }
}

}  // namespace firmsim::cal
