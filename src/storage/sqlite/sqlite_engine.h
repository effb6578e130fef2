// The embedded default engine: each zone is one SQLite database file
// (DIR/<zone>.db), attached under the zone's name so SQL says `raw.x JOIN std.y`.
//
// Files use WAL journaling with synchronous=NORMAL: readers never block writers or
// each other, a write transaction is all-or-nothing across a crash (kill -9 included),
// and a reader sees a dataset before or after a write, never half of it. Checkpoints
// (copying committed WAL frames into the database file) run on a background thread
// after each commit, so a bulk load does not pay for them before it returns.
//
// Scoped reads with transforms use materialized copies where one is current (see
// sqlite_copies.h), kept in DIR/masked.db; bulk scans (ScanPartBlocks) read column
// segments, a columnar mirror of the rows kept in DIR/segments (see sqlite_segments.h).
// The engine must be the only one open on DIR.
#pragma once

#include <array>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/metrics.h"
#include "storage/engine.h"
#include "storage/sqlite/sqlite_copies.h"
#include "storage/sqlite/sqlite_scope.h"
#include "storage/sqlite/sqlite_segments.h"
#include "storage/sqlite/sqlite_util.h"

namespace citydata::storage {

class SqliteEngine final : public Engine {
 public:
  // Opens (creating when absent) the zone files under `dir`, which must exist.
  // `metrics` (optional, outliving the engine) receives the materialized copies' figures.
  static Result<std::unique_ptr<SqliteEngine>> Open(const std::string& dir,
                                                    Metrics* metrics = nullptr);
  ~SqliteEngine() override;

  std::string_view name() const override { return "sqlite"; }
  Result<std::optional<Schema>> GetSchema(const DatasetName& dataset) override;
  Result<std::unique_ptr<BatchWriter>> BeginWrite(const DatasetName& dataset, const Schema& schema,
                                                  WriteMode mode,
                                                  const std::string& batch_id) override;
  Status MoveRows(const DatasetName& from, const DatasetName& to, WriteMode mode,
                  const std::string& batch_id) override;
  Result<bool> HasBatch(const DatasetName& dataset, const std::string& batch_id) override;
  Result<std::unique_ptr<RowCursor>> Scan(const DatasetName& dataset, int64_t offset,
                                          int64_t limit) override;
  Result<std::unique_ptr<RowCursor>> ScanPart(const DatasetName& dataset,
                                              const std::vector<std::string>& columns, int part,
                                              int parts) override;
  Status ScanPartBlocks(const DatasetName& dataset, const std::vector<std::string>& columns,
                        int part, int parts, const BlockVisitor& visit) override;
  Result<std::unique_ptr<RowCursor>> Query(std::string_view sql, const QueryLimits& limits,
                                           const ReadScope* scope = nullptr,
                                           const QueryParams& params = {}) override;
  void SetTransformCompiler(TransformCompiler compiler) override;
  Result<TableStats> Stats(const DatasetName& dataset) override;
  Status DropDataset(const DatasetName& dataset) override;
  Status CheckIntegrity() override;

  // A pooled read-only connection; returned to the pool when the lease is destroyed.
  class Lease;

  // Test hook: waits until every queued materialized copy is built (or given up).
  void WaitForCopiesForTesting() { copies_->WaitForBuildsForTesting(); }

