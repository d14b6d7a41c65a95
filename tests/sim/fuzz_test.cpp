// Fuzzing the command line with generated configs and corrupted panels
// (issue 8, item 12). Seeded, so a failure is reproducible:
//   FIRMSIM_FUZZ_SEED (default 8), FIRMSIM_FUZZ_CASES (configs per batch,
//   default 40; a quarter as many panels, since each compare runs every table).
// 6 batches (separate ctest tests, so ctest -j runs them side by side):
// 240 configs and 60 panels by default.
// It asserts only what must hold for ANY input: firmsim exits 0 or 2 (never a
// crash, an abort, a sanitizer report or "internal error"), a failure prints
// exactly one line and creates no output directory, a success leaves no
// temporary file.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "command_support.hpp"
#include "support.hpp"

namespace firmsim {
namespace {

namespace fs = std::filesystem;
using testing::Outcome;
using testing::run_command;

// firmsim's exit status and standard error (stdout dropped).
Outcome run_firmsim(const std::string& args) {
  return run_command(std::string(FIRMSIM_EXE) + " " + args + " 2>&1 >/dev/null");
}

long env_number(const char* name, long fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atol(v) : fallback;
}

using Rng = std::mt19937_64;

template <class T>
const T& pick(Rng& rng, const std::vector<T>& v) {
  return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng)];
}
int roll(Rng& rng, int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); }

// Values a careless or hostile user could write.
std::string value(Rng& rng) {
  static const std::vector<std::string> values = {"-1",         "0",
                                                  "1",          "0.5",
                                                  "2",          "10",
                                                  "1993",       "1998",
                                                  "2005",       "1800",
                                                  "2100",       "1e308",
                                                  "-1e308",     "1e39",
                                                  ".inf",       "-.inf",
                                                  ".nan",       "abc",
                                                  "[]",         "{}",
                                                  "null",       "~",
                                                  "''",         "true",
                                                  "3.7",        "99999999999999999999",
                                                  "[1, 2]",     "{a: 1}",
                                                  "\"5\"",      "0x10",
                                                  "1e-320",     "-0",
                                                  "4000000000", "9007199254740993",
                                                  "&x 7",       "*undefined_alias"};
  return pick(rng, values);
}

// Keys of every section (a sample), by dotted path.
const std::vector<std::string>& keys() {
  static const std::vector<std::string> k = {"run.seed",
                                             "run.replicates",
                                             "run.firms",
                                             "run.burn_in_start",
                                             "run.first_year",
                                             "run.last_year",
                                             "run.batch",
                                             "run.birth_growth",
                                             "demand_base_year",
                                             "model.efficiency.persistence",
                                             "model.learning.passive",
                                             "model.domestic.entry_fte_min",
                                             "model.domestic.entry_fte_max",
                                             "model.domestic.max_fte",
                                             "model.death.max_hazard",
                                             "model.exports.scale",
                                             "model.exports.sunk_cost",
                                             "model.exports.discount",
                                             "model.exports.reentry_years",
                                             "model.strategy.mode",
                                             "model.imports.decay",
                                             "measurement.extrastat_threshold",
                                             "measurement.export_dummy_first_year",
                                             "measurement.export_dummy_last_year",
                                             "measurement.sample_first_year",
                                             "measurement.sample_last_year",
                                             "typology.early_years",
                                             "typology.min_countries",
                                             "regions",
                                             "markets",
                                             "industries",
                                             "policies",
                                             "shocks",
                                             "include",
                                             "model.exports",
                                             "run",
                                             "unknown_key",
                                             "model.unknown.key"};
  return k;
}

// A key path as nested YAML with `text` as its value.
std::string nested(const std::string& path, const std::string& text) {
  std::string out, indent;
  std::size_t start = 0;
  while (true) {
    const auto dot = path.find('.', start);
    const std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (dot == std::string::npos) return out + indent + part + ": " + text + "\n";
    out += indent + part + ":\n";
    indent += "  ";
    start = dot + 1;
  }
}

std::string policy(Rng& rng) {
  static const std::vector<std::string> kinds = {"sunk_cost_subsidy",   "information",      "diplomacy",
                                                 "import_facilitation", "credit_guarantee", "bribe"};
  static const std::vector<std::string> markets = {"[]", "[all]", "[DE]", "[XX]", "[EU15, asia]", "DE"};
  std::ostringstream p;
  const bool junk = roll(rng, 3) == 0;  // most policies are well-formed
  const int from = 1990 + roll(rng, 20);
  p << "  - {name: p" << roll(rng, 100) << ", kind: " << (junk ? pick(rng, kinds) : "information") << ", from: " << from
    << ", to: " << (junk ? 1990 + roll(rng, 20) : from + roll(rng, 5)) << ", strength: " << (junk ? value(rng) : "0.3");
  if (roll(rng, 2)) p << ", markets: " << (junk ? pick(rng, markets) : "[DE]");
  if (junk && roll(rng, 2)) p << ", min_fte: " << value(rng) << ", max_fte: " << value(rng);
  if (junk && roll(rng, 2)) p << ", exporter_status: " << (roll(rng, 2) ? "exporters" : value(rng));
  return p.str() + "}\n";
}

