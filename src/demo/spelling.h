// How department files spell values: the correct forms, and the seeded defects
// that later quality, standardization and master-data features are meant to find.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "demo/random.h"

namespace citydata::demo {

enum class DateStyle {
  kIso,      // 2023-01-05
  kSlashes,  // 2023/1/5
  kChinese,  // 2023年1月5日
  kCompact,  // 20230105
};

std::string FormatDate(std::chrono::year_month_day date, DateStyle style);

// kIso, except with probability `messy` one of the other three styles.
DateStyle RandomDateStyle(Rng& rng, double messy);

// "2026-11-01 08:00:00" for `hour` hours after midnight starting `day`.
std::string FormatHour(std::chrono::year_month_day day, int hour);

// `value` / 10^decimals with exactly `decimals` digits after the point, e.g.
// FormatFixed(-650005, 2) == "-6500.05". REQUIRES: 0 < decimals < 10.
std::string FormatFixed(int64_t value, int decimals);

// An 18-digit ID number with its check character replaced by a different one.
std::string WrongCheckCharacter(std::string_view id, Rng& rng);

// `text` with two adjacent, different digits swapped somewhere after the first six
// characters (a typing slip); unchanged when there is no such pair.
std::string SwapAdjacentDigits(std::string_view text, Rng& rng);

// The old 15-digit form of an 18-digit ID number of someone born in the 1900s.
std::string OldIdNumber(std::string_view id18);

// ASCII digits replaced by full-width ones (０-９), as some input methods produce.
std::string FullWidthDigits(std::string_view text);

// `text` followed by one to three spaces.
std::string TrailingSpaces(std::string_view text, Rng& rng);

// How often a department gets a person's ID number wrong, per defect. The defects
// are exclusive: one record has at most one of them.
struct IdDefectRates {
  double wrong_check = 0;  // a different check character
  double swapped = 0;      // two adjacent digits swapped
  double old_form = 0;     // 15 digits; IDs of people born after 1999 stay right
  double full_width = 0;   // full-width digits
  double lower_x = 0;      // 'x' for 'X', as a share of the IDs ending in X
  double missing = 0;      // empty
};

// `id` (a valid 18-digit number) as a department recorded it.
std::string RecordIdNumber(std::string_view id, const IdDefectRates& rates, Rng& rng);

// How often a department gets a name wrong, per exclusive defect.
struct NameDefectRates {
  double typo = 0;      // a homophone for one character
  double trailing = 0;  // trailing spaces
  double missing = 0;   // empty
};

std::string RecordName(std::string_view name, const NameDefectRates& rates, Rng& rng);

}  // namespace citydata::demo
