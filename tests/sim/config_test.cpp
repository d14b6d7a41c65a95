// Bad input gets one clear error naming file, line and key.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "command_support.hpp"
#include "sim/input_error.hpp"
#include "support.hpp"

namespace firmsim {
namespace {

namespace fs = std::filesystem;

class ConfigErrors : public testing::ScratchDirTest {
 protected:
  // The error of loading the default config with this overlay.
  InputError overlay_error(const std::string& overlay_text) {
    const std::string overlay = write("overlay.yaml", overlay_text);
    try {
      load_config(testing::default_config_path(), {overlay});
    } catch (const InputError& e) {
      return e;
    }
    ADD_FAILURE() << "no error for overlay:\n" << overlay_text;
    return InputError("", 0, "", "");
  }
};

TEST_F(ConfigErrors, DefaultConfigLoads) {
  const Config c = load_config(testing::default_config_path());
  EXPECT_EQ(c.markets.size(), 64u);
  EXPECT_EQ(c.industries.size(), 12u);
  for (const char* iso : {"NL", "DE", "FR", "LU", "GB", "IT", "US", "ES", "CH", "DK", "CN", "PL", "JP", "TW", "CA",
                          "IN", "RU", "BR", "TR"}) {
    bool found = false;
    for (const MarketSpec& m : c.markets) found |= m.meta.iso == iso;
    EXPECT_TRUE(found) << iso;
  }
}

TEST_F(ConfigErrors, UnknownKeyNamesOverlayFileLineAndKey) {
  const InputError e = overlay_error("model:\n  exports:\n    sunk_cots: 5\n");
  EXPECT_EQ(e.file(), (dir_ / "overlay.yaml").string());
  EXPECT_EQ(e.line(), 3);
  EXPECT_EQ(e.key(), "model.exports.sunk_cots");
  EXPECT_NE(std::string(e.what()).find("unknown key"), std::string::npos) << e.what();
}

TEST_F(ConfigErrors, WrongTypeNamesTheKey) {
  const InputError e = overlay_error("run:\n  firms: lots\n");
  EXPECT_EQ(e.key(), "run.firms");
  EXPECT_EQ(e.line(), 2);
  EXPECT_EQ(e.file(), (dir_ / "overlay.yaml").string());
}

TEST_F(ConfigErrors, OutOfRangeValueNamesRange) {
  const InputError e = overlay_error("model:\n  exports:\n    discount: 1.5\n");
  EXPECT_EQ(e.key(), "model.exports.discount");
  EXPECT_NE(std::string(e.what()).find("out of range"), std::string::npos) << e.what();
}

TEST_F(ConfigErrors, ErrorInTheMainFileNamesItsLine) {
  // Break one line of a copy of the default world and find that line in the error.
  const fs::path src = fs::path(testing::source_dir()) / "configs";
  fs::copy(src / "world", dir_ / "world", fs::copy_options::recursive);
  std::ifstream in(src / "belgium.yaml");
  std::string text, line;
  int broken = 0, n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (!broken && line.find("    margin: 0.15") == 0) {
      line = "    margin: -3";
      broken = n;
    }
    text += line + "\n";
  }
  ASSERT_GT(broken, 0);
  const std::string path = write("belgium.yaml", text);
  try {
    load_config(path);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), path);
    EXPECT_EQ(e.line(), broken);
    EXPECT_EQ(e.key(), "model.exports.margin");
  }
}

TEST_F(ConfigErrors, MissingFileAndSyntaxError) {
  try {
    load_config((dir_ / "absent.yaml").string());
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot open"), std::string::npos);
  }
  const InputError e = overlay_error("model: [1, 2\n");
  EXPECT_EQ(e.file(), (dir_ / "overlay.yaml").string());
  EXPECT_NE(std::string(e.what()).find("syntax"), std::string::npos) << e.what();
}

TEST_F(ConfigErrors, UnknownRegionAndDuplicateMarket) {
  const InputError a = overlay_error(
      "policies:\n  - {name: x, kind: information, from: 1998, to: 2000, strength: 0.5, markets: [Atlantis]}\n");
  EXPECT_EQ(a.key(), "policies[0].markets");
  const InputError b = overlay_error("policies:\n  - {name: x, kind: magic, from: 1998, to: 2000, strength: 0.5}\n");
  EXPECT_EQ(b.key(), "policies[0].kind");
}

TEST_F(ConfigErrors, ScenarioOverlaysApply) {
  const std::string overlay = write(
      "s.yaml", "scenario: {name: test, description: lower sunk costs}\nmodel:\n  exports:\n    sunk_cost: 1234\n");
  const Config c = load_config(testing::default_config_path(), {overlay});
  EXPECT_FLOAT_EQ(c.model.exports.sunk_cost, 1234.0f);
  EXPECT_FLOAT_EQ(c.model.exports.fixed_cost, load_config(testing::default_config_path()).model.exports.fixed_cost);
}

TEST(ParameterDocs, EveryModelParameterIsDocumentedInConfigsReadme) {
  std::ifstream in(fs::path(testing::source_dir()) / "configs" / "README.md");
  std::stringstream text;
  text << in.rdbuf();
  for (const ParameterInfo& p : model_parameters())
    EXPECT_NE(text.str().find("`model." + p.key + "`"), std::string::npos)
        << p.key << " is missing from configs/README.md (regenerate with: firmsim params --markdown)";
}

TEST(Scenarios, EveryShippedScenarioLoads) {
  const fs::path dir = fs::path(testing::source_dir()) / "scenarios";
  int n = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.path().extension() != ".yaml") continue;
    EXPECT_NO_THROW(load_config(testing::default_config_path(), {entry.path().string()})) << entry.path();
    ++n;
  }
  EXPECT_GE(n, 13);
}

// The program library: each program cites the seed sentence it rests on and
// is listed in scenarios/README.md.
TEST(Scenarios, EveryPolicyProgramCitesItsSourceAndIsListed) {
  const fs::path dir = fs::path(testing::source_dir()) / "scenarios";
  std::ifstream readme_file(dir / "README.md");
  std::stringstream readme;
  readme << readme_file.rdbuf();
  int n = 0;
  for (const auto& entry : fs::directory_iterator(dir / "policies")) {
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    const std::string t = text.str();
    EXPECT_TRUE(t.find("Source, seed 002: \"") != std::string::npos ||
                t.find("Source, seed 000: \"") != std::string::npos)
        << entry.path() << " does not quote seed 002 or 000";
    EXPECT_NE(t.find("Lever:"), std::string::npos) << entry.path();
    EXPECT_NE(readme.str().find("policies/" + entry.path().filename().string()), std::string::npos)
        << entry.path() << " is not listed in scenarios/README.md";
    ++n;
  }
  EXPECT_GE(n, 10);
}

}  // namespace
}  // namespace firmsim
