// The resource catalog service: publishing datasets as catalog resources, unpublishing
// them, faceted and text search, history and export (PRODUCT.md C11).
//
// Who may publish: the provider of the dataset's department, a steward or an admin
// (security::Policy, action edit_metadata on the dataset). Information items and the
// grade come from the dataset's classification (governance/), taken when publishing;
// a dataset never classified is classified first.
//
// Resource codes follow the catalog guide: the classification code (类 1 digit, 项 2,
// 目 3, 细目 3; see resource.h) + "/" + a 6-digit sequence per classification code,
// e.g. "101001001/000001". 项/目/细目 codes are assigned in order of first use under
// their parent and kept, so a name always has the same code. A resource keeps its
// code across versions unless it is republished under another classification.
//
// Versions: publishing a dataset whose resource exists (published or unpublished)
// adds the next version of that resource; the previous published version becomes
// "superseded". Unpublishing marks the current version "unpublished". Nothing is
// deleted, so Show(..., history) gives every version.
//
// Thread safety: safe to use from many threads; publications are serialized.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog_service.h"
#include "core/status.h"
#include "governance/classification_service.h"
#include "security/policy.h"
#include "share/resource.h"
#include "storage/share_store.h"

namespace citydata::share {

struct PublishRequest {
  DatasetName dataset;
  std::string classification;      // "类/项[/目[/细目]]"
  std::string name;                // default: the dataset's title
  std::string summary;             // default: the dataset's description
  std::string format;              // default: "数据库"
  std::vector<std::string> items;  // the columns to publish; empty: every column
  std::string sharing;             // unconditional, conditional, none (or 无条件共享 ...)
  std::string sharing_conditions;  // required for conditional (conditions) and none (basis)
  std::string sharing_mode;
  std::string opening;  // open, conditional, closed (or 无条件开放 ...)
  std::string opening_conditions;
  std::string update_cycle;          // default: the dataset's update cycle
  std::vector<std::string> related;  // codes or ids of published resources
};

struct ResourceQuery {
  storage::ResourceFilter filter;  // text is matched case-insensitively (ASCII)
  int64_t limit = 50;              // clamped to 1..1000
  int64_t offset = 0;
};

// Counts per facet value over every match: keys "dept", "category" (the 类),
// "classification" (the full path), "sharing", "opening", "grade".
using Facets = std::map<std::string, std::map<std::string, int64_t>>;

struct ResourcePage {
  std::vector<Resource> items;
  int64_t total = 0;
  Facets facets;
};

enum class ExportFormat { kJson, kCsv, kDcat };
// "json", "csv", "dcat"; InvalidArgument otherwise.
Result<ExportFormat> ParseExportFormat(std::string_view name);

class ResourceCatalogService {
 public:
  ResourceCatalogService(storage::ShareStore& store, catalog::CatalogService& catalog,
                         governance::ClassificationService& classification,
                         const security::Policy& policy)
      : store_(store), catalog_(catalog), classification_(classification), policy_(policy) {}

  // Publishes (or republishes, as the next version) the dataset as a resource.
  // PermissionDenied for a caller that does not own the dataset; NotFound for an
  // unknown dataset, item or related resource; InvalidArgument for a missing or
  // malformed field, or an `open` resource with items graded general-3 or above (the
  // message names them).
  Result<Resource> Publish(const security::Principal& who, const PublishRequest& request);
  // Marks the current version unpublished. NotFound for an unknown id or code;
  // FailedPrecondition when it is not published.
  Result<Resource> Unpublish(const security::Principal& who, const std::string& id_or_code,
                             const std::string& reason);

  // Current versions matching the query (state "published" unless the filter says),
  // with facet counts over every match.
  Result<ResourcePage> Search(const ResourceQuery& query);
  // The current version of a resource by id or code, and when `history`, every version
  // oldest first as well. NotFound when unknown.
  Result<std::pair<Resource, std::vector<Resource>>> Show(const std::string& id_or_code,
                                                          bool history);
  // The current versions matching `filter` in `format`: JSON ({"resources": [...]}),
  // CSV (a header and one line per resource) or DCAT-AP JSON-LD (a dcat:Catalog whose
  // dcat:dataset entries link to `base_url`). Returns the document's text.
  Result<std::string> Export(const storage::ResourceFilter& filter, ExportFormat format,
                             const std::string& base_url);

 private:
  Status CheckOwner(const security::Principal& who, const DatasetName& dataset,
                    const std::string& dept);
  Result<std::vector<InformationItem>> ItemsFor(const storage::DatasetMeta& meta,
                                                const std::vector<std::string>& wanted,
                                                Level& grade);
  Result<std::string> ClassificationCode(const std::vector<std::string>& names);
  Result<std::vector<std::string>> RelatedCodes(const std::vector<std::string>& wanted,
                                                const std::string& self_id);
  Result<Resource> Build(const security::Principal& who, const PublishRequest& request,
                         const storage::DatasetMeta& meta,
                         const std::optional<storage::ResourceRecord>& previous);
  Result<std::vector<Resource>> Current(const storage::ResourceFilter& filter);

  storage::ShareStore& store_;
  catalog::CatalogService& catalog_;
  governance::ClassificationService& classification_;
  const security::Policy& policy_;
  std::mutex publish_mu_;  // serializes Publish and Unpublish (read-modify-write of versions)
};

// The record the store keeps for `resource` (facet columns and the JSON document).
storage::ResourceRecord ToRecord(const Resource& resource);
Result<Resource> FromRecord(const storage::ResourceRecord& record);

}  // namespace citydata::share
