// The open-data portal (开放门户, PRODUCT.md C13): what the public may see of the
// resource catalog without logging in.
//
// Only current versions that are published and `open` (无条件开放) exist here; any
// other resource is NotFound, exactly as an unknown id is, so the portal never tells
// whether a closed resource exists. Rows are read as the anonymous public reader
// (PublicReader(): role consumer, clearance general-2) through a scope showing only the
// resource's published information items, each above general-2 through its masking
// operator inside the engine — open data never carries general-3/4 values unmasked,
// even if the catalog's own check on publishing were bypassed.
//
// User text (q, filter values) is bound as query parameters; column names are accepted
// only when they are published items, and are quoted as identifiers.
//
// Every download and rows read is recorded in the audit trail (actor "public", the client address,
// rows sent, outcome).
//
// Thread safety: safe to use from many threads; a Download is used by one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "access/access_service.h"
#include "audit/audit_log.h"
#include "core/status.h"
#include "security/principal.h"
#include "share/delivery_file.h"
#include "share/resource.h"
#include "storage/engine.h"
#include "storage/share_store.h"

namespace citydata::opendata {

// The anonymous reader of open data: role consumer, name "public", clearance general-2.
security::Principal PublicReader();

enum class SortKey { kModified, kName, kTitle, kCreated };

// Which open resources to list. Empty strings do not filter.
struct OpenQuery {
  std::string text;            // substring of code, name, summary, classification, items
  std::string dept;            // provider department code
  std::string classification;  // a path or a prefix of whole levels
  std::string grade;           // e.g. "general-1"
  std::string tag;             // one classification level's name
  SortKey sort = SortKey::kModified;
  bool descending = true;
  int64_t limit = 20;  // 0..1000
  int64_t offset = 0;
};

// Counts per value over every match: "dept", "classification", "grade", "tags".
using OpenFacets = std::map<std::string, std::map<std::string, int64_t>>;

struct OpenPage {
  std::vector<share::Resource> items;
  int64_t total = 0;
  OpenFacets facets;
};

// A provider department with open datasets (a CKAN organization).
struct Organization {
  std::string code;
  std::string name;
  int64_t datasets = 0;
};

struct Field {
  std::string name;
  ColumnType type = ColumnType::kText;
};

// A page of rows of an open resource. `filters` are column = value equalities (values
// compared as text); `text` matches any published column containing it.
struct RowsQuery {
  std::string text;
  std::vector<std::pair<std::string, std::string>> filters;
  int64_t limit = 100;  // 0..1000
  int64_t offset = 0;
};

struct RowsPage {
  std::vector<Field> fields;
  std::vector<std::vector<Value>> rows;
  int64_t total = 0;  // rows matching text and filters
};

// A started download of a whole open resource in one of share/delivery_file.h's
// formats. The rows stream from the engine into the sink; nothing holds the dataset in
// memory.
class Download {
 public:
  virtual ~Download() = default;
  virtual std::string filename() const = 0;      // e.g. "101001001-000001.csv"
  virtual std::string content_type() const = 0;  // e.g. "text/csv; charset=utf-8"
  // Writes the file and records the download in the audit trail. Returns the first
  // error (the sink having gone is Unavailable).
  virtual Status WriteTo(const share::ChunkSink& sink) = 0;
};

// Counts the downloads in progress (see OpenDataService::StartDownload).
struct DownloadSlots {
  std::mutex mu;
  int total = 0;                        // GUARDED_BY(mu)
  std::map<std::string, int> by_client;  // GUARDED_BY(mu)
};

// At most this many whole-resource downloads run at once, and this many per client.
inline constexpr int kMaxDownloads = 8;
inline constexpr int kMaxDownloadsPerClient = 2;

class OpenDataService {
 public:
  OpenDataService(storage::ShareStore& store, access::AccessService& access,
                  storage::Engine& engine, audit::AuditLog& audit)
      : store_(store), access_(access), engine_(engine), audit_(audit) {}

  // Open resources matching `query`, with facets over every match.
  Result<OpenPage> Search(const OpenQuery& query);
  // The departments providing open datasets, by code.
  Result<std::vector<Organization>> Organizations();
  // The open resource with this id, code or slug ("101001001-000001"); NotFound otherwise.
  Result<share::Resource> Get(const std::string& id);
  // Rows of the open resource, audited like downloads (`client` is the caller's
  // address). NotFound as Get; InvalidArgument for a filter naming a column that is not
  // a published item, or a limit/offset out of range.
  Result<RowsPage> Rows(const std::string& id, const RowsQuery& query, const std::string& client);
  // Starts downloading the whole open resource; errors (NotFound as Get) come before
  // any byte is written. `client` is the caller's address, for the audit trail.
  Result<std::unique_ptr<Download>> StartDownload(const std::string& id, share::FileFormat format,
                                                  const std::string& client);

 private:
  Result<std::unique_ptr<storage::RowCursor>> Select(const share::Resource& resource,
                                                     const std::string& what,
                                                     const std::string& tail,
                                                     const storage::QueryParams& params,
                                                     int64_t max_rows);

  storage::ShareStore& store_;
  access::AccessService& access_;
  storage::Engine& engine_;
  audit::AuditLog& audit_;
  // Downloads in progress, in all and by client: each holds an engine cursor and a
  // worker for as long as its reader reads, so anonymous clients get a bounded share.
  std::shared_ptr<DownloadSlots> slots_ = std::make_shared<DownloadSlots>();
};

// The URL-safe name of a resource code: "101001001/000001" -> "101001001-000001".
std::string Slug(std::string_view code);

}  // namespace citydata::opendata
