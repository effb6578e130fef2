#include <mutex>

#include "storage/share_store.h"
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
CREATE TABLE resources (
  id TEXT NOT NULL, version INTEGER NOT NULL, code TEXT NOT NULL, zone TEXT NOT NULL,
  dataset TEXT NOT NULL, state TEXT NOT NULL, current INTEGER NOT NULL, name TEXT NOT NULL,
  dept TEXT NOT NULL, classification TEXT NOT NULL, sharing TEXT NOT NULL,
  opening TEXT NOT NULL, grade TEXT NOT NULL, search_text TEXT NOT NULL,
  published_at TEXT NOT NULL, unpublished_at TEXT NOT NULL DEFAULT '',
  published_by TEXT NOT NULL, document TEXT NOT NULL,
  PRIMARY KEY (id, version));
CREATE UNIQUE INDEX resources_current_id ON resources (id) WHERE current = 1;
CREATE UNIQUE INDEX resources_current_dataset ON resources (zone, dataset) WHERE current = 1;
CREATE INDEX resources_by_code ON resources (code, current);
CREATE INDEX resources_by_dept ON resources (current, dept);
CREATE INDEX resources_by_classification ON resources (current, classification);
CREATE INDEX resources_by_sharing ON resources (current, sharing);
CREATE INDEX resources_by_opening ON resources (current, opening);
CREATE INDEX resources_by_grade ON resources (current, grade);
CREATE TABLE class_nodes (
  path TEXT PRIMARY KEY, parent TEXT NOT NULL, ordinal INTEGER NOT NULL,
  UNIQUE (parent, ordinal));
CREATE TABLE code_sequences (prefix TEXT PRIMARY KEY, last INTEGER NOT NULL);
)sql",
    R"sql(
CREATE TABLE requests (
  id TEXT PRIMARY KEY, resource_id TEXT NOT NULL, dept TEXT NOT NULL,
  consumer_id TEXT NOT NULL, state TEXT NOT NULL, created_at TEXT NOT NULL,
  deadline TEXT NOT NULL, document TEXT NOT NULL);
CREATE INDEX requests_by_consumer ON requests (consumer_id, created_at);
CREATE INDEX requests_by_dept ON requests (dept, state, created_at);
CREATE INDEX requests_by_resource ON requests (resource_id, created_at);
)sql",
};

constexpr const char* kRequestSelect =
    "SELECT id, resource_id, dept, consumer_id, state, created_at, deadline, document "
    "FROM requests";

RequestRecord ReadRequest(sqlite3_stmt* s) {
  return {ColumnText(s, 0), ColumnText(s, 1), ColumnText(s, 2), ColumnText(s, 3),
          ColumnText(s, 4), ColumnText(s, 5), ColumnText(s, 6), ColumnText(s, 7)};
}

void BindRequest(sqlite3_stmt* s, const RequestRecord& r) {
  BindText(s, 1, r.id);
  BindText(s, 2, r.resource_id);
  BindText(s, 3, r.dept);
  BindText(s, 4, r.consumer_id);
  BindText(s, 5, r.state);
  BindText(s, 6, r.created_at);
  BindText(s, 7, r.deadline);
  BindText(s, 8, r.document);
}

constexpr const char* kSelect =
    "SELECT id, version, code, zone, dataset, state, current, name, dept, classification, "
    "sharing, opening, grade, search_text, published_at, unpublished_at, published_by, "
    "document FROM resources";

ResourceRecord ReadResource(sqlite3_stmt* s) {
  ResourceRecord r;
  r.id = ColumnText(s, 0);
  r.version = sqlite3_column_int64(s, 1);
  r.code = ColumnText(s, 2);
  r.dataset.zone = ParseZone(ColumnText(s, 3)).value();
  r.dataset.name = ColumnText(s, 4);
  r.state = ColumnText(s, 5);
  r.current = sqlite3_column_int(s, 6) != 0;
  r.name = ColumnText(s, 7);
  r.dept = ColumnText(s, 8);
  r.classification = ColumnText(s, 9);
  r.sharing = ColumnText(s, 10);
  r.opening = ColumnText(s, 11);
  r.grade = ColumnText(s, 12);
  r.search_text = ColumnText(s, 13);
  r.published_at = ColumnText(s, 14);
  r.unpublished_at = ColumnText(s, 15);
  r.published_by = ColumnText(s, 16);
  r.document = ColumnText(s, 17);
  return r;
}

