// Runs a rule plan over one dataset and reports per-rule counts, samples, scores and
// every failing row.
//
// One pass: the columns all rules need are scanned once, without copies, with
// Engine::ScanPartBlocks over `threads` parts in parallel; each cell is decoded once
// per row and every row-level rule (value, format and expression rules, reference and
// consistency lookups) runs on it with per-thread counters merged at the end.
// unique / duplicate_rows collect 64-bit key hashes in the same pass; only when two
// rows share a hash is the key column set scanned a second time, for the rows with
// those hashes, to count keys exactly and report their row ids. reference /
// consistency load the other dataset into a hash table before the pass; sql rules run
// through Engine::Query.
//
// Counting semantics (see README.md for the per-type details):
//   - checked: rows examined (all rows of the dataset; 1 for dataset-level rules
//     and for sql rules the dataset's row count);
//   - failed: the exact number of rows violating the rule (0 or 1 for dataset-level
//     rules; the query's row count for sql);
//   - NULL fails only not_null / not_empty; every other rule passes NULL, and every
//     value rule except length and not_empty also passes "" (an empty string is
//     treated as a missing value, not a malformed one);
//   - unique / duplicate_rows: every row whose key occurs more than once fails
//     (three rows with one key → 3); unique ignores rows with a NULL key column,
//     duplicate_rows treats NULLs as equal;
//   - failed_ratio = failed / checked (0 when checked is 0);
//     passed = 1 - failed_ratio >= mostly.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/types.h"
#include "quality/row_rules.h"
#include "quality/rule.h"
#include "storage/engine.h"

namespace citydata::quality {

struct EvalContext {
  storage::Engine* engine = nullptr;  // REQUIRES: non-null
  CodeTableResolver code_tables;      // for in_code_table; may be empty
  // The previous run's RuleResult::metrics by rule id, for row_count
  // max_change_percent and distribution rules.
  std::map<std::string, nlohmann::json> previous_metrics;
  int threads = 0;  // scan parts; 0 = std::thread::hardware_concurrency() (2 if unknown)
  // The run's clock: now (seconds since the epoch) for freshness, today
  // ("YYYY-MM-DD") for ID birth dates and the expression today(). Unset: the system
  // clock, today being the date at utc_offset_minutes.
  std::optional<int64_t> now_unix_seconds;
  std::string today;
  // Timestamps without an offset are local time this far east of UTC (China: +08:00).
  int utc_offset_minutes = 480;
  int max_samples = 10;  // failing examples kept per rule
};

// A failing row as stored by callers (the quarantine / issue list).
struct Issue {
  std::string rule_id;
  int64_t row_id = -1;  // -1 when unknown (an sql rule whose query has no _row_id)
  std::string key;      // the plan's key column value; empty without a key or when NULL
  // The offending value(s) as text; several columns are joined with " | " and a
  // NULL is written NULL.
  std::string value;
  std::string detail;  // a short reason where the rule has one, e.g. "check_character"
};

// Calls are serialized (never concurrent) but may come from different scan threads
// and in no particular order. A sink must not call back into the evaluator.
using IssueSink = std::function<void(const Issue&)>;

struct Sample {
  int64_t row_id = -1;
  std::vector<std::optional<std::string>> values;  // one per rule column; nullopt = NULL
  std::string detail;
};

struct RuleResult {
  std::string id;
  RuleType type = RuleType::kNotNull;
  std::vector<std::string> columns;  // the rule's columns (for expressions, those it reads)
  Dimension dimension = Dimension::kValidity;
  Severity severity = Severity::kError;
  double mostly = 1.0;
  bool gate = false;
  int64_t checked = 0;
  int64_t failed = 0;
  double failed_ratio = 0;
  bool passed = true;
  // uscc: codes that pass GB 32100 but whose embedded GB 11714 organisation code
  // fails its own check (a warning, not counted in failed).
  int64_t warnings = 0;
  std::vector<Sample> samples;  // the failing rows with the lowest row ids
  std::string observed;         // dataset-level and sql rules: what was measured
  std::string message;          // a sentence for people, e.g. why a drift rule failed
  nlohmann::json metrics = nlohmann::json::object();  // pass to the next run
};

struct RunResult {
  DatasetName dataset;
  int64_t rows = 0;
  double score = 100;                      // 0..100, see scoring.h
  std::map<Dimension, double> dimensions;  // only dimensions that have rules
  std::vector<RuleResult> rules;           // in plan order
  double seconds = 0;                      // wall time of the run
};

// Evaluates `plan` against ctx.engine. Errors: NotFound when the dataset, a column a
// rule reads, a reference / consistency dataset or column is missing;
// InvalidArgument for an unknown code table or a failing sql rule query; both name
// the rule. Engine errors are passed on. `sink` may be empty.
Result<RunResult> Evaluate(const RulePlan& plan, const EvalContext& ctx, const IssueSink& sink);

// True when every rule with gate: true passed.
bool GatePassed(const RunResult& run);

// {"dataset", "run_id": "", "rows", "score", "seconds", "dimensions": {"validity": 97.5,
// ...}, "rules": [{"id", "type", "column" (the first column or null), "columns",
// "dimension", "severity", "mostly", "gate", "checked", "failed", "failed_ratio",
// "passed", "warnings", "samples": [{"row_id", "values": [...], "detail"}], "observed",
// "message", "metrics"}]}.
nlohmann::json ToJson(const RunResult& run);

}  // namespace citydata::quality
