// The open-data portal (开放门户): anonymous routes under /api/v1/open, and the
// CKAN-compatible Action API under /api/3/action (CKAN 2.9/2.10 shapes), both over
// opendata::OpenDataService. They need no token; api_access.cc lists them as public
// routes, rate-limited per client address.
//
// CKAN mapping: a package is an open resource (id = the resource id, name = the slug
// of its code, organization = the provider department, tags = its classification
// levels); it has three CKAN resources, one per download format, with ids
// "<resource id>-csv", "-json" and "-xlsx", each datastore_active, so that
// datastore_search?resource_id= works with any of them. Parameters come from the query
// string (GET) or a JSON object body (POST), as ckanapi sends them.
#include <algorithm>
#include <charconv>

#include "catalog/catalog_json.h"
#include "http/api_access.h"
#include "http/api_sections.h"
#include "http/api_support.h"
#include "opendata/open_data_service.h"

namespace citydata::http {
namespace {

using nlohmann::json;

constexpr const char* kFormats[] = {"csv", "json", "xlsx"};

std::string Origin(const Request& req) {
  std::string host(req.Header("host"));
  bool https = req.Header("x-forwarded-proto") == "https";
  return std::string(https ? "https://" : "http://") + (host.empty() ? "localhost" : host);
}

std::string DownloadUrl(const Request& req, const share::Resource& r, std::string_view format) {
  return Origin(req) + "/api/v1/open/datasets/" + r.id + "/download?format=" +
         std::string(format);
}

// A resource as the public sees it: without who published it or the unpublishing fields.
// A resource as the public sees it: without the internal dataset name and who published
// it, and with only those related resources that are open themselves (a code of a closed
// resource is not the public's to know).
json PublicJson(const Request& req, const share::Resource& r, opendata::OpenDataService& open) {
  json out = share::ToJson(r);
  for (const char* key : {"published_by", "unpublished_at", "unpublished_reason", "dataset"}) {
    out.erase(key);
  }
  json related = json::array();
  for (const auto& code : r.related) {
    if (open.Get(code).ok()) related.push_back(code);
  }
  out["related"] = std::move(related);
  out["slug"] = opendata::Slug(r.code);
  for (const char* f : kFormats) out["downloads"][f] = DownloadUrl(req, r, f);
  return out;
}

json FieldsJson(const std::vector<opendata::Field>& fields) {
  json out = json::array();
  for (const auto& f : fields) out.push_back({{"name", f.name}, {"type", ColumnTypeName(f.type)}});
  return out;
}

// `filters` as a JSON object of column -> value (strings, numbers or booleans, compared
// as text); InvalidArgument otherwise.
Result<std::vector<std::pair<std::string, std::string>>> ParseFilters(const json& filters) {
  std::vector<std::pair<std::string, std::string>> out;
  if (filters.is_null()) return out;
  if (!filters.is_object()) return InvalidArgument("filters must be a JSON object");
  for (const auto& [column, value] : filters.items()) {
    if (value.is_string()) {
      out.emplace_back(column, value.get<std::string>());
    } else if (value.is_number() || value.is_boolean()) {
      out.emplace_back(column, value.dump());
    } else {
      return InvalidArgument("the filter value of '" + column + "' must be a string or number");
    }
  }
  return out;
}

Result<json> ParseJsonText(const std::string& text, const char* what) {
  json parsed = json::parse(text, nullptr, false);
  if (parsed.is_discarded()) return InvalidArgument(std::string(what) + " is not valid JSON");
  return parsed;
}

// ---- CKAN ----------------------------------------------------------------------

// What an action answers: a result, or an error with its HTTP status as CKAN reports
// it (404 Not Found Error, 409 Validation Error, 400 Search Query Error, 500).
struct CkanOutcome {
  int status = 200;
  json result;
  json error;
};

CkanOutcome CkanOk(json result) { return {200, std::move(result), nullptr}; }

CkanOutcome CkanNotFound(const std::string& detail) {
  std::string message = "Not found";
  if (!detail.empty()) message += ": " + detail;
  return {404, nullptr, {{"__type", "Not Found Error"}, {"message", message}}};
}

CkanOutcome CkanInvalid(const std::string& field, const std::string& message) {
  return {409, nullptr, {{"__type", "Validation Error"}, {field, json::array({message})}}};
}

CkanOutcome CkanBadQuery(const std::string& message) {
  return {400,
          nullptr,
          {{"__type", "Search Query Error"}, {"message", "Search Query is invalid: " + message}}};
}

// A service error as CKAN would report it; `field` names the parameter an
// InvalidArgument is about.
CkanOutcome CkanFailure(const Status& status, const std::string& field, const std::string& what) {
  switch (status.code()) {
    case ErrorCode::kNotFound: return CkanNotFound(what);
    case ErrorCode::kInvalidArgument: return CkanInvalid(field, status.message());
    default:
      return {500, nullptr, {{"__type", "Internal Server Error"}, {"message", status.message()}}};
  }
}

// CKAN's bare 400: a JSON string, not the usual envelope.
Response CkanBadRequest(const std::string& detail) {
  Response r = JsonResponse(json("Bad request - " + detail), 400);
  r.content_type = "application/json;charset=utf-8";
  return r;
}

// The action's parameters: the JSON object body of a POST, else the query string.
Result<json> CkanParams(const Request& req) {
  if (req.method == Method::kPost && !req.body.empty()) {
    json body = json::parse(req.body, nullptr, false);
    if (body.is_discarded()) {
      return InvalidArgument("JSON Error: Error decoding JSON data. The request body is not JSON");
    }
    if (!body.is_object()) {
      return InvalidArgument("JSON Error: Request data JSON decoded to " + body.dump() +
                             " but it needs to be a dictionary.");
    }
    return body;
  }
  json params = json::object();
  for (const auto& [k, v] : req.query) params[k] = v;
  return params;
}

std::string Text(const json& params, const char* key) {
  if (!params.contains(key) || params[key].is_null()) return "";
  const json& v = params[key];
  return v.is_string() ? v.get<std::string>() : v.dump();
}

// An integer parameter (a JSON number or its text), `fallback` when absent.
std::optional<int64_t> Integer(const json& params, const char* key, int64_t fallback) {
  if (!params.contains(key) || params[key].is_null()) return fallback;
  const json& v = params[key];
  if (v.is_number_integer()) return v.get<int64_t>();
  if (!v.is_string()) return std::nullopt;
  const std::string& s = v.get_ref<const std::string&>();
  int64_t out = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return out;
}

bool Flag(const json& params, const char* key) {
  if (!params.contains(key)) return false;
  const json& v = params[key];
  if (v.is_boolean()) return v.get<bool>();
  std::string s = Text(params, key);
  return s == "true" || s == "True" || s == "1" || s == "yes";
}

// CKAN writes times as ISO 8601 without a zone, with microseconds.
std::string CkanTime(std::string iso) {
  if (!iso.empty() && iso.back() == 'Z') iso.pop_back();
  if (!iso.empty() && iso.find('.') == std::string::npos) iso += ".000000";
  return iso;
}

json CkanOrganization(const std::string& code, const std::string& name) {
  return {{"id", code},          {"name", code},
          {"title", name},       {"display_name", name},
          {"type", "organization"}, {"description", ""},
          {"image_url", ""},     {"created", nullptr},
          {"is_organization", true}, {"approval_status", "approved"},
          {"state", "active"}};
}

json CkanResource(const Request& req, const share::Resource& r, size_t position) {
  std::string format = kFormats[position];
  std::string upper = format;
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
  const char* mimetype = position == 0   ? "text/csv"
                         : position == 1 ? "application/json"
                                         : "application/vnd.openxmlformats-officedocument."
                                           "spreadsheetml.sheet";
  return {{"id", r.id + "-" + format},
          {"package_id", r.id},
          {"name", r.name + " (" + upper + ")"},
          {"description", r.summary},
          {"format", upper},
          {"mimetype", mimetype},
          {"mimetype_inner", nullptr},
          {"url", DownloadUrl(req, r, format)},
          {"url_type", nullptr},
          {"datastore_active", true},
          {"state", "active"},
          {"position", position},
          {"resource_type", nullptr},
          {"size", nullptr},
          {"hash", ""},
          {"cache_url", nullptr},
          {"cache_last_updated", nullptr},
          {"created", CkanTime(r.first_published_at)},
          {"last_modified", CkanTime(r.published_at)},
          {"metadata_modified", CkanTime(r.published_at)}};
}

json CkanPackage(const Request& req, const share::Resource& r) {
  json tags = json::array();
  for (const auto& name : r.classification.names) {
    tags.push_back({{"id", name},
                    {"name", name},
                    {"display_name", name},
                    {"state", "active"},
                    {"vocabulary_id", nullptr}});
  }
  json resources = json::array();
  for (size_t i = 0; i < std::size(kFormats); ++i) resources.push_back(CkanResource(req, r, i));
  json extras = json::array({{{"key", "resource_code"}, {"value", r.code}},
                             {{"key", "classification"}, {"value", r.classification.Path()}},
                             {{"key", "update_cycle"}, {"value", r.update_cycle}},
                             {{"key", "grade"}, {"value", LevelName(r.grade)}}});
  return {{"id", r.id},
          {"name", opendata::Slug(r.code)},
          {"title", r.name},
          {"notes", r.summary},
          {"type", "dataset"},
          {"state", "active"},
          {"private", false},
          {"isopen", true},
          {"license_id", "other-open"},
          {"license_title", "Other (Open)"},
          {"author", r.dept_name},
          {"author_email", nullptr},
          {"maintainer", r.dept_name},
          {"maintainer_email", nullptr},
          {"url", ""},
          {"version", std::to_string(r.version)},
          {"creator_user_id", nullptr},
          {"metadata_created", CkanTime(r.first_published_at)},
          {"metadata_modified", CkanTime(r.published_at)},
          {"owner_org", r.dept},
          {"organization", CkanOrganization(r.dept, r.dept_name)},
          {"num_resources", resources.size()},
          {"resources", resources},
          {"num_tags", tags.size()},
          {"tags", tags},
          {"groups", json::array()},
          {"extras", extras},
          {"relationships_as_object", json::array()},
          {"relationships_as_subject", json::array()}};
}

// One "field:value" term of a Solr filter query (fq), with an optional leading '+' and
// a value optionally in double quotes.
struct FilterTerm {
  std::string field;
  std::string value;
};

Result<std::vector<FilterTerm>> ParseFq(std::string_view fq) {
  std::vector<FilterTerm> terms;
  size_t i = 0;
  while (i < fq.size()) {
    if (fq[i] == ' ' || fq[i] == '+') {
      ++i;
      continue;
    }
    size_t colon = fq.find(':', i);
    if (colon == std::string_view::npos) return InvalidArgument("expected field:value in fq");
    FilterTerm term{std::string(fq.substr(i, colon - i)), ""};
    i = colon + 1;
    if (i < fq.size() && fq[i] == '"') {
      size_t close = fq.find('"', i + 1);
      if (close == std::string_view::npos) return InvalidArgument("unterminated quote in fq");
      term.value = std::string(fq.substr(i + 1, close - i - 1));
      i = close + 1;
    } else {
      size_t end = std::min(fq.find(' ', i), fq.size());
      term.value = std::string(fq.substr(i, end - i));
      i = end;
    }
    terms.push_back(std::move(term));
  }
  return terms;
}

// Applies fq terms to the query; false when a term can match nothing (a format the
// packages do not have).
Result<bool> ApplyFq(const std::vector<FilterTerm>& terms, opendata::OpenQuery& query) {
  bool satisfiable = true;
  for (const auto& t : terms) {
    if (t.field == "organization" || t.field == "owner_org") {
      query.dept = t.value;
    } else if (t.field == "tags") {
      query.tag = t.value;
    } else if (t.field == "res_format") {
      std::string lower = t.value;
      std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
      satisfiable = satisfiable && std::find(std::begin(kFormats), std::end(kFormats), lower) !=
                                       std::end(kFormats);
    } else if (t.field == "license_id") {
      satisfiable = satisfiable && t.value == "other-open";
    } else if (t.field == "name") {
      query.text = t.value;
    } else {
      return InvalidArgument("fq field '" + t.field +
                             "' is not supported (organization, tags, res_format, license_id, "
                             "name)");
    }
  }
  return satisfiable;
}

// "metadata_modified desc", "name asc", ... (the first key that is not "score").
Result<std::pair<opendata::SortKey, bool>> ParseSort(std::string_view sort) {
  std::string text(sort);
  size_t start = 0;
  while (start < text.size()) {
    size_t comma = std::min(text.find(',', start), text.size());
    std::string clause = text.substr(start, comma - start);
    start = comma + 1;
    clause.erase(0, clause.find_first_not_of(' '));
    size_t space = clause.find(' ');
    std::string field = clause.substr(0, space);
    std::string dir = space == std::string::npos ? "asc" : clause.substr(space + 1);
    dir.erase(dir.find_last_not_of(' ') + 1);
    if (field.empty() || field == "score") continue;
    if (dir != "asc" && dir != "desc") return InvalidArgument("sort direction must be asc or desc");
    bool desc = dir == "desc";
    if (field == "metadata_modified") return std::make_pair(opendata::SortKey::kModified, desc);
    if (field == "metadata_created") return std::make_pair(opendata::SortKey::kCreated, desc);
    if (field == "name") return std::make_pair(opendata::SortKey::kName, desc);
    if (field == "title_string" || field == "title") {
      return std::make_pair(opendata::SortKey::kTitle, desc);
    }
    return InvalidArgument("cannot sort on '" + field + "'");
  }
  return std::make_pair(opendata::SortKey::kModified, true);
}

json SearchFacets(const std::vector<std::string>& fields, const opendata::OpenPage& page,
                  const std::map<std::string, std::string>& org_titles, json& facets) {
  json search_facets = json::object();
  facets = json::object();
  for (const auto& field : fields) {
    std::map<std::string, int64_t> counts;
    if (field == "organization") {
      if (auto it = page.facets.find("dept"); it != page.facets.end()) counts = it->second;
    } else if (field == "tags") {
      if (auto it = page.facets.find("tags"); it != page.facets.end()) counts = it->second;
    } else if (field == "res_format" && page.total > 0) {
      for (const char* f : kFormats) {
        std::string upper = f;
        std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
        counts[upper] = page.total;
      }
    } else if (field == "license_id" && page.total > 0) {
      counts["other-open"] = page.total;
    }
    std::vector<std::pair<std::string, int64_t>> sorted(counts.begin(), counts.end());
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    json items = json::array();
    for (const auto& [name, count] : sorted) {
      auto title = org_titles.find(name);
      std::string display =
          field == "organization" && title != org_titles.end() ? title->second : name;
      items.push_back({{"count", count}, {"display_name", display}, {"name", name}});
      facets[field][name] = count;
    }
    if (!facets.contains(field)) facets[field] = json::object();
    search_facets[field] = {{"items", items}, {"title", field}};
  }
  return search_facets;
}

class OpenApi : public std::enable_shared_from_this<OpenApi> {
 public:
  explicit OpenApi(const ApiContext& ctx) : ctx_(ctx) {}

