#include "policy/report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <sstream>

#include "estimation/svg.hpp"
#include "sim/atomic_file.hpp"

namespace firmsim::policy {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

int end_year(const Comparison& c) { return std::min(c.program_to, c.last_year); }

double ratio(double cost, double effect) { return effect > 0 ? cost / effect : kNaN; }

std::string num(double v, int decimals = 0) {
  if (!std::isfinite(v)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v + 0.0);
  const std::string out = buf;
  // "-0.0" reads as a negative effect; it is a rounded zero.
  return out.find_first_not_of("-0.") == std::string::npos ? out.substr(out[0] == '-' ? 1 : 0) : out;
}

std::string millions(double v) { return num(v / 1e6, 2); }

std::string with_interval(const Interval& i, double unit = 1, int decimals = 0) {
  if (i.n < 2) return num(i.mean / unit, decimals);
  return num(i.mean / unit, decimals) + " [" + num(i.lo / unit, decimals) + ", " + num(i.hi / unit, decimals) + "]";
}

std::string program_label(const Evaluation& e, std::size_t k) {
  std::string name = std::filesystem::path(e.programs[k].file).stem().string();
  if (e.budget && e.programs[k].scale != 1) name += " (x" + num(e.programs[k].scale, 2) + ")";
  return name;
}

std::vector<std::size_t> rank_by(const Evaluation& e, double Headline::*member) {
  std::vector<std::size_t> order(e.comparisons.size());
  std::vector<double> key;
  for (std::size_t k = 0; k < order.size(); ++k) {
    order[k] = k;
    const double v = headline(e.comparisons[k], 0).*member;
    key.push_back(std::isfinite(v) ? v : std::numeric_limits<double>::infinity());
  }
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return key[a] < key[b]; });
  return order;
}

struct Row {
  std::string label;
  std::string all, targeted;
};

std::vector<Row> headline_rows(const Comparison& c) {
  const Headline a = headline(c, 0), t = headline(c, 1);
  const Shares d = deadweight_shares(c);
  const std::string end = std::to_string(end_year(c));
  return {
      {"public cost, EUR m", with_interval(a.cost, 1e6, 2), with_interval(t.cost, 1e6, 2)},
      {"additional exporters in " + end, with_interval(a.additional_exporters, 1, 1),
       with_interval(t.additional_exporters, 1, 1)},
      {"additional export starters (cumulated)", with_interval(a.export_starters, 1, 1),
       with_interval(t.export_starters, 1, 1)},
      {"additional market entries (cumulated)", with_interval(a.market_entries, 1, 1),
       with_interval(t.market_entries, 1, 1)},
      {"additional exports, EUR m (cumulated)", with_interval(a.export_value, 1e6, 1),
       with_interval(t.export_value, 1e6, 1)},
      {"additional surviving exporters (cumulated)", with_interval(a.exporter_survivors, 1, 1),
       with_interval(t.exporter_survivors, 1, 1)},
      {"additional employment in " + end + ", FTE", with_interval(a.employment, 1, 1),
       with_interval(t.employment, 1, 1)},
      {"additional value added, EUR m (cumulated)", with_interval(a.value_added, 1e6, 1),
       with_interval(t.value_added, 1e6, 1)},
      {"supported firms", with_interval(d.supported, 1, 1), ""},
      {"deadweight share of supported firms", with_interval(d.deadweight_share, 0.01, 1) + " %", ""},
      {"additionality share of supported firms", with_interval(d.additionality_share, 0.01, 1) + " %", ""},
      {"cost per additional exporter, EUR", num(a.cost_per_exporter), num(t.cost_per_exporter)},
      {"cost per additional market entry, EUR", num(a.cost_per_entry), num(t.cost_per_entry)},
      {"cost per additional EUR of exports", num(a.cost_per_euro, 3), num(t.cost_per_euro, 3)},
  };
}

std::string window_line(const Comparison& c) {
  return "program years " + std::to_string(c.program_from) + "-" + std::to_string(c.program_to) +
         ", effects cumulated over " + std::to_string(c.program_from) + "-" + std::to_string(c.last_year) + ", " +
         std::to_string(c.replicates()) + " replicate(s), mean [95% t interval across replicates]";
}

