#include "http/api.h"

#include <cassert>
#include <filesystem>

#include "catalog/catalog_json.h"
#include "core/json_util.h"
#include "http/api_access.h"
#include "http/api_sections.h"
#include "http/api_support.h"
#include "http/console.h"
#include "http/error_map.h"
#include "http/openapi.h"
#include "http/query_stream.h"

namespace citydata::http {
namespace {

using nlohmann::json;

class CatalogApi : public std::enable_shared_from_this<CatalogApi> {
 public:
  explicit CatalogApi(const ApiContext& ctx) : ctx_(ctx) {}

  std::vector<Endpoint> Endpoints() {
    return {
        {Method::kGet,
         "/api/v1/session",
         "Who the token belongs to",
         "session",
         {},
         nullptr,
         false,
         [self = shared_from_this()](Request& r) { return self->Session(r); }},
        {Method::kGet,
         "/api/v1/overview",
         "Dashboard aggregates: totals, datasets and rows by department and zone, ingests per day",
         "catalog",
         {},
         nullptr,
         false,
         [self = shared_from_this()](Request& r) { return self->Overview(r); }},
        {Method::kGet,
         "/api/v1/departments",
         "List departments",
         "catalog",
         {},
         nullptr,
         false,
         [self = shared_from_this()](Request& r) { return self->Departments(r); }},
        {Method::kPost,
         "/api/v1/departments",
         "Add a department",
         "catalog",
         {},
         "{\"code\": \"gaj\", \"name\": \"市公安局\"}",
         false,
         [self = shared_from_this()](Request& r) { return self->AddDepartment(r); }},
        {Method::kGet, "/api/v1/datasets", "Search the dataset catalog", "catalog",
         Concat({{"search", "query", "string", false,
                  "substring of names, titles, "
                  "descriptions, tags or column names"},
                 {"zone", "query", "string", false, "raw, std, fact or theme"},
                 {"dept", "query", "string", false, "owner department code"}},
                PageParams()),
         nullptr, false, [self = shared_from_this()](Request& r) { return self->Datasets(r); }},
        {Method::kGet, "/api/v1/datasets/{zone}/{name}", "A dataset's metadata and profile",
         "catalog", DatasetParams(), nullptr, false,
         [self = shared_from_this()](Request& r) { return self->Dataset(r); }},
        {Method::kPatch, "/api/v1/datasets/{zone}/{name}", "Edit business metadata", "catalog",
         DatasetParams(),
         "{\"title\": \"...\", \"description\": \"...\", \"tags\": [\"...\"], "
         "\"update_cycle\": \"daily\", \"dept\": \"gaj\"}",
         false, [self = shared_from_this()](Request& r) { return self->Describe(r); }},
        {Method::kPost, "/api/v1/datasets/{zone}/{name}/ingest",
         "Ingest a file (the request body) into the dataset", "ingest",
         Concat(
             DatasetParams(),
             {{"filename", "query", "string", false,
               "the source file name (sets the default "
               "format and title)"},
              {"format", "query", "string", false, "csv, tsv, json or ndjson"},
              {"encoding", "query", "string", false, "auto, utf-8 or gb18030"},
              {"mode", "query", "string", false, "append (default) or replace"},
              {"batch_id", "query", "string", false, "idempotency key: a repeated id is a no-op"},
              {"dept", "query", "string", false, "owner department (required for a new dataset)"},
              {"title", "query", "string", false, "Chinese title of a new dataset"}}),
         "the file's bytes", true,
         [self = shared_from_this()](Request& r) { return self->Ingest(r); }},
        {Method::kGet, "/api/v1/datasets/{zone}/{name}/rows", "Sample rows", "catalog",
         Concat(DatasetParams(), PageParams()), nullptr, false,
         [self = shared_from_this()](Request& r) { return self->Rows(r); }},
        {Method::kGet, "/api/v1/datasets/{zone}/{name}/rejects",
         "Rejected rows of recent ingests with line numbers and reasons", "ingest",
         Concat(DatasetParams(), PageParams()), nullptr, false,
         [self = shared_from_this()](Request& r) { return self->Rejects(r); }},
        {Method::kGet, "/api/v1/datasets/{zone}/{name}/jobs", "Ingest history", "ingest",
         Concat(DatasetParams(), {{"limit", "query", "integer", false, "most recent first"}}),
         nullptr, false, [self = shared_from_this()](Request& r) { return self->Jobs(r); }},
        {Method::kGet,
         "/api/v1/jobs/{id}",
         "One job",
         "ingest",
         {{"id", "path", "string", true, "job id"}},
         nullptr,
         false,
         [self = shared_from_this()](Request& r) { return self->Job(r); }},
        {Method::kPost,
         "/api/v1/query",
         "Run one read-only SQL query over all zones",
         "query",
         {},
         "{\"sql\": \"SELECT ...\", \"max_rows\": 1000, \"timeout_ms\": 30000, "
         "\"format\": \"json|csv\"}",
         false,
         [self = shared_from_this()](Request& r) { return self->Query(r); }},
    };
  }

