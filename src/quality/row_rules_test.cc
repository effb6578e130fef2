#include "quality/row_rules.h"

#include <gtest/gtest.h>
#include <re2/re2.h>

#include <map>
#include <string>
#include <vector>

namespace citydata::quality {
namespace {

// A predicate that counts its calls per text.
struct CountingPredicate {
  std::map<std::string, int>* calls;
  bool operator()(std::string_view text) const {
    ++(*calls)[std::string(text)];
    return text.size() % 3 != 0 && (text.empty() || text[0] != 'x');
  }
};

// Texts that a memo must tell apart: sizes around the eight bytes of an entry's head
// and the longest remembered text, a shared head with different tails or sizes,
// embedded NULs, invalid UTF-8, full-width digits.
std::vector<std::string> TrickyTexts() {
  std::vector<std::string> texts = {"",
                                    "a",
                                    "ab",
                                    "abc",
                                    "abcd",
                                    "abcdefg",
                                    "abcdefgh",
                                    "abcdefghi",
                                    "abcdefghij",
                                    "abcdefgX",
                                    "abcdefghX",
                                    std::string("ab\0", 3),
                                    std::string("ab\0\0", 4),
                                    std::string("\0", 1),
                                    "\xff\xfe",
                                    "\xe4\xb8",
                                    "１２３",
                                    "123",
                                    "x1",
                                    "x12",
                                    std::string(VerdictMemo::kMaxText, 'q'),
                                    std::string(VerdictMemo::kMaxText - 1, 'q') + "r",
                                    std::string(VerdictMemo::kMaxText + 1, 'q'),
                                    std::string(VerdictMemo::kMaxText + 2, 'q')};
  return texts;
}

TEST(VerdictMemoTest, RunsThePredicateOncePerRepeatedText) {
  std::map<std::string, int> calls;
  CountingPredicate pred{&calls};
  VerdictMemo memo;
  for (int round = 0; round < 50; ++round) {
    for (std::string_view t : {"active", "inactive", "closed", "ACTIVE", "unknown"}) {
      EXPECT_EQ(memo.Apply(t, pred), pred(t)) << t;
    }
  }
  // One call through the memo, and one per round from the EXPECT above.
  for (const auto& [text, n] : calls) EXPECT_EQ(n, 51) << text;
}

TEST(VerdictMemoTest, SameVerdictsAsThePredicateOnTrickyTexts) {
  std::map<std::string, int> calls;
  CountingPredicate pred{&calls};
  VerdictMemo memo;
  for (int round = 0; round < 3; ++round) {
    for (const std::string& t : TrickyTexts()) EXPECT_EQ(memo.Apply(t, pred), pred(t)) << t;
  }
}

TEST(VerdictMemoTest, PausesOnDistinctTextsAndResumes) {
  std::map<std::string, int> calls;
  CountingPredicate pred{&calls};
  VerdictMemo memo;
  auto distinct = [](uint32_t i) { return "v" + std::to_string(i); };
  uint32_t n = 0;
  for (; n < VerdictMemo::kWindow; ++n) {
    EXPECT_TRUE(memo.active_for_testing());
    std::string t = distinct(n);
    ASSERT_EQ(memo.Apply(t, pred), pred(t));
  }
  EXPECT_FALSE(memo.active_for_testing());
  // While paused, repeated texts go to the predicate too, with the same verdicts.
  calls.clear();
  for (uint32_t i = 0; i < VerdictMemo::kPause; ++i) {
    std::string t = distinct(i % 4);
    ASSERT_EQ(memo.Apply(t, pred), pred(t));
  }
  EXPECT_EQ(calls["v0"], static_cast<int>(VerdictMemo::kPause / 2));
  EXPECT_TRUE(memo.active_for_testing());
  // A window of repeats keeps it on.
  for (uint32_t i = 0; i < 3 * VerdictMemo::kWindow; ++i) {
    std::string t = distinct(i % 4);
    ASSERT_EQ(memo.Apply(t, pred), pred(t));
  }
  EXPECT_TRUE(memo.active_for_testing());
}

TEST(VerdictMemoTest, SameVerdictsOnAMixOfRepeatedAndDistinctTexts) {
  std::map<std::string, int> calls;
  CountingPredicate pred{&calls};
  VerdictMemo memo;
  std::vector<std::string> tricky = TrickyTexts();
  uint64_t state = 12345;
  bool paused_once = false, resumed = false;
  for (uint32_t i = 0; i < 400000; ++i) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    // Phases of mostly distinct texts and of mostly repeated ones.
    const bool distinct_phase = (i / 50000) % 2 == 0;
    const uint64_t r = state >> 33;
    std::string t =
        distinct_phase && r % 10 != 0 ? "d" + std::to_string(i) : tricky[r % tricky.size()];
    ASSERT_EQ(memo.Apply(t, pred), pred(t)) << i << " " << t;
    paused_once = paused_once || !memo.active_for_testing();
    resumed = resumed || (paused_once && memo.active_for_testing());
  }
  EXPECT_TRUE(paused_once);
  EXPECT_TRUE(resumed);
}

// Runs a regex rule over blocks of one-column rows and returns the failing rows.
std::vector<size_t> FailingRows(const RowCheck& check, const std::vector<std::string>& texts,
                                RowScratch& scratch) {
  std::vector<Cell> cells;
  std::vector<int64_t> ids;
  for (const std::string& t : texts) {
    cells.push_back(Cell{false, t, nullptr});
    ids.push_back(static_cast<int64_t>(ids.size()));
  }
  std::vector<size_t> failing;
  std::vector<RowVerdict> out;
  for (size_t first = 0; first < texts.size(); first += 128) {
    size_t n = std::min<size_t>(128, texts.size() - first);
    out.clear();
    check.CheckBlock(CellBlock(std::span(ids).subspan(first, n),
                               std::span<const Cell>(cells).subspan(first, n), 1),
                     scratch, out);
    for (const RowVerdict& v : out) failing.push_back(first + v.row);
  }
  return failing;
}

std::unique_ptr<RowCheck> RegexRule(const std::string& pattern) {
  Rule rule;
  rule.id = "r";
  rule.type = RuleType::kRegex;
  rule.columns = {"c"};
  rule.params["pattern"] = pattern;
  RowCheckEnv env;
  env.slot = [](std::string_view) { return 0; };
  auto check = CompileRowCheck(rule, env);
  EXPECT_TRUE(check.ok()) << check.status().ToString();
  return std::move(*check);
}

TEST(RegexRuleTest, VerdictsMatchRe2OnRepeatedAndDistinctValues) {
  const std::vector<std::string> patterns = {"[a-z]+", R"([a-z0-9._]+@[a-z0-9.]+\.[a-z]+)",
                                             R"(\d{3})", "(?i)active|closed"};
  std::vector<std::string> texts;
  std::vector<std::string> tricky = TrickyTexts();
  for (int i = 0; i < 20000; ++i) {
    texts.push_back(tricky[static_cast<size_t>(i) % tricky.size()]);
    texts.push_back(i % 2 ? "active" : "ACTIVE");
    if (i < 5000 || i > 15000) texts.push_back("u" + std::to_string(i) + "@qq.com");
  }
  RowScratch scratch;  // shared by the rules, as a scan part shares it
  std::vector<std::unique_ptr<RowCheck>> checks;
  for (const auto& p : patterns) checks.push_back(RegexRule(p));
  for (int pass = 0; pass < 2; ++pass) {
    for (size_t k = 0; k < patterns.size(); ++k) {
      RE2 re(patterns[k]);
      std::vector<size_t> expected;
      for (size_t i = 0; i < texts.size(); ++i) {
        if (!texts[i].empty() && !RE2::FullMatch(texts[i], re)) expected.push_back(i);
      }
      EXPECT_EQ(FailingRows(*checks[k], texts, scratch), expected) << patterns[k];
    }
  }
}

TEST(RegexRuleTest, NullAndEmptyPass) {
  auto check = RegexRule("[a-z]+");
  RowScratch scratch;
  std::string_view detail;
  Cell null_cell;
  Cell empty{false, "", nullptr};
  EXPECT_EQ(check->Check(std::span<const Cell>(&null_cell, 1), scratch, detail), Verdict::kPass);
  EXPECT_EQ(check->Check(std::span<const Cell>(&empty, 1), scratch, detail), Verdict::kPass);
  Cell upper{false, "ABC", nullptr};
  EXPECT_EQ(check->Check(std::span<const Cell>(&upper, 1), scratch, detail), Verdict::kFail);
}

}  // namespace
}  // namespace citydata::quality
