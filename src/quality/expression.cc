#include "quality/expression.h"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "quality/expression_internal.h"
#include "quality/value_checks.h"
#include "standards/national_ids.h"

namespace citydata::quality {
namespace {

using namespace expression_internal;  // NOLINT: the module's own internals

std::string& NewString(ExpressionScratch& scratch) {
  if (scratch.used == scratch.strings.size()) scratch.strings.emplace_back();
  std::string& s = scratch.strings[scratch.used++];
  s.clear();
  return s;
}

std::string_view TextOf(const EValue& v, ExpressionScratch& scratch) {
  switch (v.kind) {
    case EValue::Kind::kStr:
      return v.s;
    case EValue::Kind::kBool:
      return v.b ? "true" : "false";
    case EValue::Kind::kNum:
      return NewString(scratch) = FormatDouble(v.n);
    case EValue::Kind::kNull:
      return {};
  }
  return {};
}

std::optional<double> NumberOf(const EValue& v) {
  if (v.kind == EValue::Kind::kNum) return v.n;
  if (v.kind == EValue::Kind::kStr) return ParseNumber(v.s);
  return std::nullopt;
}

// <0, 0, >0 per the header's comparison rules. REQUIRES: neither is NULL.
int Compare(const EValue& a, const EValue& b, ExpressionScratch& scratch) {
  if (a.kind == EValue::Kind::kNum || b.kind == EValue::Kind::kNum) {
    auto x = NumberOf(a), y = NumberOf(b);
    if (x && y) return *x < *y ? -1 : (*x > *y ? 1 : 0);
  }
  return TextOf(a, scratch).compare(TextOf(b, scratch));
}

EValue Truth(bool v) { return EValue::Bool(v); }

// The byte offset of character `index` (0-based) of UTF-8 `text`, or its size.
size_t ByteOffset(std::string_view text, double index) {
  double chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (chars >= index) return i;
    ++chars;
  }
  return text.size();
}

// A cell as a value: integer and decimal cells are numbers, boolean cells booleans.
EValue CellValue(const Cell& cell) {
  if (cell.null) return EValue::Null();
  if (const auto* i = std::get_if<int64_t>(cell.value)) return EValue::Num(static_cast<double>(*i));
  if (const auto* d = std::get_if<double>(cell.value)) return EValue::Num(*d);
  if (const auto* b = std::get_if<bool>(cell.value)) return EValue::Bool(*b);
  return EValue::Str(cell.text);
}

// Compare(a, b) == 0, without ordering two texts. REQUIRES: neither is NULL.
bool Equal(const EValue& a, const EValue& b, ExpressionScratch& scratch) {
  if (a.kind == EValue::Kind::kStr && b.kind == EValue::Kind::kStr) return a.s == b.s;
  return Compare(a, b, scratch) == 0;
}

}  // namespace

struct Expression::Impl {
  std::unique_ptr<Node> root;
  std::vector<std::string> columns;
  std::vector<int> slots;
  std::string today;

  // Eval, reading the leaves (literals and columns, most of a tree's nodes) in place.
  EValue Operand(const Node& n, std::span<const Cell> row, ExpressionScratch& s) const {
    if (n.op == Op::kLiteral) return n.literal;
    if (n.op == Op::kColumn) return CellValue(row[static_cast<size_t>(slots[n.column])]);
    return Eval(n, row, s);
  }

  EValue Eval(const Node& n, std::span<const Cell> row, ExpressionScratch& s) const;
  EValue Comparison(const Node& n, std::span<const Cell> row, ExpressionScratch& s) const;
  EValue Logic(const Node& n, std::span<const Cell> row, ExpressionScratch& s) const;
  EValue Arith(const Node& n, std::span<const Cell> row, ExpressionScratch& s) const;
  EValue In(const Node& n, std::span<const Cell> row, ExpressionScratch& s) const;
  EValue Call(const Node& n, std::span<const Cell> row, ExpressionScratch& s) const;
};

