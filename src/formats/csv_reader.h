// RFC 4180 CSV and TSV reader (see record_reader.h for the contract).
//
// Structure is parsed on the raw bytes: GB18030 never uses the bytes of '"', ',', '\t',
// '\r' or '\n' inside a multi-byte character, so each field is decoded on its own
// afterwards. In the common case (UTF-8, unquoted or quoted without "" escapes) a field
// is a view into the input buffer; only escaped or converted fields are copied, into
// one per-record scratch buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "formats/encoding.h"
#include "formats/input.h"
#include "formats/record_reader.h"

namespace citydata::formats {

class CsvReader final : public RecordReader {
 public:
  // REQUIRES: `encoding` is kUtf8 or kGb18030 (already detected).
  CsvReader(std::unique_ptr<ByteSource> source, uint64_t base_offset, Encoding encoding,
            const ReaderOptions& options);

  // Reads the header (or, without one, peeks at the first record to name columns
  // col_1..col_N). Fails with InvalidArgument when the header cannot be parsed or decoded.
  Status Open();

  const std::vector<std::string>& columns() const override { return columns_; }
  Result<bool> Next(Record& record) override;
  uint64_t bytes_read() const override { return buffer_.FileOffset(pos_); }
  Encoding encoding() const override { return encoding_; }

 private:
  // Where a field's content lies in buffer_ (offsets valid until the next refill).
  struct FieldSpan {
    size_t begin;
    size_t end;
    bool quoted;
    bool escaped;  // contains "" pairs to collapse
  };
  enum class ScanOutcome { kRecord, kNeedMore, kOversize, kUnterminated };
  enum class Kind { kEnd, kRecord, kOversize, kUnterminated };

  // A field decoded into scratch_, placed into the record once scratch_ stops growing.
  struct ScratchField {
    size_t index;
    size_t offset;
    size_t length;
  };

  // Scans the record at pos_ into spans_, record_end_ (before the line break) and
  // next_pos_ (after it). Reads the buffer only; kNeedMore asks for a refill and rescan.
  ScanOutcome Scan();
  // Scans the quoted field opening at `pos`; on kRecord leaves `pos` past the closing
  // quote.
  ScanOutcome ScanQuoted(size_t& pos, FieldSpan& field);
  // Finishes the field whose scan for a delimiter or line break stopped at `end`
  // (buffer_.size() when none was found): on a delimiter leaves `pos` past it, at the
  // end of the record sets `done`. Ends an unquoted field's span.
  ScanOutcome ScanUnquoted(size_t end, FieldSpan& field, size_t& pos, bool& done);
  ScanOutcome EndRecord(size_t content_end, size_t next);

  // Moves to the next non-blank record, refilling as needed, and sets record_line_.
  // On kOversize the record has been consumed already and raw_ holds its beginning.
  Result<Kind> Advance();
  // Consumes the record at pos_ without buffering it, tracking quotes.
  Status SkipRecord();
  // Consumes the scanned record: advances pos_ and line_.
  void Consume();
  void NameColumns(size_t count);

  bool IsBlank() const;
  // Marks `record` rejected; RejectScanned() also keeps the scanned record as raw text.
  void Reject(std::string reason, Record& record) const;
  void RejectScanned(std::string reason, Record& record) const;
  // Fills `record` from the scanned record; returns false after rejecting it.
  bool BuildRecord(Record& record);
  bool DecodeFields(Record& record);
  bool DecodeField(size_t index, std::optional<std::string_view>& out, Record& record);
  std::string RawText(size_t begin, size_t end) const;

  const char delimiter_;
  const Encoding encoding_;
  const ReaderOptions options_;
  InputBuffer buffer_;
  std::unique_ptr<Gb18030Decoder> decoder_;
  std::vector<std::string> columns_;

  size_t pos_ = 0;    // start of the current record in buffer_
  int64_t line_ = 1;  // line of pos_
  int64_t record_line_ = 1;
  std::vector<FieldSpan> spans_;
  size_t record_end_ = 0;
  size_t next_pos_ = 0;
  size_t bad_quote_field_ = 0;  // 1-based field with text after its closing quote; 0: none
  bool saw_quote_ = false;
  std::optional<Kind> pending_;  // scanned by Open() and not yet returned
  std::string raw_;              // raw text of a skipped oversize record
  std::string scratch_;          // unescaped and decoded field text of one record
  std::vector<ScratchField> scratch_fields_;
};

}  // namespace citydata::formats
