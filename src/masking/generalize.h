// Generalization (泛化): replaces a value by a coarser one that still groups and
// counts, e.g. a division code by its city, a birth date by its year.
//
// Pure functions that accept any bytes. Each returns nullopt when the value does not
// have the form the generalization needs: such a value is suppressed (NULL), never
// shown as it was.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace citydata::masking {

// A GB/T 2260 division code (6 digits) or a longer statistical code (9 or 12 digits)
// cut to its first `kept_digits` digits and padded back with zeros: 4 gives the city
// (330106 → 330100), 2 the province (330106 → 330000).
// REQUIRES: 0 < kept_digits <= 6. nullopt unless `code` is 6 or more ASCII digits.
std::optional<std::string> GeneralizeDivision(std::string_view code, size_t kept_digits);

// The year of a date or timestamp that starts with it: "1990-05-17", "1990/5/17",
// "1990年5月17日", "19900517", "1990-05-17T08:00:00" → "1990". nullopt otherwise.
std::optional<std::string> GeneralizeYear(std::string_view date);

// A 10-year band of an age in whole or decimal years, optionally followed by 岁:
// "35" → "30-39", "7.5" → "0-9"; 100 and over → "100+". nullopt for anything that is
// not an age from 0 to 150.
std::optional<std::string> GeneralizeAgeBand(std::string_view age);

// Rounds (half up, in decimal) every number in `text` with more than `decimals`
// fraction digits to `decimals` and keeps everything else: "120.15512,30.27431" → "120.16,30.27"
// with 2, "POINT(120.156 30.274)" → "POINT(120.16 30.27)". nullopt when `text` holds
// no number at all.
std::optional<std::string> RoundNumbers(std::string_view text, size_t decimals);

}  // namespace citydata::masking
