// Internal to the standards module: the small RFC 4180 subset used by the code
// table and data element CSV files. Not a general CSV reader (see formats/ for that):
// these files are small and held in memory whole.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace citydata::standards::csv_text {

// Splits `text` into records of fields. Fields may be quoted with '"' ("" inside a
// quoted field is a quote; quoted fields may hold commas and line breaks). Records
// end with LF or CRLF; a leading UTF-8 byte-order mark is skipped; empty lines are
// skipped. InvalidArgument (naming the 1-based line) for an unterminated quote or
// text after a closing quote.
Result<std::vector<std::vector<std::string>>> Parse(std::string_view text);

// Appends `field` to `out`, quoted when it holds a comma, quote, CR or LF.
void AppendField(std::string_view field, std::string& out);

// Appends the fields joined by commas and a terminating "\n".
void AppendRecord(const std::vector<std::string>& fields, std::string& out);

// Splits a '|'-separated list; items are trimmed of ASCII spaces and tabs and empty
// items dropped; "" gives an empty list.
std::vector<std::string> SplitList(std::string_view text);

// Joins with '|'.
std::string JoinList(const std::vector<std::string>& items);

}  // namespace citydata::standards::csv_text
