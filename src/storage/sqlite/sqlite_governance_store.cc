#include <algorithm>
#include <cstdint>
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
    // Issues in blocks (storage/issue_blocks.h); ConvertIssueRows moves the rows of
    // quality_issues into them. A rowid table rather than WITHOUT ROWID, since its rows
    // are large; the index carries `count` so that a page of issues is located, and the
    // total counted, from the index alone.
    R"sql(
CREATE TABLE quality_issue_blocks (
  run_id TEXT NOT NULL, rule_id TEXT NOT NULL, ordinal INTEGER NOT NULL, count INTEGER NOT NULL,
  first_row_id INTEGER NOT NULL, last_row_id INTEGER NOT NULL, data BLOB NOT NULL);
CREATE INDEX quality_issue_blocks_by_run ON quality_issue_blocks (run_id, rule_id, ordinal, count);
)sql",
};

constexpr const char* kInsertIssueBlock =
    "INSERT INTO quality_issue_blocks VALUES (?, ?, ?, ?, ?, ?, ?)";

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

std::string_view ColumnView(sqlite3_stmt* s, int index) {
  const void* data = sqlite3_column_blob(s, index);
  return {static_cast<const char*>(data), static_cast<size_t>(sqlite3_column_bytes(s, index))};
}

// REQUIRES: `insert` prepared from kInsertIssueBlock.
Status InsertIssueBlock(sqlite3* db, sqlite3_stmt* insert, const std::string& run_id,
                        const std::string& rule_id, const IssueBlock& block) {
  BindText(insert, 1, run_id, SQLITE_STATIC);
  BindText(insert, 2, rule_id, SQLITE_STATIC);
  sqlite3_bind_int64(insert, 3, block.ordinal);
  sqlite3_bind_int64(insert, 4, block.count);
  sqlite3_bind_int64(insert, 5, block.first_row_id);
  sqlite3_bind_int64(insert, 6, block.last_row_id);
  sqlite3_bind_blob64(insert, 7, block.data.data(), block.data.size(), SQLITE_STATIC);
  return sqlite::StepDone(db, insert);
}

// REQUIRES: inside a transaction. Schema 1 kept one row per issue in quality_issues;
// this stores them as blocks and drops the table. Issues of runs that do not exist (a
// run that failed after storing some) are dropped: nothing could list or prune them.
Status MoveIssueRowsToBlocks(sqlite3* db) {
  ASSIGN_OR_RETURN(StmtPtr rows, sqlite::Prepare(db, R"sql(
SELECT run_id, rule_id, row_id, key, value FROM quality_issues
WHERE run_id IN (SELECT id FROM quality_runs) ORDER BY run_id, rule_id, row_id, rowid)sql"));
  ASSIGN_OR_RETURN(StmtPtr insert, sqlite::Prepare(db, kInsertIssueBlock));
  IssueBlockBuilder builder;
  std::string run_id, rule_id;
  auto flush = [&]() -> Status {
    if (builder.empty()) return Status::Ok();
    RETURN_IF_ERROR(InsertIssueBlock(db, insert.get(), run_id, rule_id, builder.block()));
    builder.Next();
    return Status::Ok();
  };
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(rows.get())) == SQLITE_ROW) {
    if (ColumnView(rows.get(), 0) != run_id || ColumnView(rows.get(), 1) != rule_id) {
      RETURN_IF_ERROR(flush());
      builder.Reset();
      run_id = ColumnView(rows.get(), 0);
      rule_id = ColumnView(rows.get(), 1);
    }
    builder.Add(sqlite3_column_int64(rows.get(), 2), ColumnView(rows.get(), 3),
                ColumnView(rows.get(), 4));
    if (builder.full()) RETURN_IF_ERROR(flush());
  }
  if (rc != SQLITE_DONE) return sqlite::Error(db, "reading stored quality issues");
  RETURN_IF_ERROR(flush());
  rows.reset();
  insert.reset();
  return sqlite::Exec(db, "DROP TABLE quality_issues");
}

Status ConvertIssueRows(sqlite3* db) {
  ASSIGN_OR_RETURN(StmtPtr old, sqlite::Prepare(db,
                                                "SELECT 1 FROM sqlite_master WHERE type = "
                                                "'table' AND name = 'quality_issues'"));
  if (sqlite3_step(old.get()) != SQLITE_ROW) return Status::Ok();
  old.reset();
  return sqlite::InTransaction(db, [db] { return MoveIssueRowsToBlocks(db); });
}