  std::vector<Endpoint> Endpoints() {
    auto self = shared_from_this();
    auto bind = [self](Response (OpenApi::*fn)(Request&)) {
      return [self, fn](Request& r) { return ((*self).*fn)(r); };
    };
    const std::vector<Param> id = {{"id", "path", "string", true, "resource id, code or slug"}};
    std::vector<Endpoint> out = {
        {Method::kGet, "/api/v1/open/datasets",
         "Open data: search the open resources, with facets (no login)", "open",
         Concat({{"search", "query", "string", false, "text in names, summaries and items"},
                 {"dept", "query", "string", false, "provider department code"},
                 {"classification", "query", "string", false, "类/项/目/细目 path or prefix"},
                 {"grade", "query", "string", false, "general-1 or general-2"},
                 {"tag", "query", "string", false, "one classification level's name"}},
                PageParams()),
         nullptr, false, bind(&OpenApi::Search)},
        {Method::kGet, "/api/v1/open/datasets/{id}",
         "Open data: a resource's page (items, downloads; no login)", "open", id, nullptr,
         false, bind(&OpenApi::Show)},
        {Method::kGet, "/api/v1/open/datasets/{id}/rows",
         "Open data: rows of a resource, masked as for the public (no login)", "open",
         Concat(Concat(id, {{"q", "query", "string", false, "text any field contains"},
                            {"filters", "query", "string", false,
                             "JSON object of field = value"}}),
                PageParams()),
         nullptr, false, bind(&OpenApi::Rows)},
        {Method::kGet, "/api/v1/open/datasets/{id}/download",
         "Open data: download a whole resource as CSV, JSON or XLSX (no login)", "open",
         Concat(id, {{"format", "query", "string", false, "csv (default), json or xlsx"}}),
         nullptr, false, bind(&OpenApi::Download)},
    };
    struct Action {
      const char* path;
      const char* summary;
      Response (OpenApi::*fn)(Request&);
    };
    const Action actions[] = {
        {"/api/3/action/package_list", "CKAN: names of the open datasets",
         &OpenApi::PackageList},
        {"/api/3/action/package_search",
         "CKAN: search datasets (q, fq, rows, start, sort, facet.field)",
         &OpenApi::PackageSearch},
        {"/api/3/action/package_show", "CKAN: one dataset by id or name (id)",
         &OpenApi::PackageShow},
        {"/api/3/action/organization_list", "CKAN: provider departments (all_fields)",
         &OpenApi::OrganizationList},
        {"/api/3/action/datastore_search",
         "CKAN: rows of a resource (resource_id, q, filters, limit, offset)",
         &OpenApi::DatastoreSearch},
        {"/api/3/action/{action}", "CKAN: any other action (400: not known)",
         &OpenApi::UnknownAction},
    };
    for (const auto& a : actions) {
      for (Method m : {Method::kGet, Method::kPost}) {
        out.push_back({m, a.path, a.summary, "ckan", {}, m == Method::kPost ? "JSON object of "
                       "the action's parameters" : nullptr, false, bind(a.fn)});
      }
    }
    return out;
  }

