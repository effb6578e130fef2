// A microbenchmark of the bench/quality plan's row rules (everything but `unique`) on
// generated rows resembling bench/quality/gen_people.cc, decoded into cells the way
// scan.cc decodes them. Prints, per rule, its failing count and its nanoseconds per
// row (the best of three passes), so that a change can be checked for both speed and
// identical results. Disabled: run with
//   quality_test --gtest_also_run_disabled_tests --gtest_filter='*PerfBenchRowRules*'
// (CITYDATA_PERF_ROWS sets the row count, 1,000,000 by default, and
// CITYDATA_PERF_PASSES the passes, 3 by default: more for a profile).
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "quality/row_rules.h"
#include "quality/value_checks.h"

namespace citydata::quality {
namespace {

class Rng {
 public:
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  int Int(int lo, int hi) {
    return lo + static_cast<int>(Next() % static_cast<uint64_t>(hi - lo + 1));
  }
  bool PerMille(int per_mille) { return static_cast<int>(Next() % 1000) < per_mille; }

 private:
  uint64_t state_ = 20261123;
};

constexpr std::array<const char*, 9> kColumns = {
    "id_number", "sex", "birth_date", "email", "age", "income", "district", "reg_date", "status"};
constexpr const char* kToday = "2026-11-23";

std::string IdNumber(Rng& rng, int64_t i, std::string& birth) {
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr const char* kRegions[6] = {"330102", "330105", "330106",
                                              "110105", "310104", "440305"};
  const int64_t slot = (i * 1000003) % (25202LL * 6 * 1000);
  birth = FormatDays(static_cast<int32_t>(-10957 + slot % 25202));
  char body[32];
  std::snprintf(body, sizeof body, "%s%s%s%s%03d", kRegions[slot / 25202 % 6],
                birth.substr(0, 4).c_str(), birth.substr(5, 2).c_str(), birth.substr(8, 2).c_str(),
                static_cast<int>(slot / 25202 / 6 % 1000));
  int sum = 0;
  for (int k = 0; k < 17; ++k) sum += (body[k] - '0') * kWeights[k];
  std::string id = std::string(body, 17) + "10X98765432"[sum % 11];
  int roll = rng.Int(0, 999);
  if (roll < 30) id[17] = id[17] == '0' ? '1' : '0';
  if (roll >= 30 && roll < 33) id.pop_back();
  if (roll >= 33 && roll < 35) id[17] = 'x';
  if (roll >= 35 && roll < 36) id.clear();
  if (rng.PerMille(5)) birth[9] = birth[9] == '1' ? '2' : '1';
  return id;
}

std::string Email(Rng& rng, int64_t i) {
  static constexpr const char* kDomains[4] = {"qq.com", "163.com", "example.cn", "zj.gov.cn"};
  std::string local = "u" + std::to_string(i);
  if (rng.PerMille(300)) local = "li." + std::to_string(i % 100000);
  std::string domain = kDomains[rng.Next() % 4];
  int roll = rng.Int(0, 999);
  if (roll < 5) return local + domain;
  if (roll < 8) return local + "@@" + domain;
  if (roll < 10) return "U" + local.substr(1) + "@" + domain;
  return local + "@" + domain;
}

// One generated row: a Value per column of kColumns, typed as the bench's ingest infers
// them (sex, age and district integers, income decimal, the rest text; "" is NULL).
std::vector<Value> MakeRow(Rng& rng, int64_t i) {
  static constexpr const char* kStatuses[3] = {"active", "inactive", "closed"};
  static constexpr int64_t kDistricts[13] = {330102, 330105, 330106, 330108, 330109, 330110, 330111,
                                             330112, 330113, 330114, 330122, 330127, 330182};
  std::string birth;
  std::string id = IdNumber(rng, i, birth);
  int64_t sex = rng.PerMille(10) ? (rng.PerMille(500) ? 9 : 0) : 1 + i % 2;
  int64_t age = 2026 - std::stoi(birth.substr(0, 4));
  if (rng.PerMille(5)) age = rng.PerMille(500) ? -1 : rng.Int(121, 150);
  std::string status =
      rng.PerMille(3) ? (rng.PerMille(500) ? "ACTIVE" : "unknown") : kStatuses[rng.Next() % 3];
  int cents = rng.Int(0, 20000000);
  if (status == "closed" && !rng.PerMille(20)) cents = 0;
  if (rng.PerMille(3)) cents = -cents - 1;
  int64_t district = rng.PerMille(5) ? 330199 : kDistricts[rng.Next() % 13];
  char reg[16];
  std::snprintf(reg, sizeof reg, "%04d-%02d-%02d", rng.PerMille(2) ? 2027 : rng.Int(2000, 2025),
                rng.Int(1, 12), rng.Int(1, 28));
  return {id.empty() ? Value() : Value(id),
          sex,
          birth,
          Email(rng, i),
          age,
          cents / 100.0,
          district,
          std::string(reg),
          status};
}

// Rows decoded to cells as scan.cc does: texts viewed, numbers rendered as text. As in
// a column segment, the texts of a block of 128 rows lie together, column by column.
struct DecodedRows {
  std::vector<Value> values;  // row-major
  std::string arena;
  std::vector<Cell> cells;
  std::vector<int64_t> row_ids;
};

std::string_view TextForm(const Value& v, std::string& buffer) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* n = std::get_if<int64_t>(&v)) return buffer = std::to_string(*n);
  if (const auto* d = std::get_if<double>(&v)) return buffer = FormatDouble(*d);
  return {};
}

