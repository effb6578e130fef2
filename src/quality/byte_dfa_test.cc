#include "quality/byte_dfa.h"

#include <gtest/gtest.h>
#include <re2/re2.h>

#include <random>
#include <string>
#include <vector>

namespace citydata::quality {
namespace {

bool Re2FullMatch(const RE2& re, std::string_view text) {
  return re.Match(text, 0, text.size(), RE2::ANCHOR_BOTH, nullptr, 0);
}

// Texts built from the pattern's own characters, neighbours of them, and bytes RE2
// treats specially (newlines, non-ASCII, invalid UTF-8), plus near-misses of `seeds`.
std::vector<std::string> Texts(const std::string& pattern, const std::vector<std::string>& seeds,
                               uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string alphabet = pattern + "aAzZ09_-.@ \n\t\r\f\v\\[]()|*+?{},$^";
  alphabet += std::string("\xC3\xA9\xE4\xB8\xAD\xFF\x80\x00", 8);
  std::vector<std::string> out = {""};
  for (int i = 0; i < 3000; ++i) {
    std::string t;
    const size_t len = rng() % 24;
    for (size_t k = 0; k < len; ++k) t += alphabet[rng() % alphabet.size()];
    out.push_back(t);
  }
  for (const auto& s : seeds) {
    out.push_back(s);
    for (int i = 0; i < 200; ++i) {
      std::string t = s;
      const int edit = static_cast<int>(rng() % 3);
      const size_t at = t.empty() ? 0 : rng() % (t.size() + 1);
      const char c = alphabet[rng() % alphabet.size()];
      if (edit == 0 && at < t.size()) t[at] = c;
      if (edit == 1) t.insert(t.begin() + static_cast<std::ptrdiff_t>(at), c);
      if (edit == 2 && at < t.size()) t.erase(at, 1);
      out.push_back(t);
    }
  }
  return out;
}

struct Case {
  std::string pattern;
  std::vector<std::string> seeds;  // matching texts to mutate
};

TEST(ByteDfaTest, AgreesWithRe2OnEveryText) {
  const std::vector<Case> cases = {
      {R"([a-z0-9._]+@[a-z0-9.]+\.[a-z]+)", {"li.wei_01@mail.example.cn", "a@b.c"}},
      {"[a-z]+", {"active", "closed"}},
      {R"(\d{6})", {"330102"}},
      {R"(\d{3,5})", {"123", "12345"}},
      {R"(\d{2,})", {"12", "1234567"}},
      {R"(1[3-9]\d{9})", {"13812345678"}},
      {"(active|inactive|closed)", {"active", "inactive"}},
      {"^(?:ab|a)(?:bc|c)?$", {"ab", "abc", "abbc", "a"}},
      {R"(AB\d{3})", {"AB123"}},
      {R"([A-Z]{2}-?\d{4})", {"AB-1234", "AB1234"}},
      {R"(\w+\s\w+)", {"hello world", "a_b\tc"}},
      {R"([\w.\-]+)", {"a-b.c_d"}},
      {R"(a*b*c*)", {"", "aabbcc", "c"}},
      {R"((a|b)*abb)", {"abb", "aababb"}},
      {R"((ab)?c+?)", {"abc", "ccc"}},
      {R"(x{0}y)", {"y"}},
      {R"([-a-c!--])", {"-", "b", "!"}},
      {R"(\.\*\+\?\(\)\[\]\{\}\|\^\$\\)", {R"(.*+?()[]{}|^$\)"}},
      {R"(a\$)", {"a$"}},
      {R"(a\\$)", {R"(a\)"}},
      {"", {""}},
      {"a|", {"a", ""}},
      {"()", {""}},
      {R"([0-9]{1,3}(,[0-9]{3})*)", {"1,234,567", "12"}},
      {R"(\n\t\r\f\v)", {"\n\t\r\f\v"}},
      {R"(#/:=;<>@_~`'"%&! )", {R"(#/:=;<>@_~`'"%&! )"}},
  };
  for (const Case& c : cases) {
    RE2 re(c.pattern);
    ASSERT_TRUE(re.ok()) << c.pattern;
    auto dfa = ByteDfa::Compile(c.pattern);
    ASSERT_NE(dfa, nullptr) << c.pattern;
    for (const std::string& seed : c.seeds)
      ASSERT_TRUE(dfa->Matches(seed)) << c.pattern << " / " << seed;
    for (const std::string& t : Texts(c.pattern, c.seeds, std::hash<std::string>{}(c.pattern))) {
      ASSERT_EQ(dfa->Matches(t), Re2FullMatch(re, t))
          << "pattern " << c.pattern << " text '" << t << "'";
    }
  }
}

TEST(ByteDfaTest, LeavesOtherPatternsToRe2) {
  for (const char* p :
       {".",       "a.b",        "[^a]",        "(?i)abc",   R"(\pL)", R"(\p{Han})", "\\b",
        R"(\x41)", "a{2}{3}",    "[[:alpha:]]", "[]a]",      "é",      "\\D",        "a$b",
        "a^b",     "(?P<n>a)",   "[a-b-c]",     R"([\d-z])", "a{,3}",  "a{",         "]",
        "}",       R"(\Qa.b\E)", R"(\z)",       R"(\C)"}) {
    EXPECT_EQ(ByteDfa::Compile(p), nullptr) << p;
  }
}

TEST(ByteDfaTest, LimitsTheStateCount) {
  // (a|b)*a(a|b){12}: the DFA needs 2^13 states.
  EXPECT_EQ(ByteDfa::Compile("(a|b)*a(a|b){12}"), nullptr);
  EXPECT_NE(ByteDfa::Compile("(a|b)*a(a|b){3}"), nullptr);
  EXPECT_EQ(ByteDfa::Compile("(((a{1000}){1000}){1000})"), nullptr);
  // Few DFA states, but huge NFA state sets on the way: the work bound gives up.
  EXPECT_EQ(ByteDfa::Compile("((a|b|c|d|e|f|g|h|i|j|k|l|m|n|o|p)?){200}"), nullptr);
}

TEST(ByteDfaTest, CountsWithALeadingZeroAreText) {
  // RE2 reads `{06}` as the literal text "{06}".
  RE2 re(R"(\d{06})");
  ASSERT_TRUE(re.ok());
  EXPECT_FALSE(Re2FullMatch(re, "123456"));
  EXPECT_TRUE(Re2FullMatch(re, "1{06}"));
  EXPECT_EQ(ByteDfa::Compile(R"(\d{06})"), nullptr);
  auto zero = ByteDfa::Compile("ab{0}c");
  ASSERT_NE(zero, nullptr);
  EXPECT_TRUE(zero->Matches("ac"));
}

}  // namespace
}  // namespace citydata::quality