 private:
  std::string Client(const Request& req) const { return req.remote_address; }

  Response Search(Request& req) {
    opendata::OpenQuery q;
    q.text = req.Query("search");
    q.dept = req.Query("dept");
    q.classification = req.Query("classification");
    q.grade = req.Query("grade");
    q.tag = req.Query("tag");
    TRY_ASSIGN(q.limit, IntParam(req, "limit", 20));
    TRY_ASSIGN(q.offset, OffsetParam(req));
    TRY_ASSIGN(auto page, ctx_.open_data->Search(q));
    json items = json::array();
    for (const auto& r : page.items) items.push_back(PublicJson(req, r, *ctx_.open_data));
    json out = PageJson(items, page.total, q.limit, q.offset);
    out["facets"] = page.facets;
    // The facets count departments by code; the portal shows their names.
    TRY_ASSIGN(auto orgs, ctx_.open_data->Organizations());
    out["dept_names"] = json::object();
    for (const auto& o : orgs) out["dept_names"][o.code] = o.name;
    return JsonResponse(out);
  }

  Response Show(Request& req) {
    TRY_ASSIGN(auto resource, ctx_.open_data->Get(req.path_params["id"]));
    return JsonResponse(PublicJson(req, resource, *ctx_.open_data));
  }

  Response Rows(Request& req) {
    opendata::RowsQuery q;
    q.text = req.Query("q");
    if (!req.Query("filters").empty()) {
      TRY_ASSIGN(json filters, ParseJsonText(req.Query("filters"), "filters"));
      TRY_ASSIGN(q.filters, ParseFilters(filters));
    }
    TRY_ASSIGN(q.limit, IntParam(req, "limit", 100));
    TRY_ASSIGN(q.offset, OffsetParam(req));
    TRY_ASSIGN(auto page, ctx_.open_data->Rows(req.path_params["id"], q, Client(req)));
    json rows = json::array();
    for (const auto& row : page.rows) {
      json values = json::array();
      for (const auto& v : row) values.push_back(catalog::ValueToJson(v));
      rows.push_back(std::move(values));
    }
    return JsonResponse({{"fields", FieldsJson(page.fields)},
                         {"rows", rows},
                         {"total", page.total},
                         {"limit", q.limit},
                         {"offset", q.offset}});
  }

