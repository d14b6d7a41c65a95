// Estimation benchmark: every seed table on a panel of ~10^6 firms a year
// (1993-2005), and each estimator against statsmodels on the same data.
//
// Prints, in order: the machine and commit; the simulation (timed apart, it
// is not estimation) with firms per year and the panel's size in memory; the
// time of prepare_tables and of each table builder; then for OLS (absorbed
// industry, classical / HC1 / clustered), probit with average marginal
// effects, Heckman two-step, a paired t test and a chi-square test: the C++
// fit time, the statsmodels time on the same rows (read from a CSV this
// program writes), their ratio, and the largest relative difference of the
// estimates. A speed ratio between fits that disagree would mean nothing, so
// the agreement is printed next to it.
//
// Usage: firmsim_estimation_bench [--firms N] [--config FILE] [--python EXE]
//                                 [--no-python] [--keep-csv DIR]
//                                 [--from-csv DIR] [--only probit]
//                                 [--save-panel FILE] [--panel FILE]
//                                 [--tables-only] [--repeat N]
//
// --from-csv DIR reads the estimator datasets that an earlier --keep-csv DIR
// wrote instead of simulating (the simulation takes minutes; the tables are
// then skipped, they need the panel). --only probit skips the tables and every
// estimator but the probit and its marginal effects, on both sides.
//
// For timing the tables alone (issue 18): --save-panel FILE writes the
// simulated panel's columns to FILE (raw binary, this program's own scratch
// format, not for exchange); --panel FILE reads them back instead of
// simulating (the metadata comes from --config, which must be the one that
// made FILE), so a rerun takes seconds, not minutes. --tables-only skips the
// estimators; --repeat N builds the tables N times and prints each total and
// the median. Every run prints a hash of all the tables' contents (every cell,
// statistic, label and note, bit for bit), so a change that claims to keep the
// results can be checked on the same panel.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "estimation/fixed_effects.hpp"
#include "estimation/heckman.hpp"
#include "estimation/ols.hpp"
#include "estimation/probit.hpp"
#include "estimation/tables.hpp"
#include "estimation/tests.hpp"
#include "kernels/engine.hpp"
#include "sim/config.hpp"
#include "sim/simulation.hpp"
#include "yardstick.hpp"

#ifndef FIRMSIM_SOURCE_DIR
#define FIRMSIM_SOURCE_DIR "."
#endif

namespace {

namespace est = firmsim::est;
using Clock = std::chrono::steady_clock;
using est::Matrix;
using est::Vector;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

template <class F>
double time_once(F&& f) {
  const auto start = Clock::now();
  f();
  return seconds_since(start);
}

// Short fits are noisy: repeat while under a second (three runs at most), keep
// the fastest. The statsmodels script applies the same rule.
template <class F>
double time_fit(F&& f) {
  double best = time_once(f);
  for (int run = 1; run < 3 && best < 1.0; ++run) best = std::min(best, time_once(f));
  return best;
}

// ---------------------------------------------------------------------------
// Options and machine description
// ---------------------------------------------------------------------------

struct Options {
  // ~4 slots per firm alive in a given year (everyone born 1950-2005 gets a slot).
  long long firms = 4000000;
  std::string config = std::string(FIRMSIM_SOURCE_DIR) + "/configs/belgium.yaml";
  std::string python = "/usr/bin/python3";
  bool run_python = true;
  std::string keep_dir;  // empty: CSVs go to a temporary directory that is removed
  std::string from_csv;  // non-empty: read the datasets from here, no simulation
  bool only_probit = false;
  std::string save_panel;  // non-empty: write the simulated panel's columns here
  std::string panel_file;  // non-empty: read the panel's columns from here, no simulation
  bool tables_only = false;
  int repeat = 1;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "%s\nusage: firmsim_estimation_bench [--firms N] [--config FILE] [--python EXE] [--no-python] "
               "[--keep-csv DIR] [--from-csv DIR] [--only probit] [--save-panel FILE] [--panel FILE] [--tables-only] "
               "[--repeat N]\n",
               why);
  std::exit(2);
}

Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--firms" && has_value)
      o.firms = std::atoll(argv[++i]);
    else if (a == "--config" && has_value)
      o.config = argv[++i];
    else if (a == "--python" && has_value)
      o.python = argv[++i];
    else if (a == "--keep-csv" && has_value)
      o.keep_dir = argv[++i];
    else if (a == "--from-csv" && has_value)
      o.from_csv = argv[++i];
    else if (a == "--only" && has_value && std::strcmp(argv[i + 1], "probit") == 0)
      o.only_probit = (++i, true);
    else if (a == "--no-python")
      o.run_python = false;
    else if (a == "--save-panel" && has_value)
      o.save_panel = argv[++i];
    else if (a == "--panel" && has_value)
      o.panel_file = argv[++i];
    else if (a == "--tables-only")
      o.tables_only = true;
    else if (a == "--repeat" && has_value)
      o.repeat = std::atoi(argv[++i]);
    else
      usage(("unknown or incomplete option: " + a).c_str());
  }
  if (o.firms <= 0) usage("--firms must be positive");
  if (o.repeat < 1) usage("--repeat must be at least 1");
  if (!o.panel_file.empty() && !o.from_csv.empty()) usage("--panel and --from-csv exclude each other");
  if (!o.from_csv.empty() && o.from_csv == o.keep_dir) usage("--keep-csv would overwrite the --from-csv files");
  return o;
}

