// Value-level standardization (raw → std, PRODUCT.md C3).
//
// Each function takes one raw value and returns either the standardized value or a
// failure whose reason starts with "cannot be standardized: ". They repair only
// what has exactly one correct reading (a full-width digit, "2023年1月5日", "男");
// anything ambiguous fails instead of being guessed, so that the std zone never
// holds a value nobody wrote. All functions are pure and thread-safe.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "standards/code_tables.h"
#include "standards/data_elements.h"

namespace citydata::standards {

struct StdOutcome {
  bool ok = false;
  std::string value;   // the standardized value when ok
  std::string reason;  // why not, when !ok

  static StdOutcome Success(std::string value) { return {true, std::move(value), {}}; }
  static StdOutcome Failure(std::string_view why);  // reason = "cannot be standardized: " + why
};

// Removes leading and trailing ASCII white space (space, \t, \n, \v, \f, \r) and
// U+3000 IDEOGRAPHIC SPACE. The view points into `s`.
std::string_view Trim(std::string_view s);

// Converts full-width forms U+FF01..U+FF5E (ＡＢＣ１２３（），) to their ASCII
// counterparts U+0021..U+007E and U+3000 to a space. Everything else, including
// Chinese punctuation that has no ASCII form (、。“”) and invalid UTF-8, is copied.
std::string ToHalfWidth(std::string_view s);

// Dates to ISO 8601 "YYYY-MM-DD". Accepted, with a four-digit year 1000..9999 and
// one- or two-digit month and day:
//   Y-M-D, Y/M/D, Y.M.D (one separator kind per value), Y年M月D日, YYYYMMDD,
//   and any of the separated forms followed by ' ' or 'T' and a time of day
//   hh:mm[:ss[.fraction]] (the time must be valid; it is dropped).
// Fails for other shapes (two-digit years and spreadsheet serial numbers are
// ambiguous) and for dates not on the calendar, such as 2023-02-29.
StdOutcome NormalizeDate(std::string_view raw);

// ID numbers: 'x' is upper-cased; a 15-digit number becomes 18 digits
// (IdNumber15To18). Fails unless the result is 17 digits followed by a digit or
// 'X'. The check character is not verified: that is a quality rule.
StdOutcome NormalizeIdNumber(std::string_view raw);

// Mobile numbers: spaces and '-' are removed, then a "+86", "0086" or "86" prefix;
// the result must be 11 digits passing IsMobile ("+86 138-1234-5678" →
// "13812345678"). Fails otherwise.
StdOutcome NormalizeMobile(std::string_view raw);

// Upper-cases ASCII letters; used for credit codes, plates, passports and permits.
std::string ToUpperAscii(std::string_view s);

// The code `raw` stands for in the matcher's table (see CodeMatcher::Match); fails
// naming the table when there is none.
StdOutcome MapCode(const CodeMatcher& matcher, std::string_view raw);

// Standardizes the values of one data element. Apply() runs:
//   1. Trim, then ToHalfWidth, then Trim again. A value that is empty now is
//      returned as "" with ok: missing data is a completeness question, not a
//      standardization failure.
//   2. The element-specific step, chosen in this order:
//      - code_table set: MapCode against that table;
//      - data_type "date": NormalizeDate;
//      - format "id_card": NormalizeIdNumber;
//      - format "mobile": NormalizeMobile;
//      - format "uscc", "plate", "passport", "hk_macau_permit": ToUpperAscii;
//      - otherwise nothing more.
// Immutable after Create; thread-safe.
class Standardizer {
 public:
  // NotFound when the element names a code table that is not in `tables`.
  static Result<Standardizer> Create(const DataElement& element, std::span<const CodeTable> tables);

  StdOutcome Apply(std::string_view raw) const;

  // The steps, e.g. "trim,half_width,code:GB/T 2261.1"; for logs and the console.
  const std::string& description() const { return description_; }

 private:
  enum class Step { kNone, kCode, kDate, kIdNumber, kMobile, kUpper };

  Standardizer(Step step, std::shared_ptr<const CodeMatcher> matcher, std::string description)
      : step_(step), matcher_(std::move(matcher)), description_(std::move(description)) {}

  Step step_;
  std::shared_ptr<const CodeMatcher> matcher_;  // set when step_ is kCode; shared by copies
  std::string description_;
};

}  // namespace citydata::standards