class SqliteGovernanceStore final : public GovernanceStore {
 public:
  explicit SqliteGovernanceStore(DbPtr db) : db_(std::move(db)) {}

  Status PutStandard(const StandardRecord& r) override {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StmtPtr s,
                     db_.Prepare("INSERT OR REPLACE INTO standards VALUES (?, ?, ?, ?)"));
    BindText(s.get(), 1, r.kind);
    BindText(s.get(), 2, r.id);
    BindText(s.get(), 3, r.json);
    BindText(s.get(), 4, NowIso());
    return sqlite::StepDone(db_.get(), s.get());
  }

  Result<std::vector<StandardRecord>> ListStandards(const std::string& kind) override {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StmtPtr s, db_.Prepare("SELECT kind, id, json, updated_at FROM "
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
    ASSIGN_OR_RETURN(StmtPtr s, db_.Prepare("SELECT kind, id, json, updated_at FROM "
                                            "standards WHERE kind = ? AND id = ?"));
    BindText(s.get(), 1, kind);
    BindText(s.get(), 2, id);
    if (sqlite3_step(s.get()) != SQLITE_ROW) return std::optional<StandardRecord>();
    return std::optional<StandardRecord>(
        StandardRecord{ColumnText(s.get(), 0), ColumnText(s.get(), 1), ColumnText(s.get(), 2),
                       ColumnText(s.get(), 3)});
  }

  Status DeleteStandard(const std::string& kind, const std::string& id) override {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StmtPtr s, db_.Prepare("DELETE FROM standards WHERE kind = ? AND id = ?"));
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
    ASSIGN_OR_RETURN(StmtPtr s, db_.Prepare("SELECT column_name, element_id, confidence, "
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
    ASSIGN_OR_RETURN(StmtPtr s, db_.Prepare("INSERT OR REPLACE INTO quality_plans "
                                            "VALUES (?, ?, ?, ?)"));
    BindDataset(s.get(), 1, p.dataset);
    BindText(s.get(), 3, p.text);
    BindText(s.get(), 4, NowIso());
    return sqlite::StepDone(db_.get(), s.get());
  }

  Result<std::optional<QualityPlanRecord>> GetQualityPlan(const DatasetName& d) override {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StmtPtr s, db_.Prepare("SELECT text, updated_at FROM "
                                            "quality_plans WHERE zone = ? AND "
                                            "dataset = ?"));
    BindDataset(s.get(), 1, d);
    if (sqlite3_step(s.get()) != SQLITE_ROW) return std::optional<QualityPlanRecord>();
    return std::optional<QualityPlanRecord>(
        QualityPlanRecord{d, ColumnText(s.get(), 0), ColumnText(s.get(), 1)});
  }

  Result<std::vector<QualityPlanRecord>> ListQualityPlans() override {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StmtPtr s, db_.Prepare("SELECT zone, dataset, text, updated_at "
                                            "FROM quality_plans ORDER BY zone, "
                                            "dataset"));
    std::vector<QualityPlanRecord> out;
    while (sqlite3_step(s.get()) == SQLITE_ROW) {
      DatasetName d{ParseZone(ColumnText(s.get(), 0)).value(), ColumnText(s.get(), 1)};
      out.push_back({d, ColumnText(s.get(), 2), ColumnText(s.get(), 3)});
    }
    return out;
  }

  Status AddQualityRun(const QualityRunRecord& r, const QualityIssueSet& issues) override {
    std::lock_guard lock(mu_);
    return sqlite::InTransaction(db_.get(), [&]() -> Status {
      RETURN_IF_ERROR(InsertRun(r));
      ASSIGN_OR_RETURN(StmtPtr insert, db_.Prepare(kInsertIssueBlock));
      return issues.ForEachBlock([&](const std::string& rule_id, const IssueBlock& block) {
        return InsertIssueBlock(db_.get(), insert.get(), r.id, rule_id, block);
      });
    });
  }

  Result<std::vector<QualityRunRecord>> ListQualityRuns(const DatasetName& d,
                                                        int64_t limit) override {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StmtPtr s,
                     db_.Prepare(std::string(kRunSelect) + " WHERE zone = ? AND dataset = ? "
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
    ASSIGN_OR_RETURN(StmtPtr s, db_.Prepare(std::string(kRunSelect) + " WHERE id = ?"));
    BindText(s.get(), 1, run_id);
    if (sqlite3_step(s.get()) != SQLITE_ROW) return std::optional<QualityRunRecord>();
    return std::optional<QualityRunRecord>(ReadRun(s.get()));
  }

  Result<std::pair<std::vector<QualityIssueRecord>, int64_t>> ListQualityIssues(
      const std::string& run_id, const std::string& rule_id, int64_t limit,
      int64_t offset) override {
    std::lock_guard lock(mu_);
    offset = std::max<int64_t>(offset, 0);
    const int64_t end = limit < 0 || limit > INT64_MAX - offset ? INT64_MAX : offset + limit;
    std::vector<PagePart> parts;
    int64_t total = 0;
    {
      ASSIGN_OR_RETURN(StmtPtr s, db_.Prepare(R"sql(
SELECT rule_id, count, rowid FROM quality_issue_blocks
WHERE run_id = ?1 AND (?2 = '' OR rule_id = ?2) ORDER BY rule_id, ordinal)sql"));
      BindText(s.get(), 1, run_id);
      BindText(s.get(), 2, rule_id);
      int rc = SQLITE_ROW;
      while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
        const int64_t count = sqlite3_column_int64(s.get(), 1);
        // The block holds issues [total, total + count) of the listing.
        const int64_t from = std::max(offset, total), to = std::min(end, total + count);
        if (from < to) {
          parts.push_back(
              {ColumnText(s.get(), 0), sqlite3_column_int64(s.get(), 2), from - total, to - from});
        }
        total += count;
      }
      if (rc != SQLITE_DONE) return sqlite::Error(db_.get(), "listing quality issues");
    }
    std::vector<QualityIssueRecord> out;
    for (const PagePart& part : parts) RETURN_IF_ERROR(ReadPagePart(run_id, part, out));
    return std::make_pair(std::move(out), total);
  }

  Status PruneQualityIssues(const DatasetName& d, int64_t keep) override {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StmtPtr s, db_.Prepare(R"sql(
DELETE FROM quality_issue_blocks WHERE run_id IN (
  SELECT id FROM quality_runs WHERE zone = ?1 AND dataset = ?2
  ORDER BY started_at DESC, rowid DESC LIMIT -1 OFFSET ?3))sql"));
    BindDataset(s.get(), 1, d);
    sqlite3_bind_int64(s.get(), 3, keep);
    return sqlite::StepDone(db_.get(), s.get());
  }

 private:
  // REQUIRES: mu_ held, inside a transaction.
  Status ReplaceMappings(const DatasetName& d, const std::vector<ColumnMappingRecord>& mappings) {
    ASSIGN_OR_RETURN(StmtPtr del, db_.Prepare("DELETE FROM column_mappings WHERE "
                                              "zone = ? AND dataset = ?"));
    BindDataset(del.get(), 1, d);
    RETURN_IF_ERROR(sqlite::StepDone(db_.get(), del.get()));
    ASSIGN_OR_RETURN(StmtPtr ins, db_.Prepare("INSERT INTO column_mappings VALUES "
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

  // REQUIRES: mu_ held.
  Status InsertRun(const QualityRunRecord& r) {
    ASSIGN_OR_RETURN(StmtPtr s, db_.Prepare("INSERT INTO quality_runs VALUES "
                                            "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"));
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

  // Issues [skip, skip + take) of one block, a part of a page of issues.
  struct PagePart {
    std::string rule_id;
    int64_t block = 0;  // rowid
    int64_t skip = 0;
    int64_t take = 0;
  };

  // REQUIRES: mu_ held.
  Status ReadPagePart(const std::string& run_id, const PagePart& part,
                      std::vector<QualityIssueRecord>& out) {
    ASSIGN_OR_RETURN(StmtPtr s,
                     db_.Prepare("SELECT data FROM quality_issue_blocks WHERE rowid = ?"));
    sqlite3_bind_int64(s.get(), 1, part.block);
    if (sqlite3_step(s.get()) != SQLITE_ROW) {
      return sqlite::Error(db_.get(), "reading a block of quality issues");
    }
    return DecodeIssueBlock(ColumnView(s.get(), 0), part.skip, part.take, run_id, part.rule_id,
                            out);
  }

  std::mutex mu_;
  sqlite::Connection db_;  // GUARDED_BY(mu_)
};

}  // namespace

Result<std::unique_ptr<GovernanceStore>> OpenSqliteGovernanceStore(const std::string& path) {
  ASSIGN_OR_RETURN(DbPtr db, sqlite::OpenStore(path, kMigrations, "governance store"));
  RETURN_IF_ERROR(ConvertIssueRows(db.get()).WithContext("governance store " + path));
  return std::unique_ptr<GovernanceStore>(std::make_unique<SqliteGovernanceStore>(std::move(db)));
}

}  // namespace citydata::storage