  Response Download(Request& req) {
    TRY_ASSIGN(auto format, share::ParseFileFormat(req.Query("format", "csv")));
    TRY_ASSIGN(std::shared_ptr<opendata::Download> download,
               ctx_.open_data->StartDownload(req.path_params["id"], format, Client(req)));
    Response r;
    r.content_type = download->content_type();
    r.headers.emplace_back("Content-Disposition",
                           "attachment; filename=\"" + download->filename() + "\"");
    r.stream = [download](const ChunkWriter& write) { return download->WriteTo(write); };
    return r;
  }

  // The CKAN envelope around an outcome.
  Response Finish(const Request& req, const std::string& action, CkanOutcome outcome) {
    json body = {{"help", Origin(req) + "/api/3/action/help_show?name=" + action},
                 {"success", outcome.status == 200}};
    if (outcome.status == 200) {
      body["result"] = std::move(outcome.result);
    } else {
      body["error"] = std::move(outcome.error);
    }
    Response r = JsonResponse(body, outcome.status);
    r.content_type = "application/json;charset=utf-8";
    return r;
  }

  // Runs `action` with the request's parameters; bad JSON is CKAN's bare 400.
  Response Run(Request& req, const std::string& action,
               CkanOutcome (OpenApi::*fn)(const Request&, const json&)) {
    auto params = CkanParams(req);
    if (!params.ok()) return CkanBadRequest(params.status().message());
    return Finish(req, action, ((*this).*fn)(req, *params));
  }

