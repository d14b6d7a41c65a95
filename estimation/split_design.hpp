// A design matrix as the passes of an iterative estimator over 10^6 rows read
// it: dense columns (continuous regressors, _cons, 0/1 columns that are mostly
// 1) read in place from X a block of rows at a time, and the 0/1 columns that
// are mostly 0 (dummies) kept as, row by row, the list of those that are 1.
//
// Products with the design then cost O(dense^2 + ones^2) per row instead of
// O(k^2): for the benchmark's probit (ln FTE, ln TFP, _cons and industry
// dummies) X'WX goes from k(k+1)/2 multiply-adds per row to about ten, and
// every pass reads the three dense columns and the list instead of all of X.
//
// Passes run over fixed chunks of rows on OpenMP threads (sum_over_chunks):
// each chunk sums into its own partial, and the partials are added in chunk
// order, so every result is the same bit for bit on any number of threads.
#pragma once

#include "estimation/linear_algebra.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace firmsim::est {

class SplitDesign {
 public:
  // Rows per block: a block's part of the dense columns and the per-row
  // buffers of a pass stay in the L1/L2 cache between the products on it.
  static constexpr Eigen::Index kBlockRows = 512;
  // Rows per chunk, the unit of work of a thread: ~60 chunks at 10^6 rows,
  // enough to balance two to sixteen threads, few partial sums to add.
  static constexpr Eigen::Index kChunkRows = 32 * kBlockRows;

  // X is referenced, not copied: it must outlive the SplitDesign.
  explicit SplitDesign(const Matrix& X);

  Eigen::Index rows() const { return X_->rows(); }
  Eigen::Index cols() const { return X_->cols(); }
  const std::vector<Eigen::Index>& dense_columns() const { return dense_; }
  const std::vector<Eigen::Index>& sparse_columns() const { return sparse_; }
  // The number of 1s of column j if all its values are 0 or 1, else nullopt.
  std::optional<Eigen::Index> ones_in_column(Eigen::Index j) const;

  // One block of rows: where its dense columns are in X (read in place), and
  // the workspace of the products on it. Reuse one per thread across blocks.
  struct Block {
    Eigen::Index start = 0, rows = 0;
    std::vector<const double*> dense;  // dense column a of the block: dense[a][0 .. rows)
    Matrix weighted;                   // add_weighted_cross_product's w times the dense columns
    Eigen::Map<const Vector> column(std::size_t a) const { return {dense[a], rows}; }
  };
  void load(Eigen::Index start, Eigen::Index rows, Block& block) const;

  // body(block) for each block of rows in [begin, end), in order.
  template <class Body>
  void for_each_block(Eigen::Index begin, Eigen::Index end, Block& block, Body&& body) const {
    for (Eigen::Index start = begin; start < end; start += kBlockRows) {
      load(start, std::min(kBlockRows, end - start), block);
      body(block);
    }
  }

  // The sum over the chunks of rows of body(begin, end, partial), each chunk
  // [begin, end) summing into its own copy of zero; Partial::add adds one
  // partial to another. Chunks run on OpenMP threads in any order, partials
  // are added in chunk order: the same bits on any number of threads.
  template <class Partial, class Body>
  Partial sum_over_chunks(const Partial& zero, Body&& body) const {
    std::vector<Partial> partials(static_cast<std::size_t>(chunks()), zero);
    for_each_chunk([&](Eigen::Index chunk, Eigen::Index begin, Eigen::Index end) {
      body(begin, end, partials[static_cast<std::size_t>(chunk)]);
    });
    Partial total = zero;
    for (const Partial& partial : partials) total.add(partial);
    return total;
  }

  // X' diag(w) X in parts: dense x dense and sparse x sparse (lower
  // triangles), and sparse x dense.
  struct CrossProduct {
    Matrix dense;   // dense x dense
    Matrix mixed;   // dense x sparse: column j = sum of w x_dense over the rows where sparse column j is 1
    Matrix sparse;  // sparse x sparse
    void add(const CrossProduct& other);
  };
  CrossProduct zero_cross_product() const;

  // out = X_block v (out: block.rows entries).
  void multiply(const Block& block, const Vector& v, Eigen::Ref<Vector> out) const;
  // sum += X_block' v (v: block.rows entries; sum: cols() entries).
  void add_transpose_product(const Block& block, const Eigen::Ref<const Vector>& v, Eigen::Ref<Vector> sum) const;
  // sum += X_block' diag(w) X_block.
  void add_weighted_cross_product(Block& block, const Eigen::Ref<const Vector>& w, CrossProduct& sum) const;
  // The cols() x cols() symmetric matrix in X's column order.
  Matrix assemble(const CrossProduct& parts) const;

  // X'v and X'X over all rows.
  Vector transpose_product(const Vector& v) const;
  Matrix cross_product() const;

 private:
  Eigen::Index chunks() const { return (rows() + kChunkRows - 1) / kChunkRows; }
  // Fills dense_, sparse_ and ones_in_column_; returns the sparse columns' 1s per chunk.
  std::vector<std::int64_t> classify_columns();
  void index_ones(const std::vector<std::int64_t>& ones_per_chunk);  // fills row_start_, ones_
  // body(chunk, begin, end) for every chunk, on OpenMP threads; the first
  // exception thrown by a body is rethrown once all have finished.
  void for_each_chunk(const std::function<void(Eigen::Index, Eigen::Index, Eigen::Index)>& body) const;

  const Matrix* X_;
  std::vector<Eigen::Index> dense_, sparse_;  // X's column numbers
  std::vector<Eigen::Index> ones_in_column_;  // -1 for a column not all 0 or 1
  // Row i's sparse columns equal to 1 are ones_[row_start_[i] .. row_start_[i+1]),
  // as positions in sparse_, ascending.
  Eigen::Array<std::int64_t, Eigen::Dynamic, 1> row_start_;
  Eigen::Array<std::int32_t, Eigen::Dynamic, 1> ones_;
};

}  // namespace firmsim::est
