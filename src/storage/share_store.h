// The share store: the government information resource catalog (政务信息资源目录) —
// every version of every catalog resource — and the code tables its resource codes are
// drawn from.
//
// A resource keeps its id across versions; each publication is a new row (version 1,
// 2, ...), and exactly one row per resource is current (the latest). The facet columns
// are copies of fields of `document`, the whole resource as JSON, which share/ owns;
// they exist so that listing and faceting never parse documents.
//
// Thread safety: safe to use from many threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/types.h"

namespace citydata::storage {

struct ResourceRecord {
  std::string id;  // "res_..."; the same for every version of the resource
  int64_t version = 1;
  std::string code;  // the resource code, e.g. "101001001/000001"
  DatasetName dataset;
  std::string state;    // "published", "unpublished" or "superseded"
  bool current = true;  // the resource's latest version
  std::string name;
  std::string dept;            // provider department code
  std::string classification;  // "类/项/目/细目" names joined by '/'
  std::string sharing;         // "unconditional", "conditional", "none"
  std::string opening;         // "open", "conditional", "closed"
  std::string grade;           // the dataset's level, e.g. "general-3"
  std::string search_text;     // what text search matches, ASCII lower-cased
  std::string published_at;    // ISO 8601 UTC
  std::string unpublished_at;  // "" while published
  std::string published_by;    // user name
  std::string document;        // the resource as JSON (share/'s format)
};

// Which current resources to list. Empty fields do not filter.
struct ResourceFilter {
  std::string dept;
  std::string classification;  // this classification or any beneath it
  std::string sharing;
  std::string opening;
  std::string grade;
  std::string text;   // a substring of search_text (pass it ASCII lower-cased)
  std::string state;  // e.g. "published"; "" any state
};

// A request for a catalog resource (共享申请). The indexed columns are copies of fields
// of `document`, the whole request as JSON, which share/ owns.
struct RequestRecord {
  std::string id;  // "req_..."
  std::string resource_id;
  std::string dept;         // the provider department, whose approvers decide
  std::string consumer_id;  // the requesting user's id
  std::string state;        // "pending", "approved" or "rejected"
  std::string created_at;   // ISO 8601 UTC
  std::string deadline;     // ISO 8601 UTC: when a pending request becomes overdue
  std::string document;
};

// Which requests to list, newest first. Empty fields do not filter.
struct RequestFilter {
  std::string consumer_id;
  std::string dept;
  std::string state;
  int64_t limit = 50;
  int64_t offset = 0;
};

class ShareStore {
 public:
  virtual ~ShareStore() = default;

  // Adds `record` as its resource's current version, in one transaction: the previous
  // current version (if any) stops being current and, when still published, becomes
  // "superseded" with unpublished_at = record.published_at. AlreadyExists when the
  // (id, version) pair is taken or another resource is current for the same dataset.
  virtual Status AddVersion(const ResourceRecord& record) = 0;
  // Replaces state, unpublished_at and document of the version (record.id,
  // record.version). NotFound when it does not exist.
  virtual Status UpdateVersion(const ResourceRecord& record) = 0;

  // The current version of the resource with this id or code; nullopt when none.
  virtual Result<std::optional<ResourceRecord>> FindCurrent(const std::string& id_or_code) = 0;
  // The current version of the dataset's resource; nullopt when never published.
  virtual Result<std::optional<ResourceRecord>> FindByDataset(const DatasetName& dataset) = 0;
  // Current versions matching `filter`, by code.
  virtual Result<std::vector<ResourceRecord>> ListCurrent(const ResourceFilter& filter) = 0;
  // Every version of the resource, oldest first; empty when the id is unknown.
  virtual Result<std::vector<ResourceRecord>> History(const std::string& id) = 0;

  // The ordinal (1, 2, ...) of the classification node `path` among the children of
  // `parent`, assigned on first use as one more than the largest so far and kept.
  virtual Result<int64_t> NodeOrdinal(const std::string& parent, const std::string& path) = 0;
  // The next number (1, 2, ...) of the sequence named `prefix`.
  virtual Result<int64_t> NextSequence(const std::string& prefix) = 0;

  // AlreadyExists when the id is taken.
  virtual Status AddRequest(const RequestRecord& request) = 0;
  // Replaces the request with the same id if its stored state is `expected_state`:
  // FailedPrecondition when another decision came first, NotFound when absent.
  virtual Status UpdateRequest(const RequestRecord& request, const std::string& expected_state) = 0;
  virtual Result<std::optional<RequestRecord>> FindRequest(const std::string& id) = 0;
  // The matching requests, newest first, and how many match in all.
  virtual Result<std::pair<std::vector<RequestRecord>, int64_t>> ListRequests(
      const RequestFilter& filter) = 0;
};

// Opens (creating and migrating) the SQLite share store at `path`.
Result<std::unique_ptr<ShareStore>> OpenSqliteShareStore(const std::string& path);

}  // namespace citydata::storage
