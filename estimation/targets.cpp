#include "estimation/targets.hpp"

#include <cstdlib>

#include "sim/yaml_reader.hpp"

namespace firmsim::est {

const Table* Targets::find(const std::string& id) const {
  for (const Table& t : tables)
    if (t.id == id) return &t;
  return nullptr;
}

std::string default_targets_file() {
  const char* root = std::getenv("FIRMSIM_SOURCE_DIR");
  const std::string dir = root && *root ? std::string(root) + "/" : std::string();
  return dir + "configs/targets/belgium_sme_1998_2005.yaml";
}

namespace {

double cell(const YamlReader& item) { return item.node().IsNull() ? nan_value() : item.as_number(); }

// A rows x cols matrix of numbers or nulls; the shape must match the labels.
Grid read_grid(const YamlReader& table, const std::string& key, std::size_t rows, std::size_t cols) {
  const YamlReader g = table.child(key);
  const auto row_items = g.items();
  if (row_items.size() != rows)
    g.fail_here("has " + std::to_string(row_items.size()) + " rows, row_labels has " + std::to_string(rows));
  Grid out;
  for (const YamlReader& row : row_items) {
    const auto cells = row.items();
    if (cells.size() != cols)
      row.fail_here("has " + std::to_string(cells.size()) + " cells, column_labels has " + std::to_string(cols));
    std::vector<double> values;
    for (const YamlReader& c : cells) values.push_back(cell(c));
    out.push_back(std::move(values));
  }
  return out;
}

Grid optional_grid(const YamlReader& table, const std::string& key, std::size_t rows, std::size_t cols) {
  return table.has(key) ? read_grid(table, key, rows, cols) : Grid{};
}

// n_obs: 4986 (one number) or n_obs: [29455, ...] (one per column).
void read_statistic(const YamlReader& table, const std::string& key, Table& t) {
  if (!table.has(key)) return;
  const YamlReader s = table.child(key);
  if (s.node().IsScalar()) {
    t.stats.push_back({key, s.as_number()});
    return;
  }
  if (!s.node().IsSequence()) return;  // e.g. f_df's nested lists are not read
  const auto items = s.items();
  if (items.size() != t.cols()) return;
  for (std::size_t j = 0; j < items.size(); ++j)
    if (items[j].node().IsScalar()) t.stats.push_back({key + ": " + t.column_labels[j], items[j].as_number()});
}

Table read_table(const YamlReader& r) {
  Table t;
  t.id = r.text("id");
  t.title = r.text("title");
  t.row_labels = r.texts("row_labels");
  t.column_labels = r.texts("column_labels");
  t.values = read_grid(r, "values", t.rows(), t.cols());
  t.se = optional_grid(r, "se", t.rows(), t.cols());
  t.paren = optional_grid(r, "paren", t.rows(), t.cols());
  t.stat = r.has("t") ? read_grid(r, "t", t.rows(), t.cols()) : optional_grid(r, "z", t.rows(), t.cols());
  for (const char* key : {"n_obs", "r2", "chi_square", "df"}) read_statistic(r, key, t);
  return t;
}

}  // namespace

Targets load_targets(const std::string& file) {
  const YamlReader root = YamlReader::load_file(file);
  Targets targets;
  targets.file = file;
  targets.source = root.text("source", "");
  if (auto w = root.optional_child("window")) {
    targets.sample_first_year = static_cast<int>(w->integer_in("sample_first_year", 1800, 2200));
    targets.sample_last_year = static_cast<int>(w->integer_in("sample_last_year", 1800, 2200));
    targets.dummy_first_year = static_cast<int>(w->integer_in("export_dummy_first_year", 1800, 2200));
    targets.dummy_last_year = static_cast<int>(w->integer_in("export_dummy_last_year", 1800, 2200));
    w->finish();
  }
  for (const YamlReader& item : root.child("tables").items()) {
    Table t = read_table(item);
    if (targets.find(t.id)) item.fail("id", "duplicate table id '" + t.id + "'");
    targets.tables.push_back(std::move(t));
  }
  if (targets.tables.empty()) root.fail("tables", "no tables");
  return targets;
}

}  // namespace firmsim::est
