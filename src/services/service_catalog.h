// API services (API 超市): publishing datasets and parameterized read-only queries as
// REST services, calling them under the caller's grant, their OpenAPI documents and
// call statistics.
//
// Who may do what:
// - Publishing and unpublishing: the dataset's owner, as for a catalog resource
//   (Policy::Decide kEditMetadata on the dataset).
// - Calling: whoever may read the dataset through the API: its owners and the
//   platform-wide roles (every column), or a user (or the user's app) holding a grant
//   in force with delivery mode "api" (or "" — an administrator's direct grant), for
//   the grant's columns. File-mode grants deliver masked exports and sandbox grants
//   aggregates; neither covers service calls.
// - A call returns the requested fields (default: every offered field the caller may
//   read) masked by the caller's clearance inside the engine
//   (AccessService::ScopeForDataset): a parameter filtering a column the caller sees
//   masked compares with the masked values. Asking for a field the grant does not
//   cover is PermissionDenied naming it.
// - Parameter values are checked against their declared type and bound to the
//   statement, never spliced into SQL.
//
// Thread safety: safe to use from many threads.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "access/access_service.h"
#include "catalog/catalog_service.h"
#include "security/policy.h"
#include "services/call_stats.h"
#include "services/service_definition.h"
#include "share/resource_catalog_service.h"
#include "storage/engine.h"
#include "storage/service_store.h"

namespace citydata::services {

struct PublishedService {
  ServiceDefinition definition;
  std::string state;  // "published" or "unpublished"
  std::string published_by;
  std::string published_at;
  std::string unpublished_at;
};

nlohmann::json ToJson(const PublishedService& service);

struct CallRequest {
  // The call's query parameters other than fields, limit, offset and count.
  std::vector<std::pair<std::string, std::string>> params;
  std::vector<std::string> fields;  // empty: every offered field the caller may read
  std::optional<int64_t> limit;     // the service's default page size when absent
  int64_t offset = 0;
  bool count = false;  // also count every matching row (a second query)
};

struct CallResult {
  DatasetName dataset;
  std::vector<std::string> columns;
  std::vector<std::vector<Value>> rows;
  bool more = false;  // a next page exists
  std::optional<int64_t> total;
  int64_t limit = 0;
  int64_t offset = 0;
};

class ServiceCatalog {
 public:
  ServiceCatalog(storage::ServiceStore& store, storage::Engine& engine,
                 catalog::CatalogService& catalog, security::Policy& policy,
                 access::AccessService& access, share::ResourceCatalogService& resources);

  // Publishes a new service. InvalidArgument for a definition that does not fit the
  // dataset (unknown field or column, a query that does not prepare), PermissionDenied
  // unless `who` owns the dataset, AlreadyExists for a taken name.
  Result<PublishedService> Publish(const security::Principal& who, ServiceDefinition definition);
  // Services by name; with `all`, also the unpublished ones whose dataset `who` owns (a
  // withdrawn service's definition is its owner's business, not the market's).
  Result<std::vector<PublishedService>> List(const security::Principal& who, bool all);
  // NotFound for an unknown name.
  Result<PublishedService> Get(const std::string& name);
  // Stops the service (its record and statistics are kept).
  Result<PublishedService> Unpublish(const security::Principal& who, const std::string& name);

  // Calls a published service (see the header comment). Every call that reaches a
  // published service is counted in its statistics, refused ones as errors.
  Result<CallResult> Call(const security::Principal& who, const std::string& name,
                          const CallRequest& request);

  // The service's OpenAPI 3.0 document; `base_url` is the server's scheme and host. An
  // unpublished service's document is its owner's only (NotFound for others).
  Result<nlohmann::json> OpenApi(const security::Principal& who, const std::string& name,
                                 const std::string& base_url);

  // The service's statistics per caller and day: every caller's for its owners and
  // the platform-wide roles, otherwise the calls `who`'s user made (with any app).
  Result<std::vector<storage::ServiceCallStats>> Stats(const security::Principal& who,
                                                       const std::string& name);

 private:
  Result<std::shared_ptr<const PublishedService>> Find(const std::string& name);
  // Whether `who`'s user may manage the dataset (owners, platform-wide roles).
  Result<bool> Owns(const security::Principal& who, const storage::DatasetMeta& meta);
  // The columns `who` may read through the API (empty: every column).
  Result<std::vector<std::string>> ReadableColumns(const security::Principal& who,
                                                   const storage::DatasetMeta& meta);
  Status Complete(const security::Principal& who, const storage::DatasetMeta& meta,
                  ServiceDefinition& definition);
  Result<CallResult> Run(const security::Principal& who, const ServiceDefinition& definition,
                         const CallRequest& request);

  storage::ServiceStore& store_;
  storage::Engine& engine_;
  catalog::CatalogService& catalog_;
  security::Policy& policy_;
  access::AccessService& access_;
  share::ResourceCatalogService& resources_;
  CallStats stats_;
  std::mutex mu_;
  // Services as last read from or written to the store, by name (this process is the
  // store's only writer).
  std::map<std::string, std::shared_ptr<const PublishedService>> cache_;  // GUARDED_BY(mu_)
};

}  // namespace citydata::services
