// Validators for Chinese national identifiers, shared by quality rules, sensitive-data
// classification and the demo generator:
//   - GB 11643-1999 citizen ID numbers (18 digits, and the old 15-digit form),
//   - GB 32100-2015 unified social credit codes with their embedded GB 11714
//     organisation code,
//   - the Luhn check used by bank card numbers,
//   - the GB/T 2260 provincial-level divisions.
//
// Every function is pure and thread-safe. Inputs are taken as they are: callers that
// want to accept lower-case 'x', full-width digits or surrounding spaces standardize
// the text first (see PRODUCT.md C3); a validator that silently repaired them would
// hide exactly the defects quality checks are meant to find.
#pragma once

#include <chrono>
#include <span>
#include <string>
#include <string_view>

#include "core/status.h"

namespace citydata::standards {

// "YYYY-MM-DD". REQUIRES: date.ok() and year in 0..9999.
std::string FormatIsoDate(std::chrono::year_month_day date);

// GB/T 2260 provincial-level divisions.

struct Province {
  std::string_view code;  // six digits, e.g. "110000"
  std::string_view name;  // e.g. "北京市"
};

// The 34 provincial-level divisions in code order. The view is valid for the whole
// program run.
std::span<const Province> Provinces();

// True when the first two characters of `address_code` are a province prefix an ID
// number may start with: those of Provinces(), plus 83 (residence permits of Taiwan
// residents). False for anything shorter than two characters.
bool IsIdProvincePrefix(std::string_view address_code);

// GB 11643-1999 citizen ID numbers.

// The check character ('0'..'9' or 'X') of an 18-digit ID number whose first 17
// digits are `body17`. InvalidArgument unless `body17` is exactly 17 ASCII digits.
Result<char> IdCheckCharacter(std::string_view body17);

// The first rule an ID number breaks, in the order they are checked.
enum class IdNumberError {
  kNone,            // valid
  kLength,          // not 18 characters
  kCharset,         // not 17 digits followed by a digit or upper-case 'X'
  kAddressCode,     // the first two digits are not a GB/T 2260 province prefix
  kBirthDate,       // not a real date, in the future, or before 1800-01-01
  kCheckCharacter,  // the 18th character does not match the other 17
};

// Stable lower-case name, e.g. "check_character"; used in quality results.
std::string_view IdNumberErrorName(IdNumberError error);

struct IdNumberCheck {
  IdNumberError error = IdNumberError::kNone;
  // The check character the first 17 digits call for. Set when the check got as far
  // as comparing it (error is kNone or kCheckCharacter), otherwise '\0'.
  char expected_check = '\0';

  bool ok() const { return error == IdNumberError::kNone; }
};

// Validates an 18-character ID number. `today` bounds the birth date: a birth date
// after `today` is an error. REQUIRES: today.ok().
IdNumberCheck ValidateIdNumber(std::string_view id, std::chrono::year_month_day today);

// The birth date encoded in an 18- or 15-digit ID number (15-digit numbers are from
// the 1900s). Checks structure only, not the check character: InvalidArgument when
// the length, the characters or the date itself are wrong.
Result<std::chrono::year_month_day> IdBirthDate(std::string_view id);

// IdBirthDate's date written "YYYY-MM-DD" to `out`, without allocating; false (and
// `out` unspecified) where IdBirthDate returns an error.
bool IdBirthDateIso(std::string_view id, std::span<char, 10> out);

// GB/T 2261.1 sex codes, as implied by an ID number.
enum class Sex { kMale = 1, kFemale = 2 };

// The sex encoded in an 18- or 15-digit ID number: the 17th (15th) digit is odd for
// men and even for women. InvalidArgument when that digit is missing or not a digit,
// or the length is neither 18 nor 15.
Result<Sex> IdSex(std::string_view id);

// Converts a 15-digit ID number to 18 digits: "19" is inserted after the six-digit
// address code and the check character appended. InvalidArgument unless `id15` is
// exactly 15 ASCII digits.
Result<std::string> IdNumber15To18(std::string_view id15);

// GB 32100-2015 unified social credit codes.

// The 31 characters a credit code is written with (no I, O, Z, S, V), in value order.
inline constexpr std::string_view kCreditCodeAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

// The check character of a credit code whose first 17 characters are `body17`.
// InvalidArgument unless `body17` has 17 characters of kCreditCodeAlphabet.
Result<char> CreditCodeCheckCharacter(std::string_view body17);

// The GB 11714 check character ('0'..'9' or 'X') of an organisation code whose
// first 8 characters are `body8`. InvalidArgument unless `body8` has 8 characters
// from 0-9 and upper-case A-Z.
Result<char> OrganizationCodeCheckCharacter(std::string_view body8);

// True when `code` is 9 characters whose last one is the GB 11714 check character
// of the first 8.
bool IsValidOrganizationCode(std::string_view code);

// The first rule a credit code breaks, in the order they are checked.
enum class CreditCodeError {
  kNone,            // valid
  kLength,          // not 18 characters
  kCharset,         // a character outside kCreditCodeAlphabet
  kCheckCharacter,  // the 18th character does not match the other 17
};

// Stable lower-case name, e.g. "check_character".
std::string_view CreditCodeErrorName(CreditCodeError error);

struct CreditCodeCheck {
  CreditCodeError error = CreditCodeError::kNone;
  // Whether characters 9-17 are a valid GB 11714 organisation code. Reported apart
  // from `error` because it is a warning-level rule: some codes issued before the
  // two standards were aligned carry organisation codes that fail their own check.
  // False whenever `error` is kLength or kCharset.
  bool organization_code_ok = false;

  bool ok() const { return error == CreditCodeError::kNone; }
};

CreditCodeCheck ValidateCreditCode(std::string_view code);

// Bank cards.

// True when `digits` is non-empty, all ASCII digits, and passes the Luhn (mod 10)
// check. Some genuine cards fail it, so quality rules treat a failure as a warning.
bool PassesLuhn(std::string_view digits);

}  // namespace citydata::standards
