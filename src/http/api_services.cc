// The API services section (API 超市): list and publish services, call one, its OpenAPI
// document, its call statistics, unpublish. Who may call what is decided by
// services::ServiceCatalog against the service's dataset (the path names no dataset).
#include <algorithm>
#include <map>

#include "catalog/catalog_json.h"
#include "http/api_access.h"
#include "http/api_sections.h"
#include "http/api_support.h"
#include "services/call_stats.h"
#include "services/service_catalog.h"

namespace citydata::http {
namespace {

using nlohmann::json;

// Query parameters every call may send besides the service's own.
bool IsCallOption(const std::string& name) {
  return name == "fields" || name == "limit" || name == "offset" || name == "count";
}

std::vector<std::string> SplitFields(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = std::min(text.find(',', start), text.size());
    std::string field = text.substr(start, comma - start);
    if (!field.empty()) out.push_back(std::move(field));
    start = comma + 1;
  }
  return out;
}

std::string PercentEncode(std::string_view text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == ',') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// The request's URL with `offset` replaced (the next page's link).
std::string PageLink(const Request& req, int64_t offset) {
  std::map<std::string, std::string> query = req.query;
  query["offset"] = std::to_string(offset);
  std::string out = req.path;
  char sep = '?';
  for (const auto& [name, value] : query) {
    out += sep + PercentEncode(name) + "=" + PercentEncode(value);
    sep = '&';
  }
  return out;
}

json StatsJson(const storage::ServiceCallStats& s, const std::map<std::string, std::string>& apps) {
  auto name = apps.find(s.app_id);
  return {{"app_id", s.app_id},
          {"app_name", name == apps.end() ? "" : name->second},
          {"user_id", s.user_id},
          {"day", s.day},
          {"calls", s.calls},
          {"errors", s.errors},
          {"rows", s.rows},
          {"latency_ms_total", s.latency_ms},
          {"latency_ms_avg", s.calls == 0 ? 0.0 : s.latency_ms / static_cast<double>(s.calls)},
          {"latency_ms_p95", services::LatencyQuantile(s.histogram, 0.95)}};
}

// Sums the statistics of one caller over days.
void Accumulate(storage::ServiceCallStats& into, const storage::ServiceCallStats& s) {
  into.calls += s.calls;
  into.errors += s.errors;
  into.rows += s.rows;
  into.latency_ms += s.latency_ms;
  if (into.histogram.size() < s.histogram.size()) into.histogram.resize(s.histogram.size(), 0);
  for (size_t i = 0; i < s.histogram.size(); ++i) into.histogram[i] += s.histogram[i];
}

class ServicesApi : public std::enable_shared_from_this<ServicesApi> {
 public:
  explicit ServicesApi(const ApiContext& ctx) : ctx_(ctx) {}

  std::vector<Endpoint> Endpoints() {
    auto self = shared_from_this();
    auto bind = [self](Response (ServicesApi::*fn)(Request&)) {
      return [self, fn](Request& r) { return ((*self).*fn)(r); };
    };
    const std::vector<Param> name = {{"name", "path", "string", true, "service name"}};
    return {
        {Method::kGet, "/api/v1/services", "The service market: published API services", "services",
         {{"state", "query", "string", false,
           "published (default) or all (adds the unpublished services of datasets you own)"}}, nullptr, false,
         bind(&ServicesApi::List)},
        {Method::kPost, "/api/v1/services",
         "Publish a dataset or a parameterized read-only query over one as an API service",
         "services", {},
         "{\"name\": \"people-by-district\", \"title\": \"...\", \"description\": \"...\", "
         "\"dataset\": \"std.people\", \"params\": [{\"name\": \"district\", \"type\": \"text\", "
         "\"required\": false, \"column\": \"district\", \"op\": \"=\"}], \"fields\": [\"name\"], "
         "\"default_page_size\": 50, \"max_page_size\": 1000, \"resource_id\": \"res_...\"} "
         "(a query service gives \"query\": \"SELECT ... WHERE x = :param\" and no columns)",
         false, bind(&ServicesApi::Publish)},
        {Method::kGet, "/api/v1/services/{name}",
         "Call a service: its declared parameters, fields, limit, offset, count=true", "services",
         Concat(name,
                Concat({{"fields", "query", "string", false, "comma-separated fields"},
                        {"count", "query", "string", false, "true: also count matching rows"}},
                       PageParams())),
         nullptr, false, bind(&ServicesApi::Call)},
        {Method::kGet, "/api/v1/services/{name}/openapi.json", "The service's OpenAPI 3.0 document",
         "services", name, nullptr, false, bind(&ServicesApi::OpenApi)},
        {Method::kGet, "/api/v1/services/{name}/stats",
         "Call statistics per app and day (owners: every caller; others: their own calls)",
         "services", name, nullptr, false, bind(&ServicesApi::Stats)},
        {Method::kDelete, "/api/v1/services/{name}", "Unpublish a service (its record is kept)",
         "services", name, nullptr, false, bind(&ServicesApi::Unpublish)},
    };
  }

