#include "calibrate/moments.hpp"

#include <boost/math/distributions/normal.hpp>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include "sim/yaml_reader.hpp"

namespace firmsim::cal {

namespace {

const est::Table& table_of(const YamlReader& at, const est::Targets& targets, const std::string& id) {
  const est::Table* t = targets.find(id);
  if (!t) at.fail("table", "no table '" + id + "' in " + targets.file);
  return *t;
}

// The target set that holds a table (ids are unique across sets: seed 001's
// are "s001_table_NN").
const est::Targets& set_of(const YamlReader& at, const std::vector<est::Targets>& sets, const std::string& id) {
  for (const est::Targets& s : sets)
    if (s.find(id)) return s;
  std::string files;
  for (const est::Targets& s : sets) files += (files.empty() ? "" : ", ") + s.file;
  at.fail("table", "no table '" + id + "' in " + files);
  return sets.front();  // not reached
}

// A published cell that must be a number.
double published(const YamlReader& at, const std::string& key, const est::Table& t, const std::string& row,
                 const std::string& column) {
  if (t.row_index(row) < 0) at.fail(key, "table " + t.id + " has no row '" + row + "'");
  if (t.column_index(column) < 0) at.fail(key, "table " + t.id + " has no column '" + column + "'");
  const double v = t.at(row, column);
  if (!std::isfinite(v)) at.fail(key, "table " + t.id + " cell (" + row + ", " + column + ") is empty");
  return v;
}

// One cell of a grid of statistics (se, paren) printed beside the values.
double statistic(const YamlReader& at, const est::Grid& grid, const est::Table& t, const std::string& row,
                 const std::string& column, const std::string& what) {
  const int r = t.row_index(row), c = t.column_index(column);
  const double v = grid.empty() ? std::nan("") : grid[r][c];
  if (!std::isfinite(v))
    at.fail("weight", "table " + t.id + " prints no " + what + " for (" + row + ", " + column + ")");
  return v;
}

double binomial_n(const YamlReader& w, const est::Targets& targets, const Moment& m, const est::Table& t,
                  double denominator) {
  if (!w.node().IsMap()) {
    if (!m.has_denominator) w.fail_here("binomial without n needs divide_by (n = the denominator)");
    return denominator;
  }
  const YamlReader spec = w.child("binomial");
  if (spec.node().IsScalar()) return spec.as_number();
  if (spec.has("n")) {
    const double n = spec.number("n");
    spec.finish();
    return n;
  }
  const est::Table& nt = table_of(spec, targets, spec.text("table", t.id));
  const double n = published(spec, "column", nt, spec.text("row", m.cell.row), spec.text("column", m.cell.column));
  spec.finish();
  return n;
}

// The variance of the empirical moment, and a label saying where it came from.
void set_variance(const YamlReader& item, const est::Targets& targets, const est::Table& t, double denominator,
                  Moment& m) {
  const YamlReader w = item.child("weight");
  const std::string kind = w.node().IsScalar() ? w.as_text() : (w.keys().empty() ? "" : w.keys().front());
  const double e = m.empirical;
  std::ostringstream label;
  if (kind == "se") {
    const double se = statistic(item, t.se, t, m.cell.row, m.cell.column, "standard error") * m.scale;
    m.variance = se * se;
    label << "se " << se;
  } else if (kind == "pvalue") {
    double p = statistic(item, t.paren, t, m.cell.row, m.cell.column, "p-value");
    p = std::min(std::max(p, 0.0005), 0.999);
    const double z = boost::math::quantile(boost::math::normal(), 1.0 - p / 2.0);
    const double se = std::fabs(e) / z;
    m.variance = se * se;
    label << "p-value " << p << " -> se " << se;
  } else if (kind == "binomial") {
    const double n = binomial_n(w, targets, m, t, denominator);
    if (!(n >= 1)) item.fail("weight", "binomial n must be at least 1");
    if (e < 0 || e > 1)
      item.fail("weight", "a binomial moment must be a share in [0, 1] (use scale: 0.01 for percent)");
    // A share of 0 or 1 would get infinite weight; half an observation's worth of uncertainty instead.
    const double p = std::min(std::max(e, 0.5 / n), 1.0 - 0.5 / n);
    m.variance = p * (1 - p) / n;
    label << "binomial n=" << n;
  } else if (kind == "mean") {
    const YamlReader spec = w.child("mean");
    const double sd = published(spec, "sd_column", t, m.cell.row, spec.text("sd_column"));
    const double n = published(spec, "n_column", t, m.cell.row, spec.text("n_column"));
    spec.finish();
    if (!(n >= 1)) item.fail("weight", "mean: the count must be at least 1");
    m.variance = sd * sd * m.scale * m.scale / n;
    label << "mean sd=" << sd << " n=" << n;
  } else if (kind == "relative") {
    const double f = w.number_in("relative", 1e-4, 10);
    const double sd = f * std::fabs(e);
    if (!(sd > 0)) item.fail("weight", "relative weight of a zero moment: use another weight source");
    m.variance = sd * sd;
    label << "relative " << f;
  } else {
    item.fail("weight", "unknown weight source '" + kind + "' (se, pvalue, binomial, mean, relative)");
  }
  if (!(m.variance > 0) || !std::isfinite(m.variance)) item.fail("weight", "gives no positive variance for " + m.name);
  m.weight_source = label.str();
}

std::vector<std::string> labels(const YamlReader& item, const std::string& many, const std::string& one) {
  if (item.has(many)) return item.texts(many);
  return {item.text(one)};
}

}  // namespace

std::vector<std::string> moments_targets(const std::string& file) {
  const YamlReader root = YamlReader::load_file(file);
  std::vector<std::string> out;
  if (!root.has("targets")) return out;
  const std::filesystem::path dir = std::filesystem::path(file).parent_path();
  for (const std::string& t : root.texts("targets"))
    out.push_back(std::filesystem::path(t).is_absolute() ? t : (dir / t).lexically_normal().string());
  if (out.empty()) root.fail("targets", "an empty list (leave the key out for the default targets)");
  return out;
}

std::vector<Moment> load_moments(const std::string& file, const est::Targets& targets) {
  return load_moments(file, std::vector<est::Targets>{targets});
}

std::vector<Moment> load_moments(const std::string& file, const std::vector<est::Targets>& sets) {
  const YamlReader root = YamlReader::load_file(file);
  if (root.has("targets")) (void)root.texts("targets");  // read by moments_targets
  std::vector<Moment> out;
  std::set<std::string> names;
  for (const YamlReader& item : root.child("moments").items()) {
    const est::Targets& targets = set_of(item, sets, item.text("table"));
    const est::Table& t = table_of(item, targets, item.text("table"));
    const std::string group = item.text("group", t.id);
    const double scale = item.number("scale", 1.0);
    const std::optional<YamlReader> divide = item.optional_child("divide_by");
    for (const std::string& row : labels(item, "rows", "row")) {
      for (const std::string& column : labels(item, "columns", "column")) {
        Moment m;
        m.cell = {t.id, row, column};
        m.sample_first_year = targets.sample_first_year;
        m.sample_last_year = targets.sample_last_year;
        m.group = group;
        m.scale = scale;
        m.name = t.id + "/" + row + "/" + column;
        double value = published(item, "rows", t, row, column), denominator = 1;
        if (divide) {
          m.has_denominator = true;
          m.denominator = {t.id, divide->text("row", row), divide->text("column", column)};
          denominator = published(*divide, "row", t, m.denominator.row, m.denominator.column);
          if (denominator == 0) divide->fail("row", "divides by a zero cell");
          m.name += " / " + m.denominator.row + "/" + m.denominator.column;
          value /= denominator;
        }
        m.empirical = value * scale;
        if (!names.insert(m.name).second) item.fail("table", "moment " + m.name + " is listed twice");
        set_variance(item, targets, t, denominator, m);
        out.push_back(std::move(m));
      }
    }
    if (divide) {
      (void)divide->text("row", "");
      (void)divide->text("column", "");
      divide->finish();
    }
    (void)item.has("weight");
    item.finish();
  }
  root.finish();
  if (out.empty()) root.fail("moments", "no moments");
  return out;
}

std::vector<double> simulated_moments(const std::vector<Moment>& moments, const std::vector<est::Table>& tables) {
  auto find = [&](const std::string& id) -> const est::Table* {
    for (const est::Table& t : tables)
      if (t.id == id) return &t;
    return nullptr;
  };
  std::vector<double> out;
  out.reserve(moments.size());
  for (const Moment& m : moments) {
    const est::Table* t = find(m.cell.table);
    double v = t ? t->at(m.cell.row, m.cell.column) : std::nan("");
    if (m.has_denominator) {
      const double d = t ? t->at(m.denominator.row, m.denominator.column) : std::nan("");
      v = d != 0 ? v / d : std::nan("");
    }
    out.push_back(v * m.scale);
  }
  return out;
}

std::vector<std::string> tables_needed(const std::vector<Moment>& moments) {
  std::vector<std::string> ids;
  for (const Moment& m : moments)
    if (std::find(ids.begin(), ids.end(), m.cell.table) == ids.end()) ids.push_back(m.cell.table);
  return ids;
}

Weighting parse_weighting(const std::string& name, double model_error) {
  Weighting w;
  if (name == "efficient")
    w.kind = Weighting::Kind::efficient;
  else if (name == "floor")
    w.kind = Weighting::Kind::floor;
  else if (name == "groups")
    w.kind = Weighting::Kind::groups;
  else
    throw InputError("command line", 0, "--weighting", "'" + name + "' is not one of efficient, floor, groups");
  if (!(model_error > 0 && model_error <= 10))
    throw InputError("command line", 0, "--model-error", "must be above 0 and at most 10 (a share of the value)");
  w.model_error = model_error;
  return w;
}

namespace {
std::string describe_kind(const Weighting& w) {
  switch (w.kind) {
    case Weighting::Kind::efficient:
      return "efficient";
    case Weighting::Kind::floor: {
      std::ostringstream s;
      s << "floor " << w.model_error;
      return s.str();
    }
    case Weighting::Kind::groups:
      return "groups";
  }
  return "";
}
}  // namespace

std::string describe(const Weighting& w) {
  const std::string kind = describe_kind(w);
  if (w.noise_replicates == 0) return kind;
  std::string noise = kind + " + noise of " + std::to_string(w.noise_replicates) + " replicates";
  if (!w.noise_point.empty()) noise += " at " + w.noise_point;
  return w.simulated_targets ? noise + ", targets simulated" : noise;
}

namespace {

// Each group's weights rescaled to the same total: the mean group's.
std::vector<double> equal_group_totals(const std::vector<Moment>& moments, std::vector<double> w) {
  std::map<std::string, double> total;
  double all = 0;
  for (std::size_t k = 0; k < moments.size(); ++k) {
    total[moments[k].group] += w[k];
    all += w[k];
  }
  const double share = all / static_cast<double>(total.size());
  for (std::size_t k = 0; k < moments.size(); ++k) w[k] *= share / total[moments[k].group];
  return w;
}

}  // namespace

double difference_variance(const Moment& m, int replicates, const Weighting& w, std::size_t k) {
  const bool measured = k < w.simulation_variance.size() && std::isfinite(w.simulation_variance[k]);
  if (!measured) return m.variance * (1.0 + 1.0 / replicates);
  const double noise = w.simulation_variance[k];
  // A simulated target is one more draw: its error is the noise, like the
  // candidate's, and never less than the sampling variance it states (so a
  // moment that no draw moves keeps a finite weight).
  const double target = w.simulated_targets ? std::max(noise, m.variance) : m.variance;
  return target + noise / replicates;
}

namespace {

// Sample covariance of moments j and k over the replicates that measure both
// (0 where fewer than two do); two passes, as variance_across_replicates, so
// that the off-diagonal is computed the way the diagonal is.
double covariance_across_replicates(const std::vector<std::vector<double>>& by_replicate, std::size_t j,
                                    std::size_t k) {
  double sj = 0, sk = 0;
  int count = 0;
  for (const auto& r : by_replicate)
    if (std::isfinite(r[j]) && std::isfinite(r[k])) {
      sj += r[j];
      sk += r[k];
      ++count;
    }
  if (count < 2) return 0;
  const double mj = sj / count, mk = sk / count;
  double sjk = 0;
  for (const auto& r : by_replicate)
    if (std::isfinite(r[j]) && std::isfinite(r[k])) sjk += (r[j] - mj) * (r[k] - mk);
  return sjk / (count - 1);
}

}  // namespace

std::vector<std::vector<double>> difference_covariance(const std::vector<Moment>& moments, int replicates,
                                                       const Weighting& w) {
  const std::size_t K = moments.size();
  std::vector<std::vector<double>> omega(K, std::vector<double>(K, 0.0));
  const auto measured = [&](std::size_t k) {
    return k < w.simulation_variance.size() && std::isfinite(w.simulation_variance[k]) && !w.simulation_draws.empty();
  };
  const double share = (w.simulated_targets ? 1.0 : 0.0) + 1.0 / replicates;
  for (std::size_t j = 0; j < K; ++j) {
    omega[j][j] = difference_variance(moments[j], replicates, w, j);
    if (!measured(j)) continue;
    for (std::size_t k = 0; k < K; ++k)
      if (k != j && measured(k)) omega[j][k] = share * covariance_across_replicates(w.simulation_draws, j, k);
  }
  return omega;
}

std::vector<double> variance_across_replicates(const std::vector<std::vector<double>>& by_replicate) {
  const std::size_t n = by_replicate.empty() ? 0 : by_replicate.front().size();
  std::vector<double> out(n, std::numeric_limits<double>::quiet_NaN());
  for (std::size_t k = 0; k < n; ++k) {
    double sum = 0, sum2 = 0;
    int count = 0;
    for (const auto& r : by_replicate)
      if (std::isfinite(r[k])) {
        sum += r[k];
        ++count;
      }
    if (count < 2) continue;
    const double mean = sum / count;
    for (const auto& r : by_replicate)
      if (std::isfinite(r[k])) sum2 += (r[k] - mean) * (r[k] - mean);
    out[k] = sum2 / (count - 1);
  }
  return out;
}

std::vector<double> moment_weights(const std::vector<Moment>& moments, int replicates, const Weighting& weighting) {
  std::vector<double> w;
  for (std::size_t k = 0; k < moments.size(); ++k) {
    const Moment& m = moments[k];
    double variance = difference_variance(m, replicates, weighting, k);
    if (weighting.kind == Weighting::Kind::floor) variance += std::pow(weighting.model_error * m.empirical, 2);
    w.push_back(1.0 / variance);
  }
  return weighting.kind == Weighting::Kind::groups ? equal_group_totals(moments, w) : w;
}

double objective(const std::vector<Moment>& moments, const std::vector<double>& weights,
                 const std::vector<double>& simulated) {
  double q = 0;
  for (std::size_t k = 0; k < moments.size(); ++k) {
    const double d = simulated[k] - moments[k].empirical;
    q += std::isfinite(d) ? weights[k] * d * d : kMissingMomentPenalty;
  }
  return q;
}

}  // namespace firmsim::cal
