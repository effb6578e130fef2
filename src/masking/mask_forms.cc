#include "masking/mask_forms.h"

#include <array>

namespace citydata::masking {
namespace {

constexpr std::string_view kFixedMask = "****";

// The end of the character starting at byte `i`: a well-formed UTF-8 sequence, or
// one byte when the sequence is malformed or cut short.
size_t CharEnd(std::string_view s, size_t i) {
  auto lead = static_cast<unsigned char>(s[i]);
  size_t len = lead < 0x80           ? 1
               : (lead >> 5) == 0x6  ? 2
               : (lead >> 4) == 0xE  ? 3
               : (lead >> 3) == 0x1E ? 4
                                     : 1;
  if (i + len > s.size()) return i + 1;
  for (size_t k = 1; k < len; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return i + 1;
  }
  return i + len;
}

// The byte offset `chars` characters after byte `from` (or the end).
size_t Advance(std::string_view s, size_t from, size_t chars) {
  for (; chars > 0 && from < s.size(); --chars) from = CharEnd(s, from);
  return from;
}

std::string Concat(std::string_view head, std::string_view mask, std::string_view tail) {
  std::string out;
  out.reserve(head.size() + mask.size() + tail.size());
  out.append(head).append(mask).append(tail);
  return out;
}

std::string MaskMobile(std::string_view text) {
  size_t count = CharCount(text);
  return MaskKeep(text, count > 11 ? count - 8 : 3, 4);
}

std::string MaskEmail(std::string_view text) {
  size_t at = text.rfind('@');
  if (at == std::string_view::npos) return MaskKeep(text, 1, 1);
  size_t first_end = at == 0 ? 0 : CharEnd(text, 0);
  return Concat(text.substr(0, first_end), kFixedMask, text.substr(at));
}

bool IsDistrictMarker(std::string_view ch, std::string_view previous) {
  if (ch == "县" || ch == "旗") return true;
  return ch == "区" && previous != "小" && previous != "社";
}

std::string MaskAddress(std::string_view text) {
  size_t start = 0;
  std::string_view previous;
  for (size_t index = 0; index < 12 && start < text.size(); ++index) {
    size_t end = CharEnd(text, start);
    std::string_view ch = text.substr(start, end - start);
    if (index > 0 && IsDistrictMarker(ch, previous)) {
      if (end == text.size()) return std::string(text);
      return Concat(text.substr(0, end), kFixedMask, {});
    }
    previous = ch;
    start = end;
  }
  if (CharCount(text) <= 6) return MaskKeep(text, 6, 0);
  return Concat(text.substr(0, Advance(text, 0, 6)), kFixedMask, {});
}

// The byte length of a leading area code with its separator: "(010)", "(010)-",
// "010-", "0571-", or bare "010" / "02x" / "0xxx" before the local number.
size_t AreaCodeLength(std::string_view text) {
  if (text.starts_with('(')) {
    size_t close = text.find(')');
    if (close == std::string_view::npos) return 0;
    return close + 1 < text.size() && text[close + 1] == '-' ? close + 2 : close + 1;
  }
  if (!text.starts_with('0') || text.size() < 4) return 0;
  size_t dash = text.find('-');
  if (dash != std::string_view::npos && dash <= 4) return dash + 1;
  return text[1] == '1' || text[1] == '2' ? 3 : 4;
}

std::string MaskLandline(std::string_view text) {
  size_t area = AreaCodeLength(text);
  return std::string(text.substr(0, area)) + MaskKeep(text.substr(area), 0, 2);
}

// IPv4 keeps two octets and stars the others ("192.168.*.*"); IPv6 keeps two groups
// and stars the rest at once ("2001:db8:*").
std::string MaskIp(std::string_view text) {
  bool v6 = text.find(':') != std::string_view::npos;
  char separator = v6 ? ':' : '.';
  size_t first = text.find(separator);
  size_t second = first == std::string_view::npos ? first : text.find(separator, first + 1);
  if (second == std::string_view::npos) return MaskKeep(text, 1, 1);
  std::string out(text.substr(0, second + 1));
  out += '*';
  if (v6) return out;
  for (size_t i = second + 1; i < text.size(); ++i) {
    if (text[i] == '.') out += ".*";
  }
  return out;
}

struct KeepForm {
  std::string_view category;
  size_t first;
  size_t last;
};

constexpr std::array<KeepForm, 6> kKeepForms = {{{"name", 1, 0},
                                                 {"id_card", 6, 4},
                                                 {"bank_card", 6, 4},
                                                 {"passport", 2, 2},
                                                 {"hk_macau_permit", 1, 2},
                                                 {"plate", 2, 0}}};

}  // namespace

size_t CharCount(std::string_view text) {
  size_t count = 0;
  for (size_t i = 0; i < text.size(); i = CharEnd(text, i)) ++count;
  return count;
}

std::string MaskKeep(std::string_view text, size_t first, size_t last) {
  size_t count = CharCount(text);
  if (first >= count || last >= count - first) {
    first = count >= 3 ? 1 : 0;
    last = 0;
  }
  size_t hidden = count - first - last;
  size_t head = Advance(text, 0, first);
  size_t tail = Advance(text, head, hidden);
  std::string out;
  out.reserve(head + hidden + text.size() - tail);
  out.append(text.substr(0, head)).append(hidden, '*').append(text.substr(tail));
  return out;
}

std::string MaskForCategory(std::string_view category, std::string_view text) {
  for (const KeepForm& form : kKeepForms) {
    if (form.category == category) return MaskKeep(text, form.first, form.last);
  }
  if (category == "mobile") return MaskMobile(text);
  if (category == "email") return MaskEmail(text);
  if (category == "address") return MaskAddress(text);
  if (category == "landline") return MaskLandline(text);
  if (category == "ip") return MaskIp(text);
  return MaskKeep(text, 1, 1);
}

}  // namespace citydata::masking
