#include "http/query_stream.h"

#include "catalog/catalog_json.h"
#include "core/csv.h"
#include "core/json_util.h"
#include "http/error_map.h"

namespace citydata::http {
namespace {

using nlohmann::json;

constexpr size_t kChunkBytes = 64u << 10;

// A cell as a CSV field: NULL is an empty field, "" a quoted empty one.
std::string CsvCell(const Value& v) {
  if (IsNull(v)) return "";
  if (const auto* s = std::get_if<std::string>(&v)) return CsvField(*s, true);
  return DumpJson(catalog::ValueToJson(v));
}

void AppendRow(RowFormat format, const std::vector<Value>& row, bool first, std::string& out) {
  if (format == RowFormat::kCsv) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (i) out += ',';
      out += CsvCell(row[i]);
    }
    out += "\r\n";
    return;
  }
  json values = json::array();
  for (const auto& v : row) values.push_back(catalog::ValueToJson(v));
  if (!first) out += ',';
  out += DumpJson(values);
}

std::string Header(RowFormat format, const std::vector<std::string>& names) {
  if (format == RowFormat::kJson) return "{\"columns\":" + DumpJson(json(names)) + ",\"rows\":[";
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) out += (i ? "," : "") + CsvField(names[i]);
  return out + "\r\n";
}

std::string Trailer(RowFormat format, int64_t rows, bool truncated, const Status& error) {
  if (format == RowFormat::kCsv) {
    if (!error.ok()) return "# error: " + error.message() + "\r\n";
    if (truncated) {
      return "# truncated: the first " + std::to_string(rows) + " rows; raise max_rows for more\r\n";
    }
    return "";
  }
  json tail = {{"row_count", rows}, {"truncated", truncated}};
  if (!error.ok()) {
    tail["error"] = {{"code", ErrorCodeName(error.code())}, {"message", error.message()}};
  }
  std::string text = DumpJson(tail);
  return "]," + text.substr(1);
}

}  // namespace

Response StreamRows(std::unique_ptr<storage::RowCursor> cursor, RowFormat format) {
  // Step once before answering so that errors raised by the first step (most runtime
  // errors) still get a proper status code.
  std::vector<Value> first;
  auto has_first = cursor->Next(first);
  if (!has_first.ok()) return ErrorResponse(has_first.status());
  Response r;
  r.content_type = format == RowFormat::kCsv ? "text/csv; charset=utf-8"
                                             : "application/json; charset=utf-8";
  std::shared_ptr<storage::RowCursor> shared(std::move(cursor));
  bool more = *has_first;
  r.stream = [shared, format, first = std::move(first), more](const ChunkWriter& write) mutable {
    std::string buf = Header(format, shared->column_names());
    int64_t rows = 0;
    Status error;
    std::vector<Value> row = std::move(first);
    while (more) {
      AppendRow(format, row, rows == 0, buf);
      ++rows;
      if (buf.size() >= kChunkBytes) {
        if (!write(buf)) return Unavailable("the client went away");
        buf.clear();
      }
      auto next = shared->Next(row);
      if (!next.ok()) {
        error = next.status();
        break;
      }
      more = *next;
    }
    buf += Trailer(format, rows, shared->truncated(), error);
    if (!write(buf)) return Unavailable("the client went away");
    return error;
  };
  return r;
}

Response BufferedRows(storage::RowCursor& cursor) {
  json rows = json::array();
  std::vector<Value> row;
  while (true) {
    auto next = cursor.Next(row);
    if (!next.ok()) return ErrorResponse(next.status());
    if (!*next) break;
    json values = json::array();
    for (const auto& v : row) values.push_back(catalog::ValueToJson(v));
    rows.push_back(std::move(values));
  }
  return JsonResponse({{"columns", cursor.column_names()},
                       {"rows", rows},
                       {"row_count", rows.size()},
                       {"truncated", cursor.truncated()}});
}

}  // namespace citydata::http
