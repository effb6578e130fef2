#include <mutex>

#include <nlohmann/json.hpp>

#include "storage/service_store.h"
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
CREATE TABLE services (
  name TEXT PRIMARY KEY, zone TEXT NOT NULL, dataset TEXT NOT NULL, state TEXT NOT NULL,
  resource_id TEXT NOT NULL, published_by TEXT NOT NULL, published_at TEXT NOT NULL,
  unpublished_at TEXT NOT NULL DEFAULT '', document TEXT NOT NULL);
CREATE TABLE service_stats (
  service TEXT NOT NULL, app_id TEXT NOT NULL, user_id TEXT NOT NULL, day TEXT NOT NULL,
  calls INTEGER NOT NULL, errors INTEGER NOT NULL, rows INTEGER NOT NULL,
  latency_ms REAL NOT NULL, histogram TEXT NOT NULL,
  PRIMARY KEY (service, app_id, user_id, day));
CREATE INDEX service_stats_by_user ON service_stats (user_id, service);
)sql",
};

constexpr const char* kSelectService =
    "SELECT name, zone, dataset, state, resource_id, published_by, published_at, "
    "unpublished_at, document FROM services";

ServiceRecord ReadService(sqlite3_stmt* s) {
  ServiceRecord r;
  r.name = ColumnText(s, 0);
  r.dataset.zone = ParseZone(ColumnText(s, 1)).value();
  r.dataset.name = ColumnText(s, 2);
  r.state = ColumnText(s, 3);
  r.resource_id = ColumnText(s, 4);
  r.published_by = ColumnText(s, 5);
  r.published_at = ColumnText(s, 6);
  r.unpublished_at = ColumnText(s, 7);
  r.document = ColumnText(s, 8);
  return r;
}

ServiceCallStats ReadStats(sqlite3_stmt* s) {
  ServiceCallStats r;
  r.service = ColumnText(s, 0);
  r.app_id = ColumnText(s, 1);
  r.user_id = ColumnText(s, 2);
  r.day = ColumnText(s, 3);
  r.calls = sqlite3_column_int64(s, 4);
  r.errors = sqlite3_column_int64(s, 5);
  r.rows = sqlite3_column_int64(s, 6);
  r.latency_ms = sqlite3_column_double(s, 7);
  auto histogram = nlohmann::json::parse(ColumnText(s, 8), nullptr, false);
  if (histogram.is_array()) {
    for (const auto& n : histogram) r.histogram.push_back(n.is_number_integer() ? n.get<int64_t>() : 0);
  }
  return r;
}

// `a` + `b`, bucket by bucket.
std::vector<int64_t> AddHistograms(std::vector<int64_t> a, const std::vector<int64_t>& b) {
  if (a.size() < b.size()) a.resize(b.size(), 0);
  for (size_t i = 0; i < b.size(); ++i) a[i] += b[i];
  return a;
}

class SqliteServiceStore final : public ServiceStore {
 public:
  explicit SqliteServiceStore(DbPtr db) : db_(std::move(db)) {}

  Status Add(const ServiceRecord& r) override {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StmtPtr s, db_.Prepare(
                                                "INSERT INTO services VALUES "
                                                "(?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    BindText(s.get(), 1, r.name);
    BindText(s.get(), 2, ZoneName(r.dataset.zone));
    BindText(s.get(), 3, r.dataset.name);
    BindText(s.get(), 4, r.state);
    BindText(s.get(), 5, r.resource_id);
    BindText(s.get(), 6, r.published_by);
    BindText(s.get(), 7, r.published_at);
    BindText(s.get(), 8, r.unpublished_at);
    BindText(s.get(), 9, r.document);
    Status st = sqlite::StepDone(db_.get(), s.get());
    if (st.code() == ErrorCode::kAlreadyExists) {
      return AlreadyExists("a service named '" + r.name +
                           "' already exists (names stay taken after unpublishing)");
    }
    return st;
  }

  Status Update(const ServiceRecord& r) override {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StmtPtr s, db_.Prepare(
                                                "UPDATE services SET state = ?2, "
                                                "unpublished_at = ?3, document = ?4 "
                                                "WHERE name = ?1"));
    BindText(s.get(), 1, r.name);
    BindText(s.get(), 2, r.state);
    BindText(s.get(), 3, r.unpublished_at);
    BindText(s.get(), 4, r.document);
    RETURN_IF_ERROR(sqlite::StepDone(db_.get(), s.get()));
    if (sqlite3_changes(db_.get()) == 0) return NotFound("no service is named '" + r.name + "'");
    return Status::Ok();
  }

