// Named value formats: the validators a DataElement's `format` may name, used by
// field mapping to recognise columns from their values.
//
// These checks answer "is this value written as an X", for raw values that have
// been trimmed. They are lenient where standardization can repair a value (a
// lower-case 'x' in an ID number, a "2023/1/5" date) and are not quality rules:
// quality rules use cn_formats.h and national_ids.h directly.
#pragma once

#include <span>
#include <string_view>

namespace citydata::standards {

using FormatValidator = bool (*)(std::string_view value);

// The names FindFormatValidator knows, in a stable order:
//   id_card          18-character ID number with a valid check character (x or X),
//                    or a 15-digit one with a real birth date; province prefix checked
//   uscc             unified social credit code (GB 32100 check character)
//   mobile, landline, email, plate, passport, hk_macau_permit   see cn_formats.h
//   bank_card        15..19 digits passing the Luhn check
//   postcode         6 digits
//   division_code    6 digits starting with a GB/T 2260 province prefix
//   date             anything NormalizeDate (standardize.h) accepts
std::span<const std::string_view> FormatNames();

// The validator named `name`, or nullptr when the name is not a known format (free
// text formats such as "18位字符" are not validators).
FormatValidator FindFormatValidator(std::string_view name);

}  // namespace citydata::standards
