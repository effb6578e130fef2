#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>

#include "quality/row_rules.h"
#include "quality/rule_params.h"
#include "quality/value_checks.h"
#include "standards/national_ids.h"

namespace citydata::quality {
namespace {

constexpr int32_t kToday = 19904;  // 2024-06-30

// Runs a one-column rule on single values.
class OneColumnRule {
 public:
  explicit OneColumnRule(const std::string& yaml_rule) {
    auto plan = ParsePlan("dataset: raw.x\nrules:\n  - " + yaml_rule + "\n");
    EXPECT_TRUE(plan.ok()) << plan.status().ToString();
    RowCheckEnv env;
    env.slot = [](std::string_view) { return 0; };
    env.today_days = kToday;
    env.today_iso = "2024-06-30";
    auto check = CompileRowCheck(plan->rules[0], env);
    EXPECT_TRUE(check.ok()) << check.status().ToString();
    check_ = std::move(*check);
  }

  Verdict Check(std::string text) {
    value_ = std::move(text);
    Cell cell{false, std::get<std::string>(value_), &value_};
    std::string_view detail;
    return check_->Check(std::span<const Cell>(&cell, 1), scratch_, detail);
  }
  bool Passes(std::string text) { return Check(std::move(text)) != Verdict::kFail; }

 private:
  std::unique_ptr<RowCheck> check_;
  Value value_;
  RowScratch scratch_;
};

TEST(IdCardRuleTest, KnownVectors) {
  OneColumnRule rule("{column: c, type: id_card}");
  EXPECT_TRUE(rule.Passes("11010519491231002X"));
  EXPECT_FALSE(rule.Passes("11010519491231002x"));
  EXPECT_TRUE(rule.Passes("440304200002291236"));   // 2000-02-29
  EXPECT_FALSE(rule.Passes("440304200102291233"));  // 2001-02-29
  EXPECT_FALSE(rule.Passes("110105491231002"));
  OneColumnRule with15("{column: c, type: id_card, allow_15: true}");
  EXPECT_TRUE(with15.Passes("110105491231002"));
  EXPECT_FALSE(with15.Passes("110105490229002"));  // 1949-02-29
}

TEST(IdCardRuleTest, EverySingleCharacterChangeIsCaught) {
  OneColumnRule rule("{column: c, type: id_card}");
  const std::string valid = "11010519491231002X";
  const std::string alphabet = "0123456789Xx";
  int changes = 0;
  for (size_t i = 0; i < valid.size(); ++i) {
    for (char c : alphabet) {
      if (c == valid[i]) continue;
      std::string changed = valid;
      changed[i] = c;
      EXPECT_FALSE(rule.Passes(changed)) << changed;
      ++changes;
    }
  }
  EXPECT_EQ(changes, 18 * 11);
}

TEST(UsccRuleTest, EverySingleCharacterChangeIsCaught) {
  OneColumnRule rule("{column: c, type: uscc}");
  for (const std::string valid : {"91350100M000100Y43", "91110000600037341L"}) {
    EXPECT_EQ(rule.Check(valid), Verdict::kPass);
    for (size_t i = 0; i < valid.size(); ++i) {
      for (char c : standards::kCreditCodeAlphabet) {
        if (c == valid[i]) continue;
        std::string changed = valid;
        changed[i] = c;
        EXPECT_FALSE(rule.Passes(changed)) << changed;
      }
    }
  }
  EXPECT_EQ(rule.Check("91110000123456780W"), Verdict::kPassWithWarning);
}

TEST(ValueChecksTest, Dates) {
  EXPECT_TRUE(ParseCommonDateDays("2024-02-29"));
  EXPECT_FALSE(ParseCommonDateDays("2023-02-29"));
  EXPECT_FALSE(ParseCommonDateDays("1900-02-29"));
  EXPECT_TRUE(ParseCommonDateDays("2000-02-29"));
  EXPECT_TRUE(ParseCommonDateDays("2024年2月9日"));
  EXPECT_FALSE(ParseCommonDateDays("2024年2月9"));
  EXPECT_EQ(*ParseIsoDateDays("1970-01-02"), 1);
  EXPECT_EQ(FormatDays(kToday), "2024-06-30");
}

TEST(ValueChecksTest, DatesAgreeWithTheCalendarInEveryForm) {
  namespace chr = std::chrono;
  for (int y : {999, 1000, 1600, 1900, 1970, 2000, 2023, 2024, 9999}) {
    for (int m = 0; m <= 13; ++m) {
      for (int d = 0; d <= 32; ++d) {
        chr::year_month_day ymd{chr::year{y}, chr::month{static_cast<unsigned>(m)},
                                chr::day{static_cast<unsigned>(d)}};
        std::optional<int32_t> expected;
        if (y >= 1000 && ymd.ok()) {
          expected = static_cast<int32_t>(chr::sys_days(ymd).time_since_epoch().count());
        }
        char text[64];
        for (const char* form : {"%04d-%02d-%02d", "%04d/%02d/%02d", "%04d.%02d.%02d",
                                 "%04d%02d%02d", "%04d年%d月%d日"}) {
          std::snprintf(text, sizeof text, form, y, m, d);
          EXPECT_EQ(ParseCommonDateDays(text), expected) << text;
        }
        std::snprintf(text, sizeof text, "%04d-%02d-%02d", y, m, d);
        EXPECT_EQ(ParseIsoDateDays(text), expected) << text;
      }
    }
  }
  for (const char* bad :
       {"", "2024-1-01", "2024-01-1x", "2024_01_01", "2024-01/01", "２０２４0101"}) {
    EXPECT_EQ(ParseCommonDateDays(bad), std::nullopt) << bad;
  }
}

TEST(ValueChecksTest, Timestamps) {
  EXPECT_EQ(*ParseTimestampSeconds("1970-01-01T08:00:00", 480), 0);
  EXPECT_EQ(*ParseTimestampSeconds("1970-01-01T00:00:00Z", 480), 0);
  EXPECT_EQ(*ParseTimestampSeconds("1970-01-01 09:00+01:00", 480), 3600 * 8);
  EXPECT_FALSE(ParseTimestampSeconds("1970-01-01T24:00:00", 0));
  EXPECT_FALSE(ParseTimestampSeconds("1970-01-01X", 0));
}

TEST(ValueChecksTest, NumbersAndText) {
  EXPECT_TRUE(IsIntegerText("-12"));
  EXPECT_TRUE(IsIntegerText("+12"));
  EXPECT_FALSE(IsIntegerText("1.0"));
  EXPECT_FALSE(IsIntegerText("１２"));
  EXPECT_TRUE(IsDecimalText("1e-3"));
  EXPECT_FALSE(IsDecimalText("."));
  EXPECT_EQ(*ParseNumber("+2.5"), 2.5);
  EXPECT_EQ(Utf8Length("张三a"), 3u);
  EXPECT_TRUE(IsBlank(" \t\xE3\x80\x80"));
  EXPECT_FALSE(IsBlank(" a"));
}

TEST(RuleParamsTest, Durations) {
  EXPECT_EQ(ParseDuration("24h")->count(), 86400);
  EXPECT_EQ(ParseDuration("7d")->count(), 7 * 86400);
  EXPECT_FALSE(ParseDuration("7").ok());
  EXPECT_FALSE(ParseDuration("d").ok());
}

}  // namespace
}  // namespace citydata::quality
