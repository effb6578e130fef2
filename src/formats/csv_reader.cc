#include "formats/csv_reader.h"

#include <algorithm>
#include <bit>
#include <cstring>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace citydata::formats {
namespace {

static_assert(std::endian::native == std::endian::little, "the SWAR scan assumes little endian");

constexpr size_t kMaxRawBytes = 4096;
constexpr uint64_t kOnes = 0x0101010101010101ull;
constexpr uint64_t kHighBits = 0x8080808080808080ull;

// High bit set in each zero byte of `x`; exact for the lowest flagged byte.
uint64_t ZeroBytes(uint64_t x) { return (x - kOnes) & ~x & kHighBits; }

// Offset of the first `delimiter` or '\n' at or after `pos`, or `n`. SSE2 (part of
// x86-64) compares 16 bytes at a time; elsewhere SWAR compares 8.
size_t FindDelimiterOrNewline(const char* p, size_t pos, size_t n, char delimiter) {
#ifdef __SSE2__
  const __m128i delimiters = _mm_set1_epi8(delimiter);
  const __m128i newlines = _mm_set1_epi8('\n');
  for (; pos + 16 <= n; pos += 16) {
    __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + pos));
    __m128i hits = _mm_or_si128(_mm_cmpeq_epi8(block, delimiters), _mm_cmpeq_epi8(block, newlines));
    auto mask = static_cast<unsigned>(_mm_movemask_epi8(hits));
    if (mask != 0) return pos + static_cast<size_t>(std::countr_zero(mask));
  }
#endif
  const uint64_t delimiters8 = kOnes * static_cast<unsigned char>(delimiter);
  const uint64_t newlines8 = kOnes * static_cast<unsigned char>('\n');
  for (; pos + 8 <= n; pos += 8) {
    uint64_t word;
    std::memcpy(&word, p + pos, 8);
    uint64_t hits = ZeroBytes(word ^ delimiters8) | ZeroBytes(word ^ newlines8);
    if (hits != 0) return pos + static_cast<size_t>(std::countr_zero(hits) >> 3);
  }
  while (pos < n && p[pos] != delimiter && p[pos] != '\n') ++pos;
  return pos;
}

bool IsAscii(std::string_view text) {
  size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, text.data() + i, 8);
    if ((word & kHighBits) != 0) return false;
  }
  for (; i < text.size(); ++i) {
    if (static_cast<unsigned char>(text[i]) >= 0x80) return false;
  }
  return true;
}

// Collapses each "" to " in place; returns the new length.
size_t CollapseQuotes(char* text, size_t length) {
  size_t out = 0;
  for (size_t in = 0; in < length; ++in) {
    text[out++] = text[in];
    if (text[in] == '"' && in + 1 < length && text[in + 1] == '"') ++in;
  }
  return out;
}

size_t CountNewlines(const char* begin, const char* end) {
  size_t count = 0;
  while (const void* hit = std::memchr(begin, '\n', static_cast<size_t>(end - begin))) {
    ++count;
    begin = static_cast<const char*>(hit) + 1;
  }
  return count;
}

}  // namespace

CsvReader::CsvReader(std::unique_ptr<ByteSource> source, uint64_t base_offset, Encoding encoding,
                     const ReaderOptions& options)
    : delimiter_(options.format == InputFormat::kTsv ? '\t' : ','),
      encoding_(encoding),
      options_(options),
      buffer_(std::move(source), base_offset) {}

Status CsvReader::Open() {
  if (encoding_ == Encoding::kGb18030) {
    ASSIGN_OR_RETURN(decoder_, Gb18030Decoder::Create());
  }
  ASSIGN_OR_RETURN(Kind kind, Advance());
  if (kind == Kind::kEnd) return Status::Ok();
  if (!options_.header) {
    if (kind == Kind::kRecord) NameColumns(spans_.size());
    pending_ = kind;
    return Status::Ok();
  }
  std::string where = "the header (line " + std::to_string(record_line_) + ") ";
  if (kind == Kind::kOversize) {
    return InvalidArgument(where + "has a column name over max_field_bytes; is this a CSV file?");
  }
  if (kind == Kind::kUnterminated) {
    return InvalidArgument(where + "opens a quote that is never closed");
  }
  Record header;
  if (!DecodeFields(header)) return InvalidArgument(where + "cannot be read: " + header.error);
  for (const auto& name : header.fields) columns_.emplace_back(name.value_or(""));
  Consume();
  return Status::Ok();
}

