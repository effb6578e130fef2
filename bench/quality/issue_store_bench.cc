// Storing a quality run's failing rows (issues): the governance store against the
// layout it replaced, one row per issue in an indexed table fed by 64-row INSERTs in
// transactions of 10,000 (what a run of bench/quality/run.py stored, 1,190,554 issues).
// Issues are synthetic but shaped like that run's: 16 rules interleaved, row ids
// ascending in two scan parts delivered alternately in batches of 4,096, an 18-digit
// key and a short value. Prints the CPU seconds of each and the ratio.
// Usage: issue_store_bench [--issues N] [--dir DIR] [--blocks-only]
#include <sqlite3.h>
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "storage/governance_store.h"

namespace {

using citydata::DatasetName;
using citydata::Zone;

struct SyntheticIssue {
  std::string rule_id;
  int64_t row_id;
  std::string key;
  std::string value;
};

constexpr const char* kRules[] = {
    "id_valid",      "id_present",     "id_unique",        "name_present",
    "mobile_valid",  "mobile_present", "email_format",     "status_lower",
    "age_range",     "income_range",   "reg_date_range",   "sex_code",
    "district_code", "status_code",    "birth_matches_id", "closed_no_income"};

// Two scan parts over rows [1, 8.4 N], each row failing one rule with probability 1/8.4,
// delivered as the evaluator delivers them: a batch of 4,096 from one part, then one
// from the other.
std::vector<SyntheticIssue> MakeIssues(size_t n) {
  std::mt19937_64 rng(42);
  const int64_t rows = static_cast<int64_t>(n) * 84 / 10;
  std::vector<SyntheticIssue> parts[2];
  for (int p = 0; p < 2; ++p) {
    for (int64_t row = 1 + p * rows / 2; parts[p].size() < n / 2 + p * (n % 2); ++row) {
      if (rng() % 84 >= 10) continue;
      std::string key = std::to_string(110105190000000000ULL + rng() % 999999999999ULL);
      std::string value = "1" + std::to_string(3000000000ULL + rng() % 6999999999ULL);
      if (rng() % 4 == 0) value += " (check_character)";
      parts[p].push_back({kRules[rng() % 16], row, std::move(key), std::move(value)});
    }
  }
  std::vector<SyntheticIssue> out;
  constexpr size_t kBatch = 4096;
  for (size_t at = 0; at < parts[0].size() || at < parts[1].size(); at += kBatch) {
    for (auto& part : parts) {
      for (size_t i = at; i < std::min(part.size(), at + kBatch); ++i) {
        out.push_back(std::move(part[i]));
      }
    }
  }
  return out;
}

// The layout the store used before blocks: a row per issue, indexed by (run, rule, row),
// 64 rows per INSERT, 10,000 per transaction, and the run's record after its issues.
double StoreAsRows(const std::string& path, const std::vector<SyntheticIssue>& issues,
                   const std::string& run_id);

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(u.ru_utime) + seconds(u.ru_stime);
}

void Exec(sqlite3* db, const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    std::fprintf(stderr, "%s: %s\n", sql, error);
    std::exit(1);
  }
}

// Binds issues [from, from + n) to a statement inserting n rows.
void BindRows(sqlite3_stmt* s, const std::vector<SyntheticIssue>& issues, size_t from, size_t n,
              const std::string& run_id) {
  for (size_t r = 0; r < n; ++r) {
    const SyntheticIssue& x = issues[from + r];
    const int first = static_cast<int>(r * 5) + 1;
    sqlite3_bind_text(s, first, run_id.data(), static_cast<int>(run_id.size()), SQLITE_STATIC);
    sqlite3_bind_text(s, first + 1, x.rule_id.data(), static_cast<int>(x.rule_id.size()),
                      SQLITE_STATIC);
    sqlite3_bind_int64(s, first + 2, x.row_id);
    sqlite3_bind_text(s, first + 3, x.key.data(), static_cast<int>(x.key.size()), SQLITE_STATIC);
    sqlite3_bind_text(s, first + 4, x.value.data(), static_cast<int>(x.value.size()),
                      SQLITE_STATIC);
  }
  sqlite3_step(s);
  sqlite3_reset(s);
}

sqlite3_stmt* PrepareInsert(sqlite3* db, size_t rows) {
  std::string sql = "INSERT INTO quality_issues VALUES (?, ?, ?, ?, ?)";
  for (size_t r = 1; r < rows; ++r) sql += ", (?, ?, ?, ?, ?)";
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr);
  return s;
}