// Everything a command prints on stdout (trailing newline removed).
std::string command_output(const std::string& command, int* status = nullptr) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return out;
  char buffer[4096];
  std::size_t got;
  while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, got);
  const int rc = pclose(pipe);
  if (status) *status = rc;
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown";
}

// The commit, and whether the tree differs from it (others may be editing it):
// figures from an unclean tree should say so.
std::string commit_description() {
  const std::string git = "git -C '" + std::string(FIRMSIM_SOURCE_DIR) + "' ";
  std::string commit = command_output(git + "rev-parse --short HEAD 2>/dev/null");
  if (commit.empty()) return "unknown";
  const std::string dirty = command_output(git + "status --porcelain --untracked-files=no 2>/dev/null");
  return commit + (dirty.empty() ? "" : " (tree has uncommitted changes)");
}

double peak_rss_gib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / (1024.0 * 1024.0);  // ru_maxrss is in KiB
}

void print_machine(const Options& o) {
  std::printf("firmsim estimation benchmark\n");
  std::printf("machine: %s cores (nproc), %s\n", command_output("nproc").c_str(), cpu_model().c_str());
  std::printf("load average at start: %s\n", command_output("cut -d' ' -f1-3 /proc/loadavg").c_str());
  std::printf("backend: %s; commit: %s; config: %s\n", firmsim::Engine::backend_name(), commit_description().c_str(),
              o.config.c_str());
}

// ---------------------------------------------------------------------------
// The panel
// ---------------------------------------------------------------------------

template <class Columns, class Schema>
std::size_t columns_bytes(const Columns& columns, Schema schema) {
  std::size_t bytes = 0;
  schema([&](const char*, auto member, bool, double) {
    const auto& column = columns.*member;
    bytes += column.capacity() * sizeof(column[0]);
  });
  return bytes;
}

void print_panel_size(const firmsim::Panel& p) {
  const double gib = 1024.0 * 1024.0 * 1024.0;
  const std::size_t fy = columns_bytes(p.firm_years, [](auto f) { firmsim::firm_year_schema(f); });
  const std::size_t fi = columns_bytes(p.firms, [](auto f) { firmsim::firm_schema(f); });
  const std::size_t fl = columns_bytes(p.flows, [](auto f) { firmsim::flow_schema(f); });
  std::printf(
      "panel in memory: %.2f GiB (firm-years %zu rows %.2f GiB, firms %zu rows %.2f GiB, flows %zu rows %.2f "
      "GiB)\n",
      (fy + fi + fl) / gib, p.firm_years.rows(), fy / gib, p.firms.rows(), fi / gib, p.flows.rows(), fl / gib);
}

// Rows per year are the firms alive at the start of the year; "active" also
// survive it (alive = 1).
void print_firms_per_year(const firmsim::Panel& p) {
  std::map<int, std::pair<long long, long long>> per_year;  // year -> (rows, active)
  const auto& fy = p.firm_years;
  for (std::size_t r = 0; r < fy.rows(); ++r) {
    auto& counts = per_year[fy.year[r]];
    ++counts.first;
    counts.second += fy.alive[r];
  }
  std::printf("firms per year (rows = alive at the start of the year, active = alive = 1):\n  year");
  for (const auto& [year, counts] : per_year) std::printf(" %9d", year);
  std::printf("\n  rows");
  for (const auto& [year, counts] : per_year) std::printf(" %9lld", counts.first);
  std::printf("\n  actv");
  for (const auto& [year, counts] : per_year) std::printf(" %9lld", counts.second);
  std::printf("\ntotal firm-year rows: %zu\n", fy.rows());
}

firmsim::Panel simulate(const Options& o) {
  firmsim::Config c = firmsim::load_config(o.config);
  c.run.firms = o.firms;
  c.run.replicates = 1;
  std::printf("\n== simulation (not part of the estimation timing)\nfirm slots: %lld, years %d-%d recorded %d-%d\n",
              o.firms, c.run.burn_in_start, c.run.last_year, c.run.first_year, c.run.last_year);
  std::fflush(stdout);
  firmsim::Panel panel;
  const double run_s = time_once([&] {
    firmsim::Simulation sim(c);  // scoped: its copy of the panel is freed before estimation
    sim.run();
    panel = sim.panel();
  });
  std::printf("simulation + panel: %.1f s; peak RSS so far %.2f GiB\n", run_s, peak_rss_gib());
  return panel;
}

// The panel's columns as raw binary, so that timing the tables again does not
// redo minutes of simulation: per table its row count, then each column of its
// schema in order. The metadata is not stored; it comes from the config.
constexpr char kPanelMagic[8] = {'f', 's', 'p', 'a', 'n', 'e', 'l', '1'};

template <class Columns, class Schema>
void write_columns(std::ofstream& out, const Columns& columns, Schema schema) {
  const std::uint64_t rows = columns.rows();
  out.write(reinterpret_cast<const char*>(&rows), sizeof rows);
  schema([&](const char*, auto member, bool, double) {
    const auto& column = columns.*member;
    out.write(reinterpret_cast<const char*>(column.data()), static_cast<std::streamsize>(rows * sizeof(column[0])));
  });
}

template <class Columns, class Schema>
void read_columns(std::ifstream& in, Columns& columns, Schema schema) {
  std::uint64_t rows = 0;
  in.read(reinterpret_cast<char*>(&rows), sizeof rows);
  schema([&](const char*, auto member, bool, double) {
    auto& column = columns.*member;
    column.resize(rows);
    in.read(reinterpret_cast<char*>(column.data()), static_cast<std::streamsize>(rows * sizeof(column[0])));
  });
}

