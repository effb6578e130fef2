#include "services/service_catalog.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <set>

#include "core/clock.h"
#include "services/service_openapi.h"

namespace citydata::services {
namespace {

using nlohmann::json;

constexpr const char* kPublished = "published";

std::string QuoteIdent(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    out += c;
    if (c == '"') out += '"';
  }
  return out + "\"";
}

bool Contains(const std::vector<std::string>& list, const std::string& name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

std::vector<std::string> Names(const std::vector<ColumnDef>& fields) {
  std::vector<std::string> out;
  for (const auto& f : fields) out.push_back(f.name);
  return out;
}

const storage::ColumnMeta* FindColumn(const storage::DatasetMeta& meta, const std::string& name) {
  for (const auto& c : meta.columns) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

// A query service's statement with its paging (or, for counting, without).
std::string WrapQuery(const ServiceDefinition& d, const std::vector<std::string>& fields,
                      bool count) {
  std::string select;
  for (const auto& f : fields) select += (select.empty() ? "" : ", ") + QuoteIdent(f);
  std::string inner = "(\n" + d.query + "\n)";
  if (count) return "SELECT count(*) FROM " + inner;
  return "SELECT " + select + " FROM " + inner + " LIMIT :_limit OFFSET :_offset";
}

// A dataset service's statement: the fields, the filters of the given parameters.
std::string DatasetQuery(const ServiceDefinition& d, const std::vector<std::string>& fields,
                         const storage::QueryParams& params, bool count) {
  std::string select;
  for (const auto& f : fields) select += (select.empty() ? "" : ", ") + QuoteIdent(f);
  std::string where;
  for (const auto& p : d.params) {
    if (!params.contains(p.name)) continue;
    where += (where.empty() ? " WHERE " : " AND ") + QuoteIdent(p.column) + " " +
             std::string(ParamOpName(p.op)) + " :" + p.name;
  }
  std::string from = " FROM " + d.dataset.ToString() + where;
  if (count) return "SELECT count(*)" + from;
  return "SELECT " + select + from + " LIMIT :_limit OFFSET :_offset";
}

PublishedService FromRecord(const storage::ServiceRecord& r, ServiceDefinition d) {
  return PublishedService{std::move(d), r.state, r.published_by, r.published_at, r.unpublished_at};
}

storage::ServiceRecord ToRecord(const PublishedService& s) {
  const ServiceDefinition& d = s.definition;
  return storage::ServiceRecord{d.name,           d.dataset,        s.state,
                                d.resource_id,    s.published_by,   s.published_at,
                                s.unpublished_at, ToJson(d).dump()};
}

}  // namespace

json ToJson(const PublishedService& s) {
  json out = ToJson(s.definition);
  out["state"] = s.state;
  out["published_by"] = s.published_by;
  out["published_at"] = s.published_at;
  out["unpublished_at"] = s.unpublished_at;
  out["kind"] = s.definition.query.empty() ? "dataset" : "query";
  return out;
}

ServiceCatalog::ServiceCatalog(storage::ServiceStore& store, storage::Engine& engine,
                               catalog::CatalogService& catalog, security::Policy& policy,
                               access::AccessService& access,
                               share::ResourceCatalogService& resources)
    : store_(store),
      engine_(engine),
      catalog_(catalog),
      policy_(policy),
      access_(access),
      resources_(resources),
      stats_(store) {}

Result<bool> ServiceCatalog::Owns(const security::Principal& who,
                                  const storage::DatasetMeta& meta) {
  // An app acts for its user; whether the user manages the dataset decides whether
  // the app reads it as an owner (apps themselves never edit metadata).
  security::Principal user = who;
  user.app_id.clear();
  security::DatasetRef ref{meta.name, meta.dept_code};
  ASSIGN_OR_RETURN(auto decision, policy_.Decide(user, security::Action::kEditMetadata, &ref));
  return decision.allowed;
}

Result<std::vector<std::string>> ServiceCatalog::ReadableColumns(const security::Principal& who,
                                                                 const storage::DatasetMeta& meta) {
  // The policy's read decision: owners and platform-wide roles read every column, others
  // only what their api grants cover (file and sandbox grants do not admit reads).
  security::DatasetRef ref{meta.name, meta.dept_code};
  ASSIGN_OR_RETURN(auto decision, policy_.Decide(who, security::Action::kReadData, &ref));
  RETURN_IF_ERROR(security::ToStatus(decision));
  return decision.columns;
}

Status ServiceCatalog::Complete(const security::Principal& who, const storage::DatasetMeta& meta,
                                ServiceDefinition& d) {
  if (!d.resource_id.empty()) {
    ASSIGN_OR_RETURN(auto resource, resources_.Show(d.resource_id, false));
    if (resource.first.dataset != d.dataset) {
      return InvalidArgument("catalog resource " + d.resource_id + " is about " +
                             resource.first.dataset.ToString() + ", not " + d.dataset.ToString());
    }
    d.resource_id = resource.first.id;
  }
  if (d.query.empty()) {
    for (const auto& p : d.params) {
      if (FindColumn(meta, p.column) == nullptr) {
        return InvalidArgument("parameter '" + p.name + "' filters column '" + p.column +
                               "', which " + d.dataset.ToString() + " does not have");
      }
    }
    if (d.fields.empty()) {
      for (const auto& c : meta.columns) d.fields.push_back({c.name, c.type});
    }
    for (auto& f : d.fields) {
      const storage::ColumnMeta* column = FindColumn(meta, f.name);
      if (column == nullptr) {
        return InvalidArgument("field '" + f.name + "' is not a column of " + d.dataset.ToString());
      }
      f.type = column->type;
    }
    return Status::Ok();
  }
  // A query service: the statement must prepare over the dataset alone, with every
  // parameter declared; its result columns are what it can offer.
  while (!d.query.empty() && (std::isspace(static_cast<unsigned char>(d.query.back())) ||
                              d.query.back() == ';')) {
    d.query.pop_back();
  }
  storage::QueryParams params{{"_limit", int64_t{0}}, {"_offset", int64_t{0}}};
  for (const auto& p : d.params) params[p.name] = std::monostate{};
  ASSIGN_OR_RETURN(storage::ReadScope scope, access_.ScopeForDataset(who, meta, {}));
  auto probe = engine_.Query("SELECT * FROM (\n" + d.query + "\n) LIMIT :_limit OFFSET :_offset",
                             {}, &scope, params);
  if (!probe.ok()) {
    return InvalidArgument("the service's query does not run over " + d.dataset.ToString() +
                           " alone with its declared parameters: " + probe.status().message());
  }
  const std::vector<std::string>& result = (*probe)->column_names();
  if (d.fields.empty()) {
    for (const auto& name : result) d.fields.push_back({name, ColumnType::kText});
  }
  for (auto& f : d.fields) {
    if (!Contains(result, f.name)) {
      return InvalidArgument("field '" + f.name + "' is not a column of the query's result (" +
                             Join(result) + ")");
    }
    const storage::ColumnMeta* column = FindColumn(meta, f.name);
    f.type = column == nullptr ? ColumnType::kText : column->type;
  }
  return Status::Ok();
}

Result<PublishedService> ServiceCatalog::Publish(const security::Principal& who,
                                                 ServiceDefinition definition) {
  ASSIGN_OR_RETURN(auto meta, catalog_.Get(definition.dataset));
  ASSIGN_OR_RETURN(bool owns, Owns(who, meta));
  if (!owns || !who.app_id.empty()) {
    return PermissionDenied("only the owner of " + definition.dataset.ToString() +
                            " (department '" + meta.dept_code +
                            "') or a platform administrator may publish it as a service");
  }
  RETURN_IF_ERROR(Complete(who, meta, definition));
  PublishedService service{std::move(definition), kPublished, who.user_id, NowIso(), ""};
  RETURN_IF_ERROR(store_.Add(ToRecord(service)));
  std::lock_guard lock(mu_);
  cache_[service.definition.name] = std::make_shared<const PublishedService>(service);
  return service;
}

Result<std::shared_ptr<const PublishedService>> ServiceCatalog::Find(const std::string& name) {
  {
    std::lock_guard lock(mu_);
    auto it = cache_.find(name);
    if (it != cache_.end()) return it->second;
  }
  ASSIGN_OR_RETURN(auto record, store_.Find(name));
  if (!record) return NotFound("no API service is named '" + name + "'");
  auto document = json::parse(record->document, nullptr, false);
  ASSIGN_OR_RETURN(auto definition, ParseDefinition(document));
  auto service = std::make_shared<const PublishedService>(FromRecord(*record, std::move(definition)));
  std::lock_guard lock(mu_);
  cache_[name] = service;
  return service;
}

Result<std::vector<PublishedService>> ServiceCatalog::List(const security::Principal& who,
                                                           bool all) {
  ASSIGN_OR_RETURN(auto records, store_.List(all ? "" : kPublished));
  std::vector<PublishedService> out;
  for (const auto& r : records) {
    ASSIGN_OR_RETURN(auto service, Find(r.name));
    if (service->state != kPublished) {
      auto meta = catalog_.GetSchema(service->definition.dataset);
      if (!meta.ok()) continue;  // its dataset is gone
      ASSIGN_OR_RETURN(bool owns, Owns(who, *meta));
      if (!owns) continue;
    }
    out.push_back(*service);
  }
  return out;
}

Result<PublishedService> ServiceCatalog::Get(const std::string& name) {
  ASSIGN_OR_RETURN(auto service, Find(name));
  return *service;
}

Result<PublishedService> ServiceCatalog::Unpublish(const security::Principal& who,
                                                   const std::string& name) {
  ASSIGN_OR_RETURN(auto found, Find(name));
  PublishedService service = *found;
  ASSIGN_OR_RETURN(auto meta, catalog_.Get(service.definition.dataset));
  ASSIGN_OR_RETURN(bool owns, Owns(who, meta));
  if (!owns || !who.app_id.empty()) {
    return PermissionDenied("only the owner of " + meta.name.ToString() +
                            " or a platform administrator may unpublish service '" + name + "'");
  }
  if (service.state != kPublished) return FailedPrecondition("service '" + name + "' is not published");
  service.state = "unpublished";
  service.unpublished_at = NowIso();
  RETURN_IF_ERROR(store_.Update(ToRecord(service)));
  std::lock_guard lock(mu_);
  cache_[name] = std::make_shared<const PublishedService>(service);
  return service;
}

Result<CallResult> ServiceCatalog::Call(const security::Principal& who, const std::string& name,
                                        const CallRequest& request) {
  auto started = std::chrono::steady_clock::now();
  ASSIGN_OR_RETURN(auto service, Find(name));
  if (service->state != kPublished) {
    return NotFound("API service '" + name + "' was unpublished on " + service->unpublished_at);
  }
  auto result = Run(who, service->definition, request);
  std::chrono::duration<double, std::milli> elapsed = std::chrono::steady_clock::now() - started;
  stats_.Record({name, who.app_id, who.user_id, result.ok(),
                 result.ok() ? static_cast<int64_t>(result->rows.size()) : 0, elapsed.count()});
  return result;
}

Result<CallResult> ServiceCatalog::Run(const security::Principal& who, const ServiceDefinition& d,
                                       const CallRequest& request) {
  ASSIGN_OR_RETURN(auto meta, catalog_.GetSchema(d.dataset));
  ASSIGN_OR_RETURN(std::vector<std::string> granted, ReadableColumns(who, meta));
  auto may_read = [&](const std::string& column) { return granted.empty() || Contains(granted, column); };
  std::vector<std::string> offered = Names(d.fields);
  std::vector<std::string> fields;
  for (const auto& f : request.fields) {
    if (!Contains(offered, f)) {
      return InvalidArgument("service '" + d.name + "' does not offer field '" + f +
                             "'; it offers: " + Join(offered));
    }
    // A query service's result columns are not the dataset's: its grant is enforced by
    // the scope (a query reading an ungranted column fails).
    if (d.query.empty() && !may_read(f)) {
      return PermissionDenied("your grant on " + d.dataset.ToString() + " does not cover field '" +
                              f + "'");
    }
    fields.push_back(f);
  }
  if (request.fields.empty()) {
    for (const auto& f : offered) {
      if (!d.query.empty() || may_read(f)) fields.push_back(f);
    }
  }
  if (fields.empty()) {
    return PermissionDenied("your grant on " + d.dataset.ToString() +
                            " covers none of the fields service '" + d.name + "' offers");
  }
  // The parameters: declared, well-typed, and for a dataset service on readable columns.
  storage::QueryParams params;
  for (const auto& [key, text] : request.params) {
    auto p = std::find_if(d.params.begin(), d.params.end(), [&](const ServiceParam& sp) { return sp.name == key; });
    if (p == d.params.end()) {
      std::vector<std::string> declared;
      for (const auto& sp : d.params) declared.push_back(sp.name);
      return InvalidArgument("service '" + d.name + "' has no parameter '" + key + "'" +
                             (declared.empty() ? "" : "; it takes: " + Join(declared)));
    }
    if (!p->column.empty() && !may_read(p->column)) {
      return PermissionDenied("parameter '" + key + "' filters field '" + p->column +
                              "', which your grant on " + d.dataset.ToString() + " does not cover");
    }
    ASSIGN_OR_RETURN(params[key], ParseParamValue(*p, text));
  }
  std::vector<std::string> scope_columns = granted.empty() && d.query.empty() ? fields : granted;
  for (const auto& p : d.params) {
    if (params.contains(p.name)) {
      if (!p.column.empty() && !Contains(scope_columns, p.column)) scope_columns.push_back(p.column);
      continue;
    }
    if (p.required) return InvalidArgument("parameter '" + p.name + "' is required");
    // A query service's statement names every parameter; an absent one is NULL.
    if (!d.query.empty()) params[p.name] = std::monostate{};
  }
  CallResult out;
  out.dataset = d.dataset;
  out.limit = request.limit.value_or(d.default_page_size);
  out.offset = request.offset;
  if (out.limit < 1 || out.limit > d.max_page_size) {
    return InvalidArgument("limit must be from 1 to " + std::to_string(d.max_page_size) +
                           " for service '" + d.name + "'");
  }
  if (out.offset < 0) return InvalidArgument("offset must be 0 or more");
  // One row more than the page tells whether a next page exists.
  params["_limit"] = out.limit + 1;
  params["_offset"] = out.offset;
  ASSIGN_OR_RETURN(storage::ReadScope scope, access_.ScopeForDataset(who, meta, scope_columns));
  std::string sql = d.query.empty() ? DatasetQuery(d, fields, params, false) : WrapQuery(d, fields, false);
  storage::QueryLimits limits;
  limits.max_rows = out.limit + 1;
  ASSIGN_OR_RETURN(auto cursor, engine_.Query(sql, limits, &scope, params));
  out.columns = cursor->column_names();
  std::vector<Value> row;
  while (true) {
    ASSIGN_OR_RETURN(bool more, cursor->Next(row));
    if (!more) break;
    if (static_cast<int64_t>(out.rows.size()) == out.limit) {
      out.more = true;
      break;
    }
    out.rows.push_back(row);
  }
  if (request.count) {
    std::string count_sql = d.query.empty() ? DatasetQuery(d, fields, params, true) : WrapQuery(d, fields, true);
    ASSIGN_OR_RETURN(auto counter, engine_.Query(count_sql, {}, &scope, params));
    ASSIGN_OR_RETURN(bool counted, counter->Next(row));
    if (counted && !row.empty() && std::holds_alternative<int64_t>(row[0])) out.total = std::get<int64_t>(row[0]);
  }
  return out;
}

Result<json> ServiceCatalog::OpenApi(const security::Principal& who, const std::string& name,
                                     const std::string& base_url) {
  ASSIGN_OR_RETURN(auto service, Find(name));
  if (service->state != kPublished) {
    ASSIGN_OR_RETURN(auto meta, catalog_.GetSchema(service->definition.dataset));
    ASSIGN_OR_RETURN(bool owns, Owns(who, meta));
    if (!owns) return NotFound("API service '" + name + "' was unpublished on " + service->unpublished_at);
  }
  return OpenApiDocument(*service, base_url);
}

Result<std::vector<storage::ServiceCallStats>> ServiceCatalog::Stats(const security::Principal& who,
                                                                     const std::string& name) {
  ASSIGN_OR_RETURN(auto service, Find(name));
  ASSIGN_OR_RETURN(auto meta, catalog_.Get(service->definition.dataset));
  ASSIGN_OR_RETURN(bool owns, Owns(who, meta));
  RETURN_IF_ERROR(stats_.Flush());
  storage::ServiceStatsFilter filter;
  filter.service = name;
  if (!owns) filter.user_id = who.user_id;
  return store_.ListStats(filter);
}

}  // namespace citydata::services
