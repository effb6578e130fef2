#include "storage/sqlite/sqlite_engine.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <limits>

namespace citydata::storage {
namespace {

using sqlite::DbPtr;
using sqlite::QuoteIdent;
using sqlite::StmtPtr;

// Engine-internal tables live in each zone file under this prefix; dataset names
// start with a letter, so they cannot collide, and the query authorizer hides them.
constexpr std::string_view kBatchTable = "_citydata_batches";
constexpr std::string_view kCopiesFile = "masked.db";
constexpr const char* kSegmentDir = "segments";
constexpr int kMaxValueBytes = 16 << 20;
constexpr int kMaxSqlBytes = 1 << 20;
constexpr int kMaxExprDepth = 200;
// A user connection holding more TEMP views than this (one per distinct scope of a
// dataset it served, and one per materialized copy it read: each rebuilt copy is a new
// definition) is closed instead of pooled, which drops them.
constexpr size_t kMaxTempViews = 512;

std::string_view DeclaredType(ColumnType type) {
  switch (type) {
    case ColumnType::kInteger:
      return "INTEGER";
    case ColumnType::kDecimal:
      return "REAL";
    case ColumnType::kBoolean:
      return "BOOLEAN";
    case ColumnType::kDate:
      return "DATE";
    case ColumnType::kTimestamp:
      return "TIMESTAMP";
    case ColumnType::kText:
      return "TEXT";
  }
  return "TEXT";
}

ColumnType TypeFromDeclared(std::string_view declared) {
  if (declared == "INTEGER") return ColumnType::kInteger;
  if (declared == "REAL") return ColumnType::kDecimal;
  if (declared == "BOOLEAN") return ColumnType::kBoolean;
  if (declared == "DATE") return ColumnType::kDate;
  if (declared == "TIMESTAMP") return ColumnType::kTimestamp;
  return ColumnType::kText;
}

std::string TableRef(const DatasetName& d) { return QuoteIdent(d.name); }

std::string QualifiedRef(const DatasetName& d) {
  return std::string(ZoneName(d.zone)) + "." + QuoteIdent(d.name);
}

std::string CreateTableSql(const DatasetName& d, const Schema& schema) {
  std::string sql = "CREATE TABLE " + TableRef(d) + " (";
  for (size_t i = 0; i < schema.size(); ++i) {
    if (i) sql += ", ";
    sql += QuoteIdent(schema[i].name) + " " + std::string(DeclaredType(schema[i].type));
  }
  return sql + ")";
}

std::string InsertSql(const DatasetName& d, size_t columns) {
  std::string sql = "INSERT INTO " + TableRef(d) + " VALUES (";
  for (size_t i = 0; i < columns; ++i) sql += i ? ",?" : "?";
  return sql + ")";
}

// Applied to every writing connection: WAL for concurrent readers, NORMAL sync (durable
// against process crashes, consistent against power loss), a generous page cache for
// bulk loads, and no automatic checkpoint (the engine's checkpointer does it).
Status ConfigureWriter(sqlite3* db) {
  return sqlite::Exec(db,
                      "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                      "PRAGMA cache_size=-65536; PRAGMA temp_store=FILE; "
                      "PRAGMA wal_autocheckpoint=0;");
}

Result<std::optional<Schema>> ReadSchema(sqlite3* db, std::string_view schema_name,
                                         const std::string& table) {
  ASSIGN_OR_RETURN(StmtPtr stmt,
                   sqlite::Prepare(db, "SELECT name, type FROM " + std::string(schema_name) +
                                           ".pragma_table_info(?)"));
  sqlite::BindText(stmt.get(), 1, table);
  Schema schema;
  while (sqlite3_step(stmt.get()) == SQLITE_ROW) {
    schema.push_back(
        {sqlite::ColumnText(stmt.get(), 0), TypeFromDeclared(sqlite::ColumnText(stmt.get(), 1))});
  }
  if (schema.empty()) return std::optional<Schema>();
  return std::optional<Schema>(std::move(schema));
}

bool SameSchema(const Schema& a, const Schema& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].name != b[i].name || a[i].type != b[i].type) return false;
  }
  return true;
}

// Inside an open write transaction: records `batch_id` for `d`, or fails with
// AlreadyExists when it was committed before. The record commits or rolls back with the
// rows it stands for.
Status RecordBatch(sqlite3* db, const DatasetName& d, const std::string& batch_id) {
  ASSIGN_OR_RETURN(StmtPtr seen, sqlite::Prepare(db, "SELECT 1 FROM " + std::string(kBatchTable) +
                                                         " WHERE dataset = ? AND batch_id = ?"));
  sqlite::BindText(seen.get(), 1, d.name);
  sqlite::BindText(seen.get(), 2, batch_id);
  if (sqlite3_step(seen.get()) == SQLITE_ROW) {
    return AlreadyExists("batch '" + batch_id + "' was already loaded into " + d.ToString());
  }
  ASSIGN_OR_RETURN(StmtPtr add, sqlite::Prepare(db, "INSERT INTO " + std::string(kBatchTable) +
                                                        " VALUES (?, ?, datetime('now'))"));
  sqlite::BindText(add.get(), 1, d.name);
  sqlite::BindText(add.get(), 2, batch_id);
  return sqlite::StepDone(db, add.get());
}

// Inside a transaction on a zone's writing connection: true when `d` (whose table
// exists) has segments, which then hold all its rows, or has no rows to hold.
Result<bool> MirroredSoFar(sqlite3* db, const DatasetName& d) {
  ASSIGN_OR_RETURN(StmtPtr s, sqlite::Prepare(db, "SELECT EXISTS (SELECT 1 FROM " +
                                                      std::string(sqlite::kSegmentTable) +
                                                      " WHERE dataset = ?1) OR NOT EXISTS "
                                                      "(SELECT 1 FROM " +
                                                      TableRef(d) + ")"));
  sqlite::BindText(s.get(), 1, d.name);
  if (sqlite3_step(s.get()) != SQLITE_ROW) return sqlite::Error(db, "cannot read " + d.ToString());
  return sqlite3_column_int(s.get(), 0) != 0;
}