std::string shock(Rng& rng) {
  std::ostringstream s;
  s << "  - {name: s, from: " << 1990 + roll(rng, 20) << ", to: " << 1990 + roll(rng, 20)
    << ", markets: " << (roll(rng, 3) ? "[DE]" : "[EU15]") << ", demand_factor: " << (roll(rng, 2) ? "900" : value(rng))
    << "}\n";
  return s.str();
}

// Settings the kernels use as whole numbers (issue 20, item 5).
const std::vector<std::string>& whole_keys() {
  static const std::vector<std::string> k = {"model.strategy.mode",        "model.learning.passive",
                                             "model.interactions.peers",   "model.strategy.max_markets",
                                             "model.exports.reentry_years", "run.seed",
                                             "run.replicates",             "typology.min_countries"};
  return k;
}

// config_overlay's answer when the scenario is to be a file of the scratch
// directory that is not a regular file (the rest of the answer names it).
const std::string kHostilePath = "\x01hostile:";

// An overlay of 1-4 mutations, or now and then a malformed document.
std::string config_overlay(Rng& rng, const fs::path& dir) {
  switch (roll(rng, 16)) {
    case 12:  // a second document, or junk after the end of the first (issue 20, item 5)
      return pick(rng, std::vector<std::string>{"run:\n  seed: 3\n---\nrun:\n  seed: 4\n",
                                                "run:\n  seed: 3\n...\nmodel: junk\n", "---\n---\n",
                                                "model:\n  exports:\n    margin: 0.2\n...\n..."});
    case 13:  // a whole number given with a fraction
      return nested(pick(rng, whole_keys()), pick(rng, std::vector<std::string>{"1.5", "0.5", "3.7", "2.0000001"}));
    case 14:  // a FIFO or a loop of symbolic links (made by SetUp) as a scenario
      return kHostilePath + pick(rng, std::vector<std::string>{"fifo.yaml", "loop_a.yaml", "loop_dir/x.yaml"});
    case 15: {  // more shocks than the limit, or just within it
      std::string y = "shocks:\n";
      for (int k = roll(rng, 2) ? 1001 : 1000; k > 0; --k)
        y += "  - {name: s, from: 2000, to: 2001, markets: [DE], demand_factor: 1}\n";
      return y;
    }
    case 0:
      return "model: {exports: [\n";  // unbalanced
    case 1: {
      std::string junk;
      for (int k = 0; k < 200; ++k) junk += static_cast<char>(1 + roll(rng, 255));
      return junk;
    }
    case 2: {  // an alias bomb of random depth
      std::ostringstream y;
      const int levels = 2 + roll(rng, 8);
      y << "bomb:\n  l0: &l0 [x, x, x, x, x, x, x, x]\n";
      for (int l = 1; l <= levels; ++l)
        y << "  l" << l << ": &l" << l << " [*l" << l - 1 << ", *l" << l - 1 << ", *l" << l - 1 << ", *l" << l - 1
          << ", *l" << l - 1 << ", *l" << l - 1 << ", *l" << l - 1 << ", *l" << l - 1 << "]\n";
      return y.str();
    }
    case 3: {  // policies and shocks
      std::string y = "policies:\n";
      for (int k = roll(rng, 2) ? roll(rng, 4) : roll(rng, 20); k >= 0; --k) y += policy(rng);
      y += "shocks:\n";
      for (int k = roll(rng, 4); k >= 0; --k) y += shock(rng);
      return y;
    }
    case 4:
      return "include: [" +
             pick(rng,
                  std::vector<std::string>{(dir / "overlay.yaml").string(), dir.string(), "/nonexistent.yaml", "[a]"}) +
             "]\n";
    default:
      break;
  }
  std::string y;
  // Mostly one key (several keys under one section repeat the section: a
  // duplicate-key error, which is tested, but should not be all there is).
  for (int k = roll(rng, 3) ? 0 : roll(rng, 4); k >= 0; --k) {
    const std::string& key = pick(rng, keys());
    // Half the values are ordinary numbers, so that many configs pass and run.
    y += nested(key, roll(rng, 2) ? pick(rng, std::vector<std::string>{"0.5", "1", "0", "2", "0.1"}) : value(rng));
    if (roll(rng, 8) == 0) y += nested(key, value(rng));  // the same key again
  }
  return y;
}

