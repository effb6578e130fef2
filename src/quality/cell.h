// The decoded form of one cell as row rules see it.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "core/types.h"

namespace citydata::quality {

// A cell of the current row, decoded once and shared by every rule that reads the
// column. `text` is the value's text form: the string itself, integers in decimal,
// decimals in the shortest round-trip form, booleans as "true"/"false". The views
// stay valid until the scan moves to the next row.
struct Cell {
  bool null = true;
  std::string_view text;
  // The typed value, for rules that compare numbers without parsing `text`: set for
  // numbers and booleans, possibly nullptr for text (read `text`), nullptr for NULL.
  const Value* value = nullptr;
};

// Consecutive rows of a scan, decoded: row r is cells[r * columns, (r + 1) * columns),
// one cell per scanned column. Valid during the call that receives it.
class CellBlock {
 public:
  // REQUIRES: cells.size() == row_ids.size() * columns.
  CellBlock(std::span<const int64_t> row_ids, std::span<const Cell> cells, size_t columns)
      : row_ids_(row_ids), cells_(cells), columns_(columns) {}

  size_t rows() const { return row_ids_.size(); }
  int64_t row_id(size_t row) const { return row_ids_[row]; }
  std::span<const Cell> row(size_t row) const { return cells_.subspan(row * columns_, columns_); }

 private:
  std::span<const int64_t> row_ids_;
  std::span<const Cell> cells_;
  size_t columns_;
};

}  // namespace citydata::quality
