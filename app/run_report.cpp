#include "app/run_report.hpp"

#include <algorithm>
#include <filesystem>
#include <iomanip>
#include <sstream>

#include "estimation/typology.hpp"
#include "sim/atomic_file.hpp"
#include "sim/input_error.hpp"
#include "sim/panel_io.hpp"

namespace firmsim {

namespace {

const est::ExportType kTypes[] = {est::ExportType::born_global, est::ExportType::born_international,
                                  est::ExportType::traditional, est::ExportType::born_again_global,
                                  est::ExportType::unclassified_eu_wide};

int latent_strategy_of(const FirmColumns& firms, int replicate, std::int64_t firm) {
  // FirmColumns is ordered by (replicate, firm): binary search.
  std::size_t lo = 0, hi = firms.rows();
  while (lo < hi) {
    const std::size_t mid = (lo + hi) / 2;
    if (std::make_pair(firms.replicate[mid], firms.firm[mid]) < std::make_pair(replicate, firm))
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo < firms.rows() && firms.replicate[lo] == replicate && firms.firm[lo] == firm)
    return std::min<int>(firms.latent_strategy[lo], 2);
  return 0;
}

// One replicate's rows of a panel ordered by replicate (as Simulation::panel
// writes it): the typology then reads each row once over all replicates,
// instead of scanning every replicate's rows once per replicate.
Panel replicate_slice(const Panel& panel, int replicate) {
  Panel p;
  p.meta = panel.meta;
  const auto range = [replicate](const std::vector<std::int32_t>& r) {
    return std::equal_range(r.begin(), r.end(), replicate);
  };
  const auto copy = [](const auto& columns, auto schema, auto& to, std::ptrdiff_t b, std::ptrdiff_t e) {
    schema([&](const char*, auto member, bool, double) {
      const auto& from = columns.*member;
      (to.*member).assign(from.begin() + b, from.begin() + e);
    });
  };
  const auto fy = range(panel.firm_years.replicate);
  copy(
      panel.firm_years, [](auto&& f) { firm_year_schema(f); }, p.firm_years,
      fy.first - panel.firm_years.replicate.begin(), fy.second - panel.firm_years.replicate.begin());
  const auto f = range(panel.firms.replicate);
  copy(
      panel.firms, [](auto&& g) { firm_schema(g); }, p.firms, f.first - panel.firms.replicate.begin(),
      f.second - panel.firms.replicate.begin());
  return p;
}

void count_starters(const Config& config, const Panel& panel, RunReport& report) {
  est::SampleFrame frame;
  frame.start_year = config.measurement.sample_first_year;
  frame.end_year = config.measurement.sample_last_year;
  if (panel.meta.first_year > frame.start_year || panel.meta.last_year < frame.end_year) {
    report.starters_note = "export starters by type need the recorded years to cover the sample window " +
                           std::to_string(frame.start_year) + "-" + std::to_string(frame.end_year);
    return;
  }
  est::TypologyRules rules;
  rules.early_years = config.typology.early_years;
  rules.global_countries = config.typology.min_countries;
  for (est::ExportType t : kTypes) report.starters.push_back(StarterCounts{est::type_code(t), {}});
  const bool ordered = std::is_sorted(panel.firm_years.replicate.begin(), panel.firm_years.replicate.end()) &&
                       std::is_sorted(panel.firms.replicate.begin(), panel.firms.replicate.end());
  report.window = std::to_string(frame.start_year) + "-" + std::to_string(frame.end_year);
  for (int r = 0; r < panel.meta.replicates; ++r) {
    const Panel one = ordered ? replicate_slice(panel, r) : panel;
    const auto histories = est::firm_histories(one, r, frame);
    const auto types = est::classify_all(histories, one.meta.markets, frame, rules);
    for (std::size_t k = 0; k < histories.size(); ++k) {
      for (std::size_t t = 0; t < std::size(kTypes); ++t)
        if (types[k].type == kTypes[t])
          ++report.starters[t].by_strategy[latent_strategy_of(one.firms, r, histories[k].firm)];
    }
  }
}

std::string csv_years(const RunReport& r) {
  std::ostringstream o;
  o << "year,alive,births,deaths,exporters,importers,two_way,export_starters,exporters_waterfall,"
       "exporters_sprinkler,exports_eur,imports_eur,exports_observed_eur,policy_support_eur\n";
  o << std::setprecision(12);
  for (const YearSummary& s : r.years)
    o << s.year << ',' << s.alive << ',' << s.births << ',' << s.deaths << ',' << s.exporters << ',' << s.importers
      << ',' << s.two_way << ',' << s.export_starters << ',' << s.exporters_by_strategy[1] << ','
      << s.exporters_by_strategy[2] << ',' << s.exports << ',' << s.imports << ',' << s.exports_observed << ','
      << s.support_paid << '\n';
  return o.str();
}

std::string csv_starters(const RunReport& r) {
  std::ostringstream o;
  o << "observed_type,latent_none,latent_waterfall,latent_sprinkler,total\n";
  for (const StarterCounts& s : r.starters)
    o << s.type << ',' << s.by_strategy[0] << ',' << s.by_strategy[1] << ',' << s.by_strategy[2] << ',' << s.total()
      << '\n';
  return o.str();
}

}  // namespace

RunReport make_run_report(const Config& config, const std::vector<YearSummary>& years, const Panel& panel) {
  RunReport report;
  for (const YearSummary& s : years)
    if (s.recorded) {
      report.years.push_back(s);
      report.support_paid += s.support_paid;
    }
  count_starters(config, panel, report);
  return report;
}

void print_run_report(std::ostream& out, const RunReport& r) {
  out << "\nYear   alive    exporters  importers  two-way  export    exports\n"
         "                                               starters  (EUR m)\n";
  for (const YearSummary& s : r.years)
    out << std::left << std::setw(6) << s.year << std::right << std::setw(8) << s.alive << std::setw(11) << s.exporters
        << std::setw(11) << s.importers << std::setw(9) << s.two_way << std::setw(10) << s.export_starters
        << std::setw(11) << std::fixed << std::setprecision(1) << s.exports / 1e6 << "\n";
  if (r.support_paid > 0)
    out << "policy support paid over the recorded years: EUR " << std::setprecision(1) << r.support_paid / 1e6
        << " m\n";
  if (!r.starters_note.empty()) {
    out << "\n" << r.starters_note << "\n";
    return;
  }
  long long total = 0;
  for (const StarterCounts& s : r.starters) total += s.total();
  out << "\nSME export starters " << r.window
      << " by observed type (seed 000 typology) and latent strategy\n"
         "type      firms   share   latent: none  waterfall  sprinkler\n";
  for (const StarterCounts& s : r.starters)
    out << std::left << std::setw(9) << s.type << std::right << std::setw(6) << s.total() << std::setw(7)
        << std::setprecision(1) << (total ? 100.0 * s.total() / total : 0.0) << "%" << std::setw(14) << s.by_strategy[0]
        << std::setw(11) << s.by_strategy[1] << std::setw(11) << s.by_strategy[2] << "\n";
}

std::vector<PanelExtra> run_report_files(const RunReport& report, std::vector<std::string>& stale) {
  std::vector<PanelExtra> files = {{"summary.csv", csv_years(report)}};
  if (report.starters_note.empty())
    files.push_back({"starters.csv", csv_starters(report)});
  else
    stale.push_back("starters.csv");  // a previous run's would describe another panel
  return files;
}

void write_run_report(const std::string& dir, const RunReport& report) {
  namespace fs = std::filesystem;
  write_file_atomically((fs::path(dir) / "summary.csv").string(), csv_years(report));
  if (report.starters_note.empty())
    write_file_atomically((fs::path(dir) / "starters.csv").string(), csv_starters(report));
}

}  // namespace firmsim
