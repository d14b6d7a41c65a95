#include "sim/panel_io.hpp"

#include <readstat.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <vector>

#include "sim/atomic_file.hpp"
#include "sim/input_error.hpp"

namespace firmsim {

namespace fs = std::filesystem;

namespace {

// One column of a table, typed, pointing at the panel's own vector.
struct Column {
  enum class Kind { u8, i16, i32, i64, f32, mask } kind;
  std::string name;
  const void* data;
};

struct Table {
  std::string name;
  std::size_t rows;
  std::vector<Column> columns;
};

Column col(const std::string& name, const std::vector<std::uint8_t>& v) { return {Column::Kind::u8, name, v.data()}; }
Column col(const std::string& name, const std::vector<std::int16_t>& v) { return {Column::Kind::i16, name, v.data()}; }
Column col(const std::string& name, const std::vector<std::int32_t>& v) { return {Column::Kind::i32, name, v.data()}; }
Column col(const std::string& name, const std::vector<std::int64_t>& v) { return {Column::Kind::i64, name, v.data()}; }
Column col(const std::string& name, const std::vector<float>& v) { return {Column::Kind::f32, name, v.data()}; }
Column col(const std::string& name, const std::vector<std::uint64_t>& v) {
  return {Column::Kind::mask, name, v.data()};
}

// The tables in the layout of panel.hpp's schemas (the CSV reader in
// estimation/ walks the same lists).
template <class Columns, class Schema>
Table make_table(const std::string& name, const Columns& c, Schema schema) {
  Table t{name, c.rows(), {}};
  schema([&](const char* column, auto member, bool, double) { t.columns.push_back(col(column, c.*member)); });
  return t;
}

Table firm_year_table(const FirmYearColumns& c) {
  return make_table("firm_years", c, [](auto&& f) { firm_year_schema(f); });
}
Table firm_table(const FirmColumns& c) {
  return make_table("firms", c, [](auto&& f) { firm_schema(f); });
}
Table flow_table(const FlowColumns& c) {
  return make_table("flows", c, [](auto&& f) { flow_schema(f); });
}
Table peer_table(const PeerColumns& c) {
  return make_table("peers", c, [](auto&& f) { peer_schema(f); });
}

std::string mask_text(std::uint64_t mask) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(mask));
  return buf;
}

void append_cell(std::string& out, const Column& c, std::size_t row) {
  char buf[32];
  char* end = buf;
  switch (c.kind) {
    case Column::Kind::u8:
      end = std::to_chars(buf, buf + 32, static_cast<const std::uint8_t*>(c.data)[row]).ptr;
      break;
    case Column::Kind::i16:
      end = std::to_chars(buf, buf + 32, static_cast<const std::int16_t*>(c.data)[row]).ptr;
      break;
    case Column::Kind::i32:
      end = std::to_chars(buf, buf + 32, static_cast<const std::int32_t*>(c.data)[row]).ptr;
      break;
    case Column::Kind::i64:
      end = std::to_chars(buf, buf + 32, static_cast<const std::int64_t*>(c.data)[row]).ptr;
      break;
    case Column::Kind::f32:
      end = std::to_chars(buf, buf + 32, static_cast<const float*>(c.data)[row]).ptr;
      break;
    case Column::Kind::mask:
      out += mask_text(static_cast<const std::uint64_t*>(c.data)[row]);
      return;
  }
  out.append(buf, end);
}

void write_csv(const Table& t, const std::string& path) {
  std::ofstream f(path, std::ios::binary);
  if (!f) throw InputError(path, 0, "", "cannot write file");
  std::string line;
  for (std::size_t k = 0; k < t.columns.size(); ++k) line += (k ? "," : "") + t.columns[k].name;
  f << line << '\n';
  for (std::size_t r = 0; r < t.rows; ++r) {
    line.clear();
    for (std::size_t k = 0; k < t.columns.size(); ++k) {
      if (k) line += ',';
      append_cell(line, t.columns[k], r);
    }
    line += '\n';
    f.write(line.data(), static_cast<std::streamsize>(line.size()));
  }
  f.close();
  if (!f) throw InputError(path, 0, "", "write failed (disk full?)");
}

ssize_t write_bytes(const void* data, size_t len, void* ctx) {
  auto* f = static_cast<std::ofstream*>(ctx);
  f->write(static_cast<const char*>(data), static_cast<std::streamsize>(len));
  return *f ? static_cast<ssize_t>(len) : -1;
}

void check(readstat_error_t e, const std::string& path) {
  if (e != READSTAT_OK) throw InputError(path, 0, "", std::string("Stata writer: ") + readstat_error_message(e));
}

// Stata has no unsigned or 64-bit integer types: bytes go to int16, firm ids
// to double (exact below 2^53), masks to hex strings.
readstat_type_t stata_type(Column::Kind k) {
  switch (k) {
    case Column::Kind::u8:
    case Column::Kind::i16:
      return READSTAT_TYPE_INT16;
    case Column::Kind::i32:
      return READSTAT_TYPE_INT32;
    case Column::Kind::i64:
      return READSTAT_TYPE_DOUBLE;
    case Column::Kind::f32:
      return READSTAT_TYPE_FLOAT;
    case Column::Kind::mask:
      return READSTAT_TYPE_STRING;
  }
  return READSTAT_TYPE_DOUBLE;
}

