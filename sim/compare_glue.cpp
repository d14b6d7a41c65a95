// Glue between a run and the comparison with the seed tables (estimation/).
#include <iostream>

#include "estimation/targets.hpp"
#include "sim/input_error.hpp"
#include "sim/run_report.hpp"

namespace firmsim {

void check_targets_readable(const std::string& targets) { (void)est::load_targets(targets); }

void compare_panel(const Panel&, const std::string&, const std::optional<std::string>&, const TypologySpec&,
                   std::ostream&) {
  throw InputError("command line", 0, "--compare", "the comparison is not wired yet");
}

Panel read_panel_directory(const std::string& dir) {
  throw InputError(dir, 0, "", "reading a panel is not wired yet");
}

}  // namespace firmsim
