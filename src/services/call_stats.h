// Call statistics of API services: counted in memory on the request path and written
// to the service store in aggregated form (one row per service, caller and UTC day),
// at most every few seconds, so that recording a call never waits for a disk write.
//
// Latencies are kept as a histogram over fixed buckets, so a p95 can be read from the
// stored rows of any period.
//
// Thread safety: safe to use from many threads.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "core/status.h"
#include "storage/service_store.h"

namespace citydata::services {

// The upper bounds (ms) of the latency buckets; the last bucket has no upper bound.
const std::vector<double>& LatencyBucketBounds();
// The latency below which `quantile` (0..1) of the calls of `histogram` fall, as the
// upper bound of the bucket that reaches it (0 for no calls).
double LatencyQuantile(const std::vector<int64_t>& histogram, double quantile);

struct CallRecord {
  std::string service;
  std::string app_id;  // "" for a user's token
  std::string user_id;
  bool ok = true;
  int64_t rows = 0;
  double latency_ms = 0;
};

class CallStats {
 public:
  // Pending counts are written when `flush_every` has passed since the last write.
  explicit CallStats(storage::ServiceStore& store,
                     std::chrono::milliseconds flush_every = std::chrono::seconds(5))
      : store_(store), flush_every_(flush_every) {}
  // Writes what is pending (errors cannot be reported from a destructor; they are lost).
  ~CallStats();

  // Counts one call; may write the pending counts (see the constructor).
  void Record(const CallRecord& call);
  // Writes the pending counts now (before statistics are read).
  Status Flush();

 private:
  using Key = std::tuple<std::string, std::string, std::string, std::string>;  // service, app, user, day

  storage::ServiceStore& store_;
  const std::chrono::milliseconds flush_every_;
  std::mutex mu_;
  std::map<Key, storage::ServiceCallStats> pending_;  // GUARDED_BY(mu_)
  std::chrono::steady_clock::time_point last_flush_ = std::chrono::steady_clock::now();  // GUARDED_BY(mu_)
  std::mutex flush_mu_;  // serializes writes, so deltas reach the store in order
};

}  // namespace citydata::services
