#include "quality/row_rules.h"

#include <re2/re2.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>

#include "quality/byte_dfa.h"
#include "quality/rule_params.h"
#include "quality/text_set.h"
#include "quality/value_checks.h"
#include "standards/cn_formats.h"
#include "standards/national_ids.h"

namespace citydata::quality {
namespace {

namespace chr = std::chrono;

// What a value check does before looking at the value.
enum class NullPolicy {
  kNullFails,          // not_null
  kNullOrBlankFails,   // not_empty
  kNullPasses,         // length: "" is a value of length 0
  kNullOrEmptyPasses,  // every other value rule: "" is treated as NULL
};

template <typename F>
class ValueCheck final : public RowCheck {
 public:
  ValueCheck(int slot, NullPolicy policy, F check)
      : RowCheck({slot}),
        slot_(static_cast<size_t>(slot)),
        policy_(policy),
        check_(std::move(check)) {}

  Verdict Check(std::span<const Cell> row, RowScratch&, std::string_view& detail) const override {
    const Cell& cell = row[slot_];
    switch (policy_) {
      case NullPolicy::kNullFails:
        return cell.null ? Verdict::kFail : Verdict::kPass;
      case NullPolicy::kNullOrBlankFails:
        return cell.null || IsBlank(cell.text) ? Verdict::kFail : Verdict::kPass;
      case NullPolicy::kNullPasses:
        if (cell.null) return Verdict::kPass;
        break;
      case NullPolicy::kNullOrEmptyPasses:
        if (cell.null || cell.text.empty()) return Verdict::kPass;
        break;
    }
    return check_(cell, detail);
  }

  void CheckBlock(const CellBlock& block, RowScratch& scratch,
                  std::vector<RowVerdict>& out) const override {
    CheckEachRow(*this, block, scratch, out);
  }

 private:
  size_t slot_;
  NullPolicy policy_;
  F check_;
};

template <typename F>
std::unique_ptr<RowCheck> MakeCheck(int slot, NullPolicy policy, F check) {
  return std::make_unique<ValueCheck<F>>(slot, policy, std::move(check));
}

// For checks that take the text alone and pass or fail.
template <typename F>
std::unique_ptr<RowCheck> MakeTextCheck(int slot, F pred) {
  return MakeCheck(slot, NullPolicy::kNullOrEmptyPasses,
                   [pred = std::move(pred)](const Cell& cell, std::string_view&) {
                     return pred(cell.text) ? Verdict::kPass : Verdict::kFail;
                   });
}

class ExpressionCheck final : public RowCheck {
 public:
  ExpressionCheck(std::vector<int> slots, Expression expr)
      : RowCheck(slots), expr_(std::move(expr)) {
    expr_.Bind(slots);
  }

  Verdict Check(std::span<const Cell> row, RowScratch& scratch,
                std::string_view& detail) const override {
    switch (expr_.Evaluate(row, scratch.expression)) {
      case ExpressionOutcome::kTrue:
      case ExpressionOutcome::kNull:
        return Verdict::kPass;
      case ExpressionOutcome::kFalse:
        return Verdict::kFail;
      case ExpressionOutcome::kNotBoolean:
        detail = "not_boolean";
        return Verdict::kFail;
    }
    return Verdict::kFail;
  }

  void CheckBlock(const CellBlock& block, RowScratch& scratch,
                  std::vector<RowVerdict>& out) const override {
    CheckEachRow(*this, block, scratch, out);
  }

