#include "calibrate/parameters.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include "sim/yaml_reader.hpp"

namespace firmsim::cal {

namespace {

const ParameterInfo* model_parameter(const std::string& key) {
  for (const ParameterInfo& info : model_parameters())
    if (info.key == key) return &info;
  return nullptr;
}

std::string text_of(double x) {
  std::ostringstream s;
  s << x;
  return s.str();
}

}  // namespace

std::vector<Parameter> load_parameters(const std::string& file, const Config& config) {
  const YamlReader root = YamlReader::load_file(file);
  std::vector<Parameter> out;
  std::set<std::string> keys;
  for (const YamlReader& item : root.child("parameters").items()) {
    Parameter p;
    p.key = item.text("key");
    const ParameterInfo* info = model_parameter(p.key);
    if (!info) item.fail("key", "'" + p.key + "' is not a model parameter (firmsim params lists them)");
    if (!keys.insert(p.key).second) item.fail("key", "'" + p.key + "' is listed twice");
    p.lower = item.number_in("lower", info->lo, info->hi);
    p.upper = item.number_in("upper", info->lo, info->hi);
    if (!(p.lower < p.upper)) item.fail("upper", "must be above lower (" + text_of(p.lower) + ") for " + p.key);
    const std::string scale = item.text("scale", "linear");
    if (scale == "log") {
      p.scale = Scale::log;
      if (!(p.lower > 0)) item.fail("lower", "a log-scale parameter needs a positive lower bound");
    } else if (scale != "linear") {
      item.fail("scale", "must be linear or log");
    }
    p.given = get_model_parameter(config.model, p.key);
    p.start = std::clamp(p.given, p.lower, p.upper);
    item.finish();
    out.push_back(p);
  }
  root.finish();
  if (out.empty()) root.fail("parameters", "no free parameters");
  return out;
}

double to_unit(const Parameter& p, double theta) {
  if (p.scale == Scale::log) return std::log(theta / p.lower) / std::log(p.upper / p.lower);
  return (theta - p.lower) / (p.upper - p.lower);
}

double from_unit(const Parameter& p, double u) {
  u = std::clamp(u, 0.0, 1.0);
  if (p.scale == Scale::log) return p.lower * std::pow(p.upper / p.lower, u);
  return p.lower + u * (p.upper - p.lower);
}

std::vector<double> to_unit(const std::vector<Parameter>& ps, const std::vector<double>& theta) {
  std::vector<double> u;
  for (std::size_t i = 0; i < ps.size(); ++i) u.push_back(to_unit(ps[i], theta[i]));
  return u;
}

std::vector<double> from_unit(const std::vector<Parameter>& ps, const std::vector<double>& u) {
  std::vector<double> theta;
  for (std::size_t i = 0; i < ps.size(); ++i) theta.push_back(from_unit(ps[i], u[i]));
  return theta;
}

std::vector<double> start_values(const std::vector<Parameter>& ps) {
  std::vector<double> theta;
  for (const Parameter& p : ps) theta.push_back(p.start);
  return theta;
}

std::string clamped_start_note(const Parameter& p, const std::string& parameters_file) {
  // The model holds floats: 0.4f read back is 0.4000000059604645, above a bound
  // of 0.4 by a rounding, which moves nothing.
  if (static_cast<float>(p.given) == static_cast<float>(p.start)) return "";
  return "calibrate: " + p.key + " is " + text_of(p.given) + " in the config, outside its bounds [" +
         text_of(p.lower) + ", " + text_of(p.upper) + "] in " + parameters_file + ": the search starts (and --score " +
         "scores) at " + text_of(p.start) + "; widen the bounds to start or score there\n";
}

Config with_parameters(const Config& base, const std::vector<Parameter>& ps, const std::vector<double>& theta) {
  Config c = base;
  for (std::size_t i = 0; i < ps.size(); ++i) set_model_parameter(c.model, ps[i].key, theta[i]);
  return c;
}

}  // namespace firmsim::cal
