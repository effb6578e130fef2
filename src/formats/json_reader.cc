#include "formats/json_reader.h"

#include <algorithm>
#include <cstring>
#include <optional>

#include "formats/encoding.h"
#include "formats/json_object_builder.h"

namespace citydata::formats {
namespace {

constexpr size_t kMaxRawBytes = 4096;

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Finds where an array element ends, resumably across buffer refills. An element ends
// after the bracket that closes it, after its closing quote (a string), or before the
// ',', ']' or white space that follows it (a number or literal).
class ElementScanner {
 public:
  // Scans `p[pos..n)`; returns the element's end once complete(), else `n`.
  size_t Run(const char* p, size_t pos, size_t n) {
    for (; pos < n; ++pos) {
      char c = p[pos];
      if (c == '\n') ++newlines_;
      if (in_string_) {
        if (escaped_) {
          escaped_ = false;
        } else if (c == '\\') {
          escaped_ = true;
        } else if (c == '"') {
          in_string_ = false;
          if (depth_ == 0) return Finish(pos + 1);
        }
        continue;
      }
      if (c == '"') {
        in_string_ = true;
      } else if (c == '{' || c == '[') {
        ++depth_;
      } else if (c == '}' || c == ']') {
        if (depth_ == 0) return Finish(pos);
        if (--depth_ == 0) return Finish(pos + 1);
      } else if (depth_ == 0 && (c == ',' || IsJsonSpace(c))) {
        if (c == '\n') --newlines_;
        return Finish(pos);
      }
    }
    return n;
  }

  bool complete() const { return complete_; }
  // Line breaks inside the element.
  int64_t newlines() const { return newlines_; }

 private:
  size_t Finish(size_t end) {
    complete_ = true;
    return end;
  }

  size_t depth_ = 0;
  bool in_string_ = false;
  bool escaped_ = false;
  bool complete_ = false;
  int64_t newlines_ = 0;
};

class JsonReader final : public RecordReader {
 public:
  JsonReader(std::unique_ptr<ByteSource> source, uint64_t base_offset, Encoding encoding,
             const ReaderOptions& options)
      : array_(options.format == InputFormat::kJson),
        encoding_(encoding),
        max_element_bytes_(options.max_field_bytes),
        buffer_(std::move(source), base_offset),
        columns_(options.json_columns),
        builder_(columns_) {}

  Status Open();
  const std::vector<std::string>& columns() const override { return columns_.names(); }
  Result<bool> Next(Record& record) override;
  uint64_t bytes_read() const override { return buffer_.FileOffset(pos_); }
  Encoding encoding() const override { return encoding_; }

 private:
  enum class Phase { kFirst, kElement, kAfterElement, kDone };

  // Skips white space; returns the next byte without consuming it, nullopt at the end.
  Result<std::optional<char>> Peek();
  Status ExpectEnd();
  Result<bool> NextArrayElement(Record& record);
  Result<bool> NextLine(Record& record);
  // Scans the array element at pos_ and fills `record` from it.
  Status ReadElement(Record& record);
  // Consumes up to the end of the current line without buffering it.
  Status SkipLine();
  void Build(std::string_view element, Record& record);
  void Reject(std::string reason, std::string_view text, Record& record);
  std::string ErrorAt(std::string_view what) const;
  std::string LineTooLong() const;
  // The raw text kept for an oversize element: a prefix of fixed length, so that it
  // does not depend on how much was buffered.
  size_t OversizeRawBytes() const { return std::min(kMaxRawBytes, max_element_bytes_); }