 private:
  Expression expr_;
};

std::optional<double> CellNumber(const Cell& cell) {
  if (const auto* i = std::get_if<int64_t>(cell.value)) return static_cast<double>(*i);
  if (const auto* d = std::get_if<double>(cell.value)) return *d;
  return ParseNumber(cell.text);
}

// The date of a date or timestamp text, in days.
std::optional<int32_t> CellDays(std::string_view text) {
  if (auto days = ParseCommonDateDays(text)) return days;
  if (text.size() > 10 && ParseTimestampSeconds(text, 0))
    return ParseIsoDateDays(text.substr(0, 10));
  return std::nullopt;
}

std::unique_ptr<RowCheck> RangeCheck(const Rule& rule, int slot) {
  const auto& p = rule.params;
  bool dates =
      (p.contains("min") && p["min"].is_string()) || (p.contains("max") && p["max"].is_string());
  if (dates) {
    std::optional<int32_t> lo, hi;
    if (p.contains("min")) lo = ParseIsoDateDays(p["min"].get<std::string>());
    if (p.contains("max")) hi = ParseIsoDateDays(p["max"].get<std::string>());
    return MakeCheck(slot, NullPolicy::kNullOrEmptyPasses,
                     [lo, hi](const Cell& c, std::string_view& d) {
                       auto days = CellDays(c.text);
                       if (!days) d = "not_a_date";
                       bool ok = days && (!lo || *days >= *lo) && (!hi || *days <= *hi);
                       return ok ? Verdict::kPass : Verdict::kFail;
                     });
  }
  std::optional<double> lo, hi;
  if (p.contains("min")) lo = p["min"].get<double>();
  if (p.contains("max")) hi = p["max"].get<double>();
  return MakeCheck(slot, NullPolicy::kNullOrEmptyPasses,
                   [lo, hi](const Cell& c, std::string_view& d) {
                     auto v = CellNumber(c);
                     if (!v) d = "not_a_number";
                     bool ok = v && (!lo || *v >= *lo) && (!hi || *v <= *hi);
                     return ok ? Verdict::kPass : Verdict::kFail;
                   });
}

std::unique_ptr<RowCheck> LengthCheck(const Rule& rule, int slot) {
  int64_t lo = rule.params.value("min", int64_t{0});
  int64_t hi = rule.params.value("max", std::numeric_limits<int64_t>::max());
  return MakeCheck(slot, NullPolicy::kNullPasses, [lo, hi](const Cell& c, std::string_view&) {
    auto n = static_cast<int64_t>(Utf8Length(c.text));
    return n >= lo && n <= hi ? Verdict::kPass : Verdict::kFail;
  });
}

std::unique_ptr<RowCheck> SetCheck(FlatTextSet set, int slot) {
  return MakeTextCheck(slot,
                       [set = std::move(set)](std::string_view t) { return set.contains(t); });
}

Result<std::unique_ptr<RowCheck>> CodeTableCheck(const Rule& rule, int slot,
                                                 const RowCheckEnv& env) {
  std::string table = rule.params["table"].get<std::string>();
  const std::unordered_set<std::string>* codes = env.code_tables ? env.code_tables(table) : nullptr;
  if (codes == nullptr) {
    return InvalidArgument("unknown code table '" + table +
                           "'; use a table id such as GB/T 2261.1");
  }
  return SetCheck(FlatTextSet(*codes), slot);
}

std::unique_ptr<RowCheck> TypeCheck(const Rule& rule, int slot) {
  ColumnType type = *ParseColumnType(rule.params["value_type"].get<std::string>());
  switch (type) {
    case ColumnType::kInteger:
      return MakeTextCheck(slot, IsIntegerText);
    case ColumnType::kDecimal:
      return MakeTextCheck(slot, IsDecimalText);
    case ColumnType::kBoolean:
      return MakeTextCheck(slot, IsBooleanText);
    case ColumnType::kDate:
      return MakeTextCheck(slot,
                           [](std::string_view t) { return ParseIsoDateDays(t).has_value(); });
    default:
      return MakeTextCheck(
          slot, [](std::string_view t) { return ParseTimestampSeconds(t, 0).has_value(); });
  }
}

std::unique_ptr<RowCheck> IdCardCheck(const Rule& rule, int slot, int32_t today_days) {
  bool allow_15 = ParamBool(rule, "allow_15", false);
  chr::year_month_day today{chr::sys_days{chr::days{today_days}}};
  return MakeCheck(slot, NullPolicy::kNullOrEmptyPasses,
                   [allow_15, today, today_days](const Cell& c, std::string_view& d) {
                     if (allow_15 && c.text.size() == 15) {
                       if (IsValidId15(c.text, today_days)) return Verdict::kPass;
                       d = "invalid_15_digit";
                       return Verdict::kFail;
                     }
                     auto check = standards::ValidateIdNumber(c.text, today);
                     if (check.ok()) return Verdict::kPass;
                     d = standards::IdNumberErrorName(check.error);
                     return Verdict::kFail;
                   });
}

std::unique_ptr<RowCheck> CreditCodeCheck(int slot) {
  return MakeCheck(slot, NullPolicy::kNullOrEmptyPasses, [](const Cell& c, std::string_view& d) {
    auto check = standards::ValidateCreditCode(c.text);
    if (!check.ok()) {
      d = standards::CreditCodeErrorName(check.error);
      return Verdict::kFail;
    }
    return check.organization_code_ok ? Verdict::kPass : Verdict::kPassWithWarning;
  });
}

// A regex over the whole text. RE2 is most of such a rule's cost, so verdicts are
// remembered per thread (VerdictMemo): a column of statuses or codes runs RE2 about
// once per distinct value.
class RegexCheck final : public RowCheck {
 public:
  RegexCheck(int slot, std::unique_ptr<const RE2> re)
      : RowCheck({slot}),
        slot_(static_cast<size_t>(slot)),
        re_(std::move(re)),
        dfa_(ByteDfa::Compile(re_->pattern())),
        memo_id_(RowScratch::NewMemoId()) {}

