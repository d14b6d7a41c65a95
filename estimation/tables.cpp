#include "estimation/tables.hpp"

#include <algorithm>

#include "estimation/firm_index.hpp"
#include "sim/input_error.hpp"

namespace firmsim::est {

int Table::row_index(const std::string& label) const {
  for (std::size_t i = 0; i < row_labels.size(); ++i)
    if (row_labels[i] == label) return static_cast<int>(i);
  return -1;
}

int Table::column_index(const std::string& label) const {
  for (std::size_t j = 0; j < column_labels.size(); ++j)
    if (column_labels[j] == label) return static_cast<int>(j);
  return -1;
}

double Table::at(const std::string& row, const std::string& column) const {
  const int i = row_index(row), j = column_index(column);
  if (i < 0 || j < 0) return nan_value();
  return values[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)];
}

double Table::paren_at(const std::string& row, const std::string& column) const {
  const int i = row_index(row), j = column_index(column);
  if (i < 0 || j < 0 || paren.empty()) return nan_value();
  return paren[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)];
}

double Table::stat_value(const std::string& name) const {
  for (const auto& [key, value] : stats)
    if (key == name) return value;
  return nan_value();
}

Grid nan_grid(std::size_t rows, std::size_t cols) { return Grid(rows, std::vector<double>(cols, nan_value())); }

Table make_table(std::string id, std::string title, std::vector<std::string> rows, std::vector<std::string> columns) {
  Table t;
  t.id = std::move(id);
  t.title = std::move(title);
  t.row_labels = std::move(rows);
  t.column_labels = std::move(columns);
  t.values = nan_grid(t.rows(), t.cols());
  return t;
}

const std::vector<std::string>& sector_labels() {
  static const std::vector<std::string> labels = {"Agriculture, fishing, mining", "Manufacturing",
                                                  "Utilities & construction", "Wholesale & retail", "Other services"};
  return labels;
}

int sector_row(const std::string& sector) {
  static const std::vector<std::string> keys = {"agriculture_mining", "manufacturing", "utilities_construction",
                                                "wholesale_retail", "other_services"};
  for (std::size_t i = 0; i < keys.size(); ++i)
    if (keys[i] == sector) return static_cast<int>(i);
  return -1;
}

namespace {

bool panel_has_flows(const Panel& panel) { return panel.flows.rows() > 0; }

void sets_from_masks(TableInputs& in) {
  for (std::size_t i = 0; i < in.firms.size(); ++i) {
    in.start_sets[i] = {in.first(i).export_mask, in.first(i).import_mask};
    in.end_sets[i] = {in.last(i).export_mask, in.last(i).import_mask};
  }
}

// Observed per-market flows of the first and last window years, as bit sets.
void sets_from_flows(const Panel& panel, int replicate, TableInputs& in) {
  std::vector<std::int64_t> ids(in.firms.size());  // ascending: firm_histories sorts by id
  for (std::size_t i = 0; i < in.firms.size(); ++i) ids[i] = in.firms[i].firm;
  const FirmIndex index(ids);
  const FlowColumns& f = panel.flows;
  for (std::size_t r = 0; r < f.rows(); ++r) {
    if (f.replicate[r] != replicate || f.market[r] >= 64) continue;
    const bool first = f.year[r] == in.start(), last = f.year[r] == in.end();
    if (!first && !last) continue;
    const std::int64_t i = index.find(f.firm[r]);
    if (i < 0) continue;
    MarketSets& s = first ? in.start_sets[static_cast<std::size_t>(i)] : in.end_sets[static_cast<std::size_t>(i)];
    const std::uint64_t bit = std::uint64_t{1} << f.market[r];
    if (f.exports[r] > 0) s.exports |= bit;
    if (f.imports[r] > 0) s.imports |= bit;
  }
}

}  // namespace

TableInputs prepare_tables(const Panel& panel, int replicate, const TableOptions& options) {
  TableInputs in;
  in.meta = &panel.meta;
  in.options = options;
  in.firms = firm_histories(panel, replicate, options.frame);
  in.types = classify_all(in.firms, panel.meta.markets, options.frame, options.rules);
  in.start_sets.assign(in.firms.size(), {});
  in.end_sets.assign(in.firms.size(), {});
  in.sets_from_flows = panel_has_flows(panel);
  if (in.sets_from_flows)
    sets_from_flows(panel, replicate, in);
  else
    sets_from_masks(in);
  return in;
}

