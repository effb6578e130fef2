// The one place that maps citydata error codes to HTTP statuses and JSON error bodies.
#pragma once

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "http/server.h"

namespace citydata::http {

int HttpStatusFor(ErrorCode code);

// {"error": {"code": "<code name>", "message": "..."}} with the mapped status.
Response ErrorResponse(const Status& status);

// A 200 (or `status`) response carrying `body` as JSON.
Response JsonResponse(const nlohmann::json& body, int status = 200);

}  // namespace citydata::http
