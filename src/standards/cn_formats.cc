#include "standards/cn_formats.h"

#include <array>
#include <cstddef>

namespace citydata::standards {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsAlpha(char c) { return IsUpper(c) || (c >= 'a' && c <= 'z'); }
bool IsAlnum(char c) { return IsDigit(c) || IsAlpha(c); }

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

// A-Z except I and O.
bool IsLetterNoIO(char c) { return IsUpper(c) && c != 'I' && c != 'O'; }

// The characters of a plate's serial: A-HJ-NP-Z0-9.
bool IsPlateSerialChar(char c) { return IsDigit(c) || IsLetterNoIO(c); }

bool AllPlateSerial(std::string_view s) {
  for (char c : s) {
    if (!IsPlateSerialChar(c)) return false;
  }
  return true;
}

// Every character below is a CJK ideograph, three bytes in UTF-8.
constexpr size_t kHanBytes = 3;

constexpr std::array<std::string_view, 31> kPlateProvinces = {
    "京", "津", "沪", "渝", "冀", "豫", "云", "辽", "黑", "湘", "皖", "鲁", "新", "苏", "浙", "赣",
    "鄂", "桂", "甘", "晋", "蒙", "陕", "吉", "闽", "贵", "粤", "青", "藏", "川", "宁", "琼"};

constexpr std::array<std::string_view, 5> kPlateSpecialSuffixes = {"挂", "学", "警", "港", "澳"};

template <size_t N>
bool IsOneOf(std::string_view han, const std::array<std::string_view, N>& set) {
  for (std::string_view candidate : set) {
    if (han == candidate) return true;
  }
  return false;
}

// The part after the province and the authority letter: 5 ASCII characters
// (ordinary), 4 + a special suffix, or 6 ASCII characters (new energy).
bool IsPlateTail(std::string_view tail) {
  if (tail.size() == 5) return AllPlateSerial(tail);
  if (tail.size() == 4 + kHanBytes) {
    return AllPlateSerial(tail.substr(0, 4)) && IsOneOf(tail.substr(4), kPlateSpecialSuffixes);
  }
  if (tail.size() == 6) {
    if (tail[0] == 'D' || tail[0] == 'F') return AllPlateSerial(tail.substr(1));
    return AllDigits(tail.substr(0, 5)) && (tail[5] == 'D' || tail[5] == 'F');
  }
  return false;
}

// Consumes a long-distance area code of exactly `digits` digits (3 or 4) from the
// front of `s` in one of the forms "0xx", "0xx-", "(0xx)", "(0xx)-". Returns false,
// leaving `s` untouched, when `s` does not start that way.
bool ConsumeAreaCode(std::string_view& s, size_t digits) {
  std::string_view rest = s;
  bool parenthesized = !rest.empty() && rest[0] == '(';
  if (parenthesized) rest.remove_prefix(1);
  if (rest.size() < digits || !AllDigits(rest.substr(0, digits)) || rest[0] != '0') return false;
  bool shape_ok = digits == 3 ? (rest[1] == '1' && rest[2] == '0') || rest[1] == '2'
                              : rest[1] >= '3' && rest[1] <= '9';
  if (!shape_ok) return false;
  rest.remove_prefix(digits);
  if (parenthesized) {
    if (rest.empty() || rest[0] != ')') return false;
    rest.remove_prefix(1);
  }
  if (!rest.empty() && rest[0] == '-') rest.remove_prefix(1);
  s = rest;
  return true;
}

// A local number with an optional extension: 7-8 digits not starting 0 or 1, then
// nothing, or '-' / "转" and 1..6 digits.
bool IsLocalWithExtension(std::string_view s) {
  size_t n = 0;
  while (n < s.size() && IsDigit(s[n])) ++n;
  if (n < 7 || n > 8 || s[0] == '0' || s[0] == '1') return false;
  std::string_view ext = s.substr(n);
  if (ext.empty()) return true;
  if (ext[0] == '-') {
    ext.remove_prefix(1);
  } else if (ext.starts_with("转")) {
    ext.remove_prefix(kHanBytes);
  } else {
    return false;
  }
  return !ext.empty() && ext.size() <= 6 && AllDigits(ext);
}

// Ten digits starting 400 or 800, optionally split by single '-' between digits.
bool IsServiceNumber(std::string_view s) {
  if (!(s.starts_with("400") || s.starts_with("800"))) return false;
  size_t digits = 0;
  char previous = '\0';
  for (char c : s) {
    if (IsDigit(c)) {
      ++digits;
    } else if (c != '-' || previous == '-') {
      return false;
    }
    previous = c;
  }
  return digits == 10 && previous != '-';
}

bool IsEmailLocalChar(char c) {
  if (IsAlnum(c)) return true;
  constexpr std::string_view kSpecials = "!#$%&'*+/=?^_`{|}~.-";
  return kSpecials.find(c) != std::string_view::npos;
}

bool IsEmailLocal(std::string_view local) {
  if (local.empty() || local.size() > 64) return false;
  if (local.front() == '.' || local.back() == '.') return false;
  char previous = '\0';
  for (char c : local) {
    if (!IsEmailLocalChar(c) || (c == '.' && previous == '.')) return false;
    previous = c;
  }
  return true;
}

bool IsDomainLabel(std::string_view label) {
  if (label.empty() || label.size() > 63) return false;
  if (label.front() == '-' || label.back() == '-') return false;
  for (char c : label) {
    if (!IsAlnum(c) && c != '-') return false;
  }
  return true;
}

bool IsEmailDomain(std::string_view domain) {
  if (domain.size() > 253) return false;
  size_t last_dot = domain.rfind('.');
  if (last_dot == std::string_view::npos) return false;
  std::string_view tld = domain.substr(last_dot + 1);
  if (tld.size() < 2 || tld.size() > 63) return false;
  for (char c : tld) {
    if (!IsAlpha(c)) return false;
  }
  size_t start = 0;
  while (start <= last_dot) {
    size_t dot = domain.find('.', start);
    if (!IsDomainLabel(domain.substr(start, dot - start))) return false;
    start = dot + 1;
  }
  return true;
}

}  // namespace