// The largest row id of `d`'s table (main schema), 0 when it is empty.
Result<int64_t> MaxRowId(sqlite3* db, const DatasetName& d) {
  ASSIGN_OR_RETURN(StmtPtr s,
                   sqlite::Prepare(db, "SELECT coalesce(max(rowid), 0) FROM " + TableRef(d)));
  if (sqlite3_step(s.get()) != SQLITE_ROW) return sqlite::Error(db, "cannot read " + d.ToString());
  return sqlite3_column_int64(s.get(), 0);
}

// --- the write path -------------------------------------------------------------------

class SqliteBatchWriter final : public BatchWriter {
 public:
  SqliteBatchWriter(DbPtr db, std::unique_lock<std::mutex> lock, DatasetName dataset,
                    std::string batch_id, size_t columns, sqlite::SegmentStore& segments,
                    std::function<void()> on_commit)
      : db_(std::move(db)),
        lock_(std::move(lock)),
        dataset_(std::move(dataset)),
        batch_id_(std::move(batch_id)),
        columns_(columns),
        segments_(segments),
        on_commit_(std::move(on_commit)) {}

  ~SqliteBatchWriter() override {
    insert_.reset();
    if (!committed_) sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
  }

  // Runs inside the open transaction: checks the batch id and the stored schema,
  // creates or replaces the table, decides whether the rows are mirrored into column
  // segments, and prepares the insert.
  Status Begin(const Schema& schema, WriteMode mode) {
    if (!batch_id_.empty()) RETURN_IF_ERROR(RecordBatch(db_.get(), dataset_, batch_id_));
    ASSIGN_OR_RETURN(auto stored, ReadSchema(db_.get(), "main", dataset_.name));
    if (mode == WriteMode::kReplace && stored) {
      ASSIGN_OR_RETURN(stale_, sqlite::SegmentStore::Unregister(db_.get(), dataset_.name));
      RETURN_IF_ERROR(sqlite::Exec(db_.get(), "DROP TABLE " + TableRef(dataset_)));
      stored.reset();
    }
    if (!stored) {
      RETURN_IF_ERROR(sqlite::Exec(db_.get(), CreateTableSql(dataset_, schema)));
    } else if (!SameSchema(*stored, schema)) {
      return FailedPrecondition("the rows do not match the stored schema of " +
                                dataset_.ToString() + "; replace the dataset to change its schema");
    }
    // Rows already stored without segments stay so: a mirror of the new rows alone
    // would not hold the dataset.
    ASSIGN_OR_RETURN(bool mirrored, MirroredSoFar(db_.get(), dataset_));
    if (mirrored && sqlite::SegmentWriter::CanMirror(schema))
      mirror_ = std::make_unique<sqlite::SegmentWriter>(segments_, dataset_.zone, schema);
    ASSIGN_OR_RETURN(insert_, sqlite::Prepare(db_.get(), InsertSql(dataset_, columns_)));
    return Status::Ok();
  }

  Status Append(const std::vector<Value>& row) override {
    assert(row.size() == columns_);
    // Text is bound without a copy: `row` outlives the step, and every parameter is
    // bound again before the next one.
    for (size_t i = 0; i < row.size(); ++i) {
      sqlite::Bind(insert_.get(), static_cast<int>(i + 1), row[i], SQLITE_STATIC);
    }
    RETURN_IF_ERROR(sqlite::StepDone(db_.get(), insert_.get()));
    if (mirror_) mirror_->Append(sqlite3_last_insert_rowid(db_.get()), row);
    return Status::Ok();
  }

