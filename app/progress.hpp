// Progress of a long run: a redrawn bar on a terminal, one plain line per
// step otherwise (logs, CI), so both people and log files get what they need.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

namespace firmsim {

class Progress {
 public:
  Progress(std::FILE* out, int total, bool interactive)
      : out_(out), total_(total), interactive_(interactive), start_(std::chrono::steady_clock::now()) {}

  // Reports that `done` of `total` steps are complete; `label` says what the
  // last one was, `detail` gives its figures (printed on plain lines only).
  void update(int done, const std::string& label, const std::string& detail) {
    const double elapsed = seconds();
    if (!interactive_) {
      std::fprintf(out_, "%s: %s (%.1f s)\n", label.c_str(), detail.c_str(), elapsed);
      std::fflush(out_);
      return;
    }
    const int width = 30;
    const int filled = total_ > 0 ? width * done / total_ : width;
    const double eta = done > 0 ? elapsed * (total_ - done) / done : 0;
    std::fprintf(out_, "\r[%s%s] %3d/%d %s  %.1f s, about %.0f s left   ", std::string(filled, '#').c_str(),
                 std::string(width - filled, '.').c_str(), done, total_, label.c_str(), elapsed, eta);
    if (done == total_) std::fprintf(out_, "\n");
    std::fflush(out_);
  }

  double seconds() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count(); }

 private:
  std::FILE* out_;
  int total_;
  bool interactive_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace firmsim