std::string persistence_markdown(const Comparison& c) {
  std::ostringstream o;
  o << "| years after the program | year | additional exporters | additional exports, EUR m |\n|---|---|---|---|\n";
  for (int after : {1, 3, 5}) {
    const int y = c.program_to + after;
    if (y > c.last_year) {
      o << "| " << after << " | " << y << " | not simulated (run with --years ending " << y << " or later) | |\n";
      continue;
    }
    o << "| " << after << " | " << y << " | " << with_interval(t_interval(c.effect(0, y, exporters)), 1, 1) << " | "
      << with_interval(t_interval(c.effect(0, y, export_value)), 1e6, 1) << " |\n";
  }
  return o.str();
}

std::string groups_markdown(const Comparison& c) {
  std::ostringstream o;
  const int end = end_year(c);
  o << "| group | cost, EUR m | additional exporters in " << end
    << " | additional market entries | additional exports, EUR m | cost per additional exporter, EUR |\n"
       "|---|---|---|---|---|---|\n";
  for (std::size_t g = 0; g < c.groups.names.size(); ++g) {
    const Headline h = headline(c, static_cast<int>(g));
    o << "| " << c.groups.names[g] << " | " << with_interval(h.cost, 1e6, 2) << " | "
      << with_interval(h.additional_exporters, 1, 1) << " | " << with_interval(h.market_entries, 1, 1) << " | "
      << with_interval(h.export_value, 1e6, 1) << " | " << num(h.cost_per_exporter) << " |\n";
  }
  return o.str();
}

std::string outcomes_markdown(const Comparison& c) {
  std::ostringstream o;
  o << "| outcome (all firms, cumulated) | effect |\n|---|---|\n";
  for (std::size_t x = 0; x < c.measures.size(); ++x) {
    if (x == support_paid || x == supported_firms) continue;
    o << "| " << c.measures[x] << " | "
      << with_interval(t_interval(c.cumulated(0, c.program_from, c.last_year, static_cast<int>(x))), 1, 1) << " |\n";
  }
  if (!c.typology.note.empty()) {
    o << "\nObserved typology: " << c.typology.note << ".\n";
    return o.str();
  }
  o << "\n| observed type of 1998-2005 SME export starters (seed 000 typology) | program minus baseline |\n"
       "|---|---|\n";
  for (std::size_t k = 0; k < c.typology.types.size(); ++k)
    o << "| " << c.typology.types[k] << " | " << with_interval(t_interval(c.typology.effect[k]), 1, 1) << " |\n";
  return o.str();
}

std::string ranking_markdown(const Evaluation& e) {
  std::ostringstream o;
  o << "| rank | by cost per additional exporter | EUR | by cost per additional EUR of exports | EUR |\n"
       "|---|---|---|---|---|\n";
  const auto a = rank_by_cost_per_exporter(e), b = rank_by_cost_per_euro(e);
  for (std::size_t r = 0; r < a.size(); ++r)
    o << "| " << r + 1 << " | " << program_label(e, a[r]) << " | "
      << num(headline(e.comparisons[a[r]], 0).cost_per_exporter) << " | " << program_label(e, b[r]) << " | "
      << num(headline(e.comparisons[b[r]], 0).cost_per_euro, 3) << " |\n";
  return o.str();
}

// ---------------------------------------------------------------------------
// Figures
// ---------------------------------------------------------------------------
std::string f1(double v) { return num(v, 1); }

// A share's interval cut to [0, 1].
Interval clamp_share(Interval i) {
  i.lo = std::max(0.0, i.lo);
  i.hi = std::min(1.0, i.hi);
  return i;
}

}  // namespace

Headline headline(const Comparison& c, int group) {
  Headline h;
  const int from = c.program_from, last = c.last_year, end = end_year(c);
  const std::vector<double> cost = c.public_cost(group, c.first_year, last);
  h.cost = t_interval(cost);
  h.additional_exporters = t_interval(c.effect(group, end, exporters));
  h.export_starters = t_interval(c.cumulated(group, from, last, export_starters));
  h.market_entries = t_interval(c.cumulated(group, from, last, market_entries));
  h.export_value = t_interval(c.cumulated(group, from, last, export_value));
  h.employment = t_interval(c.effect(group, end, employment));
  h.value_added = t_interval(c.cumulated(group, from, last, value_added));
  h.exporter_survivors = t_interval(c.cumulated(group, from, last, exporter_survivors));
  h.cost_per_exporter = ratio(h.cost.mean, h.additional_exporters.mean);
  h.cost_per_entry = ratio(h.cost.mean, h.market_entries.mean);
  h.cost_per_euro = ratio(h.cost.mean, h.export_value.mean);
  return h;
}

