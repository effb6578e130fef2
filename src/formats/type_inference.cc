#include "formats/type_inference.h"

#include <array>
#include <charconv>
#include <string>

namespace citydata::formats {
namespace {

constexpr size_t kMaxDigits = 15;  // every 15-digit number survives a trip through double

constexpr unsigned Bit(ColumnType type) { return 1u << static_cast<unsigned>(type); }

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool AllDigits(std::string_view text) {
  for (char c : text) {
    if (!IsDigit(c)) return false;
  }
  return !text.empty();
}

// Digits with no leading zero unless the number is "0".
bool IsCanonicalDigits(std::string_view digits) {
  return AllDigits(digits) && (digits.size() == 1 || digits[0] != '0');
}

bool IsInteger(std::string_view text) {
  bool negative = !text.empty() && text[0] == '-';
  std::string_view digits = negative ? text.substr(1) : text;
  if (!IsCanonicalDigits(digits) || digits.size() > kMaxDigits) return false;
  if (negative && digits == "0") return false;
  bool mobile_phone = !negative && digits.size() == 11 && digits[0] == '1';
  return !mobile_phone;
}

bool IsDecimal(std::string_view text) {
  if (!text.empty() && text[0] == '-') text.remove_prefix(1);
  size_t point = text.find('.');
  if (point == std::string_view::npos) return false;
  std::string_view whole = text.substr(0, point);
  std::string_view fraction = text.substr(point + 1);
  if (!IsCanonicalDigits(whole) || !AllDigits(fraction)) return false;
  size_t significant = (whole == "0" ? 0 : whole.size()) + fraction.size();
  return significant <= kMaxDigits;
}

bool EqualsIgnoringAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    if (c != b[i]) return false;
  }
  return true;
}

// The boolean a value spells, if any.
std::optional<bool> ParseBoolean(std::string_view text) {
  static constexpr std::array<std::string_view, 5> kTrue = {"true", "yes", "t", "y", "是"};
  static constexpr std::array<std::string_view, 5> kFalse = {"false", "no", "f", "n", "否"};
  for (std::string_view word : kTrue) {
    if (EqualsIgnoringAsciiCase(text, word)) return true;
  }
  for (std::string_view word : kFalse) {
    if (EqualsIgnoringAsciiCase(text, word)) return false;
  }
  return std::nullopt;
}

