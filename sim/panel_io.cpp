#include "sim/panel_io.hpp"

#include <readstat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <vector>

#include <yaml-cpp/yaml.h>

#include <ctime>

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

// What was written of one panel file: for the manifest.
struct Written {
  std::string name;  // file name inside the panel directory
  std::string temporary, final_path;
  std::size_t rows = 0;
  std::uint64_t bytes = 0;
  std::uint32_t crc32 = 0;
};

void write_csv(const Table& t, OutputFile& f) {
  std::string line;
  for (std::size_t k = 0; k < t.columns.size(); ++k) line += (k ? "," : "") + t.columns[k].name;
  f.stream() << line << '\n';
  for (std::size_t r = 0; r < t.rows && f.good(); ++r) {
    line.clear();
    for (std::size_t k = 0; k < t.columns.size(); ++k) {
      if (k) line += ',';
      append_cell(line, t.columns[k], r);
    }
    line += '\n';
    f.stream().write(line.data(), static_cast<std::streamsize>(line.size()));
  }
}

ssize_t write_bytes(const void* data, size_t len, void* ctx) {
  auto* f = static_cast<OutputFile*>(ctx);
  f->stream().write(static_cast<const char*>(data), static_cast<std::streamsize>(len));
  return f->good() ? static_cast<ssize_t>(len) : -1;
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

void write_dta(const Table& t, OutputFile& f, const std::string& path) {
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
}

// With yaml-cpp's emitter, so that any market code or industry name (one
// needing quotes, e.g. "NO" or "a: b") reads back as written.
std::string meta_yaml(const PanelMeta& m) {
  YAML::Emitter y;
  y.SetDoublePrecision(17);
  y << YAML::Comment("Written by firmsim: what the panel's market and industry indices mean.");
  y << YAML::BeginMap << YAML::Key << "first_year" << YAML::Value << m.first_year << YAML::Key << "last_year"
    << YAML::Value << m.last_year << YAML::Key << "replicates" << YAML::Value << m.replicates << YAML::Key << "seed"
    << YAML::Value << m.seed << YAML::Key << "export_dummy_first_year" << YAML::Value << m.dummy_first_year << YAML::Key
    << "export_dummy_last_year" << YAML::Value << m.dummy_last_year << YAML::Key << "sample_first_year" << YAML::Value
    << m.sample_first_year << YAML::Key << "sample_last_year" << YAML::Value << m.sample_last_year << YAML::Key
    << "markets" << YAML::Value << YAML::BeginSeq;
  for (const MarketMeta& k : m.markets)
    y << YAML::Flow << YAML::BeginMap << YAML::Key << "iso" << YAML::Value << k.iso << YAML::Key << "name"
      << YAML::Value << k.name << YAML::Key << "region" << YAML::Value << k.region << YAML::Key << "eu_join_year"
      << YAML::Value << k.eu_join_year << YAML::Key << "longitude" << YAML::Value << k.longitude << YAML::Key
      << "latitude" << YAML::Value << k.latitude << YAML::EndMap;
  y << YAML::EndSeq << YAML::Key << "industries" << YAML::Value << YAML::BeginSeq;
  for (const IndustryMeta& j : m.industries)
    y << YAML::Flow << YAML::BeginMap << YAML::Key << "name" << YAML::Value << j.name << YAML::Key << "sector"
      << YAML::Value << j.sector << YAML::Key << "technology" << YAML::Value << j.technology << YAML::Key
      << "globalized" << YAML::Value << j.globalized << YAML::EndMap;
  y << YAML::EndSeq << YAML::EndMap;
  if (!y.good()) throw std::logic_error("panel_meta.yaml: " + y.GetLastError());
  return std::string(y.c_str()) + "\n";
}

// The manifest: written last, it makes the panel's files one unit (see
// panel_io.hpp). `complete` is false while the files are being renamed.
std::string manifest_yaml(const std::vector<Written>& files, bool complete) {
  static const std::string run_id = std::to_string(::getpid()) + "-" + std::to_string(std::time(nullptr));
  YAML::Emitter y;
  y << YAML::Comment("Written by firmsim after every panel file is in place; readers check each file against it.");
  y << YAML::BeginMap << YAML::Key << "run" << YAML::Value << run_id << YAML::Key << "state" << YAML::Value
    << (complete ? "complete" : "writing") << YAML::Key << "files" << YAML::Value << YAML::BeginSeq;
  for (const Written& w : files) {
    char crc[16];
    std::snprintf(crc, sizeof crc, "%08x", w.crc32);
    y << YAML::Flow << YAML::BeginMap << YAML::Key << "name" << YAML::Value << w.name << YAML::Key << "rows"
      << YAML::Value << w.rows << YAML::Key << "bytes" << YAML::Value << w.bytes << YAML::Key << "crc32" << YAML::Value
      << YAML::DoubleQuoted << crc << YAML::EndMap;
  }
  y << YAML::EndSeq << YAML::EndMap;
  return std::string(y.c_str()) + "\n";
}

// Writes one file under its temporary name, checking every write.
template <class Body>
Written write_temporary(const std::string& dir, const std::string& name, std::size_t rows, Body body) {
  Written w;
  w.name = name;
  w.final_path = (fs::path(dir) / name).string();
  w.temporary = temporary_path(w.final_path);
  w.rows = rows;
  try {
    OutputFile f(w.temporary);
    body(f, w.temporary);
    f.close();
    w.bytes = f.bytes();
    w.crc32 = f.crc32();
  } catch (...) {
    std::error_code ec;
    fs::remove(w.temporary, ec);
    throw;
  }
  return w;
}

}  // namespace

