// Tables 9-15: the regression tables. The industry stands in for the paper's nacebel
// dummies: absorbed as fixed effects in OLS (areg's convention, so the reported
// intercept is areg's grand-mean constant, not the base industry's mean), and as
// explicit dummies in the probit and Heckman equations, which cannot absorb.
//
// Observations with any undefined variable are dropped (listwise, as Stata does with
// ln of zero). A type dummy that is constant in the estimation sample (e.g. no born
// global among the R&D reporters of a small run) is left out and its cells are NaN.
// When the estimator rejects the design (rank deficiency, perfect prediction), the
// column is NaN and the reason is in the table's notes: never a fabricated number.
#include <cstddef>
#include <exception>
#include <functional>
#include <initializer_list>
#include <map>
#include <stdexcept>

#include "estimation/fixed_effects.hpp"
#include "estimation/heckman.hpp"
#include "estimation/ols.hpp"
#include "estimation/probit.hpp"
#include "estimation/tables_common.hpp"

namespace firmsim::est {

using namespace detail;

namespace {

// Regression data assembled firm by firm. The regressors are stored row by row in
// one flat array (names.size() per observation): a vector per observation cost a
// heap allocation for each of ~300,000 firms in each of Tables 9 and 10's 18 fits.
struct Design {
  std::vector<std::string> names;
  std::vector<double> y;
  std::vector<double> x;  // observation i's regressors: x[i * names.size() + k]
  std::vector<int> industry;
  std::vector<std::uint8_t> selected;  // Heckman only

