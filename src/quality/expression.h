// Row expressions for `type: expression` rules: a small boolean language over the
// row's columns, parsed once per run and evaluated per row without allocating in
// the common case.
//
// Grammar (keywords case-insensitive):
//   expr    := or
//   or      := and ("or" and)*
//   and     := not ("and" not)*
//   not     := "not" not | cmp
//   cmp     := sum [("=" | "==" | "!=" | "<>" | "<" | "<=" | ">" | ">=") sum
//                  | "is" ["not"] "null" | ["not"] "in" "(" sum ("," sum)* ")"]
//   sum     := term (("+" | "-" | "||") term)*
//   term    := unary (("*" | "/") unary)*
//   unary   := "-" unary | primary
//   primary := number | 'string' | "quoted column" | column | true | false | null
//            | function "(" [expr ("," expr)*] ")" | "(" expr ")"
// A column is a run of letters, digits, '_' and non-ASCII characters (so Chinese
// column names work unquoted) that does not start with a digit.
//
// Functions: id_birth_date(x) → 'YYYY-MM-DD', id_sex(x) → '1' (male) / '2' (female),
// id_region(x) → the 6-digit address code (each NULL when x is not a structurally
// valid 18- or 15-digit ID number), length(x) in characters, upper(x), lower(x)
// (ASCII only), trim(x), substr(x, start[, count]) (1-based, in characters),
// coalesce(a, b, ...), abs(x), today() → the run's date 'YYYY-MM-DD'.
//
// Semantics are SQL's: NULL propagates through operators and functions, comparisons
// with NULL are NULL, and/or/not use three-valued logic. Comparing two numbers (or
// a number and a string that reads as a number) is numeric, otherwise texts compare
// byte by byte. A cell of an integer or decimal column is a number; a text cell is a
// string, including "" (an empty string is not NULL here). The rule passes when the
// expression is true or NULL — a row that cannot be evaluated because an input is
// NULL passes — and fails when it is false or not a boolean. Tests of NULL
// (`x is null`, coalesce) are ordinary expressions, so a rule that wants NULL to
// fail says so: `birth_date is not null and birth_date = id_birth_date(id_number)`.
#pragma once

#include <deque>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "quality/cell.h"

namespace citydata::quality {

// Per-thread scratch space for string results. Reset by Evaluate.
struct ExpressionScratch {
  std::deque<std::string> strings;  // a deque never moves its elements
  size_t used = 0;
};

enum class ExpressionOutcome { kTrue, kFalse, kNull, kNotBoolean };

// Immutable once compiled and bound; Evaluate is thread-safe with one scratch per
// thread.
class Expression {
 public:
  // InvalidArgument with the position and what was expected, e.g.
  // "at 17: expected ')' after function arguments".
  static Result<Expression> Compile(std::string_view text, std::string today_iso);

  Expression(Expression&&) noexcept;
  Expression& operator=(Expression&&) noexcept;
  ~Expression();

  // The distinct columns the expression reads, in first-use order.
  const std::vector<std::string>& columns() const;

  // Makes columns()[i] read cell `slots[i]` of the rows passed to Evaluate.
  // REQUIRES: slots.size() == columns().size().
  void Bind(std::span<const int> slots);

  // REQUIRES: Bind was called and every bound slot is inside `row`.
  ExpressionOutcome Evaluate(std::span<const Cell> row, ExpressionScratch& scratch) const;

 private:
  struct Impl;
  explicit Expression(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace citydata::quality