void CsvReader::NameColumns(size_t count) {
  for (size_t i = 1; i <= count; ++i) columns_.push_back("col_" + std::to_string(i));
}

Result<bool> CsvReader::Next(Record& record) {
  record.error.clear();
  record.raw.clear();
  Kind kind = Kind::kRecord;
  if (pending_) {
    kind = *pending_;
    pending_.reset();
  } else {
    ASSIGN_OR_RETURN(kind, Advance());
  }
  record.line = record_line_;
  switch (kind) {
    case Kind::kEnd:
      return false;
    case Kind::kOversize:
      Reject("a field exceeds max_field_bytes (" + std::to_string(options_.max_field_bytes) +
                 " bytes)",
             record);
      record.raw = std::move(raw_);
      return true;
    case Kind::kUnterminated:
      Reject("a quoted field is never closed (the file ends inside quotes)", record);
      record.raw = RawText(pos_, buffer_.size());
      pos_ = buffer_.size();
      return true;
    case Kind::kRecord:
      break;
  }
  if (!options_.header && columns_.empty()) NameColumns(spans_.size());
  BuildRecord(record);
  Consume();
  return true;
}

bool CsvReader::BuildRecord(Record& record) {
  if (spans_.size() != columns_.size()) {
    RejectScanned("expected " + std::to_string(columns_.size()) + " fields, found " +
                      std::to_string(spans_.size()),
                  record);
    return false;
  }
  return DecodeFields(record);
}

Result<CsvReader::Kind> CsvReader::Advance() {
  while (true) {
    record_line_ = line_;
    if (pos_ == buffer_.size()) {
      if (buffer_.eof()) return Kind::kEnd;
      RETURN_IF_ERROR(buffer_.Refill(pos_).status());
      pos_ = 0;
      continue;
    }
    switch (Scan()) {
      case ScanOutcome::kNeedMore:
        RETURN_IF_ERROR(buffer_.Refill(pos_).status());
        pos_ = 0;
        break;
      case ScanOutcome::kRecord:
        if (!IsBlank()) return Kind::kRecord;
        Consume();
        break;
      case ScanOutcome::kOversize:
        RETURN_IF_ERROR(SkipRecord());
        return Kind::kOversize;
      case ScanOutcome::kUnterminated:
        return Kind::kUnterminated;
    }
  }
}

CsvReader::ScanOutcome CsvReader::Scan() {
  spans_.clear();
  bad_quote_field_ = 0;
  saw_quote_ = false;
  const char* p = buffer_.data();
  const size_t n = buffer_.size();
  size_t pos = pos_;
  while (true) {
    FieldSpan field{pos, pos, false, false};
    if (pos < n && p[pos] == '"') {
      ScanOutcome outcome = ScanQuoted(pos, field);
      if (outcome != ScanOutcome::kRecord) return outcome;
      char c = pos < n ? p[pos] : '\n';
      if (c == delimiter_) {
        spans_.push_back(field);
        ++pos;
        continue;
      }
      if (c == '\n') {
        spans_.push_back(field);
        return EndRecord(pos, std::min(pos + 1, n));
      }
      if (c == '\r' && pos + 1 == n && !buffer_.eof()) return ScanOutcome::kNeedMore;
      if (c == '\r' && (pos + 1 == n || p[pos + 1] == '\n')) {
        spans_.push_back(field);
        return EndRecord(pos, std::min(pos + 2, n));
      }
      if (bad_quote_field_ == 0) bad_quote_field_ = spans_.size() + 1;
    }
    size_t end = FindDelimiterOrNewline(p, pos, n, delimiter_);
    if (end < n && p[end] == delimiter_ && !field.quoted &&
        end - field.begin <= options_.max_field_bytes) {
      field.end = end;
      spans_.push_back(field);
      pos = end + 1;
      continue;
    }
    bool done = false;
    ScanOutcome outcome = ScanUnquoted(end, field, pos, done);
    if (outcome != ScanOutcome::kRecord) return outcome;
    spans_.push_back(field);
    if (done) return ScanOutcome::kRecord;
  }
}

