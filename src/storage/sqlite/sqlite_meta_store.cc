#include <mutex>
#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "storage/meta_store.h"
#include "storage/sqlite/sqlite_util.h"

namespace citydata::storage {
namespace {

using sqlite::BindText;
using sqlite::ColumnText;
using sqlite::DbPtr;
using sqlite::StmtPtr;

// Schema migrations, applied in order; the store records how many have run
// (PRAGMA user_version). Append new steps; never edit a released one.
constexpr const char* kMigrations[] = {
    R"sql(
CREATE TABLE departments (
  code TEXT PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE datasets (
  id INTEGER PRIMARY KEY, zone TEXT NOT NULL, name TEXT NOT NULL,
  title TEXT NOT NULL DEFAULT '', description TEXT NOT NULL DEFAULT '',
  dept_code TEXT NOT NULL DEFAULT '', tags TEXT NOT NULL DEFAULT '[]',
  update_cycle TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
  row_count INTEGER NOT NULL DEFAULT 0, bytes INTEGER NOT NULL DEFAULT 0,
  version INTEGER NOT NULL DEFAULT 0, UNIQUE (zone, name));
CREATE TABLE columns (
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  position INTEGER NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL,
  profile TEXT NOT NULL DEFAULT '', sketch BLOB,
  PRIMARY KEY (dataset_id, position));
CREATE TABLE jobs (
  id TEXT PRIMARY KEY, kind TEXT NOT NULL, zone TEXT NOT NULL, dataset TEXT NOT NULL,
  state TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT NOT NULL DEFAULT '',
  error TEXT NOT NULL DEFAULT '', details TEXT NOT NULL DEFAULT '{}');
CREATE INDEX jobs_by_dataset ON jobs (zone, dataset, started_at);
CREATE TABLE rejects (
  job_id TEXT NOT NULL, line INTEGER NOT NULL, reason TEXT NOT NULL, raw TEXT NOT NULL);
CREATE INDEX rejects_by_job ON rejects (job_id, line);
CREATE TABLE tokens (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, hash TEXT NOT NULL UNIQUE, role TEXT NOT NULL,
  created_at TEXT NOT NULL, expires_at TEXT NOT NULL DEFAULT '',
  revoked INTEGER NOT NULL DEFAULT 0);
)sql",
    // Users and tokens moved to the identity store (identity.db).
    "DROP TABLE tokens;",
};

constexpr std::string_view kJobStates[] = {"running",     "succeeded",   "failed",
                                           "interrupted", "quarantined", "discarded"};

JobState ParseJobState(std::string_view s) {
  for (size_t i = 0; i < std::size(kJobStates); ++i) {
    if (kJobStates[i] == s) return static_cast<JobState>(i);
  }
  return JobState::kFailed;
}

std::string TagsToJson(const std::vector<std::string>& tags) { return nlohmann::json(tags).dump(); }

std::vector<std::string> TagsFromJson(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  std::vector<std::string> tags;
  if (!j.is_array()) return tags;
  for (const auto& t : j) {
    if (t.is_string()) tags.push_back(t.get<std::string>());
  }
  return tags;
}

// Escapes LIKE wildcards so a search for "50%" matches literally.
std::string LikePattern(std::string_view text) {
  std::string out = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + "%";
}

class SqliteMetaStore final : public MetaStore {
 public:
  explicit SqliteMetaStore(DbPtr db) : db_(std::move(db)) {}

  Status AddDepartment(const Department& dept) override {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StmtPtr s,
                     db_.Prepare("INSERT INTO departments VALUES (?, ?, ?)"));
    BindText(s.get(), 1, dept.code);
    BindText(s.get(), 2, dept.name);
    BindText(s.get(), 3, dept.created_at.empty() ? NowIso() : dept.created_at);
    Status st = sqlite::StepDone(db_.get(), s.get());
    if (st.code() == ErrorCode::kAlreadyExists) {
      return AlreadyExists("department '" + dept.code + "' already exists");
    }
    return st;
  }

  Result<std::vector<Department>> ListDepartments() override {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StmtPtr s, db_.Prepare(
                                                "SELECT code, name, created_at FROM departments "
                                                "ORDER BY code"));
    std::vector<Department> out;
    while (sqlite3_step(s.get()) == SQLITE_ROW) {
      out.push_back({ColumnText(s.get(), 0), ColumnText(s.get(), 1), ColumnText(s.get(), 2)});
    }
    return out;
  }

