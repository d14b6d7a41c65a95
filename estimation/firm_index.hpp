// Position of a firm id in a sorted list of ids, for the passes of prepare_tables
// over millions of panel rows.
//
// A simulated panel numbers its firms 0..slots-1 within a replicate, so a vector
// indexed by id - smallest id finds a position with one load where a hash map
// cost most of prepare_tables' time (issue 18). Ids from a researcher's file may
// be anything: when they are not compact (the range is more than a few times
// the count), a hash map is used instead. Both give the same positions.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

namespace firmsim::est {

class FirmIndex {
 public:
  // `ids` ascending; a repeated id keeps its last position (as a map assigned in order would).
  explicit FirmIndex(const std::vector<std::int64_t>& ids) {
    if (ids.empty()) return;
    first_ = ids.front();
    const std::uint64_t range = static_cast<std::uint64_t>(ids.back()) - static_cast<std::uint64_t>(first_);
    dense_ = range < 4 * static_cast<std::uint64_t>(ids.size()) + 1024;
    if (dense_) {
      position_.assign(range + 1, -1);
      for (std::size_t i = 0; i < ids.size(); ++i) position_[static_cast<std::size_t>(ids[i] - first_)] = as_int(i);
    } else {
      map_.reserve(ids.size());
      for (std::size_t i = 0; i < ids.size(); ++i) map_[ids[i]] = as_int(i);
    }
  }

  // The id's position, -1 when absent.
  std::int64_t find(std::int64_t id) const {
    if (dense_) {
      const std::uint64_t offset = static_cast<std::uint64_t>(id) - static_cast<std::uint64_t>(first_);
      return offset < position_.size() ? position_[offset] : -1;  // ids below first_ wrap to huge offsets
    }
    const auto it = map_.find(id);
    return it == map_.end() ? -1 : it->second;
  }

 private:
  static std::int32_t as_int(std::size_t i) { return static_cast<std::int32_t>(i); }  // rows < 2^31

  bool dense_ = true;
  std::int64_t first_ = 0;
  std::vector<std::int32_t> position_;  // 4 bytes: 16 MB for 4 million ids
  std::unordered_map<std::int64_t, std::int32_t> map_;
};

}  // namespace firmsim::est
