// Row-level rules compiled for a scan: everything that can be decided from one row
// (not_null ... passport, expression), plus the lookup rules reference and
// consistency once their other dataset is loaded (lookup_rules.h).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/status.h"
#include "quality/cell.h"
#include "quality/expression.h"
#include "quality/rule.h"

namespace citydata::quality {

// Returns the code table's values, or nullptr when there is no such table. The set
// must stay valid and unchanged while Evaluate runs.
using CodeTableResolver =
    std::function<const std::unordered_set<std::string>*(std::string_view table_id)>;

// A set of strings that looks up string_views without building a std::string.
struct TextHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using TextSet = std::unordered_set<std::string, TextHash, std::equal_to<>>;

enum class Verdict { kPass, kFail, kPassWithWarning };

// A row of a block that did not simply pass: its index in the block, the verdict, and
// the detail Check set (a static text).
struct RowVerdict {
  uint32_t row;
  Verdict verdict;
  std::string_view detail;
};

// Remembers the verdicts of a pure text predicate (one whose verdict depends on the
// text alone, such as a regex) for recently seen short texts, so that a column with
// few distinct values runs the predicate about once per value. It watches its hit
// rate and, when most texts are new (a column of distinct values), stops looking up
// for a while, so that such a column pays next to nothing for it. A memo only ever
// answers with a verdict the predicate returned for the same bytes, so a check gives
// the same verdicts with or without one. Not thread-safe: one per thread.
class VerdictMemo {
 public:
  // Texts longer than this are not remembered.
  static constexpr size_t kMaxText = 30;
  // Lookups in a trial window; a window with fewer hits than this many per 100
  // lookups pauses the memo for kPause texts, after which a new window starts.
  static constexpr uint32_t kWindow = 1024;
  static constexpr uint32_t kMinHitPercent = 25;
  static constexpr uint32_t kPause = 64 * 1024;

  // pred(text), or the verdict it gave for the same text before.
  template <typename Pred>
  bool Apply(std::string_view text, const Pred& pred) {
    if (paused_ > 0) {
      --paused_;
      return pred(text);
    }
    if (const Entry* hit = Find(text)) return hit->verdict;
    const bool verdict = pred(text);
    Remember(text, verdict);
    return verdict;
  }

  // Whether the memo is looking texts up now (false while paused). For tests.
  bool active_for_testing() const { return paused_ == 0; }

 private:
  // Most texts are short: their size and first eight bytes (TextHead) decide
  // without reading `tail`, the bytes after the eighth.
  struct Entry {
    uint64_t head = 0;
    uint8_t size = kUnused;
    bool verdict = false;
    char tail[kMaxText - 8] = {};
  };
  static constexpr uint8_t kUnused = 0xFF;
  static constexpr size_t kSets = 128;  // of two entries, the newer first

  // The entry holding `text`, or nullptr. Counts the lookup toward the window.
  const Entry* Find(std::string_view text);
  // Keeps `verdict` for `text`, the text of the last Find, which missed.
  void Remember(std::string_view text, bool verdict);
  void EndLookup(bool hit);

  std::vector<Entry> entries_ = std::vector<Entry>(2 * kSets);
  size_t last_set_ = 0;  // the set of the text last looked up
  uint32_t lookups_ = 0, hits_ = 0;
  uint32_t paused_ = 0;  // texts to pass straight to the predicate
};

// Per-thread scratch space for row checks.
class RowScratch {
 public:
  RowScratch() = default;
  RowScratch(const RowScratch&) = delete;
  RowScratch& operator=(const RowScratch&) = delete;
  RowScratch(RowScratch&&) = default;
  RowScratch& operator=(RowScratch&&) = default;

  ExpressionScratch expression;

  // The memo of the check that owns `memo_id` (NewMemoId) in this thread, empty at
  // first. The reference stays valid as long as the scratch.
  VerdictMemo& Memo(uint64_t memo_id);

  // A process-wide unique id for a check that keeps a VerdictMemo per thread.
  static uint64_t NewMemoId();

 private:
  std::vector<std::pair<uint64_t, std::unique_ptr<VerdictMemo>>> memos_;
};

// Immutable after construction; Check is thread-safe with one scratch per thread (a
// check may keep per-thread state in the scratch, e.g. RowScratch::Memo).
class RowCheck {
 public:
  explicit RowCheck(std::vector<int> slots) : slots_(std::move(slots)) {}
  virtual ~RowCheck() = default;

  // The cells (indexes into the row passed to Check) whose values a failure reports.
  const std::vector<int>& slots() const { return slots_; }

  // `detail` may be set to a short reason for a failure (e.g. "check_character"); it
  // is left alone otherwise.
  virtual Verdict Check(std::span<const Cell> row, RowScratch& scratch,
                        std::string_view& detail) const = 0;

  // Checks every row of `block`, appending those that do not pass plainly to `out`.
  // Final subclasses override it with CheckEachRow, which calls their Check directly.
  virtual void CheckBlock(const CellBlock& block, RowScratch& scratch,
                          std::vector<RowVerdict>& out) const {
    CheckEachRow(*this, block, scratch, out);
  }

 protected:
  template <typename Check>
  static void CheckEachRow(const Check& check, const CellBlock& block, RowScratch& scratch,
                           std::vector<RowVerdict>& out) {
    for (size_t r = 0; r < block.rows(); ++r) {
      std::string_view detail;
      Verdict v = check.Check(block.row(r), scratch, detail);
      if (v != Verdict::kPass) out.push_back({static_cast<uint32_t>(r), v, detail});
    }
  }

 private:
  std::vector<int> slots_;
};

struct RowCheckEnv {
  std::function<int(std::string_view column)> slot;  // the cell index of a scanned column
  CodeTableResolver code_tables;
  int32_t today_days = 0;  // days since 1970-01-01
  std::string today_iso;   // "YYYY-MM-DD"
};

// True for rule types CompileRowCheck handles.
bool IsRowRule(RuleType type);

// The columns of the rule's own dataset a rule reads (for an expression, the
// columns it mentions; for consistency, the key and compared columns).
// REQUIRES: ValidateRule(rule) is OK.
std::vector<std::string> RuleInputColumns(const Rule& rule);

// REQUIRES: IsRowRule(rule.type), ValidateRule(rule) is OK and env.slot knows every
// RuleInputColumns(rule). InvalidArgument for an unknown code table.
Result<std::unique_ptr<RowCheck>> CompileRowCheck(const Rule& rule, const RowCheckEnv& env);

}  // namespace citydata::quality
