#include "formats/encoding.h"

#include <iconv.h>

#include <bit>
#include <cerrno>
#include <cstdint>
#include <cstring>

namespace citydata::formats {
namespace {

constexpr uint64_t kHighBits = 0x8080808080808080ull;
// GB18030 text read as UTF-8 forms few valid multi-byte sequences per invalid one;
// UTF-8 text with a corrupt byte forms many.
constexpr size_t kUtf8EvidenceRatio = 10;
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the sequence led by `lead` and the allowed range of its second byte
// (Unicode table 3-7); 0 when `lead` cannot start a sequence.
struct Utf8Lead {
  size_t length;
  unsigned char low;
  unsigned char high;
};

Utf8Lead ClassifyLead(unsigned char lead) {
  if (lead >= 0xC2 && lead <= 0xDF) return {2, 0x80, 0xBF};
  if (lead == 0xE0) return {3, 0xA0, 0xBF};
  if (lead == 0xED) return {3, 0x80, 0x9F};
  if (lead >= 0xE1 && lead <= 0xEF) return {3, 0x80, 0xBF};
  if (lead == 0xF0) return {4, 0x90, 0xBF};
  if (lead >= 0xF1 && lead <= 0xF3) return {4, 0x80, 0xBF};
  if (lead == 0xF4) return {4, 0x80, 0x8F};
  return {0, 0, 0};
}

// Checks the sequence at `p[i]` (a non-ASCII byte). Returns its length, 0 when it is
// invalid, or -1 when it is a valid start cut short by the end of the input.
int CheckSequence(const unsigned char* p, size_t i, size_t n) {
  Utf8Lead lead = ClassifyLead(p[i]);
  if (lead.length == 0) return 0;
  size_t available = n - i < lead.length ? n - i : lead.length;
  for (size_t k = 1; k < available; ++k) {
    unsigned char c = p[i + k];
    bool ok = k == 1 ? (c >= lead.low && c <= lead.high) : (c & 0xC0) == 0x80;
    if (!ok) return 0;
  }
  return available < lead.length ? -1 : static_cast<int>(lead.length);
}

bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Scans from the start; returns the offset of the first bad sequence and whether it is
// only cut short by the end, or kNoInvalidByte. ASCII goes 8 bytes at a time and the
// common three-byte (CJK) sequences have their own short path.
size_t ScanUtf8(std::string_view bytes, bool& truncated) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  size_t n = bytes.size();
  size_t i = 0;
  while (i < n) {
    if (i + 8 <= n) {
      uint64_t word;
      std::memcpy(&word, p + i, 8);
      uint64_t high = word & kHighBits;
      if (high == 0) {
        i += 8;
        continue;
      }
      i += static_cast<size_t>(std::countr_zero(high) >> 3);
    } else if (p[i] < 0x80) {
      ++i;
      continue;
    }
    unsigned char lead = p[i];
    if (lead >= 0xE1 && lead <= 0xEC && i + 3 <= n && IsContinuation(p[i + 1]) &&
        IsContinuation(p[i + 2])) {
      i += 3;
      continue;
    }
    int length = CheckSequence(p, i, n);
    if (length <= 0) {
      truncated = length < 0;
      return i;
    }
    i += static_cast<size_t>(length);
  }
  return kNoInvalidByte;
}

}  // namespace

size_t FindInvalidUtf8(std::string_view bytes) {
  bool truncated = false;
  return ScanUtf8(bytes, truncated);
}

bool IsUtf8Prefix(std::string_view bytes) {
  bool truncated = false;
  return ScanUtf8(bytes, truncated) == kNoInvalidByte || truncated;
}

Encoding DetectEncoding(std::string_view prefix) {
  const auto* p = reinterpret_cast<const unsigned char*>(prefix.data());
  size_t n = prefix.size();
  size_t multibyte = 0;
  size_t invalid = 0;
  for (size_t i = 0; i < n;) {
    if (p[i] < 0x80) {
      ++i;
      continue;
    }
    int length = CheckSequence(p, i, n);
    if (length < 0) break;  // cut by the end of the prefix
    if (length == 0) {
      ++invalid;
      ++i;
      continue;
    }
    ++multibyte;
    i += static_cast<size_t>(length);
  }
  return invalid == 0 || multibyte > kUtf8EvidenceRatio * invalid ? Encoding::kUtf8
                                                                  : Encoding::kGb18030;
}