// For the shell that popen runs.
std::string shell_quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string extra_options(Rng& rng) {
  std::string o;
  if (roll(rng, 4) == 0)
    o += " --years " + std::to_string(1985 + roll(rng, 25)) + ":" + std::to_string(1990 + roll(rng, 20));
  if (roll(rng, 6) == 0) o += " --seed " + shell_quoted(value(rng));
  if (roll(rng, 6) == 0) o += " --threads " + pick(rng, std::vector<std::string>{"1", "2", "0", "100000", "-3"});
  if (roll(rng, 6) == 0) o += " --batch " + pick(rng, std::vector<std::string>{"1", "7", "0", "1e30"});
  if (roll(rng, 8) == 0) o += " --compare";
  if (roll(rng, 8) == 0) o += " --format " + pick(rng, std::vector<std::string>{"dta", "csv", "xls"});
  if (roll(rng, 10) == 0)  // an empty value (issue 20, item 5)
    o += " " + pick(rng, std::vector<std::string>{"--seed", "--batch", "--threads", "--years", "--checkpoint-every"}) +
         " ''";
  if (roll(rng, 12) == 0) o += " --distribute " + pick(rng, std::vector<std::string>{"bogus", "replicates", "auto"});
  return o;
}

bool has_temporaries(const fs::path& dir) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().filename().string().find(".tmp-") != std::string::npos) return true;
  return false;
}

// Tally of outcomes, printed per batch so a run shows both paths were taken.
struct Tally {
  int accepted = 0, refused = 0;
  ~Tally() { std::printf("fuzz: %d accepted, %d refused\n", accepted, refused); }
};

void expect_clean_outcome(const Outcome& o, const fs::path& out, const std::string& what, Tally& tally) {
  (o.status == 0 ? tally.accepted : tally.refused) += 1;
  if (std::getenv("FIRMSIM_FUZZ_VERBOSE")) std::printf("%d %s", o.status, o.output.c_str());
  ASSERT_TRUE(o.status == 0 || o.status == 2) << what << "\nstatus " << o.status << ": " << o.output;
  if (o.status == 2) {
    EXPECT_EQ(std::count(o.output.begin(), o.output.end(), '\n'), 1) << what << "\n" << o.output;
    EXPECT_EQ(o.output.rfind("firmsim: ", 0), 0u) << what << "\n" << o.output;
    EXPECT_EQ(o.output.find("internal error"), std::string::npos) << what << "\n" << o.output;
    EXPECT_FALSE(fs::exists(out)) << what << "\n" << o.output;
  } else {
    EXPECT_TRUE(o.output.empty()) << what << "\n" << o.output;
    EXPECT_FALSE(has_temporaries(out)) << what;
  }
}

