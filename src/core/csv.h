// Writing CSV (RFC 4180) fields. Reading CSV is formats/'s job.
#pragma once

#include <string>
#include <string_view>

namespace citydata {

// `text` as one CSV field: quoted (with quotes doubled) when it contains a comma, a
// quote, CR or LF, or when `quote_empty` and it is empty (so that readers following
// PostgreSQL's COPY tell an empty string from a missing value).
std::string CsvField(std::string_view text, bool quote_empty = false);

}  // namespace citydata