  Verdict Check(std::span<const Cell> row, RowScratch& scratch, std::string_view&) const override {
    return CheckCell(row[slot_], scratch.Memo(memo_id_));
  }

  void CheckBlock(const CellBlock& block, RowScratch& scratch,
                  std::vector<RowVerdict>& out) const override {
    VerdictMemo& memo = scratch.Memo(memo_id_);
    for (size_t r = 0; r < block.rows(); ++r) {
      if (CheckCell(block.row(r)[slot_], memo) == Verdict::kFail)
        out.push_back({static_cast<uint32_t>(r), Verdict::kFail, {}});
    }
  }

 private:
  Verdict CheckCell(const Cell& cell, VerdictMemo& memo) const {
    if (cell.null || cell.text.empty()) return Verdict::kPass;
    // A ByteDfa costs about a table lookup per byte: less than a memo lookup saves.
    if (dfa_ != nullptr) return dfa_->Matches(cell.text) ? Verdict::kPass : Verdict::kFail;
    return memo.Apply(cell.text, [this](std::string_view t) { return Matches(t); })
               ? Verdict::kPass
               : Verdict::kFail;
  }

  // RE2::FullMatch(t, *re_) without its argument handling.
  bool Matches(std::string_view t) const {
    return re_->Match(t, 0, t.size(), RE2::ANCHOR_BOTH, nullptr, 0);
  }

