// Shared by the tests that start a command (firmsim, mpirun) and read back
// the files it wrote.
#pragma once

#include <sys/wait.h>

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

}  // namespace firmsim::testing
