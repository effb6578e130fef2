// Internal to the expression module: the syntax tree shared by the parser
// (expression_parser.cc) and the evaluator (expression.cc).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace citydata::quality::expression_internal {

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

struct Node {
  Op op = Op::kLiteral;
  EValue literal;
  std::string literal_text;  // owns a string literal's bytes
  size_t column = 0;         // index into Impl::columns for kColumn
  Fn fn = Fn::kToday;
  std::vector<std::unique_ptr<Node>> kids;
};

// Parses `text`; the distinct columns it mentions are appended to `columns` in
// first-use order and Node::column indexes them. Errors are InvalidArgument
// "at <position>: <what was expected>".
Result<std::unique_ptr<Node>> ParseExpression(std::string_view text,
                                              std::vector<std::string>& columns);

}  // namespace citydata::quality::expression_internal
