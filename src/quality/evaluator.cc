#include "quality/evaluator.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <mutex>
#include <thread>

#include "quality/dataset_rules.h"
#include "quality/issue_delivery.h"
#include "quality/key_rules.h"
#include "quality/lookup_rules.h"
#include "quality/rule_params.h"
#include "quality/scan.h"
#include "quality/scoring.h"
#include "quality/value_checks.h"

namespace citydata::quality {
namespace {

struct CompiledRow {
  size_t result;
  std::unique_ptr<RowCheck> check;
};
struct CompiledKey {
  size_t result;
  KeyRule key;
};
struct CompiledAggregate {
  size_t result;
  int slot;
  size_t max_values;
};

// Everything Evaluate derives from the plan before scanning.
struct CompiledPlan {
  std::vector<std::string> columns;  // scanned columns; a cell's slot is its index
  int key_slot = -1;
  std::vector<CompiledRow> rows;
  std::vector<CompiledKey> keys;
  std::vector<CompiledAggregate> aggregates;
  std::vector<size_t> row_counts, sqls;  // result indexes
};

struct PartState {
  // The row checks this part runs, by CompiledPlan::rows index: shared, or the part's own
  // copy (see OwnCopyPerPart).
  std::vector<const RowCheck*> checks;
  int64_t rows = 0;
  std::vector<int64_t> failed, warnings;
  std::vector<std::vector<Sample>> samples;
  std::vector<PartHashes> hashes;
  std::vector<ColumnAggregate> aggregates;
  RowScratch scratch;
  std::vector<RowVerdict> verdicts;  // one check's over the current block
  IssueBatch issues;
};

// Overwrites `out` with the cells' texts joined by " | ", NULL written NULL.
void CellsText(std::span<const Cell> row, const std::vector<int>& slots, std::string& out) {
  out.clear();
  for (size_t i = 0; i < slots.size(); ++i) {
    const Cell& c = row[static_cast<size_t>(slots[i])];
    if (i > 0) out += " | ";
    out += c.null ? std::string_view("NULL") : c.text;
  }
}

std::vector<std::optional<std::string>> CellValues(std::span<const Cell> row,
                                                   const std::vector<int>& slots) {
  std::vector<std::optional<std::string>> out;
  for (int s : slots) {
    const Cell& c = row[static_cast<size_t>(s)];
    out.push_back(c.null ? std::nullopt : std::optional<std::string>(std::string(c.text)));
  }
  return out;
}

std::string KeyText(std::span<const Cell> row, int key_slot) {
  if (key_slot < 0 || row[static_cast<size_t>(key_slot)].null) return {};
  return std::string(row[static_cast<size_t>(key_slot)].text);
}

void AssignKeyText(std::span<const Cell> row, int key_slot, std::string& out) {
  if (key_slot < 0 || row[static_cast<size_t>(key_slot)].null) {
    out.clear();
  } else {
    out.assign(row[static_cast<size_t>(key_slot)].text);
  }
}

// RE2 takes a reader lock on the regex's shared DFA cache for every match; with a copy
// per part, the scan threads do not bounce that lock's cache line between cores. (A
// regex check that matches with a ByteDfa would not need its copy; the copy costs one
// more compile per part, bounded by ByteDfa's work limit.) Other checks are lock-free,
// and reference / consistency checks hold loaded datasets, so they are shared.
bool OwnCopyPerPart(RuleType type) { return type == RuleType::kRegex; }

class Evaluation {
 public:
  Evaluation(const RulePlan& plan, const EvalContext& ctx, const IssueSink& sink)
      : plan_(plan), ctx_(ctx), engine_(*ctx.engine), delivery_(sink) {}

  Result<RunResult> Run();

 private:
  Status Prepare();
  Status Compile(size_t index);
  Status PreparePart(size_t part, PartState& st);
  Result<int> Slot(size_t index, const std::string& column);
  std::string RuleLabel(size_t index) const {
    return "rule " + std::to_string(index + 1) + " (" + plan_.rules[index].id + ")";
  }
  void VisitBlock(PartState& st, const CellBlock& block);
  void RecordFailure(PartState& st, size_t r, int64_t row_id, std::span<const Cell> row,
                     std::string_view detail);
  Status ScanPass();
  Status KeyPass();
  std::vector<int64_t> KeyCandidates(size_t k);
  bool RowidAddressable() const;
  void ReportDuplicates(std::vector<KeyHit> dups, RuleResult& out);
  void MergeParts();
  Status DatasetRules();