void save_panel(const firmsim::Panel& p, const std::string& file) {
  std::ofstream out(file, std::ios::binary);
  out.write(kPanelMagic, sizeof kPanelMagic);
  write_columns(out, p.firm_years, [](auto f) { firmsim::firm_year_schema(f); });
  write_columns(out, p.firms, [](auto f) { firmsim::firm_schema(f); });
  write_columns(out, p.flows, [](auto f) { firmsim::flow_schema(f); });
  if (!out.good()) throw std::runtime_error("could not write the panel to " + file);
  std::printf("panel columns written to %s\n", file.c_str());
}

firmsim::Panel load_panel(const Options& o) {
  std::ifstream in(o.panel_file, std::ios::binary);
  char magic[sizeof kPanelMagic] = {};
  in.read(magic, sizeof magic);
  if (!in.good() || std::memcmp(magic, kPanelMagic, sizeof magic) != 0)
    throw std::runtime_error(o.panel_file + " is not a panel written by --save-panel");
  firmsim::Config c = firmsim::load_config(o.config);
  c.run.firms = o.firms;
  c.run.replicates = 1;
  firmsim::Panel panel;
  panel.meta = firmsim::panel_meta(c);
  const double read_s = time_once([&] {
    read_columns(in, panel.firm_years, [](auto f) { firmsim::firm_year_schema(f); });
    read_columns(in, panel.firms, [](auto f) { firmsim::firm_schema(f); });
    read_columns(in, panel.flows, [](auto f) { firmsim::flow_schema(f); });
  });
  if (!in.good()) throw std::runtime_error(o.panel_file + " is cut short");
  std::printf("\n== panel read from %s in %.1f s (no simulation; metadata from the config)\n", o.panel_file.c_str(),
              read_s);
  return panel;
}

// ---------------------------------------------------------------------------
// The tables
// ---------------------------------------------------------------------------

struct NamedBuilder {
  const char* id;
  est::Table (*build)(const est::TableInputs&);
};

const NamedBuilder kBuilders[] = {
    {"table_01", est::table_01}, {"table_02", est::table_02}, {"table_03", est::table_03},
    {"table_04", est::table_04}, {"table_05", est::table_05}, {"table_06", est::table_06},
    {"table_07", est::table_07}, {"table_08", est::table_08}, {"table_09", est::table_09},
    {"table_10", est::table_10}, {"table_11", est::table_11}, {"table_12", est::table_12},
    {"table_13", est::table_13}, {"table_14", est::table_14}, {"table_15", est::table_15},
    {"table_16", est::table_16}, {"table_17", est::table_17}, {"table_18", est::table_18},
    {"table_19", est::table_19}, {"table_20", est::table_20}, {"table_21", est::table_21},
    {"table_22", est::table_22}, {"table_23", est::table_23}, {"table_23_pct", est::table_23_pct},
    {"table_24", est::table_24}, {"table_25", est::table_25}};

// The largest n_obs a table reports, as a hint of the sample it worked on.
double largest_n(const est::Table& t) {
  double n = est::nan_value();
  for (const auto& [key, value] : t.stats)
    if ((key.rfind("n_obs", 0) == 0 || key == "n") && std::isfinite(value))
      n = std::isfinite(n) ? std::max(n, value) : value;
  return n;
}

// FNV-1a over bytes: the tables' fingerprint.
struct Fingerprint {
  std::uint64_t h = 14695981039346656037ull;
  void bytes(const void* data, std::size_t n) {
    const auto* b = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 1099511628211ull;
  }
  void text(const std::string& s) { bytes(s.data(), s.size() + 1); }
  void number(double v) { bytes(&v, sizeof v); }  // bit pattern: -0.0, NaNs and last bits count
  void grid(const est::Grid& g) {
    number(static_cast<double>(g.size()));
    for (const auto& row : g) {
      number(static_cast<double>(row.size()));
      for (double v : row) number(v);
    }
  }
};

// Everything a table holds, so that "bit-identical" can be checked in one line.
std::uint64_t tables_hash(const std::vector<est::Table>& tables) {
  Fingerprint f;
  for (const est::Table& t : tables) {
    f.text(t.id), f.text(t.title);
    for (const auto& l : t.row_labels) f.text(l);
    for (const auto& l : t.column_labels) f.text(l);
    f.grid(t.values), f.grid(t.se), f.grid(t.paren), f.grid(t.stat);
    for (const auto& [key, value] : t.stats) f.text(key), f.number(value);
    for (const auto& n : t.notes) f.text(n);
  }
  return f.h;
}

// One pass: prepare_tables, then every builder; prints per-builder times when
// `verbose` and returns the total.
double time_tables_once(const firmsim::Panel& panel, bool verbose, std::uint64_t& hash) {
  est::TableInputs in;
  const double prepare_s = time_once([&] { in = est::prepare_tables(panel, 0); });
  if (verbose)
    std::printf("%-14s %10.3f  dataset %zu firms (>= 10 FTE once in 1998-2005)\n", "prepare_tables", prepare_s,
                in.firms.size());
  double builders_s = 0;
  std::vector<est::Table> built;
  for (const NamedBuilder& b : kBuilders) {
    est::Table t;
    std::string error;
    const double s = time_once([&] {
      try {
        t = b.build(in);
      } catch (const std::exception& e) {
        error = e.what();
      }
    });
    builders_s += s;
    if (verbose) {
      const double n = largest_n(t);
      std::printf("%-14s %10.3f  %s%s\n", b.id, s,
                  std::isfinite(n) ? std::to_string(static_cast<long long>(n)).c_str() : "",
                  error.empty() ? (t.notes.empty() ? "" : "  (has notes)") : ("  FAILED: " + error).c_str());
      std::fflush(stdout);
    }
    if (!error.empty()) t.notes.push_back("FAILED: " + error);
    built.push_back(std::move(t));
  }
  hash = tables_hash(built);
  if (verbose) std::printf("%-14s %10.3f\n", "builders", builders_s);
  return prepare_s + builders_s;
}

