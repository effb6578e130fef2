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

// Per-thread scratch space for row checks.
struct RowScratch {
  ExpressionScratch expression;
};

// Immutable after construction; Check is thread-safe with one scratch per thread.
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
