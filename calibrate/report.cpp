#include "calibrate/report.hpp"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <iomanip>
#include <map>
#include <sstream>

#include "estimation/svg.hpp"
#include "sim/atomic_file.hpp"

namespace firmsim::cal {

namespace {

std::string num(double x, int digits = 4) {
  if (!std::isfinite(x)) return "";
  std::ostringstream s;
  s << std::setprecision(digits) << x;
  return s.str();
}

std::string csv(const std::string& s) { return csv_field(s); }

struct Interval {
  double lo, hi;
  bool inside(double x) const { return std::isfinite(x) && x >= lo && x <= hi; }
};

Interval interval(const Moment& m, double weight) {
  const double half = 1.96 / std::sqrt(weight);
  return {m.empirical - half, m.empirical + half};
}

std::string yes_no(bool b) { return b ? "yes" : "no"; }

bool is_targeted(const std::vector<Moment>& ms, const est::CellComparison& c, const std::string& table) {
  for (const Moment& m : ms)
    if (!m.has_denominator && m.cell.table == table && m.cell.row == c.row && m.cell.column == c.column) return true;
  return false;
}

// scripts/fit_report.py reads this table and the "start X, optimum Y" line
// back (multi-start, bootstrap and recovery summaries): change both together.
void parameter_table(std::ostream& md, const std::vector<Parameter>& ps, const FitReport& r) {
  md << "| parameter | scale | bounds | start | estimate | s.e. | 95% interval |\n|---|---|---|---|---|---|---|\n";
  for (std::size_t p = 0; p < ps.size(); ++p) {
    const double est = r.search.best_theta[p], se = r.inference.se[p];
    md << "| `" << ps[p].key << "` | " << (ps[p].scale == Scale::log ? "log" : "linear") << " | [" << num(ps[p].lower)
       << ", " << num(ps[p].upper) << "] | " << num(r.search.start_theta[p]) << " | " << num(est) << " | "
       << (std::isfinite(se) ? num(se, 3) : "not identified") << " | ";
    if (std::isfinite(se)) md << "[" << num(est - 1.96 * se) << ", " << num(est + 1.96 * se) << "]";
    const double u = to_unit(ps[p], est);
    if (u < 0.005 || u > 0.995) md << " (at a bound)";
    md << " |\n";
  }
}

void targeted_table(std::ostream& md, std::ostream& out_csv, const Evaluator& ev, const FitReport& r,
                    const Evaluation& start, const Evaluation& best) {
  const std::vector<Moment>& ms = ev.setup().moments;
  md << "| group | moment | published | weight from | start | optimum | 95% interval | inside |\n"
        "|---|---|---|---|---|---|---|---|\n";
  int inside = 0;
  for (std::size_t k = 0; k < ms.size(); ++k) {
    const Interval ci = interval(ms[k], ev.sampling_weights()[k]);
    const bool in = ci.inside(best.moments[k]);
    inside += in;
    md << "| " << ms[k].group << " | " << ms[k].name << " | " << num(ms[k].empirical) << " | " << ms[k].weight_source
       << " | " << num(start.moments[k]) << " | " << num(best.moments[k]) << " | [" << num(ci.lo) << ", " << num(ci.hi)
       << "] | " << yes_no(in) << " |\n";
    out_csv << "targeted," << csv(ms[k].group) << "," << csv(ms[k].name) << "," << num(ms[k].empirical, 10) << ","
            << num(std::sqrt(ms[k].variance), 10) << "," << num(start.moments[k], 10) << "," << num(best.moments[k], 10)
            << "," << num(ci.lo, 10) << "," << num(ci.hi, 10) << "," << yes_no(ci.inside(start.moments[k])) << ","
            << yes_no(in) << "\n";
  }
  md << "\n" << inside << " of " << ms.size() << " targeted moments lie inside their 95% interval at the optimum.\n";
  (void)r;
}

void untargeted_table(std::ostream& md, std::ostream& out_csv, const Evaluator& ev, const FitReport& r) {
  const std::vector<Moment>& ms = ev.setup().moments;
  md << "| table | row | column | published | s.e. | start | optimum | inside 95% (start -> optimum) |\n"
        "|---|---|---|---|---|---|---|---|\n";
  int n = 0, in_start = 0, in_best = 0, with_se = 0;
  for (std::size_t t = 0; t < r.optimum.tables.size(); ++t) {
    const est::TableComparison& best = r.optimum.tables[t];
    const est::TableComparison& start = r.start.tables[t];
    for (std::size_t c = 0; c < best.cells.size(); ++c) {
      const est::CellComparison& b = best.cells[c];
      const est::CellComparison& s = start.cells[c];
      if (!std::isfinite(b.empirical) || is_targeted(ms, b, best.id)) continue;
      ++n;
      std::string inside = "n/a";
      if (std::isfinite(b.empirical_se)) {
        ++with_se;
        in_start += s.within_ci == 1;
        in_best += b.within_ci == 1;
        inside = yes_no(s.within_ci == 1) + " -> " + yes_no(b.within_ci == 1);
      }
      md << "| " << best.id << " | " << b.row << " | " << b.column << " | " << num(b.empirical) << " | "
         << num(b.empirical_se) << " | " << num(s.simulated) << " | " << num(b.simulated) << " | " << inside << " |\n";
      const double lo = b.empirical - 1.96 * b.empirical_se, hi = b.empirical + 1.96 * b.empirical_se;
      out_csv << "untargeted," << csv(best.id) << "," << csv(best.id + "/" + b.row + "/" + b.column) << ","
              << num(b.empirical, 10) << "," << num(b.empirical_se, 10) << "," << num(s.simulated, 10) << ","
              << num(b.simulated, 10) << "," << num(lo, 10) << "," << num(hi, 10) << ","
              << (std::isfinite(b.empirical_se) ? yes_no(s.within_ci == 1) : "") << ","
              << (std::isfinite(b.empirical_se) ? yes_no(b.within_ci == 1) : "") << "\n";
    }
  }
  md << "\n"
     << n << " untargeted cells; of the " << with_se << " with a published s.e., " << in_start
     << " lie inside their 95% interval at the start and " << in_best << " at the optimum.\n";
}

void identification_files(const std::string& dir, const Evaluator& ev, const Inference& inf) {
  const std::vector<Moment>& ms = ev.setup().moments;
  const std::vector<Parameter>& ps = ev.setup().parameters;
  std::ostringstream out;
  out << "moment";
  for (const Parameter& p : ps) out << "," << csv(p.key);
  out << "\n";
  std::vector<std::string> rows, cols;
  for (const Parameter& p : ps) cols.push_back(p.key);
  est::Grid grid;
  for (std::size_t k = 0; k < ms.size(); ++k) {
    out << csv(ms[k].name);
    std::vector<double> row;
    for (std::size_t p = 0; p < ps.size(); ++p) {
      out << "," << num(inf.sensitivity[k][p], 6);
      row.push_back(std::isfinite(inf.sensitivity[k][p]) ? std::fabs(inf.sensitivity[k][p]) : std::nan(""));
    }
    out << "\n";
    rows.push_back(ms[k].name);
    grid.push_back(row);
  }
  write_file_atomically(dir + "/identification.csv", out.str());
  write_file_atomically(dir + "/identification.svg",
                        est::svg_heatmaps("|d moment / d parameter| in moment standard errors per full parameter range",
                                          rows, cols, {{"sensitivity", grid}}, 10.0));
}

}  // namespace

std::string calibrated_overlay(const std::vector<Parameter>& ps, const std::vector<double>& theta,
                               const std::string& comment) {
  YAML::Node model(YAML::NodeType::Map);
  for (std::size_t p = 0; p < ps.size(); ++p) {
    const std::string& key = ps[p].key;
    const std::size_t dot = key.find('.');
    if (dot == std::string::npos)
      model[key] = theta[p];
    else
      model[key.substr(0, dot)][key.substr(dot + 1)] = theta[p];
  }
  YAML::Emitter out;
  out.SetDoublePrecision(6);
  out << YAML::Comment(comment) << YAML::Newline;
  out << YAML::BeginMap << YAML::Key << "scenario" << YAML::Value << "parameters estimated by firmsim calibrate"
      << YAML::Key << "model" << YAML::Value << model << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

bool search_not_converged(const FitReport& r) {
  return r.lowest_seen < r.search.best_objective * (1 - 1e-9);
}

std::string not_converged_warning(const FitReport& r) {
  // As many digits as it takes for the two to differ in print (1275.99 and
  // 1276.04, not "1276, below the optimum's 1276").
  int digits = 4;
  while (digits < 12 && num(r.lowest_seen, digits) == num(r.search.best_objective, digits)) ++digits;
  return "a Jacobian probe scored " + num(r.lowest_seen, digits) + ", below the optimum's " +
         num(r.search.best_objective, digits) +
         ": the search had not converged (rerun from calibrated.yaml, e.g. with --swarm-share 0 --local-search "
         "gauss-newton, or with a larger budget)";
}

void write_fit_report(const std::string& dir, const Evaluator& ev, const FitReport& r) {
  const std::vector<Parameter>& ps = ev.setup().parameters;
  const Evaluation& start = r.start_point;
  const Evaluation& best = r.best_point;

  std::ostringstream md, out_csv;
  md << "# Calibration fit\n\n"
     << "Reproduce with:\n\n    " << r.command << "\n\n"
     << "Moments: `" << r.moments_file << "`; parameters: `" << r.parameters_file << "`; " << ev.setup().base.run.firms
     << " firm slots x " << ev.setup().base.run.replicates << " replicates, seed " << ev.setup().base.run.seed
     << " (common random numbers for every candidate). " << ev.total() << " evaluations (" << r.simulated
     << " simulated in this session, " << r.from_log << " read from the log), " << num(r.seconds / 60.0, 3)
     << " minutes.";
  md << " Search: " << (r.search.swarm ? "a particle swarm, then " : "from the start, ")
     << (r.search.local == LocalSearch::gauss_newton ? "Gauss-Newton" : "subplex") << " (" << r.search.global_evaluations
     << " + " << r.search.local_evaluations << " evaluations)";
  if (r.search.local == LocalSearch::gauss_newton)
    md << ", its Jacobian by " << (r.search.central_differences ? "central" : "one-sided") << " steps of "
       << num(r.search.jacobian_step, 3) << " of each range";
  md << ".";
  if (r.search.screened > 0)
    md << " Multi-fidelity: the swarm screened " << r.search.screened << " candidates on a smaller world "
       << "(`screening.csv`) and the best " << r.search.promoted
       << " of them were evaluated at full size; every figure below is at full size.";
  md << "\n\n"
     << "Objective (weighting " << describe(ev.setup().weighting)
     << ", calibrate/README.md; under the efficient weighting it is the sum of squared standard errors over the "
        "targeted moments): start "
     << num(r.search.start_objective) << ", optimum " << num(r.search.best_objective) << ".\n\n";
  if (search_not_converged(r)) md << "**Not converged: " << not_converged_warning(r) << ".**\n\n";
  md << "## Estimates\n\n";
  parameter_table(md, ps, r);
  md << "\nStandard errors: the MSM sandwich with a numerical Jacobian (central differences, common random numbers)"
        " and the (1 + 1/R) simulation correction";
  if (!r.noise_draws)
    md << ".";
  else
    md << "; Omega carries the covariance of the moments' simulation draws across the " << r.noise_draws
       << " replicates of the noise measurement.";
  if (r.inference.singular)
    md << " **G'WG is singular even without the parameters that are not pinned down: no standard errors.**";
  md << "\n\nJ statistic (over-identification, under the efficient weighting whatever the objective's): "
     << num(r.inference.j_statistic) << " on "
     << r.inference.degrees_of_freedom << " degrees of freedom, p = " << num(r.inference.j_p_value, 3)
     << ". A small p-value says the model cannot match all targeted facts at once within their sampling error.\n\n";
  md << "## Identification\n\nCondition number of G'WG: " << num(r.inference.condition_number, 3) << ". ";
  if (r.inference.not_pinned_down.empty())
    md << "Every parameter moves at least one targeted moment by more than one standard error across its range.\n";
  else {
    md << "Not pinned down by any targeted moment (moves none by a standard error across its whole range):";
    for (const std::string& k : r.inference.not_pinned_down) md << " `" << k << "`";
    md << ".\n";
  }
  md << "The sensitivities are in `identification.csv` and `identification.svg`.\n\n";
  md << "## Targeted moments\n\n";
  out_csv << "kind,group,moment,published,published_se,start,optimum,lower_95,upper_95,inside_start,inside_optimum\n";
  targeted_table(md, out_csv, ev, r, start, best);
  md << "\n## Untargeted moments (the honest test of the fit)\n\n"
     << "Overall comparison distance: start " << num(r.start.distance, 3) << ", optimum " << num(r.optimum.distance, 3)
     << "; cells with an s.e. inside their 95% interval: start " << r.start.within << " of " << r.start.with_se
     << ", optimum " << r.optimum.within << " of " << r.optimum.with_se << ".\n\n";
  untargeted_table(md, out_csv, ev, r);
  write_file_atomically(dir + "/fit.md", md.str());
  write_file_atomically(dir + "/fit.csv", out_csv.str());
  identification_files(dir, ev, r.inference);
  write_file_atomically(dir + "/calibrated.yaml",
                        calibrated_overlay(ps, r.search.best_theta, "Estimated by: " + r.command));
}

void print_fit_summary(std::ostream& os, const Evaluator& ev, const FitReport& r) {
  const std::vector<Parameter>& ps = ev.setup().parameters;
  os << "calibration: objective " << num(r.search.start_objective) << " at the start -> "
     << num(r.search.best_objective) << " at the optimum (" << ev.total() << " evaluations)\n";
  for (std::size_t p = 0; p < ps.size(); ++p)
    os << "  " << std::left << std::setw(40) << ps[p].key << std::right << std::setw(12) << num(r.search.best_theta[p])
       << "  (s.e. " << num(r.inference.se[p], 3) << ", start " << num(r.search.start_theta[p]) << ")\n";
  os << "J = " << num(r.inference.j_statistic) << " on " << r.inference.degrees_of_freedom
     << " d.f. (p = " << num(r.inference.j_p_value, 3) << "); comparison distance " << num(r.start.distance, 3)
     << " -> " << num(r.optimum.distance, 3) << "\n";
  if (search_not_converged(r)) os << "not converged: " << not_converged_warning(r) << "\n";
  if (!r.inference.not_pinned_down.empty()) {
    os << "not pinned down:";
    for (const std::string& k : r.inference.not_pinned_down) os << " " << k;
    os << "\n";
  }
}

}  // namespace firmsim::cal
