#include <mutex>
#include <nlohmann/json.hpp>

#include "storage/identity_store.h"
#include "storage/sqlite/sqlite_util.h"

namespace citydata::storage {
namespace {

using sqlite::BindText;
using sqlite::ColumnText;
using sqlite::DbPtr;
using sqlite::StmtPtr;

// Schema migrations, applied in order (PRAGMA user_version counts them). Append new
// steps; never edit a released one.
constexpr const char* kMigrations[] = {
    R"sql(
CREATE TABLE users (
  id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, dept_code TEXT NOT NULL, role TEXT NOT NULL,
  clearance TEXT NOT NULL, password_hash TEXT NOT NULL DEFAULT '',
  disabled INTEGER NOT NULL DEFAULT 0, failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL);
CREATE TABLE tokens (
  id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id), name TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL DEFAULT '', revoked INTEGER NOT NULL DEFAULT 0);
CREATE INDEX tokens_by_user ON tokens (user_id, created_at);
CREATE TABLE grants (
  id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id), zone TEXT NOT NULL,
  dataset TEXT NOT NULL, columns TEXT NOT NULL DEFAULT '[]', purpose TEXT NOT NULL DEFAULT '',
  expires_at TEXT NOT NULL DEFAULT '', granted_by TEXT NOT NULL, created_at TEXT NOT NULL,
  revoked_at TEXT NOT NULL DEFAULT '');
CREATE INDEX grants_by_user ON grants (user_id);
)sql",
    R"sql(
CREATE TABLE apps (
  id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id), name TEXT NOT NULL,
  key_hash TEXT NOT NULL UNIQUE, sealed_secret TEXT NOT NULL,
  rate_per_minute INTEGER NOT NULL, daily_quota INTEGER NOT NULL, created_at TEXT NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0);
CREATE INDEX apps_by_user ON apps (user_id, created_at);
CREATE TABLE app_nonces (
  app_id TEXT NOT NULL, nonce TEXT NOT NULL, used_at TEXT NOT NULL,
  PRIMARY KEY (app_id, nonce));
CREATE INDEX app_nonces_by_time ON app_nonces (used_at);
)sql",
    R"sql(
ALTER TABLE grants ADD COLUMN resource_id TEXT NOT NULL DEFAULT '';
ALTER TABLE grants ADD COLUMN request_id TEXT NOT NULL DEFAULT '';
ALTER TABLE grants ADD COLUMN delivery_mode TEXT NOT NULL DEFAULT 'api';
ALTER TABLE grants ADD COLUMN privacy_budget REAL NOT NULL DEFAULT 0;
ALTER TABLE grants ADD COLUMN budget_spent REAL NOT NULL DEFAULT 0;
)sql",
    // A user's grants are listed on every governed read, in grant order: the index
    // hands them over in that order (the old one left a sort to every lookup).
    R"sql(
CREATE INDEX grants_by_user_in_order ON grants (user_id, created_at, id);
DROP INDEX grants_by_user;
)sql",
};

constexpr const char* kUserSelect =
    "SELECT id, name, dept_code, role, clearance, password_hash, disabled, failed_logins, "
    "locked_until, created_at FROM users";
constexpr const char* kTokenSelect =
    "SELECT id, user_id, name, hash, kind, created_at, expires_at, revoked FROM tokens";
constexpr const char* kAppSelect =
    "SELECT id, user_id, name, key_hash, sealed_secret, rate_per_minute, daily_quota, "
    "created_at, revoked FROM apps";
constexpr const char* kGrantSelect =
    "SELECT id, user_id, zone, dataset, columns, purpose, expires_at, granted_by, created_at, "
    "revoked_at, resource_id, request_id, delivery_mode, privacy_budget, budget_spent "
    "FROM grants";

UserRecord ReadUser(sqlite3_stmt* s) {
  return {ColumnText(s, 0),          ColumnText(s, 1),          ColumnText(s, 2),
          ColumnText(s, 3),          ColumnText(s, 4),          ColumnText(s, 5),
          sqlite3_column_int(s, 6) != 0, sqlite3_column_int64(s, 7), ColumnText(s, 8),
          ColumnText(s, 9)};
}

TokenRecord ReadToken(sqlite3_stmt* s) {
  return {ColumnText(s, 0), ColumnText(s, 1), ColumnText(s, 2), ColumnText(s, 3),
          ColumnText(s, 4), ColumnText(s, 5), ColumnText(s, 6), sqlite3_column_int(s, 7) != 0};
}