  const RulePlan& plan_;
  const EvalContext& ctx_;
  storage::Engine& engine_;
  IssueDelivery delivery_;
  Schema schema_;
  int parts_ = 2;
  int64_t now_ = 0;
  int32_t today_days_ = 0;
  RowCheckEnv env_;
  CompiledPlan cp_;
  std::vector<std::unique_ptr<RowCheck>> part_checks_;  // the parts' own copies
  std::vector<PartState> states_;
  RunResult run_;
};

Result<int> Evaluation::Slot(size_t index, const std::string& column) {
  auto known = std::find_if(schema_.begin(), schema_.end(),
                            [&](const ColumnDef& c) { return c.name == column; });
  if (known == schema_.end()) {
    return NotFound(RuleLabel(index) + ": column '" + column + "' is not in " +
                    plan_.dataset.ToString());
  }
  auto it = std::find(cp_.columns.begin(), cp_.columns.end(), column);
  if (it != cp_.columns.end()) return static_cast<int>(it - cp_.columns.begin());
  cp_.columns.push_back(column);
  return static_cast<int>(cp_.columns.size() - 1);
}

Status Evaluation::Compile(size_t index) {
  const Rule& rule = plan_.rules[index];
  std::vector<std::string> inputs = RuleInputColumns(rule);
  if (rule.type == RuleType::kDuplicateRows && inputs.empty()) {
    for (const auto& c : schema_) inputs.push_back(c.name);
  }
  std::vector<int> slots;
  for (const auto& c : inputs) {
    ASSIGN_OR_RETURN(int slot, Slot(index, c));
    slots.push_back(slot);
  }
  run_.rules[index].columns = inputs;
  Result<std::unique_ptr<RowCheck>> check = std::unique_ptr<RowCheck>();
  switch (rule.type) {
    case RuleType::kUnique:
    case RuleType::kDuplicateRows:
      cp_.keys.push_back({index, KeyRule(slots, rule.type == RuleType::kUnique)});
      return Status::Ok();
    case RuleType::kFreshness:
    case RuleType::kDistribution:
      cp_.aggregates.push_back({index, slots.front(), DistributionMaxValues(rule)});
      return Status::Ok();
    case RuleType::kRowCount:
      cp_.row_counts.push_back(index);
      return Status::Ok();
    case RuleType::kSql:
      cp_.sqls.push_back(index);
      return Status::Ok();
    case RuleType::kReference:
      check = CompileReferenceCheck(rule, env_, engine_);
      break;
    case RuleType::kConsistency:
      check = CompileConsistencyCheck(rule, env_, engine_);
      break;
    default:
      check = CompileRowCheck(rule, env_);
      break;
  }
  if (!check.ok()) return check.status().WithContext(RuleLabel(index));
  cp_.rows.push_back({index, std::move(*check)});
  return Status::Ok();
}

Status Evaluation::Prepare() {
  if (ctx_.engine == nullptr) return InvalidArgument("no engine to evaluate against");
  ASSIGN_OR_RETURN(auto schema, engine_.GetSchema(plan_.dataset));
  if (!schema) return NotFound("dataset " + plan_.dataset.ToString() + " does not exist");
  schema_ = std::move(*schema);
  unsigned hw = std::thread::hardware_concurrency();
  parts_ = ctx_.threads > 0 ? ctx_.threads : (hw > 0 ? static_cast<int>(hw) : 2);
  now_ = ctx_.now_unix_seconds.value_or(std::chrono::duration_cast<std::chrono::seconds>(
                                            std::chrono::system_clock::now().time_since_epoch())
                                            .count());
  if (ctx_.today.empty()) {
    today_days_ = static_cast<int32_t>((now_ + int64_t{ctx_.utc_offset_minutes} * 60) / 86400);
  } else {
    auto days = ParseIsoDateDays(ctx_.today);
    if (!days) return InvalidArgument("today must be a date YYYY-MM-DD, not '" + ctx_.today + "'");
    today_days_ = *days;
  }
  env_.code_tables = ctx_.code_tables;
  env_.today_days = today_days_;
  env_.today_iso = FormatDays(today_days_);
  env_.slot = [this](std::string_view c) {
    return static_cast<int>(std::find(cp_.columns.begin(), cp_.columns.end(), c) -
                            cp_.columns.begin());
  };
  run_.dataset = plan_.dataset;
  for (size_t i = 0; i < plan_.rules.size(); ++i) {
    const Rule& r = plan_.rules[i];
    RuleResult result;
    result.id = r.id;
    result.type = r.type;
    result.dimension = r.dimension;
    result.severity = r.severity;
    result.mostly = r.mostly;
    result.gate = r.gate;
    run_.rules.push_back(std::move(result));
    RETURN_IF_ERROR(Compile(i));
  }
  if (!plan_.key_column.empty()) {
    auto known = std::find_if(schema_.begin(), schema_.end(),
                              [&](const ColumnDef& c) { return c.name == plan_.key_column; });
    if (known == schema_.end()) {
      return NotFound("plan key column '" + plan_.key_column + "' is not in " +
                      plan_.dataset.ToString());
    }
    // Without a sink the key is never reported, and it alone is no reason to scan.
    if (delivery_.active() && !cp_.columns.empty()) {
      auto it = std::find(cp_.columns.begin(), cp_.columns.end(), plan_.key_column);
      if (it == cp_.columns.end()) it = cp_.columns.insert(cp_.columns.end(), plan_.key_column);
      cp_.key_slot = static_cast<int>(it - cp_.columns.begin());
    }
  }
  return Status::Ok();
}

void Evaluation::RecordFailure(PartState& st, size_t r, int64_t row_id, std::span<const Cell> row,
                               std::string_view detail) {
  const CompiledRow& cr = cp_.rows[r];
  ++st.failed[r];
  if (st.samples[r].size() < static_cast<size_t>(ctx_.max_samples)) {
    st.samples[r].push_back({row_id, CellValues(row, cr.check->slots()), std::string(detail)});
  }
  if (delivery_.active()) {
    Issue& issue = delivery_.Next(st.issues);
    issue.rule_id.assign(plan_.rules[cr.result].id);
    issue.row_id = row_id;
    AssignKeyText(row, cp_.key_slot, issue.key);
    CellsText(row, cr.check->slots(), issue.value);
    issue.detail.assign(detail);
  }
}

// Rule by rule over the block: each check's loop stays hot, and a final check's calls
// are direct.
void Evaluation::VisitBlock(PartState& st, const CellBlock& block) {
  const size_t rows = block.rows();
  st.rows += static_cast<int64_t>(rows);
  for (size_t r = 0; r < cp_.rows.size(); ++r) {
    st.verdicts.clear();
    st.checks[r]->CheckBlock(block, st.scratch, st.verdicts);
    for (const RowVerdict& v : st.verdicts) {
      if (v.verdict == Verdict::kFail) {
        RecordFailure(st, r, block.row_id(v.row), block.row(v.row), v.detail);
      } else {
        ++st.warnings[r];
      }
    }
  }
  for (size_t k = 0; k < cp_.keys.size(); ++k) {
    for (size_t i = 0; i < rows; ++i) {
      if (auto h = cp_.keys[k].key.Hash(block.row(i))) st.hashes[k].Add(*h, block.row_id(i));
    }
  }
  for (size_t a = 0; a < cp_.aggregates.size(); ++a) {
    const auto slot = static_cast<size_t>(cp_.aggregates[a].slot);
    for (size_t i = 0; i < rows; ++i) st.aggregates[a].Add(block.row(i)[slot]);
  }
}

Status Evaluation::PreparePart(size_t part, PartState& st) {
  for (const CompiledRow& cr : cp_.rows) {
    const Rule& rule = plan_.rules[cr.result];
    if (part == 0 || !OwnCopyPerPart(rule.type)) {
      st.checks.push_back(cr.check.get());
      continue;
    }
    auto copy = CompileRowCheck(rule, env_);
    if (!copy.ok()) return copy.status().WithContext(RuleLabel(cr.result));
    st.checks.push_back(copy->get());
    part_checks_.push_back(std::move(*copy));
  }
  return Status::Ok();
}

Status Evaluation::ScanPass() {
  states_ = std::vector<PartState>(static_cast<size_t>(parts_));
  for (size_t p = 0; p < states_.size(); ++p) {
    PartState& st = states_[p];
    RETURN_IF_ERROR(PreparePart(p, st));
    st.failed.assign(cp_.rows.size(), 0);
    st.warnings.assign(cp_.rows.size(), 0);
    st.samples.resize(cp_.rows.size());
    st.hashes.resize(cp_.keys.size());
    for (const auto& a : cp_.aggregates)
      st.aggregates.emplace_back(a.max_values, ctx_.utc_offset_minutes);
  }
  if (cp_.columns.empty()) {
    ASSIGN_OR_RETURN(auto stats, engine_.Stats(plan_.dataset));
    states_[0].rows = stats.row_count;
    return Status::Ok();
  }
  RETURN_IF_ERROR(ParallelScanBlocks(engine_, plan_.dataset, cp_.columns, parts_,
                                     [this](int part, const CellBlock& block) {
                                       VisitBlock(states_[static_cast<size_t>(part)], block);
                                     }));
  for (PartState& st : states_) delivery_.Submit(st.issues);
  return Status::Ok();
}

void Evaluation::MergeParts() {
  for (const PartState& st : states_) run_.rows += st.rows;
  for (size_t r = 0; r < cp_.rows.size(); ++r) {
    RuleResult& out = run_.rules[cp_.rows[r].result];
    out.checked = run_.rows;
    for (PartState& st : states_) {
      out.failed += st.failed[r];
      out.warnings += st.warnings[r];
      for (auto& s : st.samples[r]) out.samples.push_back(std::move(s));
    }
    std::sort(out.samples.begin(), out.samples.end(),
              [](const Sample& a, const Sample& b) { return a.row_id < b.row_id; });
    if (out.samples.size() > static_cast<size_t>(ctx_.max_samples)) {
      out.samples.resize(static_cast<size_t>(ctx_.max_samples));
    }
    if (out.type == RuleType::kUscc && out.warnings > 0) {
      out.message = std::to_string(out.warnings) +
                    " code(s) pass GB 32100 but their GB 11714 organisation code fails its check";
    }
  }
}

std::vector<int64_t> Evaluation::KeyCandidates(size_t k) {
  std::vector<const PartHashes*> parts;
  for (const PartState& st : states_) parts.push_back(&st.hashes[k]);
  return RowsWithRepeatedHashes(parts, parts_);
}

// True when SQL's rowid is the row id (no column shadows it), as FetchRows needs.
bool Evaluation::RowidAddressable() const {
  return std::none_of(schema_.begin(), schema_.end(), [](const ColumnDef& c) {
    std::string lower = c.name;
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return lower == "rowid" || lower == "_rowid_" || lower == "oid";
  });
}

Status Evaluation::KeyPass() {
  std::vector<std::vector<int64_t>> candidates(cp_.keys.size());
  std::vector<std::string> columns;
  std::vector<KeyRule> remapped;
  std::vector<size_t> active;
  auto remap = [&](int slot) {
    const std::string& name = cp_.columns[static_cast<size_t>(slot)];
    auto it = std::find(columns.begin(), columns.end(), name);
    if (it != columns.end()) return static_cast<int>(it - columns.begin());
    columns.push_back(name);
    return static_cast<int>(columns.size() - 1);
  };
  std::vector<int64_t> all;
  for (size_t k = 0; k < cp_.keys.size(); ++k) {
    run_.rules[cp_.keys[k].result].checked = run_.rows;
    candidates[k] = KeyCandidates(k);
    for (PartState& st : states_) st.hashes[k] = PartHashes();
    if (candidates[k].empty()) continue;
    std::vector<int> slots;
    for (int s : cp_.keys[k].key.slots()) slots.push_back(remap(s));
    remapped.emplace_back(slots, run_.rules[cp_.keys[k].result].type == RuleType::kUnique);
    active.push_back(k);
    all.insert(all.end(), candidates[k].begin(), candidates[k].end());
  }
  if (active.empty()) return Status::Ok();
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  int key_slot = cp_.key_slot >= 0 && delivery_.active() ? remap(cp_.key_slot) : -1;
  std::vector<std::vector<std::vector<KeyHit>>> hits(
      static_cast<size_t>(parts_), std::vector<std::vector<KeyHit>>(active.size()));
  auto visit = [&](int part, int64_t row_id, std::span<const Cell> row) {
    for (size_t a = 0; a < active.size(); ++a) {
      const auto& ids = candidates[active[a]];
      if (!std::binary_search(ids.begin(), ids.end(), row_id)) continue;
      KeyHit hit;
      remapped[a].EncodeKey(row, hit.key);
      hit.row_id = row_id;
      hit.values = CellValues(row, remapped[a].slots());
      hit.row_key = KeyText(row, key_slot);
      hits[static_cast<size_t>(part)][a].push_back(std::move(hit));
    }
  };
  // Point reads when few rows are needed; a rescan filtered by row id otherwise, or
  // when the engine cannot read rows by id.
  bool fetched =
      all.size() * 20 <= static_cast<size_t>(run_.rows) && RowidAddressable() &&
      FetchRows(engine_, plan_.dataset, columns, all,
                [&](int64_t row_id, std::span<const Cell> row) { visit(0, row_id, row); })
          .ok();
  if (!fetched) {
    for (auto& part : hits) {
      for (auto& h : part) h.clear();
    }
    std::vector<uint64_t> ids(all.begin(), all.end());
    HashSet64 wanted(ids);
    RETURN_IF_ERROR(ParallelScan(engine_, plan_.dataset, columns, parts_,
                                 [&](int part, int64_t row_id, std::span<const Cell> row) {
                                   if (wanted.contains(static_cast<uint64_t>(row_id)))
                                     visit(part, row_id, row);
                                 }));
  }
  for (size_t a = 0; a < active.size(); ++a) {
    std::vector<KeyHit> part_hits;
    for (auto& part : hits) {
      for (auto& h : part[a]) part_hits.push_back(std::move(h));
    }
    ReportDuplicates(DuplicateHits(std::move(part_hits)), run_.rules[cp_.keys[active[a]].result]);
  }
  return Status::Ok();
}

void Evaluation::ReportDuplicates(std::vector<KeyHit> dups, RuleResult& out) {
  out.failed = static_cast<int64_t>(dups.size());
  IssueBatch batch;
  for (auto& hit : dups) {
    if (out.samples.size() < static_cast<size_t>(ctx_.max_samples)) {
      out.samples.push_back({hit.row_id, hit.values, "duplicate"});
    }
    if (!delivery_.active()) continue;
    std::string text;
    for (const auto& v : hit.values) text += (text.empty() ? "" : " | ") + v.value_or("NULL");
    delivery_.Next(batch) = Issue{out.id, hit.row_id, hit.row_key, std::move(text), "duplicate"};
  }
  delivery_.Submit(batch);
}

Status Evaluation::DatasetRules() {
  for (size_t i : cp_.row_counts) {
    auto prev = ctx_.previous_metrics.find(plan_.rules[i].id);
    FinishRowCount(plan_.rules[i], run_.rows,
                   prev == ctx_.previous_metrics.end() ? nullptr : &prev->second, run_.rules[i]);
  }
  for (size_t a = 0; a < cp_.aggregates.size(); ++a) {
    ColumnAggregate merged = states_[0].aggregates[a];
    for (size_t p = 1; p < states_.size(); ++p) merged.Merge(states_[p].aggregates[a]);
    size_t i = cp_.aggregates[a].result;
    const Rule& rule = plan_.rules[i];
    if (rule.type == RuleType::kFreshness) {
      FinishFreshness(rule, merged, now_, run_.rules[i]);
    } else {
      auto prev = ctx_.previous_metrics.find(rule.id);
      FinishDistribution(rule, merged,
                         prev == ctx_.previous_metrics.end() ? nullptr : &prev->second,
                         run_.rules[i]);
    }
  }
  IssueBatch batch;
  IssueSink sql_sink;
  if (delivery_.active()) {
    sql_sink = [this, &batch](const Issue& issue) { delivery_.Next(batch) = issue; };
  }
  for (size_t i : cp_.sqls) {
    Status s = RunSqlRule(plan_.rules[i], engine_, run_.rows, plan_.key_column, ctx_.max_samples,
                          sql_sink, run_.rules[i]);
    if (!s.ok()) return s.WithContext(RuleLabel(i));
  }
  delivery_.Submit(batch);
  return Status::Ok();
}

Result<RunResult> Evaluation::Run() {
  auto start = std::chrono::steady_clock::now();
  RETURN_IF_ERROR(Prepare());
  RETURN_IF_ERROR(ScanPass());
  MergeParts();
  RETURN_IF_ERROR(KeyPass());
  RETURN_IF_ERROR(DatasetRules());
  delivery_.Finish();
  ComputeScores(run_);
  run_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return std::move(run_);
}

}  // namespace

Result<RunResult> Evaluate(const RulePlan& plan, const EvalContext& ctx, const IssueSink& sink) {
  Evaluation evaluation(plan, ctx, sink);
  return evaluation.Run();
}

}  // namespace citydata::quality
