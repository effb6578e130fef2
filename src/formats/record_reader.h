// Streaming readers that turn a department's file into records.
//
// A reader pulls bytes from a file in fixed-size chunks, so memory stays bounded
// whatever the file size (a single field may be as large as the file allows up to
// ReaderOptions::max_field_bytes). Records are decoded to UTF-8; a record that cannot
// be parsed or decoded is still returned, with `error` set, so the caller can store
// it as a reject with its line number: nothing is dropped silently.
//
// Thread safety: a reader is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace citydata::formats {

enum class InputFormat { kCsv, kTsv, kJson, kNdjson };
enum class Encoding { kAuto, kUtf8, kGb18030 };

std::string_view InputFormatName(InputFormat f);  // "csv", "tsv", "json", "ndjson"
Result<InputFormat> ParseInputFormat(std::string_view name);
// From the file name's extension (.csv .tsv .tab .txt .json .ndjson .jsonl), case-insensitive;
// .txt is read as CSV.
Result<InputFormat> InputFormatFromPath(std::string_view path);
std::string_view EncodingName(Encoding e);              // "auto", "utf-8", "gb18030"
Result<Encoding> ParseEncoding(std::string_view name);  // also accepts "utf8", "gbk"

struct ReaderOptions {
  InputFormat format = InputFormat::kCsv;
  Encoding encoding = Encoding::kAuto;
  // CSV/TSV: the first record is the header. JSON: ignored.
  bool header = true;
  // A field longer than this makes its record a reject ("field exceeds ... bytes").
  size_t max_field_bytes = 64u << 20;
  // JSON/NDJSON only: the columns to emit, in order. Empty on the first pass, when the
  // reader discovers columns (keys in order of first appearance across the file).
  std::vector<std::string> json_columns;
};

// One record. Field views stay valid until the next call to Next() on the same reader.
struct Record {
  // 1-based line number in the file where the record starts (for JSON arrays, the
  // line of the element's opening brace).
  int64_t line = 0;
  // Positional values matching Reader::columns(). nullopt is SQL NULL: an empty
  // unquoted CSV field, a JSON null or a missing JSON key. A quoted empty CSV field
  // ("") is an empty string. Nested JSON values are kept as compact JSON text.
  std::vector<std::optional<std::string_view>> fields;
  // Non-empty when the record is rejected: the reason, e.g. "expected 7 fields, found 5"
  // or "bytes 0xC3 0x28 are not valid UTF-8". `fields` is then unspecified.
  std::string error;
  // For a rejected record, its source text for the rejects store: decoded to UTF-8 where
  // possible (undecodable bytes become U+FFFD), without the line break, at most 4 KiB
  // (for an oversize record, its first min(4 KiB, max_field_bytes) bytes). Empty for
  // accepted records.
  std::string raw;
};

class RecordReader {
 public:
  virtual ~RecordReader() = default;

  // Column names in file order (CSV header, or JSON keys); available after Open().
  // For JSON without ReaderOptions::json_columns this grows while reading.
  virtual const std::vector<std::string>& columns() const = 0;

  // Reads the next record into `record`. Returns false at end of input. A non-OK
  // status means the file as a whole cannot be read (I/O error, not valid JSON at
  // the top level, unknown encoding); per-record problems go in Record::error.
  virtual Result<bool> Next(Record& record) = 0;

  // Bytes consumed from the file so far (for progress), and the detected encoding.
  virtual uint64_t bytes_read() const = 0;
  virtual Encoding encoding() const = 0;
};

// Opens `path` for reading. With Encoding::kAuto the encoding is detected from the
// leading 64 KiB (UTF-8 when they decode as UTF-8, or nearly: see DetectEncoding() in
// encoding.h; else GB18030); a UTF-8 BOM is skipped and implies UTF-8. An empty file
// yields no columns and no records; a header-only file yields columns only. Fails with
// NotFound when the file cannot be opened, InvalidArgument when a CSV header cannot be
// read or a JSON file is not an array.
Result<std::unique_ptr<RecordReader>> OpenReader(const std::string& path,
                                                 const ReaderOptions& options);

}  // namespace citydata::formats