  Response Session(Request& req) {
    const security::Principal& who = Caller(req);
    return JsonResponse({{"token_id", who.token_id},
                         {"user_id", who.user_id},
                         {"name", who.name},
                         {"dept", who.dept},
                         {"role", security::RoleName(who.role)},
                         {"clearance", LevelName(who.clearance)},
                         {"version", ctx_.version}});
  }

  Response Overview(Request&) {
    TRY_ASSIGN(auto overview, ctx_.catalog->Overview());
    return JsonResponse(catalog::ToJson(overview));
  }

  Response Departments(Request&) {
    TRY_ASSIGN(auto depts, ctx_.catalog->Departments());
    json items = json::array();
    for (const auto& d : depts) items.push_back(catalog::ToJson(d));
    return JsonResponse({{"items", items}, {"total", items.size()}});
  }

  Response AddDepartment(Request& req) {
    TRY_ASSIGN(json body, JsonBody(req));
    TRY_ASSIGN(auto code, OptionalString(body, "code"));
    TRY_ASSIGN(auto name, OptionalString(body, "name"));
    TRY(ctx_.catalog->AddDepartment(code.value_or(""), name.value_or("")));
    return JsonResponse({{"code", *code}, {"name", *name}}, 201);
  }

  Response Datasets(Request& req) {
    storage::DatasetFilter filter;
    filter.search = req.Query("search");
    filter.dept_code = req.Query("dept");
    if (!req.Query("zone").empty()) {
      TRY_ASSIGN(filter.zone, ParseZone(req.Query("zone")));
    }
    TRY_ASSIGN(filter.limit, LimitParam(req, 50));
    TRY_ASSIGN(filter.offset, OffsetParam(req));
    TRY_ASSIGN(auto page, ctx_.catalog->Search(filter));
    json items = json::array();
    for (const auto& d : page.items) items.push_back(catalog::ToJson(d, false));
    return JsonResponse(PageJson(items, page.total, filter.limit, filter.offset));
  }

  Response Dataset(Request& req) {
    TRY_ASSIGN(auto name, DatasetParam(req));
    TRY_ASSIGN(auto meta, ctx_.catalog->Get(name));
    TRY_ASSIGN(meta, ctx_.access->MaskedMetadata(Caller(req), std::move(meta)));
    json out = catalog::ToJson(meta, true);
    TRY_ASSIGN(auto grade, ctx_.classification->Get(name));
    if (grade) out["grade"] = LevelName(grade->grade);
    return JsonResponse(out);
  }

  Response Describe(Request& req) {
    TRY_ASSIGN(auto name, DatasetParam(req));
    TRY_ASSIGN(json body, JsonBody(req));
    catalog::DatasetPatch patch;
    TRY_ASSIGN(patch.title, OptionalString(body, "title"));
    TRY_ASSIGN(patch.description, OptionalString(body, "description"));
    TRY_ASSIGN(patch.update_cycle, OptionalString(body, "update_cycle"));
    TRY_ASSIGN(patch.dept_code, OptionalString(body, "dept"));
    if (body.contains("tags")) {
      const json& tags = body["tags"];
      bool ok = tags.is_array();
      for (const auto& t : tags) ok = ok && t.is_string();
      if (!ok) return ErrorResponse(InvalidArgument("field 'tags' must be an array of strings"));
      patch.tags = tags.get<std::vector<std::string>>();
    }
    TRY_ASSIGN(auto meta, ctx_.catalog->Describe(name, patch));
    TRY_ASSIGN(meta, ctx_.access->MaskedMetadata(Caller(req), std::move(meta)));
    return JsonResponse(catalog::ToJson(meta, true));
  }

