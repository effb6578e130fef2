#include "core/mapped_array.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace citydata {
namespace {

TEST(MappedArrayTest, GrowingKeepsEveryValue) {
  MappedArray<uint64_t> a;
  EXPECT_TRUE(a.empty());
  // Far past the first page-sized mapping and across several huge-page moves.
  const uint64_t n = 3'000'000;
  for (uint64_t i = 0; i < n; ++i) a.push_back(i * 2654435761u);
  ASSERT_EQ(a.size(), n);
  for (uint64_t i = 0; i < n; ++i) ASSERT_EQ(a[i], i * 2654435761u) << i;
}

TEST(MappedArrayTest, ResizeZeroesNewElementsEvenWhereOldOnesWere) {
  MappedArray<uint32_t> a;
  for (uint32_t i = 0; i < 1000; ++i) a.push_back(i + 1);
  a.resize(10);
  a.resize(2000);
  EXPECT_EQ(a[9], 10u);
  for (size_t i = 10; i < 2000; ++i) ASSERT_EQ(a[i], 0u) << i;
  a.clear();
  a.resize(5);
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(a[i], 0u);
}

TEST(MappedArrayTest, MovesOwnership) {
  MappedArray<int> a;
  a.resize(300'000);
  a[299'999] = 7;
  MappedArray<int> b = std::move(a);
  EXPECT_EQ(a.size(), 0u);  // NOLINT(bugprone-use-after-move): moved-from is empty
  EXPECT_EQ(b.size(), 300'000u);
  EXPECT_EQ(b[299'999], 7);
  a.push_back(1);
  b = std::move(a);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0], 1);
}

TEST(MappedArrayTest, OddElementSizes) {
  struct Triple {
    uint64_t a, b, c;
  };
  MappedArray<Triple> t;
  for (uint64_t i = 0; i < 200'000; ++i) t.push_back({i, i + 1, i + 2});
  for (uint64_t i = 0; i < 200'000; ++i) ASSERT_EQ(t[i].c, i + 2);
}

TEST(MappedArrayTest, ReusedMemoryComesBackZeroed) {
  // Large enough for the pool; each round reuses what the previous one released.
  for (int round = 0; round < 4; ++round) {
    MappedArray<uint64_t> a;
    a.resize(400'000 + static_cast<size_t>(round) * 1000);
    for (size_t i = 0; i < a.size(); ++i) ASSERT_EQ(a[i], 0u) << round << " " << i;
    for (auto& v : a) v = ~uint64_t{0};
    MappedArray<uint64_t> grown;
    for (uint64_t i = 0; i < 700'000; ++i) grown.push_back(i);
    for (uint64_t i = 0; i < 700'000; ++i) ASSERT_EQ(grown[i], i);
    grown.resize(900'000);
    for (size_t i = 700'000; i < 900'000; ++i) ASSERT_EQ(grown[i], 0u) << round << " " << i;
  }
}

}  // namespace
}  // namespace citydata
