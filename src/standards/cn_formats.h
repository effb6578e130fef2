// Validators for common Chinese contact and document formats, used per value by the
// quality engine (C5), by field mapping and by sensitive-data classification.
//
// Every function is pure, thread-safe, allocation-free and linear in the input: they
// are hand-written scanners, not regular expressions, because a quality scan calls
// them once per cell. Inputs are taken as they are (see national_ids.h): no trimming,
// no full-width → half-width, no case folding. Letters must be upper-case ASCII
// except in e-mail addresses.
#pragma once

#include <string_view>

namespace citydata::standards {

// Mobile numbers, exactly ^(?:\+?86)?1[3-9]\d{9}$: an optional "86" or "+86" prefix
// followed by 11 digits starting 13..19.
bool IsMobile(std::string_view s);

// Fixed-line numbers:
//   [area code] local [extension]
// - area code (optional): a real-shaped long-distance code, i.e. "010", "020".."029"
//   or "0" followed by 3 digits starting 3..9 ("0571", "0755"); written either
//   bare and followed by an optional '-' ("010-", "0571") or in ASCII parentheses
//   ("(010)") optionally followed by '-';
// - local: 7 or 8 digits, the first not 0 or 1;
// - extension (optional): '-' or "转" followed by 1..6 digits.
// Also 400/800 service numbers: ten digits starting 400 or 800, optionally split
// by single '-' between digits ("400-810-8888", "4008108888").
// A mobile number is not a landline.
bool IsLandline(std::string_view s);

// Pragmatic e-mail addresses: local@domain, ASCII only, no spaces, exactly one '@'.
// - local: 1..64 characters from A-Z a-z 0-9 and !#$%&'*+/=?^_`{|}~.-, not starting
//   or ending with '.', no "..";
// - domain: at most 253 characters, two or more dot-separated labels of 1..63
//   characters from A-Z a-z 0-9 '-', not starting or ending with '-'; the last
//   label (TLD) is 2 or more ASCII letters.
bool IsEmail(std::string_view s);

// Chinese vehicle plates (GA 36), in UTF-8:
//   province abbreviation (one of 京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼)
//   + issuing-authority letter A-Z except I and O, then one of:
// - ordinary (7 characters): 5 characters from A-HJ-NP-Z0-9 ("京A12345", "粤B8K9X2");
// - special (7 characters): 4 such characters + one of 挂学警港澳 ("京A1234警");
// - new-energy small vehicle (8 characters): D or F, then 5 characters from
//   A-HJ-NP-Z0-9 ("京AD12345");
// - new-energy large vehicle (8 characters): 5 digits, then D or F ("京A12345D").
bool IsPlate(std::string_view s);

// Chinese passports: ordinary "E" + 8 digits, "E" + a letter A-Z except I and O +
// 7 digits, old ordinary "G" + 8 digits, and official (diplomatic, service, public
// affairs) "D", "S" or "P" + 7 or 8 digits.
bool IsPassport(std::string_view s);

// Permits for travel between the mainland and Hong Kong / Macau:
// - 港澳居民来往内地通行证 (home return permit): "H" or "M" + 8 or 10 digits;
// - 往来港澳通行证 (exit-entry permit): "C" + 8 digits, or "C" + a letter A-Z + 7
//   digits.
bool IsHkMacauPermit(std::string_view s);

}  // namespace citydata::standards