GrantRecord ReadGrant(sqlite3_stmt* s) {
  GrantRecord g;
  g.id = ColumnText(s, 0);
  g.user_id = ColumnText(s, 1);
  g.dataset.zone = ParseZone(ColumnText(s, 2)).value();
  g.dataset.name = ColumnText(s, 3);
  auto columns = nlohmann::json::parse(ColumnText(s, 4), nullptr, false);
  if (columns.is_array()) {
    for (const auto& c : columns) {
      if (c.is_string()) g.columns.push_back(c.get<std::string>());
    }
  }
  g.purpose = ColumnText(s, 5);
  g.expires_at = ColumnText(s, 6);
  g.granted_by = ColumnText(s, 7);
  g.created_at = ColumnText(s, 8);
  g.revoked_at = ColumnText(s, 9);
  g.resource_id = ColumnText(s, 10);
  g.request_id = ColumnText(s, 11);
  g.delivery_mode = ColumnText(s, 12);
  g.privacy_budget = sqlite3_column_double(s, 13);
  g.budget_spent = sqlite3_column_double(s, 14);
  return g;
}

AppRecord ReadApp(sqlite3_stmt* s) {
  return {ColumnText(s, 0),          ColumnText(s, 1),          ColumnText(s, 2),
          ColumnText(s, 3),          ColumnText(s, 4),          sqlite3_column_int64(s, 5),
          sqlite3_column_int64(s, 6), ColumnText(s, 7),         sqlite3_column_int(s, 8) != 0};
}

// Binds the user's fields in table order, the id first.
void BindUser(sqlite3_stmt* s, const UserRecord& u) {
  BindText(s, 1, u.id);
  BindText(s, 2, u.name);
  BindText(s, 3, u.dept_code);
  BindText(s, 4, u.role);
  BindText(s, 5, u.clearance);
  BindText(s, 6, u.password_hash);
  sqlite3_bind_int(s, 7, u.disabled ? 1 : 0);
  sqlite3_bind_int64(s, 8, u.failed_logins);
  BindText(s, 9, u.locked_until);
  BindText(s, 10, u.created_at);
}

class SqliteIdentityStore final : public IdentityStore {
 public:
  explicit SqliteIdentityStore(DbPtr db) : db_(std::move(db)) {}

  Status AddUser(const UserRecord& user) override {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StmtPtr s, db_.Prepare("INSERT INTO users VALUES "
                                                           "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    BindUser(s.get(), user);
    Status st = sqlite::StepDone(db_.get(), s.get());
    if (st.code() == ErrorCode::kAlreadyExists) {
      return AlreadyExists("user '" + user.name + "' already exists");
    }
    return st;
  }

  Status UpdateUser(const UserRecord& user) override {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StmtPtr s,
                     db_.Prepare("UPDATE users SET name = ?2, dept_code = ?3, "
                                                "role = ?4, clearance = ?5, password_hash = ?6, "
                                                "disabled = ?7, failed_logins = ?8, "
                                                "locked_until = ?9, created_at = ?10 "
                                                "WHERE id = ?1"));
    BindUser(s.get(), user);
    RETURN_IF_ERROR(sqlite::StepDone(db_.get(), s.get()));
    if (sqlite3_changes(db_.get()) == 0) return NotFound("no user has id '" + user.id + "'");
    return Status::Ok();
  }

  Result<std::optional<UserRecord>> FindUserById(const std::string& id) override {
    return FindUser(" WHERE id = ?", id);
  }

  Result<std::optional<UserRecord>> FindUserByName(const std::string& name) override {
    return FindUser(" WHERE name = ?", name);
  }