namespace {

using Builder = Table (*)(const TableInputs&);

struct NamedBuilder {
  const char* id;
  Builder build;
};

const NamedBuilder kBuilders[] = {
    {"sample_frame", sample_frame}, {"table_01", table_01}, {"table_02", table_02}, {"table_03", table_03}, {"table_04", table_04},
    {"table_05", table_05}, {"table_06", table_06}, {"table_07", table_07}, {"table_08", table_08},
    {"table_09", table_09}, {"table_10", table_10}, {"table_11", table_11}, {"table_12", table_12},
    {"table_13", table_13}, {"table_14", table_14}, {"table_15", table_15}, {"table_16", table_16},
    {"table_17", table_17}, {"table_18", table_18}, {"table_19", table_19}, {"table_20", table_20},
    {"table_21", table_21}, {"table_22", table_22}, {"table_23", table_23}, {"table_23_pct", table_23_pct},
    {"table_24", table_24}, {"table_25", table_25}};

const NamedBuilder kSeed001Builders[] = {
    {"s001_table_01", s001_table_01}, {"s001_table_02", s001_table_02}, {"s001_table_03", s001_table_03},
    {"s001_table_04", s001_table_04}, {"s001_table_05", s001_table_05}, {"s001_table_06", s001_table_06},
    {"s001_table_17", s001_table_17}, {"s001_table_18", s001_table_18}, {"s001_table_19", s001_table_19},
    {"s001_table_20", s001_table_20}, {"s001_table_21", s001_table_21}, {"s001_table_22", s001_table_22}};

}  // namespace

// A builder that fails on this replicate's data (an estimator rejecting a degenerate
// sample) yields an empty table carrying the reason, so one odd table does not take
// the whole report down; input errors still propagate.
namespace {
// A builder that fails on this panel (e.g. too few firms for a regression)
// gives an empty table with the reason as a note, not an aborted run.
Table build_one(const NamedBuilder& b, const TableInputs& in) {
  try {
    return b.build(in);
  } catch (const InputError&) {
    throw;
  } catch (const std::exception& e) {
    Table t;
    t.id = b.id;
    t.notes.push_back(std::string("not built: ") + e.what());
    return t;
  }
}
}  // namespace

std::vector<Table> build_tables(const TableInputs& in) {
  std::vector<Table> out;
  for (const NamedBuilder& b : kBuilders) out.push_back(build_one(b, in));
  return out;
}

std::vector<Table> build_tables(const TableInputs& in, const std::vector<std::string>& ids) {
  std::vector<Table> out;
  for (const NamedBuilder& b : kBuilders)
    if (std::find(ids.begin(), ids.end(), b.id) != ids.end()) out.push_back(build_one(b, in));
  for (const NamedBuilder& b : kSeed001Builders)
    if (std::find(ids.begin(), ids.end(), b.id) != ids.end()) out.push_back(build_one(b, in));
  return out;
}

std::vector<Table> build_tables(const Panel& panel, int replicate, const TableOptions& options) {
  return build_tables(prepare_tables(panel, replicate, options));
}

namespace {



template <std::size_t N>
bool named_in(const NamedBuilder (&builders)[N], const std::vector<std::string>& ids) {
  for (const NamedBuilder& b : builders)
    if (std::find(ids.begin(), ids.end(), b.id) != ids.end()) return true;
  return false;
}

}  // namespace

bool is_seed001_table(const std::string& id) {
  for (const NamedBuilder& b : kSeed001Builders)
    if (id == b.id) return true;
  return false;
}

std::vector<Table> build_seed001_tables(const TableInputs& in) {
  std::vector<Table> out;
  for (const NamedBuilder& b : kSeed001Builders) out.push_back(build_one(b, in));
  return out;
}

std::vector<Table> build_target_tables(const Panel& panel, int replicate, const TableOptions& options,
                                       const std::vector<std::string>& ids) {
  std::vector<Table> out;
  if (named_in(kBuilders, ids)) out = build_tables(panel, replicate, options);
  if (named_in(kSeed001Builders, ids)) {
    const TableOptions seed001 = seed001_options(options.frame.start_year, options.frame.end_year);
    for (Table& t : build_seed001_tables(prepare_tables(panel, replicate, seed001))) out.push_back(std::move(t));
  }
  return out;
}

}  // namespace firmsim::est
