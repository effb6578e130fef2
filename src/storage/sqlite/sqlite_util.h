// Thin RAII wrappers over the SQLite C API, private to storage/.
#pragma once

#include <sqlite3.h>

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "core/types.h"

namespace citydata::storage::sqlite {

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
// Finalizes a statement, or, for one lent by a Connection's cache (`in_use` set),
// resets it, clears its bindings and gives it back.
struct StmtFinalizer {
  bool* in_use = nullptr;
  void operator()(sqlite3_stmt* s) const;
};
using DbPtr = std::unique_ptr<sqlite3, DbCloser>;
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

// Opens `path` with `flags` (SQLITE_OPEN_*), applies a busy timeout and extended codes.
Result<DbPtr> Open(const std::string& path, int flags);

// Runs SQL that returns no rows (may hold several statements).
Status Exec(sqlite3* db, std::string_view sql);

// Prepares one statement; InvalidArgument with SQLite's message on failure.
Result<StmtPtr> Prepare(sqlite3* db, std::string_view sql);

// Attaches the database file `path` to `db` under the name `schema` (an identifier the
// caller chose, not user input).
Status Attach(sqlite3* db, std::string_view schema, const std::string& path);

// A store's connection with the statements prepared on it kept for reuse, so that a
// store's fixed statements are parsed once rather than on every call. Not thread-safe:
// the store's mutex guards it as it guards the connection. Statements it lends must be
// let go before it is destroyed.
class Connection {
 public:
  explicit Connection(DbPtr db) : db_(std::move(db)) {}
  sqlite3* get() const { return db_.get(); }

  // `sql` prepared: the cached statement when it is not lent out already (a caller
  // stepping one statement while preparing the same text gets a fresh one), else
  // newly prepared. InvalidArgument with SQLite's message on failure.
  Result<StmtPtr> Prepare(std::string_view sql);

 private:
  // Distinct texts kept at most; past it, statements not lent out are dropped (stores
  // that build statements from filters would otherwise grow the cache without bound).
  static constexpr size_t kMaxCached = 64;
  struct Cached {
    StmtPtr stmt;
    bool in_use = false;
  };
  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };
  DbPtr db_;
  std::unordered_map<std::string, Cached, TextHash, std::equal_to<>>
      cache_;  // destroyed before db_
};

// The connection's last error as a Status with `code`.
Status Error(sqlite3* db, std::string_view what, ErrorCode code = ErrorCode::kInternal);

// Quotes an identifier for SQL: "name" with embedded quotes doubled.
std::string QuoteIdent(std::string_view name);

// Binds `value` to parameter `index` (1-based). Text is copied unless `destructor` is
// SQLITE_STATIC, in which case it must stay unchanged until the statement is stepped.
int Bind(sqlite3_stmt* stmt, int index, const Value& value,
         sqlite3_destructor_type destructor = SQLITE_TRANSIENT);
int BindText(sqlite3_stmt* stmt, int index, std::string_view text,
             sqlite3_destructor_type destructor = SQLITE_TRANSIENT);

// Reads column `index` of the current row as a Value.
Value ColumnValue(sqlite3_stmt* stmt, int index);
std::string ColumnText(sqlite3_stmt* stmt, int index);

// Runs `work` inside BEGIN IMMEDIATE ... COMMIT: rolls back when `work` or the commit
// fails, so the connection is never left inside a transaction. Statements `work`
// prepares must be finalized before it returns.
Status InTransaction(sqlite3* db, const std::function<Status()>& work);

// Rolls back the open transaction, if any. A failure here leaves nothing to recover.
void Rollback(sqlite3* db);

// Commits the open transaction; when that fails (busy, I/O), rolls it back so the
// connection is usable again, and returns the failure.
Status Commit(sqlite3* db);

// Brings a store's schema up to date: runs, each in its own transaction, the steps of
// `migrations` not yet applied (their count is kept in PRAGMA user_version). Fails when
// the file was written by a newer citydata. Append steps; never edit a released one.
Status ApplyMigrations(sqlite3* db, std::span<const char* const> migrations);

// Opens (creating) the store file at `path` with WAL journaling, synchronous=NORMAL
// and foreign keys on, and brings its schema up to date with `migrations`. Errors name
// `what` (e.g. "identity store") and the path.
Result<DbPtr> OpenStore(const std::string& path, std::span<const char* const> migrations,
                        std::string_view what);

// Steps a statement that returns no rows; resets it afterwards.
Status StepDone(sqlite3* db, sqlite3_stmt* stmt);

// Steps `stmt` to its end, reading every row with `read`; an error names `what`.
template <typename T>
Result<std::vector<T>> ReadAll(sqlite3* db, sqlite3_stmt* stmt, T (*read)(sqlite3_stmt*),
                               std::string_view what) {
  std::vector<T> out;
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) out.push_back(read(stmt));
  if (rc != SQLITE_DONE) return Error(db, what);
  return out;
}

}  // namespace citydata::storage::sqlite
