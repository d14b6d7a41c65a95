// Writing the panel to disk: CSV or Stata .dta (ReadStat), one file per
// table (firm_years, firms, flows) plus panel_meta.yaml, and the manifest
// panel_manifest.yaml that makes them one unit:
//   1. every file is written under a temporary name (`NAME.tmp-PID`), every
//      write checked (a full disk fails the run, exit 2, and removes them);
//   2. the manifest is replaced by one saying `state: writing`;
//   3. the files are renamed into place one by one;
//   4. the manifest is replaced by one saying `state: complete` with each
//      file's rows, bytes and CRC-32.
// Readers (estimation/panel_csv) refuse a directory whose manifest is not
// complete or does not match the files, so a crash between two renames never
// passes off old and new files as one panel. Why a manifest and not a
// temporary directory renamed into place: the panel shares its directory
// with the run's reports and other formats, and rename(2) cannot replace a
// non-empty directory; the manifest also catches a file changed or cut later.
// Temporaries left by a killed run are removed by the next write_panel into
// the same directory.
#pragma once

#include <string>
#include <vector>

#include "sim/panel.hpp"

namespace firmsim {

enum class PanelFormat { csv, dta };

PanelFormat parse_panel_format(const std::string& name);  // throws InputError

// The manifest's file name.
inline constexpr const char* kManifestName = "panel_manifest.yaml";

// Checks, creating nothing, that `dir` is (or can be created as) a writable
// directory; throws InputError naming it otherwise. Call before the checks
// that follow it, so a run that fails on input leaves no trace.
void check_output_directory(const std::string& dir);

// Creates `dir` if needed and checks that files can be written there; throws
// InputError naming the directory otherwise. Call once every input check has
// passed, before a long run.
void ensure_writable_directory(const std::string& dir);

// A further file written with the panel under the same manifest (the run's
// reports: summary.csv, starters.csv), so that a kill at any moment never
// leaves a previous run's report beside a new panel.
struct PanelExtra {
  std::string name;
  std::string text;
};

// Writes the panel into `dir` (which must exist), with `extras` as further
// files of the unit. The files named in `stale` (not written this time) are
// removed while the manifest says `writing`, so an old one cannot outlive it.
void write_panel(const Panel& panel, const std::string& dir, PanelFormat format,
                 const std::vector<PanelExtra>& extras = {}, const std::vector<std::string>& stale = {});

}  // namespace firmsim