// `text[pos..pos+width)` as a number, or -1 when it is not all digits.
int Number(std::string_view text, size_t pos, size_t width) {
  if (pos + width > text.size()) return -1;
  int value = 0;
  for (size_t i = pos; i < pos + width; ++i) {
    if (!IsDigit(text[i])) return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// "YYYY-MM-DD" at the start of `text`, a real calendar day.
bool StartsWithDate(std::string_view text) {
  if (text.size() < 10 || text[4] != '-' || text[7] != '-') return false;
  int year = Number(text, 0, 4);
  int month = Number(text, 5, 2);
  int day = Number(text, 8, 2);
  if (year < 1 || month < 1 || month > 12) return false;
  return day >= 1 && day <= DaysInMonth(year, month);
}

bool IsDate(std::string_view text) { return text.size() == 10 && StartsWithDate(text); }

// "HH:MM" at `pos` with hour <= `max_hour`.
bool IsHoursMinutes(std::string_view text, size_t pos, int max_hour) {
  if (pos + 5 > text.size() || text[pos + 2] != ':') return false;
  int hour = Number(text, pos, 2);
  int minute = Number(text, pos + 3, 2);
  return hour >= 0 && hour <= max_hour && minute >= 0 && minute <= 59;
}

// The zone suffix: "", "Z" or "+HH:MM"/"-HH:MM".
bool IsZone(std::string_view zone) {
  if (zone.empty() || zone == "Z") return true;
  return zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && IsHoursMinutes(zone, 1, 23);
}

// "YYYY-MM-DD[ T]HH:MM:SS[.f{1,9}][Z|±HH:MM]".
bool IsTimestamp(std::string_view text) {
  if (text.size() < 19 || !StartsWithDate(text) || (text[10] != ' ' && text[10] != 'T')) {
    return false;
  }
  int second = Number(text, 17, 2);
  if (!IsHoursMinutes(text, 11, 23) || text[16] != ':' || second < 0 || second > 59) return false;
  size_t pos = 19;
  if (pos < text.size() && text[pos] == '.') {
    size_t digits = 0;
    while (pos + 1 + digits < text.size() && IsDigit(text[pos + 1 + digits])) ++digits;
    if (digits == 0 || digits > 9) return false;
    pos += 1 + digits;
  }
  return IsZone(text.substr(pos));
}

// The types `text` (non-empty) conforms to. Every integer is a decimal and every date
// a timestamp (midnight), so mixed columns widen instead of falling back to text.
unsigned ConformingTypes(std::string_view text) {
  unsigned types = Bit(ColumnType::kText);
  if (IsInteger(text)) types |= Bit(ColumnType::kInteger) | Bit(ColumnType::kDecimal);
  if (IsDecimal(text)) types |= Bit(ColumnType::kDecimal);
  if (ParseBoolean(text)) types |= Bit(ColumnType::kBoolean);
  if (IsDate(text)) types |= Bit(ColumnType::kDate) | Bit(ColumnType::kTimestamp);
  if (IsTimestamp(text)) types |= Bit(ColumnType::kTimestamp);
  return types;
}

Value ToNumber(std::string_view text, ColumnType type) {
  const char* end = text.data() + text.size();
  if (type == ColumnType::kInteger) {
    int64_t value = 0;
    std::from_chars(text.data(), end, value);
    return Value(value);
  }
  double value = 0;
  std::from_chars(text.data(), end, value);
  return Value(value);
}

}  // namespace

void TypeInferrer::Observe(std::optional<std::string_view> value) {
  if (!value || value->empty()) return;
  saw_value_ = true;
  candidates_ &= ConformingTypes(*value);
}

ColumnType TypeInferrer::Result() const {
  if (!saw_value_) return ColumnType::kText;
  for (ColumnType type : {ColumnType::kInteger, ColumnType::kDecimal, ColumnType::kBoolean,
                          ColumnType::kDate, ColumnType::kTimestamp}) {
    if ((candidates_ & Bit(type)) != 0) return type;
  }
  return ColumnType::kText;
}

namespace {

// Stores `text` in `out`, reusing the string `out` already holds (no allocation when
// its capacity suffices).
void AssignText(std::string_view text, Value& out) {
  if (auto* s = std::get_if<std::string>(&out)) {
    s->assign(text);
  } else {
    out = std::string(text);
  }
}

}  // namespace

bool ConvertValueInto(std::optional<std::string_view> text, ColumnType type, Value& out) {
  if (!text) {
    out = std::monostate{};
    return true;
  }
  if (type == ColumnType::kText) {
    AssignText(*text, out);
    return true;
  }
  if (text->empty()) {
    out = std::monostate{};
    return true;
  }
  if ((ConformingTypes(*text) & Bit(type)) == 0) return false;
  switch (type) {
    case ColumnType::kInteger:
    case ColumnType::kDecimal:
      out = ToNumber(*text, type);
      return true;
    case ColumnType::kBoolean:
      out = *ParseBoolean(*text);
      return true;
    case ColumnType::kDate:
      AssignText(*text, out);
      return true;
    case ColumnType::kTimestamp: {
      AssignText(*text, out);
      std::string& iso = std::get<std::string>(out);
      if (iso.size() == 10) iso += "T00:00:00";
      iso[10] = 'T';
      return true;
    }
    case ColumnType::kText:
      break;
  }
  AssignText(*text, out);
  return true;
}

std::optional<Value> ConvertValue(std::optional<std::string_view> text, ColumnType type) {
  Value out;
  if (!ConvertValueInto(text, type, out)) return std::nullopt;
  return out;
}

}  // namespace citydata::formats