 private:
  Response List(Request& req) {
    TRY_ASSIGN(auto list, ctx_.services->List(Caller(req), req.Query("state") == "all"));
    json items = json::array();
    for (const auto& s : list) items.push_back(services::ToJson(s));
    return JsonResponse({{"items", items}, {"total", items.size()}});
  }

  Response Publish(Request& req) {
    TRY_ASSIGN(json body, JsonBody(req));
    TRY_ASSIGN(auto definition, services::ParseDefinition(body));
    TRY_ASSIGN(auto service, ctx_.services->Publish(Caller(req), std::move(definition)));
    return JsonResponse(services::ToJson(service), 201);
  }

  Response Call(Request& req) {
    const std::string& name = req.path_params["name"];
    services::CallRequest call;
    for (const auto& [key, value] : req.query) {
      if (!IsCallOption(key)) call.params.emplace_back(key, value);
    }
    call.fields = SplitFields(req.Query("fields"));
    call.count = req.Query("count") == "true";
    if (!req.Query("limit").empty()) {
      TRY_ASSIGN(call.limit, IntParam(req, "limit", 0));
    }
    TRY_ASSIGN(call.offset, IntParam(req, "offset", 0));
    std::string detail = "service " + name;
    auto result = ctx_.services->Call(Caller(req), name, call);
    if (!result.ok()) {
      bool denied = result.status().code() == ErrorCode::kPermissionDenied;
      Audit(ctx_, req, "data.read", "service " + name,
            denied ? audit::Outcome::kDenied : audit::Outcome::kError,
            detail + " (" + result.status().message() + ")");
      return ErrorResponse(result.status());
    }
    std::string fields;
    for (const auto& c : result->columns) fields += (fields.empty() ? "" : ",") + c;
    Audit(ctx_, req, "data.read", result->dataset.ToString(), audit::Outcome::kAllowed,
          detail + ", fields " + fields, static_cast<int64_t>(result->rows.size()));
    json items = json::array();
    for (const auto& row : result->rows) {
      json item = json::object();
      for (size_t i = 0; i < row.size() && i < result->columns.size(); ++i) {
        item[result->columns[i]] = catalog::ValueToJson(row[i]);
      }
      items.push_back(std::move(item));
    }
    json out = {{"items", items},
                {"columns", result->columns},
                {"limit", result->limit},
                {"offset", result->offset}};
    if (result->total) out["total"] = *result->total;
    if (result->more) out["next"] = PageLink(req, result->offset + result->limit);
    return JsonResponse(out);
  }

  Response OpenApi(Request& req) {
    std::string host(req.Header("host"));
    std::string proto(req.Header("x-forwarded-proto"));
    std::string base = (proto == "https" ? "https://" : "http://") + (host.empty() ? "localhost" : host);
    TRY_ASSIGN(json document, ctx_.services->OpenApi(Caller(req), req.path_params["name"], base));
    return JsonResponse(document);
  }

  Response Stats(Request& req) {
    const security::Principal& who = Caller(req);
    TRY_ASSIGN(auto stats, ctx_.services->Stats(who, req.path_params["name"]));
    std::map<std::string, std::string> app_names;
    bool everyone = std::any_of(stats.begin(), stats.end(),
                                [&](const auto& s) { return s.user_id != who.user_id; });
    if (auto apps = ctx_.apps->List(who, everyone && who.role == security::Role::kAdmin); apps.ok()) {
      for (const auto& a : *apps) app_names[a.id] = a.name;
    }
    json daily = json::array();
    std::map<std::pair<std::string, std::string>, storage::ServiceCallStats> by_caller;
    for (const auto& s : stats) {
      daily.push_back(StatsJson(s, app_names));
      auto& total = by_caller[{s.app_id, s.user_id}];
      total.app_id = s.app_id;
      total.user_id = s.user_id;
      Accumulate(total, s);
    }
    json callers = json::array();
    storage::ServiceCallStats all;
    for (const auto& [key, s] : by_caller) {
      json one = StatsJson(s, app_names);
      one.erase("day");
      callers.push_back(std::move(one));
      Accumulate(all, s);
    }
    json total = StatsJson(all, app_names);
    for (const char* key : {"day", "app_id", "app_name", "user_id"}) total.erase(key);
    return JsonResponse({{"service", req.path_params["name"]},
                         {"total", total},
                         {"by_app", callers},
                         {"daily", daily}});
  }

  Response Unpublish(Request& req) {
    TRY_ASSIGN(auto service, ctx_.services->Unpublish(Caller(req), req.path_params["name"]));
    return JsonResponse(services::ToJson(service));
  }

  const ApiContext& ctx_;
};

}  // namespace

std::vector<Endpoint> ServicesEndpoints(const ApiContext& context) {
  return std::make_shared<ServicesApi>(context)->Endpoints();
}

}  // namespace citydata::http
