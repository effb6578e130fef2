#include "storage/sqlite/sqlite_util.h"

#include <mutex>

namespace citydata::storage::sqlite {

namespace {

// Process-wide settings, applied before SQLite's first use (sqlite3_config refuses them
// later). Memory statistics off: citydata never reads them, and keeping them takes one
// global mutex on every SQLite allocation, which serialized the readers' threads (every
// masked value is a new allocation).
void ConfigureOnce() {
  static std::once_flag once;
  std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

}  // namespace

Result<DbPtr> Open(const std::string& path, int flags) {
  ConfigureOnce();
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_URI, nullptr);
  DbPtr db(raw);
  if (rc != SQLITE_OK) {
    std::string msg = raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    return Unavailable("cannot open store file " + path + ": " + msg);
  }
  sqlite3_extended_result_codes(db.get(), 1);
  sqlite3_busy_timeout(db.get(), 60000);
  return db;
}

Status Exec(sqlite3* db, std::string_view sql) {
  char* err = nullptr;
  std::string text(sql);
  if (sqlite3_exec(db, text.c_str(), nullptr, nullptr, &err) == SQLITE_OK) return Status::Ok();
  std::string msg = err ? err : "unknown error";
  sqlite3_free(err);
  return Internal("store statement failed: " + msg);
}

Result<StmtPtr> Prepare(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
  StmtPtr stmt(raw);
  if (rc != SQLITE_OK) return Error(db, "prepare", ErrorCode::kInvalidArgument);
  return stmt;
}

Status Attach(sqlite3* db, std::string_view schema, const std::string& path) {
  ASSIGN_OR_RETURN(StmtPtr attach, Prepare(db, "ATTACH DATABASE ? AS " + std::string(schema)));
  BindText(attach.get(), 1, path);
  return StepDone(db, attach.get());
}

void StmtFinalizer::operator()(sqlite3_stmt* s) const {
  if (in_use == nullptr) {
    sqlite3_finalize(s);
    return;
  }
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  *in_use = false;
}

Result<StmtPtr> Connection::Prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) {
    if (it->second.in_use) return sqlite::Prepare(db_.get(), sql);
  } else {
    if (cache_.size() >= kMaxCached)
      std::erase_if(cache_, [](const auto& e) { return !e.second.in_use; });
    ASSIGN_OR_RETURN(StmtPtr stmt, sqlite::Prepare(db_.get(), sql));
    it = cache_.emplace(std::string(sql), Cached{std::move(stmt), false}).first;
  }
  it->second.in_use = true;
  return StmtPtr(it->second.stmt.get(), StmtFinalizer{&it->second.in_use});
}

Status Error(sqlite3* db, std::string_view what, ErrorCode code) {
  return Status(code, std::string(what) + ": " + sqlite3_errmsg(db));
}

std::string QuoteIdent(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

int BindText(sqlite3_stmt* stmt, int index, std::string_view text,
             sqlite3_destructor_type destructor) {
  return sqlite3_bind_text64(stmt, index, text.data(), text.size(), destructor, SQLITE_UTF8);
}

int Bind(sqlite3_stmt* stmt, int index, const Value& value, sqlite3_destructor_type destructor) {
  struct Binder {
    sqlite3_stmt* s;
    int i;
    sqlite3_destructor_type d;
    int operator()(std::monostate) const { return sqlite3_bind_null(s, i); }
    int operator()(bool b) const { return sqlite3_bind_int64(s, i, b ? 1 : 0); }
    int operator()(int64_t v) const { return sqlite3_bind_int64(s, i, v); }
    int operator()(double v) const { return sqlite3_bind_double(s, i, v); }
    int operator()(const std::string& v) const { return BindText(s, i, v, d); }
  };
  return std::visit(Binder{stmt, index, destructor}, value);
}

std::string ColumnText(sqlite3_stmt* stmt, int index) {
  const auto* p = sqlite3_column_text(stmt, index);
  if (p == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(p),
                     static_cast<size_t>(sqlite3_column_bytes(stmt, index)));
}

Value ColumnValue(sqlite3_stmt* stmt, int index) {
  switch (sqlite3_column_type(stmt, index)) {
    case SQLITE_NULL:
      return std::monostate{};
    case SQLITE_INTEGER:
      return static_cast<int64_t>(sqlite3_column_int64(stmt, index));
    case SQLITE_FLOAT:
      return sqlite3_column_double(stmt, index);
    case SQLITE_BLOB:
      return "<blob " + std::to_string(sqlite3_column_bytes(stmt, index)) + " bytes>";
    default:
      return ColumnText(stmt, index);
  }
}

void Rollback(sqlite3* db) { sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr); }

Status Commit(sqlite3* db) {
  if (sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK) return Status::Ok();
  Status failed = Error(db, "commit failed");
  Rollback(db);
  return failed;
}

Status InTransaction(sqlite3* db, const std::function<Status()>& work) {
  RETURN_IF_ERROR(Exec(db, "BEGIN IMMEDIATE"));
  Status st = work();
  if (!st.ok()) {
    Rollback(db);
    return st;
  }
  return Commit(db);
}

Status ApplyMigrations(sqlite3* db, std::span<const char* const> migrations) {
  ASSIGN_OR_RETURN(StmtPtr v, Prepare(db, "PRAGMA user_version"));
  sqlite3_step(v.get());
  size_t applied = static_cast<size_t>(sqlite3_column_int64(v.get(), 0));
  v.reset();
  if (applied > migrations.size()) {
    return FailedPrecondition("the store was written by a newer citydata (schema " +
                              std::to_string(applied) + "); upgrade citydata");
  }
  for (size_t i = applied; i < migrations.size(); ++i) {
    RETURN_IF_ERROR(Exec(db, std::string("BEGIN; ") + migrations[i] +
                                 "; PRAGMA user_version=" + std::to_string(i + 1) + "; COMMIT;"));
  }
  return Status::Ok();
}

Status StepDone(sqlite3* db, sqlite3_stmt* stmt) {
  int rc = sqlite3_step(stmt);
  sqlite3_reset(stmt);
  if (rc == SQLITE_DONE || rc == SQLITE_ROW) return Status::Ok();
  if (rc == SQLITE_FULL) return ResourceExhausted("the store's disk is full");
  if ((rc & 0xff) == SQLITE_CONSTRAINT) return Error(db, "constraint", ErrorCode::kAlreadyExists);
  return Error(db, "store write failed");
}

Result<DbPtr> OpenStore(const std::string& path, std::span<const char* const> migrations,
                        std::string_view what) {
  std::string context = std::string(what) + " " + path;
  ASSIGN_OR_RETURN(DbPtr db, Open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
  RETURN_IF_ERROR(Exec(db.get(),
                       "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                       "PRAGMA foreign_keys=ON;")
                      .WithContext(context));
  RETURN_IF_ERROR(ApplyMigrations(db.get(), migrations).WithContext(context));
  return db;
}

}  // namespace citydata::storage::sqlite
