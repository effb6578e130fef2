#include "catalog/profiler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

namespace citydata::catalog {
namespace {

// prefix followed by n in decimal. (Not `prefix + std::to_string(n)`: at -O3 that
// trips GCC 12's false -Wrestrict warning.)
std::string Numbered(std::string_view prefix, uint64_t n) {
  std::string out(prefix);
  out += std::to_string(n);
  return out;
}

ColumnProfile ProfileOf(ColumnType type, const std::vector<Value>& values) {
  ColumnProfiler profiler("c", type);
  for (const auto& v : values) profiler.Add(v);
  return profiler.Finish();
}

std::vector<Value> Texts(const std::vector<std::string>& texts) {
  return {texts.begin(), texts.end()};
}

std::vector<std::string> PatternsOf(const std::vector<std::string>& texts) {
  std::vector<std::string> out;
  for (const auto& t : texts)
    out.push_back(ProfileOf(ColumnType::kText, {Value(t)}).patterns[0].value);
  return out;
}

// Draws from a Zipf(s) distribution over `n` ranks, 0 the most frequent.
class Zipf {
 public:
  Zipf(size_t n, double s) : cdf_(n) {
    double sum = 0;
    for (size_t k = 0; k < n; ++k) cdf_[k] = sum += 1.0 / std::pow(static_cast<double>(k + 1), s);
    for (double& c : cdf_) c /= sum;
  }
  size_t operator()(std::mt19937_64& rng) {
    double u = std::uniform_real_distribution<double>(0, 1)(rng);
    auto it = std::lower_bound(cdf_.begin(), cdf_.end(), u);
    return std::min(static_cast<size_t>(it - cdf_.begin()), cdf_.size() - 1);
  }

