// The free parameters of a calibration: which model parameters move, inside
// which bounds, on which scale. Everything else stays at the config's values.
//
// The optimizers work in the unit box u in [0, 1]^P:
//   linear  theta = lower + u (upper - lower)
//   log     theta = lower (upper / lower)^u   (costs, scales: relative steps)
#pragma once

#include <string>
#include <vector>

#include "sim/config.hpp"

namespace firmsim::cal {

enum class Scale { linear, log };

struct Parameter {
  std::string key;  // dotted key under model: (e.g. "exports.sunk_cost")
  double lower = 0, upper = 0;
  Scale scale = Scale::linear;
  double given = 0;  // the config's value, as read
  double start = 0;  // the search's start: the config's value clamped into the bounds
};

// Reads the parameters file; each key must be a model parameter and its
// bounds inside that parameter's documented range. Throws InputError.
std::vector<Parameter> load_parameters(const std::string& file, const Config& config);

double to_unit(const Parameter& p, double theta);
double from_unit(const Parameter& p, double u);
std::vector<double> to_unit(const std::vector<Parameter>& ps, const std::vector<double>& theta);
std::vector<double> from_unit(const std::vector<Parameter>& ps, const std::vector<double>& u);
std::vector<double> start_values(const std::vector<Parameter>& ps);

// One line for a parameter whose config value lies outside its bounds (the
// search starts, and --score scores, at the bound instead), else "": a
// point moved into the box without a word would be scored as another.
std::string clamped_start_note(const Parameter& p, const std::string& parameters_file);

// The config with the parameters set to theta.
Config with_parameters(const Config& base, const std::vector<Parameter>& ps, const std::vector<double>& theta);

}  // namespace firmsim::cal
