// Simulated tables written as a targets file (the format load_targets reads),
// so that a panel simulated at known parameters can stand in for the published
// tables: the parameter-recovery experiment calibrates against it.
#include <cmath>
#include <limits>

#include <yaml-cpp/yaml.h>

#include "estimation/targets.hpp"

namespace firmsim::est {

namespace {

bool has_cells(const Grid& g) {
  for (const auto& row : g)
    for (const double v : row)
      if (std::isfinite(v)) return true;
  return false;
}

// One grid as a list of flow-style rows; NaN (an empty cell) as null.
void emit_grid(YAML::Emitter& out, const char* key, const Grid& g) {
  out << YAML::Key << key << YAML::Value << YAML::BeginSeq;
  for (const auto& row : g) {
    out << YAML::Flow << YAML::BeginSeq;
    for (const double v : row) {
      if (std::isfinite(v))
        out << v;
      else
        out << YAML::Null;
    }
    out << YAML::EndSeq;
  }
  out << YAML::EndSeq;
}

void emit_labels(YAML::Emitter& out, const char* key, const std::vector<std::string>& labels) {
  out << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginSeq;
  for (const auto& l : labels) out << YAML::DoubleQuoted << l;
  out << YAML::EndSeq;
}

void emit_table(YAML::Emitter& out, const Table& t) {
  out << YAML::BeginMap;
  out << YAML::Key << "id" << YAML::Value << t.id;
  out << YAML::Key << "title" << YAML::Value << YAML::DoubleQuoted << t.title;
  emit_labels(out, "row_labels", t.row_labels);
  emit_labels(out, "column_labels", t.column_labels);
  emit_grid(out, "values", t.values);
  // Only grids with a number: a reader takes an all-null grid as no standard
  // errors anyway, and the file stays readable.
  if (has_cells(t.se)) emit_grid(out, "se", t.se);
  if (has_cells(t.paren)) emit_grid(out, "paren", t.paren);
  out << YAML::EndMap;
}

}  // namespace

std::string targets_yaml(const std::vector<Table>& tables, const TargetsHeader& header) {
  YAML::Emitter out;
  out.SetDoublePrecision(std::numeric_limits<double>::max_digits10);
  out << YAML::BeginMap;
  out << YAML::Key << "source" << YAML::Value << YAML::DoubleQuoted << header.source;
  out << YAML::Key << "window" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "sample_first_year" << YAML::Value << header.sample_first_year;
  out << YAML::Key << "sample_last_year" << YAML::Value << header.sample_last_year;
  out << YAML::Key << "export_dummy_first_year" << YAML::Value << header.dummy_first_year;
  out << YAML::Key << "export_dummy_last_year" << YAML::Value << header.dummy_last_year;
  out << YAML::EndMap;
  out << YAML::Key << "tables" << YAML::Value << YAML::BeginSeq;
  for (const Table& t : tables)
    if (!t.values.empty()) emit_table(out, t);
  out << YAML::EndSeq << YAML::EndMap;
  return std::string("# Simulated tables written as targets (firmsim): ") + header.source + "\n" + out.c_str() + "\n";
}

}  // namespace firmsim::est
