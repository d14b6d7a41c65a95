#include "sim/shards.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <numeric>
#include <sstream>
#include <stdexcept>
#include <tuple>

#include "sim/input_error.hpp"
#include "sim/yaml_reader.hpp"

namespace firmsim {

std::string shard_manifest_yaml(const ShardManifest& m) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "state" << YAML::Value << (m.complete ? "complete" : "running");
  out << YAML::Key << "mode" << YAML::Value << m.mode;
  out << YAML::Key << "processes" << YAML::Value << m.processes;
  out << YAML::Key << "replicates" << YAML::Value << m.replicates;
  out << YAML::Key << "firms" << YAML::Value << m.firms;
  out << YAML::Key << "run_key" << YAML::Value << YAML::Literal << m.run_key;
  out << YAML::Key << "shards" << YAML::Value << YAML::BeginSeq;
  for (const ShardSpec& s : m.shards)
    out << YAML::Flow << YAML::BeginMap << YAML::Key << "name" << YAML::Value << s.name << YAML::Key
        << "first_replicate" << YAML::Value << s.first_replicate << YAML::Key << "replicates" << YAML::Value
        << s.replicates << YAML::Key << "first_firm" << YAML::Value << s.first_firm << YAML::Key << "firms"
        << YAML::Value << s.firms << YAML::EndMap;
  out << YAML::EndSeq << YAML::EndMap;
  return std::string("# A panel in shards (firmsim under MPI): read it with `firmsim compare DIR`.\n") + out.c_str() +
         "\n";
}

namespace {

template <class T>
T field(const YAML::Node& node, const std::string& path, const std::string& key) {
  const YAML::Node v = node[key];
  if (!v) throw InputError(path, node.Mark().line + 1, key, "missing");
  try {
    return v.as<T>();
  } catch (const YAML::Exception&) {
    throw InputError(path, v.Mark().line + 1, key, "unreadable value '" + v.Scalar() + "'");
  }
}

}  // namespace

ShardManifest read_shard_manifest(const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    throw InputError(path, e.mark.line + 1, "", "not a shard manifest: " + e.msg);
  }
  if (!root.IsMap()) throw InputError(path, 1, "", "not a shard manifest");
  ShardManifest m;
  m.complete = field<std::string>(root, path, "state") == "complete";
  m.mode = field<std::string>(root, path, "mode");
  m.processes = field<int>(root, path, "processes");
  m.replicates = field<std::int32_t>(root, path, "replicates");
  m.firms = field<std::int64_t>(root, path, "firms");
  m.run_key = field<std::string>(root, path, "run_key");
  const YAML::Node shards = root["shards"];
  if (!shards || !shards.IsSequence()) throw InputError(path, root.Mark().line + 1, "shards", "missing list");
  for (const YAML::Node& s : shards) {
    ShardSpec spec;
    spec.name = field<std::string>(s, path, "name");
    if (spec.name.empty() || spec.name.find('/') != std::string::npos || spec.name[0] == '.')
      throw InputError(path, s.Mark().line + 1, "name", "a shard name is one plain directory name");
    spec.first_replicate = field<std::int32_t>(s, path, "first_replicate");
    spec.replicates = field<std::int32_t>(s, path, "replicates");
    spec.first_firm = field<std::int64_t>(s, path, "first_firm");
    spec.firms = field<std::int64_t>(s, path, "firms");
    m.shards.push_back(spec);
  }
  return m;
}

std::string shard_manifest_path(const std::string& dir) {
  return (std::filesystem::path(dir) / kShardManifestName).string();
}

std::string shard_directory(const std::string& dir, const ShardSpec& s) {
  return (std::filesystem::path(dir) / "shards" / s.name).string();
}

namespace {

template <class T>
void append_column(std::vector<T>& to, const std::vector<T>& from) {
  to.insert(to.end(), from.begin(), from.end());
}

// Reorders every column of `c` by the permutation that sorts `key` stably.
template <class Columns, class Schema, class Key>
void sort_rows(Columns& c, std::size_t rows, Schema schema, Key key) {
  std::vector<std::size_t> order(rows);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return key(a) < key(b); });
  schema([&](const char*, auto member, bool, double) {
    auto& column = c.*member;
    if (column.size() != rows) return;
    std::remove_reference_t<decltype(column)> sorted(rows);
    for (std::size_t k = 0; k < rows; ++k) sorted[k] = column[order[k]];
    column = std::move(sorted);
  });
}

}  // namespace

void shift_numbers(Panel& panel, std::int32_t replicates, std::int64_t firms) {
  const auto shift = [&](auto& columns) {
    for (std::int32_t& r : columns.replicate) r += replicates;
    for (std::int64_t& f : columns.firm) f += firms;
  };
  shift(panel.firm_years);
  shift(panel.firms);
  shift(panel.flows);
  shift(panel.peers);
}

Panel merge_panels(std::vector<Panel> parts, const std::vector<ShardSpec>& specs) {
  Panel p;
  if (parts.empty()) return p;
  if (parts.size() != specs.size()) throw std::invalid_argument("merge_panels: one spec per part");
  for (std::size_t k = 0; k < parts.size(); ++k) shift_numbers(parts[k], specs[k].first_replicate, specs[k].first_firm);
  p.meta = parts.front().meta;
  p.meta.replicates = 0;
  for (const Panel& part : parts) {
    firm_year_schema([&](const char*, auto m, bool, double) { append_column(p.firm_years.*m, part.firm_years.*m); });
    firm_schema([&](const char*, auto m, bool, double) { append_column(p.firms.*m, part.firms.*m); });
    flow_schema([&](const char*, auto m, bool, double) { append_column(p.flows.*m, part.flows.*m); });
    peer_schema([&](const char*, auto m, bool, double) { append_column(p.peers.*m, part.peers.*m); });
    for (std::int32_t r : part.firms.replicate) p.meta.replicates = std::max(p.meta.replicates, r + 1);
  }
  parts.clear();
  const FirmYearColumns& y = p.firm_years;
  sort_rows(p.firm_years, y.rows(), [](auto&& f) { firm_year_schema(f); },
            [&](std::size_t k) { return std::make_tuple(y.replicate[k], y.year[k], y.firm[k]); });
  const FirmColumns& f = p.firms;
  sort_rows(p.firms, f.rows(), [](auto&& g) { firm_schema(g); },
            [&](std::size_t k) { return std::make_tuple(f.replicate[k], f.firm[k]); });
  const FlowColumns& x = p.flows;
  sort_rows(p.flows, x.rows(), [](auto&& g) { flow_schema(g); },
            [&](std::size_t k) { return std::make_tuple(x.replicate[k], x.year[k], x.firm[k], x.market[k]); });
  const PeerColumns& q = p.peers;
  sort_rows(p.peers, q.rows(), [](auto&& g) { peer_schema(g); },
            [&](std::size_t k) { return std::make_tuple(q.replicate[k], q.firm[k], q.slot[k]); });
  return p;
}

}  // namespace firmsim