std::string DescribeBytes(std::string_view bytes, size_t offset, size_t count) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "bytes";
  for (size_t i = offset; i < bytes.size() && i < offset + count; ++i) {
    auto c = static_cast<unsigned char>(bytes[i]);
    out += " 0x";
    out += kHex[c >> 4];
    out += kHex[c & 0xF];
  }
  return out;
}

namespace {

// Appends `piece` to `out` unless that would pass `max_bytes`; returns false when full.
bool AppendBounded(std::string_view piece, size_t max_bytes, std::string& out) {
  if (out.size() + piece.size() > max_bytes) return false;
  out.append(piece);
  return true;
}

void AppendLossyFromUtf8(std::string_view bytes, size_t max_bytes, std::string& out) {
  while (!bytes.empty()) {
    size_t bad = FindInvalidUtf8(bytes);
    std::string_view good = bytes.substr(0, bad == kNoInvalidByte ? bytes.size() : bad);
    if (out.size() + good.size() > max_bytes) {
      // Cut at a character boundary: never before a continuation byte.
      size_t keep = max_bytes - out.size();
      while (keep > 0 && (static_cast<unsigned char>(good[keep]) & 0xC0) == 0x80) --keep;
      out.append(good.substr(0, keep));
      return;
    }
    out.append(good);
    if (bad == kNoInvalidByte || !AppendBounded(kReplacement, max_bytes, out)) return;
    bytes.remove_prefix(bad + 1);
  }
}

}  // namespace

void AppendLossyUtf8(std::string_view bytes, Gb18030Decoder* gb18030, size_t max_bytes,
                     std::string& out) {
  if (gb18030 == nullptr) {
    AppendLossyFromUtf8(bytes, max_bytes, out);
    return;
  }
  // Small pieces keep the work linear however many bytes are bad.
  constexpr size_t kPieceBytes = 256;
  std::string utf8;
  while (!bytes.empty() && utf8.size() <= max_bytes) {
    size_t consumed = 0;
    bool ok = gb18030->DecodeSome(bytes.substr(0, kPieceBytes), utf8, consumed);
    bytes.remove_prefix(consumed);
    if (ok && consumed > 0) continue;
    utf8.append(kReplacement);
    bytes.remove_prefix(1);
  }
  AppendLossyFromUtf8(utf8, max_bytes, out);
}

Result<std::unique_ptr<Gb18030Decoder>> Gb18030Decoder::Create() {
  iconv_t cd = iconv_open("UTF-8", "GB18030");
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    return Internal("the C library has no GB18030 converter (iconv_open failed)");
  }
  return std::unique_ptr<Gb18030Decoder>(new Gb18030Decoder(cd));
}

Gb18030Decoder::~Gb18030Decoder() { iconv_close(static_cast<iconv_t>(cd_)); }

bool Gb18030Decoder::DecodeSome(std::string_view in, std::string& out, size_t& consumed) {
  auto cd = static_cast<iconv_t>(cd_);
  iconv(cd, nullptr, nullptr, nullptr, nullptr);
  char* src = const_cast<char*>(in.data());
  size_t src_left = in.size();
  while (true) {
    size_t old_size = out.size();
    out.resize(old_size + src_left * 2 + 8);
    char* dst = out.data() + old_size;
    size_t dst_left = out.size() - old_size;
    size_t rc = iconv(cd, &src, &src_left, &dst, &dst_left);
    int error = errno;
    out.resize(out.size() - dst_left);
    consumed = in.size() - src_left;
    if (rc != static_cast<size_t>(-1)) return true;
    if (error == E2BIG) continue;
    return error == EINVAL;
  }
}

bool Gb18030Decoder::Decode(std::string_view in, std::string& out, size_t& bad_offset) {
  size_t consumed = 0;
  bool ok = DecodeSome(in, out, consumed);
  if (ok && consumed == in.size()) return true;
  bad_offset = consumed;
  return false;
}

}  // namespace citydata::formats
