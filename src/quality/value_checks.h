// Pure value checks used by row rules and expressions. Every function takes text as
// it is: no trimming, no full-width → half-width folding (a full-width digit is not
// a digit here), so the checks see the raw defects quality rules exist to find.
// All functions are thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace citydata::quality {

// Days since 1970-01-01 of a real calendar date written exactly "YYYY-MM-DD".
std::optional<int32_t> ParseIsoDateDays(std::string_view text);

// Days since 1970-01-01 of a real calendar date in one of the common forms
// "YYYY-MM-DD", "YYYY/MM/DD", "YYYY.MM.DD", "YYYYMMDD" (month and day two digits) or
// "YYYY年M月D日" (month and day one or two digits). Years 1000..9999.
std::optional<int32_t> ParseCommonDateDays(std::string_view text);

// Seconds since the epoch (UTC) of "YYYY-MM-DD", "YYYY-MM-DD[T ]HH:MM[:SS[.fraction]]"
// optionally followed by "Z" or "±HH:MM" / "±HHMM". Text without an offset is local
// time `utc_offset_minutes` east of UTC (China: 480); a date alone is its midnight.
std::optional<int64_t> ParseTimestampSeconds(std::string_view text, int utc_offset_minutes);

// An optional sign and ASCII digits that fit in int64.
bool IsIntegerText(std::string_view text);
// An optional sign, digits with at most one '.', at least one digit, and an optional
// exponent; e.g. "12", "-0.5", "3.", ".5", "1e6".
bool IsDecimalText(std::string_view text);
// true/false, t/f, yes/no, y/n (any case), 1/0, 是/否.
bool IsBooleanText(std::string_view text);

// The number a whole text reads as (IsDecimalText syntax), or nullopt.
std::optional<double> ParseNumber(std::string_view text);

// UTF-8 code points (bytes that are not continuation bytes).
size_t Utf8Length(std::string_view text);

// True when `text` is empty or only ASCII white space and U+3000 (ideographic space).
bool IsBlank(std::string_view text);

// The shortest text that reads back as `value`, e.g. "2.5", "1e+21".
std::string FormatDouble(double value);

// "YYYY-MM-DD" of days since 1970-01-01.
std::string FormatDays(int32_t days);

// A 15-digit ID number (GB 11643 before 1999): 15 ASCII digits, an ID province
// prefix and a real 19YYMMDD birth date not after `today_days`.
bool IsValidId15(std::string_view id, int32_t today_days);

}  // namespace citydata::quality
