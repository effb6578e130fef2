// Shared by the API handlers: parameter parsing (failures are InvalidArgument naming
// the parameter), the error-answering macros, common parameter declarations, paging.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "core/types.h"
#include "http/error_map.h"
#include "http/openapi.h"
#include "http/server.h"
#include "security/identity_service.h"
#include "storage/identity_store.h"

// Inside a handler: unwraps a Result, or answers with its error.
#define TRY_ASSIGN(lhs, expr) TRY_ASSIGN_IMPL(CITYDATA_CONCAT(_try_, __LINE__), lhs, expr)
#define TRY_ASSIGN_IMPL(tmp, lhs, expr)                       \
  auto tmp = (expr);                                          \
  if (!tmp.ok()) return ::citydata::http::ErrorResponse(tmp.status()); \
  lhs = std::move(tmp).value()
// Inside a handler: answers with the error of a non-OK Status.
#define TRY(expr)                                                   \
  do {                                                              \
    ::citydata::Status _st = (expr);                                \
    if (!_st.ok()) return ::citydata::http::ErrorResponse(_st);     \
  } while (false)

namespace citydata::http {

// The query parameter `name` as an integer, `fallback` when absent.
Result<int64_t> IntParam(const Request& req, const std::string& name, int64_t fallback);
// The `limit` query parameter: 1..100,000, `fallback` when absent.
Result<int64_t> LimitParam(const Request& req, int64_t fallback);
// The largest offset a list accepts: far past any real listing, and small enough that
// offset + limit never overflows.
inline constexpr int64_t kMaxOffset = 1000000000000;
// The `offset` query parameter: 0..kMaxOffset, 0 when absent.
Result<int64_t> OffsetParam(const Request& req);
// The dataset named by the {zone} and {name} path parameters.
Result<DatasetName> DatasetParam(const Request& req);
// The body parsed as a JSON object.
Result<nlohmann::json> JsonBody(const Request& req);
// body[key] as a string when present; InvalidArgument when present but not a string.
Result<std::optional<std::string>> OptionalString(const nlohmann::json& body, const char* key);

// body[key] as strings; empty when absent; InvalidArgument when not an array of strings.
Result<std::vector<std::string>> StringList(const nlohmann::json& body, const char* key);
// body[key] as a number when present; InvalidArgument when present but not a number.
Result<std::optional<double>> OptionalNumber(const nlohmann::json& body, const char* key);

// A grant as the API shows it (user names rather than ids).
nlohmann::json GrantJson(const storage::GrantRecord& g, const security::IdentityService& identity);

// `limit` and `offset` query parameters.
std::vector<Param> PageParams();
// The {zone} and {name} path parameters of a dataset route.
std::vector<Param> DatasetParams();
std::vector<Param> Concat(std::vector<Param> a, const std::vector<Param>& b);
// {"items", "total", "limit", "offset"}.
nlohmann::json PageJson(nlohmann::json items, int64_t total, int64_t limit, int64_t offset);

}  // namespace citydata::http
