#include "quality/expression.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "quality/value_checks.h"
#include "standards/national_ids.h"

namespace citydata::quality {
namespace {

struct EValue {
  enum class Kind { kNull, kBool, kNum, kStr };
  Kind kind = Kind::kNull;
  bool b = false;
  double n = 0;
  std::string_view s;

  static EValue Null() { return {}; }
  static EValue Bool(bool v) { return {Kind::kBool, v, 0, {}}; }
  static EValue Num(double v) { return {Kind::kNum, false, v, {}}; }
  static EValue Str(std::string_view v) { return {Kind::kStr, false, 0, v}; }
  bool null() const { return kind == Kind::kNull; }
};

enum class Op {
  kLiteral,
  kColumn,
  kNot,
  kNeg,
  kAnd,
  kOr,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kAdd,
  kSub,
  kMul,
  kDiv,
  kConcat,
  kIsNull,
  kIsNotNull,
  kIn,
  kNotIn,
  kCall,
};

enum class Fn {
  kIdBirthDate,
  kIdSex,
  kIdRegion,
  kLength,
  kUpper,
  kLower,
  kTrim,
  kSubstr,
  kCoalesce,
  kAbs,
  kToday,
};

struct FnInfo {
  Fn fn;
  size_t min_args;
  size_t max_args;
};

const std::map<std::string, FnInfo, std::less<>>& Functions() {
  static const auto* fns = new std::map<std::string, FnInfo, std::less<>>{
      {"id_birth_date", {Fn::kIdBirthDate, 1, 1}},
      {"id_sex", {Fn::kIdSex, 1, 1}},
      {"id_region", {Fn::kIdRegion, 1, 1}},
      {"length", {Fn::kLength, 1, 1}},
      {"upper", {Fn::kUpper, 1, 1}},
      {"lower", {Fn::kLower, 1, 1}},
      {"trim", {Fn::kTrim, 1, 1}},
      {"substr", {Fn::kSubstr, 2, 3}},
      {"coalesce", {Fn::kCoalesce, 1, 64}},
      {"abs", {Fn::kAbs, 1, 1}},
      {"today", {Fn::kToday, 0, 0}},
  };
  return *fns;
}

struct Node {
  Op op = Op::kLiteral;
  EValue literal;
  std::string literal_text;  // owns a string literal's bytes
  size_t column = 0;         // index into Impl::columns for kColumn
  Fn fn = Fn::kToday;
  std::vector<std::unique_ptr<Node>> kids;
};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

bool IsIdentStart(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}
bool IsIdentChar(unsigned char c) { return IsIdentStart(c) || (c >= '0' && c <= '9'); }

class Parser {
 public:
  Parser(std::string_view text, std::vector<std::string>& columns)
      : text_(text), columns_(columns) {}

  Result<std::unique_ptr<Node>> ParseAll() {
    ASSIGN_OR_RETURN(auto node, ParseOr());
    SkipSpace();
    if (pos_ != text_.size()) return Error("unexpected text");
    return node;
  }

 private:
  using NodeResult = Result<std::unique_ptr<Node>>;

  Status Error(std::string_view what) const {
    return InvalidArgument("at " + std::to_string(pos_ + 1) + ": " + std::string(what));
  }

  void SkipSpace() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }

  bool Symbol(std::string_view sym) {
    SkipSpace();
    if (text_.substr(pos_, sym.size()) != sym) return false;
    pos_ += sym.size();
    return true;
  }

  // Matches a keyword as a whole word, case-insensitively.
  bool Keyword(std::string_view word) {
    SkipSpace();
    if (pos_ + word.size() > text_.size()) return false;
    if (Lower(text_.substr(pos_, word.size())) != word) return false;
    size_t end = pos_ + word.size();
    if (end < text_.size() && IsIdentChar(static_cast<unsigned char>(text_[end]))) return false;
    pos_ = end;
    return true;
  }

  static std::unique_ptr<Node> Make(Op op, std::unique_ptr<Node> a, std::unique_ptr<Node> b = {}) {
    auto node = std::make_unique<Node>();
    node->op = op;
    node->kids.push_back(std::move(a));
    if (b) node->kids.push_back(std::move(b));
    return node;
  }

  NodeResult ParseOr() {
    ASSIGN_OR_RETURN(auto left, ParseAnd());
    while (Keyword("or")) {
      ASSIGN_OR_RETURN(auto right, ParseAnd());
      left = Make(Op::kOr, std::move(left), std::move(right));
    }
    return left;
  }

  NodeResult ParseAnd() {
    ASSIGN_OR_RETURN(auto left, ParseNot());
    while (Keyword("and")) {
      ASSIGN_OR_RETURN(auto right, ParseNot());
      left = Make(Op::kAnd, std::move(left), std::move(right));
    }
    return left;
  }

  NodeResult ParseNot() {
    if (Keyword("not")) {
      ASSIGN_OR_RETURN(auto inner, ParseNot());
      return Make(Op::kNot, std::move(inner));
    }
    return ParseComparison();
  }