CsvReader::ScanOutcome CsvReader::ScanQuoted(size_t& pos, FieldSpan& field) {
  const char* p = buffer_.data();
  const size_t n = buffer_.size();
  saw_quote_ = true;
  field.quoted = true;
  field.begin = pos + 1;
  size_t q = pos + 1;
  while (true) {
    const void* hit = q < n ? std::memchr(p + q, '"', n - q) : nullptr;
    if (hit == nullptr) {
      if (n - field.begin > options_.max_field_bytes) return ScanOutcome::kOversize;
      return buffer_.eof() ? ScanOutcome::kUnterminated : ScanOutcome::kNeedMore;
    }
    q = static_cast<size_t>(static_cast<const char*>(hit) - p);
    if (q + 1 == n && !buffer_.eof()) return ScanOutcome::kNeedMore;
    if (q + 1 < n && p[q + 1] == '"') {
      field.escaped = true;
      q += 2;
      continue;
    }
    break;
  }
  field.end = q;
  pos = q + 1;
  if (field.end - field.begin > options_.max_field_bytes) return ScanOutcome::kOversize;
  return ScanOutcome::kRecord;
}

CsvReader::ScanOutcome CsvReader::ScanUnquoted(size_t end, FieldSpan& field, size_t& pos,
                                               bool& done) {
  const char* p = buffer_.data();
  const size_t n = buffer_.size();
  if (end - field.begin > options_.max_field_bytes) return ScanOutcome::kOversize;
  if (end == n && !buffer_.eof()) return ScanOutcome::kNeedMore;
  bool at_delimiter = end < n && p[end] == delimiter_;
  if (!field.quoted) {
    field.end = end;
    if (!at_delimiter && end > field.begin && p[end - 1] == '\r') --field.end;
  }
  if (at_delimiter) {
    pos = end + 1;
    return ScanOutcome::kRecord;
  }
  done = true;
  return EndRecord(end, std::min(end + 1, n));
}

CsvReader::ScanOutcome CsvReader::EndRecord(size_t content_end, size_t next) {
  record_end_ = content_end;
  next_pos_ = next;
  return ScanOutcome::kRecord;
}

Status CsvReader::SkipRecord() {
  enum class State { kFieldStart, kUnquoted, kQuoted, kQuoteInQuoted };
  // A prefix of fixed length, so that it does not depend on how much was buffered.
  raw_ = RawText(pos_, pos_ + std::min(kMaxRawBytes, options_.max_field_bytes));
  State state = State::kFieldStart;
  size_t pos = pos_;
  while (true) {
    if (pos == buffer_.size()) {
      if (buffer_.eof()) break;
      RETURN_IF_ERROR(buffer_.Refill(pos).status());
      pos = 0;
      continue;
    }
    char c = buffer_.data()[pos++];
    if (c == '\n') {
      ++line_;
      if (state == State::kQuoted) continue;
      break;
    }
    switch (state) {
      case State::kQuoted:
        if (c == '"') state = State::kQuoteInQuoted;
        break;
      case State::kUnquoted:
        if (c == delimiter_) state = State::kFieldStart;
        break;
      case State::kFieldStart:
      case State::kQuoteInQuoted:
        if (c == '"') {
          state = State::kQuoted;
        } else {
          state = c == delimiter_ ? State::kFieldStart : State::kUnquoted;
        }
        break;
    }
  }
  pos_ = pos;
  return Status::Ok();
}

