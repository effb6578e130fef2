#include "share/delivery_file.h"

#include <algorithm>
#include <cctype>
#include <sstream>

#include "catalog/catalog_json.h"
#include "core/csv.h"
#include "core/json_util.h"
#include "formats/xlsx_writer.h"

namespace citydata::share {
namespace {

constexpr size_t kChunkBytes = 64u << 10;

// Passes `pending` to the sink once it holds a chunk (or at the end), then empties it.
Status Flush(const ChunkSink& sink, std::string& pending, bool last) {
  if (pending.empty() || (!last && pending.size() < kChunkBytes)) return Status::Ok();
  bool ok = sink(pending);
  pending.clear();
  return ok ? Status::Ok() : Unavailable("the client went away during the download");
}

// Whether a spreadsheet opening the CSV would run the text as a formula: it starts with
// =, +, @, a tab or a carriage return, or with - not followed by a digit or a point
// (a negative number stays as it is).
bool LooksLikeFormula(std::string_view text) {
  if (text.empty()) return false;
  char c = text[0];
  if (c == '=' || c == '+' || c == '@' || c == '\t' || c == '\r') return true;
  return c == '-' && (text.size() == 1 || !(std::isdigit(static_cast<unsigned char>(text[1])) ||
                                            text[1] == '.'));
}

std::string CsvLine(const std::vector<Value>& row) {
  std::string out;
  for (size_t i = 0; i < row.size(); ++i) {
    if (i) out += ',';
    // NULL is an empty field, "" a quoted empty one; a formula-like text gets a leading
    // apostrophe (OWASP's advice against CSV injection), so it is shown, never run.
    if (const auto* s = std::get_if<std::string>(&row[i])) {
      out += CsvField(LooksLikeFormula(*s) ? "'" + *s : *s, true);
    } else if (!IsNull(row[i])) {
      out += ValueText(row[i]);
    }
  }
  return out + "\r\n";
}

std::string JsonRecord(const std::vector<std::string>& columns, const std::vector<Value>& row) {
  nlohmann::json record = nlohmann::json::object();
  for (size_t i = 0; i < columns.size() && i < row.size(); ++i) {
    record[columns[i]] = catalog::ValueToJson(row[i]);
  }
  return DumpJson(record);
}

std::vector<formats::XlsxCell> XlsxRow(const std::vector<Value>& row) {
  std::vector<formats::XlsxCell> cells;
  for (const auto& v : row) {
    if (IsNull(v)) {
      cells.emplace_back();
    } else if (std::holds_alternative<int64_t>(v) || std::holds_alternative<double>(v)) {
      cells.push_back(formats::XlsxWriter::Number(ValueText(v)));
    } else {
      cells.emplace_back(ValueText(v));
    }
  }
  return cells;
}

Result<int64_t> WriteText(bool csv, const std::vector<std::string>& columns,
                          const RowSource& rows, const ChunkSink& sink) {
  // The byte-order mark makes spreadsheet programs read the CSV as UTF-8 (Chinese text).
  std::string pending = csv ? "\xEF\xBB\xBF" : "[";
  if (csv) {
    for (size_t i = 0; i < columns.size(); ++i) pending += (i ? "," : "") + CsvField(columns[i]);
    pending += "\r\n";
  }
  int64_t count = 0;
  std::vector<Value> row;
  while (true) {
    ASSIGN_OR_RETURN(bool more, rows(row));
    if (!more) break;
    pending += csv ? CsvLine(row) : (count ? ",\n" : "\n") + JsonRecord(columns, row);
    ++count;
    RETURN_IF_ERROR(Flush(sink, pending, false));
  }
  if (!csv) pending += "\n]\n";
  RETURN_IF_ERROR(Flush(sink, pending, true));
  return count;
}

Result<int64_t> WriteXlsx(const std::vector<std::string>& columns, const RowSource& rows,
                          const ChunkSink& sink, std::string_view sheet_name) {
  std::ostringstream out;
  formats::XlsxWriter xlsx(out, sheet_name);
  std::vector<formats::XlsxCell> header(columns.begin(), columns.end());
  RETURN_IF_ERROR(xlsx.AddRow(header));
  int64_t count = 0;
  std::vector<Value> row;
  std::string pending;
  while (true) {
    ASSIGN_OR_RETURN(bool more, rows(row));
    if (!more) break;
    RETURN_IF_ERROR(xlsx.AddRow(XlsxRow(row)));
    ++count;
    if (out.tellp() >= static_cast<std::streamoff>(kChunkBytes)) {
      pending = out.str();
      out.str("");
      RETURN_IF_ERROR(Flush(sink, pending, true));
    }
  }
  RETURN_IF_ERROR(xlsx.Finish());
  pending = out.str();
  RETURN_IF_ERROR(Flush(sink, pending, true));
  return count;
}

}  // namespace

Result<FileFormat> ParseFileFormat(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "csv") return FileFormat::kCsv;
  if (lower == "json") return FileFormat::kJson;
  if (lower == "xlsx") return FileFormat::kXlsx;
  return InvalidArgument("format must be csv, json or xlsx");
}

std::string_view FileExtension(FileFormat format) {
  switch (format) {
    case FileFormat::kCsv: return ".csv";
    case FileFormat::kJson: return ".json";
    case FileFormat::kXlsx: break;
  }
  return ".xlsx";
}

std::string_view FileContentType(FileFormat format) {
  switch (format) {
    case FileFormat::kCsv: return "text/csv; charset=utf-8";
    case FileFormat::kJson: return "application/json; charset=utf-8";
    case FileFormat::kXlsx: break;
  }
  return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
}

Result<int64_t> WriteFile(FileFormat format, const std::vector<std::string>& columns,
                          const RowSource& rows, const ChunkSink& sink,
                          std::string_view sheet_name) {
  if (format == FileFormat::kXlsx) return WriteXlsx(columns, rows, sink, sheet_name);
  return WriteText(format == FileFormat::kCsv, columns, rows, sink);
}

}  // namespace citydata::share
