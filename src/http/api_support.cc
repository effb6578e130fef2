#include "http/api_support.h"

#include <algorithm>
#include <charconv>

namespace citydata::http {

Result<int64_t> IntParam(const Request& req, const std::string& name, int64_t fallback) {
  auto it = req.query.find(name);
  if (it == req.query.end() || it->second.empty()) return fallback;
  int64_t value = 0;
  const std::string& text = it->second;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return InvalidArgument("parameter '" + name + "' must be an integer, got '" + text + "'");
  }
  return value;
}

Result<int64_t> LimitParam(const Request& req, int64_t fallback) {
  constexpr int64_t kMaxLimit = 100000;
  ASSIGN_OR_RETURN(int64_t limit, IntParam(req, "limit", fallback));
  if (limit < 1 || limit > kMaxLimit) {
    return InvalidArgument("parameter 'limit' must be between 1 and " + std::to_string(kMaxLimit));
  }
  return limit;
}

Result<int64_t> OffsetParam(const Request& req) {
  ASSIGN_OR_RETURN(int64_t offset, IntParam(req, "offset", 0));
  if (offset < 0 || offset > kMaxOffset) {
    return InvalidArgument("parameter 'offset' must be between 0 and " +
                           std::to_string(kMaxOffset));
  }
  return offset;
}

Result<DatasetName> DatasetParam(const Request& req) {
  auto zone = req.path_params.find("zone");
  auto name = req.path_params.find("name");
  if (zone == req.path_params.end() || name == req.path_params.end()) {
    return InvalidArgument("the path must name a dataset as /<zone>/<name>");
  }
  return ParseDatasetName(zone->second + "." + name->second);
}

Result<nlohmann::json> JsonBody(const Request& req) {
  auto body = nlohmann::json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return InvalidArgument("the request body must be a JSON object");
  }
  return body;
}

Result<std::optional<std::string>> OptionalString(const nlohmann::json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) return InvalidArgument(std::string("field '") + key + "' must be a string");
  return std::optional<std::string>(it->get<std::string>());
}

Result<std::vector<std::string>> StringList(const nlohmann::json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::vector<std::string>();
  bool ok = it->is_array() && std::all_of(it->begin(), it->end(),
                                          [](const nlohmann::json& e) { return e.is_string(); });
  if (!ok) return InvalidArgument(std::string("field '") + key + "' must be an array of strings");
  return it->get<std::vector<std::string>>();
}

Result<std::optional<double>> OptionalNumber(const nlohmann::json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::optional<double>();
  if (!it->is_number()) return InvalidArgument(std::string("field '") + key + "' must be a number");
  return std::optional<double>(it->get<double>());
}

nlohmann::json GrantJson(const storage::GrantRecord& g, const security::IdentityService& identity) {
  return {{"id", g.id},
          {"user", identity.UserName(g.user_id)},
          {"dataset", g.dataset.ToString()},
          {"columns", g.columns},
          {"purpose", g.purpose},
          {"expires_at", g.expires_at},
          {"granted_by", identity.UserName(g.granted_by)},
          {"created_at", g.created_at},
          {"revoked_at", g.revoked_at},
          {"resource_id", g.resource_id},
          {"request_id", g.request_id},
          {"delivery_mode", g.delivery_mode},
          {"privacy_budget", g.privacy_budget},
          {"budget_spent", g.budget_spent}};
}

std::vector<Param> PageParams() {
  return {{"limit", "query", "integer", false, "page size"},
          {"offset", "query", "integer", false, "rows to skip"}};
}

std::vector<Param> DatasetParams() {
  return {{"zone", "path", "string", true, "raw, std, fact or theme"},
          {"name", "path", "string", true, "the dataset's name within its zone"}};
}

std::vector<Param> Concat(std::vector<Param> a, const std::vector<Param>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

nlohmann::json PageJson(nlohmann::json items, int64_t total, int64_t limit, int64_t offset) {
  return {{"items", std::move(items)}, {"total", total}, {"limit", limit}, {"offset", offset}};
}

}  // namespace citydata::http
