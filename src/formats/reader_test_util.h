// Test-only helpers: read a whole input and describe it in the golden-file format.
//
//   columns: ["a","b"]
//   2: ["x",null]
//   3: REJECT expected 2 fields, found 3; raw "x,y,z"
//   ERROR invalid_argument: ...        (when Next() fails)
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "formats/input.h"
#include "formats/record_reader.h"

namespace citydata::formats::testing {

inline std::string ToJsonForTest(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

inline std::string DescribeRecordForTest(const Record& record) {
  std::string line = std::to_string(record.line) + ": ";
  if (!record.error.empty())
    return line + "REJECT " + record.error + "; raw " + ToJsonForTest(record.raw);
  nlohmann::json fields = nlohmann::json::array();
  for (const auto& field : record.fields) {
    if (field) {
      fields.push_back(std::string(*field));
    } else {
      fields.push_back(nullptr);
    }
  }
  return line + ToJsonForTest(fields);
}

inline std::string DescribeAllForTest(RecordReader& reader) {
  std::string body;
  Record record;
  while (true) {
    Result<bool> more = reader.Next(record);
    if (!more.ok()) {
      body += "ERROR " + more.status().ToString() + "\n";
      break;
    }
    if (!*more) break;
    body += DescribeRecordForTest(record) + "\n";
  }
  return "columns: " + ToJsonForTest(reader.columns()) + "\n" + body;
}

// Reads `bytes` handing the reader at most `max_read` bytes per read.
inline std::string ReadBytesForTest(std::string bytes, const ReaderOptions& options,
                                    size_t max_read = SIZE_MAX) {
  auto reader = OpenReaderFromSource(MemorySource(std::move(bytes), max_read), options);
  if (!reader.ok()) return "OPEN ERROR " + reader.status().ToString() + "\n";
  return DescribeAllForTest(**reader);
}

}  // namespace citydata::formats::testing