 private:
  std::vector<double> cdf_;
};

TEST(ColumnProfilerTest, SmallTextColumnIsExact) {
  ColumnProfile p = ProfileOf(
      ColumnType::kText, {Value("a"), Value("bb"), Value("a"), Value(), Value(""), Value("张三")});
  EXPECT_EQ(p.name, "c");
  EXPECT_EQ(p.row_count, 6);
  EXPECT_EQ(p.null_count, 1);
  EXPECT_EQ(p.empty_count, 1);
  EXPECT_EQ(p.distinct_count, 4);
  EXPECT_EQ(p.min, "");
  EXPECT_EQ(p.max, "张三");
  std::vector<ValueCount> top = {{"a", 2}, {"", 1}, {"bb", 1}, {"张三", 1}};
  EXPECT_EQ(p.top_values, top);
  EXPECT_EQ(p.min_length, 0);
  EXPECT_EQ(p.max_length, 2);
  EXPECT_DOUBLE_EQ(p.mean_length, 1.2);
  std::vector<ValueCount> lengths = {{"1", 2}, {"2", 2}, {"0", 1}};
  EXPECT_EQ(p.length_histogram, lengths);
  std::vector<ValueCount> patterns = {{"a", 2}, {"", 1}, {"aa", 1}, {"汉汉", 1}};
  EXPECT_EQ(p.patterns, patterns);
}

TEST(ColumnProfilerTest, EmptyAndAllNullColumns) {
  for (const auto& values : {std::vector<Value>{}, std::vector<Value>{Value(), Value()}}) {
    ColumnProfile p = ProfileOf(ColumnType::kInteger, values);
    EXPECT_EQ(p.row_count, static_cast<int64_t>(values.size()));
    EXPECT_EQ(p.null_count, static_cast<int64_t>(values.size()));
    EXPECT_EQ(p.distinct_count, 0);
    EXPECT_FALSE(p.min.has_value());
    EXPECT_FALSE(p.max.has_value());
    EXPECT_TRUE(p.top_values.empty());
    EXPECT_EQ(p.max_length, 0);
    EXPECT_EQ(p.mean_length, 0);
    EXPECT_TRUE(p.length_histogram.empty());
  }
}

TEST(ColumnProfilerTest, IntegerMinMaxIsNumeric) {
  ColumnProfile p = ProfileOf(ColumnType::kInteger, {Value(int64_t{42}), Value(int64_t{-5}),
                                                     Value(int64_t{7}), Value(int64_t{100})});
  EXPECT_EQ(p.min, "-5");
  EXPECT_EQ(p.max, "100");
  EXPECT_EQ(p.distinct_count, 4);
  EXPECT_EQ(p.max_length, 3);
  std::vector<ValueCount> patterns = {{"DD", 1}, {"DDD", 1}, {"-D", 1}, {"D", 1}};
  std::sort(patterns.begin(), patterns.end(),
            [](const auto& a, const auto& b) { return a.value < b.value; });
  EXPECT_EQ(p.patterns, patterns);
}

TEST(ColumnProfilerTest, DecimalMinMaxUsesShortestRoundTrip) {
  ColumnProfile p = ProfileOf(
      ColumnType::kDecimal,
      {Value(2.5), Value(-0.125), Value(1e21), Value(int64_t{3}), Value(std::nan("")), Value(0.1)});
  EXPECT_EQ(p.min, "-0.125");
  EXPECT_EQ(p.max, "1e+21");
  EXPECT_EQ(p.top_values.size(), 6u);

  ColumnProfile ints_win =
      ProfileOf(ColumnType::kDecimal, {Value(int64_t{-9007199254740993}),
                                       Value(-9007199254740992.0), Value(int64_t{9}), Value(8.5)});
  EXPECT_EQ(ints_win.min, "-9007199254740993");
  EXPECT_EQ(ints_win.max, "9");
}

TEST(ColumnProfilerTest, NumericColumnsSkipOtherAlternativesForMinMax) {
  ColumnProfile p =
      ProfileOf(ColumnType::kInteger, {Value("not a number"), Value(int64_t{3}), Value(true)});
  EXPECT_EQ(p.min, "3");
  EXPECT_EQ(p.max, "3");
  EXPECT_EQ(p.distinct_count, 3);
}

TEST(ColumnProfilerTest, BooleanOrdersFalseBeforeTrue) {
  ColumnProfile both = ProfileOf(ColumnType::kBoolean, {Value(true), Value(false), Value(true)});
  EXPECT_EQ(both.min, "false");
  EXPECT_EQ(both.max, "true");
  std::vector<ValueCount> top = {{"true", 2}, {"false", 1}};
  EXPECT_EQ(both.top_values, top);
  ColumnProfile only_true = ProfileOf(ColumnType::kBoolean, {Value(true)});
  EXPECT_EQ(only_true.min, "true");
  EXPECT_EQ(only_true.max, "true");
}

TEST(ColumnProfilerTest, DatesAndTimestampsCompareAsIsoText) {
  ColumnProfile dates =
      ProfileOf(ColumnType::kDate, Texts({"2023-01-05", "2022-12-31", "2023-10-01"}));
  EXPECT_EQ(dates.min, "2022-12-31");
  EXPECT_EQ(dates.max, "2023-10-01");
  ColumnProfile stamps =
      ProfileOf(ColumnType::kTimestamp,
                Texts({"2023-01-05T08:30:00", "2023-01-05T08:29:59", "2024-02-29T00:00:00"}));
  EXPECT_EQ(stamps.min, "2023-01-05T08:29:59");
  EXPECT_EQ(stamps.max, "2024-02-29T00:00:00");
  EXPECT_EQ(stamps.patterns[0].value, "DDDD-DD-DDADD:DD:DD");
}

TEST(ColumnProfilerTest, PatternsOfIdNumbersAndChineseNames) {
  EXPECT_EQ(PatternsOf({"11010519491231002X", "110105194912310021"}),
            (std::vector<std::string>{"DDDDDDDDDDDDDDDDDA", "DDDDDDDDDDDDDDDDDD"}));
  EXPECT_EQ(PatternsOf({"张三", "欧阳娜娜", "阿卜杜·热合曼", "㐀𠀀"}),
            (std::vector<std::string>{"汉汉", "汉汉汉汉", "汉汉汉·汉汉汉", "汉汉"}));
  EXPECT_EQ(PatternsOf({"Room 3b-甲", "ｄ１", "\xff\x80"}),
            (std::vector<std::string>{"Aaaa Da-汉", "ｄ１", "\xff\x80"}));

  ColumnProfile names = ProfileOf(ColumnType::kText, Texts({"张三", "李四", "欧阳娜娜", "王五"}));
  std::vector<ValueCount> patterns = {{"汉汉", 3}, {"汉汉汉汉", 1}};
  EXPECT_EQ(names.patterns, patterns);
  EXPECT_EQ(names.max_length, 4);
}

TEST(ColumnProfilerTest, LongValuesAreCutAndBucketed) {
  std::string long_ascii(70, 'x');
  std::string very_long;
  for (int i = 0; i < 300; ++i) very_long += "汉";
  ColumnProfile p = ProfileOf(ColumnType::kText, Texts({long_ascii, very_long}));
  std::vector<std::string> patterns = {p.patterns[0].value, p.patterns[1].value};
  std::sort(patterns.begin(), patterns.end());
  std::string cut_ascii = std::string(64, 'a') + "…";
  std::string cut_han;
  for (int i = 0; i < 64; ++i) cut_han += "汉";
  EXPECT_EQ(patterns, (std::vector<std::string>{cut_ascii, cut_han + "…"}));
  EXPECT_EQ(p.max_length, 300);
  EXPECT_EQ(p.min_length, 70);
  std::vector<ValueCount> lengths = {{"70", 1}, {">255", 1}};
  EXPECT_EQ(p.length_histogram, lengths);

  std::string exactly_64(64, '1');
  EXPECT_EQ(PatternsOf({exactly_64})[0], std::string(64, 'D'));
}

TEST(ColumnProfilerTest, LengthHistogramKeepsTwentyMostFrequent) {
  std::vector<Value> values;
  for (int length = 1; length <= 30; ++length) {
    for (int copies = 0; copies < length; ++copies) values.emplace_back(std::string(length, 'x'));
  }
  ColumnProfile p = ProfileOf(ColumnType::kText, values);
  ASSERT_EQ(p.length_histogram.size(), 20u);
  EXPECT_EQ(p.length_histogram.front(), (ValueCount{"30", 30}));
  EXPECT_EQ(p.length_histogram.back(), (ValueCount{"11", 11}));
}

TEST(ColumnProfilerTest, DistinctIsExactUpToAThousand) {
  ColumnProfiler profiler("c", ColumnType::kInteger);
  for (int64_t i = 0; i < 3000; ++i) profiler.Add(Value(i % 1000));
  EXPECT_EQ(profiler.Finish().distinct_count, 1000);
  profiler.Add(Value(int64_t{1000}));
  EXPECT_NEAR(profiler.Finish().distinct_count, 1001, 20);
}

TEST(ColumnProfilerTest, DistinctEstimateWithinTwoPercent) {
  ColumnProfiler profiler("c", ColumnType::kText);
  int64_t next_check = 2000;
  for (int64_t i = 1; i <= 1'000'000; ++i) {
    profiler.Add(Value(Numbered("v", i)));
    if (i == next_check) {
      double estimate = static_cast<double>(profiler.Finish().distinct_count);
      EXPECT_NEAR(estimate / static_cast<double>(i), 1.0, 0.02) << i;
      next_check *= 5;
    }
  }
  double estimate = static_cast<double>(profiler.Finish().distinct_count);
  EXPECT_NEAR(estimate / 1e6, 1.0, 0.02);
}

TEST(ColumnProfilerTest, TopValuesOfZipfStream) {
  std::mt19937_64 rng(7);
  Zipf zipf(50'000, 1.1);
  ColumnProfiler profiler("c", ColumnType::kText);
  std::unordered_map<std::string, int64_t> truth;
  constexpr int64_t kRows = 500'000;
  for (int64_t i = 0; i < kRows; ++i) {
    std::string v = Numbered("item", zipf(rng));
    ++truth[v];
    profiler.Add(Value(v));
  }
  std::vector<std::pair<int64_t, std::string>> sorted;
  for (const auto& [v, c] : truth) sorted.emplace_back(-c, v);
  std::sort(sorted.begin(), sorted.end());

  ColumnProfile p = profiler.Finish();
  ASSERT_EQ(p.top_values.size(), 10u);
  for (size_t i = 0; i < 10; ++i) {
    EXPECT_EQ(p.top_values[i].value, sorted[i].second);
    int64_t true_count = truth[p.top_values[i].value];
    EXPECT_LE(p.top_values[i].count, true_count);
    EXPECT_GE(p.top_values[i].count, true_count - kRows / 256);
  }
}

TEST(ColumnProfilerTest, TopValuesExactForLowCardinality) {
  std::mt19937_64 rng(11);
  ColumnProfiler profiler("c", ColumnType::kInteger);
  std::unordered_map<int64_t, int64_t> truth;
  for (int i = 0; i < 100'000; ++i) {
    auto v = static_cast<int64_t>(rng() % 512);
    ++truth[v];
    profiler.Add(Value(v));
  }
  for (const auto& tv : profiler.Finish().top_values) {
    EXPECT_EQ(tv.count, truth[std::stoll(tv.value)]) << tv.value;
  }
}

TEST(ColumnProfilerTest, UniqueColumnReportsNoTopValues) {
  ColumnProfiler profiler("c", ColumnType::kText);
  for (int i = 0; i < 20'000; ++i) profiler.Add(Value(Numbered("id", i)));
  ColumnProfile p = profiler.Finish();
  EXPECT_TRUE(p.top_values.empty());
  std::vector<ValueCount> patterns = {
      {"aaDDDDD", 10'000}, {"aaDDDD", 9'000}, {"aaDDD", 900}, {"aaDD", 90}, {"aaD", 10}};
  EXPECT_EQ(p.patterns, patterns);
}

std::vector<Value> MixedTexts(int rows, int cardinality) {
  std::mt19937_64 rng(3);
  std::vector<Value> values;
  for (int i = 0; i < rows; ++i) {
    uint64_t r = rng();
    if (r % 17 == 0) {
      values.emplace_back();
    } else if (r % 19 == 0) {
      values.emplace_back("");
    } else {
      values.emplace_back(Numbered("名", r % static_cast<uint64_t>(cardinality)));
    }
  }
  return values;
}

// Profiles values[begin, end) with a fresh profiler.
ColumnProfiler ProfilerOf(const std::vector<Value>& values, size_t begin, size_t end) {
  ColumnProfiler profiler("c", ColumnType::kText);
  for (size_t i = begin; i < end; ++i) profiler.Add(values[i]);
  return profiler;
}

TEST(ColumnProfilerTest, MergeEqualsSinglePass) {
  for (int cardinality : {300, 50'000}) {
    std::vector<Value> values = MixedTexts(60'000, cardinality);
    ColumnProfile single = ProfilerOf(values, 0, values.size()).Finish();
    ColumnProfiler merged = ProfilerOf(values, 0, 10'000);
    merged.Merge(ProfilerOf(values, 10'000, 45'000));
    merged.Merge(ProfilerOf(values, 45'000, values.size()));
    ColumnProfile p = merged.Finish();
    if (cardinality > 512) {
      // Only the frequent-items summary depends on the order of the input.
      p.top_values = single.top_values;
    }
    EXPECT_EQ(p, single) << cardinality;
  }
}

TEST(ColumnProfilerTest, MergeWithEmptyAndSelf) {
  std::vector<Value> values = MixedTexts(1000, 50);
  ColumnProfiler profiler = ProfilerOf(values, 0, values.size());
  ColumnProfile once = profiler.Finish();
  profiler.Merge(ColumnProfiler("other", ColumnType::kText));
  EXPECT_EQ(profiler.Finish(), once);

  ColumnProfiler empty("c", ColumnType::kText);
  empty.Merge(profiler);
  EXPECT_EQ(empty.Finish(), once);

  profiler.Merge(profiler);
  ColumnProfile twice = profiler.Finish();
  EXPECT_EQ(twice.row_count, 2 * once.row_count);
  EXPECT_EQ(twice.distinct_count, once.distinct_count);
  EXPECT_EQ(twice.top_values[0].count, 2 * once.top_values[0].count);
  EXPECT_EQ(twice.min_length, once.min_length);
}

TEST(ColumnProfilerTest, SerializeRoundTrip) {
  for (int cardinality : {300, 50'000}) {
    std::vector<Value> values = MixedTexts(60'000, cardinality);
    ColumnProfiler profiler = ProfilerOf(values, 0, 30'000);
    std::string bytes = profiler.Serialize();
    std::optional<ColumnProfiler> restored = ColumnProfiler::Deserialize(bytes);
    ASSERT_TRUE(restored.has_value());
    EXPECT_EQ(restored->Finish(), profiler.Finish());
    EXPECT_EQ(restored->Serialize(), bytes);

    for (size_t i = 30'000; i < values.size(); ++i) {
      profiler.Add(values[i]);
      restored->Add(values[i]);
    }
    EXPECT_EQ(restored->Finish(), profiler.Finish());
  }
}

TEST(ColumnProfilerTest, SerializeRoundTripOfEachType) {
  std::vector<std::pair<ColumnType, std::vector<Value>>> cases = {
      {ColumnType::kInteger, {Value(int64_t{-3}), Value(int64_t{9}), Value()}},
      {ColumnType::kDecimal, {Value(1.5), Value(int64_t{2}), Value(-7.25)}},
      {ColumnType::kBoolean, {Value(true), Value(false)}},
      {ColumnType::kDate, Texts({"2020-02-29", "1999-12-31"})},
      {ColumnType::kText, {}},
  };
  for (const auto& [type, values] : cases) {
    ColumnProfiler profiler("列", type);
    for (const auto& v : values) profiler.Add(v);
    auto restored = ColumnProfiler::Deserialize(profiler.Serialize());
    ASSERT_TRUE(restored.has_value());
    EXPECT_EQ(restored->Finish(), profiler.Finish());
  }
}

TEST(ColumnProfilerTest, DeserializeRejectsCorruptInput) {
  EXPECT_FALSE(ColumnProfiler::Deserialize("").has_value());
  std::vector<Value> values = MixedTexts(5'000, 2'000);
  std::string bytes = ProfilerOf(values, 0, values.size()).Serialize();
  for (size_t n = 0; n < bytes.size(); n += 1 + n / 64) {
    EXPECT_FALSE(ColumnProfiler::Deserialize(bytes.substr(0, n)).has_value()) << n;
  }
  EXPECT_FALSE(ColumnProfiler::Deserialize(bytes + "x").has_value());
  std::string wrong_version = bytes;
  wrong_version[0] = 2;
  EXPECT_FALSE(ColumnProfiler::Deserialize(wrong_version).has_value());
}

// Whatever the bytes, Deserialize() must not crash, and what it accepts must work.
TEST(ColumnProfilerTest, DeserializeSurvivesRandomBytes) {
  std::mt19937_64 rng(5);
  std::vector<std::string> seeds;
  for (int cardinality : {20, 3'000}) {
    std::vector<Value> values = MixedTexts(4'000, cardinality);
    seeds.push_back(ProfilerOf(values, 0, values.size()).Serialize());
  }
  for (int round = 0; round < 3'000; ++round) {
    std::string bytes;
    if (round % 3 == 0) {
      bytes.resize(rng() % 64);
      for (char& c : bytes) c = static_cast<char>(rng());
    } else {
      bytes = seeds[static_cast<size_t>(round) % seeds.size()];
      for (int flips = 1 + static_cast<int>(rng() % 4); flips > 0; --flips) {
        bytes[rng() % bytes.size()] ^= static_cast<char>(1 << (rng() % 8));
      }
    }
    if (auto p = ColumnProfiler::Deserialize(bytes)) {
      p->Add(Value("x"));
      p->Merge(*p);
      ColumnProfile profile = p->Finish();
      EXPECT_LE(profile.null_count, profile.row_count);
    }
  }
}

TEST(ColumnProfileJsonTest, UsesDocumentedKeysAndRoundTrips) {
  ColumnProfile p = ProfileOf(ColumnType::kDate, Texts({"2023-01-05", "2023-01-05", "2022-12-31"}));
  nlohmann::json j = ToJson(p);
  std::vector<std::string> keys;
  for (const auto& item : j.items()) keys.push_back(item.key());
  std::vector<std::string> expected = {
      "distinct_count", "empty_count", "length_histogram", "max",  "max_length",
      "mean_length",    "min",         "min_length",       "name", "null_count",
      "patterns",       "row_count",   "top_values",       "type"};
  EXPECT_EQ(keys, expected);
  EXPECT_EQ(j["type"], "date");
  EXPECT_EQ(j["top_values"][0], (nlohmann::json{{"value", "2023-01-05"}, {"count", 2}}));
  EXPECT_EQ(ColumnProfileFromJson(j), p);

  ColumnProfile empty = ProfileOf(ColumnType::kInteger, {});
  nlohmann::json empty_json = ToJson(empty);
  EXPECT_TRUE(empty_json["min"].is_null());
  EXPECT_EQ(ColumnProfileFromJson(empty_json), empty);
}

TEST(ColumnProfileJsonTest, FromJsonIsLenient) {
  EXPECT_EQ(ColumnProfileFromJson(nlohmann::json::array({1, 2})), ColumnProfile{});
  nlohmann::json j = {{"name", 5},
                      {"type", "blob"},
                      {"row_count", "many"},
                      {"min", 3},
                      {"top_values", {{{"value", "a"}, {"count", 2}}, 7, {{"count", 1}}}}};
  ColumnProfile p = ColumnProfileFromJson(j);
  EXPECT_EQ(p.name, "");
  EXPECT_EQ(p.type, ColumnType::kText);
  EXPECT_EQ(p.row_count, 0);
  EXPECT_FALSE(p.min.has_value());
  EXPECT_EQ(p.top_values, (std::vector<ValueCount>{{"a", 2}}));
}

// Prints the cost of Add(); run with --gtest_also_run_disabled_tests.
void MeasureAdd(const char* label, ColumnType type, const std::vector<Value>& values) {
  ColumnProfiler profiler("c", type);
  auto start = std::chrono::steady_clock::now();
  for (const auto& v : values) profiler.Add(v);
  auto elapsed = std::chrono::steady_clock::now() - start;
  double ns = static_cast<double>(std::chrono::nanoseconds(elapsed).count());
  std::printf("%-34s %8.1f ns/value (%zu values, %lld distinct)\n", label,
              ns / static_cast<double>(values.size()), values.size(),
              static_cast<long long>(profiler.Finish().distinct_count));
}

TEST(ColumnProfilerBenchmark, DISABLED_NanosecondsPerAdd) {
  constexpr int kRows = 2'000'000;
  std::mt19937_64 rng(1);
  std::vector<Value> ids;
  std::vector<Value> names;
  std::vector<Value> integers;
  std::vector<Value> small_integers;
  const std::vector<std::string> surnames = {"张", "王", "李", "赵", "欧阳", "刘"};
  for (int i = 0; i < kRows; ++i) {
    ids.emplace_back(Numbered("1101051949", 10'000'000 + rng() % 90'000'000));
    names.emplace_back(Numbered(surnames[rng() % surnames.size()], rng() % 20'000));
    integers.emplace_back(static_cast<int64_t>(rng() % 1'000'000'000));
    small_integers.emplace_back(static_cast<int64_t>(rng() % 100));
  }
  MeasureAdd("text, 18-char ids, ~unique", ColumnType::kText, ids);
  MeasureAdd("text, names, ~120k distinct", ColumnType::kText, names);
  MeasureAdd("integer, ~unique", ColumnType::kInteger, integers);
  MeasureAdd("integer, 100 distinct", ColumnType::kInteger, small_integers);
}

}  // namespace
}  // namespace citydata::catalog
