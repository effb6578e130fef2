#include "quality/expression.h"

#include <gtest/gtest.h>

#include <map>

namespace citydata::quality {
namespace {

// Evaluates `text` over one row given as column → value.
ExpressionOutcome Eval(std::string_view text, const std::map<std::string, Value>& row) {
  auto expr = Expression::Compile(text, "2024-06-30");
  EXPECT_TRUE(expr.ok()) << expr.status().ToString();
  std::vector<Value> values;
  std::vector<int> slots;
  for (const auto& c : expr->columns()) {
    auto it = row.find(c);
    values.push_back(it == row.end() ? Value() : it->second);
    slots.push_back(static_cast<int>(slots.size()));
  }
  std::vector<Cell> cells;
  std::vector<std::string> texts(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    Cell cell;
    if (!IsNull(values[i])) {
      cell.null = false;
      cell.value = &values[i];
      if (const auto* s = std::get_if<std::string>(&values[i])) texts[i] = *s;
      if (const auto* n = std::get_if<int64_t>(&values[i])) texts[i] = std::to_string(*n);
      cell.text = texts[i];
    }
    cells.push_back(cell);
  }
  expr->Bind(slots);
  ExpressionScratch scratch;
  return expr->Evaluate(cells, scratch);
}

constexpr auto kTrue = ExpressionOutcome::kTrue;
constexpr auto kFalse = ExpressionOutcome::kFalse;
constexpr auto kNull = ExpressionOutcome::kNull;

TEST(ExpressionTest, IdFunctions) {
  std::map<std::string, Value> row = {{"id", std::string("11010519491231002X")},
                                      {"birth", std::string("1949-12-31")},
                                      {"sex", std::string("2")}};
  EXPECT_EQ(Eval("birth = id_birth_date(id)", row), kTrue);
  EXPECT_EQ(Eval("sex = id_sex(id) and id_region(id) = '110105'", row), kTrue);
  EXPECT_EQ(Eval("id_birth_date('x') is null", row), kTrue);
  EXPECT_EQ(Eval("id_birth_date(id) < today()", row), kTrue);
}

TEST(ExpressionTest, ThreeValuedLogic) {
  std::map<std::string, Value> row = {{"a", int64_t{1}}};
  EXPECT_EQ(Eval("b = 1", row), kNull);
  EXPECT_EQ(Eval("b = 1 or a = 1", row), kTrue);
  EXPECT_EQ(Eval("b = 1 and a = 2", row), kFalse);
  EXPECT_EQ(Eval("not (b = 1)", row), kNull);
  EXPECT_EQ(Eval("b is null and a is not null", row), kTrue);
  EXPECT_EQ(Eval("a in (2, null)", row), kNull);
  EXPECT_EQ(Eval("a not in (2, 3)", row), kTrue);
}

TEST(ExpressionTest, ComparisonsAndArithmetic) {
  std::map<std::string, Value> row = {
      {"n", int64_t{10}}, {"s", std::string("9")}, {"名称", std::string("张三丰")}};
  EXPECT_EQ(Eval("n > s", row), kTrue);  // numeric, not '10' < '9'
  EXPECT_EQ(Eval("'10' < '9'", row), kTrue);
  EXPECT_EQ(Eval("n * 2 - 1 = 19 and n / 4 = 2.5 and -n < 0", row), kTrue);
  EXPECT_EQ(Eval("n / 0 is null", row), kTrue);
  EXPECT_EQ(Eval("length(名称) = 3 and substr(名称, 2, 1) = '三'", row), kTrue);
  EXPECT_EQ(Eval("\"名称\" || 'x' = '张三丰x'", row), kTrue);
  EXPECT_EQ(Eval("upper('ab') = 'AB' AND trim('  a ') = 'a' and abs(-2) = 2", row), kTrue);
  EXPECT_EQ(Eval("'it''s' <> 'its'", row), kTrue);
}

TEST(ExpressionTest, EqualityAgreesWithOrdering) {
  // `=` and `<>` decide two texts by their bytes alone; that must be what `<=` and
  // `>=` (which order them) say, for every kind of pair.
  const std::vector<Value> values = {Value(),
                                     int64_t{1},
                                     int64_t{-3},
                                     1.0,
                                     2.5,
                                     true,
                                     false,
                                     std::string(""),
                                     std::string("1"),
                                     std::string("01"),
                                     std::string("1.0"),
                                     std::string("2.5"),
                                     std::string("true"),
                                     std::string("abc"),
                                     std::string("abd"),
                                     std::string("ab"),
                                     std::string("ab\0", 3),
                                     std::string("\xff"),
                                     std::string("１")};
  for (const Value& a : values) {
    for (const Value& b : values) {
      std::map<std::string, Value> row = {{"a", a}, {"b", b}};
      ExpressionOutcome ordered = Eval("a <= b and a >= b", row);
      EXPECT_EQ(Eval("a = b", row), ordered) << ValueText(a) << " = " << ValueText(b);
      ExpressionOutcome not_ordered = Eval("not (a <= b and a >= b)", row);
      EXPECT_EQ(Eval("a <> b", row), not_ordered) << ValueText(a) << " <> " << ValueText(b);
    }
  }
  EXPECT_EQ(Eval("'01' = '1'", {}), kFalse);
  EXPECT_EQ(Eval("'01' = 1", {}), kTrue);
  EXPECT_EQ(Eval("'true' = true", {}), kTrue);
}

TEST(ExpressionTest, NonBooleanResult) {
  EXPECT_EQ(Eval("1 + 1", {}), ExpressionOutcome::kNotBoolean);
}

TEST(ExpressionTest, ParseErrors) {
  for (const char* bad : {"a =", "(a = 1", "foo(a)", "substr(a)", "a = 'x", "a = 1 b", "a in 1"}) {
    auto expr = Expression::Compile(bad, "2024-06-30");
    EXPECT_FALSE(expr.ok()) << bad;
    if (!expr.ok()) {
      EXPECT_EQ(expr.status().message().rfind("at ", 0), 0u) << expr.status().message();
    }
  }
}

TEST(ExpressionTest, ColumnsInFirstUseOrder) {
  auto expr = Expression::Compile("b = a and a = id_sex(c) and b is null", "");
  ASSERT_TRUE(expr.ok());
  EXPECT_EQ(expr->columns(), (std::vector<std::string>{"b", "a", "c"}));
}

}  // namespace
}  // namespace citydata::quality
