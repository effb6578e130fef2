#include "formats/type_inference.h"

#include <gtest/gtest.h>

#include <initializer_list>

namespace citydata::formats {
namespace {

ColumnType Infer(std::initializer_list<std::optional<std::string_view>> values) {
  TypeInferrer inferrer;
  for (const auto& value : values) inferrer.Observe(value);
  return inferrer.Result();
}

TEST(TypeInference, Integers) {
  EXPECT_EQ(Infer({"0", "-12", "123456789012345"}), ColumnType::kInteger);
  EXPECT_EQ(Infer({"0", "1", "1"}), ColumnType::kInteger);
  EXPECT_EQ(Infer({"010010"}), ColumnType::kText);            // leading zero
  EXPECT_EQ(Infer({"1234567890123456"}), ColumnType::kText);  // 16 digits
  EXPECT_EQ(Infer({"13812345678"}), ColumnType::kText);       // mobile phone
  EXPECT_EQ(Infer({"23812345678"}), ColumnType::kInteger);
  EXPECT_EQ(Infer({"+8613812345678"}), ColumnType::kText);
  EXPECT_EQ(Infer({"+5"}), ColumnType::kText);
  EXPECT_EQ(Infer({"1,000"}), ColumnType::kText);
  EXPECT_EQ(Infer({"-0"}), ColumnType::kText);
  EXPECT_EQ(Infer({" 1"}), ColumnType::kText);
}

TEST(TypeInference, Decimals) {
  EXPECT_EQ(Infer({"3.50", "-0.25", "12"}), ColumnType::kDecimal);
  EXPECT_EQ(Infer({"0.123456789012345"}), ColumnType::kDecimal);
  EXPECT_EQ(Infer({"1.23456789012345"}), ColumnType::kDecimal);
  EXPECT_EQ(Infer({"12.3456789012345678"}), ColumnType::kText);
  EXPECT_EQ(Infer({"01.5"}), ColumnType::kText);
  EXPECT_EQ(Infer({".5"}), ColumnType::kText);
  EXPECT_EQ(Infer({"5."}), ColumnType::kText);
  EXPECT_EQ(Infer({"1e5"}), ColumnType::kText);
  EXPECT_EQ(Infer({"NaN"}), ColumnType::kText);
}

TEST(TypeInference, Booleans) {
  EXPECT_EQ(Infer({"true", "FALSE", "Yes", "n", "是", "否", "T"}), ColumnType::kBoolean);
  EXPECT_EQ(Infer({"true", "1"}), ColumnType::kText);
  EXPECT_EQ(Infer({"是的"}), ColumnType::kText);
}

TEST(TypeInference, DatesAndTimestamps) {
  EXPECT_EQ(Infer({"2023-01-05", "2024-02-29"}), ColumnType::kDate);
  EXPECT_EQ(Infer({"2023-02-29"}), ColumnType::kText);
  EXPECT_EQ(Infer({"1900-02-29"}), ColumnType::kText);
  EXPECT_EQ(Infer({"2000-02-29"}), ColumnType::kDate);
  EXPECT_EQ(Infer({"2023-13-01"}), ColumnType::kText);
  EXPECT_EQ(Infer({"2023/01/05"}), ColumnType::kText);
  EXPECT_EQ(Infer({"2023-1-5"}), ColumnType::kText);
  EXPECT_EQ(Infer({"2023-01-05 08:30:00", "2023-01-05T08:30:00.123Z", "2023-01-05T08:30:00+08:00"}),
            ColumnType::kTimestamp);
  EXPECT_EQ(Infer({"2023-01-05", "2023-01-05 08:30:00"}), ColumnType::kTimestamp);
  EXPECT_EQ(Infer({"2023-01-05 24:00:00"}), ColumnType::kText);
  EXPECT_EQ(Infer({"2023-01-05 08:30"}), ColumnType::kText);
  EXPECT_EQ(Infer({"2023-01-05T08:30:00+0800"}), ColumnType::kText);
  EXPECT_EQ(Infer({"2023-01-05T08:30:00."}), ColumnType::kText);
}

TEST(TypeInference, NullsAndEmptyStringsDoNotWiden) {
  EXPECT_EQ(Infer({std::nullopt, "", "7"}), ColumnType::kInteger);
  EXPECT_EQ(Infer({std::nullopt, ""}), ColumnType::kText);
  EXPECT_EQ(Infer({}), ColumnType::kText);
  EXPECT_EQ(Infer({"1", "x"}), ColumnType::kText);
}

TEST(ConvertValue, ConvertsConformingText) {
  EXPECT_EQ(ConvertValue("-12", ColumnType::kInteger), Value(int64_t{-12}));
  EXPECT_EQ(ConvertValue("12", ColumnType::kDecimal), Value(12.0));
  EXPECT_EQ(ConvertValue("3.50", ColumnType::kDecimal), Value(3.5));
  EXPECT_EQ(ConvertValue("是", ColumnType::kBoolean), Value(true));
  EXPECT_EQ(ConvertValue("No", ColumnType::kBoolean), Value(false));
  EXPECT_EQ(ConvertValue("2023-01-05", ColumnType::kDate), Value(std::string("2023-01-05")));
  EXPECT_EQ(ConvertValue("2023-01-05 08:30:00", ColumnType::kTimestamp),
            Value(std::string("2023-01-05T08:30:00")));
  EXPECT_EQ(ConvertValue("2023-01-05T08:30:00.5+08:00", ColumnType::kTimestamp),
            Value(std::string("2023-01-05T08:30:00.5+08:00")));
  EXPECT_EQ(ConvertValue("2023-01-05", ColumnType::kTimestamp),
            Value(std::string("2023-01-05T00:00:00")));
  EXPECT_EQ(ConvertValue("", ColumnType::kText), Value(std::string()));
}

TEST(ConvertValue, NullsAndNonConformingValues) {
  EXPECT_EQ(ConvertValue(std::nullopt, ColumnType::kText), Value());
  EXPECT_EQ(ConvertValue(std::nullopt, ColumnType::kInteger), Value());
  EXPECT_EQ(ConvertValue("", ColumnType::kInteger), Value());
  EXPECT_EQ(ConvertValue("", ColumnType::kDate), Value());
  EXPECT_EQ(ConvertValue("1.5", ColumnType::kInteger), std::nullopt);
  EXPECT_EQ(ConvertValue("01", ColumnType::kInteger), std::nullopt);
  EXPECT_EQ(ConvertValue("1", ColumnType::kBoolean), std::nullopt);
  EXPECT_EQ(ConvertValue("2023-02-30", ColumnType::kDate), std::nullopt);
}

}  // namespace
}  // namespace citydata::formats