bool IsMobile(std::string_view s) {
  if (s.starts_with("+86")) {
    s.remove_prefix(3);
  } else if (s.size() == 13 && s.starts_with("86")) {
    s.remove_prefix(2);
  }
  return s.size() == 11 && s[0] == '1' && s[1] >= '3' && s[1] <= '9' && AllDigits(s);
}

bool IsLandline(std::string_view s) {
  if (s.empty()) return false;
  if (IsServiceNumber(s)) return true;
  if (s[0] != '0' && s[0] != '(') return IsLocalWithExtension(s);
  for (size_t digits : {size_t{3}, size_t{4}}) {
    std::string_view rest = s;
    if (ConsumeAreaCode(rest, digits) && IsLocalWithExtension(rest)) return true;
  }
  return false;
}

bool IsEmail(std::string_view s) {
  size_t at = s.find('@');
  if (at == std::string_view::npos) return false;
  std::string_view domain = s.substr(at + 1);
  if (domain.find('@') != std::string_view::npos) return false;
  return IsEmailLocal(s.substr(0, at)) && IsEmailDomain(domain);
}

bool IsPlate(std::string_view s) {
  if (s.size() < kHanBytes + 1 || !IsOneOf(s.substr(0, kHanBytes), kPlateProvinces)) return false;
  if (!IsLetterNoIO(s[kHanBytes])) return false;
  return IsPlateTail(s.substr(kHanBytes + 1));
}

bool IsPassport(std::string_view s) {
  if (s.empty()) return false;
  std::string_view rest = s.substr(1);
  switch (s[0]) {
    case 'E':
      if (rest.size() == 8 && IsLetterNoIO(rest[0])) return AllDigits(rest.substr(1));
      return rest.size() == 8 && AllDigits(rest);
    case 'G':
      return rest.size() == 8 && AllDigits(rest);
    case 'D':
    case 'S':
    case 'P':
      return (rest.size() == 7 || rest.size() == 8) && AllDigits(rest);
    default:
      return false;
  }
}

bool IsHkMacauPermit(std::string_view s) {
  if (s.empty()) return false;
  std::string_view rest = s.substr(1);
  switch (s[0]) {
    case 'H':
    case 'M':
      return (rest.size() == 8 || rest.size() == 10) && AllDigits(rest);
    case 'C':
      if (rest.size() != 8) return false;
      return IsUpper(rest[0]) ? AllDigits(rest.substr(1)) : AllDigits(rest);
    default:
      return false;
  }
}

}  // namespace citydata::standards