  Result<std::optional<Department>> GetDepartment(const std::string& code) override {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StmtPtr s, db_.Prepare(
                                                "SELECT code, name, created_at FROM departments "
                                                "WHERE code = ?"));
    BindText(s.get(), 1, code);
    if (sqlite3_step(s.get()) != SQLITE_ROW) return std::optional<Department>();
    return std::optional<Department>(
        Department{ColumnText(s.get(), 0), ColumnText(s.get(), 1), ColumnText(s.get(), 2)});
  }

  Result<int64_t> PutDataset(const DatasetMeta& m) override {
    std::lock_guard lock(mu_);
    int64_t id = 0;
    RETURN_IF_ERROR(sqlite::InTransaction(db_.get(), [&]() -> Status {
      ASSIGN_OR_RETURN(id, PutDatasetLocked(m));
      return Status::Ok();
    }));
    return id;
  }

  Result<std::optional<DatasetMeta>> GetDataset(const DatasetName& name) override {
    return ReadDataset(name, true);
  }

  Result<std::optional<DatasetMeta>> GetDatasetSchema(const DatasetName& name) override {
    return ReadDataset(name, false);
  }

  Result<std::pair<std::vector<DatasetMeta>, int64_t>> ListDatasets(
      const DatasetFilter& f) override {
    std::lock_guard lock(mu_);
    std::string where =
        " WHERE (?1 = '' OR zone = ?1) AND (?2 = '' OR dept_code = ?2) AND (?3 = '' OR "
        "name LIKE ?4 ESCAPE '\\' OR title LIKE ?4 ESCAPE '\\' OR description LIKE ?4 ESCAPE '\\' "
        "OR tags LIKE ?4 ESCAPE '\\' OR EXISTS (SELECT 1 FROM columns c WHERE "
        "c.dataset_id = datasets.id AND c.name LIKE ?4 ESCAPE '\\'))";
    auto bind = [&](sqlite3_stmt* s) {
      BindText(s, 1, f.zone ? ZoneName(*f.zone) : "");
      BindText(s, 2, f.dept_code);
      BindText(s, 3, f.search);
      BindText(s, 4, LikePattern(f.search));
    };
    ASSIGN_OR_RETURN(StmtPtr count,
                     db_.Prepare("SELECT count(*) FROM datasets" + where));
    bind(count.get());
    sqlite3_step(count.get());
    int64_t total = sqlite3_column_int64(count.get(), 0);
    ASSIGN_OR_RETURN(StmtPtr s,
                     db_.Prepare(std::string(kDatasetSelect) + where +
                                                    " ORDER BY zone, name LIMIT ?5 OFFSET ?6"));
    bind(s.get());
    sqlite3_bind_int64(s.get(), 5, f.limit);
    sqlite3_bind_int64(s.get(), 6, f.offset);
    std::vector<DatasetMeta> out;
    while (sqlite3_step(s.get()) == SQLITE_ROW) out.push_back(ReadDatasetRow(s.get()));
    s.reset();
    for (auto& meta : out) {
      ASSIGN_OR_RETURN(meta.columns, ReadColumns(meta.id, false));
    }
    return std::make_pair(std::move(out), total);
  }

  Result<CatalogOverview> Overview(int days) override {
    std::lock_guard lock(mu_);
    CatalogOverview o;
    ASSIGN_OR_RETURN(StmtPtr totals, db_.Prepare(R"sql(
SELECT (SELECT count(*) FROM departments), (SELECT count(*) FROM datasets),
       (SELECT coalesce(sum(row_count), 0) FROM datasets), (SELECT count(*) FROM jobs),
       (SELECT coalesce(sum(json_extract(details, '$.rows_rejected')), 0) FROM jobs
        WHERE state = 'succeeded'))sql"));
    if (sqlite3_step(totals.get()) == SQLITE_ROW) {
      o.departments = sqlite3_column_int64(totals.get(), 0);
      o.datasets = sqlite3_column_int64(totals.get(), 1);
      o.rows = sqlite3_column_int64(totals.get(), 2);
      o.jobs = sqlite3_column_int64(totals.get(), 3);
      o.rejected_rows = sqlite3_column_int64(totals.get(), 4);
    }
    ASSIGN_OR_RETURN(o.by_dept, Groups(R"sql(
SELECT d.dept_code, coalesce(p.name, d.dept_code), count(*), sum(d.row_count)
FROM datasets d LEFT JOIN departments p ON p.code = d.dept_code
GROUP BY d.dept_code ORDER BY sum(d.row_count) DESC)sql"));
    ASSIGN_OR_RETURN(o.by_zone, Groups("SELECT zone, zone, count(*), sum(row_count) FROM datasets "
                                       "GROUP BY zone ORDER BY zone"));
    ASSIGN_OR_RETURN(StmtPtr daily, db_.Prepare(R"sql(
SELECT substr(started_at, 1, 10) AS day, count(*),
       coalesce(sum(json_extract(details, '$.rows_loaded')), 0),
       coalesce(sum(json_extract(details, '$.rows_rejected')), 0)
FROM jobs WHERE started_at >= strftime('%Y-%m-%d', 'now', ?) GROUP BY day ORDER BY day)sql"));
    BindText(daily.get(), 1, "-" + std::to_string(days) + " days");
    while (sqlite3_step(daily.get()) == SQLITE_ROW) {
      o.ingests_by_day.push_back({ColumnText(daily.get(), 0), sqlite3_column_int64(daily.get(), 1),
                                  sqlite3_column_int64(daily.get(), 2),
                                  sqlite3_column_int64(daily.get(), 3)});
    }
    return o;
  }

  Status PutJob(const JobRecord& j) override {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StmtPtr s, db_.Prepare(
                                                "INSERT INTO jobs VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                                                "?7, ?8, ?9) ON CONFLICT (id) DO UPDATE SET "
                                                "state = ?5, finished_at = ?7, error = ?8, "
                                                "details = ?9"));
    BindText(s.get(), 1, j.id);
    BindText(s.get(), 2, j.kind);
    BindText(s.get(), 3, ZoneName(j.dataset.zone));
    BindText(s.get(), 4, j.dataset.name);
    BindText(s.get(), 5, JobStateName(j.state));
    BindText(s.get(), 6, j.started_at);
    BindText(s.get(), 7, j.finished_at);
    BindText(s.get(), 8, j.error);
    BindText(s.get(), 9, j.details_json.empty() ? "{}" : j.details_json);
    return sqlite::StepDone(db_.get(), s.get());
  }

  Result<std::optional<JobRecord>> GetJob(const std::string& id) override {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StmtPtr s,
                     db_.Prepare(std::string(kJobSelect) + " WHERE id = ?"));
    BindText(s.get(), 1, id);
    if (sqlite3_step(s.get()) != SQLITE_ROW) return std::optional<JobRecord>();
    return std::optional<JobRecord>(ReadJobRow(s.get()));
  }

  Result<std::vector<JobRecord>> ListJobs(const DatasetName& d, int64_t limit) override {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(
        StmtPtr s,
        db_.Prepare(std::string(kJobSelect) + " WHERE zone = ? AND dataset = ? "
                                                             "ORDER BY started_at DESC, rowid DESC "
                                                             "LIMIT ?"));
    BindText(s.get(), 1, ZoneName(d.zone));
    BindText(s.get(), 2, d.name);
    sqlite3_bind_int64(s.get(), 3, limit);
    std::vector<JobRecord> out;
    while (sqlite3_step(s.get()) == SQLITE_ROW) out.push_back(ReadJobRow(s.get()));
    return out;
  }

  Result<std::vector<JobRecord>> InterruptRunningJobs() override {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StmtPtr s, db_.Prepare(std::string(kJobSelect) +
                                                               " WHERE state = 'running'"));
    std::vector<JobRecord> out;
    while (sqlite3_step(s.get()) == SQLITE_ROW) out.push_back(ReadJobRow(s.get()));
    s.reset();
    RETURN_IF_ERROR(sqlite::Exec(
        db_.get(), "UPDATE jobs SET state = 'interrupted', finished_at = '" + NowIso() +
                       "', error = 'the server stopped before the job finished' "
                       "WHERE state = 'running'"));
    return out;
  }

  Status AddRejects(const std::vector<RejectRecord>& rejects) override {
    std::lock_guard lock(mu_);
    return sqlite::InTransaction(db_.get(), [&]() -> Status {
      ASSIGN_OR_RETURN(StmtPtr s,
                       db_.Prepare("INSERT INTO rejects VALUES (?, ?, ?, ?)"));
      for (const auto& r : rejects) {
        BindText(s.get(), 1, r.job_id);
        sqlite3_bind_int64(s.get(), 2, r.line);
        BindText(s.get(), 3, r.reason);
        BindText(s.get(), 4, r.raw);
        RETURN_IF_ERROR(sqlite::StepDone(db_.get(), s.get()));
      }
      return Status::Ok();
    });
  }

  Result<std::pair<std::vector<RejectRecord>, int64_t>> ListRejects(const DatasetName& d,
                                                                    int64_t limit,
                                                                    int64_t offset) override {
    std::lock_guard lock(mu_);
    constexpr const char* kFrom =
        " FROM rejects r JOIN jobs j ON j.id = r.job_id WHERE j.zone = ? AND j.dataset = ?";
    ASSIGN_OR_RETURN(StmtPtr count,
                     db_.Prepare(std::string("SELECT count(*)") + kFrom));
    BindText(count.get(), 1, ZoneName(d.zone));
    BindText(count.get(), 2, d.name);
    sqlite3_step(count.get());
    int64_t total = sqlite3_column_int64(count.get(), 0);
    ASSIGN_OR_RETURN(StmtPtr s,
                     db_.Prepare(std::string("SELECT r.job_id, r.line, "
                                                            "r.reason, r.raw") +
                                                    kFrom +
                                                    " ORDER BY j.started_at DESC, "
                                                    "j.rowid DESC, r.line LIMIT ? OFFSET ?"));
    BindText(s.get(), 1, ZoneName(d.zone));
    BindText(s.get(), 2, d.name);
    sqlite3_bind_int64(s.get(), 3, limit);
    sqlite3_bind_int64(s.get(), 4, offset);
    std::vector<RejectRecord> out;
    while (sqlite3_step(s.get()) == SQLITE_ROW) {
      out.push_back({ColumnText(s.get(), 0), sqlite3_column_int64(s.get(), 1),
                     ColumnText(s.get(), 2), ColumnText(s.get(), 3)});
    }
    return std::make_pair(std::move(out), total);
  }

 private:
  static constexpr const char* kDatasetSelect =
      "SELECT id, zone, name, title, description, dept_code, tags, update_cycle, created_at, "
      "updated_at, row_count, bytes, version FROM datasets";
  static constexpr const char* kJobSelect =
      "SELECT id, kind, zone, dataset, state, started_at, finished_at, error, details FROM jobs";

  static DatasetMeta ReadDatasetRow(sqlite3_stmt* s) {
    DatasetMeta m;
    m.id = sqlite3_column_int64(s, 0);
    m.name.zone = ParseZone(ColumnText(s, 1)).value();
    m.name.name = ColumnText(s, 2);
    m.title = ColumnText(s, 3);
    m.description = ColumnText(s, 4);
    m.dept_code = ColumnText(s, 5);
    m.tags = TagsFromJson(ColumnText(s, 6));
    m.update_cycle = ColumnText(s, 7);
    m.created_at = ColumnText(s, 8);
    m.updated_at = ColumnText(s, 9);
    m.row_count = sqlite3_column_int64(s, 10);
    m.bytes = sqlite3_column_int64(s, 11);
    m.version = sqlite3_column_int64(s, 12);
    return m;
  }

  static JobRecord ReadJobRow(sqlite3_stmt* s) {
    JobRecord j;
    j.id = ColumnText(s, 0);
    j.kind = ColumnText(s, 1);
    j.dataset.zone = ParseZone(ColumnText(s, 2)).value();
    j.dataset.name = ColumnText(s, 3);
    j.state = ParseJobState(ColumnText(s, 4));
    j.started_at = ColumnText(s, 5);
    j.finished_at = ColumnText(s, 6);
    j.error = ColumnText(s, 7);
    j.details_json = ColumnText(s, 8);
    return j;
  }

  // REQUIRES: mu_ held. `sql` yields key, label, datasets, rows.
  Result<std::vector<GroupCount>> Groups(const char* sql) {
    ASSIGN_OR_RETURN(StmtPtr s, db_.Prepare(sql));
    std::vector<GroupCount> out;
    while (sqlite3_step(s.get()) == SQLITE_ROW) {
      out.push_back({ColumnText(s.get(), 0), ColumnText(s.get(), 1),
                     sqlite3_column_int64(s.get(), 2), sqlite3_column_int64(s.get(), 3)});
    }
    return out;
  }

  // Locks mu_.
  Result<std::optional<DatasetMeta>> ReadDataset(const DatasetName& name, bool with_profiles) {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StmtPtr s, db_.Prepare(std::string(kDatasetSelect) +
                                            " WHERE zone = ? AND name = ?"));
    BindText(s.get(), 1, ZoneName(name.zone));
    BindText(s.get(), 2, name.name);
    if (sqlite3_step(s.get()) != SQLITE_ROW) return std::optional<DatasetMeta>();
    DatasetMeta meta = ReadDatasetRow(s.get());
    ASSIGN_OR_RETURN(meta.columns, ReadColumns(meta.id, with_profiles));
    return std::optional<DatasetMeta>(std::move(meta));
  }

  // REQUIRES: mu_ held.
  Result<std::vector<ColumnMeta>> ReadColumns(int64_t dataset_id, bool with_profiles) {
    ASSIGN_OR_RETURN(StmtPtr s, db_.Prepare(with_profiles
                                                ? "SELECT name, type, profile, sketch FROM columns "
                                                  "WHERE dataset_id = ? ORDER BY position"
                                                : "SELECT name, type FROM columns "
                                                  "WHERE dataset_id = ? ORDER BY position"));
    sqlite3_bind_int64(s.get(), 1, dataset_id);
    std::vector<ColumnMeta> out;
    while (sqlite3_step(s.get()) == SQLITE_ROW) {
      ColumnMeta c;
      c.name = ColumnText(s.get(), 0);
      auto type = ParseColumnType(ColumnText(s.get(), 1));
      c.type = type.ok() ? *type : ColumnType::kText;
      if (with_profiles) {
        c.profile_json = ColumnText(s.get(), 2);
        const void* blob = sqlite3_column_blob(s.get(), 3);
        c.sketch.assign(static_cast<const char*>(blob),
                        blob ? static_cast<size_t>(sqlite3_column_bytes(s.get(), 3)) : 0);
      }
      out.push_back(std::move(c));
    }
    return out;
  }

  // REQUIRES: mu_ held, inside a transaction.
  Result<int64_t> PutDatasetLocked(const DatasetMeta& m) {
    ASSIGN_OR_RETURN(StmtPtr s, db_.Prepare(R"sql(
INSERT INTO datasets (zone, name, title, description, dept_code, tags, update_cycle,
                      created_at, updated_at, row_count, bytes, version)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9, ?10, ?11)
ON CONFLICT (zone, name) DO UPDATE SET title = ?3, description = ?4, dept_code = ?5, tags = ?6,
  update_cycle = ?7, updated_at = ?8, row_count = ?9, bytes = ?10, version = ?11
RETURNING id)sql"));
    BindText(s.get(), 1, ZoneName(m.name.zone));
    BindText(s.get(), 2, m.name.name);
    BindText(s.get(), 3, m.title);
    BindText(s.get(), 4, m.description);
    BindText(s.get(), 5, m.dept_code);
    BindText(s.get(), 6, TagsToJson(m.tags));
    BindText(s.get(), 7, m.update_cycle);
    BindText(s.get(), 8, NowIso());
    sqlite3_bind_int64(s.get(), 9, m.row_count);
    sqlite3_bind_int64(s.get(), 10, m.bytes);
    sqlite3_bind_int64(s.get(), 11, m.version);
    if (sqlite3_step(s.get()) != SQLITE_ROW) return sqlite::Error(db_.get(), "saving dataset");
    int64_t id = sqlite3_column_int64(s.get(), 0);
    s.reset();
    ASSIGN_OR_RETURN(StmtPtr del,
                     db_.Prepare("DELETE FROM columns WHERE dataset_id = ?"));
    sqlite3_bind_int64(del.get(), 1, id);
    RETURN_IF_ERROR(sqlite::StepDone(db_.get(), del.get()));
    ASSIGN_OR_RETURN(StmtPtr ins,
                     db_.Prepare("INSERT INTO columns VALUES (?, ?, ?, ?, ?, ?)"));
    for (size_t i = 0; i < m.columns.size(); ++i) {
      const ColumnMeta& c = m.columns[i];
      sqlite3_bind_int64(ins.get(), 1, id);
      sqlite3_bind_int64(ins.get(), 2, static_cast<int64_t>(i));
      BindText(ins.get(), 3, c.name);
      BindText(ins.get(), 4, ColumnTypeName(c.type));
      BindText(ins.get(), 5, c.profile_json);
      sqlite3_bind_blob64(ins.get(), 6, c.sketch.data(), c.sketch.size(), SQLITE_TRANSIENT);
      RETURN_IF_ERROR(sqlite::StepDone(db_.get(), ins.get()));
    }
    return id;
  }

  std::mutex mu_;
  sqlite::Connection db_;  // GUARDED_BY(mu_)
};

}  // namespace

std::string_view JobStateName(JobState s) { return kJobStates[static_cast<size_t>(s)]; }

Result<std::unique_ptr<MetaStore>> OpenSqliteMetaStore(const std::string& path) {
  ASSIGN_OR_RETURN(DbPtr db, sqlite::OpenStore(path, kMigrations, "metadata store"));
  return std::unique_ptr<MetaStore>(std::make_unique<SqliteMetaStore>(std::move(db)));
}

}  // namespace citydata::storage
