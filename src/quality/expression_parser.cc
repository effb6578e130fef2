#include <algorithm>
#include <cctype>
#include <map>

#include "quality/expression_internal.h"
#include "quality/value_checks.h"

namespace citydata::quality::expression_internal {
namespace {

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

}  // namespace

Result<std::unique_ptr<Node>> ParseExpression(std::string_view text,
                                              std::vector<std::string>& columns) {
  Parser parser(text, columns);
  return parser.ParseAll();
}

}  // namespace citydata::quality::expression_internal
