#include "quality/value_checks.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "standards/national_ids.h"

namespace citydata::quality {
namespace {

namespace chr = std::chrono;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Parses exactly `n` ASCII digits at `pos`.
std::optional<int> Digits(std::string_view s, size_t pos, size_t n) {
  if (pos + n > s.size()) return std::nullopt;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!IsDigit(s[i])) return std::nullopt;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

// Dates are passed around as plain days, kNoDate for none, and become optionals only
// when returned: GCC assembled optional<int32_t> results through the stack, in two
// stores that the following load waited for.
constexpr int32_t kNoDate = std::numeric_limits<int32_t>::min();

std::optional<int32_t> DateOrNull(int32_t days) {
  if (days == kNoDate) return std::nullopt;
  return days;
}

int32_t DaysOf(int y, int m, int d) {
  if (y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31) return kNoDate;
  chr::year_month_day ymd{chr::year{y}, chr::month{static_cast<unsigned>(m)},
                          chr::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return kNoDate;
  return static_cast<int32_t>(chr::sys_days(ymd).time_since_epoch().count());
}

// "YYYY<sep>MM<sep>DD".
int32_t SeparatedDays(std::string_view s, char sep) {
  if (s.size() != 10 || s[4] != sep || s[7] != sep) return kNoDate;
  auto y = Digits(s, 0, 4), m = Digits(s, 5, 2), d = Digits(s, 8, 2);
  if (!y || !m || !d) return kNoDate;
  return DaysOf(*y, *m, *d);
}

// Reads 1 or 2 digits at `pos`, advancing it.
std::optional<int> ShortNumber(std::string_view s, size_t& pos) {
  size_t start = pos;
  int v = 0;
  while (pos < s.size() && IsDigit(s[pos]) && pos - start < 2) v = v * 10 + (s[pos++] - '0');
  if (pos == start) return std::nullopt;
  return v;
}

bool Consume(std::string_view s, size_t& pos, std::string_view token) {
  if (s.substr(pos, token.size()) != token) return false;
  pos += token.size();
  return true;
}

int32_t ChineseDays(std::string_view s) {
  auto y = Digits(s, 0, 4);
  size_t pos = 4;
  if (!y || !Consume(s, pos, "年")) return kNoDate;
  auto m = ShortNumber(s, pos);
  if (!m || !Consume(s, pos, "月")) return kNoDate;
  auto d = ShortNumber(s, pos);
  if (!d || !Consume(s, pos, "日") || pos != s.size()) return kNoDate;
  return DaysOf(*y, *m, *d);
}

int32_t CommonDays(std::string_view text) {
  if (text.size() == 10) {
    for (char sep : {'-', '/', '.'}) {
      if (text[4] == sep) return SeparatedDays(text, sep);
    }
    return kNoDate;
  }
  if (text.size() == 8) {
    auto y = Digits(text, 0, 4), m = Digits(text, 4, 2), d = Digits(text, 6, 2);
    if (!y || !m || !d) return kNoDate;
    return DaysOf(*y, *m, *d);
  }
  return ChineseDays(text);
}

// "HH:MM[:SS[.fraction]]" from `pos`; seconds of the day, advancing pos.
std::optional<int> TimeOfDay(std::string_view s, size_t& pos) {
  auto h = Digits(s, pos, 2);
  if (!h || pos + 2 >= s.size() || s[pos + 2] != ':') return std::nullopt;
  auto m = Digits(s, pos + 3, 2);
  if (!m || *h > 23 || *m > 59) return std::nullopt;
  pos += 5;
  int sec = 0;
  if (pos < s.size() && s[pos] == ':') {
    auto sv = Digits(s, pos + 1, 2);
    if (!sv || *sv > 60) return std::nullopt;
    sec = *sv;
    pos += 3;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      size_t start = pos;
      while (pos < s.size() && IsDigit(s[pos])) ++pos;
      if (pos == start) return std::nullopt;
    }
  }
  return *h * 3600 + *m * 60 + sec;
}

// "Z", "±HH:MM" or "±HHMM" to the end of `s`; minutes east of UTC.
std::optional<int> Offset(std::string_view s, size_t pos) {
  std::string_view rest = s.substr(pos);
  if (rest == "Z") return 0;
  if (rest.size() != 6 && rest.size() != 5) return std::nullopt;
  if (rest[0] != '+' && rest[0] != '-') return std::nullopt;
  auto h = Digits(rest, 1, 2);
  size_t mpos = rest.size() == 6 ? 4 : 3;
  if (rest.size() == 6 && rest[3] != ':') return std::nullopt;
  auto m = Digits(rest, mpos, 2);
  if (!h || !m || *h > 23 || *m > 59) return std::nullopt;
  int minutes = *h * 60 + *m;
  return rest[0] == '-' ? -minutes : minutes;
}

}  // namespace

std::optional<int32_t> ParseIsoDateDays(std::string_view text) {
  return DateOrNull(SeparatedDays(text, '-'));
}

std::optional<int32_t> ParseCommonDateDays(std::string_view text) {
  return DateOrNull(CommonDays(text));
}

std::optional<int64_t> ParseTimestampSeconds(std::string_view text, int utc_offset_minutes) {
  if (text.size() < 10) return std::nullopt;
  auto days = ParseIsoDateDays(text.substr(0, 10));
  if (!days) return std::nullopt;
  int64_t seconds = int64_t{*days} * 86400;
  size_t pos = 10;
  if (pos < text.size()) {
    if (text[pos] != 'T' && text[pos] != ' ') return std::nullopt;
    ++pos;
    auto tod = TimeOfDay(text, pos);
    if (!tod) return std::nullopt;
    seconds += *tod;
  }
  int offset = utc_offset_minutes;
  if (pos < text.size()) {
    auto o = Offset(text, pos);
    if (!o) return std::nullopt;
    offset = *o;
  }
  return seconds - int64_t{offset} * 60;
}

bool IsIntegerText(std::string_view text) {
  int64_t v = 0;
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  if (text.empty() || text[0] == '+') return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  return ec == std::errc() && end == text.data() + text.size();
}

bool IsDecimalText(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  size_t digits = 0;
  while (i < s.size() && IsDigit(s[i])) ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && IsDigit(s[i])) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t exp = 0;
    while (i < s.size() && IsDigit(s[i])) ++i, ++exp;
    if (exp == 0) return false;
  }
  return i == s.size();
}