  Response PackageList(Request& req) { return Run(req, "package_list", &OpenApi::DoPackageList); }
  Response PackageSearch(Request& req) {
    return Run(req, "package_search", &OpenApi::DoPackageSearch);
  }
  Response PackageShow(Request& req) { return Run(req, "package_show", &OpenApi::DoPackageShow); }
  Response OrganizationList(Request& req) {
    return Run(req, "organization_list", &OpenApi::DoOrganizationList);
  }
  Response DatastoreSearch(Request& req) {
    return Run(req, "datastore_search", &OpenApi::DoDatastoreSearch);
  }
  Response UnknownAction(Request& req) {
    return CkanBadRequest("Action name not known: " + req.path_params["action"]);
  }

  CkanOutcome DoPackageList(const Request&, const json& params) {
    auto limit = Integer(params, "limit", 1000);
    auto offset = Integer(params, "offset", 0);
    if (!limit) return CkanInvalid("limit", "Invalid integer");
    if (!offset) return CkanInvalid("offset", "Invalid integer");
    opendata::OpenQuery q;
    q.sort = opendata::SortKey::kName;
    q.descending = false;
    q.limit = *limit;
    q.offset = *offset;
    auto page = ctx_.open_data->Search(q);
    if (!page.ok()) return CkanFailure(page.status(), "limit", "");
    json names = json::array();
    for (const auto& r : page->items) names.push_back(opendata::Slug(r.code));
    return CkanOk(names);
  }

