#include <mutex>

#include "core/clock.h"
#include "storage/governance_store.h"
#include "storage/sqlite/sqlite_util.h"

namespace citydata::storage {
namespace {

using sqlite::BindText;
using sqlite::ColumnText;
using sqlite::DbPtr;
using sqlite::StmtPtr;

constexpr const char* kMigrations[] = {
    R"sql(
CREATE TABLE standards (
  kind TEXT NOT NULL, id TEXT NOT NULL, json TEXT NOT NULL, updated_at TEXT NOT NULL,
  PRIMARY KEY (kind, id));
CREATE TABLE column_mappings (
  zone TEXT NOT NULL, dataset TEXT NOT NULL, column_name TEXT NOT NULL,
  element_id TEXT NOT NULL, confidence REAL NOT NULL, evidence TEXT NOT NULL,
  confirmed INTEGER NOT NULL, PRIMARY KEY (zone, dataset, column_name));
CREATE TABLE quality_plans (
  zone TEXT NOT NULL, dataset TEXT NOT NULL, text TEXT NOT NULL, updated_at TEXT NOT NULL,
  PRIMARY KEY (zone, dataset));
CREATE TABLE quality_runs (
  id TEXT PRIMARY KEY, zone TEXT NOT NULL, dataset TEXT NOT NULL, trigger TEXT NOT NULL,
  job_id TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT NOT NULL,
  score REAL NOT NULL, result TEXT NOT NULL, report TEXT NOT NULL);
CREATE INDEX quality_runs_by_dataset ON quality_runs (zone, dataset, started_at);
CREATE TABLE quality_issues (
  run_id TEXT NOT NULL, rule_id TEXT NOT NULL, row_id INTEGER NOT NULL, key TEXT NOT NULL,
  value TEXT NOT NULL);
CREATE INDEX quality_issues_by_run ON quality_issues (run_id, rule_id, row_id);
)sql",
};

constexpr const char* kRunSelect =
    "SELECT id, zone, dataset, trigger, job_id, started_at, finished_at, score, result, report "
    "FROM quality_runs";

QualityRunRecord ReadRun(sqlite3_stmt* s) {
  QualityRunRecord r;
  r.id = ColumnText(s, 0);
  r.dataset.zone = ParseZone(ColumnText(s, 1)).value();
  r.dataset.name = ColumnText(s, 2);
  r.trigger = ColumnText(s, 3);
  r.job_id = ColumnText(s, 4);
  r.started_at = ColumnText(s, 5);
  r.finished_at = ColumnText(s, 6);
  r.score = sqlite3_column_double(s, 7);
  r.result_json = ColumnText(s, 8);
  r.report_html = ColumnText(s, 9);
  return r;
}

void BindDataset(sqlite3_stmt* s, int first, const DatasetName& d) {
  BindText(s, first, ZoneName(d.zone));
  BindText(s, first + 1, d.name);
}

class SqliteGovernanceStore final : public GovernanceStore {
 public:
  explicit SqliteGovernanceStore(DbPtr db) : db_(std::move(db)) {}

  Status PutStandard(const StandardRecord& r) override {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(
        StmtPtr s,
        db_.Prepare("INSERT OR REPLACE INTO standards VALUES (?, ?, ?, ?)"));
    BindText(s.get(), 1, r.kind);
    BindText(s.get(), 2, r.id);
    BindText(s.get(), 3, r.json);
    BindText(s.get(), 4, NowIso());
    return sqlite::StepDone(db_.get(), s.get());
  }

  Result<std::vector<StandardRecord>> ListStandards(const std::string& kind) override {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StmtPtr s, db_.Prepare(
                                                "SELECT kind, id, json, updated_at FROM "
                                                "standards WHERE kind = ? ORDER BY id"));
    BindText(s.get(), 1, kind);
    std::vector<StandardRecord> out;
    while (sqlite3_step(s.get()) == SQLITE_ROW) {
      out.push_back({ColumnText(s.get(), 0), ColumnText(s.get(), 1), ColumnText(s.get(), 2),
                     ColumnText(s.get(), 3)});
    }
    return out;
  }