EValue Expression::Impl::Logic(const Node& n, std::span<const Cell> row,
                               ExpressionScratch& s) const {
  EValue a = Operand(*n.kids[0], row, s);
  auto truth = [](const EValue& v) -> std::optional<bool> {
    if (v.kind == EValue::Kind::kBool) return v.b;
    return std::nullopt;
  };
  std::optional<bool> x = truth(a);
  if (n.op == Op::kNot) return x ? Truth(!*x) : EValue::Null();
  bool is_and = n.op == Op::kAnd;
  if (x && *x != is_and) return Truth(*x);  // short circuit: false AND / true OR
  std::optional<bool> y = truth(Operand(*n.kids[1], row, s));
  if (y && *y != is_and) return Truth(*y);
  if (x && y) return Truth(is_and);
  return EValue::Null();
}

EValue Expression::Impl::Arith(const Node& n, std::span<const Cell> row,
                               ExpressionScratch& s) const {
  EValue a = Operand(*n.kids[0], row, s);
  EValue b = Operand(*n.kids[1], row, s);
  if (a.null() || b.null()) return EValue::Null();
  if (n.op == Op::kConcat) {
    std::string& out = NewString(s);
    out.append(TextOf(a, s)).append(TextOf(b, s));
    return EValue::Str(out);
  }
  auto x = NumberOf(a), y = NumberOf(b);
  if (!x || !y) return EValue::Null();
  switch (n.op) {
    case Op::kAdd:
      return EValue::Num(*x + *y);
    case Op::kSub:
      return EValue::Num(*x - *y);
    case Op::kMul:
      return EValue::Num(*x * *y);
    default:
      return *y == 0 ? EValue::Null() : EValue::Num(*x / *y);
  }
}

EValue Expression::Impl::In(const Node& n, std::span<const Cell> row, ExpressionScratch& s) const {
  EValue v = Operand(*n.kids[0], row, s);
  if (v.null()) return EValue::Null();
  bool saw_null = false;
  for (size_t i = 1; i < n.kids.size(); ++i) {
    EValue item = Operand(*n.kids[i], row, s);
    if (item.null()) {
      saw_null = true;
    } else if (Compare(v, item, s) == 0) {
      return Truth(n.op == Op::kIn);
    }
  }
  return saw_null ? EValue::Null() : Truth(n.op == Op::kNotIn);
}

