// The sandbox section of the API (数据可用不可见): aggregate-only SQL under a sandbox
// grant, and the caller's sandbox grants with what is left of their privacy budgets.
// The service checks, runs, suppresses, adds noise and audits; see sandbox/.
#include <algorithm>

#include "catalog/catalog_json.h"
#include "http/api_access.h"
#include "http/api_sections.h"
#include "http/api_support.h"
#include "sandbox/sandbox_service.h"

namespace citydata::http {
namespace {

using nlohmann::json;

using Clip = std::optional<std::pair<double, double>>;

Result<Clip> ClipField(const json& body) {
  if (!body.contains("clip") || body["clip"].is_null()) return Clip();
  const json& clip = body["clip"];
  if (!clip.is_array() || clip.size() != 2 || !clip[0].is_number() || !clip[1].is_number()) {
    return InvalidArgument("field 'clip' must be [lo, hi], two numbers");
  }
  return Clip(std::make_pair(clip[0].get<double>(), clip[1].get<double>()));
}

Result<sandbox::SandboxRequest> ParseRequest(const Request& req) {
  ASSIGN_OR_RETURN(json body, JsonBody(req));
  sandbox::SandboxRequest r;
  ASSIGN_OR_RETURN(auto sql, OptionalString(body, "sql"));
  if (!sql || sql->empty()) {
    return InvalidArgument("field 'sql' is required, e.g. \"SELECT district, count(*) FROM "
                           "std.people GROUP BY district\"");
  }
  r.sql = std::move(*sql);
  ASSIGN_OR_RETURN(auto grant, OptionalString(body, "grant_id"));
  r.grant_id = grant.value_or("");
  ASSIGN_OR_RETURN(r.epsilon, OptionalNumber(body, "epsilon"));
  ASSIGN_OR_RETURN(r.clip, ClipField(body));
  r.client = req.remote_address;
  return r;
}

json ResultJson(const sandbox::SandboxResult& result) {
  json rows = json::array();
  for (const auto& row : result.rows) {
    json values = json::array();
    for (const auto& v : row) values.push_back(catalog::ValueToJson(v));
    rows.push_back(std::move(values));
  }
  json out = {{"grant_id", result.grant_id},
              {"columns", result.columns},
              {"rows", std::move(rows)},
              {"suppressed_groups", nullptr},
              {"k", result.k},
              {"epsilon_spent", result.epsilon_spent},
              {"budget_remaining", result.budget_remaining},
              {"truncated", nullptr}};
  // A noisy answer discloses no exact count (see SandboxResult::disclose_counts).
  if (result.disclose_counts) {
    out["suppressed_groups"] = result.suppressed_groups;
    out["truncated"] = result.truncated;
  }
  return out;
}

class SandboxApi : public std::enable_shared_from_this<SandboxApi> {
 public:
  explicit SandboxApi(const ApiContext& ctx) : ctx_(ctx) {}

  std::vector<Endpoint> Endpoints() {
    auto self = shared_from_this();
    auto bind = [self](Response (SandboxApi::*fn)(Request&)) {
      return [self, fn](Request& r) { return ((*self).*fn)(r); };
    };
    return {
        {Method::kPost, "/api/v1/sandbox/query",
         "Run an aggregate-only query under a sandbox grant: groups under k rows are "
         "suppressed; with epsilon, Laplace noise paid from the grant's privacy budget",
         "sandbox", {},
         "{\"sql\": \"SELECT district, count(*) FROM std.people GROUP BY district\", "
         "\"grant_id\": \"grt_... (optional)\", \"epsilon\": 0.5, \"clip\": [0, 100000]}",
         false, bind(&SandboxApi::Query)},
        {Method::kGet, "/api/v1/sandbox/grants",
         "The caller's sandbox grants in force, with their remaining privacy budgets", "sandbox",
         {}, nullptr, false, bind(&SandboxApi::Grants)},
    };
  }

 private:
  Response Query(Request& req) {
    TRY_ASSIGN(auto request, ParseRequest(req));
    TRY_ASSIGN(auto result, ctx_.sandbox->Query(Caller(req), request));
    return JsonResponse(ResultJson(result));
  }

  Response Grants(Request& req) {
    TRY_ASSIGN(auto grants, ctx_.sandbox->Grants(Caller(req)));
    json items = json::array();
    for (const auto& g : grants) {
      json item = GrantJson(g, *ctx_.identity);
      item["budget_remaining"] = std::max(0.0, g.privacy_budget - g.budget_spent);
      items.push_back(std::move(item));
    }
    return JsonResponse({{"items", std::move(items)}, {"k", ctx_.sandbox->k()}});
  }

  const ApiContext& ctx_;
};

}  // namespace

std::vector<Endpoint> SandboxEndpoints(const ApiContext& context) {
  return std::make_shared<SandboxApi>(context)->Endpoints();
}

}  // namespace citydata::http
