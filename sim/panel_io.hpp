// Writing the panel to disk: CSV or Stata .dta (ReadStat), one file per
// table (firm_years, firms, flows) plus panel_meta.yaml. Every file is
// written under a temporary name and renamed into place only when all of
// them are complete, so a crash never leaves a half-written panel.
#pragma once

#include <string>

#include "sim/panel.hpp"

namespace firmsim {

enum class PanelFormat { csv, dta };

PanelFormat parse_panel_format(const std::string& name);  // throws InputError

// Creates `dir` if needed and checks that files can be written there; throws
// InputError naming the directory otherwise. Call before a long run.
void ensure_writable_directory(const std::string& dir);

// Writes the panel into `dir` (which must exist).
void write_panel(const Panel& panel, const std::string& dir, PanelFormat format);

}  // namespace firmsim