PanelFormat parse_panel_format(const std::string& name) {
  if (name == "csv") return PanelFormat::csv;
  if (name == "dta") return PanelFormat::dta;
  throw InputError("command line", 0, "--format", "expected csv or dta, got '" + name + "'");
}

void check_output_directory(const std::string& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) throw InputError(dir, 0, "--out", "exists and is not a directory");
    if (::access(dir.c_str(), W_OK | X_OK) != 0) throw InputError(dir, 0, "--out", "output directory is not writable");
    return;
  }
  // It will be created: its nearest existing ancestor must let us.
  fs::path parent = fs::absolute(dir, ec).parent_path();
  while (!parent.empty() && !fs::exists(parent, ec) && parent != parent.root_path()) parent = parent.parent_path();
  if (!fs::is_directory(parent, ec) || ::access(parent.c_str(), W_OK | X_OK) != 0)
    throw InputError(dir, 0, "--out", "cannot create output directory under " + parent.string());
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

void write_panel(const Panel& panel, const std::string& dir, PanelFormat format,
                 const std::vector<PanelExtra>& extras, const std::vector<std::string>& stale) {
  remove_stale_temporaries(dir);
  const std::string ext = format == PanelFormat::csv ? ".csv" : ".dta";
  std::vector<Table> tables = {firm_year_table(panel.firm_years), firm_table(panel.firms), flow_table(panel.flows)};
  if (panel.peers.rows() > 0) tables.push_back(peer_table(panel.peers));  // only when firms interact
  std::vector<Written> files;
  const auto discard = [&files] {
    std::error_code ec;
    for (const Written& w : files) fs::remove(w.temporary, ec);
  };
  try {
    for (const Table& t : tables)
      files.push_back(write_temporary(dir, t.name + ext, t.rows, [&](OutputFile& f, const std::string& path) {
        if (format == PanelFormat::csv)
          write_csv(t, f);
        else
          write_dta(t, f, path);
      }));
    const std::string meta = meta_yaml(panel.meta);
    files.push_back(write_temporary(dir, "panel_meta.yaml", 0, [&](OutputFile& f, const std::string&) {
      f.stream().write(meta.data(), static_cast<std::streamsize>(meta.size()));
    }));
    for (const PanelExtra& x : extras) {
      const std::size_t lines = static_cast<std::size_t>(std::count(x.text.begin(), x.text.end(), '\n'));
      files.push_back(write_temporary(dir, x.name, lines > 0 ? lines - 1 : 0, [&](OutputFile& f, const std::string&) {
        f.stream().write(x.text.data(), static_cast<std::streamsize>(x.text.size()));
      }));
    }
  } catch (...) {
    discard();
    throw;
  }
  // Every file is complete under its temporary name. From here until the
  // manifest says `complete`, readers refuse the directory: a crash between
  // two renames leaves a mix of old and new files, never accepted.
  const std::string manifest = (fs::path(dir) / kManifestName).string();
  try {
    write_file_atomically(manifest, manifest_yaml(files, false));
  } catch (...) {
    discard();
    throw;
  }
  try {
    for (const std::string& name : stale) {
      std::error_code ec;
      fs::remove(fs::path(dir) / name, ec);  // absent is fine
    }
    for (const Written& w : files) rename_into_place(w.temporary, w.final_path);
  } catch (...) {
    discard();  // the ones not yet renamed; the manifest still says `writing`
    throw;
  }
  write_file_atomically(manifest, manifest_yaml(files, true));
}

}  // namespace firmsim
