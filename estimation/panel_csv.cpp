#include "estimation/panel_csv.hpp"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "estimation/report.hpp"
#include "sim/atomic_file.hpp"
#include "sim/input_error.hpp"
#include "sim/yaml_reader.hpp"

namespace firmsim::est {

namespace {

// Where a cell is, for error messages.
struct Where {
  const std::string* file;
  int line;
  const std::string* column;
  [[noreturn]] void fail(const std::string& message) const { throw InputError(*file, line, *column, message); }
};

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r");
  std::string out = s.substr(b, e - b + 1);
  if (out.size() >= 2 && out.front() == '"' && out.back() == '"') out = out.substr(1, out.size() - 2);
  return out;
}

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, ',')) out.push_back(trim(field));
  if (!line.empty() && line.back() == ',') out.push_back("");
  return out;
}

long long parse_integer(const std::string& cell, const Where& w, long long lo, long long hi) {
  if (cell.empty()) w.fail("empty cell, expected a whole number");
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(cell.c_str(), &end, 10);
  if (*end != '\0' || errno != 0) w.fail("expected a whole number, got '" + cell + "'");
  if (v < lo || v > hi)
    w.fail("value " + cell + " is out of range [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return v;
}

// A missing value (empty, NA, ".") is NaN; anything else must be a finite
// number that fits a float: inf or 1e39 would silently poison every mean and
// share computed from the column.
float parse_real(const std::string& cell, const Where& w) {
  if (cell.empty() || cell == "NA" || cell == "nan" || cell == "NaN" || cell == ".")
    return std::numeric_limits<float>::quiet_NaN();
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(cell.c_str(), &end);
  if (*end != '\0') w.fail("expected a number, got '" + cell + "'");
  if (!std::isfinite(v) || std::fabs(v) > std::numeric_limits<float>::max() || errno == ERANGE)
    if (!(errno == ERANGE && std::fabs(v) < 1))  // an underflow to 0 is harmless
      w.fail("value " + cell + " is not a finite number a float can hold");
  return static_cast<float>(v);
}

std::uint64_t parse_mask(const std::string& cell, const Where& w) {
  const bool hex = cell.size() > 2 && cell[0] == '0' && (cell[1] == 'x' || cell[1] == 'X');
  const std::string digits = hex ? cell.substr(2) : cell;
  if (digits.empty() || digits[0] == '-' || digits[0] == '+')
    w.fail("expected a hex mask like 0x1f, got '" + cell + "'");
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(digits.c_str(), &end, hex ? 16 : 10);
  if (*end != '\0' || errno != 0) w.fail("expected a hex mask like 0x1f, got '" + cell + "'");
  return v;
}

// One column of a file: how to parse a cell into its vector, or what to store when the
// (optional) column is absent.
struct ColumnSpec {
  std::string name;
  bool required = true;
  std::function<void(const std::string&, const Where&)> parse;
  std::function<void()> absent;
};

template <class T>
ColumnSpec integer(const std::string& name, std::vector<T>& out, bool required = true, T fallback = 0) {
  const auto lo = static_cast<long long>(std::numeric_limits<T>::min());
  const auto hi = static_cast<long long>(std::numeric_limits<T>::max());
  return {name, required,
          [&out, lo, hi](const std::string& c, const Where& w) {
            out.push_back(static_cast<T>(parse_integer(c, w, lo, hi)));
          },
          [&out, fallback] { out.push_back(fallback); }};
}

ColumnSpec real(const std::string& name, std::vector<float>& out, bool required = true) {
  return {name, required, [&out](const std::string& c, const Where& w) { out.push_back(parse_real(c, w)); },
          [&out] { out.push_back(std::numeric_limits<float>::quiet_NaN()); }};
}

ColumnSpec mask_column(const std::string& name, std::vector<std::uint64_t>& out) {
  return {name, true, [&out](const std::string& c, const Where& w) { out.push_back(parse_mask(c, w)); },
          [&out] { out.push_back(0); }};
}

void check_unique_columns(const std::string& file, const std::vector<std::string>& header) {
  std::map<std::string, std::size_t> position;
  for (std::size_t j = 0; j < header.size(); ++j) {
    const auto [first, fresh] = position.emplace(header[j], j);
    if (!fresh)
      throw InputError(file, 1, header[j],
                       "column name appears twice (fields " + std::to_string(first->second + 1) + " and " +
                           std::to_string(j + 1) + ")");
  }
}

// Reads a CSV file into the columns; returns the number of data rows.
std::size_t read_csv(const std::string& file, std::vector<ColumnSpec>& specs, bool rows_required) {
  if (std::filesystem::is_directory(file)) throw InputError(file, 0, "", "is a directory, expected a CSV file");
  std::ifstream in(file);
  if (!in) throw InputError(file, 0, "", "cannot open file");
  std::string line;
  if (!std::getline(in, line) || trim(line).empty()) throw InputError(file, 1, "", "empty file: no header row");
  const auto header = split(line);
  check_unique_columns(file, header);
  std::vector<int> index(specs.size(), -1);
  for (std::size_t k = 0; k < specs.size(); ++k) {
    for (std::size_t j = 0; j < header.size(); ++j)
      if (header[j] == specs[k].name) index[k] = static_cast<int>(j);
    if (index[k] < 0 && specs[k].required) throw InputError(file, 1, specs[k].name, "required column is missing");
  }
  std::size_t rows = 0;
  for (int line_no = 2; std::getline(in, line); ++line_no) {
    // Every line ends with a line end: a last line without one was cut
    // (a full disk, a copy stopped half-way), and its last field may be too.
    if (in.eof() && !line.empty())
      throw InputError(file, line_no, "", "the last line has no line end: the file was cut short");
    if (trim(line).empty()) continue;
    const auto cells = split(line);
    if (cells.size() != header.size())
      throw InputError(
          file, line_no, "",
          "has " + std::to_string(cells.size()) + " fields, the header has " + std::to_string(header.size()));
    for (std::size_t k = 0; k < specs.size(); ++k) {
      if (index[k] < 0) {
        specs[k].absent();
        continue;
      }
      specs[k].parse(cells[static_cast<std::size_t>(index[k])], Where{&file, line_no, &specs[k].name});
    }
    ++rows;
  }
  if (rows == 0 && rows_required) throw InputError(file, 2, "", "no data rows");
  return rows;
}

ColumnSpec spec(const std::string& name, std::vector<float>& out, bool required, double) {
  return real(name, out, required);
}
ColumnSpec spec(const std::string& name, std::vector<std::uint64_t>& out, bool, double) {
  return mask_column(name, out);
}
template <class T>
ColumnSpec spec(const std::string& name, std::vector<T>& out, bool required, double fallback) {
  return integer(name, out, required, static_cast<T>(fallback));
}

// The columns as panel.hpp lays them out (the simulator writes the same lists).
template <class Columns, class Schema>
std::vector<ColumnSpec> specs(Columns& c, Schema schema) {
  std::vector<ColumnSpec> out;
  schema([&](const char* name, auto member, bool required, double fallback) {
    out.push_back(spec(name, c.*member, required, fallback));
  });
  return out;
}

std::vector<ColumnSpec> firm_year_specs(FirmYearColumns& c) {
  return specs(c, [](auto&& f) { firm_year_schema(f); });
}
std::vector<ColumnSpec> firm_specs(FirmColumns& c) {
  return specs(c, [](auto&& f) { firm_schema(f); });
}
std::vector<ColumnSpec> flow_specs(FlowColumns& c) {
  return specs(c, [](auto&& f) { flow_schema(f); });
}

// --- panel_meta.yaml -----------------------------------------------------------------

MarketMeta read_market(const YamlReader& r) {
  MarketMeta m;
  m.iso = r.text("iso");
  m.name = r.text("name", m.iso);
  m.region = r.text("region", "");
  m.eu_join_year = static_cast<int>(r.integer_in("eu_join_year", 0, 3000, 0));
  m.longitude = r.number_in("longitude", -180, 180, 0);
  m.latitude = r.number_in("latitude", -90, 90, 0);
  r.finish();
  return m;
}

IndustryMeta read_industry(const YamlReader& r) {
  static const std::set<std::string> sectors = {"agriculture_mining", "manufacturing", "utilities_construction",
                                                "wholesale_retail", "other_services"};
  static const std::set<std::string> technologies = {"HT-MH", "LT-ML", "other"};
  IndustryMeta ind;
  ind.name = r.text("name");
  ind.sector = r.text("sector");
  if (!sectors.count(ind.sector))
    r.fail("sector",
           "unknown sector '" + ind.sector +
               "' (agriculture_mining, manufacturing, utilities_construction, wholesale_retail, other_services)");
  ind.technology = r.text("technology");
  if (!technologies.count(ind.technology))
    r.fail("technology", "unknown technology '" + ind.technology + "' (HT-MH, LT-ML, other)");
  ind.globalized = r.boolean("globalized");
  r.finish();
  return ind;
}

PanelMeta read_meta(const std::string& file) {
  const YamlReader r = YamlReader::load_file(file);
  PanelMeta m;
  m.first_year = static_cast<int>(r.integer_in("first_year", 1900, 2200));
  m.last_year = static_cast<int>(r.integer_in("last_year", m.first_year, 2200));
  m.replicates = static_cast<int>(r.integer_in("replicates", 1, 1000000, 1));
  m.seed = static_cast<std::uint64_t>(r.integer_in("seed", 0, 9007199254740991L, 0));
  // The measurement windows (optional: a researcher's own panel of the seed's years).
  m.dummy_first_year = static_cast<int>(r.integer_in("export_dummy_first_year", 1800, 2200, m.dummy_first_year));
  m.dummy_last_year = static_cast<int>(r.integer_in("export_dummy_last_year", m.dummy_first_year, 2200,
                                                    std::max(m.dummy_last_year, m.dummy_first_year)));
  m.sample_first_year = static_cast<int>(r.integer_in("sample_first_year", 1800, 2200, m.sample_first_year));
  m.sample_last_year = static_cast<int>(
      r.integer_in("sample_last_year", m.sample_first_year, 2200, std::max(m.sample_last_year, m.sample_first_year)));
  for (const auto& item : r.child("markets").items()) m.markets.push_back(read_market(item));
  if (m.markets.size() > 64) r.fail("markets", "at most 64 markets fit the 64-bit market masks");
  for (const auto& item : r.child("industries").items()) m.industries.push_back(read_industry(item));
  if (m.industries.empty()) r.fail("industries", "no industries");
  r.finish();
  return m;
}

// --- Cross-file checks -----------------------------------------------------------------

// Line of data row i (header on line 1; blank lines are not expected in checked files).
int line_of(std::size_t i) { return static_cast<int>(i) + 2; }

template <class T>
void check_range(const std::string& file, const std::string& column, const std::vector<T>& v, long long hi) {
  for (std::size_t i = 0; i < v.size(); ++i)
    if (static_cast<long long>(v[i]) < 0 || static_cast<long long>(v[i]) >= hi)
      throw InputError(
          file, line_of(i), column,
          "value " + std::to_string(static_cast<long long>(v[i])) + " is not in 0.." + std::to_string(hi - 1));
}

using FirmKey = std::pair<std::int32_t, std::int64_t>;  // (replicate, firm)

// Each firm once in firms.csv: two rows for one firm would give it two
// industries or founding years, and which one a table used would be chance.
std::map<FirmKey, std::size_t> firm_rows(const std::string& file, const FirmColumns& f) {
  std::map<FirmKey, std::size_t> row;
  for (std::size_t i = 0; i < f.rows(); ++i) {
    const auto [first, fresh] = row.emplace(FirmKey{f.replicate[i], f.firm[i]}, i);
    if (!fresh)
      throw InputError(file, line_of(i), "firm",
                       "firm " + std::to_string(f.firm[i]) + " (replicate " + std::to_string(f.replicate[i]) +
                           ") also has line " + std::to_string(line_of(first->second)));
  }
  return row;
}

template <class Columns>
void check_firms_known(const std::string& file, const Columns& c, const std::map<FirmKey, std::size_t>& known) {
  for (std::size_t i = 0; i < c.rows(); ++i)
    if (!known.count({c.replicate[i], c.firm[i]}))
      throw InputError(file, line_of(i), "firm",
                       "firm " + std::to_string(c.firm[i]) + " (replicate " + std::to_string(c.replicate[i]) +
                           ") has no row in firms.csv");
}

// One row per firm and year.
void check_firm_years_unique(const std::string& file, const FirmYearColumns& c) {
  std::map<std::tuple<std::int32_t, std::int64_t, std::int16_t>, std::size_t> seen;
  for (std::size_t i = 0; i < c.rows(); ++i) {
    const auto [first, fresh] = seen.emplace(std::make_tuple(c.replicate[i], c.firm[i], c.year[i]), i);
    if (!fresh)
      throw InputError(file, line_of(i), "year",
                       "firm " + std::to_string(c.firm[i]) + " (replicate " + std::to_string(c.replicate[i]) + ") in " +
                           std::to_string(c.year[i]) + " also has line " + std::to_string(line_of(first->second)));
  }
}

// Every replicate the meta file declares has data: an empty one would be
// averaged in as zeros.
void check_replicates_present(const std::string& meta_file, const PanelMeta& m, const FirmYearColumns& c) {
  std::vector<bool> present(static_cast<std::size_t>(m.replicates), false);
  for (std::int32_t r : c.replicate) present[static_cast<std::size_t>(r)] = true;
  for (std::size_t r = 0; r < present.size(); ++r)
    if (!present[r])
      throw InputError(meta_file, 0, "replicates",
                       "declares " + std::to_string(m.replicates) + " replicates but firm_years.csv has no row of " +
                           "replicate " + std::to_string(r));
}

template <class T>
void check_years(const std::string& file, const std::vector<T>& years, const PanelMeta& m) {
  for (std::size_t i = 0; i < years.size(); ++i)
    if (years[i] < m.first_year || years[i] > m.last_year)
      throw InputError(file, line_of(i), "year",
                       "year " + std::to_string(years[i]) + " is outside the panel's " + std::to_string(m.first_year) +
                           "-" + std::to_string(m.last_year) + " (panel_meta.yaml)");
}

void check_panel(const Panel& p, const std::string& dir) {
  const long long industries = static_cast<long long>(p.meta.industries.size());
  check_range(dir + "/firm_years.csv", "industry", p.firm_years.industry, industries);
  check_range(dir + "/firms.csv", "industry", p.firms.industry, industries);
  check_range(dir + "/flows.csv", "market", p.flows.market, static_cast<long long>(p.meta.markets.size()));
  check_range(dir + "/firm_years.csv", "replicate", p.firm_years.replicate, p.meta.replicates);
  check_range(dir + "/firms.csv", "replicate", p.firms.replicate, p.meta.replicates);
  check_range(dir + "/flows.csv", "replicate", p.flows.replicate, p.meta.replicates);
  check_years(dir + "/firm_years.csv", p.firm_years.year, p.meta);
  check_years(dir + "/flows.csv", p.flows.year, p.meta);
  const auto firms = firm_rows(dir + "/firms.csv", p.firms);
  check_firms_known(dir + "/firm_years.csv", p.firm_years, firms);
  check_firms_known(dir + "/flows.csv", p.flows, firms);
  check_firm_years_unique(dir + "/firm_years.csv", p.firm_years);
  check_replicates_present(dir + "/panel_meta.yaml", p.meta, p.firm_years);
}

// --- The manifest written by `firmsim run` (sim/panel_io.hpp) --------------------------

struct ManifestEntry {
  std::size_t rows = 0;
  std::uint64_t bytes = 0;
  std::uint32_t crc32 = 0;
};

// The files a complete manifest lists; empty when the directory has none (a
// researcher's own panel). Throws when the panel is mid-write or was.
std::map<std::string, ManifestEntry> read_manifest(const std::string& dir) {
  std::map<std::string, ManifestEntry> files;
  const std::string file = dir + "/panel_manifest.yaml";
  if (!std::filesystem::exists(file)) return files;
  const YamlReader r = YamlReader::load_file(file);
  (void)r.text("run");
  if (r.text("state") != "complete")
    r.fail("state", "the panel in this directory is incomplete: the run writing it stopped before it finished");
  for (const YamlReader& item : r.child("files").items()) {
    ManifestEntry e;
    const std::string name = item.text("name");
    e.rows = static_cast<std::size_t>(item.integer_in("rows", 0, std::numeric_limits<long>::max()));
    e.bytes = static_cast<std::uint64_t>(item.integer_in("bytes", 0, std::numeric_limits<long>::max()));
    const std::string crc = item.text("crc32");
    char* end = nullptr;
    e.crc32 = static_cast<std::uint32_t>(std::strtoul(crc.c_str(), &end, 16));
    if (crc.empty() || *end != '\0') item.fail("crc32", "expected 8 hex digits");
    item.finish();
    files[name] = e;
  }
  r.finish();
  return files;
}

// A file of a manifested panel must be the one the manifest describes.
void check_against_manifest(const std::map<std::string, ManifestEntry>& manifest, const std::string& dir,
                            const std::string& name) {
  const std::string path = dir + "/" + name;
  if (manifest.empty() || !std::filesystem::exists(path)) return;  // a missing file is the reader's to report
  const auto entry = manifest.find(name);
  if (entry == manifest.end())
    throw InputError(path, 0, "", "is not part of the panel described by panel_manifest.yaml (left by another run?)");
  std::uint32_t crc = 0;
  std::uint64_t bytes = 0;
  if (!file_crc32(path, crc, bytes)) throw InputError(path, 0, "", "cannot read file");
  if (bytes != entry->second.bytes || crc != entry->second.crc32)
    throw InputError(path, 0, "",
                     "does not match panel_manifest.yaml (" + std::to_string(bytes) + " bytes, expected " +
                         std::to_string(entry->second.bytes) + "): changed or cut after the run wrote it");
}

void check_rows(const std::map<std::string, ManifestEntry>& manifest, const std::string& dir, const std::string& name,
                std::size_t rows) {
  const auto entry = manifest.find(name);
  if (entry != manifest.end() && entry->second.rows != rows)
    throw InputError(
        dir + "/" + name, 0, "",
        "has " + std::to_string(rows) + " rows, panel_manifest.yaml says " + std::to_string(entry->second.rows));
}

}  // namespace

