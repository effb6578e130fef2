#include <mutex>
#include <nlohmann/json.hpp>

#include "core/json_util.h"
#include "storage/audit_store.h"
#include "storage/sqlite/sqlite_util.h"

namespace citydata::storage {
namespace {

using sqlite::BindText;
using sqlite::ColumnText;
using sqlite::DbPtr;
using sqlite::StmtPtr;

// The triggers stop accidental updates and deletes through SQL; someone who drops them
// can still rewrite the file, which is what audit/'s verify is for.
constexpr const char* kMigrations[] = {
    R"sql(
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, actor_kind TEXT NOT NULL,
  dept TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL, cols TEXT NOT NULL,
  row_count INTEGER NOT NULL, purpose TEXT NOT NULL, client TEXT NOT NULL,
  outcome TEXT NOT NULL, detail TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
CREATE INDEX audit_by_actor ON audit_log (actor, seq);
CREATE INDEX audit_by_target ON audit_log (target, seq);
CREATE INDEX audit_by_action ON audit_log (action, seq);
CREATE INDEX audit_by_outcome ON audit_log (outcome, seq);
CREATE INDEX audit_by_time ON audit_log (at);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
)sql",
};

constexpr const char* kSelect =
    "SELECT seq, at, actor, actor_kind, dept, action, target, cols, row_count, purpose, "
    "client, outcome, detail, prev_hash, hash FROM audit_log";

std::string EncodeColumns(const std::vector<std::string>& columns) {
  return DumpJson(nlohmann::json(columns));
}

std::vector<std::string> DecodeColumns(const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_array()) return {text};
  std::vector<std::string> columns;
  for (const auto& item : j) {
    if (!item.is_string()) return {text};
    columns.push_back(item.get<std::string>());
  }
  return columns;
}

AuditRecord ReadRecord(sqlite3_stmt* s) {
  AuditRecord r;
  r.seq = sqlite3_column_int64(s, 0);
  r.time = ColumnText(s, 1);
  r.actor = ColumnText(s, 2);
  r.actor_kind = ColumnText(s, 3);
  r.dept = ColumnText(s, 4);
  r.action = ColumnText(s, 5);
  r.target = ColumnText(s, 6);
  r.columns = DecodeColumns(ColumnText(s, 7));
  r.rows = sqlite3_column_int64(s, 8);
  r.purpose = ColumnText(s, 9);
  r.client = ColumnText(s, 10);
  r.outcome = ColumnText(s, 11);
  r.detail = ColumnText(s, 12);
  r.prev_hash = ColumnText(s, 13);
  r.hash = ColumnText(s, 14);
  return r;
}

void BindRecord(sqlite3_stmt* s, const AuditRecord& r) {
  sqlite3_bind_int64(s, 1, r.seq);
  int i = 2;
  for (const std::string* text :
       {&r.time, &r.actor, &r.actor_kind, &r.dept, &r.action, &r.target}) {
    BindText(s, i++, *text, SQLITE_STATIC);
  }
  BindText(s, 8, EncodeColumns(r.columns));
  sqlite3_bind_int64(s, 9, r.rows);
  i = 10;
  for (const std::string* text :
       {&r.purpose, &r.client, &r.outcome, &r.detail, &r.prev_hash, &r.hash}) {
    BindText(s, i++, *text, SQLITE_STATIC);
  }
}

// The WHERE clause of `filter` with its parameters in order ("" and none when it
// matches everything). Only the conditions present are written, so SQLite can use the
// matching index.
std::pair<std::string, std::vector<std::string>> WhereClause(const AuditFilter& f) {
  std::string sql;
  std::vector<std::string> params;
  auto add = [&](const char* condition, const std::string& value) {
    if (value.empty()) return;
    sql += params.empty() ? " WHERE " : " AND ";
    sql += condition;
    params.push_back(value);
  };
  add("actor = ?", f.actor);
  add("target = ?", f.target);
  add("action = ?", f.action);
  add("outcome = ?", f.outcome);
  add("at >= ?", f.since);
  add("at < ?", f.until);
  return {sql, params};
}

void BindParams(sqlite3_stmt* s, const std::vector<std::string>& params) {
  for (size_t i = 0; i < params.size(); ++i) BindText(s, static_cast<int>(i) + 1, params[i]);
}

class SqliteAuditStore final : public AuditStore {
 public:
  SqliteAuditStore(DbPtr writer, DbPtr reader)
      : writer_(std::move(writer)), reader_(std::move(reader)) {}

  Status Append(const std::vector<AuditRecord>& batch) override {
    if (batch.empty()) return Status::Ok();
    std::lock_guard lock(write_mu_);
    return sqlite::InTransaction(writer_.get(), [&] { return InsertBatch(batch); });
  }

