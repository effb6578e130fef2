// Helpers shared by the transport's translation units; not part of the http module's API.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "http/server.h"

namespace citydata::http::internal {

// Decodes %XX escapes (and '+' as a space when `plus_is_space`). Returns nullopt when
// an escape is malformed.
std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space);

// Splits a raw (still encoded) path into its segments: "/a/b" -> {"a", "b"}, "/" -> {}.
std::vector<std::string_view> SplitPath(std::string_view raw_path);

// Splits a request target into its decoded path and query parameters (for repeated
// keys the last wins). Returns false when the target is not an origin-form path or an
// escape is malformed.
bool ParseTarget(std::string_view target, std::string& raw_path, std::string& path,
                 std::map<std::string, std::string>& query);

// {"error":{"code":"<ErrorCodeName(code)>","message":"<message>"}} with `status`.
Response JsonError(int status, ErrorCode code, std::string_view message);

}  // namespace citydata::http::internal