EValue Expression::Impl::Call(const Node& n, std::span<const Cell> row,
                              ExpressionScratch& s) const {
  if (n.fn == Fn::kToday) return EValue::Str(today);
  if (n.fn == Fn::kCoalesce) {
    for (const auto& kid : n.kids) {
      EValue v = Eval(*kid, row, s);
      if (!v.null()) return v;
    }
    return EValue::Null();
  }
  EValue a = Operand(*n.kids[0], row, s);
  if (a.null()) return EValue::Null();
  std::string_view text = TextOf(a, s);
  switch (n.fn) {
    case Fn::kIdBirthDate: {
      std::string& out = NewString(s);
      out.resize(10);
      if (!standards::IdBirthDateIso(text, std::span<char, 10>(out.data(), 10))) {
        return EValue::Null();
      }
      return EValue::Str(out);
    }
    case Fn::kIdSex: {
      auto sex = standards::IdSex(text);
      if (!sex.ok()) return EValue::Null();
      return EValue::Str(*sex == standards::Sex::kMale ? "1" : "2");
    }
    case Fn::kIdRegion:
      if (!standards::IdBirthDate(text).ok()) return EValue::Null();
      return EValue::Str(text.substr(0, 6));
    case Fn::kLength:
      return EValue::Num(static_cast<double>(Utf8Length(text)));
    case Fn::kUpper:
    case Fn::kLower: {
      std::string& out = NewString(s);
      out = text;
      for (char& c : out) {
        if (n.fn == Fn::kUpper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        if (n.fn == Fn::kLower && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      }
      return EValue::Str(out);
    }
    case Fn::kTrim: {
      size_t b = text.find_first_not_of(" \t\r\n");
      if (b == std::string_view::npos) return EValue::Str({});
      size_t e = text.find_last_not_of(" \t\r\n");
      return EValue::Str(text.substr(b, e - b + 1));
    }
    case Fn::kSubstr: {
      auto start = NumberOf(Eval(*n.kids[1], row, s));
      std::optional<double> count = 1e18;
      if (n.kids.size() == 3) count = NumberOf(Eval(*n.kids[2], row, s));
      if (!start || !count) return EValue::Null();
      double first = std::max(1.0, *start) - 1;
      size_t begin = ByteOffset(text, first);
      size_t end = ByteOffset(text, first + std::max(0.0, *count));
      return EValue::Str(text.substr(begin, end - begin));
    }
    case Fn::kAbs: {
      auto v = NumberOf(a);
      return v ? EValue::Num(std::fabs(*v)) : EValue::Null();
    }
    default:
      return EValue::Null();
  }
}

EValue Expression::Impl::Eval(const Node& n, std::span<const Cell> row,
                              ExpressionScratch& s) const {
  switch (n.op) {
    case Op::kLiteral:
      return n.literal;
    case Op::kColumn:
      return CellValue(row[static_cast<size_t>(slots[n.column])]);
    case Op::kNot:
    case Op::kAnd:
    case Op::kOr:
      return Logic(n, row, s);
    case Op::kNeg: {
      auto v = NumberOf(Eval(*n.kids[0], row, s));
      return v ? EValue::Num(-*v) : EValue::Null();
    }
    case Op::kIsNull:
      return Truth(Operand(*n.kids[0], row, s).null());
    case Op::kIsNotNull:
      return Truth(!Operand(*n.kids[0], row, s).null());
    case Op::kIn:
    case Op::kNotIn:
      return In(n, row, s);
    case Op::kCall:
      return Call(n, row, s);
    case Op::kAdd:
    case Op::kSub:
    case Op::kMul:
    case Op::kDiv:
    case Op::kConcat:
      return Arith(n, row, s);
    default:
      return Comparison(n, row, s);
  }
}

EValue Expression::Impl::Comparison(const Node& n, std::span<const Cell> row,
                                    ExpressionScratch& s) const {
  EValue a = Operand(*n.kids[0], row, s);
  EValue b = Operand(*n.kids[1], row, s);
  if (a.null() || b.null()) return EValue::Null();
  if (n.op == Op::kEq) return Truth(Equal(a, b, s));
  if (n.op == Op::kNe) return Truth(!Equal(a, b, s));
  int c = Compare(a, b, s);
  switch (n.op) {
    case Op::kLt:
      return Truth(c < 0);
    case Op::kLe:
      return Truth(c <= 0);
    case Op::kGt:
      return Truth(c > 0);
    default:
      return Truth(c >= 0);
  }
}

Expression::Expression(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Expression::Expression(Expression&&) noexcept = default;
Expression& Expression::operator=(Expression&&) noexcept = default;
Expression::~Expression() = default;

Result<Expression> Expression::Compile(std::string_view text, std::string today_iso) {
  auto impl = std::make_unique<Impl>();
  ASSIGN_OR_RETURN(impl->root, expression_internal::ParseExpression(text, impl->columns));
  impl->today = std::move(today_iso);
  impl->slots.assign(impl->columns.size(), 0);
  return Expression(std::move(impl));
}

const std::vector<std::string>& Expression::columns() const { return impl_->columns; }

void Expression::Bind(std::span<const int> slots) {
  assert(slots.size() == impl_->columns.size());
  impl_->slots.assign(slots.begin(), slots.end());
}

ExpressionOutcome Expression::Evaluate(std::span<const Cell> row,
                                       ExpressionScratch& scratch) const {
  scratch.used = 0;
  EValue v = impl_->Eval(*impl_->root, row, scratch);
  if (v.null()) return ExpressionOutcome::kNull;
  if (v.kind != EValue::Kind::kBool) return ExpressionOutcome::kNotBoolean;
  return v.b ? ExpressionOutcome::kTrue : ExpressionOutcome::kFalse;
}

}  // namespace citydata::quality
