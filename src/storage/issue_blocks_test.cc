#include "storage/issue_blocks.h"

#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

namespace citydata::storage {
namespace {

using Row = std::tuple<std::string, int64_t, std::string, std::string>;

// Every issue of `set`, block by block, and the blocks' (rule, ordinal, count).
struct Drained {
  std::vector<Row> rows;
  std::vector<std::tuple<std::string, int64_t, int64_t>> blocks;
};

Drained Drain(QualityIssueSet& set) {
  Drained out;
  Status st = set.ForEachBlock([&](const std::string& rule_id, const IssueBlock& block) {
    out.blocks.emplace_back(rule_id, block.ordinal, block.count);
    std::vector<QualityIssueRecord> records;
    RETURN_IF_ERROR(DecodeIssueBlock(block.data, 0, block.count, "run", rule_id, records));
    EXPECT_EQ(records.front().row_id, block.first_row_id);
    EXPECT_EQ(records.back().row_id, block.last_row_id);
    for (auto& r : records) out.rows.emplace_back(r.rule_id, r.row_id, r.key, r.value);
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

TEST(IssueBlocksTest, BuilderRoundTripsAndSkips) {
  IssueBlockBuilder builder;
  builder.Add(-1, "", "no row id");
  builder.Add(-1, "k", "");
  builder.Add(5, "key 5", "值 5");
  builder.Add(1LL << 40, std::string(300, 'k'), std::string(70000, 'v'));
  ASSERT_EQ(builder.block().count, 4);
  EXPECT_EQ(builder.block().first_row_id, -1);
  EXPECT_EQ(builder.block().last_row_id, 1LL << 40);
  std::vector<QualityIssueRecord> out;
  ASSERT_TRUE(DecodeIssueBlock(builder.block().data, 1, 2, "r", "rule", out).ok());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].row_id, -1);
  EXPECT_EQ(out[0].key, "k");
  EXPECT_EQ(out[1].row_id, 5);
  EXPECT_EQ(out[1].value, "值 5");
  EXPECT_EQ(out[1].run_id, "r");
  EXPECT_EQ(out[1].rule_id, "rule");
  out.clear();
  ASSERT_TRUE(DecodeIssueBlock(builder.block().data, 3, 1, "r", "rule", out).ok());
  EXPECT_EQ(out[0].value, std::string(70000, 'v'));
}

TEST(IssueBlocksTest, DamagedOrShortDataIsAnError) {
  IssueBlockBuilder builder;
  builder.Add(1, "key", "value");
  std::vector<QualityIssueRecord> out;
  EXPECT_FALSE(DecodeIssueBlock(builder.block().data, 0, 2, "r", "rule", out).ok());
  std::string cut = builder.block().data.substr(0, builder.block().data.size() - 1);
  EXPECT_FALSE(DecodeIssueBlock(cut, 0, 1, "r", "rule", out).ok());
}

TEST(IssueBlocksTest, BlocksFillByCountAndBySize) {
  IssueBlockBuilder builder;
  for (int64_t i = 0; i < IssueBlockBuilder::kMaxIssues; ++i) {
    ASSERT_FALSE(builder.full());
    builder.Add(i, "", "");
  }
  EXPECT_TRUE(builder.full());
  builder.Next();
  EXPECT_EQ(builder.block().ordinal, IssueBlockBuilder::kMaxIssues);
  EXPECT_TRUE(builder.empty());
  builder.Add(0, "", std::string(IssueBlockBuilder::kMaxBytes, 'x'));  // alone in its block
  EXPECT_TRUE(builder.full());
  builder.Reset();
  EXPECT_EQ(builder.block().ordinal, 0);
}

TEST(IssueBlocksTest, SetSortsEachRuleByRowKeepingArrivalOrderOfTies) {
  QualityIssueSet set;
  set.Add("b", 9, "k9", "v9");
  set.Add("a", 3, "k3", "first 3");
  set.Add("b", -1, "", "sql row 1");
  set.Add("a", 1, "k1", "v1");
  set.Add("a", 3, "k3", "second 3");
  set.Add("b", -1, "", "sql row 2");
  EXPECT_EQ(set.size(), 6);
  Drained d = Drain(set);
  std::vector<Row> want = {{"a", 1, "k1", "v1"},       {"a", 3, "k3", "first 3"},
                           {"a", 3, "k3", "second 3"}, {"b", -1, "", "sql row 1"},
                           {"b", -1, "", "sql row 2"}, {"b", 9, "k9", "v9"}};
  EXPECT_EQ(d.rows, want);
  EXPECT_EQ(d.blocks.size(), 2u);
  EXPECT_EQ(Drain(set).rows, want);  // sorting again changes nothing
}

TEST(IssueBlocksTest, SetCutsRulesIntoConsecutiveBlocks) {
  QualityIssueSet set;
  const int64_t n = IssueBlockBuilder::kMaxIssues * 2 + 5;
  for (int64_t i = n - 1; i >= 0; --i) {
    set.Add("r", i, std::to_string(i), "");
    if (i % 100 == 0) set.Add("q", i, "", "");
  }
  Drained d = Drain(set);
  ASSERT_EQ(d.blocks.size(), 4u);
  EXPECT_EQ(d.blocks[0], std::make_tuple(std::string("q"), int64_t{0}, (n - 1) / 100 + 1));
  EXPECT_EQ(d.blocks[1],
            std::make_tuple(std::string("r"), int64_t{0}, IssueBlockBuilder::kMaxIssues));
  EXPECT_EQ(d.blocks[2], std::make_tuple(std::string("r"), IssueBlockBuilder::kMaxIssues,
                                         IssueBlockBuilder::kMaxIssues));
  EXPECT_EQ(d.blocks[3],
            std::make_tuple(std::string("r"), 2 * IssueBlockBuilder::kMaxIssues, int64_t{5}));
  for (int64_t i = 0; i < n; ++i) {
    ASSERT_EQ(std::get<1>(d.rows[static_cast<size_t>(i + (n - 1) / 100 + 1)]), i);
  }
}

TEST(IssueBlocksTest, SinkErrorsStopTheWalk) {
  QualityIssueSet set;
  set.Add("a", 1, "", "");
  set.Add("b", 1, "", "");
  int calls = 0;
  Status st = set.ForEachBlock([&](const std::string&, const IssueBlock&) {
    ++calls;
    return Internal("disk full");
  });
  EXPECT_EQ(st.code(), ErrorCode::kInternal);
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace citydata::storage