  std::optional<Op> ComparisonOp() {
    static constexpr std::pair<std::string_view, Op> kOps[] = {
        {"==", Op::kEq}, {"!=", Op::kNe}, {"<>", Op::kNe}, {"<=", Op::kLe},
        {">=", Op::kGe}, {"=", Op::kEq},  {"<", Op::kLt},  {">", Op::kGt}};
    for (const auto& [sym, op] : kOps) {
      if (Symbol(sym)) return op;
    }
    return std::nullopt;
  }

  NodeResult ParseComparison() {
    ASSIGN_OR_RETURN(auto left, ParseSum());
    if (auto op = ComparisonOp()) {
      ASSIGN_OR_RETURN(auto right, ParseSum());
      return Make(*op, std::move(left), std::move(right));
    }
    if (Keyword("is")) {
      bool negated = Keyword("not");
      if (!Keyword("null")) return Error("expected 'null' after 'is'");
      return Make(negated ? Op::kIsNotNull : Op::kIsNull, std::move(left));
    }
    size_t save = pos_;
    bool negated = Keyword("not");
    if (Keyword("in")) return ParseInList(std::move(left), negated);
    pos_ = save;
    return left;
  }

  NodeResult ParseInList(std::unique_ptr<Node> left, bool negated) {
    if (!Symbol("(")) return Error("expected '(' after 'in'");
    auto node = Make(negated ? Op::kNotIn : Op::kIn, std::move(left));
    do {
      ASSIGN_OR_RETURN(auto item, ParseSum());
      node->kids.push_back(std::move(item));
    } while (Symbol(","));
    if (!Symbol(")")) return Error("expected ')' after the 'in' list");
    return node;
  }

  NodeResult ParseSum() {
    ASSIGN_OR_RETURN(auto left, ParseTerm());
    while (true) {
      Op op;
      if (Symbol("||")) {
        op = Op::kConcat;
      } else if (Symbol("+")) {
        op = Op::kAdd;
      } else if (Symbol("-")) {
        op = Op::kSub;
      } else {
        return left;
      }
      ASSIGN_OR_RETURN(auto right, ParseTerm());
      left = Make(op, std::move(left), std::move(right));
    }
  }

  NodeResult ParseTerm() {
    ASSIGN_OR_RETURN(auto left, ParseUnary());
    while (true) {
      Op op;
      if (Symbol("*")) {
        op = Op::kMul;
      } else if (Symbol("/")) {
        op = Op::kDiv;
      } else {
        return left;
      }
      ASSIGN_OR_RETURN(auto right, ParseUnary());
      left = Make(op, std::move(left), std::move(right));
    }
  }

  NodeResult ParseUnary() {
    if (Symbol("-")) {
      ASSIGN_OR_RETURN(auto inner, ParseUnary());
      return Make(Op::kNeg, std::move(inner));
    }
    return ParsePrimary();
  }

  NodeResult Literal(EValue v) {
    auto node = std::make_unique<Node>();
    node->literal = v;
    return node;
  }

  NodeResult ParseString() {
    std::string text;
    while (pos_ < text_.size()) {
      char c = text_[pos_++];
      if (c == '\'') {
        if (pos_ < text_.size() && text_[pos_] == '\'') {
          text += '\'';
          ++pos_;
          continue;
        }
        auto node = std::make_unique<Node>();
        node->literal_text = std::move(text);
        node->literal = EValue::Str(node->literal_text);
        return node;
      }
      text += c;
    }
    return Error("unterminated string literal");
  }