double StoreAsRows(const std::string& path, const std::vector<SyntheticIssue>& issues,
                   const std::string& run_id) {
  constexpr size_t kPerInsert = 64, kPerTransaction = 10000;
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  Exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
  Exec(db, R"sql(
CREATE TABLE quality_runs (id TEXT PRIMARY KEY, result TEXT NOT NULL);
CREATE TABLE quality_issues (
  run_id TEXT NOT NULL, rule_id TEXT NOT NULL, row_id INTEGER NOT NULL, key TEXT NOT NULL,
  value TEXT NOT NULL);
CREATE INDEX quality_issues_by_run ON quality_issues (run_id, rule_id, row_id);)sql");
  sqlite3_stmt* bulk = PrepareInsert(db, kPerInsert);
  const double start = CpuSeconds();
  for (size_t at = 0; at < issues.size(); at += kPerTransaction) {
    Exec(db, "BEGIN IMMEDIATE");
    const size_t end = std::min(issues.size(), at + kPerTransaction);
    size_t i = at;
    for (; i + kPerInsert <= end; i += kPerInsert) BindRows(bulk, issues, i, kPerInsert, run_id);
    if (i < end) {  // the transaction's tail: a statement of its size, as the store did
      sqlite3_stmt* tail = PrepareInsert(db, end - i);
      BindRows(tail, issues, i, end - i, run_id);
      sqlite3_finalize(tail);
    }
    Exec(db, "COMMIT");
  }
  Exec(db, "INSERT INTO quality_runs VALUES ('run', '{}')");
  const double seconds = CpuSeconds() - start;
  sqlite3_finalize(bulk);
  sqlite3_close(db);
  return seconds;
}

int64_t ResidentMb() {
  long pages = 0, resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return resident * 4096 / (1 << 20);
}

}  // namespace

int main(int argc, char** argv) {
  size_t n = 1190554;
  bool blocks_only = false;  // for profiling the store alone
  std::string dir = std::filesystem::temp_directory_path() / "citydata_issue_store_bench";
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--blocks-only") == 0) blocks_only = true;
    if (i + 1 < argc && std::strcmp(argv[i], "--issues") == 0) {
      n = std::strtoull(argv[++i], nullptr, 10);
    } else if (i + 1 < argc && std::strcmp(argv[i], "--dir") == 0) {
      dir = argv[++i];
    }
  }
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::vector<SyntheticIssue> issues = MakeIssues(n);
  const std::string run_id = "qr_0123456789abcdef";

  const double rows = blocks_only ? 0 : StoreAsRows(dir + "/rows.db", issues, run_id);
  const double rows_mb = blocks_only ? 0 : std::filesystem::file_size(dir + "/rows.db") / 1e6;

  auto store = citydata::storage::OpenSqliteGovernanceStore(dir + "/governance.db");
  if (!store.ok()) return std::fprintf(stderr, "%s\n", store.status().ToString().c_str()), 1;
  const int64_t resident = ResidentMb();
  const double start = CpuSeconds();
  citydata::storage::QualityIssueSet set;
  for (const auto& i : issues) set.Add(i.rule_id, i.row_id, i.key, i.value);
  const double collected = CpuSeconds() - start;
  const int64_t set_mb = ResidentMb() - resident;
  citydata::Status st = (*store)->AddQualityRun(
      {run_id, DatasetName{Zone::kRaw, "people"}, "manual", "", "2026", "2026", 90, "{}", ""}, set);
  if (!st.ok()) return std::fprintf(stderr, "%s\n", st.ToString().c_str()), 1;
  const double blocks = CpuSeconds() - start;
  std::printf("storing %zu issues, CPU seconds:\n", issues.size());
  if (!blocks_only) {
    std::printf("  a row per issue (table + index, 64-row INSERTs): %.3f s, file %.1f MB\n", rows,
                rows_mb);
  }
  std::printf(
      "  blocks (QualityIssueSet, AddQualityRun):          %.3f s (collect %.3f, sort and "
      "store %.3f), file %.1f MB, the set in memory ~%lld MB\n",
      blocks, collected, blocks - collected,
      std::filesystem::file_size(dir + "/governance.db") / 1e6, static_cast<long long>(set_mb));
  if (!blocks_only) std::printf("  ratio %.1f\n", rows / blocks);
  std::filesystem::remove_all(dir);
  return 0;
}