void CsvReader::Consume() {
  const char* p = buffer_.data();
  size_t from = saw_quote_ ? pos_ : record_end_;
  line_ += static_cast<int64_t>(CountNewlines(p + from, p + next_pos_));
  pos_ = next_pos_;
}

bool CsvReader::IsBlank() const {
  return spans_.size() == 1 && !spans_[0].quoted && spans_[0].begin == spans_[0].end;
}

void CsvReader::Reject(std::string reason, Record& record) const {
  record.fields.clear();
  record.error = std::move(reason);
}

void CsvReader::RejectScanned(std::string reason, Record& record) const {
  Reject(std::move(reason), record);
  record.raw = RawText(pos_, record_end_);
}

bool CsvReader::DecodeFields(Record& record) {
  if (bad_quote_field_ != 0) {
    RejectScanned("field " + std::to_string(bad_quote_field_) +
                      " has text after its closing quote; a quote inside a quoted field must be "
                      "doubled (\"\")",
                  record);
    return false;
  }
  if (encoding_ == Encoding::kUtf8) {
    std::string_view text(buffer_.data() + pos_, record_end_ - pos_);
    size_t bad = FindInvalidUtf8(text);
    if (bad != kNoInvalidByte) {
      RejectScanned(
          DescribeBytes(text, bad) + " at byte offset " +
              std::to_string(buffer_.FileOffset(pos_ + bad)) +
              " are not valid UTF-8; if the file is GBK/GB18030, read it with that encoding",
          record);
      return false;
    }
  }
  scratch_.clear();
  scratch_fields_.clear();
  record.fields.resize(spans_.size());
  const bool utf8 = encoding_ == Encoding::kUtf8;
  for (size_t i = 0; i < spans_.size(); ++i) {
    const FieldSpan& span = spans_[i];
    if (utf8 && !span.escaped && (span.quoted || span.end > span.begin)) {
      record.fields[i] = std::string_view(buffer_.data() + span.begin, span.end - span.begin);
    } else if (!DecodeField(i, record.fields[i], record)) {
      return false;
    }
  }
  for (const ScratchField& f : scratch_fields_) {
    record.fields[f.index] = std::string_view(scratch_.data() + f.offset, f.length);
  }
  return true;
}

bool CsvReader::DecodeField(size_t index, std::optional<std::string_view>& out, Record& record) {
  const FieldSpan& span = spans_[index];
  std::string_view text(buffer_.data() + span.begin, span.end - span.begin);
  if (!span.quoted && text.empty()) {
    out = std::nullopt;
    return true;
  }
  bool convert = encoding_ == Encoding::kGb18030 && !IsAscii(text);
  if (!convert && !span.escaped) {
    out = text;
    return true;
  }
  size_t offset = scratch_.size();
  if (!convert) {
    scratch_.append(text);
  } else if (size_t bad = 0; !decoder_->Decode(text, scratch_, bad)) {
    RejectScanned("field " + std::to_string(index + 1) + ": " + DescribeBytes(text, bad) +
                      " at byte offset " + std::to_string(buffer_.FileOffset(span.begin + bad)) +
                      " are not valid GB18030; check the file's encoding",
                  record);
    return false;
  }
  size_t length = CollapseQuotes(scratch_.data() + offset, scratch_.size() - offset);
  scratch_.resize(offset + length);
  scratch_fields_.push_back({index, offset, length});
  return true;
}

std::string CsvReader::RawText(size_t begin, size_t end) const {
  std::string_view bytes(buffer_.data() + begin, std::min(end - begin, kMaxRawBytes + 4));
  while (!bytes.empty() && (bytes.back() == '\n' || bytes.back() == '\r')) {
    bytes.remove_suffix(1);
  }
  std::string raw;
  AppendLossyUtf8(bytes, decoder_.get(), kMaxRawBytes, raw);
  return raw;
}

}  // namespace citydata::formats
