// How the simulator fills the panel's firm-year, firm and flow tables from
// the engine's state: the `source` of each column in FIRMSIM_FIRM_YEAR_COLUMNS,
// FIRMSIM_FIRM_COLUMNS and FIRMSIM_FLOW_COLUMNS (sim/panel.hpp), turned into
// which state arrays to copy from the device and into one appended row. Nothing here names a column, so
// a new column is its one line in panel.hpp.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/engine.hpp"
#include "sim/panel.hpp"

namespace firmsim {

// What a row knows besides the state: its keys and whether the firm lived.
struct PanelRowKey {
  std::int32_t replicate = 0;
  std::int64_t firm = 0;
  std::int16_t year = 0;
  std::uint8_t alive = 1;
  std::uint8_t market = 0;  // flows
};

// The state arrays each table's columns read.
StateSelection firm_year_sources();
StateSelection firm_sources();
StateSelection flow_sources();

// Appends row k of a year's record (firm-year table) or of the firm table.
void append_firm_year_row(FirmYearColumns& to, const PanelRowKey& key, const FirmStateRows& state, std::size_t k);
void append_firm_row(FirmColumns& to, const PanelRowKey& key, const FirmTable& table, std::size_t k);
// Appends flow k of a year's record.
void append_flow_row(FlowColumns& to, const PanelRowKey& key, const YearRecord& record, std::size_t k);

}  // namespace firmsim
