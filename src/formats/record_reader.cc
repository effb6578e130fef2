#include "formats/record_reader.h"

#include <algorithm>
#include <cctype>

#include "formats/csv_reader.h"
#include "formats/encoding.h"
#include "formats/input.h"
#include "formats/json_reader.h"

namespace citydata::formats {
namespace {

constexpr size_t kDetectionBytes = 64u << 10;
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Reads up to kDetectionBytes from `source` (fewer only at end of input).
Result<std::string> ReadPrefix(ByteSource& source) {
  constexpr size_t kStep = 4096;
  std::string prefix;
  while (prefix.size() < kDetectionBytes) {
    size_t size = prefix.size();
    prefix.resize(size + kStep);
    ASSIGN_OR_RETURN(size_t got, source.Read(prefix.data() + size, kStep));
    prefix.resize(size + got);
    if (got == 0) break;
  }
  return prefix;
}

Status CheckNotUtf16(std::string_view prefix) {
  if (prefix.starts_with("\xFF\xFE") || prefix.starts_with("\xFE\xFF")) {
    return InvalidArgument("the file is UTF-16, which is not supported; save it as UTF-8");
  }
  return Status::Ok();
}

Result<std::unique_ptr<RecordReader>> OpenCsvReader(std::unique_ptr<ByteSource> source,
                                                    uint64_t base_offset, Encoding encoding,
                                                    const ReaderOptions& options) {
  auto reader = std::make_unique<CsvReader>(std::move(source), base_offset, encoding, options);
  RETURN_IF_ERROR(reader->Open());
  return std::unique_ptr<RecordReader>(std::move(reader));
}

}  // namespace

std::string_view InputFormatName(InputFormat f) {
  switch (f) {
    case InputFormat::kCsv:
      return "csv";
    case InputFormat::kTsv:
      return "tsv";
    case InputFormat::kJson:
      return "json";
    case InputFormat::kNdjson:
      return "ndjson";
  }
  return "csv";
}

Result<InputFormat> ParseInputFormat(std::string_view name) {
  std::string lower = Lower(name);
  if (lower == "csv") return InputFormat::kCsv;
  if (lower == "tsv") return InputFormat::kTsv;
  if (lower == "json") return InputFormat::kJson;
  if (lower == "ndjson" || lower == "jsonl") return InputFormat::kNdjson;
  return InvalidArgument("unknown file format '" + std::string(name) +
                         "'; use csv, tsv, json or ndjson");
}

Result<InputFormat> InputFormatFromPath(std::string_view path) {
  size_t dot = path.find_last_of("./");
  std::string extension = dot == std::string_view::npos || path[dot] == '/'
                              ? std::string()
                              : Lower(path.substr(dot + 1));
  if (extension == "csv" || extension == "txt") return InputFormat::kCsv;
  if (extension == "tsv" || extension == "tab") return InputFormat::kTsv;
  if (extension == "json") return InputFormat::kJson;
  if (extension == "ndjson" || extension == "jsonl") return InputFormat::kNdjson;
  return InvalidArgument("cannot tell the format of '" + std::string(path) +
                         "' from its extension; name the format (csv, tsv, json or ndjson)");
}

std::string_view EncodingName(Encoding e) {
  switch (e) {
    case Encoding::kAuto:
      return "auto";
    case Encoding::kUtf8:
      return "utf-8";
    case Encoding::kGb18030:
      return "gb18030";
  }
  return "auto";
}

Result<Encoding> ParseEncoding(std::string_view name) {
  std::string lower = Lower(name);
  if (lower == "auto") return Encoding::kAuto;
  if (lower == "utf-8" || lower == "utf8") return Encoding::kUtf8;
  if (lower == "gb18030" || lower == "gbk" || lower == "gb2312") return Encoding::kGb18030;
  return InvalidArgument("unknown encoding '" + std::string(name) +
                         "'; use auto, utf-8 or gb18030 (gbk and gb2312 are read as gb18030)");
}

Result<std::unique_ptr<RecordReader>> OpenReaderFromSource(std::unique_ptr<ByteSource> source,
                                                           const ReaderOptions& options) {
  ASSIGN_OR_RETURN(std::string prefix, ReadPrefix(*source));
  RETURN_IF_ERROR(CheckNotUtf16(prefix));
  uint64_t base_offset = 0;
  if (prefix.starts_with(kUtf8Bom)) {
    prefix.erase(0, kUtf8Bom.size());
    base_offset = kUtf8Bom.size();
  }
  Encoding encoding = options.encoding;
  if (encoding == Encoding::kAuto) {
    encoding = base_offset > 0 ? Encoding::kUtf8 : DetectEncoding(prefix);
  }
  source = PrefixedSource(std::move(prefix), std::move(source));
  if (options.format == InputFormat::kCsv || options.format == InputFormat::kTsv) {
    return OpenCsvReader(std::move(source), base_offset, encoding, options);
  }
  if (encoding == Encoding::kGb18030) {
    ASSIGN_OR_RETURN(source, Gb18030ToUtf8Source(std::move(source)));
  }
  return OpenJsonReader(std::move(source), base_offset, encoding, options);
}

Result<std::unique_ptr<RecordReader>> OpenReader(const std::string& path,
                                                 const ReaderOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<ByteSource> source, OpenFileSource(path));
  auto reader = OpenReaderFromSource(std::move(source), options);
  if (!reader.ok()) return reader.status().WithContext(path);
  return reader;
}

}  // namespace citydata::formats