Panel read_panel_csv(const std::string& dir) {
  if (!std::filesystem::is_directory(dir)) throw InputError(dir, 0, "", "no such panel directory");
  const auto manifest = read_manifest(dir);
  for (const auto& [name, entry] : manifest)
    if (!std::filesystem::exists(dir + "/" + name))
      throw InputError(dir + "/" + name, 0, "", "listed in panel_manifest.yaml but missing");
  Panel p;
  check_against_manifest(manifest, dir, "panel_meta.yaml");
  p.meta = read_meta(dir + "/panel_meta.yaml");
  auto fy = firm_year_specs(p.firm_years);
  check_against_manifest(manifest, dir, "firm_years.csv");
  check_rows(manifest, dir, "firm_years.csv", read_csv(dir + "/firm_years.csv", fy, true));
  auto fs = firm_specs(p.firms);
  check_against_manifest(manifest, dir, "firms.csv");
  check_rows(manifest, dir, "firms.csv", read_csv(dir + "/firms.csv", fs, true));
  if (std::filesystem::exists(dir + "/flows.csv")) {
    auto fl = flow_specs(p.flows);
    check_against_manifest(manifest, dir, "flows.csv");
    check_rows(manifest, dir, "flows.csv", read_csv(dir + "/flows.csv", fl, false));
  }
  check_panel(p, dir);
  return p;
}