readstat_error_t insert_cell(readstat_writer_t* w, readstat_variable_t* v, const Column& c, std::size_t row) {
  switch (c.kind) {
    case Column::Kind::u8:
      return readstat_insert_int16_value(w, v, static_cast<const std::uint8_t*>(c.data)[row]);
    case Column::Kind::i16:
      return readstat_insert_int16_value(w, v, static_cast<const std::int16_t*>(c.data)[row]);
    case Column::Kind::i32:
      return readstat_insert_int32_value(w, v, static_cast<const std::int32_t*>(c.data)[row]);
    case Column::Kind::i64:
      return readstat_insert_double_value(w, v, static_cast<double>(static_cast<const std::int64_t*>(c.data)[row]));
    case Column::Kind::f32:
      return readstat_insert_float_value(w, v, static_cast<const float*>(c.data)[row]);
    case Column::Kind::mask:
      return readstat_insert_string_value(w, v, mask_text(static_cast<const std::uint64_t*>(c.data)[row]).c_str());
  }
  return READSTAT_ERROR_WRITE;
}

void write_dta(const Table& t, const std::string& path) {
  std::ofstream f(path, std::ios::binary);
  if (!f) throw InputError(path, 0, "", "cannot write file");
  std::unique_ptr<readstat_writer_t, void (*)(readstat_writer_t*)> w(readstat_writer_init(), readstat_writer_free);
  check(readstat_set_data_writer(w.get(), write_bytes), path);
  std::vector<readstat_variable_t*> vars;
  for (const Column& c : t.columns)
    vars.push_back(
        readstat_add_variable(w.get(), c.name.c_str(), stata_type(c.kind), c.kind == Column::Kind::mask ? 18 : 0));
  check(readstat_begin_writing_dta(w.get(), &f, static_cast<long>(t.rows)), path);
  for (std::size_t r = 0; r < t.rows; ++r) {
    check(readstat_begin_row(w.get()), path);
    for (std::size_t k = 0; k < t.columns.size(); ++k) check(insert_cell(w.get(), vars[k], t.columns[k], r), path);
    check(readstat_end_row(w.get()), path);
  }
  check(readstat_end_writing(w.get()), path);
  f.close();
  if (!f) throw InputError(path, 0, "", "write failed (disk full?)");
}

std::string yaml_quote(const std::string& s) {
  std::string out = "\"";
  for (char ch : s) out += (ch == '"' || ch == '\\') ? std::string("\\") + ch : std::string(1, ch);
  return out + "\"";
}

std::string meta_yaml(const PanelMeta& m) {
  std::ostringstream y;
  y << "# Written by firmsim: what the panel's market and industry indices mean.\n";
  y << "first_year: " << m.first_year << "\nlast_year: " << m.last_year << "\nreplicates: " << m.replicates
    << "\nseed: " << m.seed << "\nmarkets:\n";
  for (const MarketMeta& k : m.markets)
    y << "  - {iso: " << k.iso << ", name: " << yaml_quote(k.name) << ", region: " << k.region
      << ", eu_join_year: " << k.eu_join_year << ", longitude: " << k.longitude << ", latitude: " << k.latitude
      << "}\n";
  y << "industries:\n";
  for (const IndustryMeta& j : m.industries)
    y << "  - {name: " << j.name << ", sector: " << j.sector << ", technology: " << j.technology
      << ", globalized: " << (j.globalized ? "true" : "false") << "}\n";
  return y.str();
}

}  // namespace

PanelFormat parse_panel_format(const std::string& name) {
  if (name == "csv") return PanelFormat::csv;
  if (name == "dta") return PanelFormat::dta;
  throw InputError("command line", 0, "--format", "expected csv or dta, got '" + name + "'");
}

void ensure_writable_directory(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir))
    throw InputError(dir, 0, "--out", "cannot create output directory: " + (ec ? ec.message() : "not a directory"));
  const std::string probe = (fs::path(dir) / temporary_path(".firmsim-write-test")).string();
  {
    std::ofstream f(probe);
    if (!f) throw InputError(dir, 0, "--out", "output directory is not writable");
  }
  fs::remove(probe, ec);
}

void write_panel(const Panel& panel, const std::string& dir, PanelFormat format) {
  const std::string ext = format == PanelFormat::csv ? ".csv" : ".dta";
  std::vector<Table> tables = {firm_year_table(panel.firm_years), firm_table(panel.firms), flow_table(panel.flows)};
  if (panel.peers.rows() > 0) tables.push_back(peer_table(panel.peers));  // only when firms interact
  std::vector<std::pair<std::string, std::string>> written;               // temporary, final
  try {
    for (const Table& t : tables) {
      const std::string final_path = (fs::path(dir) / (t.name + ext)).string();
      const std::string tmp = temporary_path(final_path);
      written.emplace_back(tmp, final_path);
      if (format == PanelFormat::csv)
        write_csv(t, tmp);
      else
        write_dta(t, tmp);
    }
    const std::string meta = (fs::path(dir) / "panel_meta.yaml").string();
    written.emplace_back(temporary_path(meta), meta);
    std::ofstream(written.back().first) << meta_yaml(panel.meta);
  } catch (...) {
    for (const auto& [tmp, final_path] : written) fs::remove(tmp);
    throw;
  }
  for (const auto& [tmp, final_path] : written) fs::rename(tmp, final_path);
}

}  // namespace firmsim