bool IsBooleanText(std::string_view text) {
  if (text == "是" || text == "否") return true;
  if (text.size() > 5) return false;
  std::string lower;
  for (char c : text) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  for (std::string_view b : {"true", "false", "t", "f", "yes", "no", "y", "n", "1", "0"}) {
    if (lower == b) return true;
  }
  return false;
}

std::optional<double> ParseNumber(std::string_view text) {
  if (!IsDecimalText(text)) return std::nullopt;
  if (text[0] == '+') text.remove_prefix(1);
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec == std::errc::result_out_of_range) return std::nullopt;
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

size_t Utf8Length(std::string_view text) {
  size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

bool IsBlank(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
      ++i;
    } else if (text.substr(i, 3) == "\xE3\x80\x80") {
      i += 3;
    } else {
      return false;
    }
  }
  return true;
}

std::string FormatDouble(double value) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  return ec == std::errc() ? std::string(buf, end) : std::string("nan");
}

std::string FormatDays(int32_t days) {
  return standards::FormatIsoDate(chr::year_month_day{chr::sys_days{chr::days{days}}});
}

bool IsValidId15(std::string_view id, int32_t today_days) {
  if (id.size() != 15) return false;
  for (char c : id) {
    if (!IsDigit(c)) return false;
  }
  if (!standards::IsIdProvincePrefix(id)) return false;
  auto y = Digits(id, 6, 2), m = Digits(id, 8, 2), d = Digits(id, 10, 2);
  const int32_t days = DaysOf(1900 + *y, *m, *d);
  return days != kNoDate && days <= today_days;
}

}  // namespace citydata::quality