  size_t slot_;
  std::unique_ptr<const RE2> re_;
  std::unique_ptr<const ByteDfa> dfa_;  // when the pattern is in ByteDfa's subset
  uint64_t memo_id_;
};

Result<std::unique_ptr<RowCheck>> CompileRegexCheck(const Rule& rule, int slot) {
  RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_unique<const RE2>(rule.params["pattern"].get<std::string>(), options);
  if (!re->ok()) return InvalidArgument("field 'pattern': " + re->error());
  return std::unique_ptr<RowCheck>(std::make_unique<RegexCheck>(slot, std::move(re)));
}

FlatTextSet InSetValues(const Rule& rule) {
  FlatTextSet set;
  for (const auto& v : rule.params["values"]) set.Insert(ScalarText(v));
  return set;
}

std::unique_ptr<RowCheck> PassportCheck(const Rule& rule, int slot) {
  bool permits = ParamBool(rule, "allow_permits", false);
  return MakeTextCheck(slot, [permits](std::string_view t) {
    return standards::IsPassport(t) || (permits && standards::IsHkMacauPermit(t));
  });
}

Result<std::unique_ptr<RowCheck>> CompileValueCheck(const Rule& rule, int slot,
                                                    const RowCheckEnv& env) {
  switch (rule.type) {
    case RuleType::kNotNull:
      return MakeCheck(slot, NullPolicy::kNullFails,
                       [](const Cell&, std::string_view&) { return Verdict::kPass; });
    case RuleType::kNotEmpty:
      return MakeCheck(slot, NullPolicy::kNullOrBlankFails,
                       [](const Cell&, std::string_view&) { return Verdict::kPass; });
    case RuleType::kRegex:
      return CompileRegexCheck(rule, slot);
    case RuleType::kLength:
      return LengthCheck(rule, slot);
    case RuleType::kRange:
      return RangeCheck(rule, slot);
    case RuleType::kInSet:
      return SetCheck(InSetValues(rule), slot);
    case RuleType::kInCodeTable:
      return CodeTableCheck(rule, slot, env);
    case RuleType::kType:
      return TypeCheck(rule, slot);
    case RuleType::kDateValid:
      return MakeTextCheck(slot,
                           [](std::string_view t) { return ParseCommonDateDays(t).has_value(); });
    case RuleType::kIdCard:
      return IdCardCheck(rule, slot, env.today_days);
    case RuleType::kUscc:
      return CreditCodeCheck(slot);
    case RuleType::kMobile:
      return MakeTextCheck(slot, standards::IsMobile);
    case RuleType::kLandline:
      return MakeTextCheck(slot, standards::IsLandline);
    case RuleType::kEmail:
      return MakeTextCheck(slot, standards::IsEmail);
    case RuleType::kBankCard:
      return MakeTextCheck(slot, standards::PassesLuhn);
    case RuleType::kPlate:
      return MakeTextCheck(slot, standards::IsPlate);
    case RuleType::kPassport:
      return PassportCheck(rule, slot);
    default:
      return Internal("not a value rule: " + std::string(RuleTypeName(rule.type)));
  }
}

}  // namespace

const VerdictMemo::Entry* VerdictMemo::Find(std::string_view text) {
  if (text.size() > kMaxText) {
    EndLookup(false);
    return nullptr;
  }
  const uint64_t head = TextHead(text);
  last_set_ = HashText(text, head) % kSets;
  for (const Entry* e = entries_.data() + 2 * last_set_; e != entries_.data() + 2 * last_set_ + 2;
       ++e) {
    if (e->size == text.size() && e->head == head &&
        (text.size() <= 8 || std::memcmp(e->tail, text.data() + 8, text.size() - 8) == 0)) {
      EndLookup(true);
      return e;
    }
  }
  EndLookup(false);
  return nullptr;
}

void VerdictMemo::Remember(std::string_view text, bool verdict) {
  if (text.size() > kMaxText) return;
  Entry* set = entries_.data() + 2 * last_set_;
  set[1] = set[0];
  set[0].head = TextHead(text);
  set[0].size = static_cast<uint8_t>(text.size());
  set[0].verdict = verdict;
  if (text.size() > 8) std::memcpy(set[0].tail, text.data() + 8, text.size() - 8);
}

void VerdictMemo::EndLookup(bool hit) {
  hits_ += hit ? 1 : 0;
  if (++lookups_ < kWindow) return;
  if (hits_ * 100 < kWindow * kMinHitPercent) paused_ = kPause;
  lookups_ = hits_ = 0;
}

VerdictMemo& RowScratch::Memo(uint64_t memo_id) {
  for (auto& [id, memo] : memos_) {
    if (id == memo_id) return *memo;
  }
  memos_.emplace_back(memo_id, std::make_unique<VerdictMemo>());
  return *memos_.back().second;
}

uint64_t RowScratch::NewMemoId() {
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

bool IsRowRule(RuleType type) {
  switch (type) {
    case RuleType::kUnique:
    case RuleType::kDuplicateRows:
    case RuleType::kReference:
    case RuleType::kConsistency:
    case RuleType::kFreshness:
    case RuleType::kRowCount:
    case RuleType::kDistribution:
    case RuleType::kSql:
      return false;
    default:
      return true;
  }
}

std::vector<std::string> RuleInputColumns(const Rule& rule) {
  if (rule.type == RuleType::kExpression) {
    auto expr = Expression::Compile(rule.params["expr"].get<std::string>(), "");
    return expr.ok() ? expr->columns() : std::vector<std::string>{};
  }
  if (rule.type == RuleType::kConsistency) {
    ConsistencySpec spec = GetConsistencySpec(rule);
    std::vector<std::string> columns = {spec.key};
    for (const auto& [mine, theirs] : spec.compare) columns.push_back(mine);
    return columns;
  }
  return rule.columns;
}

Result<std::unique_ptr<RowCheck>> CompileRowCheck(const Rule& rule, const RowCheckEnv& env) {
  if (rule.type == RuleType::kExpression) {
    ASSIGN_OR_RETURN(Expression expr,
                     Expression::Compile(rule.params["expr"].get<std::string>(), env.today_iso));
    std::vector<int> slots;
    for (const auto& column : expr.columns()) slots.push_back(env.slot(column));
    return std::unique_ptr<RowCheck>(std::make_unique<ExpressionCheck>(slots, std::move(expr)));
  }
  return CompileValueCheck(rule, env.slot(rule.columns.front()), env);
}

}  // namespace citydata::quality
