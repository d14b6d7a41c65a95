// Shared by the tests that start a command (firmsim, mpirun) and read back
// the files it wrote.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace firmsim::testing {

// A finished command: its exit status (128 + the signal when one killed it,
// -1 when it could not start) and what it wrote to the pipe.
struct Outcome {
  int status = -1;
  std::string output;
};

// Runs `command` through the shell and collects its standard output; the
// command's own redirections choose what that is (e.g. "2>&1 >/dev/null":
// its standard error alone).
inline Outcome run_command(const std::string& command) {
  Outcome o;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return o;
  std::array<char, 4096> buf;
  while (fgets(buf.data(), buf.size(), pipe)) o.output += buf.data();
  const int raw = pclose(pipe);
  o.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : WIFSIGNALED(raw) ? 128 + WTERMSIG(raw) : -1;
  return o;
}

// A whole file as bytes ("" when it cannot be read).
inline std::string slurp(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A test with a fresh directory of its own, removed afterwards:
// <tmp>/firmsim-<suite>-<test>-<pid> (the pid keeps two build trees' ctest
// runs apart).
class ScratchDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("firmsim-" + std::string(info->test_suite_name()) + "-" + info->name() + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  // Writes `text` to dir_/name; returns the file's path.
  std::string write(const std::string& name, const std::string& text) const {
    const std::filesystem::path p = dir_ / name;
    std::ofstream(p) << text;
    return p.string();
  }
  std::filesystem::path dir_;
};

}  // namespace firmsim::testing
