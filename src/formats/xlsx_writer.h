// Writes rows as an Office Open XML spreadsheet (.xlsx): one worksheet, a header row
// then data rows, streamed into a ZIP container as they are added.
//
// Rows are never held in memory: each AddRow deflates its cells into the worksheet
// entry and writes the compressed bytes to the output stream, so the caller may ship
// (or flush) the stream's content between rows. Cells are inline strings (no shared
// string table to keep) or numbers; a missing value is an empty cell. Text is written
// as UTF-8 (CJK included) with XML special characters escaped and characters XML 1.0
// forbids (most control characters) dropped.
//
// The container is a plain ZIP (no ZIP64): Finish fails with ResourceExhausted when an
// entry or the archive would exceed 4 GiB, or the sheet Excel's row limit (1,048,576).
//
// Usage:
//   std::ostringstream out;
//   XlsxWriter xlsx(out, "Sheet1");
//   RETURN_IF_ERROR(xlsx.AddRow({"name", "age"}));
//   RETURN_IF_ERROR(xlsx.AddRow({"张三", XlsxWriter::Number("42")}));
//   RETURN_IF_ERROR(xlsx.Finish());
//
// Thread safety: one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace citydata::formats {

// One cell: text, a number (its decimal text, e.g. "-1.5e3") or empty (nullopt text).
struct XlsxCell {
  std::optional<std::string> text;
  bool number = false;

  XlsxCell() = default;
  XlsxCell(std::optional<std::string> value) : text(std::move(value)) {}  // NOLINT: implicit
  XlsxCell(std::string value) : text(std::move(value)) {}                 // NOLINT: implicit
  XlsxCell(const char* value) : text(value) {}                            // NOLINT: implicit
  XlsxCell(std::nullopt_t) {}                                             // NOLINT: implicit
};

class XlsxWriter {
 public:
  // Writes to `out`, which must outlive the writer. `sheet_name` is the worksheet's tab
  // name (at most 31 characters are kept; Excel's limit).
  explicit XlsxWriter(std::ostream& out, std::string_view sheet_name = "Sheet1");
  ~XlsxWriter();
  XlsxWriter(const XlsxWriter&) = delete;
  XlsxWriter& operator=(const XlsxWriter&) = delete;

  // A numeric cell; `decimal` must be a finite decimal number (InvalidArgument from
  // AddRow otherwise, so text that only looks numeric never becomes a formula).
  static XlsxCell Number(std::string decimal);

  // Appends one row. FailedPrecondition after Finish; InvalidArgument for a bad number;
  // ResourceExhausted past the row limit; Internal when the stream fails.
  Status AddRow(const std::vector<XlsxCell>& cells);
  // Convenience for rows of text (nullopt = empty cell).
  Status AddRow(const std::vector<std::optional<std::string>>& cells);

  // Closes the worksheet and writes the rest of the package and the ZIP directory.
  // Rows added: the writer is unusable afterwards. Must be called for a valid file.
  Status Finish();

  int64_t rows() const { return rows_; }

 private:
  class Zip;
  Status Check();

  std::unique_ptr<Zip> zip_;
  std::string sheet_name_;
  std::string buffer_;  // worksheet XML not yet deflated
  int64_t rows_ = 0;
  bool finished_ = false;
};

// Escapes `text` for XML character data and attribute values (& < > " '), dropping
// characters XML 1.0 does not allow (C0 controls other than tab, LF and CR).
std::string XmlEscape(std::string_view text);

}  // namespace citydata::formats
