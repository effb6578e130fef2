// Partial masking (部分遮盖) in the common Chinese display forms, e.g. name 张**,
// ID number 110105********123X, mobile 138****1234.
//
// Pure functions on UTF-8 text that accept any bytes: a "character" is a code point,
// and each byte of an invalid UTF-8 sequence counts as one character, so no input
// makes them fail. Kept characters are copied as they are; each hidden character
// becomes one '*' (so the form keeps the value's length) except in e-mail local parts
// and the street part of addresses, which become a fixed "****".
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace citydata::masking {

// The number of characters in `text`.
size_t CharCount(std::string_view text);

// Keeps the first `first` and the last `last` characters and replaces each one between
// with '*'. A value of 1 to first + last characters is too short for the form to hide
// anything, so it is masked whole except its first character when it has three or more
// ("abcd" with 6 + 4 → "a***"): a masked value never shows whole. "" stays "".
std::string MaskKeep(std::string_view text, size_t first, size_t last);

// The display form of `category` (the classification ids, see README.md):
//   name             first character             张三丰 → 张**
//   id_card          first 6 + last 4            110105********002X
//   mobile           mask the 4 before the last 4 13812341234 → 138****1234, +86 kept
//   bank_card        first 6 + last 4            622202*********0123
//   email            first character of the local part, "****", then "@domain"
//                                                dong@example.com → d****@example.com
//   address          up to and including the first 区/县/旗 among the first 12
//                    characters (not 小区/社区), else the first 6, then "****"
//                                                北京市朝阳区建国路88号 → 北京市朝阳区****
//   landline         the area code ("010-", "0571", "(010)") + last 2
//                                                010-12345678 → 010-******78
//   passport         first 2 + last 2            E12345678 → E1*****78
//   hk_macau_permit  first 1 + last 2            H12345678 → H******78
//   plate            province + issuing letter   京A12345 → 京A*****
//   ip               IPv4 first two octets, IPv6 first two groups
//                                                192.168.1.23 → 192.168.*.*
//   anything else    first 1 + last 1
// A value that lacks the structure its form needs (an e-mail without '@', an IP
// without separators) gets the "anything else" form.
std::string MaskForCategory(std::string_view category, std::string_view text);

}  // namespace citydata::masking
