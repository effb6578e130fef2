// Vocabulary types shared by every module: column types, cell values, zones and
// dataset names. Nothing here knows about a storage engine or a transport.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/status.h"

namespace citydata {

// The logical column types of a dataset. Engines map them to their own types.
enum class ColumnType { kInteger, kDecimal, kBoolean, kDate, kTimestamp, kText };

// "integer", "decimal", "boolean", "date", "timestamp", "text".
std::string_view ColumnTypeName(ColumnType type);
Result<ColumnType> ParseColumnType(std::string_view name);

// A cell. Dates are ISO 8601 text ("2023-01-05"), timestamps ISO 8601 text
// ("2023-01-05T08:30:00", with an offset when the source had one).
using Value = std::variant<std::monostate, bool, int64_t, double, std::string>;

inline bool IsNull(const Value& v) { return std::holds_alternative<std::monostate>(v); }
// The value as text: "" for NULL, "true"/"false", decimal digits, the shortest
// round-trip form of a double, the string itself.
std::string ValueText(const Value& v);

struct ColumnDef {
  std::string name;  // as stored and queried; see NormalizeColumnName()
  ColumnType type = ColumnType::kText;
};
using Schema = std::vector<ColumnDef>;

// The data zones of the 4360 organisation model, in the order data flows.
enum class Zone { kRaw, kStd, kFact, kTheme };
inline constexpr Zone kAllZones[] = {Zone::kRaw, Zone::kStd, Zone::kFact, Zone::kTheme};

std::string_view ZoneName(Zone zone);  // "raw", "std", "fact", "theme"
Result<Zone> ParseZone(std::string_view name);

// A dataset's SQL name, `<zone>.<name>`, e.g. raw.household_registry.
struct DatasetName {
  Zone zone = Zone::kRaw;
  std::string name;  // ASCII snake_case: [a-z][a-z0-9_]{0,62}

  std::string ToString() const;
  friend bool operator==(const DatasetName&, const DatasetName&) = default;
};

// Accepts "raw.x" or, when `default_zone` is given, a bare "x".
Result<DatasetName> ParseDatasetName(std::string_view text,
                                     std::optional<Zone> default_zone = std::nullopt);

// OK when `name` is a valid dataset identifier ([a-z][a-z0-9_]{0,62}, not starting with
// the engine-reserved "sqlite_").
Status ValidateIdentifier(std::string_view name, std::string_view what);

// Turns a source header into a stored column name. Department files use Chinese
// headers ("身份证号") and users query them as such, so the header is kept: only
// surrounding white space (ASCII and U+3000), control characters and double quotes
// are removed and the result is cut to 128 bytes at a character boundary. An empty
// result becomes "col_<position>" (1-based); names engines use for row ids (rowid, oid,
// _rowid_, _row_id, any case) get a "_col" suffix.
std::string NormalizeColumnName(std::string_view header, size_t position);

// Makes names unique case-insensitively by appending "_2", "_3"... to repeats.
void DeduplicateColumnNames(std::vector<std::string>& names);

}  // namespace citydata
