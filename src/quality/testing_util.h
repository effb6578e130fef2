// Test-only helpers: temporary engines and CSV fixtures. Linked into quality_test only.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/status.h"
#include "core/types.h"
#include "storage/sqlite/sqlite_engine.h"

namespace citydata::quality::testing {

// A SqliteEngine in a fresh temporary directory, removed on destruction.
class TempEngine {
 public:
  TempEngine();
  ~TempEngine();
  storage::SqliteEngine& engine() { return *engine_; }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<storage::SqliteEngine> engine_;
};

// Parses CSV text: the first line is the header, where "name:type" declares a column
// type (integer, decimal, date, timestamp, boolean; default text). A field written
// \N (unquoted) is NULL; an empty field is the empty string. Double quotes as in
// RFC 4180. Integer and decimal fields are converted.
struct CsvTable {
  Schema schema;
  std::vector<std::vector<Value>> rows;
};
Result<CsvTable> ParseCsvForTest(std::string_view text);

// Writes `table` as `dataset` (replacing it).
Status LoadTableForTest(storage::Engine& engine, const DatasetName& dataset, const CsvTable& table);

std::string ReadFileForTest(const std::filesystem::path& path);

// GB/T 2261.1 sex codes {0, 1, 2, 9} under the id "GB/T 2261.1".
const std::unordered_set<std::string>* TestCodeTables(std::string_view table_id);

}  // namespace citydata::quality::testing
