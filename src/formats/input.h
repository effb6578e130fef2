// Where readers get their bytes: a ByteSource (file, memory, or a decoding layer) and
// the InputBuffer that holds the unparsed part of the input.
//
// Thread safety: one thread at a time per object.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "formats/encoding.h"
#include "formats/record_reader.h"

namespace citydata::formats {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to `n` bytes into `dst`; returns how many, 0 only at end of input.
  virtual Result<size_t> Read(char* dst, size_t n) = 0;
};

// Fails with NotFound when `path` cannot be opened or is a directory.
Result<std::unique_ptr<ByteSource>> OpenFileSource(const std::string& path);

// Serves `bytes`, handing out at most `max_read` bytes per Read() (tests use small
// values to put chunk boundaries everywhere).
std::unique_ptr<ByteSource> MemorySource(std::string bytes, size_t max_read = SIZE_MAX);

// Serves `prefix`, then the rest of `source`.
std::unique_ptr<ByteSource> PrefixedSource(std::string prefix, std::unique_ptr<ByteSource> source);

// Serves `source` (GB18030) converted to UTF-8. Read() fails with InvalidArgument,
// naming the byte offset, at the first byte that is not valid GB18030.
Result<std::unique_ptr<ByteSource>> Gb18030ToUtf8Source(std::unique_ptr<ByteSource> source);

// The window of input not yet parsed. Parsers keep offsets into data(); Refill() moves
// the bytes they still need to the front, so offsets taken relative to `keep_from`
// stay meaningful.
class InputBuffer {
 public:
  // `base_offset` is the file offset of the first byte `source` serves.
  InputBuffer(std::unique_ptr<ByteSource> source, uint64_t base_offset);

  const char* data() const { return data_.get(); }
  size_t size() const { return size_; }
  // True once the source has reported end of input: size() will not grow again.
  bool eof() const { return eof_; }
  // File offset of data()[pos].
  uint64_t FileOffset(size_t pos) const { return base_offset_ + pos; }

  // Drops the bytes before `keep_from`, then reads more with one Read() call. The
  // capacity doubles when the kept bytes fill more than half of it, so one record
  // rescanned after each refill costs linear time overall, and while it is under 1 MiB
  // and the last read filled it. Returns the bytes added;
  // 0 means end of input (eof() is then true). Views into data() are invalidated.
  Result<size_t> Refill(size_t keep_from);

 private:
  std::unique_ptr<ByteSource> source_;
  std::unique_ptr<char[]> data_;
  size_t capacity_ = 0;
  size_t size_ = 0;
  uint64_t base_offset_ = 0;
  bool eof_ = false;
  bool last_read_filled_ = false;
};

// OpenReader() over any source: detects the encoding from the leading bytes, skips a
// UTF-8 BOM and reads the CSV header. Tests and the fuzzer use it with MemorySource.
Result<std::unique_ptr<RecordReader>> OpenReaderFromSource(std::unique_ptr<ByteSource> source,
                                                           const ReaderOptions& options);

}  // namespace citydata::formats