  Result<std::optional<ServiceRecord>> Find(const std::string& name) override {
    ASSIGN_OR_RETURN(auto found, SelectServices(" WHERE name = ?1", name));
    if (found.empty()) return std::optional<ServiceRecord>();
    return std::optional<ServiceRecord>(std::move(found.front()));
  }

  Result<std::vector<ServiceRecord>> List(const std::string& state) override {
    return SelectServices(" WHERE ?1 = '' OR state = ?1 ORDER BY name", state);
  }

  Status AddStats(const std::vector<ServiceCallStats>& deltas) override {
    std::lock_guard lock(mu_);
    return sqlite::InTransaction(db_.get(), [&]() -> Status {
      ASSIGN_OR_RETURN(StmtPtr find,
                       db_.Prepare(
                                       "SELECT histogram FROM service_stats WHERE service = ?1 "
                                       "AND app_id = ?2 AND user_id = ?3 AND day = ?4"));
      ASSIGN_OR_RETURN(StmtPtr upsert,
                       db_.Prepare(
                                       "INSERT INTO service_stats VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                                       "?7, ?8, ?9) ON CONFLICT DO UPDATE SET "
                                       "calls = calls + ?5, errors = errors + ?6, "
                                       "rows = rows + ?7, latency_ms = latency_ms + ?8, "
                                       "histogram = ?9"));
      for (const auto& d : deltas) {
        std::vector<int64_t> histogram = d.histogram;
        BindKey(find.get(), d);
        if (sqlite3_step(find.get()) == SQLITE_ROW) {
          auto stored = nlohmann::json::parse(ColumnText(find.get(), 0), nullptr, false);
          if (stored.is_array()) histogram = AddHistograms(stored.get<std::vector<int64_t>>(), histogram);
        }
        sqlite3_reset(find.get());
        BindKey(upsert.get(), d);
        sqlite3_bind_int64(upsert.get(), 5, d.calls);
        sqlite3_bind_int64(upsert.get(), 6, d.errors);
        sqlite3_bind_int64(upsert.get(), 7, d.rows);
        sqlite3_bind_double(upsert.get(), 8, d.latency_ms);
        BindText(upsert.get(), 9, nlohmann::json(histogram).dump());
        RETURN_IF_ERROR(sqlite::StepDone(db_.get(), upsert.get()));
      }
      return Status::Ok();
    });
  }

  Result<std::vector<ServiceCallStats>> ListStats(const ServiceStatsFilter& f) override {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StmtPtr s,
                     db_.Prepare(
                                     "SELECT service, app_id, user_id, day, calls, errors, rows, "
                                     "latency_ms, histogram FROM service_stats WHERE "
                                     "(?1 = '' OR service = ?1) AND (?2 = '' OR user_id = ?2) "
                                     "AND (?3 = '' OR day >= ?3) ORDER BY service, day, app_id"));
    BindText(s.get(), 1, f.service);
    BindText(s.get(), 2, f.user_id);
    BindText(s.get(), 3, f.since_day);
    return sqlite::ReadAll(db_.get(), s.get(), &ReadStats, "listing service statistics");
  }

 private:
  static void BindKey(sqlite3_stmt* s, const ServiceCallStats& d) {
    BindText(s, 1, d.service);
    BindText(s, 2, d.app_id);
    BindText(s, 3, d.user_id);
    BindText(s, 4, d.day);
  }

  Result<std::vector<ServiceRecord>> SelectServices(const char* where, const std::string& param) {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StmtPtr s, db_.Prepare(std::string(kSelectService) + where));
    BindText(s.get(), 1, param);
    return sqlite::ReadAll(db_.get(), s.get(), &ReadService, "listing services");
  }

  std::mutex mu_;
  sqlite::Connection db_;  // GUARDED_BY(mu_)
};

}  // namespace

Result<std::unique_ptr<ServiceStore>> OpenSqliteServiceStore(const std::string& path) {
  ASSIGN_OR_RETURN(DbPtr db, sqlite::OpenStore(path, kMigrations, "service store"));
  return std::unique_ptr<ServiceStore>(std::make_unique<SqliteServiceStore>(std::move(db)));
}

}  // namespace citydata::storage
