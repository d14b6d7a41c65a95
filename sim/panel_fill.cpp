#include "sim/panel_fill.hpp"

#include "kernels/hd.hpp"

namespace firmsim {

// Each source kind, as the state arrays it needs ...
#define FIRMSIM_NEEDS_ROW(key)
#define FIRMSIM_NEEDS_STATE(array) which.set(state_bit(StateArray::array));
#define FIRMSIM_NEEDS_MARKETS(array) which.set(state_bit(StateArray::array));
#define FIRMSIM_NEEDS_TRAIT(trait)
#define FIRMSIM_NEEDS_CELL(array) which.set(state_bit(StateArray::array));
#define FIRMSIM_NEEDS_OBSERVED(array, mask) \
  which.set(state_bit(StateArray::array));  \
  which.set(state_bit(StateArray::mask));
#define FIRMSIM_NEEDS(type, name, required, fallback, source) FIRMSIM_NEEDS_##source

// ... and as the value of row k (key, state, table, cells and firm_row name
// the row's parts).
#define FIRMSIM_FROM_ROW(field) key.field
#define FIRMSIM_FROM_STATE(array) state.array[k]
#define FIRMSIM_FROM_MARKETS(array) popcount64(state.array[k])
#define FIRMSIM_FROM_TRAIT(trait) table.trait[k]
#define FIRMSIM_FROM_CELL(array) cells.array[k]
#define FIRMSIM_FROM_OBSERVED(array, mask) (((state.mask[firm_row] >> key.market) & 1u) ? cells.array[k] : 0.0f)
#define FIRMSIM_APPEND(type, name, required, fallback, source) \
  to.name.push_back(static_cast<type>(FIRMSIM_FROM_##source));

StateSelection firm_year_sources() {
  StateSelection which;
  FIRMSIM_FIRM_YEAR_COLUMNS(FIRMSIM_NEEDS)
  return which;
}

StateSelection firm_sources() {
  StateSelection which;
  FIRMSIM_FIRM_COLUMNS(FIRMSIM_NEEDS)
  return which;
}

StateSelection flow_sources() {
  StateSelection which;
  FIRMSIM_FLOW_COLUMNS(FIRMSIM_NEEDS)
  return which;
}

void append_firm_year_row(FirmYearColumns& to, const PanelRowKey& key, const FirmStateRows& state, std::size_t k) {
  FIRMSIM_FIRM_YEAR_COLUMNS(FIRMSIM_APPEND)
}

void append_firm_row(FirmColumns& to, const PanelRowKey& key, const FirmTable& table, std::size_t k) {
  const FirmStateRows& state = table.state;
  FIRMSIM_FIRM_COLUMNS(FIRMSIM_APPEND)
}

void append_flow_row(FlowColumns& to, const PanelRowKey& key, const YearRecord& record, std::size_t k) {
  const FirmStateRows& state = record.state;
  const MarketStateCells& cells = record.flow_state;
  const std::size_t firm_row = static_cast<std::size_t>(record.flow_row[k]);
  FIRMSIM_FLOW_COLUMNS(FIRMSIM_APPEND)
}

}  // namespace firmsim