  Result<std::optional<StandardRecord>> GetStandard(const std::string& kind,
                                                    const std::string& id) override {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StmtPtr s, db_.Prepare(
                                                "SELECT kind, id, json, updated_at FROM "
                                                "standards WHERE kind = ? AND id = ?"));
    BindText(s.get(), 1, kind);
    BindText(s.get(), 2, id);
    if (sqlite3_step(s.get()) != SQLITE_ROW) return std::optional<StandardRecord>();
    return std::optional<StandardRecord>(StandardRecord{ColumnText(s.get(), 0),
                                                        ColumnText(s.get(), 1),
                                                        ColumnText(s.get(), 2),
                                                        ColumnText(s.get(), 3)});
  }

  Status DeleteStandard(const std::string& kind, const std::string& id) override {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StmtPtr s,
                     db_.Prepare("DELETE FROM standards WHERE kind = ? AND id = ?"));
    BindText(s.get(), 1, kind);
    BindText(s.get(), 2, id);
    return sqlite::StepDone(db_.get(), s.get());
  }

  Status PutColumnMappings(const DatasetName& d,
                           const std::vector<ColumnMappingRecord>& mappings) override {
    std::lock_guard lock(mu_);
    return sqlite::InTransaction(db_.get(), [&] { return ReplaceMappings(d, mappings); });
  }

  Result<std::vector<ColumnMappingRecord>> GetColumnMappings(const DatasetName& d) override {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StmtPtr s, db_.Prepare(
                                                "SELECT column_name, element_id, confidence, "
                                                "evidence, confirmed FROM column_mappings WHERE "
                                                "zone = ? AND dataset = ? ORDER BY rowid"));
    BindDataset(s.get(), 1, d);
    std::vector<ColumnMappingRecord> out;
    while (sqlite3_step(s.get()) == SQLITE_ROW) {
      out.push_back({ColumnText(s.get(), 0), ColumnText(s.get(), 1),
                     sqlite3_column_double(s.get(), 2), ColumnText(s.get(), 3),
                     sqlite3_column_int(s.get(), 4) != 0});
    }
    return out;
  }

  Status PutQualityPlan(const QualityPlanRecord& p) override {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StmtPtr s, db_.Prepare(
                                                "INSERT OR REPLACE INTO quality_plans "
                                                "VALUES (?, ?, ?, ?)"));
    BindDataset(s.get(), 1, p.dataset);
    BindText(s.get(), 3, p.text);
    BindText(s.get(), 4, NowIso());
    return sqlite::StepDone(db_.get(), s.get());
  }

  Result<std::optional<QualityPlanRecord>> GetQualityPlan(const DatasetName& d) override {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StmtPtr s, db_.Prepare(
                                                "SELECT text, updated_at FROM "
                                                "quality_plans WHERE zone = ? AND "
                                                "dataset = ?"));
    BindDataset(s.get(), 1, d);
    if (sqlite3_step(s.get()) != SQLITE_ROW) return std::optional<QualityPlanRecord>();
    return std::optional<QualityPlanRecord>(
        QualityPlanRecord{d, ColumnText(s.get(), 0), ColumnText(s.get(), 1)});
  }

  Result<std::vector<QualityPlanRecord>> ListQualityPlans() override {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StmtPtr s, db_.Prepare(
                                                "SELECT zone, dataset, text, updated_at "
                                                "FROM quality_plans ORDER BY zone, "
                                                "dataset"));
    std::vector<QualityPlanRecord> out;
    while (sqlite3_step(s.get()) == SQLITE_ROW) {
      DatasetName d{ParseZone(ColumnText(s.get(), 0)).value(), ColumnText(s.get(), 1)};
      out.push_back({d, ColumnText(s.get(), 2), ColumnText(s.get(), 3)});
    }
    return out;
  }

  Status PutQualityRun(const QualityRunRecord& r) override {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StmtPtr s, db_.Prepare(R"sql(
INSERT INTO quality_runs VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
ON CONFLICT (id) DO UPDATE SET finished_at = ?7, score = ?8, result = ?9, report = ?10)sql"));
    BindText(s.get(), 1, r.id);
    BindDataset(s.get(), 2, r.dataset);
    BindText(s.get(), 4, r.trigger);
    BindText(s.get(), 5, r.job_id);
    BindText(s.get(), 6, r.started_at);
    BindText(s.get(), 7, r.finished_at);
    sqlite3_bind_double(s.get(), 8, r.score);
    BindText(s.get(), 9, r.result_json);
    BindText(s.get(), 10, r.report_html);
    return sqlite::StepDone(db_.get(), s.get());
  }

  Result<std::vector<QualityRunRecord>> ListQualityRuns(const DatasetName& d,
                                                        int64_t limit) override {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StmtPtr s, db_.Prepare(std::string(kRunSelect) +
                                                               " WHERE zone = ? AND dataset = ? "
                                                               "ORDER BY started_at DESC, rowid "
                                                               "DESC LIMIT ?"));
    BindDataset(s.get(), 1, d);
    sqlite3_bind_int64(s.get(), 3, limit);
    std::vector<QualityRunRecord> out;
    while (sqlite3_step(s.get()) == SQLITE_ROW) out.push_back(ReadRun(s.get()));
    return out;
  }

  Result<std::optional<QualityRunRecord>> GetQualityRun(const std::string& run_id) override {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StmtPtr s,
                     db_.Prepare(std::string(kRunSelect) + " WHERE id = ?"));
    BindText(s.get(), 1, run_id);
    if (sqlite3_step(s.get()) != SQLITE_ROW) return std::optional<QualityRunRecord>();
    return std::optional<QualityRunRecord>(ReadRun(s.get()));
  }

  Status AddQualityIssues(const std::vector<QualityIssueRecord>& issues) override {
    std::lock_guard lock(mu_);
    return sqlite::InTransaction(db_.get(), [&] { return InsertIssues(issues); });
  }

  Result<std::pair<std::vector<QualityIssueRecord>, int64_t>> ListQualityIssues(
      const std::string& run_id, const std::string& rule_id, int64_t limit,
      int64_t offset) override {
    std::lock_guard lock(mu_);
    constexpr const char* kWhere =
        " FROM quality_issues WHERE run_id = ?1 AND (?2 = '' OR rule_id = ?2)";
    ASSIGN_OR_RETURN(StmtPtr count,
                     db_.Prepare(std::string("SELECT count(*)") + kWhere));
    BindText(count.get(), 1, run_id);
    BindText(count.get(), 2, rule_id);
    sqlite3_step(count.get());
    int64_t total = sqlite3_column_int64(count.get(), 0);
    ASSIGN_OR_RETURN(StmtPtr s, db_.Prepare(std::string("SELECT run_id, rule_id, "
                                                                       "row_id, key, value") +
                                                               kWhere +
                                                               " ORDER BY rule_id, row_id LIMIT ?3 "
                                                               "OFFSET ?4"));
    BindText(s.get(), 1, run_id);
    BindText(s.get(), 2, rule_id);
    sqlite3_bind_int64(s.get(), 3, limit);
    sqlite3_bind_int64(s.get(), 4, offset);
    std::vector<QualityIssueRecord> out;
    while (sqlite3_step(s.get()) == SQLITE_ROW) {
      out.push_back({ColumnText(s.get(), 0), ColumnText(s.get(), 1),
                     sqlite3_column_int64(s.get(), 2), ColumnText(s.get(), 3),
                     ColumnText(s.get(), 4)});
    }
    return std::make_pair(std::move(out), total);
  }

  Status PruneQualityIssues(const DatasetName& d, int64_t keep) override {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StmtPtr s, db_.Prepare(R"sql(
DELETE FROM quality_issues WHERE run_id IN (
  SELECT id FROM quality_runs WHERE zone = ?1 AND dataset = ?2
  ORDER BY started_at DESC, rowid DESC LIMIT -1 OFFSET ?3))sql"));
    BindDataset(s.get(), 1, d);
    sqlite3_bind_int64(s.get(), 3, keep);
    return sqlite::StepDone(db_.get(), s.get());
  }

 private:
  // REQUIRES: mu_ held, inside a transaction.
  Status ReplaceMappings(const DatasetName& d, const std::vector<ColumnMappingRecord>& mappings) {
    ASSIGN_OR_RETURN(StmtPtr del, db_.Prepare(
                                                  "DELETE FROM column_mappings WHERE "
                                                  "zone = ? AND dataset = ?"));
    BindDataset(del.get(), 1, d);
    RETURN_IF_ERROR(sqlite::StepDone(db_.get(), del.get()));
    ASSIGN_OR_RETURN(StmtPtr ins, db_.Prepare(
                                                  "INSERT INTO column_mappings VALUES "
                                                  "(?, ?, ?, ?, ?, ?, ?)"));
    for (const auto& m : mappings) {
      BindDataset(ins.get(), 1, d);
      BindText(ins.get(), 3, m.column);
      BindText(ins.get(), 4, m.element_id);
      sqlite3_bind_double(ins.get(), 5, m.confidence);
      BindText(ins.get(), 6, m.evidence);
      sqlite3_bind_int(ins.get(), 7, m.confirmed ? 1 : 0);
      RETURN_IF_ERROR(sqlite::StepDone(db_.get(), ins.get()));
    }
    return Status::Ok();
  }

  // REQUIRES: mu_ held, inside a transaction. Rows go in kIssuesPerInsert at a time,
  // one multi-row INSERT each: a run may store millions of issues, and one statement
  // step per row costs about as much as the row itself.
  Status InsertIssues(const std::vector<QualityIssueRecord>& issues) {
    StmtPtr bulk, tail;
    size_t i = 0;
    if (issues.size() >= kIssuesPerInsert) {
      ASSIGN_OR_RETURN(bulk, PrepareIssueInsert(kIssuesPerInsert));
      for (; i + kIssuesPerInsert <= issues.size(); i += kIssuesPerInsert) {
        RETURN_IF_ERROR(RunIssueInsert(bulk.get(), issues.data() + i, kIssuesPerInsert));
      }
    }
    if (i == issues.size()) return Status::Ok();
    ASSIGN_OR_RETURN(tail, PrepareIssueInsert(issues.size() - i));
    return RunIssueInsert(tail.get(), issues.data() + i, issues.size() - i);
  }

  // The full-size statement is kept prepared; a run's shorter tail is prepared once.
  Result<StmtPtr> PrepareIssueInsert(size_t rows) {
    std::string sql = "INSERT INTO quality_issues VALUES ";
    for (size_t r = 0; r < rows; ++r) sql += r == 0 ? "(?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?)";
    return rows == kIssuesPerInsert ? db_.Prepare(sql) : sqlite::Prepare(db_.get(), sql);
  }

  Status RunIssueInsert(sqlite3_stmt* s, const QualityIssueRecord* issues, size_t rows) {
    for (size_t r = 0; r < rows; ++r) {
      const QualityIssueRecord& i = issues[r];
      const int first = static_cast<int>(r * 5) + 1;
      BindText(s, first, i.run_id, SQLITE_STATIC);
      BindText(s, first + 1, i.rule_id, SQLITE_STATIC);
      sqlite3_bind_int64(s, first + 2, i.row_id);
      BindText(s, first + 3, i.key, SQLITE_STATIC);
      BindText(s, first + 4, i.value, SQLITE_STATIC);
    }
    return sqlite::StepDone(db_.get(), s);
  }

  std::mutex mu_;
  static constexpr size_t kIssuesPerInsert = 64;
  sqlite::Connection db_;  // GUARDED_BY(mu_)
};

}  // namespace

Result<std::unique_ptr<GovernanceStore>> OpenSqliteGovernanceStore(const std::string& path) {
  ASSIGN_OR_RETURN(DbPtr db, sqlite::OpenStore(path, kMigrations, "governance store"));
  return std::unique_ptr<GovernanceStore>(std::make_unique<SqliteGovernanceStore>(std::move(db)));
}

}  // namespace citydata::storage