  Result<AuditPage> List(const AuditFilter& filter) override {
    auto [where, params] = WhereClause(filter);
    std::lock_guard lock(read_mu_);
    AuditPage page;
    ASSIGN_OR_RETURN(StmtPtr count,
                     reader_.Prepare("SELECT count(*) FROM audit_log" + where));
    BindParams(count.get(), params);
    if (sqlite3_step(count.get()) != SQLITE_ROW) return sqlite::Error(reader_.get(), "audit count");
    page.total = sqlite3_column_int64(count.get(), 0);
    ASSIGN_OR_RETURN(StmtPtr s, reader_.Prepare(kSelect + where +
                                                                   " ORDER BY seq DESC LIMIT ? "
                                                                   "OFFSET ?"));
    BindParams(s.get(), params);
    int next = static_cast<int>(params.size()) + 1;
    sqlite3_bind_int64(s.get(), next, filter.limit);
    sqlite3_bind_int64(s.get(), next + 1, filter.offset);
    RETURN_IF_ERROR(ForEachRow(s.get(), [&](const AuditRecord& r) {
      page.items.push_back(r);
      return Status::Ok();
    }));
    return page;
  }

  Status Scan(int64_t from_seq, const std::function<Status(const AuditRecord&)>& fn) override {
    std::lock_guard lock(read_mu_);
    ASSIGN_OR_RETURN(StmtPtr s, reader_.Prepare(std::string(kSelect) +
                                                                   " WHERE seq >= ? ORDER BY seq"));
    sqlite3_bind_int64(s.get(), 1, from_seq);
    return ForEachRow(s.get(), fn);
  }

  Result<std::optional<AuditRecord>> Head() override {
    std::lock_guard lock(read_mu_);
    ASSIGN_OR_RETURN(StmtPtr s, reader_.Prepare(std::string(kSelect) +
                                                                   " ORDER BY seq DESC LIMIT 1"));
    std::optional<AuditRecord> head;
    RETURN_IF_ERROR(ForEachRow(s.get(), [&](const AuditRecord& r) {
      head = r;
      return Status::Ok();
    }));
    return head;
  }

  Result<int64_t> Count() override {
    std::lock_guard lock(read_mu_);
    ASSIGN_OR_RETURN(StmtPtr s, reader_.Prepare("SELECT count(*) FROM audit_log"));
    if (sqlite3_step(s.get()) != SQLITE_ROW) return sqlite::Error(reader_.get(), "audit count");
    return sqlite3_column_int64(s.get(), 0);
  }

 private:
  // REQUIRES: read_mu_ held.
  Status ForEachRow(sqlite3_stmt* s, const std::function<Status(const AuditRecord&)>& fn) {
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) RETURN_IF_ERROR(fn(ReadRecord(s)));
    if (rc != SQLITE_DONE) return sqlite::Error(reader_.get(), "audit scan");
    return Status::Ok();
  }

  // REQUIRES: write_mu_ held, inside a transaction.
  Status InsertBatch(const std::vector<AuditRecord>& batch) {
    ASSIGN_OR_RETURN(StmtPtr last,
                     writer_.Prepare("SELECT coalesce(max(seq), 0) FROM audit_log"));
    if (sqlite3_step(last.get()) != SQLITE_ROW) return sqlite::Error(writer_.get(), "audit head");
    int64_t head = sqlite3_column_int64(last.get(), 0);
    if (batch.front().seq != head + 1) {
      return Conflict("audit append at seq " + std::to_string(batch.front().seq) +
                      " but the log ends at seq " + std::to_string(head) +
                      ": is another writer using this audit file?");
    }
    ASSIGN_OR_RETURN(StmtPtr s, writer_.Prepare(
                                                "INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, "
                                                "?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    for (const AuditRecord& r : batch) {
      BindRecord(s.get(), r);
      RETURN_IF_ERROR(sqlite::StepDone(writer_.get(), s.get()));
    }
    return Status::Ok();
  }

  std::mutex write_mu_;
  sqlite::Connection writer_;  // GUARDED_BY(write_mu_)
  std::mutex read_mu_;
  sqlite::Connection reader_;  // GUARDED_BY(read_mu_)
};

// synchronous=FULL: a committed batch is on disk before Flush reports it durable, so a
// power cut cannot silently drop the tail of the trail (which would look like
// truncation against an exported anchor). Batching amortizes the fsync per commit.
Status Migrate(sqlite3* db) {
  RETURN_IF_ERROR(sqlite::Exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"));
  return sqlite::ApplyMigrations(db, kMigrations);
}

}  // namespace

Result<std::unique_ptr<AuditStore>> OpenSqliteAuditStore(const std::string& path) {
  ASSIGN_OR_RETURN(DbPtr writer, sqlite::Open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
  RETURN_IF_ERROR(Migrate(writer.get()).WithContext("audit store " + path));
  ASSIGN_OR_RETURN(DbPtr reader, sqlite::Open(path, SQLITE_OPEN_READONLY));
  return std::unique_ptr<AuditStore>(
      std::make_unique<SqliteAuditStore>(std::move(writer), std::move(reader)));
}

}  // namespace citydata::storage
