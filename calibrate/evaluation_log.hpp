// DIR/evaluations.csv: every evaluation, appended and flushed (fsync) as it
// completes, so a killed calibration loses nothing it finished; --resume reads
// it back and the optimizers, re-run with the same seed, find each finished
// candidate there instead of simulating it again.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace firmsim::cal {

struct LoggedEvaluation {
  std::string stage;
  double seconds = 0, objective = 0;
  std::vector<double> theta, moments;
};

class EvaluationLog {
 public:
  // Opens (resume: reads and keeps) or creates the log. A log written for
  // other parameters or moments is an InputError naming the file and line.
  EvaluationLog(std::string path, std::vector<std::string> parameters, std::vector<std::string> moments, bool resume);
  // A reader of the log another process writes (calibration under MPI: the
  // other processes learn the finished evaluations from process 0's log);
  // append() does nothing.
  static std::shared_ptr<EvaluationLog> reader(std::string path, std::vector<std::string> parameters,
                                               std::vector<std::string> moments);
  ~EvaluationLog();
  EvaluationLog(const EvaluationLog&) = delete;
  EvaluationLog& operator=(const EvaluationLog&) = delete;

  const std::vector<LoggedEvaluation>& previous() const { return previous_; }
  void append(const LoggedEvaluation& e);
  const std::string& path() const { return path_; }

 private:
  EvaluationLog() = default;
  std::string header() const;
  void read_existing();

  std::string path_;
  std::vector<std::string> parameters_, moments_;
  std::vector<LoggedEvaluation> previous_;
  std::FILE* file_ = nullptr;
  int count_ = 0;
};

// A CSV field, quoted when it needs to be.
std::string csv_field(const std::string& s);
// Splits one CSV line (double-quoted fields may hold commas and "" quotes).
std::vector<std::string> split_csv_line(const std::string& line);

}  // namespace firmsim::cal
