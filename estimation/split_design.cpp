#include "estimation/split_design.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <optional>

namespace firmsim::est {

namespace {

// Counts the 1s of x[begin, end) into ones; false if a value is neither 0
// nor 1. Checked every 256 values, so a continuous column costs little, and
// the loop in between has no branch to stop it vectorising.
bool count_ones(const double* x, Eigen::Index begin, Eigen::Index end, Eigen::Index& ones) {
  for (Eigen::Index start = begin; start < end; start += 256) {
    const Eigen::Index stop = std::min(start + 256, end);
    Eigen::Index found = 0, other = 0;
    for (Eigen::Index i = start; i < stop; ++i) {
      found += x[i] == 1.0;
      other += x[i] != 1.0 && x[i] != 0.0;
    }
    if (other > 0) return false;
    ones += found;
  }
  return true;
}

// Per column: its 1s, and whether any value is neither 0 nor 1.
struct ColumnCounts {
  std::vector<Eigen::Index> ones;
  std::vector<std::uint8_t> other;
  void add(const ColumnCounts& more) {
    for (std::size_t j = 0; j < ones.size(); ++j) {
      ones[j] += more.ones[j];
      other[j] |= more.other[j];
    }
  }
};

}  // namespace

SplitDesign::SplitDesign(const Matrix& X) : X_(&X) { index_ones(classify_columns()); }

std::vector<std::int64_t> SplitDesign::classify_columns() {
  const auto k = static_cast<std::size_t>(cols());
  const ColumnCounts zero{std::vector<Eigen::Index>(k, 0), std::vector<std::uint8_t>(k, 0)};
  std::vector<ColumnCounts> chunk(static_cast<std::size_t>(chunks()), zero);
  for_each_chunk([&](Eigen::Index c, Eigen::Index begin, Eigen::Index end) {
    ColumnCounts& counts = chunk[static_cast<std::size_t>(c)];
    for (std::size_t j = 0; j < k; ++j)
      counts.other[j] = !count_ones(X_->col(static_cast<Eigen::Index>(j)).data(), begin, end, counts.ones[j]);
  });
  ColumnCounts total = zero;
  for (const ColumnCounts& counts : chunk) total.add(counts);
  // Sparse storage pays per 1 what dense storage pays per row: worth it for a
  // 0/1 column whose 1s are at most half its rows (a column of 1s, _cons, stays dense).
  ones_in_column_.assign(k, -1);
  for (std::size_t j = 0; j < k; ++j) {
    if (!total.other[j]) ones_in_column_[j] = total.ones[j];
    const bool sparse = !total.other[j] && 2 * total.ones[j] <= rows();
    (sparse ? sparse_ : dense_).push_back(static_cast<Eigen::Index>(j));
  }
  std::vector<std::int64_t> sparse_ones(chunk.size(), 0);
  for (std::size_t c = 0; c < chunk.size(); ++c)
    for (Eigen::Index j : sparse_) sparse_ones[c] += chunk[c].ones[static_cast<std::size_t>(j)];
  return sparse_ones;
}

// Each chunk places its 1s from its offset (the 1s of the chunks before it),
// a block of rows at a time: count each row's 1s, then place them while the
// block's part of the sparse columns is still in the cache.
void SplitDesign::index_ones(const std::vector<std::int64_t>& ones_per_chunk) {
  std::vector<std::int64_t> offset(ones_per_chunk.size() + 1, 0);
  for (std::size_t c = 0; c < ones_per_chunk.size(); ++c) offset[c + 1] = offset[c] + ones_per_chunk[c];
  row_start_ = uninitialized_array<std::int64_t>(rows() + 1);
  ones_ = uninitialized_array<std::int32_t>(offset.back());
  row_start_[0] = 0;
  for_each_chunk([&](Eigen::Index chunk, Eigen::Index begin, Eigen::Index end) {
    std::int64_t at = offset[static_cast<std::size_t>(chunk)];
    std::vector<std::int64_t> next(static_cast<std::size_t>(kBlockRows));
    for (Eigen::Index start = begin; start < end; start += kBlockRows) {
      const Eigen::Index rows = std::min(kBlockRows, end - start);
      std::fill(next.begin(), next.end(), 0);
      for (Eigen::Index column : sparse_) {
        const double* x = X_->col(column).data() + start;
        for (Eigen::Index i = 0; i < rows; ++i) next[static_cast<std::size_t>(i)] += x[i] == 1.0;
      }
      for (Eigen::Index i = 0; i < rows; ++i) {
        const std::int64_t count = next[static_cast<std::size_t>(i)];
        next[static_cast<std::size_t>(i)] = at;
        row_start_[start + i + 1] = at += count;
      }
      for (std::size_t s = 0; s < sparse_.size(); ++s) {
        const double* x = X_->col(sparse_[s]).data() + start;
        for (Eigen::Index i = 0; i < rows; ++i)
          if (x[i] == 1.0) ones_[next[static_cast<std::size_t>(i)]++] = static_cast<std::int32_t>(s);
      }
    }
  });
}

std::optional<Eigen::Index> SplitDesign::ones_in_column(Eigen::Index j) const {
  const Eigen::Index ones = ones_in_column_[static_cast<std::size_t>(j)];
  return ones < 0 ? std::nullopt : std::optional<Eigen::Index>(ones);
}

void SplitDesign::load(Eigen::Index start, Eigen::Index rows, Block& block) const {
  block.start = start;
  block.rows = rows;
  block.dense.resize(dense_.size());
  for (std::size_t a = 0; a < dense_.size(); ++a) block.dense[a] = X_->col(dense_[a]).data() + start;
}

SplitDesign::CrossProduct SplitDesign::zero_cross_product() const {
  const auto kd = static_cast<Eigen::Index>(dense_.size()), ks = static_cast<Eigen::Index>(sparse_.size());
  return {Matrix::Zero(kd, kd), Matrix::Zero(kd, ks), Matrix::Zero(ks, ks)};
}

void SplitDesign::CrossProduct::add(const CrossProduct& other) {
  dense += other.dense;
  mixed += other.mixed;
  sparse += other.sparse;
}

// The loops over a row's 1s below use raw indices: they run once per row and
// 1, where an Eigen expression on a few elements costs more than its arithmetic.

void SplitDesign::multiply(const Block& block, const Vector& v, Eigen::Ref<Vector> out) const {
  out.setZero();
  for (std::size_t a = 0; a < dense_.size(); ++a) out += v[dense_[a]] * block.column(a);
  const std::int64_t* start = row_start_.data() + block.start;
  for (Eigen::Index i = 0; i < block.rows; ++i)
    for (std::int64_t p = start[i]; p < start[i + 1]; ++p) out[i] += v[sparse_[static_cast<std::size_t>(ones_[p])]];
}

void SplitDesign::add_transpose_product(const Block& block, const Eigen::Ref<const Vector>& v,
                                        Eigen::Ref<Vector> sum) const {
  for (std::size_t a = 0; a < dense_.size(); ++a) sum[dense_[a]] += block.column(a).dot(v);
  const std::int64_t* start = row_start_.data() + block.start;
  for (Eigen::Index i = 0; i < block.rows; ++i)
    for (std::int64_t p = start[i]; p < start[i + 1]; ++p) sum[sparse_[static_cast<std::size_t>(ones_[p])]] += v[i];
}

void SplitDesign::add_weighted_cross_product(Block& block, const Eigen::Ref<const Vector>& w,
                                             CrossProduct& sum) const {
  const Eigen::Index rows = block.rows;
  const auto kd = static_cast<Eigen::Index>(dense_.size());
  // Dense x dense, lower triangle: one dot product of w x_c with x_a per
  // entry, vectorised along the rows. For these shapes (a few to 30 columns,
  // 512 rows) it is faster than Eigen's rank update or general product.
  if (block.weighted.rows() < rows || block.weighted.cols() != kd)
    block.weighted.resize(std::max(rows, kBlockRows), kd);
  for (Eigen::Index c = 0; c < kd; ++c) {
    const auto column = static_cast<std::size_t>(c);
    block.weighted.col(c).head(rows) = w.cwiseProduct(block.column(column));
    for (Eigen::Index a = c; a < kd; ++a)
      sum.dense(a, c) += block.weighted.col(c).head(rows).dot(block.column(static_cast<std::size_t>(a)));
  }
  // The rest, row by row over the row's 1s: w x_dense into the mixed column of
  // each, and w into each pair (j >= l, the lower triangle; ones_ ascend).
  const std::int64_t* start = row_start_.data() + block.start;
  const double* weighted = block.weighted.data();
  const Eigen::Index stride = block.weighted.rows(), ks = sum.sparse.rows();
  double* mixed = sum.mixed.data();
  double* sparse = sum.sparse.data();
  for (Eigen::Index i = 0; i < rows; ++i) {
    for (std::int64_t p = start[i]; p < start[i + 1]; ++p) {
      const Eigen::Index j = ones_[p];
      for (Eigen::Index a = 0; a < kd; ++a) mixed[j * kd + a] += weighted[a * stride + i];
      for (std::int64_t q = start[i]; q <= p; ++q) sparse[ones_[q] * ks + j] += w[i];
    }
  }
}

Matrix SplitDesign::assemble(const CrossProduct& parts) const {
  Matrix A(cols(), cols());
  const Matrix dense = parts.dense.selfadjointView<Eigen::Lower>();
  const Matrix sparse = parts.sparse.selfadjointView<Eigen::Lower>();
  for (std::size_t a = 0; a < dense_.size(); ++a)
    for (std::size_t c = 0; c < dense_.size(); ++c)
      A(dense_[a], dense_[c]) = dense(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(c));
  for (std::size_t j = 0; j < sparse_.size(); ++j) {
    for (std::size_t a = 0; a < dense_.size(); ++a)
      A(sparse_[j], dense_[a]) = A(dense_[a], sparse_[j]) =
          parts.mixed(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(j));
    for (std::size_t l = 0; l < sparse_.size(); ++l)
      A(sparse_[j], sparse_[l]) = sparse(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(l));
  }
  return A;
}

Vector SplitDesign::transpose_product(const Vector& v) const {
  struct Sum {
    Vector value;
    void add(const Sum& more) { value += more.value; }
  };
  return sum_over_chunks(Sum{Vector::Zero(cols())}, [&](Eigen::Index begin, Eigen::Index end, Sum& sum) {
           Block block;
           for_each_block(begin, end, block,
                          [&](Block& b) { add_transpose_product(b, v.segment(b.start, b.rows), sum.value); });
         })
      .value;
}

Matrix SplitDesign::cross_product() const {
  const Vector ones = Vector::Ones(kBlockRows);
  return assemble(sum_over_chunks(zero_cross_product(), [&](Eigen::Index begin, Eigen::Index end, CrossProduct& sum) {
    Block block;
    for_each_block(begin, end, block, [&](Block& b) { add_weighted_cross_product(b, ones.head(b.rows), sum); });
  }));
}

void SplitDesign::for_each_chunk(const std::function<void(Eigen::Index, Eigen::Index, Eigen::Index)>& body) const {
  const Eigen::Index count = chunks();
  std::exception_ptr failure;
#pragma omp parallel for schedule(dynamic) if (count > 1)
  for (Eigen::Index chunk = 0; chunk < count; ++chunk) {
    try {
      body(chunk, chunk * kChunkRows, std::min(rows(), (chunk + 1) * kChunkRows));
    } catch (...) {
#pragma omp critical(firmsim_split_design_failure)
      if (!failure) failure = std::current_exception();
    }
  }
  if (failure) std::rethrow_exception(failure);
}

}  // namespace firmsim::est