class Fuzz : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() / ("firmsim-fuzz-" + std::to_string(::getpid()) + "-" + std::to_string(GetParam()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    short_ = (dir_ / "short.yaml").string();
    std::ofstream(short_) << "run:\n  burn_in_start: 1990\n  first_year: 1998\n";
    // Inputs that used to hang or misreport (issue 20, item 5): a FIFO, a
    // loop of symbolic links, a path through a looping directory link.
    ::mkfifo((dir_ / "fifo.yaml").c_str(), 0600);
    fs::create_symlink(dir_ / "loop_b.yaml", dir_ / "loop_a.yaml");
    fs::create_symlink(dir_ / "loop_a.yaml", dir_ / "loop_b.yaml");
    fs::create_symlink(dir_ / "loop_dir", dir_ / "loop_dir");
    rng_.seed(static_cast<std::uint64_t>(env_number("FIRMSIM_FUZZ_SEED", 8)) * 1000 + GetParam());
    cases_ = static_cast<int>(env_number("FIRMSIM_FUZZ_CASES", 40));
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  std::string short_;
  Rng rng_;
  int cases_ = 0;
};

TEST_P(Fuzz, GeneratedConfigs) {
  Tally tally;
  for (int k = 0; k < cases_; ++k) {
    const std::string overlay = config_overlay(rng_, dir_);
    std::string overlay_path = (dir_ / "overlay.yaml").string();
    std::string config = testing::default_config_path();
    if (overlay.rfind(kHostilePath, 0) == 0) {
      // Half the time the hostile file is the scenario, half an include of the config.
      const std::string hostile = overlay.substr(kHostilePath.size());
      if (roll(rng_, 2)) {
        overlay_path = (dir_ / hostile).string();
      } else {
        config = (dir_ / "including.yaml").string();
        std::ofstream(config, std::ios::trunc)
            << "include: [" << testing::default_config_path() << ", " << hostile << "]\n";
      }
    } else {
      std::ofstream(dir_ / "overlay.yaml", std::ios::trunc) << overlay;
    }
    const fs::path out = dir_ / ("out" + std::to_string(k));
    const std::string args = "run " + config + " --scenario " + short_ + " --scenario " + overlay_path +
                             " --firms 40 --replicates 1 --quiet" + extra_options(rng_) + " --out " + out.string();
    expect_clean_outcome(run_firmsim(args), out, "case " + std::to_string(k) + ": " + args + "\n" + overlay, tally);
    fs::remove_all(out);
  }
}

// One way to damage a panel file's text.
std::string damaged(Rng& rng, std::string text) {
  // The last row: values that parse but are impossible (issue 20, item 3).
  static const std::vector<std::string> cells = {
      "inf", "-inf", "1e39", "nan", "", "x", "-1", "0x", "1e400", "99999999999999999999", "0xffffffffffffffffff",
      "\"",  "1,2", "-5", "2", "7", "-1000", "NA", "3000", std::string("1\0", 2) + "2"};
  if (text.empty()) return "x";
  std::size_t at = std::uniform_int_distribution<std::size_t>(0, text.size() - 1)(rng);
  switch (roll(rng, 7)) {
    case 6:  // the header alone
      return text.substr(0, text.find('\n') + 1);
    case 0:  // cut the file anywhere
      return text.substr(0, at);
    case 1: {  // a line twice
      const auto b = text.rfind('\n', at), e = text.find('\n', at);
      const std::string line =
          text.substr(b == std::string::npos ? 0 : b + 1,
                      e == std::string::npos ? std::string::npos : e - (b == std::string::npos ? 0 : b + 1));
      return text + line + "\n";
    }
    case 2: {  // a line dropped
      const auto b = text.rfind('\n', at), e = text.find('\n', at);
      if (e == std::string::npos) return text;
      return text.substr(0, b == std::string::npos ? 0 : b + 1) + text.substr(e + 1);
    }
    default: {  // a cell replaced
      const auto b = text.find_last_of(",\n", at), e = text.find_first_of(",\n", at);
      const std::size_t from = b == std::string::npos ? 0 : b + 1;
      return text.substr(0, from) + pick(rng, cells) + (e == std::string::npos ? "" : text.substr(e));
    }
  }
}

// Edits of the manifest that used to switch its checks off (issue 20, item 4).
std::string manifest_edit(Rng& rng, std::string text) {
  const auto files = text.find("files:");
  const auto entry = text.find("  - {", files);
  if (files == std::string::npos || entry == std::string::npos) return text;
  const std::string first = text.substr(entry, text.find('\n', entry) + 1 - entry);
  switch (roll(rng, 4)) {
    case 0:
      return text.substr(0, files) + "files: []\n";
    case 1: {  // a duplicate entry, a wrong one first
      std::string wrong = first;
      wrong.replace(wrong.find("crc32: \"") + 8, 8, "deadbeef");
      return text.insert(entry, wrong);
    }
    case 2:
      return text.insert(text.find("crc32: \"") + 8, std::to_string(roll(rng, 10)));
    default:
      return text.erase(entry, first.size());
  }
}

TEST_P(Fuzz, CorruptedPanels) {
  const fs::path panel = dir_ / "panel";
  const Outcome made = run_firmsim("run " + testing::default_config_path() + " --scenario " + short_ +
                                   " --firms 150 --quiet --out " + panel.string());
  ASSERT_EQ(made.status, 0) << made.output;
  Tally tally;
  const std::vector<std::string> files = {"firm_years.csv", "firms.csv", "flows.csv", "panel_meta.yaml",
                                          "panel_manifest.yaml"};
  for (int k = 0; k < (cases_ + 3) / 4; ++k) {
    const fs::path copy = dir_ / "copy";
    fs::remove_all(copy);
    fs::copy(panel, copy);
    // Mostly without the manifest, so the damage reaches the content checks.
    if (roll(rng_, 4) != 0) fs::remove(copy / "panel_manifest.yaml");
    for (int d = roll(rng_, 2); d >= 0; --d) {
      const std::string& file = pick(rng_, files);
      std::ifstream in(copy / file);
      std::stringstream s;
      s << in.rdbuf();
      in.close();
      if (file == "panel_manifest.yaml" && !fs::exists(copy / file)) continue;
      std::ofstream(copy / file, std::ios::trunc)
          << (file == "panel_manifest.yaml" && roll(rng_, 2) ? manifest_edit(rng_, s.str()) : damaged(rng_, s.str()));
    }
    const fs::path out = dir_ / ("cmp" + std::to_string(k));
    const std::string args = "compare " + copy.string() + " --out " + out.string();
    expect_clean_outcome(run_firmsim(args), out, "panel case " + std::to_string(k), tally);
    fs::remove_all(out);
  }
}

INSTANTIATE_TEST_SUITE_P(Batches, Fuzz, ::testing::Range(0, 6));

}  // namespace
}  // namespace firmsim