  Result<std::vector<UserRecord>> ListUsers() override {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StmtPtr s, db_.Prepare(std::string(kUserSelect) +
                                                               " ORDER BY name"));
    std::vector<UserRecord> out;
    while (sqlite3_step(s.get()) == SQLITE_ROW) out.push_back(ReadUser(s.get()));
    return out;
  }

  Status AddToken(const TokenRecord& t) override {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StmtPtr s,
                     db_.Prepare("INSERT INTO tokens VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    BindText(s.get(), 1, t.id);
    BindText(s.get(), 2, t.user_id);
    BindText(s.get(), 3, t.name);
    BindText(s.get(), 4, t.hash);
    BindText(s.get(), 5, t.kind);
    BindText(s.get(), 6, t.created_at);
    BindText(s.get(), 7, t.expires_at);
    sqlite3_bind_int(s.get(), 8, t.revoked ? 1 : 0);
    return sqlite::StepDone(db_.get(), s.get());
  }

  Result<std::optional<TokenRecord>> FindTokenByHash(const std::string& hash) override {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StmtPtr s,
                     db_.Prepare(std::string(kTokenSelect) + " WHERE hash = ?"));
    BindText(s.get(), 1, hash);
    if (sqlite3_step(s.get()) != SQLITE_ROW) return std::optional<TokenRecord>();
    return std::optional<TokenRecord>(ReadToken(s.get()));
  }

  Result<std::vector<TokenRecord>> ListTokens(const std::string& user_id) override {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StmtPtr s, db_.Prepare(std::string(kTokenSelect) +
                                                               " WHERE ?1 = '' OR user_id = ?1 "
                                                               "ORDER BY created_at DESC, id"));
    BindText(s.get(), 1, user_id);
    std::vector<TokenRecord> out;
    while (sqlite3_step(s.get()) == SQLITE_ROW) out.push_back(ReadToken(s.get()));
    return out;
  }

  Status RevokeToken(const std::string& id) override {
    return UpdateById("UPDATE tokens SET revoked = 1 WHERE id = ?1", id, "", "token");
  }

  Result<int64_t> CountTokens() override {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StmtPtr s, db_.Prepare("SELECT count(*) FROM tokens"));
    sqlite3_step(s.get());
    return static_cast<int64_t>(sqlite3_column_int64(s.get(), 0));
  }

  Status AddGrant(const GrantRecord& g) override {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StmtPtr s, db_.Prepare("INSERT INTO grants VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                                                           "?, ?, ?, ?, ?)"));
    BindText(s.get(), 1, g.id);
    BindText(s.get(), 2, g.user_id);
    BindText(s.get(), 3, ZoneName(g.dataset.zone));
    BindText(s.get(), 4, g.dataset.name);
    BindText(s.get(), 5, nlohmann::json(g.columns).dump());
    BindText(s.get(), 6, g.purpose);
    BindText(s.get(), 7, g.expires_at);
    BindText(s.get(), 8, g.granted_by);
    BindText(s.get(), 9, g.created_at);
    BindText(s.get(), 10, g.revoked_at);
    BindText(s.get(), 11, g.resource_id);
    BindText(s.get(), 12, g.request_id);
    BindText(s.get(), 13, g.delivery_mode);
    sqlite3_bind_double(s.get(), 14, g.privacy_budget);
    sqlite3_bind_double(s.get(), 15, g.budget_spent);
    return sqlite::StepDone(db_.get(), s.get());
  }

  Result<std::optional<GrantRecord>> FindGrant(const std::string& id) override {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StmtPtr s,
                     db_.Prepare(std::string(kGrantSelect) + " WHERE id = ?1"));
    BindText(s.get(), 1, id);
    if (sqlite3_step(s.get()) != SQLITE_ROW) return std::optional<GrantRecord>();
    return std::optional<GrantRecord>(ReadGrant(s.get()));
  }

  Result<double> SpendBudget(const std::string& grant_id, double epsilon) override {
    if (!(epsilon > 0)) return InvalidArgument("epsilon must be positive");
    std::lock_guard lock(mu_);
    // One statement checks and spends, so concurrent queries cannot overspend.
    ASSIGN_OR_RETURN(StmtPtr s, db_.Prepare(
                                                "UPDATE grants SET budget_spent = budget_spent + ?2 "
                                                "WHERE id = ?1 AND budget_spent + ?2 <= "
                                                "privacy_budget + 1e-9 RETURNING budget_spent"));
    BindText(s.get(), 1, grant_id);
    sqlite3_bind_double(s.get(), 2, epsilon);
    int rc = sqlite3_step(s.get());
    if (rc == SQLITE_ROW) {
      double spent = sqlite3_column_double(s.get(), 0);
      RETURN_IF_ERROR(sqlite::StepDone(db_.get(), s.get()));  // completes the update
      return spent;
    }
    if (rc != SQLITE_DONE) return Internal(std::string("spending the privacy budget failed: ") +
                                           sqlite3_errmsg(db_.get()));
    ASSIGN_OR_RETURN(StmtPtr q, db_.Prepare(
                                                "SELECT privacy_budget, budget_spent FROM grants "
                                                "WHERE id = ?1"));
    BindText(q.get(), 1, grant_id);
    if (sqlite3_step(q.get()) != SQLITE_ROW) return NotFound("no grant " + grant_id);
    return ResourceExhausted("the privacy budget of grant " + grant_id + " is spent: " +
                             std::to_string(sqlite3_column_double(q.get(), 1)) + " of " +
                             std::to_string(sqlite3_column_double(q.get(), 0)) +
                             " used, the query needs " + std::to_string(epsilon));
  }

  Result<std::vector<GrantRecord>> ListGrants(const std::string& user_id) override {
    std::lock_guard lock(mu_);
    // Two statements, not one with `?1 = '' OR`: a user's grants are looked up on every
    // read, and only a plain equality uses the grants_by_user_in_order index.
    ASSIGN_OR_RETURN(StmtPtr s, db_.Prepare(std::string(kGrantSelect) +
                                            (user_id.empty() ? "" : " WHERE user_id = ?1") +
                                            " ORDER BY created_at, id"));
    if (!user_id.empty()) BindText(s.get(), 1, user_id);
    std::vector<GrantRecord> out;
    while (sqlite3_step(s.get()) == SQLITE_ROW) out.push_back(ReadGrant(s.get()));
    return out;
  }

  Status RevokeGrant(const std::string& id, const std::string& revoked_at) override {
    return UpdateById("UPDATE grants SET revoked_at = ?2 WHERE id = ?1", id, revoked_at, "grant");
  }

  Status AddApp(const AppRecord& a) override {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StmtPtr s, db_.Prepare("INSERT INTO apps VALUES "
                                                           "(?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    BindText(s.get(), 1, a.id);
    BindText(s.get(), 2, a.user_id);
    BindText(s.get(), 3, a.name);
    BindText(s.get(), 4, a.key_hash);
    BindText(s.get(), 5, a.sealed_secret);
    sqlite3_bind_int64(s.get(), 6, a.rate_per_minute);
    sqlite3_bind_int64(s.get(), 7, a.daily_quota);
    BindText(s.get(), 8, a.created_at);
    sqlite3_bind_int(s.get(), 9, a.revoked ? 1 : 0);
    return sqlite::StepDone(db_.get(), s.get());
  }

  Result<std::optional<AppRecord>> FindAppByKeyHash(const std::string& hash) override {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StmtPtr s,
                     db_.Prepare(std::string(kAppSelect) + " WHERE key_hash = ?"));
    BindText(s.get(), 1, hash);
    if (sqlite3_step(s.get()) != SQLITE_ROW) return std::optional<AppRecord>();
    return std::optional<AppRecord>(ReadApp(s.get()));
  }

  Result<std::vector<AppRecord>> ListApps(const std::string& user_id) override {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StmtPtr s, db_.Prepare(std::string(kAppSelect) +
                                                               " WHERE ?1 = '' OR user_id = ?1 "
                                                               "ORDER BY created_at DESC, id"));
    BindText(s.get(), 1, user_id);
    std::vector<AppRecord> out;
    while (sqlite3_step(s.get()) == SQLITE_ROW) out.push_back(ReadApp(s.get()));
    return out;
  }

  Status RevokeApp(const std::string& id) override {
    return UpdateById("UPDATE apps SET revoked = 1 WHERE id = ?1", id, "", "app");
  }

  Status UseNonce(const std::string& app_id, const std::string& nonce, const std::string& now,
                  const std::string& forget_before) override {
    std::lock_guard lock(mu_);
    return sqlite::InTransaction(db_.get(), [&]() -> Status {
      ASSIGN_OR_RETURN(StmtPtr forget,
                       db_.Prepare("DELETE FROM app_nonces WHERE used_at < ?"));
      BindText(forget.get(), 1, forget_before);
      RETURN_IF_ERROR(sqlite::StepDone(db_.get(), forget.get()));
      ASSIGN_OR_RETURN(StmtPtr use,
                       db_.Prepare("INSERT INTO app_nonces VALUES (?, ?, ?)"));
      BindText(use.get(), 1, app_id);
      BindText(use.get(), 2, nonce);
      BindText(use.get(), 3, now);
      return sqlite::StepDone(db_.get(), use.get());
    });
  }

 private:
  Result<std::optional<UserRecord>> FindUser(const char* where, const std::string& key) {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StmtPtr s, db_.Prepare(std::string(kUserSelect) + where));
    BindText(s.get(), 1, key);
    if (sqlite3_step(s.get()) != SQLITE_ROW) return std::optional<UserRecord>();
    return std::optional<UserRecord>(ReadUser(s.get()));
  }

  // Runs `sql` with ?1 = id and ?2 = value; NotFound naming `what` when no row changed.
  Status UpdateById(const char* sql, const std::string& id, const std::string& value,
                    const char* what) {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StmtPtr s, db_.Prepare(sql));
    BindText(s.get(), 1, id);
    if (sqlite3_bind_parameter_count(s.get()) >= 2) BindText(s.get(), 2, value);
    RETURN_IF_ERROR(sqlite::StepDone(db_.get(), s.get()));
    if (sqlite3_changes(db_.get()) == 0) {
      return NotFound(std::string("no ") + what + " has id '" + id + "'");
    }
    return Status::Ok();
  }

  std::mutex mu_;
  sqlite::Connection db_;  // GUARDED_BY(mu_)
};

}  // namespace

Result<std::unique_ptr<IdentityStore>> OpenSqliteIdentityStore(const std::string& path) {
  ASSIGN_OR_RETURN(DbPtr db, sqlite::OpenStore(path, kMigrations, "identity store"));
  return std::unique_ptr<IdentityStore>(std::make_unique<SqliteIdentityStore>(std::move(db)));
}

}  // namespace citydata::storage