void BindResource(sqlite3_stmt* s, const ResourceRecord& r) {
  BindText(s, 1, r.id);
  sqlite3_bind_int64(s, 2, r.version);
  BindText(s, 3, r.code);
  BindText(s, 4, ZoneName(r.dataset.zone));
  BindText(s, 5, r.dataset.name);
  BindText(s, 6, r.state);
  sqlite3_bind_int(s, 7, 1);
  BindText(s, 8, r.name);
  BindText(s, 9, r.dept);
  BindText(s, 10, r.classification);
  BindText(s, 11, r.sharing);
  BindText(s, 12, r.opening);
  BindText(s, 13, r.grade);
  BindText(s, 14, r.search_text);
  BindText(s, 15, r.published_at);
  BindText(s, 16, r.unpublished_at);
  BindText(s, 17, r.published_by);
  BindText(s, 18, r.document);
}

class SqliteShareStore final : public ShareStore {
 public:
  explicit SqliteShareStore(DbPtr db) : db_(std::move(db)) {}

  Status AddVersion(const ResourceRecord& record) override {
    std::lock_guard lock(mu_);
    return sqlite::InTransaction(db_.get(), [&]() -> Status {
      ASSIGN_OR_RETURN(StmtPtr retire,
                       db_.Prepare(
                                       "UPDATE resources SET current = 0, "
                                       "unpublished_at = CASE WHEN state = 'published' THEN ?2 "
                                       "ELSE unpublished_at END, "
                                       "state = CASE WHEN state = 'published' THEN 'superseded' "
                                       "ELSE state END WHERE id = ?1 AND current = 1"));
      BindText(retire.get(), 1, record.id);
      BindText(retire.get(), 2, record.published_at);
      RETURN_IF_ERROR(sqlite::StepDone(db_.get(), retire.get()));
      ASSIGN_OR_RETURN(StmtPtr insert,
                       db_.Prepare(
                                       "INSERT INTO resources VALUES (?, ?, ?, ?, ?, "
                                       "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
      BindResource(insert.get(), record);
      Status st = sqlite::StepDone(db_.get(), insert.get());
      if (st.code() == ErrorCode::kAlreadyExists) {
        return AlreadyExists("version " + std::to_string(record.version) + " of resource " +
                             record.id + " or another current resource for " +
                             record.dataset.ToString() + " already exists");
      }
      return st;
    });
  }

  Status UpdateVersion(const ResourceRecord& r) override {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StmtPtr s, db_.Prepare(
                                                "UPDATE resources SET state = ?3, "
                                                "unpublished_at = ?4, document = ?5 "
                                                "WHERE id = ?1 AND version = ?2"));
    BindText(s.get(), 1, r.id);
    sqlite3_bind_int64(s.get(), 2, r.version);
    BindText(s.get(), 3, r.state);
    BindText(s.get(), 4, r.unpublished_at);
    BindText(s.get(), 5, r.document);
    RETURN_IF_ERROR(sqlite::StepDone(db_.get(), s.get()));
    if (sqlite3_changes(db_.get()) == 0) {
      return NotFound("resource " + r.id + " has no version " + std::to_string(r.version));
    }
    return Status::Ok();
  }

  Result<std::optional<ResourceRecord>> FindCurrent(const std::string& id_or_code) override {
    auto found = Select(" WHERE current = 1 AND (id = ?1 OR code = ?1)", {id_or_code});
    if (!found.ok()) return found.status();
    if (found->empty()) return std::optional<ResourceRecord>();
    return std::optional<ResourceRecord>(std::move(found->front()));
  }

  Result<std::optional<ResourceRecord>> FindByDataset(const DatasetName& dataset) override {
    auto found = Select(" WHERE current = 1 AND zone = ?1 AND dataset = ?2",
                        {std::string(ZoneName(dataset.zone)), dataset.name});
    if (!found.ok()) return found.status();
    if (found->empty()) return std::optional<ResourceRecord>();
    return std::optional<ResourceRecord>(std::move(found->front()));
  }

  Result<std::vector<ResourceRecord>> ListCurrent(const ResourceFilter& f) override {
    // ?2: the classification itself or one beneath it ("a/b" covers "a/b/c", not "a/bc").
    return Select(
        " WHERE current = 1 AND (?1 = '' OR dept = ?1) AND (?2 = '' OR classification = ?2 OR "
        "substr(classification, 1, length(?2) + 1) = ?2 || '/') AND (?3 = '' OR sharing = ?3) "
        "AND (?4 = '' OR opening = ?4) AND (?5 = '' OR grade = ?5) "
        "AND (?6 = '' OR instr(search_text, ?6) > 0) AND (?7 = '' OR state = ?7) ORDER BY code",
        {f.dept, f.classification, f.sharing, f.opening, f.grade, f.text, f.state});
  }

  Result<std::vector<ResourceRecord>> History(const std::string& id) override {
    return Select(" WHERE id = ?1 ORDER BY version", {id});
  }

  Result<int64_t> NodeOrdinal(const std::string& parent, const std::string& path) override {
    std::lock_guard lock(mu_);
    int64_t ordinal = 0;
    Status st = sqlite::InTransaction(db_.get(), [&]() -> Status {
      ASSIGN_OR_RETURN(StmtPtr find, db_.Prepare(
                                                     "SELECT ordinal FROM class_nodes "
                                                     "WHERE path = ?"));
      BindText(find.get(), 1, path);
      if (sqlite3_step(find.get()) == SQLITE_ROW) {
        ordinal = sqlite3_column_int64(find.get(), 0);
        return Status::Ok();
      }
      ASSIGN_OR_RETURN(StmtPtr add,
                       db_.Prepare(
                                       "INSERT INTO class_nodes SELECT ?1, ?2, "
                                       "coalesce(max(ordinal), 0) + 1 FROM class_nodes "
                                       "WHERE parent = ?2 RETURNING ordinal"));
      BindText(add.get(), 1, path);
      BindText(add.get(), 2, parent);
      if (sqlite3_step(add.get()) != SQLITE_ROW) return sqlite::Error(db_.get(), "class node");
      ordinal = sqlite3_column_int64(add.get(), 0);
      return Status::Ok();
    });
    if (!st.ok()) return st;
    return ordinal;
  }

  Result<int64_t> NextSequence(const std::string& prefix) override {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StmtPtr s, db_.Prepare(
                                                "INSERT INTO code_sequences VALUES (?1, 1) "
                                                "ON CONFLICT (prefix) DO UPDATE SET "
                                                "last = last + 1 RETURNING last"));
    BindText(s.get(), 1, prefix);
    if (sqlite3_step(s.get()) != SQLITE_ROW) return sqlite::Error(db_.get(), "code sequence");
    return static_cast<int64_t>(sqlite3_column_int64(s.get(), 0));
  }

