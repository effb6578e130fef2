#include "opendata/open_data_service.h"

#include <algorithm>

#include "security/rate_limiter.h"
#include "share/resource_catalog_service.h"

namespace citydata::opendata {
namespace {

constexpr int64_t kMaxPage = 1000;
constexpr int64_t kMaxOffset = 1000000000000;
// A download reads the whole dataset; it may take as long as the longest query.
constexpr std::chrono::milliseconds kDownloadTimeout{600000};
constexpr int64_t kDownloadMaxRows = 10000000;

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string QuoteIdentifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// `text` as a LIKE pattern matching it anywhere, with '\' escaping % and _.
std::string ContainsPattern(std::string_view text) {
  std::string out = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + "%";
}

Status CheckPage(int64_t limit, int64_t offset) {
  if (limit < 0 || limit > kMaxPage) {
    return InvalidArgument("limit must be between 0 and " + std::to_string(kMaxPage));
  }
  // The bound keeps offset + limit (next-page links) from overflowing.
  if (offset < 0 || offset > kMaxOffset) {
    return InvalidArgument("offset must be between 0 and " + std::to_string(kMaxOffset));
  }
  return Status::Ok();
}

std::vector<std::string> ItemNames(const share::Resource& resource) {
  std::vector<std::string> names;
  for (const auto& item : resource.items) names.push_back(item.name);
  return names;
}

std::string ColumnList(const share::Resource& resource) {
  std::string out;
  for (const auto& item : resource.items) {
    out += (out.empty() ? "" : ", ") + QuoteIdentifier(item.name);
  }
  return out;
}

// The WHERE clause of a rows query and its bound values.
Result<std::pair<std::string, storage::QueryParams>> WhereClause(const share::Resource& resource,
                                                                 const RowsQuery& query) {
  std::vector<std::string> terms;
  storage::QueryParams params;
  for (size_t i = 0; i < query.filters.size(); ++i) {
    const auto& [column, value] = query.filters[i];
    bool known = std::any_of(resource.items.begin(), resource.items.end(),
                             [&](const share::InformationItem& it) { return it.name == column; });
    if (!known) {
      return InvalidArgument("filter column '" + column + "' is not a field of this dataset");
    }
    std::string name = "f" + std::to_string(i);
    terms.push_back("CAST(" + QuoteIdentifier(column) + " AS TEXT) = :" + name);
    params[name] = value;
  }
  if (!query.text.empty() && !resource.items.empty()) {
    std::string any;
    for (const auto& item : resource.items) {
      any += (any.empty() ? "" : " OR ") + std::string("CAST(") + QuoteIdentifier(item.name) +
             " AS TEXT) LIKE :q ESCAPE '\\'";
    }
    terms.push_back("(" + any + ")");
    params["q"] = ContainsPattern(query.text);
  }
  std::string where;
  for (const auto& t : terms) where += (where.empty() ? " WHERE " : " AND ") + t;
  return std::make_pair(where, params);
}

void Count(OpenFacets& facets, const share::Resource& r) {
  ++facets["dept"][r.dept];
  ++facets["classification"][r.classification.Path()];
  ++facets["grade"][std::string(LevelName(r.grade))];
  for (const auto& name : r.classification.names) ++facets["tags"][name];
}

bool Before(const share::Resource& a, const share::Resource& b, SortKey key) {
  switch (key) {
    case SortKey::kName: return a.code < b.code;
    case SortKey::kTitle: return a.name < b.name;
    case SortKey::kCreated: return a.first_published_at < b.first_published_at;
    case SortKey::kModified: break;
  }
  return a.published_at < b.published_at;
}

// Records a read of open data in the audit trail: actor "public", the client address.
void RecordRead(audit::AuditLog& audit, const share::Resource& resource, int64_t rows,
                const std::string& client, const Status& outcome, const std::string& what) {
  audit::AuditEvent event;
  event.actor = PublicReader().name;
  event.actor_kind = audit::ActorKind::kAnonymous;
  event.action = "data.read";
  event.target = resource.dataset.ToString();
  event.columns = ItemNames(resource);
  event.rows = rows;
  event.client = client;
  event.outcome = outcome.ok() ? audit::Outcome::kAllowed : audit::Outcome::kError;
  event.detail = "open data " + resource.code + ": " + what +
                 (outcome.ok() ? "" : " (" + outcome.message() + ")");
  // Record fails only for an empty action.
  (void)audit.Record(std::move(event));
}

// One download's claim on DownloadSlots, given back when the download ends.
class SlotClaim {
 public:
  SlotClaim(std::shared_ptr<DownloadSlots> slots, std::string client)
      : slots_(std::move(slots)), client_(std::move(client)) {}
  SlotClaim(const SlotClaim&) = delete;
  SlotClaim& operator=(const SlotClaim&) = delete;
  ~SlotClaim() {
    std::lock_guard lock(slots_->mu);
    --slots_->total;
    if (--slots_->by_client[client_] == 0) slots_->by_client.erase(client_);
  }

