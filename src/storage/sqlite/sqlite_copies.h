// Materialized copies of scoped views: the rows of a dataset with a reader's column
// transforms (masking) already applied, so that a scoped query reads stored values
// instead of calling the transform function once per value it touches (which cost a
// masked full scan about a quarter more time than the unmasked one).
//
// A copy is a table in its own file (DIR/masked.db, attached to user connections as
// `masked`); it holds exactly what its view's SELECT computes from the dataset. It is
// used only while it is current: built from the dataset's latest data (every write path
// of the engine reports its commits through DataChanged) and with the latest transform
// compiler (TransformsChanged, e.g. after new data keys). A changed scope (other columns,
// another masking operator, a new classification) is another SELECT and so another copy.
// Until a current copy is ready, scoped queries transform the dataset's rows as they read
// them; a copy is built in the background once a second query could have used it for
// the same data (a one-off read, or data that changes between every two reads, is not
// worth a copy of the dataset). The file is a cache: it is recreated empty whenever the
// engine opens.
//
// Thread safety: all methods may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/metrics.h"
#include "core/status.h"
#include "storage/engine.h"
#include "storage/sqlite/sqlite_scope.h"
#include "storage/sqlite/sqlite_util.h"

namespace citydata::storage::sqlite {

// The schema name under which user connections attach the copies file.
inline constexpr std::string_view kCopiesSchema = "masked";

// A ready copy. Its table is not dropped while anyone holds the pointer, so a statement
// holds it for as long as it may read the table.
struct MaterializedCopy {
  std::string table;  // the table's name in the copies file
};

class CopyCache {
 public:
  // Recreates the copies file at `path` and starts the builder. `zones` are the files
  // the builder attaches (schema name, path); `transforms` compiles the transforms and
  // must outlive the cache; `metrics` (optional) receives build counts and durations.
  static Result<std::unique_ptr<CopyCache>> Open(
      const std::string& path, std::vector<std::pair<std::string, std::string>> zones,
      const Transforms* transforms, Metrics* metrics);
  // Stops the builder, interrupting a build in progress.
  ~CopyCache();

  // The current copy of the rows `select` computes from `dataset` (the body of a view
  // with transforms), or nullptr when none is ready. A build is then queued when this is
  // the second request for the same data, unless one is under way or the last one for
  // this data failed.
  std::shared_ptr<const MaterializedCopy> Find(const DatasetName& dataset,
                                               const std::string& select);

  // Called after every committed change of `dataset`'s rows (and after a drop): its
  // copies are stale from now on.
  void DataChanged(const DatasetName& dataset);
  // Called after the transform compiler changed: every copy is stale from now on.
  void TransformsChanged();

  // Test hook: waits until no build is queued or running.
  void WaitForBuildsForTesting();

 private:
  struct Entry {
    std::string dataset;  // "zone.name"
    std::shared_ptr<const MaterializedCopy> ready;
    uint64_t ready_version = 0, ready_generation = 0;
    bool building = false;
    // The data version and generation a build failed for; not retried until they change.
    std::optional<std::pair<uint64_t, uint64_t>> failed;
    // Requests for the data version and generation `requested_for`.
    std::pair<uint64_t, uint64_t> requested_for{0, 0};
    int requests = 0;
    std::chrono::steady_clock::time_point last_used;
  };
  // What the builder reads under the mutex before a build.
  struct Job {
    std::string select;
    std::string dataset;
    uint64_t version, generation;
  };

  CopyCache(DbPtr db, Metrics* metrics);
  void BuilderLoop();
  // Builds the table for `job`; its name, or the error.
  Result<std::string> Build(const Job& job);
  // Records a finished build (or discards it when stale or when the entry is gone).
  void Finish(const Job& job, Result<std::string> built, double seconds);
  // Drops the tables of retired copies nobody holds any more.
  void DropUnused();
  // REQUIRES: mu_ held. Moves `entry`'s ready copy to the retired list.
  void Retire(Entry& entry);
  // REQUIRES: mu_ held. Makes room for one more entry of `dataset` within the limits
  // (per dataset, and in all) by forgetting the least recently used entries, never one
  // being built (so the limits can be passed while builds run).
  void MakeRoom(const std::string& dataset);
  // REQUIRES: mu_ held.
  uint64_t VersionOf(const std::string& dataset) const;
  // REQUIRES: mu_ held.
  void PublishGauge();

  // The builder thread's connection: the copies file, zones attached, the transform
  // function registered.
  DbPtr db_;
  Metrics* metrics_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::unordered_map<std::string, Entry> entries_;      // GUARDED_BY(mu_), by SELECT
  std::unordered_map<std::string, uint64_t> versions_;  // GUARDED_BY(mu_), by dataset
  uint64_t generation_ = 0;                             // GUARDED_BY(mu_)
  std::deque<std::string> queue_;                       // GUARDED_BY(mu_): SELECTs to build
  std::vector<std::shared_ptr<const MaterializedCopy>> retired_;  // GUARDED_BY(mu_)
  bool busy_ = false;                                             // GUARDED_BY(mu_): a build runs
  uint64_t next_table_ = 0;                                       // builder thread only
  std::atomic<bool> stopping_ = false;
  std::thread builder_;
};

}  // namespace citydata::storage::sqlite
