// The decoded form of one cell as row rules see it.
#pragma once

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

}  // namespace citydata::quality