Shares deadweight_shares(const Comparison& c) {
  Shares s;
  const Deadweight& d = c.deadweight;
  std::vector<double> dw, add;
  for (std::size_t r = 0; r < d.supported.size(); ++r) {
    dw.push_back(d.supported[r] > 0 ? d.deadweight[r] / d.supported[r] : kNaN);
    add.push_back(d.supported[r] > 0 ? d.additional[r] / d.supported[r] : kNaN);
  }
  s.supported = t_interval(d.supported);
  s.deadweight_share = clamp_share(t_interval(dw));
  s.additionality_share = clamp_share(t_interval(add));
  return s;
}

std::vector<std::size_t> rank_by_cost_per_exporter(const Evaluation& e) {
  return rank_by(e, &Headline::cost_per_exporter);
}
std::vector<std::size_t> rank_by_cost_per_euro(const Evaluation& e) { return rank_by(e, &Headline::cost_per_euro); }

void print_headlines(std::ostream& out, const Evaluation& e) {
  for (std::size_t k = 0; k < e.comparisons.size(); ++k) {
    const Comparison& c = e.comparisons[k];
    out << "\n" << program_label(e, k) << ": " << window_line(c) << "\n";
    if (e.budget && !e.programs[k].at_budget) out << "  (not at the budget: " << e.programs[k].budget_note << ")\n";
    std::size_t width = 0;
    for (const Row& r : headline_rows(c)) width = std::max(width, r.label.size());
    char line[512];
    std::snprintf(line, sizeof line, "  %-*s  %-30s  %s\n", static_cast<int>(width), "", "all firms", "targeted");
    out << line;
    for (const Row& r : headline_rows(c)) {
      std::snprintf(line, sizeof line, "  %-*s  %-30s  %s\n", static_cast<int>(width), r.label.c_str(), r.all.c_str(),
                    r.targeted.c_str());
      out << line;
    }
  }
  if (e.comparisons.size() > 1) {
    out << "\nranking" << (e.budget ? " at an equal budget of EUR " + millions(*e.budget) + " m" : "") << ":\n";
    const auto a = rank_by_cost_per_exporter(e), b = rank_by_cost_per_euro(e);
    for (std::size_t r = 0; r < a.size(); ++r)
      out << "  " << r + 1 << ". " << program_label(e, a[r]) << ": EUR "
          << num(headline(e.comparisons[a[r]], 0).cost_per_exporter) << " per additional exporter;  "
          << program_label(e, b[r]) << ": EUR " << num(headline(e.comparisons[b[r]], 0).cost_per_euro, 3)
          << " per additional EUR of exports\n";
  }
}

std::string effects_markdown(const Evaluation& e) {
  std::ostringstream o;
  o << "# Policy evaluation\n\n"
    << "Baseline: `" << e.baseline.source << "`, " << e.baseline.run.firms << " firm slots x "
    << e.baseline.run.replicates << " replicate(s), seed " << e.baseline.run.seed << ", recorded years "
    << e.baseline.run.first_year << "-" << e.baseline.run.last_year
    << ". Baseline and programs are variants of one population with common random numbers: replicate k of "
       "each has the same firms and the same luck, so every difference is the program's doing.\n\n"
    << "The default is calibrated to the seed tables but still misses many of them (README, \"Where the model "
       "stands\"): the figures are as good as that fit.\n\n";
  if (e.budget) o << "Every program was scaled to cost EUR " << millions(*e.budget) << " m.\n\n";
  for (std::size_t k = 0; k < e.comparisons.size(); ++k) {
    const Comparison& c = e.comparisons[k];
    o << "## " << program_label(e, k) << "\n\n`" << e.programs[k].file << "`; " << window_line(c) << ".\n\n";
    if (e.budget && !e.programs[k].at_budget) o << "Not at the budget: " << e.programs[k].budget_note << ".\n\n";
    o << "| | all firms | targeted |\n|---|---|---|\n";
    for (const Row& r : headline_rows(c)) o << "| " << r.label << " | " << r.all << " | " << r.targeted << " |\n";
    o << "\nDeadweight: a supported firm (paid anything) is deadweight when every market it entered from its "
         "first supported year on is also served by the same firm in the baseline in that year or later; "
         "additional otherwise.\n\n### Persistence after the program ends\n\n"
      << persistence_markdown(c) << "\n### By group (groups fixed in the baseline before the program)\n\n"
      << groups_markdown(c) << "\n### Every outcome\n\n"
      << outcomes_markdown(c) << "\n![effect over time]("
      << "effect_" << k << ".svg)\n\n";
  }
  if (e.comparisons.size() > 1) o << "## Ranking\n\n" << ranking_markdown(e) << "\n";
  o << "![cost per additional exporter by target group](cost_effectiveness.svg)\n";
  return o.str();
}

