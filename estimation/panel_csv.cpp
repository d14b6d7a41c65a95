#include "estimation/panel_csv.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <bitset>
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
#include <unordered_map>

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

// What a column's values may be (issue 20, item 3): the range of a number, and
// for a float column whether a cell may be missing (empty or NA: an unreported
// R&D budget is a fact of real data; an unknown size or export value is not,
// since every table would drop or mis-class the firm without saying so).
struct Domain {
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  bool missing_ok = true;
  std::string why;  // how the range is described in an error ("0 or 1", ">= 0")
};

Domain at_least_zero(bool missing_ok) { return {0, std::numeric_limits<double>::infinity(), missing_ok, ">= 0"}; }
Domain between(double lo, double hi, const std::string& why) { return {lo, hi, false, why}; }

// The domain of a column of a table ("firm_years", "firms", "flows"); the
// cross-row rules (founding year <= year, counts = mask bits, flows against
// firm-years) are checked once every file is read.
Domain domain_of(const std::string& table, const std::string& column) {
  static const double kYears = 3000;
  if (column == "firm") return between(0, std::numeric_limits<double>::infinity(), ">= 0");
  if (column == "replicate") return between(0, 2147483647, ">= 0");
  if (column == "founding_year") return between(1000, kYears, "a year from 1000 to 3000");
  if (column == "alive" || column == "exported_1993_1997") return between(0, 1, "0 or 1");
  if (column == "latent_strategy") return between(0, 2, "0 (none), 1 (waterfall) or 2 (sprinkler)");
  if (column == "n_export_markets" || column == "n_import_markets") return between(0, 64, "0 to 64");
  if (column == "exit_year" || column == "latent_export_start_year")
    return between(0, kYears, "0 (none) or a year up to 3000");
  if (column == "fte") return at_least_zero(false);
  if (column == "exports" || column == "imports") return at_least_zero(false);
  if (column == "turnover" || column == "fixed_assets" || column == "intangible_assets" || column == "rnd" ||
      column == "exports_true" || column == "imports_true")
    return at_least_zero(true);
  (void)table;
  return Domain{};  // value_added, tfp, orientation: any finite number, or missing
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
ColumnSpec integer(const std::string& name, std::vector<T>& out, bool required, T fallback, const Domain& d) {
  // The type's range, narrowed by the domain's (compared as doubles first: an
  // unbounded domain is +-inf, which no integer can hold).
  const auto type_lo = static_cast<long long>(std::numeric_limits<T>::min());
  const auto type_hi = static_cast<long long>(std::numeric_limits<T>::max());
  const long long lo = d.lo > static_cast<double>(type_lo) ? static_cast<long long>(d.lo) : type_lo;
  const long long hi = d.hi < static_cast<double>(type_hi) ? static_cast<long long>(d.hi) : type_hi;
  return {name, required,
          [&out, lo, hi](const std::string& c, const Where& w) {
            out.push_back(static_cast<T>(parse_integer(c, w, lo, hi)));
          },
          [&out, fallback] { out.push_back(fallback); }};
}

ColumnSpec real(const std::string& name, std::vector<float>& out, bool required, const Domain& d) {
  return {name, required,
          [&out, d](const std::string& c, const Where& w) {
            const float v = parse_real(c, w);
            if (std::isnan(v)) {
              if (!d.missing_ok)
                w.fail("missing value ('" + c + "'): this column must be known for every row (" + d.why + ")");
            } else if (v < d.lo || v > d.hi) {
              w.fail("value " + c + " is impossible here: expected " + d.why);
            }
            out.push_back(v);
          },
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

// Reads a CSV file into the columns; returns the number of data rows and
// puts each row's line number in `lines`.
std::size_t read_csv(const std::string& file, std::vector<ColumnSpec>& specs, bool rows_required,
                     std::vector<int>& lines) {
  if (std::filesystem::is_directory(file)) throw InputError(file, 0, "", "is a directory, expected a CSV file");
  std::ifstream in(file);
  if (!in) throw InputError(file, 0, "", "cannot open file");
  std::string line;
  if (!std::getline(in, line) || trim(line).empty()) throw InputError(file, 1, "", "empty file: no header row");
  if (line.find('\0') != std::string::npos) throw InputError(file, 1, "", "a NUL byte in the header row");
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
    // strtoll and strtod stop at a NUL byte: "12\0junk" would read as 12.
    if (const auto nul = line.find('\0'); nul != std::string::npos) {
      const auto field = static_cast<std::size_t>(std::count(line.begin(), line.begin() + nul, ','));
      throw InputError(file, line_no, field < header.size() ? header[field] : "",
                       "a NUL byte in the cell (field " + std::to_string(field + 1) + "): not a text file?");
    }
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
    lines.push_back(line_no);
    ++rows;
  }
  if (rows == 0 && rows_required) throw InputError(file, 2, "", "no data rows");
  return rows;
}

ColumnSpec spec(const std::string& name, std::vector<float>& out, bool required, double, const Domain& d) {
  return real(name, out, required, d);
}
ColumnSpec spec(const std::string& name, std::vector<std::uint64_t>& out, bool, double, const Domain&) {
  return mask_column(name, out);
}
template <class T>
ColumnSpec spec(const std::string& name, std::vector<T>& out, bool required, double fallback, const Domain& d) {
  return integer(name, out, required, static_cast<T>(fallback), d);
}

// The columns as panel.hpp lays them out (the simulator writes the same lists).
template <class Columns, class Schema>
std::vector<ColumnSpec> specs(const std::string& table, Columns& c, Schema schema) {
  std::vector<ColumnSpec> out;
  schema([&](const char* name, auto member, bool required, double fallback) {
    out.push_back(spec(name, c.*member, required, fallback, domain_of(table, name)));
  });
  return out;
}

std::vector<ColumnSpec> firm_year_specs(FirmYearColumns& c) {
  return specs("firm_years", c, [](auto&& f) { firm_year_schema(f); });
}
std::vector<ColumnSpec> firm_specs(FirmColumns& c) {
  return specs("firms", c, [](auto&& f) { firm_schema(f); });
}
std::vector<ColumnSpec> flow_specs(FlowColumns& c) {
  return specs("flows", c, [](auto&& f) { flow_schema(f); });
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

// A table as read: its file and the line of each data row.
struct Source {
  std::string file;
  std::vector<int> lines;
  int line(std::size_t i) const { return i < lines.size() ? lines[i] : static_cast<int>(i) + 2; }
};

template <class T>
void check_range(const Source& src, const std::string& column, const std::vector<T>& v, long long hi) {
  for (std::size_t i = 0; i < v.size(); ++i)
    if (static_cast<long long>(v[i]) < 0 || static_cast<long long>(v[i]) >= hi)
      throw InputError(
          src.file, src.line(i), column,
          "value " + std::to_string(static_cast<long long>(v[i])) + " is not in 0.." + std::to_string(hi - 1));
}

using FirmKey = std::pair<std::int32_t, std::int64_t>;  // (replicate, firm)

// Each firm once in firms.csv: two rows for one firm would give it two
// industries or founding years, and which one a table used would be chance.
std::map<FirmKey, std::size_t> firm_rows(const Source& src, const FirmColumns& f) {
  std::map<FirmKey, std::size_t> row;
  for (std::size_t i = 0; i < f.rows(); ++i) {
    const auto [first, fresh] = row.emplace(FirmKey{f.replicate[i], f.firm[i]}, i);
    if (!fresh)
      throw InputError(src.file, src.line(i), "firm",
                       "firm " + std::to_string(f.firm[i]) + " (replicate " + std::to_string(f.replicate[i]) +
                           ") also has line " + std::to_string(src.line(first->second)));
  }
  return row;
}

template <class Columns>
void check_firms_known(const Source& src, const Columns& c, const std::map<FirmKey, std::size_t>& known) {
  for (std::size_t i = 0; i < c.rows(); ++i)
    if (!known.count({c.replicate[i], c.firm[i]}))
      throw InputError(src.file, src.line(i), "firm",
                       "firm " + std::to_string(c.firm[i]) + " (replicate " + std::to_string(c.replicate[i]) +
                           ") has no row in firms.csv");
}

// (replicate, firm, year) of a firm-year or flow.
struct YearKey {
  std::int32_t replicate;
  std::int64_t firm;
  std::int16_t year;
  bool operator==(const YearKey& o) const { return replicate == o.replicate && firm == o.firm && year == o.year; }
};
struct YearKeyHash {
  std::size_t operator()(const YearKey& k) const {
    std::uint64_t h = static_cast<std::uint64_t>(k.firm) * 0x9E3779B97F4A7C15ull;
    h ^= (static_cast<std::uint64_t>(static_cast<std::uint32_t>(k.replicate)) << 16) ^
         static_cast<std::uint16_t>(k.year);
    return static_cast<std::size_t>(h ^ (h >> 29));
  }
};
using FirmYearIndex = std::unordered_map<YearKey, std::size_t, YearKeyHash>;

// One row per firm and year; returns where each is.
FirmYearIndex firm_year_rows(const Source& src, const FirmYearColumns& c) {
  FirmYearIndex seen;
  seen.reserve(c.rows());
  for (std::size_t i = 0; i < c.rows(); ++i) {
    const auto [first, fresh] = seen.emplace(YearKey{c.replicate[i], c.firm[i], c.year[i]}, i);
    if (!fresh)
      throw InputError(src.file, src.line(i), "year",
                       "firm " + std::to_string(c.firm[i]) + " (replicate " + std::to_string(c.replicate[i]) + ") in " +
                           std::to_string(c.year[i]) + " also has line " + std::to_string(src.line(first->second)));
  }
  return seen;
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
void check_years(const Source& src, const std::vector<T>& years, const PanelMeta& m) {
  for (std::size_t i = 0; i < years.size(); ++i)
    if (years[i] < m.first_year || years[i] > m.last_year)
      throw InputError(src.file, src.line(i), "year",
                       "year " + std::to_string(years[i]) + " is outside the panel's " + std::to_string(m.first_year) +
                           "-" + std::to_string(m.last_year) + " (panel_meta.yaml)");
}

std::string hex_text(std::uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

// Within a firm-year: founded no later than the row's year; the market
// counts are the masks' bits; a mask names only the meta file's markets.
void check_firm_year_rows(const Source& src, const FirmYearColumns& c, std::size_t markets) {
  const std::uint64_t known = markets >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << markets) - 1;
  for (std::size_t i = 0; i < c.rows(); ++i) {
    if (c.founding_year[i] > c.year[i])
      throw InputError(src.file, src.line(i), "founding_year",
                       "value " + std::to_string(c.founding_year[i]) + " is after the row's year " +
                           std::to_string(c.year[i]) + ": a firm cannot have a row before it was founded");
    const std::pair<const char*, const char*> pairs[] = {{"export_mask", "n_export_markets"},
                                                          {"import_mask", "n_import_markets"}};
    for (const auto& [mask_name, count_name] : pairs) {
      const bool exports = mask_name[0] == 'e';
      const std::uint64_t mask = exports ? c.export_mask[i] : c.import_mask[i];
      const int count = exports ? c.n_export_markets[i] : c.n_import_markets[i];
      if (mask & ~known)
        throw InputError(src.file, src.line(i), mask_name,
                         "value " + hex_text(mask) + " names a market beyond the " + std::to_string(markets) +
                             " of panel_meta.yaml");
      if (static_cast<int>(std::bitset<64>(mask).count()) != count)
        throw InputError(src.file, src.line(i), count_name,
                         "value " + std::to_string(count) + " is not the number of markets in " + mask_name + " (" +
                             hex_text(mask) + ")");
    }
  }
}

// Within a firm: it leaves and starts exporting no earlier than it was founded.
void check_firm_rows(const Source& src, const FirmColumns& f) {
  for (std::size_t i = 0; i < f.rows(); ++i) {
    if (f.exit_year[i] != 0 && f.exit_year[i] < f.founding_year[i])
      throw InputError(src.file, src.line(i), "exit_year",
                       "value " + std::to_string(f.exit_year[i]) + " is before the founding year " +
                           std::to_string(f.founding_year[i]));
    if (f.latent_export_start_year[i] != 0 && f.latent_export_start_year[i] < f.founding_year[i])
      throw InputError(src.file, src.line(i), "latent_export_start_year",
                       "value " + std::to_string(f.latent_export_start_year[i]) + " is before the founding year " +
                           std::to_string(f.founding_year[i]));
  }
}

// Flows against firm-years: each flow belongs to a firm-year of the panel,
// and an observed flow to a market in that firm-year's observed mask. A
// flows.csv with no rows while firm-years have export or import markets is
// a lost file, not data: the per-market tables would count no flows at all.
void check_flows(const Source& src, const Source& fy_src, const FlowColumns& f, const FirmYearColumns& c,
                 const FirmYearIndex& index) {
  if (f.rows() == 0) {
    for (std::size_t i = 0; i < c.rows(); ++i)
      if (c.export_mask[i] != 0 || c.import_mask[i] != 0)
        throw InputError(src.file, 2, "",
                         "has no rows, but firm_years.csv line " + std::to_string(fy_src.line(i)) +
                             " has export or import markets: the flows are missing (remove flows.csv to use the "
                             "firm-years' masks alone)");
    return;
  }
  for (std::size_t i = 0; i < f.rows(); ++i) {
    const auto row = index.find(YearKey{f.replicate[i], f.firm[i], f.year[i]});
    if (row == index.end())
      throw InputError(src.file, src.line(i), "year",
                       "firm " + std::to_string(f.firm[i]) + " (replicate " + std::to_string(f.replicate[i]) +
                           ") has no row in firm_years.csv for " + std::to_string(f.year[i]));
    const std::uint64_t bit = std::uint64_t{1} << f.market[i];
    if (f.exports[i] > 0 && !(c.export_mask[row->second] & bit))
      throw InputError(src.file, src.line(i), "exports",
                       "observed exports to market " + std::to_string(f.market[i]) +
                           " but its firm-year (firm_years.csv line " + std::to_string(fy_src.line(row->second)) +
                           ") has no such market in export_mask");
    if (f.imports[i] > 0 && !(c.import_mask[row->second] & bit))
      throw InputError(src.file, src.line(i), "imports",
                       "observed imports from market " + std::to_string(f.market[i]) +
                           " but its firm-year (firm_years.csv line " + std::to_string(fy_src.line(row->second)) +
                           ") has no such market in import_mask");
  }
}

struct Sources {
  Source firm_years, firms, flows;
};

void check_panel(const Panel& p, const std::string& dir, const Sources& s, bool has_flows) {
  const long long industries = static_cast<long long>(p.meta.industries.size());
  check_range(s.firm_years, "industry", p.firm_years.industry, industries);
  check_range(s.firms, "industry", p.firms.industry, industries);
  check_range(s.flows, "market", p.flows.market, static_cast<long long>(p.meta.markets.size()));
  check_range(s.firm_years, "replicate", p.firm_years.replicate, p.meta.replicates);
  check_range(s.firms, "replicate", p.firms.replicate, p.meta.replicates);
  check_range(s.flows, "replicate", p.flows.replicate, p.meta.replicates);
  check_years(s.firm_years, p.firm_years.year, p.meta);
  check_years(s.flows, p.flows.year, p.meta);
  const auto firms = firm_rows(s.firms, p.firms);
  check_firms_known(s.firm_years, p.firm_years, firms);
  check_firms_known(s.flows, p.flows, firms);
  const FirmYearIndex index = firm_year_rows(s.firm_years, p.firm_years);
  check_replicates_present(dir + "/panel_meta.yaml", p.meta, p.firm_years);
  check_firm_year_rows(s.firm_years, p.firm_years, p.meta.markets.size());
  check_firm_rows(s.firms, p.firms);
  if (has_flows) check_flows(s.flows, s.firm_years, p.flows, p.firm_years, index);
}

// --- The manifest written by `firmsim run` (sim/panel_io.hpp) --------------------------

struct ManifestEntry {
  std::size_t rows = 0;
  std::uint64_t bytes = 0;
  std::uint32_t crc32 = 0;
};

// The files a manifest may name: the tables in either format, the meta file
// and the run's reports (sim/panel_io.cpp writes them as one unit).
bool manifest_name_known(const std::string& name) {
  static const std::set<std::string> names = {
      "panel_meta.yaml", "firm_years.csv", "firms.csv", "flows.csv",  "peers.csv",   "firm_years.dta",
      "firms.dta",       "flows.dta",      "peers.dta", "summary.csv", "starters.csv"};
  return names.count(name) > 0;
}

// The files a complete manifest lists; empty when the directory has none (a
// researcher's own panel). Throws when the panel is mid-write or was, and
// when the manifest could switch the checks off (issue 20, item 4): it must
// list the meta file and the three tables of one format, each file once,
// with a well-formed CRC-32 (8 hex digits).
std::map<std::string, ManifestEntry> read_manifest(const std::string& dir) {
  std::map<std::string, ManifestEntry> files;
  const std::string file = dir + "/panel_manifest.yaml";
  if (!std::filesystem::exists(file)) return files;
  const YamlReader r = YamlReader::load_file(file);
  if (r.text("run").empty()) r.fail("run", "is empty");
  if (r.text("state") != "complete")
    r.fail("state", "the panel in this directory is incomplete: the run writing it stopped before it finished");
  std::map<std::string, int> line_of_name;
  for (const YamlReader& item : r.child("files").items()) {
    ManifestEntry e;
    const std::string name = item.text("name");
    if (!manifest_name_known(name))
      item.fail("name", "'" + name + "' is not a file of a panel (firm_years, firms, flows, peers as .csv or .dta; "
                        "panel_meta.yaml; summary.csv; starters.csv)");
    const auto [first, fresh] = line_of_name.emplace(name, item.line());
    if (!fresh)
      item.fail("name", "'" + name + "' is listed twice (also line " + std::to_string(first->second) +
                            "): which entry would be checked is chance");
    e.rows = static_cast<std::size_t>(item.integer_in("rows", 0, std::numeric_limits<long>::max()));
    e.bytes = static_cast<std::uint64_t>(item.integer_in("bytes", 0, std::numeric_limits<long>::max()));
    const std::string crc = item.text("crc32");
    const bool hex8 = crc.size() == 8 && crc.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
    if (!hex8) item.fail("crc32", "expected 8 hex digits, got '" + crc + "'");
    e.crc32 = static_cast<std::uint32_t>(std::strtoul(crc.c_str(), nullptr, 16));
    item.finish();
    files[name] = e;
  }
  r.finish();
  // The unit a run writes: the meta file and the three tables, in one format.
  const bool csv = files.count("firm_years.csv") || files.count("firms.csv") || files.count("flows.csv");
  const std::string ext = csv || !files.count("firm_years.dta") ? ".csv" : ".dta";
  for (const std::string& needed : {std::string("panel_meta.yaml"), "firm_years" + ext, "firms" + ext, "flows" + ext})
    if (!files.count(needed))
      r.fail("files", "does not list " + needed + ": a manifest lists every file of the panel it vouches for");
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
  // The run's reports are part of the unit when the manifest lists them.
  for (const char* report : {"summary.csv", "starters.csv", "peers.csv"})
    if (manifest.count(report)) check_against_manifest(manifest, dir, report);
  Panel p;
  Sources src{{dir + "/firm_years.csv", {}}, {dir + "/firms.csv", {}}, {dir + "/flows.csv", {}}};
  check_against_manifest(manifest, dir, "panel_meta.yaml");
  p.meta = read_meta(dir + "/panel_meta.yaml");
  auto fy = firm_year_specs(p.firm_years);
  check_against_manifest(manifest, dir, "firm_years.csv");
  check_rows(manifest, dir, "firm_years.csv", read_csv(src.firm_years.file, fy, true, src.firm_years.lines));
  auto fs = firm_specs(p.firms);
  check_against_manifest(manifest, dir, "firms.csv");
  check_rows(manifest, dir, "firms.csv", read_csv(src.firms.file, fs, true, src.firms.lines));
  const bool has_flows = std::filesystem::exists(src.flows.file);
  if (has_flows) {
    auto fl = flow_specs(p.flows);
    check_against_manifest(manifest, dir, "flows.csv");
    check_rows(manifest, dir, "flows.csv", read_csv(src.flows.file, fl, false, src.flows.lines));
  }
  check_panel(p, dir, src, has_flows);
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