  CkanOutcome DoPackageSearch(const Request& req, const json& params) {
    opendata::OpenQuery q;
    q.text = Text(params, "q");
    if (q.text == "*:*") q.text.clear();
    auto rows = Integer(params, "rows", 10);
    auto start = Integer(params, "start", 0);
    if (!rows || *rows < 0) return CkanInvalid("rows", "Invalid integer");
    if (!start || *start < 0) return CkanInvalid("start", "Invalid integer");
    q.limit = std::min<int64_t>(*rows, 1000);
    q.offset = *start;
    std::string sort = Text(params, "sort");
    if (sort.empty()) sort = "score desc, metadata_modified desc";
    auto key = ParseSort(sort);
    if (!key.ok()) return CkanBadQuery(key.status().message());
    std::tie(q.sort, q.descending) = *key;
    auto terms = ParseFq(Text(params, "fq"));
    if (!terms.ok()) return CkanBadQuery(terms.status().message());
    auto satisfiable = ApplyFq(*terms, q);
    if (!satisfiable.ok()) return CkanBadQuery(satisfiable.status().message());
    std::vector<std::string> facet_fields;
    if (params.contains("facet.field")) {
      json fields = params["facet.field"];
      if (fields.is_string()) {
        fields = json::parse(fields.get<std::string>(), nullptr, false);
      }
      bool ok = fields.is_array() &&
                std::all_of(fields.begin(), fields.end(), [](const json& f) { return f.is_string(); });
      if (!ok) return CkanInvalid("facet.field", "Not a list of strings");
      facet_fields = fields.get<std::vector<std::string>>();
    }
    auto page = ctx_.open_data->Search(q);
    if (!page.ok()) return CkanFailure(page.status(), "q", "");
    if (!*satisfiable) *page = opendata::OpenPage{};
    std::map<std::string, std::string> org_titles;
    auto orgs = ctx_.open_data->Organizations();
    if (orgs.ok()) {
      for (const auto& o : *orgs) org_titles[o.code] = o.name;
    }
    json results = json::array();
    for (const auto& r : page->items) results.push_back(CkanPackage(req, r));
    json facets;
    json search_facets = SearchFacets(facet_fields, *page, org_titles, facets);
    return CkanOk({{"count", page->total},
                   {"facets", facets},
                   {"results", results},
                   {"sort", sort},
                   {"search_facets", search_facets}});
  }