  const bool array_;
  const Encoding encoding_;
  const size_t max_element_bytes_;
  InputBuffer buffer_;
  JsonColumns columns_;
  JsonObjectBuilder builder_;
  Phase phase_ = Phase::kFirst;
  size_t pos_ = 0;
  int64_t line_ = 1;
};

Status JsonReader::Open() {
  if (!array_) return Status::Ok();
  ASSIGN_OR_RETURN(std::optional<char> c, Peek());
  if (!c) {
    phase_ = Phase::kDone;
    return Status::Ok();
  }
  if (*c != '[') {
    return InvalidArgument(
        "the file does not start with a JSON array ('['); for one object per line use the "
        "ndjson format");
  }
  ++pos_;
  return Status::Ok();
}

Result<bool> JsonReader::Next(Record& record) {
  record.error.clear();
  record.raw.clear();
  return array_ ? NextArrayElement(record) : NextLine(record);
}

Result<std::optional<char>> JsonReader::Peek() {
  while (true) {
    const char* p = buffer_.data();
    for (; pos_ < buffer_.size(); ++pos_) {
      if (!IsJsonSpace(p[pos_])) return std::optional<char>(p[pos_]);
      if (p[pos_] == '\n') ++line_;
    }
    if (buffer_.eof()) return std::optional<char>();
    RETURN_IF_ERROR(buffer_.Refill(pos_).status());
    pos_ = 0;
  }
}

std::string JsonReader::LineTooLong() const {
  return "the line exceeds max_field_bytes (" + std::to_string(max_element_bytes_) + " bytes)";
}

std::string JsonReader::ErrorAt(std::string_view what) const {
  return "line " + std::to_string(line_) + ": " + std::string(what);
}

Status JsonReader::ExpectEnd() {
  phase_ = Phase::kDone;
  ASSIGN_OR_RETURN(std::optional<char> c, Peek());
  if (c) return InvalidArgument(ErrorAt("unexpected text after the array's closing ']'"));
  return Status::Ok();
}

Result<bool> JsonReader::NextArrayElement(Record& record) {
  while (phase_ != Phase::kDone) {
    ASSIGN_OR_RETURN(std::optional<char> c, Peek());
    if (!c) {
      return InvalidArgument(
          ErrorAt("the file ends before the array's closing ']'; is it cut short?"));
    }
    if (*c == ']' && phase_ != Phase::kElement) {
      ++pos_;
      RETURN_IF_ERROR(ExpectEnd());
      return false;
    }
    if (phase_ == Phase::kAfterElement) {
      if (*c != ',') return InvalidArgument(ErrorAt("expected ',' or ']' after an array element"));
      ++pos_;
      phase_ = Phase::kElement;
      continue;
    }
    if (*c == ',' || *c == ']' || *c == '}') {
      return InvalidArgument(ErrorAt(std::string("unexpected '") + *c + "' in the array"));
    }
    RETURN_IF_ERROR(ReadElement(record));
    return true;
  }
  return false;
}

Status JsonReader::ReadElement(Record& record) {
  record.line = line_;
  ElementScanner scanner;
  size_t scanned = pos_;
  std::string raw;  // set once the element is known to be oversize
  bool oversize = false;
  while (true) {
    scanned = scanner.Run(buffer_.data(), scanned, buffer_.size());
    if (scanner.complete()) break;
    if (!oversize && scanned - pos_ > max_element_bytes_) {
      oversize = true;
      AppendLossyUtf8({buffer_.data() + pos_, OversizeRawBytes()}, nullptr, kMaxRawBytes, raw);
    }
    if (buffer_.eof()) break;
    size_t keep = oversize ? scanned : pos_;
    RETURN_IF_ERROR(buffer_.Refill(keep).status());
    scanned -= keep;
    pos_ = oversize ? 0 : pos_ - keep;
  }
  std::string_view element(buffer_.data() + pos_, scanned - pos_);
  line_ += scanner.newlines();
  pos_ = scanned;
  phase_ = Phase::kAfterElement;
  if (!oversize && element.size() > max_element_bytes_) {
    oversize = true;
    AppendLossyUtf8(element.substr(0, OversizeRawBytes()), nullptr, kMaxRawBytes, raw);
  }
  if (oversize) {
    Reject("the element exceeds max_field_bytes (" + std::to_string(max_element_bytes_) + " bytes)",
           {}, record);
    record.raw = std::move(raw);
  } else if (!scanner.complete()) {
    Reject("the element is never closed (the file ends inside it)", element, record);
    phase_ = Phase::kDone;
  } else {
    Build(element, record);
  }
  return Status::Ok();
}

Result<bool> JsonReader::NextLine(Record& record) {
  while (true) {
    const char* p = buffer_.data();
    const void* hit = std::memchr(p + pos_, '\n', buffer_.size() - pos_);
    if (hit == nullptr && !buffer_.eof()) {
      if (buffer_.size() - pos_ > max_element_bytes_) {
        record.line = line_;
        Reject(LineTooLong(), {p + pos_, OversizeRawBytes()}, record);
        RETURN_IF_ERROR(SkipLine());
        return true;
      }
      RETURN_IF_ERROR(buffer_.Refill(pos_).status());
      pos_ = 0;
      continue;
    }
    size_t end = hit ? static_cast<size_t>(static_cast<const char*>(hit) - p) : buffer_.size();
    if (end == pos_ && !hit) return false;
    std::string_view line(p + pos_, end - pos_);
    record.line = line_;
    pos_ = hit ? end + 1 : end;
    ++line_;
    while (!line.empty() && IsJsonSpace(line.back())) line.remove_suffix(1);
    while (!line.empty() && IsJsonSpace(line.front())) line.remove_prefix(1);
    if (line.empty()) continue;
    if (line.size() > max_element_bytes_) {
      Reject(LineTooLong(), line.substr(0, OversizeRawBytes()), record);
      return true;
    }
    Build(line, record);
    return true;
  }
}

Status JsonReader::SkipLine() {
  while (true) {
    const char* p = buffer_.data();
    const void* hit = std::memchr(p + pos_, '\n', buffer_.size() - pos_);
    if (hit != nullptr) {
      pos_ = static_cast<size_t>(static_cast<const char*>(hit) - p) + 1;
      ++line_;
      return Status::Ok();
    }
    pos_ = buffer_.size();
    if (buffer_.eof()) return Status::Ok();
    RETURN_IF_ERROR(buffer_.Refill(pos_).status());
    pos_ = 0;
  }
}

void JsonReader::Build(std::string_view element, Record& record) {
  if (size_t bad = FindInvalidUtf8(element); bad != kNoInvalidByte) {
    Reject(DescribeBytes(element, bad) + " at byte offset " +
               std::to_string(
                   buffer_.FileOffset(static_cast<size_t>(element.data() - buffer_.data()) + bad)) +
               " are not valid UTF-8; if the file is GBK/GB18030, read it with that encoding",
           element, record);
    return;
  }
  if (std::optional<std::string> error = builder_.Parse(element, record.fields)) {
    Reject(std::move(*error), element, record);
  }
}

void JsonReader::Reject(std::string reason, std::string_view text, Record& record) {
  record.fields.clear();
  record.error = std::move(reason);
  AppendLossyUtf8(text.substr(0, kMaxRawBytes + 4), nullptr, kMaxRawBytes, record.raw);
}

}  // namespace

Result<std::unique_ptr<RecordReader>> OpenJsonReader(std::unique_ptr<ByteSource> source,
                                                     uint64_t base_offset, Encoding encoding,
                                                     const ReaderOptions& options) {
  auto reader = std::make_unique<JsonReader>(std::move(source), base_offset, encoding, options);
  RETURN_IF_ERROR(reader->Open());
  return std::unique_ptr<RecordReader>(std::move(reader));
}

}  // namespace citydata::formats