std::string effects_csv(const Evaluation& e) {
  std::ostringstream o;
  o.precision(10);
  o << "program,group,measure,year,mean,lo,hi,replicates\n";
  auto row = [&](const std::string& program, const std::string& group, const std::string& measure,
                 const std::string& year, const Interval& i) {
    o << program << ",\"" << group << "\"," << measure << "," << year << "," << i.mean << "," << i.lo << "," << i.hi
      << "," << i.n << "\n";
  };
  for (std::size_t k = 0; k < e.comparisons.size(); ++k) {
    const Comparison& c = e.comparisons[k];
    const std::string p = program_label(e, k);
    for (std::size_t g = 0; g < c.groups.names.size(); ++g) {
      for (std::size_t x = 0; x < c.measures.size(); ++x) {
        for (int y = c.first_year; y <= c.last_year; ++y)
          row(p, c.groups.names[g], c.measures[x], std::to_string(y),
              t_interval(c.effect(static_cast<int>(g), y, static_cast<int>(x))));
        row(p, c.groups.names[g], c.measures[x], "cumulated",
            t_interval(c.cumulated(static_cast<int>(g), c.program_from, c.last_year, static_cast<int>(x))));
      }
      const Headline h = headline(c, static_cast<int>(g));
      row(p, c.groups.names[g], "public_cost", "all", h.cost);
      row(p, c.groups.names[g], "cost_per_additional_exporter", "all", Interval{h.cost_per_exporter, kNaN, kNaN, 0});
      row(p, c.groups.names[g], "cost_per_additional_entry", "all", Interval{h.cost_per_entry, kNaN, kNaN, 0});
      row(p, c.groups.names[g], "cost_per_additional_euro", "all", Interval{h.cost_per_euro, kNaN, kNaN, 0});
    }
    const Shares s = deadweight_shares(c);
    row(p, "supported", "supported_firms", "all", s.supported);
    row(p, "supported", "deadweight_share", "all", s.deadweight_share);
    row(p, "supported", "additionality_share", "all", s.additionality_share);
    for (std::size_t t = 0; t < c.typology.types.size() && c.typology.note.empty(); ++t)
      row(p, "SME export starters 1998-2005", "observed_type:" + c.typology.types[t], "1998-2005",
          t_interval(c.typology.effect[t]));
  }
  return o.str();
}