  CkanOutcome DoPackageShow(const Request& req, const json& params) {
    std::string id = Text(params, "id");
    if (id.empty()) id = Text(params, "name_or_id");
    if (id.empty()) return CkanInvalid("name_or_id", "Missing value");
    auto resource = ctx_.open_data->Get(id);
    if (!resource.ok()) return CkanFailure(resource.status(), "id", "");
    return CkanOk(CkanPackage(req, *resource));
  }

  CkanOutcome DoOrganizationList(const Request&, const json& params) {
    auto orgs = ctx_.open_data->Organizations();
    if (!orgs.ok()) return CkanFailure(orgs.status(), "", "");
    bool all_fields = Flag(params, "all_fields");
    json out = json::array();
    for (const auto& o : *orgs) {
      if (!all_fields) {
        out.push_back(o.code);
        continue;
      }
      json org = CkanOrganization(o.code, o.name);
      org["package_count"] = o.datasets;
      out.push_back(std::move(org));
    }
    return CkanOk(out);
  }

  CkanOutcome DoDatastoreSearch(const Request& req, const json& params) {
    std::string resource_id = Text(params, "resource_id");
    if (resource_id.empty()) resource_id = Text(params, "id");
    if (resource_id.empty()) return CkanInvalid("resource_id", "Missing value");
    std::string not_found = "Resource \"" + resource_id + "\" was not found.";
    std::string base;
    for (const char* f : kFormats) {
      std::string suffix = std::string("-") + f;
      if (resource_id.size() > suffix.size() && resource_id.ends_with(suffix)) {
        base = resource_id.substr(0, resource_id.size() - suffix.size());
      }
    }
    if (base.empty()) return CkanNotFound(not_found);
    opendata::RowsQuery q;
    q.text = Text(params, "q");
    auto limit = Integer(params, "limit", 100);
    auto offset = Integer(params, "offset", 0);
    if (!limit || *limit < 0) return CkanInvalid("limit", "Invalid integer");
    if (!offset || *offset < 0) return CkanInvalid("offset", "Invalid integer");
    q.limit = std::min<int64_t>(*limit, 1000);
    q.offset = *offset;
    if (params.contains("filters")) {
      json filters = params["filters"];
      if (filters.is_string()) filters = json::parse(filters.get<std::string>(), nullptr, false);
      auto parsed = ParseFilters(filters.is_discarded() ? json(0) : filters);
      if (!parsed.ok()) return CkanInvalid("filters", parsed.status().message());
      q.filters = *parsed;
    }
    auto page = ctx_.open_data->Rows(base, q, Client(req));
    if (!page.ok()) return CkanFailure(page.status(), "filters", not_found);
    return CkanOk(DatastoreResult(resource_id, q, params, *page));
  }