void time_tables(const firmsim::Panel& panel, int repeat, double yardstick_s) {
  std::printf("\n== tables (replicate 0)\n%-14s %10s  %s\n", "table", "seconds", "n_obs (largest) / notes");
  std::vector<double> totals;
  std::uint64_t first_hash = 0;
  for (int r = 0; r < repeat; ++r) {
    std::uint64_t hash = 0;
    const double total = time_tables_once(panel, r == 0, hash);
    if (r == 0) first_hash = hash;
    if (hash != first_hash) std::printf("WARNING: run %d built different tables (hash %016llx)\n", r + 1,
                                        static_cast<unsigned long long>(hash));
    std::printf("%-14s %10.3f  %6.1fx memcpy  (prepare_tables + all builders, run %d of %d; target 5 s)\n",
                "ALL TABLES", total, total / yardstick_s, r + 1, repeat);
    std::fflush(stdout);
    totals.push_back(total);
  }
  std::sort(totals.begin(), totals.end());
  const double median = totals.size() % 2 ? totals[totals.size() / 2]
                                          : 0.5 * (totals[totals.size() / 2 - 1] + totals[totals.size() / 2]);
  std::printf("all tables, median of %d: %.3f s = %.1fx memcpy (min %.3f, max %.3f)\n", repeat, median,
              median / yardstick_s, totals.front(), totals.back());
  std::printf("tables hash: %016llx\n", static_cast<unsigned long long>(first_hash));
  std::printf("load average after the tables: %s\n", command_output("cut -d' ' -f1-3 /proc/loadavg").c_str());
}

// ---------------------------------------------------------------------------
// Estimator datasets, extracted from the panel
// ---------------------------------------------------------------------------

// Named columns of equal length; written to CSV for statsmodels.
struct Dataset {
  std::vector<std::string> names;
  std::vector<std::vector<double>> columns;

  explicit Dataset(std::vector<std::string> n) : names(std::move(n)), columns(names.size()) {}
  void add(const std::vector<double>& row) {
    for (std::size_t k = 0; k < row.size(); ++k) columns[k].push_back(row[k]);
  }
  std::size_t rows() const { return columns.empty() ? 0 : columns[0].size(); }
  const std::vector<double>& operator[](const std::string& name) const {
    for (std::size_t k = 0; k < names.size(); ++k)
      if (names[k] == name) return columns[k];
    throw std::out_of_range("no column " + name);
  }
  // Keeps rows with keep[i] != 0.
  void filter(const std::vector<std::uint8_t>& keep) {
    for (auto& c : columns) {
      std::size_t out = 0;
      for (std::size_t i = 0; i < c.size(); ++i)
        if (keep[i]) c[out++] = c[i];
      c.resize(out);
    }
  }
};

void write_csv(const Dataset& d, const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "w");
  if (!f) throw std::runtime_error("cannot write " + path);
  for (std::size_t k = 0; k < d.names.size(); ++k) std::fprintf(f, "%s%s", k ? "," : "", d.names[k].c_str());
  std::fputc('\n', f);
  // 17 significant digits: statsmodels must see exactly the doubles the C++ fits.
  for (std::size_t i = 0; i < d.rows(); ++i)
    for (std::size_t k = 0; k < d.names.size(); ++k)
      std::fprintf(f, "%.17g%c", d.columns[k][i], k + 1 < d.names.size() ? ',' : '\n');
  std::fclose(f);
}

