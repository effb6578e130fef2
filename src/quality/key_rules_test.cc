#include "quality/key_rules.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace citydata::quality {
namespace {

// Parts of `sizes` rows with random hashes, some repeated within and across parts;
// row ids start at 1 and run on from part to part with a gap at each part boundary.
std::vector<PartHashes> MakeParts(const std::vector<size_t>& sizes, uint64_t seed,
                                  std::map<uint64_t, int>& counts) {
  std::mt19937_64 rng(seed);
  std::vector<uint64_t> drawn;
  std::vector<PartHashes> parts(sizes.size());
  int64_t row_id = 1;
  for (size_t p = 0; p < sizes.size(); ++p) {
    for (size_t i = 0; i < sizes[p]; ++i) {
      uint64_t h = rng();
      const uint64_t pick = rng() % 100;
      if (pick < 3 && !drawn.empty()) h = drawn[rng() % drawn.size()];  // a repeat
      if (pick == 3) h = 0;                                             // the zero hash
      if (pick == 4) h = (h & 0xFFFFull) | (uint64_t{5} << 60);         // crowds one bucket
      drawn.push_back(h);
      ++counts[h];
      parts[p].Add(h, row_id++);
    }
    row_id += 10;
  }
  return parts;
}

std::vector<const PartHashes*> Pointers(const std::vector<PartHashes>& parts) {
  std::vector<const PartHashes*> out;
  for (const auto& p : parts) out.push_back(&p);
  return out;
}

TEST(KeyRulesTest, RepeatedHashesFindsExactlyTheHashesSeenMoreThanOnce) {
  for (int threads : {1, 2, 3}) {
    std::map<uint64_t, int> counts;
    auto parts = MakeParts({50'000, 0, 70'001}, 7 + threads, counts);
    std::vector<uint64_t> expected;
    for (const auto& [h, n] : counts) {
      if (n > 1) expected.push_back(h);
    }
    ASSERT_GT(expected.size(), 1000u);
    EXPECT_EQ(RepeatedHashes(Pointers(parts), threads), expected) << threads;
  }
}

TEST(KeyRulesTest, RowsWithRepeatedHashesMapsBackToRowIds) {
  std::map<uint64_t, int> counts;
  auto parts = MakeParts({20'000, 30'000}, 11, counts);
  std::vector<int64_t> expected;
  for (const auto& part : parts) {
    for (size_t i = 0; i < part.hashes().size(); ++i) {
      if (counts[part.hashes()[i]] > 1) expected.push_back(part.row_id(i));
    }
  }
  EXPECT_EQ(RowsWithRepeatedHashes(Pointers(parts), 2), expected);
}

TEST(KeyRulesTest, NoRepeatsAndNoRows) {
  std::vector<PartHashes> parts(2);
  for (uint64_t i = 1; i <= 1000; ++i)
    parts[i % 2].Add(i * 0x9E3779B97F4A7C15ull, static_cast<int64_t>(i));
  EXPECT_TRUE(RepeatedHashes(Pointers(parts), 2).empty());
  EXPECT_TRUE(RowsWithRepeatedHashes(Pointers(parts), 2).empty());
  std::vector<PartHashes> none(2);
  EXPECT_TRUE(RepeatedHashes(Pointers(none), 2).empty());
}

TEST(KeyRulesTest, OneHashRepeatedEverywhere) {
  std::vector<PartHashes> parts(2);
  for (int64_t i = 0; i < 100'000; ++i) parts[i < 50'000 ? 0 : 1].Add(42, i);
  EXPECT_EQ(RepeatedHashes(Pointers(parts), 2), std::vector<uint64_t>{42});
  EXPECT_EQ(RowsWithRepeatedHashes(Pointers(parts), 2).size(), 100'000u);
}

}  // namespace
}  // namespace citydata::quality
