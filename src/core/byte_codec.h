// Byte encoding for persisted binary values (profiling sketches, blocks of quality
// issues).
//
// ByteEncoder appends little-endian fixed-width integers, LEB128 varints and
// length-prefixed byte strings to a std::string. ByteDecoder reads them back from a
// string_view it does not own; every Get* returns false, and leaves the decoder
// failed, when the input is truncated or malformed, so callers can chain reads and
// check once. Nothing here allocates proportionally to an untrusted length without
// first checking that many bytes are present.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace citydata {

class ByteEncoder {
 public:
  explicit ByteEncoder(std::string* out) : out_(*out) {}

  void PutByte(uint8_t b) { out_.push_back(static_cast<char>(b)); }
  void PutFixed64(uint64_t v) {
    char buf[8];
    std::memcpy(buf, &v, 8);
    out_.append(buf, 8);
  }
  void PutVarint(uint64_t v) {
    while (v >= 0x80) {
      PutByte(static_cast<uint8_t>(v | 0x80));
      v >>= 7;
    }
    PutByte(static_cast<uint8_t>(v));
  }
  // Zigzag encoding keeps small negative numbers short.
  void PutSigned(int64_t v) {
    PutVarint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
  }
  void PutDouble(double v) { PutFixed64(std::bit_cast<uint64_t>(v)); }
  void PutRaw(std::string_view bytes) { out_.append(bytes); }
  void PutBytes(std::string_view bytes) {
    PutVarint(bytes.size());
    PutRaw(bytes);
  }

 private:
  std::string& out_;
};

class ByteDecoder {
 public:
  explicit ByteDecoder(std::string_view in) : in_(in) {}

  bool ok() const { return ok_; }
  bool done() const { return in_.empty(); }

  bool GetByte(uint8_t* b) {
    if (!Need(1)) return false;
    *b = static_cast<uint8_t>(in_[0]);
    in_.remove_prefix(1);
    return true;
  }
  bool GetFixed64(uint64_t* v) {
    if (!Need(8)) return false;
    std::memcpy(v, in_.data(), 8);
    in_.remove_prefix(8);
    return true;
  }
  bool GetVarint(uint64_t* v) {
    uint64_t result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      uint8_t b;
      if (!GetByte(&b)) return false;
      result |= static_cast<uint64_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        *v = result;
        return true;
      }
    }
    return Fail();
  }
  // Reads a varint that must be a count in [0, INT64_MAX].
  bool GetCount(int64_t* v) {
    uint64_t u;
    if (!GetVarint(&u) || u > static_cast<uint64_t>(INT64_MAX)) return Fail();
    *v = static_cast<int64_t>(u);
    return true;
  }
  bool GetSigned(int64_t* v) {
    uint64_t u;
    if (!GetVarint(&u)) return false;
    *v = static_cast<int64_t>(u >> 1) ^ -static_cast<int64_t>(u & 1);
    return true;
  }
  bool GetDouble(double* v) {
    uint64_t bits;
    if (!GetFixed64(&bits)) return false;
    *v = std::bit_cast<double>(bits);
    return true;
  }
  // The returned view points into the decoder's input.
  bool GetRaw(size_t n, std::string_view* bytes) {
    if (!Need(n)) return false;
    *bytes = in_.substr(0, n);
    in_.remove_prefix(n);
    return true;
  }
  bool GetBytes(std::string_view* bytes) {
    uint64_t n;
    return GetVarint(&n) && GetRaw(n, bytes);
  }
  bool Fail() {
    ok_ = false;
    return false;
  }

 private:
  bool Need(uint64_t n) { return ok_ && n <= in_.size() ? true : Fail(); }

  std::string_view in_;
  bool ok_ = true;
};

}  // namespace citydata
