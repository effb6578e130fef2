#include "demo/spelling.h"

#include <array>
#include <cassert>
#include <cstdlib>
#include <span>
#include <utility>
#include <vector>

#include "demo/names.h"
#include "standards/national_ids.h"

namespace citydata::demo {
namespace {

namespace chr = std::chrono;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string TwoDigits(unsigned value) {
  return {static_cast<char>('0' + value / 10 % 10), static_cast<char>('0' + value % 10)};
}

}  // namespace

std::string FormatDate(chr::year_month_day date, DateStyle style) {
  const std::string year = std::to_string(static_cast<int>(date.year()));
  const unsigned month = static_cast<unsigned>(date.month());
  const unsigned day = static_cast<unsigned>(date.day());
  switch (style) {
    case DateStyle::kIso:
      return standards::FormatIsoDate(date);
    case DateStyle::kSlashes:
      return year + "/" + std::to_string(month) + "/" + std::to_string(day);
    case DateStyle::kChinese:
      return year + "年" + std::to_string(month) + "月" + std::to_string(day) + "日";
    case DateStyle::kCompact:
      return year + TwoDigits(month) + TwoDigits(day);
  }
  return standards::FormatIsoDate(date);
}

DateStyle RandomDateStyle(Rng& rng, double messy) {
  if (!rng.Chance(messy)) return DateStyle::kIso;
  constexpr std::array<DateStyle, 3> kMessy = {DateStyle::kSlashes, DateStyle::kChinese,
                                               DateStyle::kCompact};
  return rng.Pick(std::span<const DateStyle>(kMessy));
}

std::string FormatHour(chr::year_month_day day, int hour) {
  const chr::year_month_day date{chr::sys_days{day} + chr::days{hour / 24}};
  return standards::FormatIsoDate(date) + " " + TwoDigits(static_cast<unsigned>(hour % 24)) +
         ":00:00";
}

std::string FormatFixed(int64_t value, int decimals) {
  assert(decimals > 0 && decimals < 10);
  int64_t scale = 1;
  for (int i = 0; i < decimals; ++i) scale *= 10;
  const int64_t magnitude = std::llabs(value);
  std::string fraction = std::to_string(magnitude % scale + scale).substr(1);
  std::string text = value < 0 ? "-" : "";
  return text + std::to_string(magnitude / scale) + "." + fraction;
}

std::string WrongCheckCharacter(std::string_view id, Rng& rng) {
  constexpr std::string_view kChecks = "0123456789X";
  std::string wrong(id);
  char replacement = wrong.back();
  while (replacement == wrong.back()) replacement = kChecks[rng.Below(kChecks.size())];
  wrong.back() = replacement;
  return wrong;
}

std::string SwapAdjacentDigits(std::string_view text, Rng& rng) {
  std::string swapped(text);
  std::vector<size_t> positions;
  for (size_t i = 6; i + 1 < text.size(); ++i) {
    if (IsDigit(text[i]) && IsDigit(text[i + 1]) && text[i] != text[i + 1]) positions.push_back(i);
  }
  if (positions.empty()) return swapped;
  const size_t at = positions[rng.Below(positions.size())];
  std::swap(swapped[at], swapped[at + 1]);
  return swapped;
}

std::string OldIdNumber(std::string_view id18) {
  assert(id18.size() == 18 && id18.substr(6, 2) == "19");
  std::string old(id18.substr(0, 6));
  old += id18.substr(8, 9);
  return old;
}

std::string FullWidthDigits(std::string_view text) {
  std::string wide;
  for (char c : text) {
    if (!IsDigit(c)) {
      wide.push_back(c);
      continue;
    }
    wide += "\xEF\xBC";  // U+FF10 + digit, in UTF-8
    wide.push_back(static_cast<char>(0x90 + (c - '0')));
  }
  return wide;
}

std::string TrailingSpaces(std::string_view text, Rng& rng) {
  std::string padded(text);
  padded.append(static_cast<size_t>(rng.Between(1, 3)), ' ');
  return padded;
}

std::string RecordIdNumber(std::string_view id, const IdDefectRates& rates, Rng& rng) {
  if (id.back() == 'X' && rng.Chance(rates.lower_x)) return std::string(id.substr(0, 17)) + "x";
  double u = rng.Unit();
  const auto hit = [&u](double rate) {
    u -= rate;
    return u < 0;
  };
  if (hit(rates.wrong_check)) return WrongCheckCharacter(id, rng);
  if (hit(rates.swapped)) return SwapAdjacentDigits(id, rng);
  if (hit(rates.old_form)) return id.substr(6, 2) == "19" ? OldIdNumber(id) : std::string(id);
  if (hit(rates.full_width)) return FullWidthDigits(id);
  if (hit(rates.missing)) return "";
  return std::string(id);
}

std::string RecordName(std::string_view name, const NameDefectRates& rates, Rng& rng) {
  double u = rng.Unit();
  if ((u -= rates.typo) < 0) return HomophoneTypo(name, rng);
  if ((u -= rates.trailing) < 0) return TrailingSpaces(name, rng);
  if ((u -= rates.missing) < 0) return "";
  return std::string(name);
}

}  // namespace citydata::demo
