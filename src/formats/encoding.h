// Byte-level encoding helpers for the readers: UTF-8 validation, encoding detection
// and GB18030 → UTF-8 conversion through glibc iconv.
//
// Thread safety: the free functions are thread-safe; a Gb18030Decoder is used by one
// thread at a time.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "formats/record_reader.h"

namespace citydata::formats {

inline constexpr size_t kNoInvalidByte = std::string_view::npos;

// Returns the offset of the first byte of `bytes` that does not begin a well-formed
// UTF-8 sequence (Unicode table 3-7: no overlongs, no surrogates, nothing above
// U+10FFFF, no sequence cut by the end of `bytes`), or kNoInvalidByte.
size_t FindInvalidUtf8(std::string_view bytes);

// True when `bytes` is well-formed UTF-8, allowing the last sequence to be cut short
// by the end of the buffer (a prefix of a file read in chunks).
bool IsUtf8Prefix(std::string_view bytes);

// kUtf8 when `prefix` (the file's leading bytes, BOM already removed) is a UTF-8
// prefix, or nearly one: text with more than 10 well-formed multi-byte UTF-8 characters
// per malformed byte is UTF-8 with corrupt bytes (whose records are then rejected),
// not GB18030, which would turn all of it into mojibake. Else kGb18030. Never kAuto.
Encoding DetectEncoding(std::string_view prefix);

// "bytes 0xC3 0x28": up to `count` bytes of `bytes` from `offset`, for error messages.
std::string DescribeBytes(std::string_view bytes, size_t offset, size_t count = 3);

class Gb18030Decoder;

// Appends `bytes` to `out` as UTF-8, decoding them with `gb18030` when it is not null
// (else they are UTF-8), replacing undecodable bytes with U+FFFD, and stops before
// `out` grows past `max_bytes` (cutting at a character boundary). Used for the raw text
// of rejected records, which must be valid UTF-8 whatever the input.
void AppendLossyUtf8(std::string_view bytes, Gb18030Decoder* gb18030, size_t max_bytes,
                     std::string& out);

// Converts GB18030 text to UTF-8. Wraps one iconv descriptor.
class Gb18030Decoder {
 public:
  // Fails with Internal when the C library has no GB18030 converter.
  static Result<std::unique_ptr<Gb18030Decoder>> Create();
  ~Gb18030Decoder();
  Gb18030Decoder(const Gb18030Decoder&) = delete;
  Gb18030Decoder& operator=(const Gb18030Decoder&) = delete;

  // Appends the UTF-8 form of `in`, a complete piece of text, to `out`. On failure
  // returns false and sets `bad_offset` to the offset in `in` of the first byte that is
  // not valid GB18030 (or that starts a sequence cut by the end of `in`); `out` then
  // holds a partial conversion.
  bool Decode(std::string_view in, std::string& out, size_t& bad_offset);

  // Streaming form: appends the UTF-8 form of the complete characters of `in` to `out`
  // and sets `consumed` to the bytes used; a sequence cut by the end of `in` is left
  // for the next call. On an invalid sequence returns false with `consumed` at its
  // offset.
  bool DecodeSome(std::string_view in, std::string& out, size_t& consumed);

 private:
  explicit Gb18030Decoder(void* cd) : cd_(cd) {}
  void* cd_;  // iconv_t
};

}  // namespace citydata::formats