  // Adds an observation unless a regressor (or y, when required) is undefined.
  void add(double yv, const double* xs, int ind, bool y_required = true, bool sel = true) {
    if (y_required && !std::isfinite(yv)) return;
    for (std::size_t k = 0; k < names.size(); ++k)
      if (!std::isfinite(xs[k])) return;
    y.push_back(yv), x.insert(x.end(), xs, xs + names.size()), industry.push_back(ind);
    selected.push_back(sel ? 1 : 0);
  }
  void add(double yv, const std::vector<double>& xs, int ind, bool y_required = true, bool sel = true) {
    check_width(xs.size());
    add(yv, xs.data(), ind, y_required, sel);
  }
  void add(double yv, std::initializer_list<double> xs, int ind, bool y_required = true, bool sel = true) {
    check_width(xs.size());
    add(yv, xs.begin(), ind, y_required, sel);
  }
  void check_width(std::size_t k) const {
    if (k != names.size()) throw std::logic_error("Design: an observation's regressors do not match its names");
  }
  std::size_t n() const { return y.size(); }
  const double* row(std::size_t i) const { return x.data() + i * names.size(); }
  double at(std::size_t i, std::size_t k) const { return x[i * names.size() + k]; }
};

// Estimates by regressor name (NaN for a dropped regressor).
struct Estimates {
  std::map<std::string, double> coef, se, p, stat;
  double n = 0, r2 = nan_value();
  std::string error;
  double get(const std::map<std::string, double>& m, const std::string& k) const {
    const auto it = m.find(k);
    return it == m.end() ? nan_value() : it->second;
  }
};

// Indices of the regressors that vary in the sample (a constant one is collinear with
// the absorbed effects or the constant).
std::vector<std::size_t> varying_columns(const Design& d) {
  std::vector<std::size_t> keep;
  for (std::size_t k = 0; k < d.names.size(); ++k)
    for (std::size_t i = 1; i < d.n(); ++i)
      if (d.at(i, k) != d.at(0, k)) {
        keep.push_back(k);
        break;
      }
  return keep;
}

Matrix design_matrix(const Design& d, const std::vector<std::size_t>& cols, const std::vector<std::size_t>& obs) {
  Matrix X(static_cast<Eigen::Index>(obs.size()), static_cast<Eigen::Index>(cols.size()));
  for (std::size_t i = 0; i < obs.size(); ++i)
    for (std::size_t k = 0; k < cols.size(); ++k)
      X(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(k)) = d.at(obs[i], cols[k]);
  return X;
}

std::vector<std::size_t> all_obs(const Design& d) {
  std::vector<std::size_t> obs(d.n());
  for (std::size_t i = 0; i < obs.size(); ++i) obs[i] = i;
  return obs;
}

void copy_coefficients(const CoefficientTable& t, Estimates& e) {
  for (Eigen::Index k = 0; k < t.size(); ++k) {
    const auto& name = t.names[static_cast<std::size_t>(k)];
    e.coef[name] = t.coef(k), e.se[name] = t.se(k), e.p[name] = t.p(k), e.stat[name] = t.stat(k);
  }
}

// OLS of y on the design with the industry absorbed.
Estimates fit_ols(const Design& d) {
  Estimates e;
  e.n = static_cast<double>(d.n());
  if (d.n() < 3) {
    e.error = "fewer than 3 observations";
    return e;
  }
  const auto cols = varying_columns(d);
  OlsSpec spec;
  for (std::size_t k : cols) spec.names.push_back(d.names[k]);
  spec.absorb = make_fixed_effects(d.industry);
  try {
    const OlsResult r = ols(Eigen::Map<const Vector>(d.y.data(), static_cast<Eigen::Index>(d.n())),
                            design_matrix(d, cols, all_obs(d)), spec);
    copy_coefficients(r.table, e);
    e.r2 = r.r2;
  } catch (const std::invalid_argument& err) {
    e.error = err.what();
  }
  return e;
}

// Industries where the selection outcome varies: elsewhere an industry dummy predicts
// it perfectly, and Stata drops those observations before the probit.
std::vector<std::size_t> obs_with_varying_selection(const Design& d) {
  std::map<int, std::pair<bool, bool>> seen;  // industry -> (any selected, any not)
  for (std::size_t i = 0; i < d.n(); ++i)
    (d.selected[i] ? seen[d.industry[i]].first : seen[d.industry[i]].second) = true;
  std::vector<std::size_t> obs;
  for (std::size_t i = 0; i < d.n(); ++i)
    if (seen[d.industry[i]].first && seen[d.industry[i]].second) obs.push_back(i);
  return obs;
}

// Regressors plus industry dummies (base level dropped) for the given observations.
Matrix with_industry_dummies(const Design& d, const std::vector<std::size_t>& cols, const std::vector<std::size_t>& obs,
                             std::vector<std::string>& names) {
  std::vector<int> ind;
  for (std::size_t i : obs) ind.push_back(d.industry[i]);
  const Matrix D = dummy_columns(make_fixed_effects(ind), true);
  Matrix X(static_cast<Eigen::Index>(obs.size()), static_cast<Eigen::Index>(cols.size()) + D.cols());
  X << design_matrix(d, cols, obs), D;
  for (std::size_t k : cols) names.push_back(d.names[k]);
  for (Eigen::Index k = 0; k < D.cols(); ++k) names.push_back("industry_" + std::to_string(k + 1));
  return X;
}

// The Heckman two-step fit on the Table 12 design (outcome regressors = all but the
// last design column; selection = all columns), or the reason it failed.
struct HeckmanFit {
  std::optional<HeckmanResult> result;
  std::vector<std::string> outcome_names, selection_names;
  std::string error;
  std::vector<std::string> notes;
  double dropped = 0;
};

bool is_binary(const Design& d, std::size_t k) {
  for (std::size_t i = 0; i < d.n(); ++i)
    if (d.at(i, k) != 0 && d.at(i, k) != 1) return false;
  return true;
}

// Like Stata's probit, drops a dummy that predicts the selection outcome perfectly
// (all its firms continue, or none does) together with the observations it predicts;
// its cells stay NaN and the table notes say so.
Design drop_perfect_dummies(const Design& d, std::vector<std::string>& notes) {
  Design out = d;
  for (std::size_t k = 0; k < d.names.size(); ++k) {
    if (!is_binary(out, k)) continue;
    bool continues = false, stops = false;
    for (std::size_t i = 0; i < out.n(); ++i)
      if (out.at(i, k) == 1) (out.selected[i] ? continues : stops) = true;
    if (continues == stops) continue;  // no firm with the dummy, or both outcomes
    Design kept;
    kept.names = out.names;
    for (std::size_t i = 0; i < out.n(); ++i)
      if (out.at(i, k) != 1) kept.add(out.y[i], out.row(i), out.industry[i], false, out.selected[i]);
    notes.push_back(d.names[k] + " predicts the selection perfectly: dropped with its " +
                    std::to_string(out.n() - kept.n()) + " observations");
    out = std::move(kept);
  }
  return out;
}

HeckmanFit fit_heckman(const Design& full) {
  HeckmanFit f;
  const Design d = drop_perfect_dummies(full, f.notes);
  const auto obs = obs_with_varying_selection(d);
  f.dropped = static_cast<double>(d.n() - obs.size());
  if (obs.size() < 10) {
    f.error = "fewer than 10 observations in industries where continuing varies";
    return f;
  }
  Design sub;
  sub.names = d.names;
  for (std::size_t i : obs) sub.add(d.y[i], d.row(i), d.industry[i], false, d.selected[i]);
  auto cols = varying_columns(sub);
  std::vector<std::size_t> outcome_cols;
  for (std::size_t k : cols)
    if (k + 1 < d.names.size()) outcome_cols.push_back(k);
  const auto all = all_obs(sub);
  const Matrix Z = with_industry_dummies(sub, cols, all, f.selection_names);
  const Matrix X = with_industry_dummies(sub, outcome_cols, all, f.outcome_names);
  HeckmanSpec spec;
  spec.outcome_names = f.outcome_names, spec.selection_names = f.selection_names;
  try {
    f.result = heckman_two_step(Eigen::Map<const Vector>(sub.y.data(), static_cast<Eigen::Index>(sub.n())), X,
                                sub.selected, Z, spec);
  } catch (const std::exception& err) {
    f.error = err.what();
  }
  return f;
}

// Column j of a regression table from estimates, rows matched to regressor names.
void fill_column(Table& t, std::size_t j, const Estimates& e, const std::vector<std::string>& names) {
  for (std::size_t r = 0; r < names.size(); ++r) {
    if (names[r].empty()) continue;
    t.values[r][j] = e.get(e.coef, names[r]);
    t.se[r][j] = e.get(e.se, names[r]);
    t.paren[r][j] = e.get(e.p, names[r]);
    t.stat[r][j] = e.get(e.stat, names[r]);
  }
  t.stats.push_back({"n_obs: " + t.column_labels[j], e.n});
  t.stats.push_back({"r2: " + t.column_labels[j], e.r2});
  if (!e.error.empty()) t.notes.push_back(t.column_labels[j] + ": not estimated: " + e.error);
}

Table regression_table(const char* id, const char* title, std::vector<std::string> rows,
                       std::vector<std::string> cols) {
  Table t = make_table(id, title, std::move(rows), std::move(cols));
  t.se = nan_grid(t.rows(), t.cols());
  t.paren = nan_grid(t.rows(), t.cols());
  t.stat = nan_grid(t.rows(), t.cols());
  return t;
}

// --- Tables 9 and 10: trader-type premia ---------------------------------------------

enum Group { excluded = -1, non_trader = 0, bg = 1, bi = 2, ti = 3, other_trader = 4 };

Group type_group(ExportType t) {
  switch (t) {
    case ExportType::born_global:
      return bg;
    case ExportType::born_international:
      return bi;
    case ExportType::traditional:
      return ti;
    default:
      return excluded;
  }
}

// Table 9 (1998): new exporters by type (BAG and EU-wide starters excluded), other
// traders = traded in 1998 or 2005 without being a new exporter, reference = traded in
// neither year. SMEs reporting in 1998.
Group group_1998(const TableInputs& in, std::size_t i) {
  const FirmHistory& f = in.firms[i];
  if (!f.sme() || !in.first(i).present) return excluded;
  const ExportType t = in.types[i].type;
  if (t != ExportType::none) return type_group(t);
  return (in.first(i).trader() || in.last(i).trader()) ? other_trader : non_trader;
}

// Table 10 (2005, survivors): new exporters that started in 1998 and still export in
// 2005, other traders = established exporters exporting in 1998 and 2005, reference =
// surviving SMEs that traded in neither year.
Group group_2005(const TableInputs& in, std::size_t i) {
  const FirmHistory& f = in.firms[i];
  if (!f.sme() || !in.last(i).present) return excluded;
  const ExportType t = in.types[i].type;
  const bool x0 = in.first(i).exporter(), x1 = in.last(i).exporter();
  if (t != ExportType::none) return (in.types[i].first_export_year == in.start() && x1) ? type_group(t) : excluded;
  if (x0 && x1) return other_trader;
  return (!in.first(i).trader() && !in.last(i).trader()) ? non_trader : excluded;
}

const std::vector<std::function<double(const YearObs&)>>& premium_variables() {
  static const std::vector<std::function<double(const YearObs&)>> v = {
      [](const YearObs& o) { return double(o.fte); },
      [](const YearObs& o) { return double(o.value_added); },
      [](const YearObs& o) { return ratio(o.value_added, o.fte); },
      [](const YearObs& o) { return double(o.fixed_assets); },
      [](const YearObs& o) { return ratio(o.fixed_assets, o.fte); },
      [](const YearObs& o) { return double(o.intangible_assets); },
      [](const YearObs& o) { return ratio(o.intangible_assets, o.fte); },
      [](const YearObs& o) { return double(o.rnd); },
      [](const YearObs& o) { return ratio(o.rnd, o.fte); }};
  return v;
}

// The design of one premium regression: ln of the variable on the group dummies.
Design premium_design(const TableInputs& in, const std::function<double(const YearObs&)>& variable, bool end_year) {
  Design d;
  d.names = {"BG", "BI", "TI", "other_trader"};
  for (std::size_t i = 0; i < in.firms.size(); ++i) {
    const Group g = end_year ? group_2005(in, i) : group_1998(in, i);
    if (g == excluded) continue;
    const YearObs& o = end_year ? in.last(i) : in.first(i);
    d.add(log_or_nan(variable(o)), {double(g == bg), double(g == bi), double(g == ti), double(g == other_trader)},
          in.firms[i].industry);
  }
  return d;
}

// Runs f(0) ... f(n-1) on OpenMP's threads; the first exception (by index) is
// rethrown once all have run.
template <class F>
void for_each_index_parallel(std::size_t n, const F& f) {
  std::vector<std::exception_ptr> errors(n);
#pragma omp parallel for schedule(dynamic, 1)
  for (std::ptrdiff_t j = 0; j < static_cast<std::ptrdiff_t>(n); ++j) {
    try {
      f(static_cast<std::size_t>(j));
    } catch (...) {
      errors[static_cast<std::size_t>(j)] = std::current_exception();
    }
  }
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
}

// The nine fits of Table 9 or 10 are independent and each runs on one thread
// (Eigen's products are serial here), so fitting them side by side gives the same
// numbers on any thread count; the columns are then filled in order.
Table premia_table(const TableInputs& in, Table t, bool end_year) {
  const std::vector<std::string> names = {"_cons", "BG", "BI", "TI", "other_trader"};
  const auto& vars = premium_variables();
  std::vector<Estimates> fits(vars.size());
  for_each_index_parallel(vars.size(), [&](std::size_t j) { fits[j] = fit_ols(premium_design(in, vars[j], end_year)); });
  for (std::size_t j = 0; j < vars.size(); ++j) fill_column(t, j, fits[j], names);
  return t;
}

const std::vector<std::string>& premium_columns() {
  static const std::vector<std::string> cols = {"log employment",
                                                "log value added",
                                                "log VA per employee",
                                                "log fixed assets",
                                                "log fixed assets per employee",
                                                "log intangible assets",
                                                "log intangible assets per employee",
                                                "log R&D",
                                                "log R&D per employee"};
  return cols;
}

// --- Tables 11-14: export growth of continuing exporters -------------------------------

// The SMEs exporting in 1998 that the growth analysis uses (BAG and EU-wide excluded).
bool growth_sample(const TableInputs& in, std::size_t i) {
  const ExportType t = in.types[i].type;
  return in.firms[i].sme() && in.first(i).exporter() && (t == ExportType::none || is_new_exporter(t));
}

std::vector<double> growth_regressors(const TableInputs& in, std::size_t i) {
  const YearObs& o = in.first(i);
  const ExportType t = in.types[i].type;
  return {log_or_nan(o.exports), log_or_nan(ratio(o.imports, o.fte)), double(t == ExportType::born_global),
          double(t == ExportType::born_international), double(t == ExportType::traditional)};
}

double yearly_growth(const TableInputs& in, std::size_t i) {
  return (log_or_nan(in.last(i).exports) - log_or_nan(in.first(i).exports)) / (in.end() - in.start());
}

const std::vector<std::string>& growth_names() {
  static const std::vector<std::string> n = {"ln_export1998", "ln_M98/FTE", "Born global", "Born international",
                                             "Traditional internationalizer"};
  return n;
}

Estimates growth_ols(const TableInputs& in) {
  Design d;
  d.names = growth_names();
  for (std::size_t i = 0; i < in.firms.size(); ++i)
    if (growth_sample(in, i) && in.last(i).exporter())
      d.add(yearly_growth(in, i), growth_regressors(in, i), in.firms[i].industry);
  return fit_ols(d);
}

// Selection: still exporting in 2005; exclusion restriction: ln TFP 1998 (the panel's
// tfp column is already the log).
HeckmanFit growth_heckman(const TableInputs& in) {
  Design d;
  d.names = growth_names();
  d.names.push_back("ln_TFP98");
  for (std::size_t i = 0; i < in.firms.size(); ++i) {
    if (!growth_sample(in, i)) continue;
    auto x = growth_regressors(in, i);
    x.push_back(std::isfinite(in.first(i).tfp) ? double(in.first(i).tfp) : nan_value());
    const bool continues = in.last(i).exporter();
    d.add(continues ? yearly_growth(in, i) : nan_value(), std::move(x), in.firms[i].industry, false, continues);
  }
  return fit_heckman(d);
}

Estimates from_table(const CoefficientTable& t) {
  Estimates e;
  copy_coefficients(t, e);
  return e;
}

}  // namespace

Table table_09(const TableInputs& in) {
  Table t = regression_table(
      "table_09", "Differences between types of SME traders in 1998",
      {"intercept (no trade)", "Born global", "Born international", "Traditional internationalizer", "other_trader"},
      premium_columns());
  return premia_table(in, std::move(t), false);
}

Table table_10(const TableInputs& in) {
  Table t = regression_table("table_10", "Differences between types of continuing SME traders in 2005",
                             {"intercept (no_trade)", "BG", "BI", "TI", "other_trader"}, premium_columns());
  return premia_table(in, std::move(t), true);
}

// Table 11: OLS of yearly export growth ((ln X2005 - ln X1998) / 7) of continuing
// exporters on ln X1998, ln(M1998/FTE1998) and the type dummies (reference: established
// exporters). Firms without 1998 imports drop out (ln 0), as in Stata.
Table table_11(const TableInputs& in) {
  Table t = regression_table("table_11", "Growth regression OLS", growth_names(), {"export growth"});
  fill_column(t, 0, growth_ols(in), growth_names());
  return t;
}

// Table 12: Heckman two-step; outcome as Table 11, selection = probit of still exporting
// in 2005 among the 1998 exporters, with ln TFP 1998 as the exclusion restriction.
Table table_12(const TableInputs& in) {
  std::vector<std::string> rows = growth_names();
  rows.push_back("ln_TFP98");
  rows.push_back("Inverse Mills");
  Table t = regression_table("table_12", "Heckman two-stage estimation", rows,
                             {"outcome: avg_ln_X05-ln_X98 (yearly growth)", "selection: select (probit export)"});
  const HeckmanFit f = growth_heckman(in);
  t.notes = f.notes;
  if (!f.result) {
    t.notes.push_back("not estimated: " + f.error);
    return t;
  }
  const HeckmanResult& h = *f.result;
  Estimates outcome = from_table(h.outcome), selection = from_table(h.selection.table);
  outcome.coef["Inverse Mills"] = h.lambda, outcome.se["Inverse Mills"] = h.lambda_se;
  outcome.p["Inverse Mills"] = h.lambda_p, outcome.stat["Inverse Mills"] = h.lambda_z;
  outcome.n = static_cast<double>(h.n), selection.n = static_cast<double>(h.n);
  std::vector<std::string> outcome_rows = growth_names(), selection_rows = growth_names();
  outcome_rows.push_back(""), outcome_rows.push_back("Inverse Mills");
  selection_rows.push_back("ln_TFP98"), selection_rows.push_back("");
  fill_column(t, 0, outcome, outcome_rows);
  fill_column(t, 1, selection, selection_rows);
  t.stats.push_back({"censored_obs", static_cast<double>(h.n_censored)});
  t.stats.push_back({"uncensored_obs", static_cast<double>(h.n_selected)});
  t.stats.push_back({"obs_dropped_no_variation_in_industry", f.dropped});
  return t;
}

// Table 13: average marginal effects of the selection probit (discrete changes for the
// type dummies and the industry dummies, derivatives for the continuous regressors).
Table table_13(const TableInputs& in) {
  std::vector<std::string> rows = growth_names();
  rows.push_back("TFP");
  Table t =
      regression_table("table_13", "Marginal effects probability to continue exporting 1998-2005", rows, {"dy/dx"});
  const HeckmanFit f = growth_heckman(in);
  t.notes = f.notes;
  if (!f.result) {
    t.notes.push_back("not estimated: " + f.error);
    return t;
  }
  std::vector<bool> dummy;
  for (const auto& name : f.selection_names)
    dummy.push_back(name != "ln_export1998" && name != "ln_M98/FTE" && name != "ln_TFP98");
  Estimates e = from_table(average_marginal_effects(f.result->selection, dummy).table);
  e.n = static_cast<double>(f.result->n);
  std::vector<std::string> names = growth_names();
  names.push_back("ln_TFP98");
  fill_column(t, 0, e, names);
  t.paren.clear();  // the paper prints SE and z here, not p-values
  return t;
}

// Table 14: Heckman conditional and unconditional average marginal effects (all
// regressors as continuous, as the paper's) and the OLS coefficients of Table 11.
Table table_14(const TableInputs& in) {
  Table t = make_table(
      "table_14", "Marginal effects", growth_names(),
      {"Heckman conditional marginal effect", "Heckman unconditional marginal effect", "OLS Marginal effect"});
  const Estimates ols_fit = growth_ols(in);
  for (std::size_t r = 0; r < growth_names().size(); ++r) t.values[r][2] = ols_fit.get(ols_fit.coef, growth_names()[r]);
  const HeckmanFit f = growth_heckman(in);
  t.notes = f.notes;
  if (!f.result) {
    t.notes.push_back("Heckman not estimated: " + f.error);
    return t;
  }
  const HeckmanMarginalEffects me = heckman_marginal_effects(*f.result);
  for (std::size_t k = 0; k < me.names.size(); ++k)
    for (std::size_t r = 0; r < growth_names().size(); ++r)
      if (me.names[k] == growth_names()[r]) {
        t.values[r][0] = me.conditional(static_cast<Eigen::Index>(k));
        t.values[r][1] = me.unconditional(static_cast<Eigen::Index>(k));
      }
  return t;
}

// Table 15: OLS of ln(export/sales) on ln(import/sales), ln(number of export products),
// ln(number of export countries) and the type dummies. Column 1: SMEs exporting in 1998
// (1998 values); column 2: those of them still exporting in 2005 (2005 values). Sales =
// turnover. Firms without imports drop out (ln 0).
Table table_15(const TableInputs& in) {
  const std::vector<std::string> rows = {
      "ln_import/sales", "ln_Np", "ln_Nc", "Born global", "Born international", "Traditional internationalizer"};
  Table t = regression_table("table_15", "Regression export to sales ratio", rows, {"export_1998", "export_2005"});
  for (std::size_t j = 0; j < 2; ++j) {
    Design d;
    d.names = rows;
    for (std::size_t i = 0; i < in.firms.size(); ++i) {
      if (!growth_sample(in, i) || (j == 1 && !in.last(i).exporter())) continue;
      const YearObs& o = j == 0 ? in.first(i) : in.last(i);
      const ExportType ty = in.types[i].type;
      d.add(log_or_nan(ratio(o.exports, o.turnover)),
            {log_or_nan(ratio(o.imports, o.turnover)), log_or_nan(o.n_export_products), log_or_nan(o.n_export_markets),
             double(ty == ExportType::born_global), double(ty == ExportType::born_international),
             double(ty == ExportType::traditional)},
            in.firms[i].industry);
    }
    fill_column(t, j, fit_ols(d), rows);
  }
  return t;
}

}  // namespace firmsim::est
