// JSON helpers shared by every module that emits JSON.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace citydata {

// Serializes `j`; invalid UTF-8 inside strings is replaced by U+FFFD instead of
// throwing, so one bad value can never fail a whole response. `indent` < 0 is compact.
inline std::string DumpJson(const nlohmann::json& j, int indent = -1) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace citydata
