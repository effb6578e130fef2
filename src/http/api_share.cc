// The resource catalog section of the API (政务信息资源目录): list and search with
// facets, publish, show with history, unpublish, export.
#include "http/api_access.h"
#include "http/api_sections.h"
#include "http/api_support.h"
#include "share/resource_catalog_service.h"

namespace citydata::http {
namespace {

using nlohmann::json;

Result<share::PublishRequest> ParsePublish(const json& body) {
  share::PublishRequest r;
  static const std::pair<const char*, std::string share::PublishRequest::*> kText[] = {
      {"classification", &share::PublishRequest::classification},
      {"name", &share::PublishRequest::name},
      {"summary", &share::PublishRequest::summary},
      {"format", &share::PublishRequest::format},
      {"sharing", &share::PublishRequest::sharing},
      {"sharing_conditions", &share::PublishRequest::sharing_conditions},
      {"sharing_mode", &share::PublishRequest::sharing_mode},
      {"opening", &share::PublishRequest::opening},
      {"opening_conditions", &share::PublishRequest::opening_conditions},
      {"update_cycle", &share::PublishRequest::update_cycle}};
  for (const auto& [key, field] : kText) {
    ASSIGN_OR_RETURN(auto value, OptionalString(body, key));
    r.*field = value.value_or("");
  }
  ASSIGN_OR_RETURN(auto dataset, OptionalString(body, "dataset"));
  if (!dataset) return InvalidArgument("field 'dataset' is required, e.g. \"raw.people\"");
  ASSIGN_OR_RETURN(r.dataset, ParseDatasetName(*dataset));
  ASSIGN_OR_RETURN(r.items, StringList(body, "items"));
  ASSIGN_OR_RETURN(r.related, StringList(body, "related"));
  return r;
}

storage::ResourceFilter FilterFrom(const Request& req) {
  storage::ResourceFilter f;
  f.dept = req.Query("dept");
  f.classification = req.Query("classification");
  f.sharing = req.Query("sharing");
  f.opening = req.Query("opening");
  f.grade = req.Query("grade");
  f.text = req.Query("search");
  f.state = req.Query("state");
  return f;
}

std::vector<Param> FilterParams() {
  return {{"search", "query", "string", false, "text in names, summaries and items"},
          {"dept", "query", "string", false, "provider department code"},
          {"classification", "query", "string", false, "类/项/目/细目 path or a prefix of it"},
          {"sharing", "query", "string", false, "unconditional, conditional or none"},
          {"opening", "query", "string", false, "open, conditional or closed"},
          {"grade", "query", "string", false, "general-1 .. general-4, important, core"},
          {"state", "query", "string", false, "published (default), unpublished or all"}};
}

// The scheme and host the client used, for the IRIs of an export.
std::string BaseUrl(const Request& req) {
  std::string host(req.Header("host"));
  std::string proto(req.Header("x-forwarded-proto"));
  return (proto == "https" ? "https://" : "http://") + (host.empty() ? "localhost" : host);
}

class ShareApi : public std::enable_shared_from_this<ShareApi> {
 public:
  explicit ShareApi(const ApiContext& ctx) : ctx_(ctx) {}

  std::vector<Endpoint> Endpoints() {
    auto self = shared_from_this();
    auto bind = [self](Response (ShareApi::*fn)(Request&)) {
      return [self, fn](Request& r) { return ((*self).*fn)(r); };
    };
    const std::vector<Param> id = {{"id", "path", "string", true, "resource id or code"}};
    return {
        {Method::kGet, "/api/v1/resources",
         "Search the resource catalog, with facet counts over every match", "share",
         Concat(FilterParams(), PageParams()), nullptr, false, bind(&ShareApi::List)},
        {Method::kPost,
         "/api/v1/resources",
         "Publish a dataset as a catalog resource (or its next version)",
         "share",
         {},
         "{\"dataset\": \"raw.people\", \"classification\": \"基础信息资源类/人口/户籍/户籍人口\", "
         "\"name\": \"户籍人口\", \"summary\": \"...\", \"items\": [\"xm\"], \"sharing\": "
         "\"conditional\", \"sharing_conditions\": \"...\", \"opening\": \"closed\", "
         "\"update_cycle\": \"daily\", \"related\": [\"101001001/000001\"]}",
         false,
         bind(&ShareApi::Publish)},
        {Method::kGet, "/api/v1/resources/export",
         "Export the catalog as JSON, CSV or DCAT-AP (JSON-LD)", "share",
         Concat({{"format", "query", "string", false, "json (default), csv or dcat"}},
                FilterParams()),
         nullptr, false, bind(&ShareApi::Export)},
        {Method::kGet, "/api/v1/resources/{id}", "A resource; every version with history=true",
         "share",
         Concat(id, {{"history", "query", "string", false, "true: every version, oldest first"}}),
         nullptr, false, bind(&ShareApi::Show)},
        {Method::kPost, "/api/v1/resources/{id}/unpublish",
         "Unpublish a resource (its versions are kept)", "share", id,
         "{\"reason\": \"...\"} (optional)", false, bind(&ShareApi::Unpublish)},
    };
  }

 private:
  Response List(Request& req) {
    share::ResourceQuery q;
    q.filter = FilterFrom(req);
    TRY_ASSIGN(q.limit, LimitParam(req, 50));
    TRY_ASSIGN(q.offset, OffsetParam(req));
    TRY_ASSIGN(auto page, ctx_.resources->Search(q));
    json items = json::array();
    for (const auto& r : page.items) items.push_back(share::ToJson(r));
    json out = PageJson(items, page.total, q.limit, q.offset);
    out["facets"] = page.facets;
    return JsonResponse(out);
  }

  Response Publish(Request& req) {
    TRY_ASSIGN(json body, JsonBody(req));
    TRY_ASSIGN(auto request, ParsePublish(body));
    TRY_ASSIGN(auto resource, ctx_.resources->Publish(Caller(req), request));
    return JsonResponse(share::ToJson(resource), 201);
  }

  Response Show(Request& req) {
    bool history = req.Query("history") == "true";
    TRY_ASSIGN(auto shown, ctx_.resources->Show(req.path_params["id"], history));
    json out = share::ToJson(shown.first);
    if (history) {
      out["history"] = json::array();
      for (const auto& v : shown.second) out["history"].push_back(share::ToJson(v));
    }
    return JsonResponse(out);
  }

  Response Unpublish(Request& req) {
    std::string reason;
    if (!req.body.empty()) {
      TRY_ASSIGN(json body, JsonBody(req));
      TRY_ASSIGN(auto text, OptionalString(body, "reason"));
      reason = text.value_or("");
    }
    TRY_ASSIGN(auto resource,
               ctx_.resources->Unpublish(Caller(req), req.path_params["id"], reason));
    return JsonResponse(share::ToJson(resource));
  }

  Response Export(Request& req) {
    TRY_ASSIGN(auto format, share::ParseExportFormat(req.Query("format", "json")));
    TRY_ASSIGN(std::string text, ctx_.resources->Export(FilterFrom(req), format, BaseUrl(req)));
    Response r;
    r.content_type = format == share::ExportFormat::kCsv    ? "text/csv; charset=utf-8"
                     : format == share::ExportFormat::kDcat ? "application/ld+json"
                                                            : "application/json; charset=utf-8";
    r.body = std::move(text);
    return r;
  }

  const ApiContext& ctx_;
};

}  // namespace

std::vector<Endpoint> ShareEndpoints(const ApiContext& context) {
  return std::make_shared<ShareApi>(context)->Endpoints();
}

}  // namespace citydata::http
