#include "estimation/probit.hpp"

#include "estimation/split_design.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <ostream>
#include <stdexcept>

namespace firmsim::est {

namespace {

// |x'b| beyond which Phi(x'b) is 0 or 1 in double precision: an observation
// there is perfectly predicted, and the MLE is running off to infinity.
constexpr double kPerfectIndex = 37.0;

// Every pass over the observations goes through a SplitDesign, a block of
// rows at a time with per-row buffers of one block. Never a temporary of n
// rows: at 10^6 rows each one costs thousands of page faults, which on the
// benchmark VM cost more than the arithmetic.
constexpr Eigen::Index kBlockRows = SplitDesign::kBlockRows;

// The log-likelihood, gradient and Hessian at one b, and the largest |x'b|
// (perfect prediction shows there first).
struct LogLikelihood {
  double value = 0;
  Vector gradient;
  Matrix hessian;
  double max_abs_index = 0;
};

// The sums behind a LogLikelihood over some of the rows.
struct LogLikelihoodSums {
  double value = 0;
  Vector gradient;
  SplitDesign::CrossProduct information;  // -H
  double max_abs_index = 0;

  void add(const LogLikelihoodSums& other) {
    value += other.value;
    gradient += other.gradient;
    information.add(other.information);
    max_abs_index = std::max(max_abs_index, other.max_abs_index);
  }
};

// One observation's part at index x'b. With q = 2y - 1 and lambda =
// q phi(q x'b) / Phi(q x'b): its likelihood Phi(q x'b), the score lambda
// (g = sum lambda x) and the weight lambda (lambda + x'b) > 0 of
// -H = sum weight x x'. Far in the lower tail cdf is 0 and log_cdf holds the
// log of the likelihood (see normal_cdf_and_mills).
struct RowTerms {
  double cdf;
  double log_cdf;
  double score;
  double weight;
};

RowTerms row_terms(double y, double index) {
  const double q = y > 0.5 ? 1.0 : -1.0;
  const CdfAndMills t = normal_cdf_and_mills(q * index);
  const double lambda = q * t.mills;
  return {t.cdf, t.cdf > 0.0 ? 0.0 : normal_log_cdf(q * index), lambda, lambda * (lambda + index)};
}

// The sum of log p over likelihoods p in (0, 1], as the log of their product,
// kept in the normal range by moving its binary exponent aside: one log per
// block of rows instead of one per row (where the log costs a third of the
// row). p >= Phi(-30) ~ 2^-655 and the product stays >= 2^-300 before a
// multiplication, so it never underflows.
class LogOfProduct {
 public:
  void multiply(double p) {
    mantissa_ *= p;
    if (mantissa_ < 0x1p-300) {
      int exponent = 0;
      mantissa_ = std::frexp(mantissa_, &exponent);
      exponent_ += exponent;
    }
  }
  double log() const { return std::log(mantissa_) + exponent_ * M_LN2; }

 private:
  double mantissa_ = 1;
  double exponent_ = 0;
};

// row_terms with a memory of the last index met with each outcome. Without
// dummies every x'b is the same at the starting values, so the first pass
// computes the normal cdf twice instead of n times (with dummies, x'b is
// constant within each dummy's cell: runs of equal values in sorted data).
class RowTermsCache {
 public:
  const RowTerms& operator()(double y, double index) {
    const int outcome = y > 0.5;
    if (!(index_[outcome] == index)) {
      index_[outcome] = index;
      terms_[outcome] = row_terms(y, index);
    }
    return terms_[outcome];
  }