 private:
  std::shared_ptr<DownloadSlots> slots_;
  std::string client_;
};

// Claims a download slot for `client`; RateLimited when none is free.
Result<std::unique_ptr<SlotClaim>> Claim(const std::shared_ptr<DownloadSlots>& slots,
                                         const std::string& client) {
  std::lock_guard lock(slots->mu);
  int& mine = slots->by_client[client];
  if (slots->total >= kMaxDownloads || mine >= kMaxDownloadsPerClient) {
    if (mine == 0) slots->by_client.erase(client);
    return RateLimited("too many downloads in progress; retry when one has finished");
  }
  ++mine;
  ++slots->total;
  return std::make_unique<SlotClaim>(slots, client);
}

class ResourceDownload final : public Download {
 public:
  ResourceDownload(std::unique_ptr<SlotClaim> slot, share::Resource resource,
                   share::FileFormat format,
                   std::unique_ptr<storage::RowCursor> cursor, audit::AuditLog& audit,
                   std::string client)
      : slot_(std::move(slot)),
        resource_(std::move(resource)),
        format_(format),
        cursor_(std::move(cursor)),
        audit_(audit),
        client_(std::move(client)) {}

  std::string filename() const override {
    return Slug(resource_.code) + std::string(share::FileExtension(format_));
  }
  std::string content_type() const override {
    return std::string(share::FileContentType(format_));
  }

  Status WriteTo(const share::ChunkSink& sink) override {
    int64_t rows = 0;
    share::RowSource source = [this, &rows](std::vector<Value>& row) -> Result<bool> {
      ASSIGN_OR_RETURN(bool more, cursor_->Next(row));
      rows += more ? 1 : 0;
      return more;
    };
    auto written = share::WriteFile(format_, ItemNames(resource_), source, sink, resource_.name);
    Status outcome = written.ok() ? Status::Ok() : written.status();
    RecordRead(audit_, resource_, rows, client_, outcome, "download as " + filename());
    return outcome;
  }