  NodeResult ParseNumber() {
    size_t start = pos_;
    while (pos_ < text_.size() &&
           (std::isdigit(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '.')) {
      ++pos_;
    }
    auto v = quality::ParseNumber(text_.substr(start, pos_ - start));
    if (!v) return Error("malformed number");
    return Literal(EValue::Num(*v));
  }

  NodeResult ColumnNode(std::string name) {
    auto it = std::find(columns_.begin(), columns_.end(), name);
    auto node = std::make_unique<Node>();
    node->op = Op::kColumn;
    node->column = static_cast<size_t>(it - columns_.begin());
    if (it == columns_.end()) columns_.push_back(std::move(name));
    return node;
  }

  NodeResult ParseCall(std::string_view name) {
    auto fn = Functions().find(Lower(name));
    if (fn == Functions().end()) {
      return Error("unknown function '" + std::string(name) +
                   "'; known: id_birth_date, id_sex, id_region, length, upper, lower, trim, "
                   "substr, coalesce, abs, today");
    }
    auto node = std::make_unique<Node>();
    node->op = Op::kCall;
    node->fn = fn->second.fn;
    if (!Symbol(")")) {
      do {
        ASSIGN_OR_RETURN(auto arg, ParseOr());
        node->kids.push_back(std::move(arg));
      } while (Symbol(","));
      if (!Symbol(")")) return Error("expected ')' after function arguments");
    }
    if (node->kids.size() < fn->second.min_args || node->kids.size() > fn->second.max_args) {
      return Error("wrong number of arguments for " + fn->first + "()");
    }
    return node;
  }

  NodeResult ParsePrimary() {
    SkipSpace();
    if (pos_ >= text_.size()) return Error("expected a value, column or '('");
    char c = text_[pos_];
    if (c == '(') {
      ++pos_;
      ASSIGN_OR_RETURN(auto inner, ParseOr());
      if (!Symbol(")")) return Error("expected ')'");
      return inner;
    }
    if (c == '\'') {
      ++pos_;
      return ParseString();
    }
    if (c == '"') {
      size_t end = text_.find('"', pos_ + 1);
      if (end == std::string_view::npos) return Error("unterminated quoted column name");
      std::string name(text_.substr(pos_ + 1, end - pos_ - 1));
      pos_ = end + 1;
      return ColumnNode(std::move(name));
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') return ParseNumber();
    if (!IsIdentStart(static_cast<unsigned char>(c)))
      return Error("expected a value, column or '('");
    size_t start = pos_;
    while (pos_ < text_.size() && IsIdentChar(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    std::string_view word = text_.substr(start, pos_ - start);
    std::string lower = Lower(word);
    if (lower == "true" || lower == "false") return Literal(EValue::Bool(lower == "true"));
    if (lower == "null") return Literal(EValue::Null());
    if (Symbol("(")) return ParseCall(word);
    return ColumnNode(std::string(word));
  }

  std::string_view text_;
  size_t pos_ = 0;
  std::vector<std::string>& columns_;
};

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

}  // namespace

struct Expression::Impl {
  std::unique_ptr<Node> root;
  std::vector<std::string> columns;
  std::vector<int> slots;
  std::string today;

  EValue Eval(const Node& n, std::span<const Cell> row, ExpressionScratch& s) const;
  EValue Logic(const Node& n, std::span<const Cell> row, ExpressionScratch& s) const;
  EValue Arith(const Node& n, std::span<const Cell> row, ExpressionScratch& s) const;
  EValue In(const Node& n, std::span<const Cell> row, ExpressionScratch& s) const;
  EValue Call(const Node& n, std::span<const Cell> row, ExpressionScratch& s) const;
};

EValue Expression::Impl::Logic(const Node& n, std::span<const Cell> row,
                               ExpressionScratch& s) const {
  EValue a = Eval(*n.kids[0], row, s);
  auto truth = [](const EValue& v) -> std::optional<bool> {
    if (v.kind == EValue::Kind::kBool) return v.b;
    return std::nullopt;
  };
  std::optional<bool> x = truth(a);
  if (n.op == Op::kNot) return x ? Truth(!*x) : EValue::Null();
  bool is_and = n.op == Op::kAnd;
  if (x && *x != is_and) return Truth(*x);  // short circuit: false AND / true OR
  std::optional<bool> y = truth(Eval(*n.kids[1], row, s));
  if (y && *y != is_and) return Truth(*y);
  if (x && y) return Truth(is_and);
  return EValue::Null();
}

EValue Expression::Impl::Arith(const Node& n, std::span<const Cell> row,
                               ExpressionScratch& s) const {
  EValue a = Eval(*n.kids[0], row, s);
  EValue b = Eval(*n.kids[1], row, s);
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
  EValue v = Eval(*n.kids[0], row, s);
  if (v.null()) return EValue::Null();
  bool saw_null = false;
  for (size_t i = 1; i < n.kids.size(); ++i) {
    EValue item = Eval(*n.kids[i], row, s);
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
  EValue a = Eval(*n.kids[0], row, s);
  if (a.null()) return EValue::Null();
  std::string_view text = TextOf(a, s);
  switch (n.fn) {
    case Fn::kIdBirthDate: {
      auto date = standards::IdBirthDate(text);
      if (!date.ok()) return EValue::Null();
      return EValue::Str(NewString(s) = standards::FormatIsoDate(*date));
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
    case Op::kColumn: {
      const Cell& cell = row[static_cast<size_t>(slots[n.column])];
      if (cell.null) return EValue::Null();
      if (const auto* i = std::get_if<int64_t>(cell.value))
        return EValue::Num(static_cast<double>(*i));
      if (const auto* d = std::get_if<double>(cell.value)) return EValue::Num(*d);
      if (const auto* b = std::get_if<bool>(cell.value)) return EValue::Bool(*b);
      return EValue::Str(cell.text);
    }
    case Op::kNot:
    case Op::kAnd:
    case Op::kOr:
      return Logic(n, row, s);
    case Op::kNeg: {
      auto v = NumberOf(Eval(*n.kids[0], row, s));
      return v ? EValue::Num(-*v) : EValue::Null();
    }
    case Op::kIsNull:
      return Truth(Eval(*n.kids[0], row, s).null());
    case Op::kIsNotNull:
      return Truth(!Eval(*n.kids[0], row, s).null());
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
      break;
  }
  EValue a = Eval(*n.kids[0], row, s);
  EValue b = Eval(*n.kids[1], row, s);
  if (a.null() || b.null()) return EValue::Null();
  int c = Compare(a, b, s);
  switch (n.op) {
    case Op::kEq:
      return Truth(c == 0);
    case Op::kNe:
      return Truth(c != 0);
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
  Parser parser(text, impl->columns);
  ASSIGN_OR_RETURN(impl->root, parser.ParseAll());
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
