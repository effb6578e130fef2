// The service store: the API services published over datasets (API 超市) and their
// call statistics, aggregated per service, caller and UTC day.
//
// A service keeps its record when unpublished (state "unpublished"), so its name stays
// taken and its statistics keep their meaning. `document` is the whole definition as
// JSON, which services/ owns; the other fields are copies for listing and lookups.
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

struct ServiceRecord {
  std::string name;  // unique, [a-z][a-z0-9_-]{1,62}
  DatasetName dataset;
  std::string state;           // "published" or "unpublished"
  std::string resource_id;     // the catalog resource it belongs to; "" for none
  std::string published_by;    // user id
  std::string published_at;    // ISO 8601 UTC
  std::string unpublished_at;  // "" while published
  std::string document;        // the definition as JSON (services/'s format)
};

// The calls of one service by one caller on one UTC day. Adding deltas sums every
// counter, the histogram bucket by bucket.
struct ServiceCallStats {
  std::string service;
  std::string app_id;   // "" for calls with a user's token
  std::string user_id;  // the user the caller acts for
  std::string day;      // "YYYY-MM-DD"
  int64_t calls = 0;
  int64_t errors = 0;
  int64_t rows = 0;
  double latency_ms = 0;  // total over the calls
  // Calls per latency bucket (services/ defines the bucket bounds).
  std::vector<int64_t> histogram;
};

// Which statistics to list. Empty fields do not filter.
struct ServiceStatsFilter {
  std::string service;
  std::string user_id;
  std::string since_day;  // inclusive
};

class ServiceStore {
 public:
  virtual ~ServiceStore() = default;

  // AlreadyExists when a service (published or not) has the name.
  virtual Status Add(const ServiceRecord& record) = 0;
  // Replaces state, unpublished_at and document; NotFound for an unknown name.
  virtual Status Update(const ServiceRecord& record) = 0;
  // nullopt when no service has the name.
  virtual Result<std::optional<ServiceRecord>> Find(const std::string& name) = 0;
  // Services in `state` ("" any), by name.
  virtual Result<std::vector<ServiceRecord>> List(const std::string& state) = 0;

  // Adds the deltas to the stored statistics, in one transaction.
  virtual Status AddStats(const std::vector<ServiceCallStats>& deltas) = 0;
  // The stored statistics matching `filter`, by service, day, app.
  virtual Result<std::vector<ServiceCallStats>> ListStats(const ServiceStatsFilter& filter) = 0;
};

// Opens (creating and migrating) the SQLite service store at `path`.
Result<std::unique_ptr<ServiceStore>> OpenSqliteServiceStore(const std::string& path);

}  // namespace citydata::storage
