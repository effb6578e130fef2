#include "sandbox/release.h"

#include <gtest/gtest.h>

#include <cmath>

#include "sandbox/noise.h"

namespace citydata::sandbox {
namespace {

// district, count(*), sum(salary)
std::vector<OutputColumn> Outputs() {
  OutputColumn key;
  OutputColumn count;
  count.aggregate = AggregateKind::kCount;
  OutputColumn sum;
  sum.aggregate = AggregateKind::kSum;
  sum.argument = "salary";
  return {key, count, sum};
}

std::vector<std::vector<Value>> Rows() {
  return {{int64_t{50}, std::string("东城区"), int64_t{50}, int64_t{250000}},
          {int64_t{10}, std::string("西城区"), int64_t{10}, int64_t{40000}},
          {int64_t{9}, std::string("朝阳区"), int64_t{9}, int64_t{36000}},
          {int64_t{1}, std::string("海淀区"), int64_t{1}, Value()}};
}

TEST(ReleaseTest, SuppressesGroupsBelowK) {
  auto released = ReleaseRows(Rows(), Outputs(), {10, 0, 0});
  ASSERT_TRUE(released.ok()) << released.status().message();
  EXPECT_EQ(released->suppressed_groups, 2);
  ASSERT_EQ(released->rows.size(), 2u);
  EXPECT_EQ(std::get<std::string>(released->rows[0][0]), "东城区");
  EXPECT_EQ(std::get<int64_t>(released->rows[0][1]), 50);
  EXPECT_EQ(std::get<int64_t>(released->rows[0][2]), 250000);
  EXPECT_EQ(std::get<std::string>(released->rows[1][0]), "西城区");

  auto strict = ReleaseRows(Rows(), Outputs(), {51, 0, 0});
  ASSERT_TRUE(strict.ok());
  EXPECT_TRUE(strict->rows.empty());
  EXPECT_EQ(strict->suppressed_groups, 4);
}

TEST(ReleaseTest, NoisyAnswersStayNearTheTruthForLargeEpsilon) {
  // k sits between true counts, so the tiny noise cannot move a group across it.
  auto released = ReleaseRows(Rows(), Outputs(), {5, 1e6, 5000});
  ASSERT_TRUE(released.ok()) << released.status().message();
  ASSERT_EQ(released->rows.size(), 3u);
  EXPECT_EQ(released->suppressed_groups, 1);
  EXPECT_EQ(std::get<int64_t>(released->rows[0][1]), 50);
  EXPECT_NEAR(std::get<double>(released->rows[0][2]), 250000, 1);
  EXPECT_EQ(std::get<std::string>(released->rows[0][0]), "东城区");
}

TEST(ReleaseTest, NoisyAnswersDifferFromTheTruthForSmallEpsilon) {
  std::vector<std::vector<Value>> big = {{int64_t{100000}, std::string("a"), int64_t{100000},
                                          int64_t{0}}};
  int differing = 0;
  for (int i = 0; i < 20; ++i) {
    auto released = ReleaseRows(big, Outputs(), {10, 0.1, 100});
    ASSERT_TRUE(released.ok());
    ASSERT_EQ(released->rows.size(), 1u);
    if (std::get<int64_t>(released->rows[0][1]) != 100000) ++differing;
  }
  // Scale 30: the rounded count equals the truth with probability about 1.7%.
  EXPECT_GE(differing, 15);
}

TEST(ReleaseTest, NoisyAveragesAndUnboundedSumsAreRefused) {
  OutputColumn avg;
  avg.aggregate = AggregateKind::kAvg;
  std::vector<std::vector<Value>> rows = {{int64_t{20}, 3.5}};
  EXPECT_EQ(ReleaseRows(rows, {avg}, {10, 1, 0}).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ReleaseRows(Rows(), Outputs(), {10, 1, 0}).status().code(),
            ErrorCode::kInvalidArgument);
}

TEST(ReleaseTest, RowsOfTheWrongWidthAreAnError) {
  std::vector<std::vector<Value>> rows = {{int64_t{20}}};
  EXPECT_EQ(ReleaseRows(rows, Outputs(), {10, 0, 0}).status().code(), ErrorCode::kInternal);
}

// Laplace(b): mean 0, E|X| = b, P(X > 0) = 1/2, P(|X| > b ln 20) = 5%.
TEST(NoiseTest, LaplaceDrawsHaveTheExpectedShape) {
  constexpr int kDraws = 40000;
  constexpr double kScale = 2.0;
  double sum = 0, abs_sum = 0;
  int positive = 0, beyond = 0;
  for (int i = 0; i < kDraws; ++i) {
    double x = LaplaceNoise(kScale).value();
    ASSERT_TRUE(std::isfinite(x));
    sum += x;
    abs_sum += std::fabs(x);
    positive += x > 0;
    beyond += std::fabs(x) > kScale * std::log(20.0);
  }
  EXPECT_NEAR(sum / kDraws, 0.0, 0.1);
  EXPECT_NEAR(abs_sum / kDraws, kScale, 0.1);
  EXPECT_NEAR(static_cast<double>(positive) / kDraws, 0.5, 0.02);
  EXPECT_NEAR(static_cast<double>(beyond) / kDraws, 0.05, 0.01);
}

}  // namespace
}  // namespace citydata::sandbox