// Reads what write_csv wrote (a header of names, then numbers; strtod reads
// the 17 digits back to the same doubles).
Dataset read_csv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::string line;
  std::getline(in, line);
  std::vector<std::string> names;
  for (std::size_t start = 0;;) {
    const std::size_t comma = line.find(',', start);
    names.push_back(line.substr(start, comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  Dataset d(names);
  std::vector<double> row(names.size());
  while (std::getline(in, line)) {
    const char* p = line.c_str();
    for (double& v : row) {
      char* end = nullptr;
      v = std::strtod(p, &end);
      if (end == p) throw std::runtime_error("bad number in " + path + ": " + line);
      p = *end == ',' ? end + 1 : end;
    }
    d.add(row);
  }
  return d;
}

// Row of each firm in one year (replicate 0), -1 where the firm has none.
std::vector<std::int64_t> rows_of_year(const firmsim::FirmYearColumns& fy, int year) {
  std::int64_t max_firm = 0;
  for (std::size_t r = 0; r < fy.rows(); ++r) max_firm = std::max(max_firm, fy.firm[r]);
  std::vector<std::int64_t> row(static_cast<std::size_t>(max_firm) + 1, -1);
  for (std::size_t r = 0; r < fy.rows(); ++r)
    if (fy.year[r] == year && fy.replicate[r] == 0)
      row[static_cast<std::size_t>(fy.firm[r])] = static_cast<std::int64_t>(r);
  return row;
}

bool reports(const firmsim::FirmYearColumns& fy, std::int64_t r) { return r >= 0 && fy.alive[r] && fy.fte[r] > 0; }
bool exports_in(const firmsim::FirmYearColumns& fy, std::int64_t r) { return reports(fy, r) && fy.exports[r] > 0; }

// Drops the industries in which a 0/1 outcome does not vary: their dummy would
// predict it perfectly (Stata drops them; statsmodels would not converge).
void keep_industries_where_varies(Dataset& d, const std::string& outcome) {
  std::map<double, std::pair<bool, bool>> seen;
  const auto& y = d[outcome];
  const auto& ind = d["industry"];
  for (std::size_t i = 0; i < d.rows(); ++i) (y[i] != 0 ? seen[ind[i]].first : seen[ind[i]].second) = true;
  std::vector<std::uint8_t> keep(d.rows());
  for (std::size_t i = 0; i < d.rows(); ++i) keep[i] = seen[ind[i]].first && seen[ind[i]].second;
  d.filter(keep);
}

// (a) OLS: ln value added 1998 on ln FTE and an exporter dummy, every firm
// reporting in 1998; clusters = founding-year cohort x industry cells.
Dataset ols_data(const firmsim::FirmYearColumns& fy) {
  Dataset d({"ln_va", "ln_fte", "exporter", "industry", "cluster"});
  for (std::size_t r = 0; r < fy.rows(); ++r) {
    if (fy.year[r] != 1998 || fy.replicate[r] != 0 || !reports(fy, static_cast<std::int64_t>(r)) ||
        !(fy.value_added[r] > 0))
      continue;
    d.add({std::log(double(fy.value_added[r])), std::log(double(fy.fte[r])), double(fy.exports[r] > 0),
           double(fy.industry[r]), double(fy.founding_year[r]) * 100 + fy.industry[r]});
  }
  return d;
}

// (b) Probit: exporting in 2005 (dead = not exporting) on ln FTE 1998, ln TFP
// 1998 and industry dummies, every firm reporting in 1998.
Dataset probit_data(const firmsim::FirmYearColumns& fy, const std::vector<std::int64_t>& row05) {
  Dataset d({"exporter_2005", "ln_fte", "ln_tfp", "industry"});
  for (std::size_t r = 0; r < fy.rows(); ++r) {
    if (fy.year[r] != 1998 || fy.replicate[r] != 0 || !reports(fy, static_cast<std::int64_t>(r)) ||
        !std::isfinite(fy.tfp[r]))
      continue;
    const auto f = static_cast<std::size_t>(fy.firm[r]);
    const std::int64_t r05 = f < row05.size() ? row05[f] : -1;
    d.add({double(exports_in(fy, r05)), std::log(double(fy.fte[r])), double(fy.tfp[r]), double(fy.industry[r])});
  }
  keep_industries_where_varies(d, "exporter_2005");
  return d;
}

// (c) Heckman (Table 12's design on every 1998 exporter, not only the SMEs of
// the dataset, and without the type dummies): selection = still exporting in
// 2005, outcome = (ln X05 - ln X98) / 7 on ln X98, ln(M98/FTE98); exclusion
// restriction ln TFP 1998. Firms without imports drop out (ln 0), as there.
Dataset heckman_data(const firmsim::FirmYearColumns& fy, const std::vector<std::int64_t>& row05) {
  Dataset d({"growth", "continues", "ln_x98", "ln_m98_fte", "ln_tfp98", "industry"});
  for (std::size_t r = 0; r < fy.rows(); ++r) {
    if (fy.year[r] != 1998 || fy.replicate[r] != 0 || !exports_in(fy, static_cast<std::int64_t>(r)) ||
        !(fy.imports[r] > 0) || !std::isfinite(fy.tfp[r]))
      continue;
    const auto f = static_cast<std::size_t>(fy.firm[r]);
    const std::int64_t r05 = f < row05.size() ? row05[f] : -1;
    const bool continues = exports_in(fy, r05);
    const double ln_x98 = std::log(double(fy.exports[r]));
    const double growth = continues ? (std::log(double(fy.exports[r05])) - ln_x98) / 7.0 : est::nan_value();
    d.add({growth, double(continues), ln_x98, std::log(double(fy.imports[r]) / fy.fte[r]), double(fy.tfp[r]),
           double(fy.industry[r])});
  }
  keep_industries_where_varies(d, "continues");
  return d;
}

// (d) Paired t test: ln VA per FTE 1998 vs 2005 of the firms reporting both years.
Dataset ttest_data(const firmsim::FirmYearColumns& fy, const std::vector<std::int64_t>& row05) {
  Dataset d({"ln_vapf98", "ln_vapf05"});
  for (std::size_t r = 0; r < fy.rows(); ++r) {
    if (fy.year[r] != 1998 || fy.replicate[r] != 0 || !reports(fy, static_cast<std::int64_t>(r)) ||
        !(fy.value_added[r] > 0))
      continue;
    const auto f = static_cast<std::size_t>(fy.firm[r]);
    const std::int64_t r05 = f < row05.size() ? row05[f] : -1;
    if (!reports(fy, r05) || !(fy.value_added[r05] > 0)) continue;
    d.add({std::log(double(fy.value_added[r]) / fy.fte[r]), std::log(double(fy.value_added[r05]) / fy.fte[r05])});
  }
  return d;
}

// ---------------------------------------------------------------------------
// C++ fits: each returns its timings and estimates under flat names that the
// statsmodels script uses too ("ols_hc1.coef" = the slopes, in column order).
// ---------------------------------------------------------------------------

using Results = std::map<std::string, std::vector<double>>;

std::vector<double> to_std(const Vector& v) { return std::vector<double>(v.data(), v.data() + v.size()); }

Matrix columns_matrix(const Dataset& d, const std::vector<std::string>& names) {
  Matrix X(static_cast<Eigen::Index>(d.rows()), static_cast<Eigen::Index>(names.size()));
  for (std::size_t k = 0; k < names.size(); ++k)
    X.col(static_cast<Eigen::Index>(k)) = Eigen::Map<const Vector>(d[names[k]].data(), X.rows());
  return X;
}

// Regressors followed by industry dummies (base level dropped), as statsmodels' design.
Matrix with_dummies(const Matrix& X, const est::FixedEffects& industry) {
  const Matrix D = est::dummy_columns(industry, true);
  Matrix out(X.rows(), X.cols() + D.cols());
  out << X, D;
  return out;
}

void fit_ols_cpp(const Dataset& d, Results& out) {
  const Vector y = Eigen::Map<const Vector>(d["ln_va"].data(), static_cast<Eigen::Index>(d.rows()));
  const Matrix X = columns_matrix(d, {"ln_fte", "exporter"});
  est::OlsSpec spec;
  spec.names = {"ln_fte", "exporter"};
  out["ols.design_seconds"] = {time_once([&] {
    spec.absorb = est::make_fixed_effects(d["industry"]);
    spec.cluster = est::make_fixed_effects(d["cluster"]);
  })};
  const std::pair<const char*, est::VarianceType> kinds[] = {{"ols_classical", est::VarianceType::classical},
                                                             {"ols_hc1", est::VarianceType::robust},
                                                             {"ols_cluster", est::VarianceType::cluster}};
  for (const auto& [key, variance] : kinds) {
    spec.variance = variance;
    est::OlsResult r;
    out[std::string(key) + ".seconds"] = {time_fit([&] { r = est::ols(y, X, spec); })};
    out[std::string(key) + ".coef"] = to_std(r.table.coef.head(2));
    out[std::string(key) + ".se"] = to_std(r.table.se.head(2));
  }
}

void fit_probit_cpp(const Dataset& d, Results& out) {
  const Vector y = Eigen::Map<const Vector>(d["exporter_2005"].data(), static_cast<Eigen::Index>(d.rows()));
  Matrix X;
  out["probit.design_seconds"] = {time_once([&] {
    X = with_dummies(columns_matrix(d, {"ln_fte", "ln_tfp"}), est::make_fixed_effects(d["industry"]));
  })};
  est::ProbitResult fit;
  out["probit.seconds"] = {time_fit([&] { fit = est::probit(y, X); })};
  est::MarginalEffects me;
  // Dummies auto-detected as 0/1 columns: discrete changes, as statsmodels' dummy=True.
  out["probit_ame.seconds"] = {time_fit([&] { me = est::average_marginal_effects(fit); })};
  out["probit.coef"] = to_std(fit.table.coef);
  out["probit.se"] = to_std(fit.table.se);
  out["probit_ame.coef"] = to_std(me.table.coef);
  out["probit_ame.se"] = to_std(me.table.se);
}

void fit_heckman_cpp(const Dataset& d, Results& out) {
  const auto n = static_cast<Eigen::Index>(d.rows());
  Vector y = Eigen::Map<const Vector>(d["growth"].data(), n);
  std::vector<std::uint8_t> selected(d.rows());
  for (std::size_t i = 0; i < d.rows(); ++i) selected[i] = d["continues"][i] != 0;
  Matrix X, Z;
  out["heckman.design_seconds"] = {time_once([&] {
    const est::FixedEffects industry = est::make_fixed_effects(d["industry"]);
    X = with_dummies(columns_matrix(d, {"ln_x98", "ln_m98_fte"}), industry);
    Z = with_dummies(columns_matrix(d, {"ln_x98", "ln_m98_fte", "ln_tfp98"}), industry);
  })};
  est::HeckmanResult h;
  out["heckman.seconds"] = {time_fit([&] { h = est::heckman_two_step(y, X, selected, Z); })};
  std::vector<double> coef = to_std(h.outcome.coef), se = to_std(h.outcome.se);
  coef.push_back(h.lambda), se.push_back(h.lambda_se);
  out["heckman.coef"] = coef;  // outcome: regressors, dummies, _cons, lambda
  out["heckman.se"] = se;
  out["heckman_selection.coef"] = to_std(h.selection.table.coef);
  out["heckman_selection.se"] = to_std(h.selection.table.se);
  out["heckman_rho_sigma.coef"] = {h.rho, h.sigma};
}

void fit_tests_cpp(const Dataset& paired, const Dataset& ols, Results& out) {
  est::TTestResult t;
  out["ttest_paired.seconds"] = {time_fit([&] { t = est::paired_t_test(paired["ln_vapf98"], paired["ln_vapf05"]); })};
  out["ttest_paired.coef"] = {t.difference, t.t};
  out["ttest_paired.se"] = {t.se};
  // Cross-tabulation included: that is the work on 10^6 rows, the test itself is tiny.
  est::ChiSquareResult c;
  out["chi2.seconds"] = {time_fit([&] {
    const est::FixedEffects industry = est::make_fixed_effects(ols["industry"]);
    Matrix counts = Matrix::Zero(2, industry.levels());
    const auto& exporter = ols["exporter"];
    for (std::size_t i = 0; i < exporter.size(); ++i) counts(exporter[i] != 0 ? 1 : 0, industry.level[i]) += 1;
    c = est::chi_square_independence(counts);
  })};
  out["chi2.coef"] = {c.chi2, c.df};
}

// ---------------------------------------------------------------------------
// statsmodels: run the script, read its flat JSON ({"key": number | [numbers]})
// ---------------------------------------------------------------------------

Results parse_flat_json(const std::string& text) {
  Results r;
  std::size_t pos = 0;
  while ((pos = text.find('"', pos)) != std::string::npos) {
    const std::size_t end = text.find('"', pos + 1);
    if (end == std::string::npos) break;
    const std::string key = text.substr(pos + 1, end - pos - 1);
    std::size_t v = text.find(':', end) + 1;
    while (v < text.size() && text[v] == ' ') ++v;
    std::vector<double> values;
    const bool array = text[v] == '[';
    if (array) ++v;
    for (;;) {
      while (v < text.size() && (text[v] == ' ' || text[v] == ',')) ++v;
      if (v >= text.size() || text[v] == ']' || text[v] == '}' || text[v] == '"') break;
      char* stop = nullptr;
      values.push_back(std::strtod(text.c_str() + v, &stop));  // strtod reads NaN and Infinity too
      v = static_cast<std::size_t>(stop - text.c_str());
      if (!array) break;
    }
    r[key] = values;
    pos = v;
  }
  return r;
}

std::string script_path() { return std::string(FIRMSIM_SOURCE_DIR) + "/bench/estimation_bench_statsmodels.py"; }

// Empty when the interpreter or statsmodels is missing (reason printed).
Results run_statsmodels(const Options& o, const std::string& dir) {
  int status = 0;
  command_output("'" + o.python + "' -c 'import statsmodels, pandas, scipy' 2>/dev/null", &status);
  if (status != 0) {
    std::printf("statsmodels not available in %s: comparison skipped\n", o.python.c_str());
    return {};
  }
  std::printf("python side: %s\n", command_output("'" + o.python + "' '" + script_path() + "' --versions").c_str());
  const std::string only = o.only_probit ? " --only probit" : "";
  std::printf("running %s %s %s%s ...\n", o.python.c_str(), script_path().c_str(), dir.c_str(), only.c_str());
  std::fflush(stdout);
  const std::string json =
      command_output("'" + o.python + "' '" + script_path() + "' '" + dir + "'" + only, &status);
  if (status != 0) {
    std::printf("statsmodels script failed (status %d): comparison skipped\n", status);
    return {};
  }
  return parse_flat_json(json);
}

// ---------------------------------------------------------------------------
// Comparison
// ---------------------------------------------------------------------------

double max_relative_difference(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size() || a.empty()) return est::nan_value();
  double worst = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double scale = std::max(std::fabs(a[i]), std::fabs(b[i]));
    if (scale > 0) worst = std::max(worst, std::fabs(a[i] - b[i]) / scale);
  }
  return worst;
}

