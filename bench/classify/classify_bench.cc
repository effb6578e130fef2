// Sensitive-data detection on one core: citydata's Classifier (all patterns in one
// Hyperscan database, one pass per value) against the same patterns run one by one
// with RE2 (FullMatch per whole-value pattern, FindAndConsume per embedded pattern),
// both feeding the same validators and scoring. Builds a realistic table in memory,
// classifies every column with both, checks they agree and prints values per second.
// Usage: classify_bench [--rows N] [--repeat R]
#include <re2/re2.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "classify/classifier.h"
#include "standards/national_ids.h"
#include "standards/standardize.h"

namespace {

using citydata::classify::ColumnClassification;
using citydata::classify::ColumnTally;
using citydata::classify::MatchCollector;
using citydata::classify::PatternKind;
using citydata::classify::ValuePattern;

struct Column {
  std::string name;
  std::vector<std::string> values;
  std::vector<std::string_view> views;
};

// Deterministic table generator.
class TableMaker {
 public:
  explicit TableMaker(size_t rows) : rows_(rows) {}

  std::vector<Column> Make() {
    std::vector<Column> table;
    Add(table, "sfzh", [&] { return IdNumber(); });
    Add(table, "xm", [&] { return PersonName(); });
    Add(table, "lxdh", [&] { return Mobile(); });
    Add(table, "jtzz", [&] { return Address(); });
    Add(table, "beizhu", [&] { return Remark(); });
    Add(table, "amount", [&] { return std::to_string(Uniform(1, 99999)) + "." + Digits(2); });
    Add(table, "reg_date", [&] {
      return "20" + Pad(Uniform(10, 25)) + "-" + Pad(Uniform(1, 12)) + "-" + Pad(Uniform(1, 28));
    });
    Add(table, "code", [&] { return CreditCode(); });
    Add(table, "order_no", [&] { return "2023" + Digits(14); });
    Add(table, "email", [&] { return "user" + Digits(6) + "@example.com"; });
    return table;
  }

 private:
  void Add(std::vector<Column>& table, std::string name, const std::function<std::string()>& make) {
    Column column{std::move(name), {}, {}};
    for (size_t i = 0; i < rows_; ++i) column.values.push_back(make());
    column.views.assign(column.values.begin(), column.values.end());
    table.push_back(std::move(column));
  }

  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  std::string Pad(int n) { return (n < 10 ? "0" : "") + std::to_string(n); }
  std::string Digits(int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += static_cast<char>('0' + Uniform(0, 9));
    return s;
  }
  template <size_t N>
  std::string_view Pick(const std::string_view (&options)[N]) {
    return options[static_cast<size_t>(Uniform(0, N - 1))];
  }

  std::string IdNumber() {
    static constexpr std::string_view kAreas[] = {"330106", "110105", "440305", "510107", "320502"};
    std::string body = std::string(Pick(kAreas)) + std::to_string(Uniform(1950, 2010)) +
                       Pad(Uniform(1, 12)) + Pad(Uniform(1, 28)) + Digits(3);
    return body + *citydata::standards::IdCheckCharacter(body);
  }
  std::string CreditCode() {
    std::string body = "913301" + Digits(2) + "MA";
    for (int i = 0; i < 7; ++i)
      body += citydata::standards::kCreditCodeAlphabet[static_cast<size_t>(Uniform(0, 30))];
    return body + *citydata::standards::CreditCodeCheckCharacter(body);
  }
  std::string Mobile() { return "1" + std::to_string(Uniform(3, 9)) + Digits(9); }
  std::string PersonName() {
    static constexpr std::string_view kSurnames[] = {"王", "李", "张", "刘", "陈",
                                                     "杨", "黄", "赵", "周", "吴"};
    static constexpr std::string_view kGiven[] = {"伟", "芳", "娜", "敏", "静", "磊",
                                                  "洋", "艳", "杰", "军", "丽", "强"};
    std::string name(Pick(kSurnames));
    int given = Uniform(1, 2);
    for (int i = 0; i < given; ++i) name += Pick(kGiven);
    return name;
  }
  std::string Address() {
    static constexpr std::string_view kDistricts[] = {"西湖区", "拱墅区", "上城区", "滨江区",
                                                      "余杭区"};
    static constexpr std::string_view kRoads[] = {"文三路", "湖墅南路", "庆春路", "江南大道",
                                                  "文一西路"};
    return "浙江省杭州市" + std::string(Pick(kDistricts)) + std::string(Pick(kRoads)) +
           std::to_string(Uniform(1, 999)) + "号" + std::to_string(Uniform(1, 30)) + "幢";
  }
  std::string Remark() {
    switch (Uniform(0, 9)) {
      case 0:
      case 1:
        return "客户来电咨询社保缴费，联系电话" + Mobile();
      case 2:
        return "代办人身份证" + IdNumber() + "，材料已核验";
      case 3:
        return "订单号" + Digits(16) + "已发货";
      default:
        return "材料齐全，准予受理，请于三个工作日内领取";
    }
  }

