// Parameter parsing shared by the API handlers. Failures are InvalidArgument with a
// message naming the parameter.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "core/types.h"
#include "http/server.h"

namespace citydata::http {

// The query parameter `name` as an integer, `fallback` when absent.
Result<int64_t> IntParam(const Request& req, const std::string& name, int64_t fallback);
// The dataset named by the {zone} and {name} path parameters.
Result<DatasetName> DatasetParam(const Request& req);
// The body parsed as a JSON object.
Result<nlohmann::json> JsonBody(const Request& req);
// body[key] as a string when present; InvalidArgument when present but not a string.
Result<std::optional<std::string>> OptionalString(const nlohmann::json& body, const char* key);

}  // namespace citydata::http
