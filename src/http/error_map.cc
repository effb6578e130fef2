#include "http/error_map.h"

#include "core/json_util.h"

namespace citydata::http {

int HttpStatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk: return 200;
    case ErrorCode::kInvalidArgument: return 400;
    case ErrorCode::kUnauthenticated: return 401;
    case ErrorCode::kPermissionDenied: return 403;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kAlreadyExists: return 409;
    case ErrorCode::kConflict: return 409;
    case ErrorCode::kFailedPrecondition: return 422;
    case ErrorCode::kResourceExhausted: return 413;
    case ErrorCode::kRateLimited: return 429;
    case ErrorCode::kDeadlineExceeded: return 504;
    case ErrorCode::kUnavailable: return 503;
    case ErrorCode::kInternal: return 500;
  }
  return 500;
}

Response ErrorResponse(const Status& status) {
  Response r = JsonResponse(
      {{"error", {{"code", ErrorCodeName(status.code())}, {"message", status.message()}}}},
      HttpStatusFor(status.code()));
  if (status.code() == ErrorCode::kUnauthenticated) {
    r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"citydata\"");
  }
  return r;
}

Response JsonResponse(const nlohmann::json& body, int status) {
  Response r;
  r.status = status;
  r.content_type = "application/json; charset=utf-8";
  r.body = DumpJson(body);
  return r;
}

}  // namespace citydata::http
