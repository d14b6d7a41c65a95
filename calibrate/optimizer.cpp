#include "calibrate/optimizer.hpp"

#include <nlopt.hpp>
#include <pagmo/algorithms/pso_gen.hpp>
#include <pagmo/batch_evaluators/member_bfe.hpp>
#include <pagmo/bfe.hpp>
#include <pagmo/population.hpp>
#include <pagmo/problem.hpp>
#include <random>

namespace firmsim::cal {

namespace {

// The calibration as a pagmo problem in the unit box; batch_fitness hands a
// whole generation to the evaluator at once.
struct SmmProblem {
  Evaluator* evaluator = nullptr;
  std::size_t dimension = 0;

  pagmo::vector_double fitness(const pagmo::vector_double& u) const {
    return {evaluator->evaluate_one(from_unit(evaluator->setup().parameters, u), "global").objective};
  }
  pagmo::vector_double batch_fitness(const pagmo::vector_double& dvs) const {
    std::vector<std::vector<double>> thetas;
    for (std::size_t i = 0; i < dvs.size(); i += dimension)
      thetas.push_back(
          from_unit(evaluator->setup().parameters, std::vector<double>(dvs.begin() + i, dvs.begin() + i + dimension)));
    pagmo::vector_double f;
    for (const Evaluation& e : evaluator->evaluate(thetas, "global")) f.push_back(e.objective);
    return f;
  }
  bool has_batch_fitness() const { return true; }
  std::pair<pagmo::vector_double, pagmo::vector_double> get_bounds() const {
    return {pagmo::vector_double(dimension, 0.0), pagmo::vector_double(dimension, 1.0)};
  }
  std::string get_name() const { return "firmsim SMM"; }
};

// The first swarm: the config's values and uniform points of the box, all in
// one batch.
pagmo::population first_swarm(Evaluator& evaluator, const SearchSettings& s, const pagmo::problem& problem) {
  const std::vector<Parameter>& ps = evaluator.setup().parameters;
  std::mt19937_64 rng(s.seed);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::vector<std::vector<double>> us{to_unit(ps, start_values(ps))};
  while (static_cast<int>(us.size()) < s.swarm) {
    std::vector<double> u;
    for (std::size_t i = 0; i < ps.size(); ++i) u.push_back(uniform(rng));
    us.push_back(u);
  }
  std::vector<std::vector<double>> thetas;
  for (const auto& u : us) thetas.push_back(from_unit(ps, u));
  const std::vector<Evaluation> evaluated = evaluator.evaluate(thetas, "start");
  pagmo::population pop(problem, 0u, s.seed);
  for (std::size_t i = 0; i < us.size(); ++i) pop.push_back(us[i], {evaluated[i].objective});
  return pop;
}

std::vector<double> polish(Evaluator& evaluator, const SearchSettings& s, std::vector<double> u, int budget) {
  if (budget <= 0) return u;
  const std::vector<Parameter>& ps = evaluator.setup().parameters;
  nlopt::opt opt(nlopt::LN_SBPLX, static_cast<unsigned>(ps.size()));
  opt.set_lower_bounds(std::vector<double>(ps.size(), 0.0));
  opt.set_upper_bounds(std::vector<double>(ps.size(), 1.0));
  opt.set_maxeval(budget);
  opt.set_xtol_abs(1e-4);
  opt.set_initial_step(s.local_step);
  auto f = [](const std::vector<double>& x, std::vector<double>&, void* data) {
    auto* ev = static_cast<Evaluator*>(data);
    return ev->evaluate_one(from_unit(ev->setup().parameters, x), "local").objective;
  };
  opt.set_min_objective(f, &evaluator);
  double value = 0;
  try {
    opt.optimize(u, value);
  } catch (const nlopt::roundoff_limited&) {
    // The polish stops on round-off near a flat optimum: the best point so far stands.
  }
  return u;
}

// The particle swarm over the box, `budget` evaluations in generations of
// s.swarm (one batch each).
void swarm_search(Evaluator& evaluator, const SearchSettings& s, int budget) {
  const std::vector<Parameter>& ps = evaluator.setup().parameters;
  pagmo::problem problem{SmmProblem{&evaluator, ps.size()}};
  pagmo::population pop = first_swarm(evaluator, s, problem);
  const unsigned generations = static_cast<unsigned>(std::max(0, budget / s.swarm - 1));
  if (generations == 0) return;
  pagmo::pso_gen swarm(generations, 0.7298, 2.05, 2.05, 0.5, 5u, 2u, 4u, false, s.seed);
  swarm.set_bfe(pagmo::bfe{pagmo::member_bfe{}});
  swarm.evolve(pop);
}

// The `count` best screened candidates, evaluated at full size in batches.
int promote(Evaluator& full, const Evaluator& screen, int count) {
  std::vector<std::vector<double>> thetas;
  for (const Evaluation& e : screen.ranked(count)) thetas.push_back(e.theta);
  full.evaluate(thetas, "promoted");
  return static_cast<int>(thetas.size());
}

}  // namespace

SearchResult search(Evaluator& evaluator, const SearchSettings& s, Evaluator* screen) {
  const std::vector<Parameter>& ps = evaluator.setup().parameters;
  SearchResult result;
  result.start_theta = start_values(ps);
  result.start_objective = evaluator.evaluate_one(result.start_theta, "start").objective;

  Evaluator& global = screen ? *screen : evaluator;
  const int global_budget =
      screen ? std::max(s.swarm, s.screen_evaluations) : std::max(s.swarm, static_cast<int>(s.evaluations * s.global_share));
  swarm_search(global, s, global_budget);
  if (screen) {
    result.screened = screen->total();
    result.promoted = promote(evaluator, *screen, s.promote);
  }
  result.global_evaluations = evaluator.total();

  const std::vector<double> best_global = evaluator.best()->theta;
  const int local_budget = s.evaluations - evaluator.total();
  polish(evaluator, s, to_unit(ps, best_global), local_budget);
  result.local_evaluations = evaluator.total() - result.global_evaluations;
  result.best_theta = evaluator.best()->theta;
  result.best_objective = evaluator.best()->objective;
  return result;
}

}  // namespace firmsim::cal