  Response Ingest(Request& req) {
    ingest::IngestRequest in;
    TRY_ASSIGN(in.dataset, DatasetParam(req));
    in.file_path = req.body_file;
    in.source_name = req.Query("filename");
    in.dept_code = req.Query("dept");
    in.title = req.Query("title");
    in.batch_id = req.Query("batch_id");
    if (!req.Query("format").empty()) {
      TRY_ASSIGN(in.format, formats::ParseInputFormat(req.Query("format")));
    }
    TRY_ASSIGN(in.encoding, formats::ParseEncoding(req.Query("encoding", "auto")));
    std::string mode = req.Query("mode", "append");
    if (mode != "append" && mode != "replace") {
      return ErrorResponse(InvalidArgument("mode must be 'append' or 'replace'"));
    }
    in.mode = mode == "replace" ? storage::WriteMode::kReplace : storage::WriteMode::kAppend;
    TRY_ASSIGN(auto result, ctx_.ingest->Ingest(in));
    return JsonResponse(ingest::ToJson(result), result.state == "skipped" ? 200 : 201);
  }

  Response Rows(Request& req) {
    TRY_ASSIGN(auto name, DatasetParam(req));
    TRY_ASSIGN(int64_t limit, LimitParam(req, 100));
    TRY_ASSIGN(int64_t offset, OffsetParam(req));
    auto scope = ctx_.access->ScopeFor(Caller(req));
    if (!scope) {
      TRY_ASSIGN(auto cursor, ctx_.catalog->Rows(name, offset, limit));
      return BufferedRows(*AuditedRead(ctx_, req, name.ToString(), "", std::move(cursor)));
    }
    std::string sql = "SELECT * FROM " + name.ToString() + " LIMIT " + std::to_string(limit) +
                      " OFFSET " + std::to_string(offset);
    TRY_ASSIGN(auto cursor, ctx_.query->Run(sql, limit, std::nullopt, &*scope));
    return BufferedRows(*AuditedRead(ctx_, req, name.ToString(), "", std::move(cursor)));
  }

  Response Rejects(Request& req) {
    TRY_ASSIGN(auto name, DatasetParam(req));
    TRY_ASSIGN(int64_t limit, LimitParam(req, 100));
    TRY_ASSIGN(int64_t offset, OffsetParam(req));
    TRY_ASSIGN(auto page, ctx_.catalog->Rejects(name, limit, offset));
    TRY_ASSIGN(auto view, ctx_.access->Resolve(Caller(req), name));
    json items = json::array();
    for (auto& r : page.items) {
      // A rejected line holds the row's raw values; a reader who sees any column
      // masked sees the reason and the line number only.
      if (view.masked()) r.raw = "";
      items.push_back(catalog::ToJson(r));
    }
    Audit(ctx_, req, "data.read", name.ToString(), audit::Outcome::kAllowed, "rejects",
          static_cast<int64_t>(items.size()));
    return JsonResponse(PageJson(items, page.total, limit, offset));
  }

  Response Jobs(Request& req) {
    TRY_ASSIGN(auto name, DatasetParam(req));
    TRY_ASSIGN(int64_t limit, LimitParam(req, 50));
    TRY_ASSIGN(auto jobs, ctx_.catalog->Jobs(name, limit));
    json items = json::array();
    for (const auto& j : jobs) items.push_back(catalog::ToJson(j));
    return JsonResponse({{"items", items}, {"total", items.size()}});
  }

  Response Job(Request& req) {
    TRY_ASSIGN(auto job, ctx_.catalog->Job(req.path_params["id"]));
    return JsonResponse(catalog::ToJson(job));
  }