 private:
  double index_[2] = {NAN, NAN};
  RowTerms terms_[2] = {};
};

// One pass over the data: per block, the index, the per-row terms, then
// g += X'score and -H += X' diag(weight) X.
LogLikelihood evaluate(const Vector& y, const SplitDesign& X, const Vector& b) {
  LogLikelihoodSums zero{0, Vector::Zero(X.cols()), X.zero_cross_product(), 0};
  const LogLikelihoodSums sums =
      X.sum_over_chunks(zero, [&](Eigen::Index begin, Eigen::Index end, LogLikelihoodSums& sum) {
        SplitDesign::Block block;
        Vector index(kBlockRows), score(kBlockRows), weight(kBlockRows);
        RowTermsCache terms;
        X.for_each_block(begin, end, block, [&](SplitDesign::Block& blk) {
          const Eigen::Index rows = blk.rows;
          X.multiply(blk, b, index.head(rows));
          LogOfProduct likelihood;
          for (Eigen::Index i = 0; i < rows; ++i) {
            const RowTerms& t = terms(y[blk.start + i], index[i]);
            if (t.cdf > 0.0)
              likelihood.multiply(t.cdf);
            else
              sum.value += t.log_cdf;
            score[i] = t.score;
            weight[i] = t.weight;
          }
          sum.value += likelihood.log();
          sum.max_abs_index = std::max(sum.max_abs_index, index.head(rows).cwiseAbs().maxCoeff());
          X.add_transpose_product(blk, score.head(rows), sum.gradient);
          X.add_weighted_cross_product(blk, weight.head(rows), sum.information);
        });
      });
  return {sums.value, sums.gradient, -X.assemble(sums.information), sums.max_abs_index};
}

// Throws as cross_product_inverse does for a rank-deficient design, without
// its QR of the whole design (a copy of X and ~k passes over it) when X is
// clearly of full rank: the smallest eigenvalue of the column-scaled X'X is
// sigma_min(Xs)^2, and a column-pivoted QR of Xs has every |R_ii| >=
// sigma_min(Xs). At >= 1e-6 here (so sigma_min >= 1e-3, far above the
// rounding of X'X at 10^6 rows, ~1e-10), the QR's pivots are far above its
// 1e-9 threshold: the decision is the same. Only nearly collinear designs pay
// for the QR, which decides and names the column.
void require_full_rank(const SplitDesign& split, const Matrix& X, const std::vector<std::string>& names) {
  constexpr double kClearlyFullRank = 1e-6;
  if (X.rows() >= X.cols() && X.cols() > 0) {
    const Matrix gram = split.cross_product();
    const Vector scale = gram.diagonal().cwiseSqrt();
    if ((scale.array() > 0.0).all()) {
      const Matrix scaled = scale.cwiseInverse().asDiagonal() * gram * scale.cwiseInverse().asDiagonal();
      const Eigen::SelfAdjointEigenSolver<Matrix> eig(scaled, Eigen::EigenvaluesOnly);
      if (eig.info() == Eigen::Success && eig.eigenvalues()[0] >= kClearlyFullRank) return;
    }
  }
  cross_product_inverse(X, names);
}

std::vector<std::string> probit_names(const ProbitSpec& spec, Eigen::Index k) {
  std::vector<std::string> names = spec.names;
  if (names.empty())
    for (Eigen::Index j = 0; j < k; ++j) names.push_back("x" + std::to_string(j + 1));
  if (static_cast<Eigen::Index>(names.size()) != k)
    throw std::invalid_argument("probit: " + std::to_string(names.size()) + " names for " + std::to_string(k) +
                                " columns");
  if (spec.intercept) names.push_back("_cons");
  return names;
}

void validate(const Vector& y, const Matrix& X) {
  if (y.size() == 0) throw std::invalid_argument("probit: empty data");
  if (X.rows() != y.size())
    throw std::invalid_argument("probit: y has " + std::to_string(y.size()) + " rows, X has " +
                                std::to_string(X.rows()));
  require_finite(y, "probit: y");
  require_finite(X, "probit: X");
  for (Eigen::Index i = 0; i < y.size(); ++i)
    if (y[i] != 0.0 && y[i] != 1.0)
      throw std::invalid_argument("probit: outcome must be 0 or 1, found " + std::to_string(y[i]) + " in row " +
                                  std::to_string(i + 1));
  const double positives = y.sum();
  if (positives == 0.0 || positives == static_cast<double>(y.size()))
    throw std::invalid_argument("probit: outcome does not vary (all " + std::string(positives == 0.0 ? "0" : "1") +
                                ")");
}

// The outcomes by dummy (a column of 0s and 1s with both values): exact
// counts, from the design's count of 1s per column and X'y (for a dummy, the
// positive outcomes where it is 1), sums of 0s and 1s.
struct Dummy {
  Eigen::Index column = 0;
  double ones = 0, positives_at_one = 0;
};
struct DummyOutcomes {
  double n = 0, positives = 0;
  std::vector<Dummy> dummies;  // in column order
};

DummyOutcomes dummy_outcomes(const Vector& y, const SplitDesign& X) {
  DummyOutcomes d{static_cast<double>(X.rows()), y.sum(), {}};
  std::optional<Vector> positives_at_one;  // X'y, once a dummy needs it
  for (Eigen::Index j = 0; j < X.cols(); ++j) {
    const std::optional<Eigen::Index> ones = X.ones_in_column(j);
    if (!ones || *ones == 0 || *ones == X.rows()) continue;  // not a dummy, or a constant
    if (!positives_at_one) positives_at_one = X.transpose_product(y);
    d.dummies.push_back({j, static_cast<double>(*ones), (*positives_at_one)[j]});
  }
  return d;
}

struct PerfectPredictor {
  Eigen::Index column = 0;
  double value = 0;      // the dummy's value that determines the outcome
  bool success = false;  // the outcome it determines
};

// Stata's check: a dummy regressor one of whose values determines the outcome.
std::optional<PerfectPredictor> find_perfect_dummy(const DummyOutcomes& d) {
  for (const Dummy& dummy : d.dummies)
    for (double value : {1.0, 0.0}) {
      const double count = value == 1.0 ? dummy.ones : d.n - dummy.ones;
      const double positives = value == 1.0 ? dummy.positives_at_one : d.positives - dummy.positives_at_one;
      if (positives == 0.0 || positives == count) return PerfectPredictor{dummy.column, value, positives != 0.0};
    }
  return std::nullopt;
}

std::string describe(const PerfectPredictor& p, const std::string& name) {
  return name + (p.value == 0.0 ? " == 0" : " != 0") + " predicts " + (p.success ? "success" : "failure") +
         " perfectly";
}

void check_dummy_separation(const DummyOutcomes& d, const std::vector<std::string>& names) {
  if (const auto p = find_perfect_dummy(d))
    throw std::domain_error("probit: perfect prediction: " + describe(*p, names[static_cast<std::size_t>(p->column)]));
}

// Stata's remedy: drop the dummy and the observations it determines, repeatedly.
// Returns the estimation-sample mask; shrinks y, X and names in place.
std::vector<std::uint8_t> drop_perfect_dummies(Vector& y, Matrix& X, std::vector<std::string>& names,
                                               std::vector<std::string>& dropped, std::vector<std::string>& notes) {
  std::vector<std::uint8_t> sample(static_cast<std::size_t>(y.size()), 1);
  std::vector<Eigen::Index> original_row(static_cast<std::size_t>(y.size()));
  for (std::size_t i = 0; i < original_row.size(); ++i) original_row[i] = static_cast<Eigen::Index>(i);
  while (const auto p = find_perfect_dummy(dummy_outcomes(y, SplitDesign(X)))) {
    const std::string name = names[static_cast<std::size_t>(p->column)];
    std::vector<Eigen::Index> keep;
    for (Eigen::Index i = 0; i < y.size(); ++i)
      if (X(i, p->column) != p->value)
        keep.push_back(i);
      else
        sample[static_cast<std::size_t>(original_row[static_cast<std::size_t>(i)])] = 0;
    notes.push_back(describe(*p, name) + "; " + name + " dropped and " +
                    std::to_string(y.size() - static_cast<Eigen::Index>(keep.size())) + " obs not used");
    dropped.push_back(name);
    Matrix Xk(static_cast<Eigen::Index>(keep.size()), X.cols() - 1);
    Vector yk(static_cast<Eigen::Index>(keep.size()));
    std::vector<Eigen::Index> rows_k;
    for (std::size_t r = 0; r < keep.size(); ++r) {
      const Eigen::Index i = keep[r];
      yk[static_cast<Eigen::Index>(r)] = y[i];
      Eigen::Index c = 0;
      for (Eigen::Index j = 0; j < X.cols(); ++j)
        if (j != p->column) Xk(static_cast<Eigen::Index>(r), c++) = X(i, j);
      rows_k.push_back(original_row[static_cast<std::size_t>(i)]);
    }
    names.erase(names.begin() + p->column);
    X = std::move(Xk);
    y = std::move(yk);
    original_row = std::move(rows_k);
  }
  return sample;
}

// X as estimated: with the _cons column, if any (a copy either way; see
// uninitialized_matrix for why not a plain one).
Matrix design_matrix(const Matrix& X, bool intercept) {
  if (intercept) return with_intercept(X);
  Matrix design = uninitialized_matrix(X.rows(), X.cols());
  design = X;
  return design;
}

// The constant at the null model's MLE Phi^-1(ybar), each dummy at the MLE of
// its own model with a constant, Phi^-1(ybar | d = 1) - Phi^-1(ybar | d = 0),
// other regressors at 0. From the null model alone, Newton walks the
// coefficient of a rare dummy out in small steps: in the benchmark (an
// industry with 14 exporters among 110,000 firms) 10 iterations, from here 6.
// Without a constant: b = 0 (every Phi(x'b) = 1/2).
Vector starting_values(const DummyOutcomes& d, Eigen::Index k, bool intercept) {
  Vector b = Vector::Zero(k);
  if (!intercept) return b;
  b[k - 1] = normal_quantile(d.positives / d.n);
  for (const Dummy& dummy : d.dummies)
    b[dummy.column] = normal_quantile(dummy.positives_at_one / dummy.ones) -
                      normal_quantile((d.positives - dummy.positives_at_one) / (d.n - dummy.ones));
  return b;
}

void check_no_perfect_index(double max_index) {
  if (max_index > kPerfectIndex)
    throw std::domain_error("probit: perfect prediction: |x'b| reached " + std::to_string(max_index) +
                            "; some combination of regressors separates the outcomes (the MLE does not exist)");
}

// Quasi-complete separation: a direction d != 0 with q_i x_i'd >= 0 for every
// observation, along which the likelihood rises (or stays flat) forever. Newton
// "converges" there with a flat log-likelihood and an exploding variance along
// d, so the candidate is the direction of largest variance (smallest
// information). Finding such a d is proof that the MLE does not exist.
void check_quasi_separation(const Vector& y, const SplitDesign& X, const Matrix& information) {
  Eigen::SelfAdjointEigenSolver<Matrix> eig(information);
  const Vector d = eig.eigenvectors().col(0);
  // One pass for the extremes of q_i x_i'd and the largest |x_i'd|: d separates
  // if min q x'd >= -tolerance, -d if max q x'd <= tolerance.
  struct Extremes {
    double largest = 0, lowest = INFINITY, highest = -INFINITY;
    void add(const Extremes& o) {
      largest = std::max(largest, o.largest);
      lowest = std::min(lowest, o.lowest);
      highest = std::max(highest, o.highest);
    }
  };
  const Extremes e = X.sum_over_chunks(Extremes{}, [&](Eigen::Index begin, Eigen::Index end, Extremes& ext) {
    SplitDesign::Block block;
    Vector margin(kBlockRows);
    X.for_each_block(begin, end, block, [&](const SplitDesign::Block& blk) {
      X.multiply(blk, d, margin.head(blk.rows));
      for (Eigen::Index i = 0; i < blk.rows; ++i) {
        const double signed_margin = y[blk.start + i] > 0.5 ? margin[i] : -margin[i];
        ext.largest = std::max(ext.largest, std::fabs(margin[i]));
        ext.lowest = std::min(ext.lowest, signed_margin);
        ext.highest = std::max(ext.highest, signed_margin);
      }
    });
  });
  // d is only known up to the optimiser's precision: allow violations far below its scale.
  const double tolerance = 1e-6 * e.largest;
  if (e.lowest >= -tolerance || -e.highest >= -tolerance)
    throw std::domain_error(
        "probit: perfect prediction: a combination of regressors separates the outcomes (quasi-complete "
        "separation; the MLE does not exist)");
}

// Newton-Raphson with step halving; the probit log-likelihood is globally
// concave. Converged once g'H^-1 g < tolerance: the distance to the optimum is
// then up to sqrt(tolerance) standard errors (1e-5 at 1e-10), so one more full
// step (no line search: inside the quadratic region, where values differ by
// rounding noise) brings it to ~tolerance, and the estimates, variance and
// log-likelihood all come from that point.
Vector newton_raphson(const Vector& y, const SplitDesign& X, const Vector& start, const ProbitSpec& spec,
                      ProbitResult& r) {
  Vector b = start;
  LogLikelihood ll = evaluate(y, X, b);
  for (r.iterations = 0; r.iterations < spec.max_iterations; ++r.iterations) {
    Eigen::LDLT<Matrix> information(-ll.hessian);
    const Vector step = information.solve(ll.gradient);
    const double scaled_gradient = ll.gradient.dot(step);
    if (!std::isfinite(scaled_gradient))
      throw std::domain_error("probit: information matrix singular during iteration (perfect prediction?)");
    if (r.converged) break;  // after the final step
    double t = 1.0;
    LogLikelihood next = evaluate(y, X, b + step);
    r.converged = scaled_gradient < spec.tolerance;
    while (!r.converged && !(next.value >= ll.value) && t > 1e-10) {
      t *= 0.5;
      next = evaluate(y, X, b + t * step);
    }
    b += t * step;
    ll = std::move(next);
    check_no_perfect_index(ll.max_abs_index);
  }
  if (!r.converged)
    throw std::domain_error("probit: no convergence after " + std::to_string(spec.max_iterations) + " iterations");
  check_quasi_separation(y, X, -ll.hessian);
  r.log_likelihood = ll.value;
  r.vcov = (-ll.hessian).ldlt().solve(Matrix::Identity(X.cols(), X.cols()));
  return b;
}

double null_log_likelihood(const Vector& y, bool intercept) {
  const double n = static_cast<double>(y.size());
  if (!intercept) return n * std::log(0.5);  // b = 0: Phi(0) = 1/2 for every observation
  const double n1 = y.sum(), n0 = n - n1;
  return n1 * std::log(n1 / n) + n0 * std::log(n0 / n);
}

// drop_perfect_predictors: the strict probit once the perfect dummies and the
// observations they determine are dropped. Copies y and X only if there is
// something to drop.
ProbitResult probit_dropping_perfect_dummies(const Vector& y_in, const Matrix& X_in, const ProbitSpec& spec) {
  ProbitSpec strict = spec;
  strict.drop_perfect_predictors = false;
  strict.names = probit_names(spec, X_in.cols());
  if (spec.intercept) strict.names.pop_back();  // _cons is added back by the strict call
  if (!find_perfect_dummy(dummy_outcomes(y_in, SplitDesign(X_in)))) return probit(y_in, X_in, strict);
  Vector y = y_in;
  Matrix X = X_in;
  std::vector<std::string> dropped, notes;
  const std::vector<std::uint8_t> sample = drop_perfect_dummies(y, X, strict.names, dropped, notes);
  if (y.size() == 0) throw std::domain_error("probit: perfect prediction leaves no observations");
  ProbitResult r = probit(y, X, strict);
  r.sample = sample;
  r.dropped_regressors = dropped;
  r.notes = notes;
  return r;
}

}  // namespace

ProbitResult probit(const Vector& y, const Matrix& X, const ProbitSpec& spec) {
  validate(y, X);
  if (spec.drop_perfect_predictors) return probit_dropping_perfect_dummies(y, X, spec);
  const std::vector<std::string> names = probit_names(spec, X.cols());
  ProbitResult r;
  r.depvar = spec.depvar;
  r.has_intercept = spec.intercept;
  r.design = design_matrix(X, spec.intercept);
  r.n = y.size();
  r.n_positive = static_cast<Eigen::Index>(y.sum());
  const SplitDesign split(r.design);
  require_full_rank(split, r.design, names);
  const DummyOutcomes dummies = dummy_outcomes(y, split);
  check_dummy_separation(dummies, names);

  r.sample.assign(static_cast<std::size_t>(y.size()), 1);
  const Vector start = starting_values(dummies, r.design.cols(), spec.intercept);
  const Vector b = newton_raphson(y, split, start, spec, r);
  r.table = make_coefficient_table(names, b, r.vcov.diagonal().cwiseSqrt(), true, 0);

  const Eigen::Index listed = X.cols();
  r.log_likelihood_null = null_log_likelihood(y, spec.intercept);
  r.lr_df = static_cast<double>(listed);
  r.lr_chi2 = 2.0 * (r.log_likelihood - r.log_likelihood_null);
  r.pseudo_r2 = 1.0 - r.log_likelihood / r.log_likelihood_null;
  if (listed > 0) {
    r.lr_p = p_value_chi2(r.lr_chi2, r.lr_df);
    const Vector bl = b.head(listed);
    r.wald_chi2 = bl.dot(r.vcov.topLeftCorner(listed, listed).ldlt().solve(bl));
    r.wald_df = static_cast<double>(listed);
    r.wald_p = p_value_chi2(r.wald_chi2, r.wald_df);
  }
  return r;
}

Vector ProbitResult::linear_index() const { return design * table.coef; }

void ProbitResult::print(std::ostream& os) const {
  for (const auto& note : notes) os << "note: " << note << "\n";
  print_header(os, "Probit regression" + std::string(converged ? "" : " (NOT CONVERGED)"),
               {{"Iterations", std::to_string(iterations)}},
               {{"Number of obs", std::to_string(n)},
                {"LR chi2(" + format_number(lr_df, 0) + ")", format_number(lr_chi2, 2)},
                {"Prob > chi2", format_probability(lr_p)},
                {"Pseudo R2", format_number(pseudo_r2, 4)},
                {"Log likelihood", format_number(log_likelihood, 4)}});
  print_coefficient_table(os, table, depvar);
}

namespace {

// The sums over the observations behind the AMEs and their delta-method
// Jacobian (see average_marginal_effects); x1, x0: x with dummy j set to 1, 0.
struct MarginSums {
  double pdf = 0;       // sum phi(x'b)
  Vector index_pdf_x;   // X' (x'b phi(x'b))
  Vector change;        // per dummy: sum Phi(x1'b) - Phi(x0'b)
  Vector pdf_at_one;    // per dummy: sum phi(x1'b)
  Matrix pdf_change_x;  // per dummy, a column: X' (phi(x1'b) - phi(x0'b))