double max_absolute_difference(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size() || a.empty()) return est::nan_value();
  double worst = 0;
  for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::fabs(a[i] - b[i]));
  return worst;
}

double first_or_nan(const Results& r, const std::string& key) {
  const auto it = r.find(key);
  return it == r.end() || it->second.empty() ? est::nan_value() : it->second[0];
}

std::vector<double> values_of(const Results& r, const std::string& key) {
  const auto it = r.find(key);
  return it == r.end() ? std::vector<double>{} : it->second;
}

struct Row {
  const char* key;    // prefix in Results
  const char* label;  // printed
  std::size_t n;
};

void print_comparison(const std::vector<Row>& rows, const Results& cpp, const Results& sm) {
  std::printf("\n%-34s %9s %10s %12s %8s %11s %11s %11s %11s\n", "estimator", "n", "C++ (s)", "statsmodels", "ratio",
              "coef diff", "SE diff", "coef |a-b|", "SE |a-b|");
  for (const Row& row : rows) {
    const std::string k = row.key;
    const double c = first_or_nan(cpp, k + ".seconds"), s = first_or_nan(sm, k + ".seconds");
    const std::vector<double> cc = values_of(cpp, k + ".coef"), sc = values_of(sm, k + ".coef");
    const std::vector<double> cs = values_of(cpp, k + ".se"), ss = values_of(sm, k + ".se");
    std::printf("%-34s %9zu %10.4f %12.4f %8.1f %11.2e %11.2e %11.2e %11.2e\n", row.label, row.n, c, s, s / c,
                max_relative_difference(cc, sc), max_relative_difference(cs, ss), max_absolute_difference(cc, sc),
                max_absolute_difference(cs, ss));
  }
  // Summed over the estimators that ran (--only probit runs one).
  const auto design_seconds = [](const Results& r) {
    double sum = 0;
    for (const char* key : {"ols.design_seconds", "probit.design_seconds", "heckman.design_seconds"})
      if (std::isfinite(first_or_nan(r, key))) sum += first_or_nan(r, key);
    return sum;
  };
  std::printf("%-34s %9s %10.4f %12.4f   (design = fixed-effect coding / dummy columns, apart from the fits)\n",
              "design: OLS / probit / Heckman", "", design_seconds(cpp), design_seconds(sm));
  std::printf(
      "ratio = statsmodels / C++ seconds; coef/SE diff = max |a-b|/max(|a|,|b|), coef/SE |a-b| = max |a-b|\n"
      "over the compared values\n"
      "(OLS: the two slopes; probit: all coefficients incl. dummies and _cons; AME: every regressor;\n"
      " Heckman: outcome coefficients incl. _cons and lambda; t test: difference and t; chi2: statistic, df)\n");
}

