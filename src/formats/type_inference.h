// Conservative column type inference and value conversion for ingested text.
//
// The rules protect data over guessing: a value that would lose information as a
// number stays text. Leading zeros ("010010", "0102"), values over 15 digits (ID
// numbers, bank cards), phone numbers with a leading "+" or of 11 digits starting
// with 1, and numbers with thousands separators are text. A column is typed only if
// every non-null value in it conforms; otherwise it is text.
#pragma once

#include <optional>
#include <string_view>

#include "core/types.h"

namespace citydata::formats {

// Accumulates observations of one column's values. Empty strings count as text
// evidence only for non-text types if configured; by default "" is treated like NULL
// for inference (it does not widen the type) but is stored as "".
class TypeInferrer {
 public:
  void Observe(std::optional<std::string_view> value);
  // The narrowest type all observed non-null values conform to; text when nothing
  // but NULLs was seen.
  ColumnType Result() const;
  // Whether a non-null, non-empty value was observed. Then, for any further values, the
  // narrowest type of all of them is Result() exactly when each converts to Result()
  // with ConvertValueInto (types only widen, in a fixed order): what lets an ingest
  // infer from a prefix and find out during the load whether the prefix was right.
  bool saw_value() const { return saw_value_; }

 private:
  // Implementation detail: candidate set as a bitmask over ColumnType.
  unsigned candidates_ = 0x3F;
  bool saw_value_ = false;
};

// Converts a text value to `type`. Returns nullopt when it does not conform (the
// caller rejects the row with a reason). NULL converts to NULL; for non-text types
// "" converts to NULL.
// Conversions: integer "-12" → int64; decimal "3.50" → double; boolean
// true/false/yes/no/t/f/y/n/是/否 (case-insensitive; 0/1 are integers) → bool; date
// "2023-01-05" → "2023-01-05" (only ISO dates are inferred as dates; other formats are
// standardized later, in the std zone); timestamp "2023-01-05 08:30:00",
// "2023-01-05T08:30:00(.fff)(Z|+08:00)" → ISO text with 'T'.
std::optional<Value> ConvertValue(std::optional<std::string_view> text, ColumnType type);

// The same conversion into `out`, reusing the text storage `out` already holds so that a
// row buffer converted again and again does not allocate. Returns false (leaving `out`
// unspecified) when the value does not conform.
bool ConvertValueInto(std::optional<std::string_view> text, ColumnType type, Value& out);

}  // namespace citydata::formats
