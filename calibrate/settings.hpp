// The settings a calibration's evaluations depend on, kept beside its logs in
// DIR/settings.txt: the config (its fingerprint), the population, seed and
// replicates, the screening population, every free parameter with its bounds
// and scale, every moment with its target and variance. A resumed calibration
// whose settings differ would reuse evaluations of another problem and print
// their estimates as its own, so --resume compares them first and refuses the
// first difference. The budget, the batch and the optimizers' seed may change:
// an evaluation does not depend on them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "calibrate/evaluator.hpp"

namespace firmsim::cal {

struct Setting {
  std::string key, value;
};

// `screen_firms`: the screening population (multi-fidelity), if any.
std::vector<Setting> calibration_settings(const EvaluatorSetup& setup, std::optional<long long> screen_firms);

// The file's text: one `key = value` line per setting, after a comment.
std::string settings_text(const std::vector<Setting>& settings);

// Throws InputError(path, line, key) at the first setting that differs from
// (or is missing in) the file, saying both values.
void check_settings(const std::string& path, const std::vector<Setting>& now);

}  // namespace firmsim::cal