  void add(const MarginSums& more) {
    pdf += more.pdf;
    index_pdf_x += more.index_pdf_x;
    change += more.change;
    pdf_at_one += more.pdf_at_one;
    pdf_change_x += more.pdf_change_x;
  }
};

// One pass over the rows. x1'b and x0'b are x'b + b_j (1 - x_j) and
// x'b - b_j x_j, so one of them is x'b itself (exactly) for a 0/1 column:
// phi and Phi are computed once per row at x'b, and once per row and dummy
// at the other.
MarginSums margin_sums(const Matrix& design, const SplitDesign& X, const Vector& b,
                       const std::vector<Eigen::Index>& dummies) {
  const auto nd = static_cast<Eigen::Index>(dummies.size());
  const MarginSums zero{0, Vector::Zero(X.cols()), Vector::Zero(nd), Vector::Zero(nd), Matrix::Zero(X.cols(), nd)};
  return X.sum_over_chunks(zero, [&](Eigen::Index begin, Eigen::Index end, MarginSums& sum) {
    SplitDesign::Block block;
    Vector index(SplitDesign::kBlockRows), pdf(SplitDesign::kBlockRows), cdf(SplitDesign::kBlockRows);
    Vector work(SplitDesign::kBlockRows);
    X.for_each_block(begin, end, block, [&](const SplitDesign::Block& blk) {
      const Eigen::Index rows = blk.rows;
      X.multiply(blk, b, index.head(rows));
      for (Eigen::Index i = 0; i < rows; ++i) {
        pdf[i] = normal_pdf(index[i]);
        cdf[i] = normal_cdf(index[i]);
      }
      sum.pdf += pdf.head(rows).sum();
      work.head(rows) = index.head(rows).cwiseProduct(pdf.head(rows));
      X.add_transpose_product(blk, work.head(rows), sum.index_pdf_x);
      for (Eigen::Index d = 0; d < nd; ++d) {
        const Eigen::Index j = dummies[static_cast<std::size_t>(d)];
        const double* x = design.col(j).data() + blk.start;
        double change = 0, pdf_at_one = 0;
        for (Eigen::Index i = 0; i < rows; ++i) {
          const double i1 = index[i] + b[j] * (1.0 - x[i]), i0 = index[i] - b[j] * x[i];
          const double pdf1 = x[i] == 1.0 ? pdf[i] : normal_pdf(i1), pdf0 = x[i] == 0.0 ? pdf[i] : normal_pdf(i0);
          const double cdf1 = x[i] == 1.0 ? cdf[i] : normal_cdf(i1), cdf0 = x[i] == 0.0 ? cdf[i] : normal_cdf(i0);
          change += cdf1 - cdf0;
          pdf_at_one += pdf1;
          work[i] = pdf1 - pdf0;
        }
        sum.change[d] += change;
        sum.pdf_at_one[d] += pdf_at_one;
        X.add_transpose_product(blk, work.head(rows), sum.pdf_change_x.col(d));
      }
    });
  });
}

}  // namespace

MarginalEffects average_marginal_effects(const ProbitResult& fit, std::vector<bool> is_dummy) {
  const Matrix& design = fit.design;
  const SplitDesign X(design);
  const Vector& b = fit.table.coef;
  const Eigen::Index k = X.cols();
  const Eigen::Index listed = fit.has_intercept ? k - 1 : k;
  if (is_dummy.empty())
    for (Eigen::Index j = 0; j < listed; ++j) {
      const std::optional<Eigen::Index> ones = X.ones_in_column(j);
      is_dummy.push_back(ones && *ones > 0 && *ones < X.rows());
    }
  if (static_cast<Eigen::Index>(is_dummy.size()) != listed)
    throw std::invalid_argument("average_marginal_effects: " + std::to_string(is_dummy.size()) + " dummy flags for " +
                                std::to_string(listed) + " regressors");
  std::vector<Eigen::Index> dummies;
  for (Eigen::Index j = 0; j < listed; ++j)
    if (is_dummy[static_cast<std::size_t>(j)]) dummies.push_back(j);
  const MarginSums sums = margin_sums(design, X, b, dummies);

  const double n = static_cast<double>(X.rows());
  Vector ame(listed);
  Matrix jacobian = Matrix::Zero(listed, k);  // d AME_j / d b
  Eigen::Index d = 0;
  for (Eigen::Index j = 0; j < listed; ++j) {
    if (is_dummy[static_cast<std::size_t>(j)]) {
      // Discrete change: every observation evaluated at d = 1 and at d = 0. Its
      // gradient is sum phi(i1) x1 - phi(i0) x0: (phi(i1) - phi(i0)) x in every
      // column but j, phi(i1) in j.
      jacobian.row(j) = sums.pdf_change_x.col(d).transpose();
      jacobian(j, j) = sums.pdf_at_one[d];
      ame[j] = sums.change[d] / n;
      ++d;
    } else {
      // d/db of mean phi(x'b) b_j = mean phi e_j - b_j mean(x'b phi x): the second
      // term is the same vector X' (x'b phi) for every continuous regressor.
      const double sum_pdf = sums.pdf;
      jacobian.row(j) = -b[j] * sums.index_pdf_x.transpose();
      jacobian(j, j) += sum_pdf;
      ame[j] = b[j] * sum_pdf / n;
    }
  }
  jacobian /= n;
  MarginalEffects m;
  m.is_dummy = is_dummy;
  m.vcov = jacobian * fit.vcov * jacobian.transpose();
  std::vector<std::string> names(fit.table.names.begin(), fit.table.names.begin() + listed);
  m.table = make_coefficient_table(names, ame, m.vcov.diagonal().cwiseSqrt(), true, 0);
  return m;
}

void MarginalEffects::print(std::ostream& os) const {
  os << "\nAverage marginal effects (delta-method SEs); dy/dx w.r.t. the listed regressors\n"
     << "(dummies: discrete change from 0 to 1)\n";
  print_coefficient_table(os, table, "dy/dx");
}

}  // namespace firmsim::est