 private:
  std::unique_ptr<SlotClaim> slot_;
  share::Resource resource_;
  share::FileFormat format_;
  std::unique_ptr<storage::RowCursor> cursor_;
  audit::AuditLog& audit_;
  std::string client_;
};

}  // namespace

security::Principal PublicReader() {
  security::Principal who;
  who.name = "public";
  who.role = security::Role::kConsumer;
  who.clearance = Level::kGeneral2;
  return who;
}

std::string Slug(std::string_view code) {
  std::string out(code);
  std::replace(out.begin(), out.end(), '/', '-');
  return out;
}

Result<OpenPage> OpenDataService::Search(const OpenQuery& query) {
  RETURN_IF_ERROR(CheckPage(query.limit, query.offset));
  storage::ResourceFilter filter;
  filter.opening = "open";
  filter.state = "published";
  filter.dept = query.dept;
  filter.classification = query.classification;
  filter.grade = query.grade;
  filter.text = Lower(query.text);
  ASSIGN_OR_RETURN(auto records, store_.ListCurrent(filter));
  OpenPage page;
  std::vector<share::Resource> matches;
  for (const auto& record : records) {
    ASSIGN_OR_RETURN(auto resource, share::FromRecord(record));
    const auto& names = resource.classification.names;
    if (!query.tag.empty() && std::find(names.begin(), names.end(), query.tag) == names.end()) {
      continue;
    }
    Count(page.facets, resource);
    matches.push_back(std::move(resource));
  }
  // Ties (e.g. published in the same second) are broken by code, so pages are stable.
  std::sort(matches.begin(), matches.end(), [&](const auto& a, const auto& b) {
    if (Before(a, b, query.sort) || Before(b, a, query.sort)) {
      return query.descending ? Before(b, a, query.sort) : Before(a, b, query.sort);
    }
    return a.code < b.code;
  });
  page.total = static_cast<int64_t>(matches.size());
  auto begin = std::min<size_t>(static_cast<size_t>(query.offset), matches.size());
  auto end = std::min<size_t>(begin + static_cast<size_t>(query.limit), matches.size());
  for (size_t i = begin; i < end; ++i) page.items.push_back(std::move(matches[i]));
  return page;
}

Result<std::vector<Organization>> OpenDataService::Organizations() {
  storage::ResourceFilter filter;
  filter.opening = "open";
  filter.state = "published";
  ASSIGN_OR_RETURN(auto records, store_.ListCurrent(filter));
  std::map<std::string, Organization> by_code;
  for (const auto& record : records) {
    ASSIGN_OR_RETURN(auto resource, share::FromRecord(record));
    Organization& org = by_code[resource.dept];
    org.code = resource.dept;
    org.name = resource.dept_name;
    ++org.datasets;
  }
  std::vector<Organization> out;
  for (auto& [code, org] : by_code) out.push_back(std::move(org));
  return out;
}

Result<share::Resource> OpenDataService::Get(const std::string& id) {
  auto not_found = NotFound("no open dataset '" + id + "'");
  if (id.empty()) return not_found;
  ASSIGN_OR_RETURN(auto record, store_.FindCurrent(id));
  if (!record && id.find('-') != std::string::npos) {
    std::string code = id;
    std::replace(code.begin(), code.end(), '-', '/');
    ASSIGN_OR_RETURN(record, store_.FindCurrent(code));
  }
  if (!record || record->state != "published" || record->opening != "open") return not_found;
  ASSIGN_OR_RETURN(auto resource, share::FromRecord(*record));
  if (resource.state != share::ResourceState::kPublished ||
      resource.opening != share::Opening::kOpen) {
    return not_found;
  }
  return resource;
}

Result<std::unique_ptr<storage::RowCursor>> OpenDataService::Select(
    const share::Resource& resource, const std::string& what, const std::string& tail,
    const storage::QueryParams& params, int64_t max_rows) {
  storage::ReadScope scope =
      access_.ScopeForDataset(PublicReader(), resource.dataset, ItemNames(resource));
  std::string sql = "SELECT " + what + " FROM " + resource.dataset.ToString() + tail;
  storage::QueryLimits limits;
  limits.max_rows = max_rows;
  limits.timeout = kDownloadTimeout;
  return engine_.Query(sql, limits, &scope, params);
}

Result<RowsPage> OpenDataService::Rows(const std::string& id, const RowsQuery& query,
                                       const std::string& client) {
  RETURN_IF_ERROR(CheckPage(query.limit, query.offset));
  ASSIGN_OR_RETURN(auto resource, Get(id));
  RowsPage page;
  for (const auto& item : resource.items) page.fields.push_back({item.name, item.type});
  if (resource.items.empty()) return page;
  ASSIGN_OR_RETURN(auto where, WhereClause(resource, query));
  ASSIGN_OR_RETURN(auto counted, Select(resource, "COUNT(*)", where.first, where.second, 1));
  std::vector<Value> row;
  ASSIGN_OR_RETURN(bool any, counted->Next(row));
  if (any && !row.empty() && std::holds_alternative<int64_t>(row[0])) {
    page.total = std::get<int64_t>(row[0]);
  }
  std::string tail = where.first + " LIMIT " + std::to_string(query.limit) + " OFFSET " +
                     std::to_string(query.offset);
  ASSIGN_OR_RETURN(auto cursor,
                   Select(resource, ColumnList(resource), tail, where.second, kMaxPage));
  while (true) {
    ASSIGN_OR_RETURN(bool more, cursor->Next(row));
    if (!more) break;
    page.rows.push_back(row);
  }
  RecordRead(audit_, resource, static_cast<int64_t>(page.rows.size()), client, Status::Ok(),
             "rows");
  return page;
}

Result<std::unique_ptr<Download>> OpenDataService::StartDownload(const std::string& id,
                                                                  share::FileFormat format,
                                                                  const std::string& client) {
  ASSIGN_OR_RETURN(auto resource, Get(id));
  if (resource.items.empty()) return FailedPrecondition("the dataset publishes no fields");
  ASSIGN_OR_RETURN(auto slot, Claim(slots_, security::ClientHost(client)));
  ASSIGN_OR_RETURN(auto cursor, Select(resource, ColumnList(resource), "", {}, kDownloadMaxRows));
  return std::unique_ptr<Download>(std::make_unique<ResourceDownload>(
      std::move(slot), std::move(resource), format, std::move(cursor), audit_, client));
}

}  // namespace citydata::opendata
