#include "quality/testing_util.h"

#include <unistd.h>

#include <atomic>
#include <cassert>
#include <charconv>
#include <fstream>
#include <sstream>

namespace citydata::quality::testing {
namespace {

// Splits CSV text into records of (field, quoted) pairs.
std::vector<std::vector<std::pair<std::string, bool>>> SplitCsv(std::string_view text) {
  std::vector<std::vector<std::pair<std::string, bool>>> records;
  std::vector<std::pair<std::string, bool>> record;
  std::string field;
  bool quoted = false, in_quotes = false, any = false;
  auto end_field = [&] {
    record.emplace_back(std::move(field), quoted);
    field.clear();
    quoted = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    any = true;
    if (in_quotes) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        in_quotes = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      in_quotes = quoted = true;
    } else if (c == ',') {
      end_field();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      end_field();
      records.push_back(std::move(record));
      record.clear();
      any = false;
    } else {
      field += c;
    }
  }
  if (any) {
    end_field();
    records.push_back(std::move(record));
  }
  return records;
}

Value Convert(const std::string& field, bool quoted, ColumnType type) {
  if (!quoted && field == "\\N") return std::monostate{};
  if (type == ColumnType::kInteger) {
    int64_t v = 0;
    auto [p, ec] = std::from_chars(field.data(), field.data() + field.size(), v);
    if (ec == std::errc() && p == field.data() + field.size()) return v;
  } else if (type == ColumnType::kDecimal) {
    double v = 0;
    auto [p, ec] = std::from_chars(field.data(), field.data() + field.size(), v);
    if (ec == std::errc() && p == field.data() + field.size()) return v;
  }
  return field;
}

}  // namespace

TempEngine::TempEngine() {
  static std::atomic<int> counter{0};
  dir_ = std::filesystem::temp_directory_path() /
         ("citydata_quality_" + std::to_string(getpid()) + "_" + std::to_string(counter++));
  std::filesystem::create_directories(dir_);
  auto engine = storage::SqliteEngine::Open(dir_.string());
  assert(engine.ok());
  engine_ = std::move(*engine);
}

TempEngine::~TempEngine() {
  engine_.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

Result<CsvTable> ParseCsvForTest(std::string_view text) {
  auto records = SplitCsv(text);
  if (records.empty()) return InvalidArgument("empty CSV");
  CsvTable table;
  for (const auto& [name, quoted] : records[0]) {
    ColumnDef def;
    size_t colon = name.rfind(':');
    def.name = name.substr(0, colon);
    if (colon != std::string::npos) {
      ASSIGN_OR_RETURN(def.type, ParseColumnType(name.substr(colon + 1)));
    }
    table.schema.push_back(def);
  }
  for (size_t r = 1; r < records.size(); ++r) {
    if (records[r].size() == 1 && records[r][0].first.empty()) continue;
    if (records[r].size() != table.schema.size()) {
      return InvalidArgument("CSV line " + std::to_string(r + 1) + " has " +
                             std::to_string(records[r].size()) + " fields");
    }
    std::vector<Value> row;
    for (size_t c = 0; c < records[r].size(); ++c) {
      row.push_back(Convert(records[r][c].first, records[r][c].second, table.schema[c].type));
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

Status LoadTableForTest(storage::Engine& engine, const DatasetName& dataset,
                        const CsvTable& table) {
  ASSIGN_OR_RETURN(auto writer,
                   engine.BeginWrite(dataset, table.schema, storage::WriteMode::kReplace, ""));
  for (const auto& row : table.rows) RETURN_IF_ERROR(writer->Append(row));
  return writer->Commit();
}

std::string ReadFileForTest(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const std::unordered_set<std::string>* TestCodeTables(std::string_view table_id) {
  static const std::unordered_set<std::string> kSex = {"0", "1", "2", "9"};
  return table_id == "GB/T 2261.1" ? &kSex : nullptr;
}

}  // namespace citydata::quality::testing
