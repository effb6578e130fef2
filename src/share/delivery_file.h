// The file formats data leaves the platform in — a sharing grant's file delivery and
// the open-data portal's downloads: CSV (UTF-8 with a byte-order mark, RFC 4180; text a
// spreadsheet would run as a formula is prefixed with an apostrophe),
// JSON (an array of records) and XLSX (one worksheet).
//
// Files are written as they are read: rows come from a RowSource one at a time and
// leave through a ChunkSink in pieces of about 64 KiB, so a large dataset is never held
// in memory.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/types.h"

namespace citydata::share {

enum class FileFormat { kCsv, kJson, kXlsx };

// "csv", "json", "xlsx" (any case); InvalidArgument naming them otherwise.
Result<FileFormat> ParseFileFormat(std::string_view name);
std::string_view FileExtension(FileFormat format);    // ".csv", ".json", ".xlsx"
std::string_view FileContentType(FileFormat format);  // e.g. "text/csv; charset=utf-8"

// Fills `row` with the next row and returns true, or returns false at the end.
using RowSource = std::function<Result<bool>(std::vector<Value>& row)>;
// Receives the file piece by piece; returns false when the receiver has gone.
using ChunkSink = std::function<bool(std::string_view chunk)>;

// Writes a header of `columns` and every row of `rows` as a file in `format` to `sink`;
// `sheet_name` names the XLSX worksheet. Returns the number of rows written, or the
// first error (the sink having gone is Unavailable).
Result<int64_t> WriteFile(FileFormat format, const std::vector<std::string>& columns,
                          const RowSource& rows, const ChunkSink& sink,
                          std::string_view sheet_name);

}  // namespace citydata::share