std::string effect_figure(const Comparison& c) {
  const double w = 720, h = 400, left = 70, right = 160, top = 50, bottom = 50;
  struct Line {
    std::string name, color;
    std::vector<Interval> points;
  };
  std::vector<Line> lines = {{"all firms", "#1f77b4", {}}, {"targeted", "#d62728", {}}};
  double lo = 0, hi = 0;
  for (int g = 0; g < 2; ++g)
    for (int y = c.first_year; y <= c.last_year; ++y) {
      const Interval i = t_interval(c.effect(g, y, exporters));
      lines[static_cast<std::size_t>(g)].points.push_back(i);
      lo = std::min(lo, i.lo);
      hi = std::max(hi, i.hi);
    }
  if (hi - lo < 1) hi = lo + 1;
  const int years = std::max(1, c.last_year - c.first_year);
  auto x = [&](int y) { return left + (w - left - right) * (y - c.first_year) / years; };
  auto yv = [&](double v) { return top + (h - top - bottom) * (hi - v) / (hi - lo); };
  std::ostringstream o;
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << w << "\" height=\"" << h
    << "\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    << "<text x=\"" << w / 2 << "\" y=\"22\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">"
    << est::xml_escape("Additional exporters: " + std::filesystem::path(c.program).stem().string()) << "</text>\n"
    << "<text x=\"" << w / 2 << "\" y=\"38\" text-anchor=\"middle\" fill=\"#555\">program minus baseline, 95% band "
    << "across replicates</text>\n";
  // program years shaded
  if (c.program_from > 0)
    o << "<rect x=\"" << f1(x(std::max(c.program_from, c.first_year))) << "\" y=\"" << top << "\" width=\""
      << f1(x(std::min(c.program_to, c.last_year)) - x(std::max(c.program_from, c.first_year))) << "\" height=\""
      << h - top - bottom << "\" fill=\"#f3f3f3\"/>\n";
  o << "<line x1=\"" << left << "\" x2=\"" << w - right << "\" y1=\"" << f1(yv(0)) << "\" y2=\"" << f1(yv(0))
    << "\" stroke=\"#999\"/>\n";
  const int decimals = hi - lo < 10 ? 1 : 0;  // small effects need a decimal to tell the ticks apart
  for (int t = 0; t <= 4; ++t) {
    const double v = lo + (hi - lo) * t / 4;
    o << "<text x=\"" << left - 6 << "\" y=\"" << f1(yv(v) + 4) << "\" text-anchor=\"end\">" << num(v, decimals)
      << "</text>\n";
  }
  o << "<text transform=\"translate(16," << f1(top + (h - top - bottom) / 2) << ") rotate(-90)\" "
    << "text-anchor=\"middle\">additional exporters</text>\n";
  for (int y = c.first_year; y <= c.last_year; y += std::max(1, years / 8))
    o << "<text x=\"" << f1(x(y)) << "\" y=\"" << h - bottom + 18 << "\" text-anchor=\"middle\">" << y << "</text>\n";
  for (std::size_t k = 0; k < lines.size(); ++k) {
    const Line& l = lines[k];
    std::string band, path;
    for (std::size_t i = 0; i < l.points.size(); ++i)
      band += (i ? " L" : "M") + f1(x(c.first_year + static_cast<int>(i))) + "," + f1(yv(l.points[i].hi));
    for (std::size_t i = l.points.size(); i-- > 0;)
      band += " L" + f1(x(c.first_year + static_cast<int>(i))) + "," + f1(yv(l.points[i].lo));
    for (std::size_t i = 0; i < l.points.size(); ++i)
      path += (i ? " L" : "M") + f1(x(c.first_year + static_cast<int>(i))) + "," + f1(yv(l.points[i].mean));
    o << "<path d=\"" << band << " Z\" fill=\"" << l.color << "\" fill-opacity=\"0.2\" stroke=\"none\"/>\n"
      << "<path d=\"" << path << "\" fill=\"none\" stroke=\"" << l.color << "\" stroke-width=\"2\"/>\n"
      << "<rect x=\"" << w - right + 15 << "\" y=\"" << top + 20 * k << "\" width=\"12\" height=\"12\" fill=\""
      << l.color << "\"/><text x=\"" << w - right + 32 << "\" y=\"" << top + 20 * k + 11 << "\">" << l.name
      << "</text>\n";
  }
  o << "</svg>\n";
  return o.str();
}

std::string cost_effectiveness_figure(const Evaluation& e) {
  std::vector<std::string> categories;
  std::vector<int> groups;
  if (e.comparisons.empty()) return "";
  const Comparison& first = e.comparisons.front();
  for (std::size_t g = 0; g < first.groups.names.size(); ++g)
    if (first.groups.family[g] != "target" || first.groups.names[g] == "targeted") {
      categories.push_back(first.groups.names[g]);
      groups.push_back(static_cast<int>(g));
    }
  static const char* colors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                 "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
  std::vector<est::BarSeries> series;
  for (std::size_t k = 0; k < e.comparisons.size(); ++k) {
    est::BarSeries s{program_label(e, k), {}, colors[k % 10]};
    for (int g : groups) s.values.push_back(headline(e.comparisons[k], g).cost_per_exporter / 1000.0);
    series.push_back(s);
  }
  return est::svg_grouped_bars("Cost per additional exporter by target group", categories, series,
                               "EUR thousand per additional exporter");
}

std::vector<std::string> write_effects(const Evaluation& e, const std::string& dir) {
  std::vector<std::pair<std::string, std::string>> files = {{"effects.md", effects_markdown(e)},
                                                            {"effects.csv", effects_csv(e)},
                                                            {"cost_effectiveness.svg", cost_effectiveness_figure(e)}};
  for (std::size_t k = 0; k < e.comparisons.size(); ++k)
    files.emplace_back("effect_" + std::to_string(k) + ".svg", effect_figure(e.comparisons[k]));
  return write_files(dir, files);
}

std::vector<std::string> write_files(const std::string& dir,
                                     const std::vector<std::pair<std::string, std::string>>& files) {
  std::vector<std::string> names;
  for (const auto& [name, text] : files) {
    write_file_atomically((std::filesystem::path(dir) / name).string(), text);
    names.push_back(name);
  }
  return names;
}

}  // namespace firmsim::policy
