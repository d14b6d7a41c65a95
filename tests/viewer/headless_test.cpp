// firmsim-viewer --headless under Xvfb: the PNG has the requested size, is not
// blank, and every panel's tile has something drawn in it (the map its region
// colours, the charts their series colours).
#include <gtest/gtest.h>
#include <stb_image.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <set>
#include <string>

#include "viewer/view_model.hpp"

namespace firmsim::view {
namespace {

std::string source_dir() {
  const char* d = std::getenv("FIRMSIM_SOURCE_DIR");
  return d ? d : ".";
}

bool have_xvfb_run() { return std::system("command -v xvfb-run > /dev/null 2>&1") == 0; }

struct Image {
  int w = 0, h = 0;
  std::vector<unsigned char> rgb;
  Rgb at(int x, int y) const {
    const std::size_t k = (std::size_t(y) * std::size_t(w) + std::size_t(x)) * 3;
    return {rgb[k], rgb[k + 1], rgb[k + 2]};
  }
};

Image read_png(const std::string& path) {
  Image img;
  int channels = 0;
  std::unique_ptr<unsigned char, void (*)(void*)> data(stbi_load(path.c_str(), &img.w, &img.h, &channels, 3),
                                                       stbi_image_free);
  if (data) img.rgb.assign(data.get(), data.get() + std::size_t(img.w) * std::size_t(img.h) * 3);
  return img;
}

int key(Rgb c) { return (c.r << 16) | (c.g << 8) | c.b; }

// Distinct colours inside a tile, a margin in from its edges (the menu bar's
// height depends on the font, so edges are avoided).
std::set<int> colours_in(const Image& img, const Rect& r, int margin = 24) {
  std::set<int> out;
  for (int y = int(r.y) + margin; y < int(r.y + r.h) - margin && y < img.h; ++y)
    for (int x = int(r.x) + margin; x < int(r.x + r.w) - margin && x < img.w; ++x) out.insert(key(img.at(x, y)));
  return out;
}

int region_colours_present(const std::set<int>& colours, int regions) {
  int n = 0;
  for (int k = 0; k < regions; ++k) n += colours.count(key(region_colour(k))) > 0;
  return n;
}

// Runs the viewer under xvfb-run; returns its exit status.
int run_viewer(const std::string& args, const std::string& png) {
  std::remove(png.c_str());
  const std::string cmd = "cd '" + source_dir() + "' && xvfb-run -a '" FIRMSIM_VIEWER_EXE "' --headless " + args +
                          " --screenshot '" + png + "' configs/belgium.yaml > '" + png + ".log' 2>&1";
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string log_of(const std::string& png) {
  std::string text;
  if (FILE* f = std::fopen((png + ".log").c_str(), "r")) {
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, f)) text.append(buf, n);
    std::fclose(f);
  }
  return text;
}

std::string temp_png(const char* name) {
  return (::testing::TempDir() + "firmsim_viewer_" + name + "_" + std::to_string(getpid()) + ".png");
}

constexpr int kRegions = 9;  // configs/belgium.yaml

TEST(Headless, ThreeYearsDrawEveryPanel) {
  if (!have_xvfb_run()) GTEST_SKIP() << "xvfb-run is not installed (Debian: xvfb, xauth, libgl1-mesa-dri)";
  const std::string png = temp_png("three");
  ASSERT_EQ(run_viewer("--years 3 --firms 2000", png), 0) << log_of(png);
  EXPECT_NE(log_of(png).find("after 3 simulated years (through 1952)"), std::string::npos) << log_of(png);
  const Image img = read_png(png);
  ASSERT_FALSE(img.rgb.empty()) << "cannot read " << png;
  EXPECT_EQ(img.w, 1600);
  EXPECT_EQ(img.h, 1000);
  const Layout l = tile_layout(1600, 1000, 20);
  EXPECT_GT(colours_in(img, {0, 0, 1600, 1000}, 0).size(), 300u) << "the image looks blank";
  // Every tile has text, frames or plots in it, not just a background.
  for (const Rect& r : {l.controls, l.policy, l.series, l.map, l.distributions, l.firm, l.comparison})
    EXPECT_GT(colours_in(img, r).size(), 8u) << "tile at " << r.x << "," << r.y << " is empty";
  // Before the first recorded year the map still places every market.
  EXPECT_EQ(region_colours_present(colours_in(img, l.map), kRegions), kRegions);
  // The series legend: alive (grey) and exporters (the first series colour).
  const std::set<int> series = colours_in(img, l.series);
  EXPECT_TRUE(series.count(key(region_colour(9))));
  EXPECT_TRUE(series.count(key(region_colour(0))));
}

TEST(Headless, CompleteRunFillsHistogramsAndComparison) {
  if (!have_xvfb_run()) GTEST_SKIP() << "xvfb-run is not installed (Debian: xvfb, xauth, libgl1-mesa-dri)";
  const std::string png = temp_png("complete");
  ASSERT_EQ(run_viewer("--firms 3000 --width 1280 --height 800", png), 0) << log_of(png);
  EXPECT_NE(log_of(png).find("after 56 simulated years (through 2005)"), std::string::npos) << log_of(png);
  const Image img = read_png(png);
  ASSERT_EQ(img.w, 1280);
  ASSERT_EQ(img.h, 800);
  const Layout l = tile_layout(1280, 800, 20);
  const std::set<int> dist = colours_in(img, l.distributions);
  // Bars in their series colours: markets per exporter, size, age at first export.
  EXPECT_TRUE(dist.count(key(region_colour(0))));
  EXPECT_TRUE(dist.count(key(region_colour(2))));
  EXPECT_TRUE(dist.count(key(region_colour(1))));
  // Comparison cells are painted in the closeness colours (ImGui's table
  // background colours are exact: 0.60/0.15/0.15 -> 153,38,38).
  const std::set<int> cmp = colours_in(img, l.comparison);
  const int far = key({153, 38, 38}), close = key({33, 115, 51}), near = key({140, 115, 26});
  EXPECT_TRUE(cmp.count(far) || cmp.count(close) || cmp.count(near)) << "no graded comparison cells";
  EXPECT_GT(colours_in(img, l.firm).size(), 20u);
  EXPECT_GE(region_colours_present(colours_in(img, l.map), kRegions), 6);
}

TEST(Headless, PolicyPanelDrawsTheProgramAgainstItsBaseline) {
  if (!have_xvfb_run()) GTEST_SKIP() << "xvfb-run is not installed (Debian: xvfb, xauth, libgl1-mesa-dri)";
  const std::string png = temp_png("policy");
  ASSERT_EQ(run_viewer("--firms 2000 --scenario scenarios/export_promotion.yaml", png), 0) << log_of(png);
  const Image img = read_png(png);
  ASSERT_EQ(img.w, 1600);
  const Layout l = tile_layout(1600, 1000, 20);
  const std::set<int> policy = colours_in(img, l.policy);
  // The additional-exporters line and the cost line in their series colours.
  EXPECT_TRUE(policy.count(key(region_colour(3))));
  EXPECT_TRUE(policy.count(key(region_colour(1))));
}

TEST(Headless, PolicyPanelDrawsATheoryScenarioAgainstItsBaseline) {
  if (!have_xvfb_run()) GTEST_SKIP() << "xvfb-run is not installed (Debian: xvfb, xauth, libgl1-mesa-dri)";
  const std::string png = temp_png("theory");
  ASSERT_EQ(run_viewer("--firms 2000 --scenario scenarios/waterfall_only.yaml", png), 0) << log_of(png);
  const Image img = read_png(png);
  const Layout l = tile_layout(1600, 1000, 20);
  const std::set<int> policy = colours_in(img, l.policy);
  // Additional exporters, and the exporters of both worlds: the scenario's
  // and the baseline's lines in their series colours.
  EXPECT_TRUE(policy.count(key(region_colour(3))));
  EXPECT_TRUE(policy.count(key(region_colour(1))));
  EXPECT_TRUE(policy.count(key(region_colour(0))));
}

TEST(Headless, BadConfigExitsWithTwo) {
  if (!have_xvfb_run()) GTEST_SKIP() << "xvfb-run is not installed";
  const std::string png = temp_png("bad");
  const std::string cmd =
      "xvfb-run -a '" FIRMSIM_VIEWER_EXE "' --headless --screenshot '" + png + "' /nonexistent.yaml > /dev/null 2>&1";
  const int status = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 2);
  EXPECT_NE(access(png.c_str(), F_OK), 0);
}

}  // namespace
}  // namespace firmsim::view