std::string make_work_dir(const Options& o) {
  if (!o.keep_dir.empty()) {
    std::filesystem::create_directories(o.keep_dir);
    return o.keep_dir;
  }
  std::string pattern = (std::filesystem::temp_directory_path() / "firmsim-estbench-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("cannot create a temporary directory");
  return pattern;
}

// The estimators' datasets: extracted from the panel, or read back from the
// CSVs of an earlier run (--from-csv). With --only probit the others stay empty.
struct Datasets {
  Dataset ols{{}}, prob{{}}, heck{{}}, paired{{}};
};

Datasets extract_datasets(const Options& o, const firmsim::Panel& panel) {
  const auto& fy = panel.firm_years;
  const std::vector<std::int64_t> row05 = rows_of_year(fy, 2005);
  Datasets d;
  d.prob = probit_data(fy, row05);
  if (o.only_probit) return d;
  d.ols = ols_data(fy);
  d.heck = heckman_data(fy, row05);
  d.paired = ttest_data(fy, row05);
  return d;
}

Datasets read_datasets(const Options& o) {
  Datasets d;
  d.prob = read_csv(o.from_csv + "/probit.csv");
  if (o.only_probit) return d;
  d.ols = read_csv(o.from_csv + "/ols.csv");
  d.heck = read_csv(o.from_csv + "/heckman.csv");
  d.paired = read_csv(o.from_csv + "/paired.csv");
  return d;
}

void compare_estimators(const Options& o, const Datasets& d) {
  std::printf("\n== estimators: C++ vs statsmodels on the same rows\n");
  if (o.only_probit) {
    std::printf("samples: probit %zu firms (--only probit)\n", d.prob.rows());
  } else {
    std::size_t selected = 0;
    for (double s : d.heck["continues"]) selected += s != 0;
    std::printf(
        "samples: OLS %zu firm-years (1998), probit %zu firms, Heckman %zu 1998 exporters (%zu still export in "
        "2005), paired t %zu firms\n",
        d.ols.rows(), d.prob.rows(), d.heck.rows(), selected, d.paired.rows());
  }
  Results cpp;
  if (!o.only_probit) fit_ols_cpp(d.ols, cpp);
  fit_probit_cpp(d.prob, cpp);
  if (!o.only_probit) {
    fit_heckman_cpp(d.heck, cpp);
    fit_tests_cpp(d.paired, d.ols, cpp);
  }

  Results sm;
  if (o.run_python || !o.keep_dir.empty()) {
    const std::string dir = make_work_dir(o);
    const double write_s = time_once([&] {
      write_csv(d.prob, dir + "/probit.csv");
      if (o.only_probit) return;
      write_csv(d.ols, dir + "/ols.csv");
      write_csv(d.heck, dir + "/heckman.csv");
      write_csv(d.paired, dir + "/paired.csv");
    });
    std::printf("CSV written to %s in %.1f s (not timed in either column)\n", dir.c_str(), write_s);
    if (o.run_python) sm = run_statsmodels(o, dir);
    if (o.keep_dir.empty()) std::filesystem::remove_all(dir);
  }
  const std::vector<Row> probit_rows = {{"probit", "probit (Newton)", d.prob.rows()},
                                        {"probit_ame", "probit average marginal effects", d.prob.rows()}};
  if (o.only_probit) {
    print_comparison(probit_rows, cpp, sm);
    return;
  }
  print_comparison({{"ols_classical", "OLS absorbed industry, classical", d.ols.rows()},
                    {"ols_hc1", "OLS absorbed industry, HC1", d.ols.rows()},
                    {"ols_cluster", "OLS absorbed industry, clustered", d.ols.rows()},
                    probit_rows[0],
                    probit_rows[1],
                    {"heckman", "Heckman two-step (outcome)", d.heck.rows()},
                    {"heckman_selection", "  its selection probit (no timing)", d.heck.rows()},
                    {"heckman_rho_sigma", "  its rho, sigma (no timing)", d.heck.rows()},
                    {"ttest_paired", "paired t test", d.paired.rows()},
                    {"chi2", "crosstab + chi2 (exporter x industry)", d.ols.rows()}},
                   cpp, sm);
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse_options(argc, argv);
  print_machine(options);
  const double yardstick_s = firmsim::bench::memcpy_seconds();
  firmsim::bench::print_yardstick(yardstick_s);
  try {
    if (!options.from_csv.empty()) {
      std::printf("\n== datasets read from %s (no simulation, no tables)\n", options.from_csv.c_str());
      compare_estimators(options, read_datasets(options));
    } else {
      const firmsim::Panel panel = options.panel_file.empty() ? simulate(options) : load_panel(options);
      if (!options.save_panel.empty()) save_panel(panel, options.save_panel);
      print_firms_per_year(panel);
      print_panel_size(panel);
      std::fflush(stdout);
      if (!options.only_probit) time_tables(panel, options.repeat, yardstick_s);
      if (!options.tables_only) compare_estimators(options, extract_datasets(options, panel));
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "firmsim_estimation_bench: %s\n", e.what());
    return 1;
  }
  std::printf("\npeak RSS: %.2f GiB\n", peak_rss_gib());
  return 0;
}