  Status AddRequest(const RequestRecord& request) override {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StmtPtr s, db_.Prepare("INSERT INTO requests VALUES "
                                                           "(?, ?, ?, ?, ?, ?, ?, ?)"));
    BindRequest(s.get(), request);
    return sqlite::StepDone(db_.get(), s.get());
  }

  Status UpdateRequest(const RequestRecord& request, const std::string& expected_state) override {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StmtPtr s, db_.Prepare(
                                                "UPDATE requests SET resource_id = ?2, dept = ?3, "
                                                "consumer_id = ?4, state = ?5, created_at = ?6, "
                                                "deadline = ?7, document = ?8 "
                                                "WHERE id = ?1 AND state = ?9"));
    BindRequest(s.get(), request);
    BindText(s.get(), 9, expected_state);
    RETURN_IF_ERROR(sqlite::StepDone(db_.get(), s.get()));
    if (sqlite3_changes(db_.get()) == 1) return Status::Ok();
    ASSIGN_OR_RETURN(StmtPtr q, db_.Prepare("SELECT state FROM requests WHERE id = ?1"));
    BindText(q.get(), 1, request.id);
    if (sqlite3_step(q.get()) != SQLITE_ROW) return NotFound("no request " + request.id);
    return FailedPrecondition("request " + request.id + " is already " + ColumnText(q.get(), 0));
  }

  Result<std::optional<RequestRecord>> FindRequest(const std::string& id) override {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StmtPtr s,
                     db_.Prepare(std::string(kRequestSelect) + " WHERE id = ?1"));
    BindText(s.get(), 1, id);
    if (sqlite3_step(s.get()) != SQLITE_ROW) return std::optional<RequestRecord>();
    return std::optional<RequestRecord>(ReadRequest(s.get()));
  }

  Result<std::pair<std::vector<RequestRecord>, int64_t>> ListRequests(
      const RequestFilter& filter) override {
    std::lock_guard lock(mu_);
    const std::string where =
        " WHERE (?1 = '' OR consumer_id = ?1) AND (?2 = '' OR dept = ?2) AND "
        "(?3 = '' OR state = ?3)";
    auto bind = [&](sqlite3_stmt* s) {
      BindText(s, 1, filter.consumer_id);
      BindText(s, 2, filter.dept);
      BindText(s, 3, filter.state);
    };
    ASSIGN_OR_RETURN(StmtPtr count,
                     db_.Prepare("SELECT count(*) FROM requests" + where));
    bind(count.get());
    if (sqlite3_step(count.get()) != SQLITE_ROW) return sqlite::Error(db_.get(), "counting requests");
    int64_t total = sqlite3_column_int64(count.get(), 0);
    ASSIGN_OR_RETURN(StmtPtr s, db_.Prepare(std::string(kRequestSelect) + where +
                                                               " ORDER BY created_at DESC, id "
                                                               "LIMIT ?4 OFFSET ?5"));
    bind(s.get());
    sqlite3_bind_int64(s.get(), 4, filter.limit);
    sqlite3_bind_int64(s.get(), 5, filter.offset);
    std::vector<RequestRecord> out;
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) out.push_back(ReadRequest(s.get()));
    if (rc != SQLITE_DONE) return sqlite::Error(db_.get(), "listing requests");
    return std::make_pair(std::move(out), total);
  }

 private:
  // Runs kSelect + `where` with ?1, ?2, ... bound to `params`.
  Result<std::vector<ResourceRecord>> Select(const char* where,
                                             const std::vector<std::string>& params) {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StmtPtr s, db_.Prepare(std::string(kSelect) + where));
    for (size_t i = 0; i < params.size(); ++i) {
      BindText(s.get(), static_cast<int>(i) + 1, params[i]);
    }
    std::vector<ResourceRecord> out;
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) out.push_back(ReadResource(s.get()));
    if (rc != SQLITE_DONE) return sqlite::Error(db_.get(), "listing resources");
    return out;
  }

  std::mutex mu_;
  sqlite::Connection db_;  // GUARDED_BY(mu_)
};

}  // namespace

Result<std::unique_ptr<ShareStore>> OpenSqliteShareStore(const std::string& path) {
  ASSIGN_OR_RETURN(DbPtr db, sqlite::OpenStore(path, kMigrations, "share store"));
  return std::unique_ptr<ShareStore>(std::make_unique<SqliteShareStore>(std::move(db)));
}

}  // namespace citydata::storage