  static json DatastoreResult(const std::string& resource_id, const opendata::RowsQuery& q,
                              const json& params, const opendata::RowsPage& page) {
    static const std::map<ColumnType, const char*> kTypes = {
        {ColumnType::kInteger, "int"},     {ColumnType::kDecimal, "numeric"},
        {ColumnType::kBoolean, "bool"},    {ColumnType::kDate, "date"},
        {ColumnType::kTimestamp, "timestamp"}, {ColumnType::kText, "text"}};
    json fields = json::array({{{"id", "_id"}, {"type", "int"}}});
    for (const auto& f : page.fields) fields.push_back({{"id", f.name}, {"type", kTypes.at(f.type)}});
    json records = json::array();
    for (size_t i = 0; i < page.rows.size(); ++i) {
      // _id numbers the matching rows in order (the platform keeps no row ids).
      json record = {{"_id", q.offset + static_cast<int64_t>(i) + 1}};
      for (size_t c = 0; c < page.fields.size() && c < page.rows[i].size(); ++c) {
        record[page.fields[c].name] = catalog::ValueToJson(page.rows[i][c]);
      }
      records.push_back(std::move(record));
    }
    std::string link = "/api/3/action/datastore_search?resource_id=" + resource_id;
    json result = {{"include_total", true},
                   {"resource_id", resource_id},
                   {"fields", fields},
                   {"records_format", "objects"},
                   {"records", records},
                   {"limit", q.limit},
                   {"offset", q.offset},
                   {"total", page.total},
                   {"total_estimation_threshold", nullptr},
                   {"_links",
                    {{"start", link},
                     {"next", link + "&offset=" + std::to_string(q.offset + q.limit)}}}};
    if (params.contains("q")) result["q"] = q.text;
    if (params.contains("filters")) {
      json echoed = json::object();
      for (const auto& [k, v] : q.filters) echoed[k] = v;
      result["filters"] = echoed;
    }
    return result;
  }

  const ApiContext& ctx_;
};

}  // namespace

std::vector<Endpoint> OpenEndpoints(const ApiContext& context) {
  return std::make_shared<OpenApi>(context)->Endpoints();
}

}  // namespace citydata::http