 private:
  explicit SqliteEngine(std::string dir);
  std::string ZonePath(Zone zone) const;
  // Every zone's schema name and file.
  std::vector<std::pair<std::string, std::string>> ZoneFiles() const;
  std::string CopiesPath() const;
  // Who a read connection serves: user SQL may not see engine-internal tables (names
  // starting with "_": batch ids, quarantined batches); the engine's own scans may.
  enum class Reader { kUser, kInternal };
  // A connection with the zones attached, and for kUser the materialized copies.
  Result<sqlite::DbPtr> OpenReader(Reader kind);
  // A read connection and the TEMP views created on it so far, so that a scope's
  // views are created once per connection rather than once per query.
  struct PooledReader {
    sqlite::DbPtr db;
    sqlite::TempViews temp_views;
  };
  Result<std::unique_ptr<Lease>> AcquireReader(Reader kind);
  // Returns a connection to its pool; `discard` closes it instead (e.g. once it holds
  // many TEMP views).
  void ReleaseReader(Reader kind, PooledReader reader, bool discard);
  // A prepared read-only statement and the pooled connection it runs on (declared first:
  // the statement is finalized before the connection goes back to the pool).
  struct Select {
    std::unique_ptr<Lease> lease;
    sqlite::StmtPtr stmt;
  };
  Result<Select> PrepareSelect(Reader kind, std::string_view sql, const std::vector<Value>& params);
  // Prepares `sql` on `lease` (the lease's authorizer decides what it may read).
  Result<Select> PrepareOn(std::unique_ptr<Lease> lease, std::string_view sql);
  // Rewrites a scoped query, creates the TEMP views it reads on the lease's connection
  // and switches the connection to the scoped authorizer.
  Result<Select> PrepareScoped(std::string_view sql, const ReadScope& scope);
  Result<std::unique_ptr<RowCursor>> RunSelect(Reader kind, std::string_view sql,
                                               const QueryLimits& limits,
                                               const std::vector<Value>& params);
  // What ScanPart and ScanPartBlocks read: the part's row ids [from, to], the column
  // names (all, when none were asked for), and the statement reading the row id then
  // the columns of the rows whose ids lie between its two parameters.
  struct ScanPlan {
    DatasetName dataset;
    std::vector<std::string> columns;
    std::string select;
    int64_t from = 0, to = -1;
  };
  // The part's row range is read on `reader`.
  Result<ScanPlan> PlanScanPart(const DatasetName& dataset, const std::vector<std::string>& columns,
                                int part, int parts, sqlite3* reader);
  // ScanPartBlocks inside a read transaction on `db` (an internal reader).
  Status ScanPartInTransaction(sqlite3* db, const DatasetName& dataset,
                               const std::vector<std::string>& columns, int part, int parts,
                               const BlockVisitor& visit);
  // Delivers rows [from, to] from the table through `db`, one row per block.
  Status ScanTableBlocks(sqlite3* db, const ScanPlan& plan, int64_t from, int64_t to,
                         const BlockVisitor& visit);
  // Delivers rows [first, last] from `segment` in blocks; returns the first row id it did
  // not deliver (last + 1, or where the segment could not be trusted), or the
  // visitor's error.
  Result<int64_t> ScanSegmentBlocks(const sqlite::SegmentStore::Mapped& segment,
                                    const std::vector<std::string>& columns, int64_t first,
                                    int64_t last, const BlockVisitor& visit);
  // Inside MoveRows' transaction, after the rows moved: carries `from`'s segments over
  // to `to`, or unregisters what no longer holds a dataset (adding the files to `stale`).
  Status MoveSegments(sqlite3* db, const DatasetName& from, const DatasetName& to, bool to_mirrored,
                      int64_t to_max, int64_t moved, std::vector<std::string>& stale);
  // Asks the checkpointer to checkpoint `zone`'s file.
  void ScheduleCheckpoint(Zone zone);
  // After a committed change of `dataset`'s rows: schedules the checkpoint and makes its
  // materialized copies stale.
  void Committed(const DatasetName& dataset);
  void CheckpointLoop();

  const std::string dir_;
  // Read by the transform function of user connections and of the copy builder.
  sqlite::Transforms transforms_;
  std::unique_ptr<sqlite::CopyCache> copies_;
  std::unique_ptr<sqlite::SegmentStore> segments_;  // DIR/segments
  // One writer at a time per zone file; SQLite would serialize them anyway, this keeps
  // waiting writers in-process and fair instead of spinning on busy timeouts.
  std::array<std::mutex, 4> zone_write_mu_;
  std::mutex pool_mu_;
  std::array<std::vector<PooledReader>, 2> idle_readers_;  // GUARDED_BY(pool_mu_), by Reader
  std::mutex admin_mu_;
  sqlite::DbPtr admin_;  // GUARDED_BY(admin_mu_): stats and integrity checks, no authorizer
  std::mutex checkpoint_mu_;
  std::condition_variable checkpoint_cv_;
  std::array<bool, 4> checkpoint_due_{};  // GUARDED_BY(checkpoint_mu_)
  bool stopping_ = false;                 // GUARDED_BY(checkpoint_mu_)
  std::thread checkpointer_;
};

}  // namespace citydata::storage