  size_t rows_;
  std::mt19937_64 rng_{20261123};
};

// The RE2 baseline: every pattern compiled on its own, in Latin-1 so that it reads
// the table's byte-oriented regexes exactly as Hyperscan does.
class Re2Scanner {
 public:
  Re2Scanner() {
    RE2::Options options;
    options.set_encoding(RE2::Options::EncodingLatin1);
    options.set_log_errors(false);
    for (const ValuePattern& pattern : citydata::classify::ValuePatterns()) {
      std::string regex = "(" + std::string(pattern.regex) + ")";
      regexes_.push_back(std::make_unique<RE2>(regex, options));
    }
  }

  bool ok() const {
    return std::all_of(regexes_.begin(), regexes_.end(), [](const auto& re) { return re->ok(); });
  }

  citydata::classify::ValueMatches Scan(std::string_view value) const {
    MatchCollector collector(value);
    re2::StringPiece text(value.data(), value.size());
    std::span<const ValuePattern> patterns = citydata::classify::ValuePatterns();
    for (size_t i = 0; i < patterns.size(); ++i) {
      if (patterns[i].kind == PatternKind::kWhole) {
        if (RE2::FullMatch(text, *regexes_[i])) collector.OnMatch(patterns[i], 0, value.size());
        continue;
      }
      re2::StringPiece input = text, match;
      while (RE2::FindAndConsume(&input, *regexes_[i], &match)) {
        size_t from = static_cast<size_t>(match.data() - value.data());
        collector.OnMatch(patterns[i], from, from + match.size());
        if (match.empty()) break;
      }
    }
    return collector.Finish();
  }

  ColumnClassification Classify(const Column& column) const {
    ColumnTally tally;
    for (std::string_view raw : column.views) {
      std::string_view value = citydata::standards::Trim(raw);
      if (!value.empty()) tally.Add(value, Scan(value));
    }
    return citydata::classify::ScoreColumn(citydata::classify::MatchColumnName(column.name), tally);
  }

 private:
  std::vector<std::unique_ptr<RE2>> regexes_;
};

template <typename Classify>
double TimeAll(const std::vector<Column>& table, std::vector<ColumnClassification>& out,
               Classify classify) {
  auto start = std::chrono::steady_clock::now();
  out.clear();
  for (const Column& column : table) out.push_back(classify(column));
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string Describe(const ColumnClassification& c) {
  std::string text = c.category + " " + std::to_string(c.confidence).substr(0, 4);
  for (const auto& e : c.embedded)
    text += " +" + e.category + ":" + std::to_string(e.share).substr(0, 4);
  return text;
}

bool SameResult(const ColumnClassification& a, const ColumnClassification& b) {
  return Describe(a) == Describe(b);
}

size_t ArgOr(int argc, char** argv, std::string_view flag, size_t fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (argv[i] == flag) return static_cast<size_t>(std::strtoull(argv[i + 1], nullptr, 10));
  }
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  size_t rows = ArgOr(argc, argv, "--rows", 200000), repeat = ArgOr(argc, argv, "--repeat", 3);
  auto classifier = citydata::classify::Classifier::Create();
  if (!classifier.ok()) {
    std::fprintf(stderr, "error: %s\n", classifier.status().ToString().c_str());
    return 1;
  }
  Re2Scanner re2;
  if (!re2.ok()) {
    std::fprintf(stderr, "error: RE2 rejected a classification pattern\n");
    return 1;
  }
  std::vector<Column> table = TableMaker(rows).Make();
  double values = static_cast<double>(rows * table.size());
  std::printf("table: %zu rows x %zu columns = %.0f values; one thread\n", rows, table.size(),
              values);

  std::vector<ColumnClassification> hs_result, re2_result;
  double hs_best = 1e30, re2_best = 1e30;
  for (size_t r = 0; r < repeat; ++r) {
    hs_best = std::min(hs_best, TimeAll(table, hs_result, [&](const Column& c) {
                         return (*classifier)->ClassifyColumn(c.name, c.views);
                       }));
    re2_best = std::min(
        re2_best, TimeAll(table, re2_result, [&](const Column& c) { return re2.Classify(c); }));
  }
  bool agree = true;
  for (size_t i = 0; i < table.size(); ++i) {
    agree = agree && SameResult(hs_result[i], re2_result[i]);
    std::printf("  %-9s %-40s | re2: %s\n", table[i].name.c_str(), Describe(hs_result[i]).c_str(),
                Describe(re2_result[i]).c_str());
  }
  std::printf("hyperscan (one database, %zu patterns): %.2f s = %.2f M values/s per core\n",
              citydata::classify::ValuePatterns().size(), hs_best, values / hs_best / 1e6);
  std::printf("re2 (pattern by pattern):              %.2f s = %.2f M values/s per core\n",
              re2_best, values / re2_best / 1e6);
  std::printf(
      "ratio hyperscan / re2: %.2f; results %s (best of %zu runs each, validators and scoring "
      "included)\n",
      re2_best / hs_best, agree ? "identical" : "DIFFER", repeat);
  return agree ? 0 : 1;
}