  Response Query(Request& req) {
    TRY_ASSIGN(json body, JsonBody(req));
    TRY_ASSIGN(auto sql, OptionalString(body, "sql"));
    TRY_ASSIGN(auto format, OptionalString(body, "format"));
    std::optional<int64_t> max_rows, timeout_ms;
    if (body.contains("max_rows")) {
      if (!body["max_rows"].is_number_integer()) {
        return ErrorResponse(InvalidArgument("max_rows must be an integer"));
      }
      max_rows = body["max_rows"].get<int64_t>();
    }
    if (body.contains("timeout_ms")) {
      if (!body["timeout_ms"].is_number_integer()) {
        return ErrorResponse(InvalidArgument("timeout_ms must be an integer"));
      }
      timeout_ms = body["timeout_ms"].get<int64_t>();
    }
    std::string fmt = format.value_or("json");
    if (fmt != "json" && fmt != "csv") {
      return ErrorResponse(InvalidArgument("format must be 'json' or 'csv'"));
    }
    // The statement is the detail of the audit record: it says what was read.
    std::string detail = sql.value_or("").substr(0, 2000);
    auto scope = ctx_.access->ScopeFor(Caller(req));
    std::string refused;  // the first dataset the scope would not show
    if (scope) {
      scope->resolve = [&refused, inner = scope->resolve](const DatasetName& d) {
        auto view = inner(d);
        if (view.ok() && !view->has_value() && refused.empty()) refused = d.ToString();
        return view;
      };
    }
    auto cursor = ctx_.query->Run(sql.value_or(""), max_rows, timeout_ms,
                                  scope ? &*scope : nullptr);
    if (!cursor.ok()) {
      bool denied = cursor.status().code() == ErrorCode::kPermissionDenied;
      Audit(ctx_, req, "data.read", refused.empty() ? "query" : refused,
            denied ? audit::Outcome::kDenied : audit::Outcome::kError,
            detail + " (" + cursor.status().message() + ")");
      return ErrorResponse(cursor.status());
    }
    auto audited = AuditedRead(ctx_, req, "query", detail, std::move(*cursor));
    return StreamRows(std::move(audited), fmt == "csv" ? RowFormat::kCsv : RowFormat::kJson);
  }

 private:
  const ApiContext& ctx_;
};

}  // namespace

std::vector<Endpoint> CatalogEndpoints(const ApiContext& context) {
  return std::make_shared<CatalogApi>(context)->Endpoints();
}

void RegisterRoutes(Router& router, const ApiContext& context) {
  // Deny by default: every /api/v1 request but the public routes (logging in, open
  // data; api_access.cc) needs a valid bearer token,
  // checked as soon as its headers arrive, before any body is read; then the route's
  // action is decided by the policy (api_access.h).
  Admission authenticated = Authenticator(context);
  std::vector<Endpoint> endpoints = CatalogEndpoints(context);
  for (auto* section :
       {&GovernanceEndpoints, &IdentityEndpoints, &SecurityEndpoints, &ShareEndpoints,
        &SharingEndpoints, &OpenEndpoints, &ServicesEndpoints, &SandboxEndpoints}) {
    for (auto& e : (*section)(context)) endpoints.push_back(std::move(e));
  }
  json openapi = OpenApiDocument(endpoints, context.version);
  for (auto& e : endpoints) {
    if (IsPublicRoute(e.method, e.path)) {
      MarkPublic(openapi, e);
      router.Add(e.method, e.path, std::move(e.handler),
                 RouteOptions{e.upload, PublicAdmission(context, e.method, e.path)});
      continue;
    }
    auto action = RouteAction(e.method, e.path);
    // A route without a decided action is a programming error caught by every test run.
    assert(action.has_value() && "every /api/v1 route needs an entry in kRouteRules");
    Handler guarded = Guarded(context, action.value_or(security::Action::kManageKeys), e);
    router.Add(e.method, e.path, std::move(guarded), RouteOptions{e.upload, authenticated});
  }
  router.Add(Method::kGet, "/api/v1/openapi.json",
             [openapi](Request&) { return JsonResponse(openapi); },
             RouteOptions{false, authenticated});
  router.Add(Method::kGet, "/healthz", [](Request&) { return JsonResponse({{"status", "ok"}}); });
  Metrics* metrics = context.metrics;
  router.Add(Method::kGet, "/metrics", [metrics](Request&) {
    Response r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = metrics->RenderPrometheus();
    return r;
  });
  RegisterConsole(router, context.console_dir);
}

}  // namespace citydata::http