// --- Writing -------------------------------------------------------------------------

namespace {

std::string cell(double v) {
  if (std::isnan(v)) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

std::string hex(std::uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

// A CSV from named column printers, one call per row.
std::string csv(const std::vector<std::pair<std::string, std::function<std::string(std::size_t)>>>& cols,
                std::size_t rows) {
  std::ostringstream s;
  for (std::size_t k = 0; k < cols.size(); ++k) s << (k ? "," : "") << cols[k].first;
  s << '\n';
  for (std::size_t i = 0; i < rows; ++i) {
    for (std::size_t k = 0; k < cols.size(); ++k) s << (k ? "," : "") << cols[k].second(i);
    s << '\n';
  }
  return s.str();
}

using Printer = std::pair<std::string, std::function<std::string(std::size_t)>>;

template <class T>
Printer printer(const char* name, const std::vector<T>& v) {
  return {name, [&v](std::size_t i) { return cell(static_cast<double>(v[i])); }};
}
Printer printer(const char* name, const std::vector<std::uint64_t>& v) {
  return {name, [&v](std::size_t i) { return hex(v[i]); }};
}

template <class Columns, class Schema>
std::string table_csv(const Columns& c, Schema schema) {
  std::vector<Printer> cols;
  schema([&](const char* name, auto member, bool, double) { cols.push_back(printer(name, c.*member)); });
  return csv(cols, c.rows());
}

std::string firm_years_csv(const FirmYearColumns& c) {
  return table_csv(c, [](auto&& f) { firm_year_schema(f); });
}
std::string firms_csv(const FirmColumns& c) {
  return table_csv(c, [](auto&& f) { firm_schema(f); });
}
std::string flows_csv(const FlowColumns& c) {
  return table_csv(c, [](auto&& f) { flow_schema(f); });
}

std::string meta_yaml(const PanelMeta& m) {
  YAML::Emitter e;
  e << YAML::BeginMap << YAML::Key << "first_year" << YAML::Value << m.first_year << YAML::Key << "last_year"
    << YAML::Value << m.last_year << YAML::Key << "replicates" << YAML::Value << m.replicates << YAML::Key << "seed"
    << YAML::Value << m.seed << YAML::Key << "export_dummy_first_year" << YAML::Value << m.dummy_first_year << YAML::Key
    << "export_dummy_last_year" << YAML::Value << m.dummy_last_year << YAML::Key << "sample_first_year" << YAML::Value
    << m.sample_first_year << YAML::Key << "sample_last_year" << YAML::Value << m.sample_last_year << YAML::Key
    << "markets" << YAML::Value << YAML::BeginSeq;
  for (const auto& mk : m.markets)
    e << YAML::Flow << YAML::BeginMap << YAML::Key << "iso" << YAML::Value << mk.iso << YAML::Key << "name"
      << YAML::Value << mk.name << YAML::Key << "region" << YAML::Value << mk.region << YAML::Key << "eu_join_year"
      << YAML::Value << mk.eu_join_year << YAML::Key << "longitude" << YAML::Value << mk.longitude << YAML::Key
      << "latitude" << YAML::Value << mk.latitude << YAML::EndMap;
  e << YAML::EndSeq << YAML::Key << "industries" << YAML::Value << YAML::BeginSeq;
  for (const auto& ind : m.industries)
    e << YAML::Flow << YAML::BeginMap << YAML::Key << "name" << YAML::Value << ind.name << YAML::Key << "sector"
      << YAML::Value << ind.sector << YAML::Key << "technology" << YAML::Value << ind.technology << YAML::Key
      << "globalized" << YAML::Value << ind.globalized << YAML::EndMap;
  e << YAML::EndSeq << YAML::EndMap;
  return std::string(e.c_str()) + "\n";
}

}  // namespace

void write_panel_csv(const Panel& panel, const std::string& dir) {
  write_text_atomic(dir, "panel_meta.yaml", meta_yaml(panel.meta));
  write_text_atomic(dir, "firm_years.csv", firm_years_csv(panel.firm_years));
  write_text_atomic(dir, "firms.csv", firms_csv(panel.firms));
  write_text_atomic(dir, "flows.csv", flows_csv(panel.flows));
}

}  // namespace firmsim::est