  Status Commit() override {
    insert_.reset();
    RETURN_IF_ERROR(RegisterMirror());
    if (sqlite3_exec(db_.get(), "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
      return sqlite::Error(db_.get(), "commit failed");
    }
    committed_ = true;
    if (mirror_) mirror_->Keep();
    segments_.Remove(stale_);
    on_commit_();
    return Status::Ok();
  }

 private:
  // Inside the transaction: registers the mirror's segments, or, when the rows could not
  // be mirrored, unregisters the dataset's segments (they no longer hold all its rows).
  Status RegisterMirror() {
    if (!mirror_) return Status::Ok();
    std::vector<sqlite::SegmentRef> written = mirror_->Finish();
    if (!mirror_->abandoned()) {
      return sqlite::SegmentStore::Register(db_.get(), dataset_.name, written);
    }
    ASSIGN_OR_RETURN(auto files, sqlite::SegmentStore::Unregister(db_.get(), dataset_.name));
    stale_.insert(stale_.end(), files.begin(), files.end());
    return Status::Ok();
  }

  DbPtr db_;
  std::unique_lock<std::mutex> lock_;
  DatasetName dataset_;
  std::string batch_id_;
  size_t columns_;
  sqlite::SegmentStore& segments_;
  std::function<void()> on_commit_;
  StmtPtr insert_;
  std::unique_ptr<sqlite::SegmentWriter> mirror_;  // null: the rows are not mirrored
  std::vector<std::string> stale_;  // segment files to remove once the write committed
  bool committed_ = false;
};

// --- the read path --------------------------------------------------------------------

// The engine's own connections read anything, engine tables included; a user
// connection refuses everything until a user statement installs its authorizer
// (UserAuthorizer or ScopedAuthorizer, see PrepareSelect and PrepareScoped).
void SetIdleAuthorizer(sqlite3* db, bool internal) {
  sqlite3_set_authorizer(db, internal ? sqlite::InternalAuthorizer : sqlite::RefuseAllAuthorizer,
                         nullptr);
}

struct Deadline {
  std::chrono::steady_clock::time_point at;
};

int CheckDeadline(void* arg) {
  return std::chrono::steady_clock::now() > static_cast<Deadline*>(arg)->at ? 1 : 0;
}

// True when `tail` (what follows the first statement) holds only blanks, semicolons
// and comments.
bool OnlyTrivia(std::string_view tail) {
  size_t i = 0;
  while (i < tail.size()) {
    char c = tail[i];
    if (c == ';' || c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
    } else if (tail.substr(i, 2) == "--") {
      size_t nl = tail.find('\n', i);
      i = nl == std::string_view::npos ? tail.size() : nl + 1;
    } else if (tail.substr(i, 2) == "/*") {
      size_t end = tail.find("*/", i + 2);
      i = end == std::string_view::npos ? tail.size() : end + 2;
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

class SqliteEngine::Lease {
 public:
  Lease(SqliteEngine* engine, Reader kind, PooledReader reader)
      : engine_(engine), kind_(kind), reader_(std::move(reader)) {}
  ~Lease() {
    sqlite3_progress_handler(reader_.db.get(), 0, nullptr, nullptr);
    engine_->ReleaseReader(kind_, std::move(reader_), discard_);
  }
  sqlite3* db() const { return reader_.db.get(); }
  sqlite::TempViews& temp_views() { return reader_.temp_views; }
  void Discard() { discard_ = true; }
  // Keeps the materialized copies the statement reads until the statement is done.
  void Hold(std::vector<std::shared_ptr<const sqlite::MaterializedCopy>> copies) {
    copies_ = std::move(copies);
  }
  // The state of the user authorizers, valid while the lease (and so its statement)
  // lives.
  sqlite::ReadAudit& read_audit() { return read_audit_; }
  const sqlite::ReadAudit& read_audit() const { return read_audit_; }

 private:
  SqliteEngine* engine_;
  Reader kind_;
  PooledReader reader_;
  bool discard_ = false;
  sqlite::ReadAudit read_audit_;
  std::vector<std::shared_ptr<const sqlite::MaterializedCopy>> copies_;
};

namespace {

// Column `index` of the current row, read in place. A blob is shown as ColumnValue shows
// it, rendered into `blob_text`. The value is read through sqlite3_column_value, one API
// call instead of three; SQLite asks for "protected" values there, which only means a
// held connection mutex, and reader connections have none (NOMUTEX, see OpenReader).
CellView ReadCell(sqlite3_stmt* stmt, int index, std::string& blob_text) {
  sqlite3_value* value = sqlite3_column_value(stmt, index);
  CellView cell;
  switch (sqlite3_value_type(value)) {
    case SQLITE_NULL:
      break;
    case SQLITE_INTEGER:
      cell.kind = CellView::Kind::kInteger;
      cell.integer = sqlite3_value_int64(value);
      break;
    case SQLITE_FLOAT:
      cell.kind = CellView::Kind::kReal;
      cell.real = sqlite3_value_double(value);
      break;
    case SQLITE_BLOB:
      blob_text = "<blob " + std::to_string(sqlite3_value_bytes(value)) + " bytes>";
      cell.kind = CellView::Kind::kText;
      cell.text = blob_text;
      break;
    default: {
      // Text first, then its size (the order SQLite documents).
      const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(value));
      cell.kind = CellView::Kind::kText;
      cell.text = std::string_view(text, static_cast<size_t>(sqlite3_value_bytes(value)));
      break;
    }
  }
  return cell;
}

class SqliteCursor final : public RowCursor {
 public:
  SqliteCursor(std::unique_ptr<SqliteEngine::Lease> lease, StmtPtr stmt, QueryLimits limits)
      : lease_(std::move(lease)), stmt_(std::move(stmt)), limits_(limits) {
    deadline_.at = std::chrono::steady_clock::now() + limits.timeout;
    sqlite3_progress_handler(lease_->db(), 1000, CheckDeadline, &deadline_);
    int n = sqlite3_column_count(stmt_.get());
    for (int i = 0; i < n; ++i) names_.emplace_back(sqlite3_column_name(stmt_.get(), i));
  }
  ~SqliteCursor() override { stmt_.reset(); }

  const std::vector<std::string>& column_names() const override { return names_; }
  bool truncated() const override { return truncated_; }
  std::vector<DatasetRead> reads() const override {
    std::vector<DatasetRead> out;
    for (const auto& [table, columns] : lease_->read_audit().reads) {
      auto dataset = ParseDatasetName(table);
      if (dataset.ok()) out.push_back({*dataset, {columns.begin(), columns.end()}});
    }
    return out;
  }

  Result<bool> Next(std::vector<Value>& row) override {
    if (done_) return false;
    if (rows_ >= limits_.max_rows) {
      done_ = true;
      truncated_ = sqlite3_step(stmt_.get()) == SQLITE_ROW;
      return false;
    }
    int rc = sqlite3_step(stmt_.get());
    if (rc == SQLITE_DONE) {
      done_ = true;
      return false;
    }
    if (rc != SQLITE_ROW) return StepError(rc);
    row.resize(names_.size());
    for (size_t i = 0; i < names_.size(); ++i)
      row[i] = sqlite::ColumnValue(stmt_.get(), static_cast<int>(i));
    ++rows_;
    return true;
  }

 private:
  Status StepError(int rc) {
    done_ = true;
    if (rc == SQLITE_INTERRUPT) {
      return DeadlineExceeded("query stopped after its time limit of " +
                              std::to_string(limits_.timeout.count()) +
                              " ms; narrow it or raise the limit");
    }
    return sqlite::Error(lease_->db(), "query failed", ErrorCode::kInvalidArgument);
  }

  std::unique_ptr<SqliteEngine::Lease> lease_;
  StmtPtr stmt_;
  QueryLimits limits_;
  Deadline deadline_;
  std::vector<std::string> names_;
  int64_t rows_ = 0;
  bool done_ = false;
  bool truncated_ = false;
};

}  // namespace

SqliteEngine::SqliteEngine(std::string dir) : dir_(std::move(dir)) {
  checkpointer_ = std::thread([this] { CheckpointLoop(); });
}

SqliteEngine::~SqliteEngine() {
  {
    std::lock_guard lock(checkpoint_mu_);
    stopping_ = true;
    checkpoint_cv_.notify_all();
  }
  checkpointer_.join();
}

void SqliteEngine::Committed(const DatasetName& dataset) {
  ScheduleCheckpoint(dataset.zone);
  copies_->DataChanged(dataset);
}

void SqliteEngine::ScheduleCheckpoint(Zone zone) {
  std::lock_guard lock(checkpoint_mu_);
  checkpoint_due_[static_cast<size_t>(zone)] = true;
  checkpoint_cv_.notify_all();
}

// Checkpoints zones after commits; on shutdown, checkpoints every zone and truncates the
// WAL files. A checkpoint that readers hold back is simply retried after the next commit.
void SqliteEngine::CheckpointLoop() {
  std::unique_lock lock(checkpoint_mu_);
  while (true) {
    checkpoint_cv_.wait(lock, [this] {
      return stopping_ || std::find(checkpoint_due_.begin(), checkpoint_due_.end(), true) !=
                              checkpoint_due_.end();
    });
    bool final_pass = stopping_;
    auto due = std::exchange(checkpoint_due_, {});
    lock.unlock();
    for (Zone zone : kAllZones) {
      if (!final_pass && !due[static_cast<size_t>(zone)]) continue;
      auto db = sqlite::Open(ZonePath(zone), SQLITE_OPEN_READWRITE);
      if (!db.ok()) continue;
      sqlite3_wal_checkpoint_v2(db->get(), nullptr,
                                final_pass ? SQLITE_CHECKPOINT_TRUNCATE : SQLITE_CHECKPOINT_PASSIVE,
                                nullptr, nullptr);
    }
    lock.lock();
    if (final_pass) return;
  }
}

std::string SqliteEngine::ZonePath(Zone zone) const {
  return dir_ + "/" + std::string(ZoneName(zone)) + ".db";
}

std::vector<std::pair<std::string, std::string>> SqliteEngine::ZoneFiles() const {
  std::vector<std::pair<std::string, std::string>> files;
  for (Zone zone : kAllZones) files.emplace_back(ZoneName(zone), ZonePath(zone));
  return files;
}

std::string SqliteEngine::CopiesPath() const { return dir_ + "/" + std::string(kCopiesFile); }

Result<std::unique_ptr<SqliteEngine>> SqliteEngine::Open(const std::string& dir, Metrics* metrics) {
  std::unique_ptr<SqliteEngine> engine(new SqliteEngine(dir));
  ASSIGN_OR_RETURN(engine->segments_, sqlite::SegmentStore::Open(dir + "/" + kSegmentDir));
  std::vector<std::string> registered;
  for (Zone zone : kAllZones) {
    ASSIGN_OR_RETURN(
        DbPtr db, sqlite::Open(engine->ZonePath(zone), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
    // Larger pages suit wide, bulk-loaded tables (fewer B-tree pages to split and
    // write); it only takes effect when the file is created.
    RETURN_IF_ERROR(sqlite::Exec(db.get(), "PRAGMA page_size=16384"));
    RETURN_IF_ERROR(ConfigureWriter(db.get()));
    RETURN_IF_ERROR(sqlite::Exec(db.get(), "CREATE TABLE IF NOT EXISTS " +
                                               std::string(kBatchTable) +
                                               " (dataset TEXT NOT NULL, batch_id TEXT NOT NULL, "
                                               "committed_at TEXT NOT NULL, "
                                               "PRIMARY KEY (dataset, batch_id))"));
    RETURN_IF_ERROR(sqlite::SegmentStore::CreateRegistry(db.get()));
    ASSIGN_OR_RETURN(auto files, sqlite::SegmentStore::RegisteredFiles(db.get()));
    registered.insert(registered.end(), files.begin(), files.end());
  }
  engine->segments_->Sweep(registered);
  ASSIGN_OR_RETURN(engine->copies_,
                   sqlite::CopyCache::Open(engine->CopiesPath(), engine->ZoneFiles(),
                                           &engine->transforms_, metrics));
  ASSIGN_OR_RETURN(engine->admin_, engine->OpenReader(Reader::kInternal));
  return engine;
}

// NOMUTEX: a reader is used by one thread at a time (pooled connections through their
// lease, admin_ under admin_mu_), and SQLite's per-call mutex would otherwise be taken
// for every column of every scanned row.
Result<DbPtr> SqliteEngine::OpenReader(Reader kind) {
  ASSIGN_OR_RETURN(DbPtr db, sqlite::Open(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX));
  std::vector<std::pair<std::string, std::string>> files = ZoneFiles();
  if (kind == Reader::kUser) files.emplace_back(sqlite::kCopiesSchema, CopiesPath());
  for (const auto& [schema, path] : files) {
    RETURN_IF_ERROR(sqlite::Attach(db.get(), schema, path));
    // Scans read the file's pages in place instead of copying each one out of the OS
    // cache; SQLite caps the size at its compile-time maximum.
    RETURN_IF_ERROR(sqlite::Exec(
        db.get(), "PRAGMA " + schema + ".mmap_size=" + std::to_string(int64_t{1} << 36)));
  }
  sqlite3_limit(db.get(), SQLITE_LIMIT_ATTACHED, static_cast<int>(files.size()));
  return db;
}

Result<std::unique_ptr<SqliteEngine::Lease>> SqliteEngine::AcquireReader(Reader kind) {
  auto& idle = idle_readers_[static_cast<size_t>(kind)];
  {
    std::lock_guard lock(pool_mu_);
    if (!idle.empty()) {
      PooledReader reader = std::move(idle.back());
      idle.pop_back();
      return std::make_unique<Lease>(this, kind, std::move(reader));
    }
  }
  ASSIGN_OR_RETURN(DbPtr db, OpenReader(kind));
  // Defense in depth: the connection cannot write, attach more files or run PRAGMAs.
  RETURN_IF_ERROR(sqlite::Exec(db.get(), "PRAGMA query_only=ON"));
  if (kind == Reader::kUser) {
    // Bound what one user query can make the server hold: no value (e.g. zeroblob(1e9))
    // over 16 MiB, no statement text over 1 MiB, no absurdly deep expression.
    sqlite3_limit(db.get(), SQLITE_LIMIT_LENGTH, kMaxValueBytes);
    sqlite3_limit(db.get(), SQLITE_LIMIT_SQL_LENGTH, kMaxSqlBytes);
    sqlite3_limit(db.get(), SQLITE_LIMIT_EXPR_DEPTH, kMaxExprDepth);
  }
  if (kind == Reader::kUser) {
    // No native pointers through fts3_tokenizer(name, pointer) (the authorizer refuses
    // the function as well).
    sqlite3_db_config(db.get(), SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, 0, nullptr);
    RETURN_IF_ERROR(sqlite::RegisterTransformFunction(db.get(), &transforms_));
  }
  SetIdleAuthorizer(db.get(), kind == Reader::kInternal);
  return std::make_unique<Lease>(this, kind, PooledReader{std::move(db), {}});
}

void SqliteEngine::ReleaseReader(Reader kind, PooledReader reader, bool discard) {
  if (discard) return;
  // A user statement switched the authorizer; the next user sets its own.
  SetIdleAuthorizer(reader.db.get(), kind == Reader::kInternal);
  std::lock_guard lock(pool_mu_);
  auto& idle = idle_readers_[static_cast<size_t>(kind)];
  if (idle.size() < 16) idle.push_back(std::move(reader));
}

Result<std::optional<Schema>> SqliteEngine::GetSchema(const DatasetName& dataset) {
  std::lock_guard lock(admin_mu_);
  return ReadSchema(admin_.get(), ZoneName(dataset.zone), dataset.name);
}

Result<std::unique_ptr<BatchWriter>> SqliteEngine::BeginWrite(const DatasetName& dataset,
                                                              const Schema& schema, WriteMode mode,
                                                              const std::string& batch_id) {
  if (schema.empty()) return InvalidArgument("a dataset needs at least one column");
  std::unique_lock lock(zone_write_mu_[static_cast<size_t>(dataset.zone)]);
  // NOMUTEX: the writer's connection is used by one thread at a time (BatchWriter's
  // contract), so SQLite's per-call mutexes would be pure overhead on the bulk path.
  ASSIGN_OR_RETURN(
      DbPtr db, sqlite::Open(ZonePath(dataset.zone), SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX));
  RETURN_IF_ERROR(ConfigureWriter(db.get()));
  RETURN_IF_ERROR(sqlite::Exec(db.get(), "BEGIN IMMEDIATE"));
  // The writer owns the transaction from here: any early return rolls it back.
  auto writer = std::make_unique<SqliteBatchWriter>(std::move(db), std::move(lock), dataset,
                                                    batch_id, schema.size(), *segments_,
                                                    [this, dataset] { Committed(dataset); });
  RETURN_IF_ERROR(writer->Begin(schema, mode));
  return std::unique_ptr<BatchWriter>(std::move(writer));
}

Status SqliteEngine::MoveRows(const DatasetName& from, const DatasetName& to, WriteMode mode,
                              const std::string& batch_id) {
  if (from.zone != to.zone) return InvalidArgument("rows move only within one zone");
  ASSIGN_OR_RETURN(auto schema, GetSchema(from));
  if (!schema) return NotFound("dataset " + from.ToString() + " does not exist");
  std::unique_lock lock(zone_write_mu_[static_cast<size_t>(to.zone)]);
  ASSIGN_OR_RETURN(DbPtr db, sqlite::Open(ZonePath(to.zone), SQLITE_OPEN_READWRITE));
  RETURN_IF_ERROR(ConfigureWriter(db.get()));
  RETURN_IF_ERROR(sqlite::Exec(db.get(), "BEGIN IMMEDIATE"));
  std::vector<std::string> stale;
  auto move = [&]() -> Status {
    if (!batch_id.empty()) RETURN_IF_ERROR(RecordBatch(db.get(), to, batch_id));
    ASSIGN_OR_RETURN(auto stored, ReadSchema(db.get(), "main", to.name));
    if (mode == WriteMode::kReplace && stored) {
      ASSIGN_OR_RETURN(stale, sqlite::SegmentStore::Unregister(db.get(), to.name));
      RETURN_IF_ERROR(sqlite::Exec(db.get(), "DROP TABLE " + TableRef(to)));
      stored.reset();
    }
    if (!stored) {
      RETURN_IF_ERROR(sqlite::Exec(db.get(), CreateTableSql(to, *schema)));
    } else if (!SameSchema(*stored, *schema)) {
      return FailedPrecondition("the rows of " + from.ToString() + " do not match the schema of " +
                                to.ToString());
    }
    ASSIGN_OR_RETURN(bool to_mirrored, MirroredSoFar(db.get(), to));
    ASSIGN_OR_RETURN(int64_t to_max, MaxRowId(db.get(), to));
    RETURN_IF_ERROR(sqlite::Exec(db.get(), "INSERT INTO " + TableRef(to) + " SELECT * FROM " +
                                               TableRef(from) + " ORDER BY rowid"));
    int64_t moved = sqlite3_changes64(db.get());
    RETURN_IF_ERROR(sqlite::Exec(db.get(), "DROP TABLE " + TableRef(from)));
    return MoveSegments(db.get(), from, to, to_mirrored, to_max, moved, stale);
  };
  Status st = move();
  if (!st.ok()) {
    sqlite::Rollback(db.get());
    return st;
  }
  RETURN_IF_ERROR(sqlite::Exec(db.get(), "COMMIT"));
  segments_->Remove(stale);
  Committed(from);
  Committed(to);
  return Status::Ok();
}

// The moved rows took the row ids after `to_max` in their old order, so `from`'s
// segments hold them when renumbered; when either side was not mirrored (or the ids
// did not come out consecutive), `to` is left without segments.
Status SqliteEngine::MoveSegments(sqlite3* db, const DatasetName& from, const DatasetName& to,
                                  bool to_mirrored, int64_t to_max, int64_t moved,
                                  std::vector<std::string>& stale) {
  ASSIGN_OR_RETURN(auto segments, sqlite::SegmentStore::List(db, from.name));
  int64_t mirrored_rows = 0;
  for (const auto& seg : segments) mirrored_rows += seg.rows;
  ASSIGN_OR_RETURN(int64_t to_max_now, MaxRowId(db, to));
  if (moved == 0 || (to_mirrored && mirrored_rows == moved && to_max_now == to_max + moved)) {
    ASSIGN_OR_RETURN(auto files, sqlite::SegmentStore::Unregister(db, from.name));
    if (moved == 0) {
      stale.insert(stale.end(), files.begin(), files.end());
      return Status::Ok();
    }
    int64_t next = to_max + 1;
    for (auto& seg : segments) {
      seg.first_row_id = std::exchange(next, next + seg.rows);
    }
    return sqlite::SegmentStore::Register(db, to.name, segments);
  }
  for (const auto& d : {from, to}) {
    ASSIGN_OR_RETURN(auto files, sqlite::SegmentStore::Unregister(db, d.name));
    stale.insert(stale.end(), files.begin(), files.end());
  }
  return Status::Ok();
}

Result<bool> SqliteEngine::HasBatch(const DatasetName& dataset, const std::string& batch_id) {
  std::lock_guard lock(admin_mu_);
  ASSIGN_OR_RETURN(
      StmtPtr stmt,
      sqlite::Prepare(admin_.get(), "SELECT 1 FROM " + std::string(ZoneName(dataset.zone)) + "." +
                                        std::string(kBatchTable) +
                                        " WHERE dataset = ? AND batch_id = ?"));
  sqlite::BindText(stmt.get(), 1, dataset.name);
  sqlite::BindText(stmt.get(), 2, batch_id);
  return sqlite3_step(stmt.get()) == SQLITE_ROW;
}

Result<SqliteEngine::Select> SqliteEngine::PrepareSelect(Reader kind, std::string_view sql,
                                                         const std::vector<Value>& params) {
  ASSIGN_OR_RETURN(auto lease, AcquireReader(kind));
  if (kind == Reader::kUser) {
    sqlite3_set_authorizer(lease->db(), sqlite::UserAuthorizer, &lease->read_audit());
  }
  ASSIGN_OR_RETURN(Select select, PrepareOn(std::move(lease), sql));
  for (size_t i = 0; i < params.size(); ++i)
    sqlite::Bind(select.stmt.get(), static_cast<int>(i + 1), params[i]);
  return select;
}

Result<SqliteEngine::Select> SqliteEngine::PrepareScoped(std::string_view sql,
                                                         const ReadScope& scope) {
  std::vector<std::shared_ptr<const sqlite::MaterializedCopy>> copies;
  auto find_copy = [&](const DatasetName& dataset,
                       const std::string& select) -> std::optional<sqlite::TableRef> {
    auto copy = copies_->Find(dataset, select);
    if (copy == nullptr) return std::nullopt;
    copies.push_back(copy);
    return sqlite::TableRef{std::string(sqlite::kCopiesSchema), copy->table};
  };
  ASSIGN_OR_RETURN(auto lease, AcquireReader(Reader::kUser));
  ASSIGN_OR_RETURN(auto scoped,
                   sqlite::RewriteForScope(sql, scope, lease->temp_views(), find_copy));
  lease->Hold(std::move(copies));
  sqlite3* db = lease->db();
  std::string create;
  for (const auto& view : scoped.views) create += view.create_sql + ";";
  if (!create.empty()) {
    // The views are the engine's own statements: they run with writes to TEMP allowed
    // and no authorizer, and the connection is read-only again before user SQL is seen.
    sqlite3_set_authorizer(db, nullptr, nullptr);
    Status created = sqlite::Exec(db, "PRAGMA query_only=OFF;" + create);
    Status readonly = sqlite::Exec(db, "PRAGMA query_only=ON");
    if (!created.ok() || !readonly.ok()) {
      lease->Discard();
      return created.ok() ? readonly : created;
    }
    for (auto& view : scoped.views) {
      lease->temp_views().emplace(std::move(view.body), std::move(view.name));
    }
    if (lease->temp_views().size() > kMaxTempViews) lease->Discard();
  }
  lease->read_audit().views = scoped.views_read;
  lease->read_audit().sources = std::move(scoped.sources);
  sqlite3_set_authorizer(db, sqlite::ScopedAuthorizer, &lease->read_audit());
  auto select = PrepareOn(std::move(lease), scoped.sql);
  if (select.ok()) return select;
  // The views' names are the engine's: errors name the datasets instead.
  std::string message = sqlite::HideViewNames(select.status().message(), scoped.views_read);
  if (select.status().code() == ErrorCode::kPermissionDenied) {
    message +=
        " (name every dataset as zone.name, e.g. raw.people; datasets you may not read "
        "are not visible)";
  }
  return Status(select.status().code(), std::move(message));
}

Result<SqliteEngine::Select> SqliteEngine::PrepareOn(std::unique_ptr<Lease> lease,
                                                     std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  int rc =
      sqlite3_prepare_v3(lease->db(), sql.data(), static_cast<int>(sql.size()), 0, &raw, &tail);
  Select select{std::move(lease), StmtPtr(raw)};
  sqlite3* db = select.lease->db();
  if (rc == SQLITE_AUTH) {
    return PermissionDenied(
        "only a single read-only query (SELECT or WITH ... SELECT) over datasets is allowed: " +
        std::string(sqlite3_errmsg(db)));
  }
  if (rc != SQLITE_OK) return InvalidArgument("SQL error: " + std::string(sqlite3_errmsg(db)));
  if (select.stmt == nullptr)
    return InvalidArgument("the query is empty: write one SELECT statement");
  if (!OnlyTrivia(std::string_view(tail, static_cast<size_t>(sql.data() + sql.size() - tail)))) {
    return InvalidArgument("only one SQL statement is allowed per query");
  }
  if (!sqlite3_stmt_readonly(select.stmt.get())) {
    return PermissionDenied("the query would change data; only read-only queries are allowed");
  }
  return select;
}

Result<std::unique_ptr<RowCursor>> SqliteEngine::RunSelect(Reader kind, std::string_view sql,
                                                           const QueryLimits& limits,
                                                           const std::vector<Value>& params) {
  ASSIGN_OR_RETURN(Select select, PrepareSelect(kind, sql, params));
  return std::unique_ptr<RowCursor>(
      std::make_unique<SqliteCursor>(std::move(select.lease), std::move(select.stmt), limits));
}

namespace {

// Binds every parameter of `stmt` by name from `params` (see Engine::Query).
Status BindNamed(sqlite3_stmt* stmt, const QueryParams& params) {
  int count = sqlite3_bind_parameter_count(stmt);
  for (int i = 1; i <= count; ++i) {
    const char* name = sqlite3_bind_parameter_name(stmt, i);
    if (name == nullptr || name[0] != ':') {
      return InvalidArgument("parameter " + std::to_string(i) +
                             " of the query is not named: write parameters as :name");
    }
    auto value = params.find(std::string_view(name + 1));
    if (value == params.end()) {
      return InvalidArgument("the query's parameter " + std::string(name) + " has no value");
    }
    sqlite::Bind(stmt, i, value->second);
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<RowCursor>> SqliteEngine::Query(std::string_view sql,
                                                       const QueryLimits& limits,
                                                       const ReadScope* scope,
                                                       const QueryParams& params) {
  Select select;
  if (scope == nullptr) {
    ASSIGN_OR_RETURN(select, PrepareSelect(Reader::kUser, sql, {}));
  } else {
    ASSIGN_OR_RETURN(select, PrepareScoped(sql, *scope));
  }
  RETURN_IF_ERROR(BindNamed(select.stmt.get(), params));
  return std::unique_ptr<RowCursor>(
      std::make_unique<SqliteCursor>(std::move(select.lease), std::move(select.stmt), limits));
}

void SqliteEngine::SetTransformCompiler(TransformCompiler compiler) {
  transforms_.Set(std::move(compiler));
  copies_->TransformsChanged();
}

Result<std::unique_ptr<RowCursor>> SqliteEngine::Scan(const DatasetName& dataset, int64_t offset,
                                                      int64_t limit) {
  QueryLimits limits;
  limits.max_rows = limit;
  limits.timeout = std::chrono::minutes(10);
  return RunSelect(Reader::kInternal,
                   "SELECT * FROM " + QualifiedRef(dataset) + " LIMIT ? OFFSET ?", limits,
                   {Value(limit), Value(offset)});
}

Result<SqliteEngine::ScanPlan> SqliteEngine::PlanScanPart(const DatasetName& dataset,
                                                          const std::vector<std::string>& columns,
                                                          int part, int parts, sqlite3* reader) {
  if (parts < 1 || part < 0 || part >= parts) return InvalidArgument("invalid scan part");
  ASSIGN_OR_RETURN(auto schema, GetSchema(dataset));
  if (!schema) return NotFound("dataset " + dataset.ToString() + " has no data");
  ScanPlan plan;
  plan.dataset = dataset;
  for (const auto& name : columns) {
    bool known = std::any_of(schema->begin(), schema->end(),
                             [&](const ColumnDef& c) { return c.name == name; });
    if (!known) return NotFound("column '" + name + "' is not in " + dataset.ToString());
  }
  plan.columns = columns;
  if (columns.empty()) {
    for (const auto& c : *schema) plan.columns.push_back(c.name);
  }
  plan.select = "SELECT rowid AS _row_id";
  for (const auto& name : plan.columns) plan.select += ", " + QuoteIdent(name);
  plan.select += " FROM " + QualifiedRef(dataset) + " WHERE rowid BETWEEN ? AND ?";
  int64_t lo = 0, hi = -1;
  // Two subqueries: SQLite looks up a lone min() or max() of the row id in the B-tree,
  // but scans the whole table for the pair.
  ASSIGN_OR_RETURN(
      StmtPtr range,
      sqlite::Prepare(reader, "SELECT (SELECT min(rowid) FROM " + QualifiedRef(dataset) +
                                  "), (SELECT max(rowid) FROM " + QualifiedRef(dataset) + ")"));
  if (sqlite3_step(range.get()) == SQLITE_ROW &&
      sqlite3_column_type(range.get(), 0) != SQLITE_NULL) {
    lo = sqlite3_column_int64(range.get(), 0);
    hi = sqlite3_column_int64(range.get(), 1);
  }
  // Row ids of a bulk-loaded table are dense, so equal id ranges are equal row counts.
  int64_t span = hi - lo + 1;
  plan.from = lo + span * part / parts;
  plan.to = lo + span * (part + 1) / parts - 1;
  return plan;
}

Result<std::unique_ptr<RowCursor>> SqliteEngine::ScanPart(const DatasetName& dataset,
                                                          const std::vector<std::string>& columns,
                                                          int part, int parts) {
  ASSIGN_OR_RETURN(auto lease, AcquireReader(Reader::kInternal));
  ASSIGN_OR_RETURN(ScanPlan plan, PlanScanPart(dataset, columns, part, parts, lease->db()));
  ASSIGN_OR_RETURN(Select select, PrepareOn(std::move(lease), plan.select));
  sqlite3_bind_int64(select.stmt.get(), 1, plan.from);
  sqlite3_bind_int64(select.stmt.get(), 2, plan.to);
  QueryLimits limits;
  limits.max_rows = std::numeric_limits<int64_t>::max();
  limits.timeout = std::chrono::hours(24);
  return std::unique_ptr<RowCursor>(
      std::make_unique<SqliteCursor>(std::move(select.lease), std::move(select.stmt), limits));
}

// Rows come from the column segments where they hold them, from the table elsewhere
// (a dataset without segments, a segment that cannot be trusted). One read transaction
// on one connection: the row range, the segments and the table rows are one snapshot.
Status SqliteEngine::ScanPartBlocks(const DatasetName& dataset,
                                    const std::vector<std::string>& columns, int part, int parts,
                                    const BlockVisitor& visit) {
  ASSIGN_OR_RETURN(auto lease, AcquireReader(Reader::kInternal));
  sqlite3* db = lease->db();
  RETURN_IF_ERROR(sqlite::Exec(db, "BEGIN"));
  Status status = ScanPartInTransaction(db, dataset, columns, part, parts, visit);
  sqlite::Rollback(db);  // ends the read transaction; nothing was written
  return status;
}

Status SqliteEngine::ScanPartInTransaction(sqlite3* db, const DatasetName& dataset,
                                           const std::vector<std::string>& columns, int part,
                                           int parts, const BlockVisitor& visit) {
  ASSIGN_OR_RETURN(ScanPlan plan, PlanScanPart(dataset, columns, part, parts, db));
  ASSIGN_OR_RETURN(auto segments, segments_->MapRange(db, ZoneName(dataset.zone), dataset.name,
                                                      plan.from, plan.to));
  int64_t next = plan.from;  // the first row id not yet delivered
  for (const auto& seg : segments) {
    int64_t first = std::max(seg.ref.first_row_id, next);
    int64_t last = std::min(seg.ref.first_row_id + seg.ref.rows - 1, plan.to);
    if (first > last) continue;
    if (first > next) RETURN_IF_ERROR(ScanTableBlocks(db, plan, next, first - 1, visit));
    ASSIGN_OR_RETURN(next, ScanSegmentBlocks(seg, plan.columns, first, last, visit));
    if (next <= last) RETURN_IF_ERROR(ScanTableBlocks(db, plan, next, last, visit));
    next = last + 1;
  }
  if (next <= plan.to) RETURN_IF_ERROR(ScanTableBlocks(db, plan, next, plan.to, visit));
  return Status::Ok();
}

Status SqliteEngine::ScanTableBlocks(sqlite3* db, const ScanPlan& plan, int64_t from, int64_t to,
                                     const BlockVisitor& visit) {
  ASSIGN_OR_RETURN(StmtPtr select, sqlite::Prepare(db, plan.select));
  sqlite3_bind_int64(select.get(), 1, from);
  sqlite3_bind_int64(select.get(), 2, to);
  sqlite3_stmt* stmt = select.get();
  const size_t n = plan.columns.size();
  // One row per block: SQLite's text pointers stay valid only until the next step, so a
  // larger block would have to copy them.
  int64_t row_id = 0;
  std::vector<CellView> cells(n);
  std::vector<std::string> blob_texts(n);
  const ScanBlock block(std::span<const int64_t>(&row_id, 1), cells, n);
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    row_id = sqlite3_column_int64(stmt, 0);
    for (size_t i = 0; i < n; ++i)
      cells[i] = ReadCell(stmt, static_cast<int>(i + 1), blob_texts[i]);
    RETURN_IF_ERROR(visit(block));
  }
  if (rc != SQLITE_DONE) return sqlite::Error(db, "scan of " + plan.dataset.ToString() + " failed");
  return Status::Ok();
}

Result<int64_t> SqliteEngine::ScanSegmentBlocks(const sqlite::SegmentStore::Mapped& segment,
                                                const std::vector<std::string>& columns,
                                                int64_t first, int64_t last,
                                                const BlockVisitor& visit) {
  if (segment.file == nullptr) return first;
  std::vector<size_t> indexes;
  for (const auto& name : columns) {
    int index = segment.file->ColumnIndex(name);
    if (index < 0) return first;
    indexes.push_back(static_cast<size_t>(index));
  }
  constexpr int64_t kBlockRows = 128;
  std::vector<int64_t> ids(kBlockRows);
  std::vector<CellView> cells(static_cast<size_t>(kBlockRows) * indexes.size());
  for (int64_t at = first; at <= last;) {
    const auto rows = static_cast<size_t>(std::min(kBlockRows, last - at + 1));
    const auto begin = static_cast<size_t>(at - segment.ref.first_row_id);
    for (size_t c = 0; c < indexes.size(); ++c) {
      if (!segment.file->Read(indexes[c], begin, begin + rows, cells.data() + c * rows)) return at;
    }
    for (size_t r = 0; r < rows; ++r) ids[r] = at + static_cast<int64_t>(r);
    RETURN_IF_ERROR(visit(ScanBlock(std::span<const int64_t>(ids.data(), rows),
                                    std::span<const CellView>(cells.data(), rows * indexes.size()),
                                    indexes.size())));
    at += static_cast<int64_t>(rows);
  }
  return last + 1;
}

Result<TableStats> SqliteEngine::Stats(const DatasetName& dataset) {
  std::lock_guard lock(admin_mu_);
  TableStats stats;
  ASSIGN_OR_RETURN(StmtPtr count,
                   sqlite::Prepare(admin_.get(), "SELECT count(*) FROM " + QualifiedRef(dataset)));
  if (sqlite3_step(count.get()) == SQLITE_ROW)
    stats.row_count = sqlite3_column_int64(count.get(), 0);
  auto size = sqlite::Prepare(admin_.get(),
                              "SELECT coalesce(sum(pgsize), 0) FROM dbstat(?, 1) WHERE name = ?");
  if (size.ok()) {
    sqlite::BindText(size->get(), 1, ZoneName(dataset.zone));
    sqlite::BindText(size->get(), 2, dataset.name);
    if (sqlite3_step(size->get()) == SQLITE_ROW) stats.bytes = sqlite3_column_int64(size->get(), 0);
  }
  return stats;
}

Status SqliteEngine::DropDataset(const DatasetName& dataset) {
  std::unique_lock lock(zone_write_mu_[static_cast<size_t>(dataset.zone)]);
  ASSIGN_OR_RETURN(DbPtr db, sqlite::Open(ZonePath(dataset.zone), SQLITE_OPEN_READWRITE));
  RETURN_IF_ERROR(
      sqlite::Exec(db.get(), "BEGIN IMMEDIATE; DROP TABLE IF EXISTS " + TableRef(dataset) + ";"));
  ASSIGN_OR_RETURN(
      StmtPtr del,
      sqlite::Prepare(db.get(), "DELETE FROM " + std::string(kBatchTable) + " WHERE dataset = ?"));
  sqlite::BindText(del.get(), 1, dataset.name);
  RETURN_IF_ERROR(sqlite::StepDone(db.get(), del.get()));
  del.reset();
  ASSIGN_OR_RETURN(auto stale, sqlite::SegmentStore::Unregister(db.get(), dataset.name));
  RETURN_IF_ERROR(sqlite::Exec(db.get(), "COMMIT"));
  segments_->Remove(stale);
  Committed(dataset);
  return Status::Ok();
}

Status SqliteEngine::CheckIntegrity() {
  std::lock_guard lock(admin_mu_);
  for (Zone zone : kAllZones) {
    ASSIGN_OR_RETURN(StmtPtr stmt,
                     sqlite::Prepare(admin_.get(),
                                     "PRAGMA " + std::string(ZoneName(zone)) + ".integrity_check"));
    while (sqlite3_step(stmt.get()) == SQLITE_ROW) {
      std::string line = sqlite::ColumnText(stmt.get(), 0);
      if (line != "ok")
        return Internal("zone " + std::string(ZoneName(zone)) + " is damaged: " + line);
    }
  }
  return Status::Ok();
}

}  // namespace citydata::storage