void Decode(DecodedRows& out, size_t columns) {
  const size_t rows = out.values.size() / columns;
  std::vector<size_t> offsets(out.values.size());
  std::string buffer;
  for (size_t first = 0; first < rows; first += 128) {
    for (size_t c = 0; c < columns; ++c) {
      for (size_t r = first; r < std::min(rows, first + 128); ++r) {
        offsets[r * columns + c] = out.arena.size();
        out.arena += TextForm(out.values[r * columns + c], buffer);
      }
    }
  }
  for (size_t i = 0; i < out.values.size(); ++i) {
    const Value& v = out.values[i];
    Cell cell;
    if (!IsNull(v)) {
      cell.null = false;
      cell.text = std::string_view(out.arena).substr(offsets[i], TextForm(v, buffer).size());
      if (!std::holds_alternative<std::string>(v)) cell.value = &v;
    }
    out.cells.push_back(cell);
  }
}

std::string PlanText() {
  return R"yaml(dataset: raw.people
rules:
  - {id: id_valid, column: id_number, type: id_card}
  - {id: id_present, column: id_number, type: not_null}
  - {id: email_format, column: email, type: regex, pattern: '[a-z0-9._]+@[a-z0-9.]+\.[a-z]+'}
  - {id: status_lower, column: status, type: regex, pattern: '[a-z]+'}
  - {id: age_range, column: age, type: range, min: 0, max: 120}
  - {id: income_range, column: income, type: range, min: 0, max: 1000000}
  - {id: reg_date_range, column: reg_date, type: range, min: '2000-01-01', max: '2026-11-23'}
  - {id: sex_code, column: sex, type: in_set, values: ['1', '2']}
  - {id: district_code, column: district, type: in_set, values: ['330102', '330105', '330106', '330108', '330109', '330110', '330111', '330112', '330113', '330114', '330122', '330127', '330182']}
  - {id: status_code, column: status, type: in_set, values: [active, inactive, closed]}
  - {id: birth_matches_id, type: expression, expr: "birth_date = id_birth_date(id_number)"}
  - {id: closed_no_income, type: expression, expr: "status <> 'closed' or income = 0"}
)yaml";
}

TEST(RowRulesPerf, DISABLED_PerfBenchRowRules) {
  const char* env_rows = std::getenv("CITYDATA_PERF_ROWS");
  const int64_t rows = env_rows != nullptr ? std::atoll(env_rows) : 1000000;
  DecodedRows data;
  Rng rng;
  for (int64_t i = 1; i <= rows; ++i) {
    for (Value& v : MakeRow(rng, i)) data.values.push_back(std::move(v));
    data.row_ids.push_back(i);
  }
  Decode(data, kColumns.size());
  auto plan = ParsePlan(PlanText());
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  RowCheckEnv env;
  env.slot = [](std::string_view column) {
    for (size_t i = 0; i < kColumns.size(); ++i) {
      if (column == kColumns[i]) return static_cast<int>(i);
    }
    return -1;
  };
  env.today_iso = kToday;
  env.today_days = *ParseIsoDateDays(kToday);
  std::vector<std::unique_ptr<RowCheck>> checks;
  for (const Rule& rule : plan->rules) {
    auto check = CompileRowCheck(rule, env);
    ASSERT_TRUE(check.ok()) << check.status().ToString();
    checks.push_back(std::move(*check));
  }
  using Clock = std::chrono::steady_clock;
  std::vector<double> best(checks.size(), 1e300);
  std::vector<int64_t> failed(checks.size()), warned(checks.size());
  RowScratch scratch;
  std::vector<RowVerdict> verdicts;
  const size_t n = kColumns.size();
  std::vector<Cell> block_cells(128 * n);
  std::vector<Value> block_values(128 * n);
  const char* env_passes = std::getenv("CITYDATA_PERF_PASSES");
  const int passes = env_passes != nullptr ? std::atoi(env_passes) : 3;
  for (int pass = 0; pass < passes; ++pass) {
    std::vector<Clock::duration> spent(checks.size());
    std::fill(failed.begin(), failed.end(), 0);
    std::fill(warned.begin(), warned.end(), 0);
    for (size_t first = 0; first < data.row_ids.size(); first += 128) {
      size_t count = std::min<size_t>(128, data.row_ids.size() - first);
      // As in scan.cc, the block's cells and numbers are written afresh into buffers
      // reused from block to block (untimed); texts stay where they are.
      for (size_t i = 0; i < count * n; ++i) {
        block_cells[i] = data.cells[first * n + i];
        if (block_cells[i].value != nullptr) {
          block_values[i] = *block_cells[i].value;
          block_cells[i].value = &block_values[i];
        }
      }
      CellBlock block(std::span(data.row_ids).subspan(first, count),
                      std::span<const Cell>(block_cells).subspan(0, count * n), n);
      for (size_t c = 0; c < checks.size(); ++c) {
        verdicts.clear();
        auto start = Clock::now();
        checks[c]->CheckBlock(block, scratch, verdicts);
        spent[c] += Clock::now() - start;
        for (const RowVerdict& v : verdicts) ++(v.verdict == Verdict::kFail ? failed : warned)[c];
      }
    }
    for (size_t c = 0; c < checks.size(); ++c) {
      best[c] = std::min(best[c], std::chrono::duration<double>(spent[c]).count());
    }
  }
  double total = 0;
  for (size_t c = 0; c < checks.size(); ++c) {
    total += best[c];
    std::printf("%-18s failed %8lld warnings %lld  %7.1f ns/row  %6.3f s per 10M rows\n",
                plan->rules[c].id.c_str(), static_cast<long long>(failed[c]),
                static_cast<long long>(warned[c]), best[c] * 1e9 / static_cast<double>(rows),
                best[c] * 1e7 / static_cast<double>(rows));
  }
  std::printf("%-18s %41.3f s per 10M rows\n", "all", total * 1e7 / static_cast<double>(rows));
}

}  // namespace
}  // namespace citydata::quality
