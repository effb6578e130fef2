#include "classify/value_patterns.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <charconv>
#include <cstring>

#include "standards/code_tables.h"
#include "standards/standardize.h"
#include "standards/value_formats.h"

namespace citydata::classify {
namespace {

using C = Category;
using K = PatternKind;

#define HAN "(?:[\\xE4-\\xE9][\\x80-\\xBF][\\x80-\\xBF])"
#define PLATE_PROVINCE                                                                                                  \
  "(?:京|津|沪|渝|冀|豫|云|辽|黑|湘|皖|鲁|新|苏|浙|赣|鄂|桂|甘|晋|蒙|陕|吉|闽|贵|粤|青|藏|" \
  "川|宁|琼)"
#define PLATE \
  PLATE_PROVINCE "[A-HJ-NP-Z](?:[A-HJ-NP-Z0-9]{5,6}|[A-HJ-NP-Z0-9]{4}(?:挂|学|警|港|澳))"
#define USCC "[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}"
#define EMAIL "[A-Za-z0-9._%+\\-]+@[A-Za-z0-9\\-]+(?:\\.[A-Za-z0-9\\-]+)+"
#define PASSPORT "(?:E[0-9A-HJ-NP-Z][0-9]{7}|G[0-9]{8}|[DSP][0-9]{7,8})"
#define HK_MACAU "(?:[HM][0-9]{8}(?:[0-9]{2})?|C[0-9A-Z][0-9]{7})"
#define IPV4 "(?:[0-9]{1,3}\\.){3}[0-9]{1,3}"
#define MONTH_DAY "(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"

constexpr ValuePattern kPatterns[] = {
    {C::kIdCard, K::kWhole,
     "[1-9][0-9]{5}(?:18|19|20)[0-9]{2}" MONTH_DAY "[0-9]{3}[0-9Xx]|[1-9][0-9]{7}" MONTH_DAY
     "[0-9]{3}"},
    {C::kUscc, K::kWhole, USCC},
    {C::kBankCard, K::kWhole, "[1-9][0-9]{14,18}"},
    {C::kMobile, K::kWhole, "(?:\\+?86[ \\-]?)?1[3-9][0-9](?:[ \\-]?[0-9]{4}){2}"},
    {C::kLandline, K::kWhole,
     "(?:\\(0[0-9]{2,3}\\)-?|0[0-9]{2,3}-?)?[2-9][0-9]{6,7}(?:(?:-|转)[0-9]{1,6})?"
     "|[48]00-?[0-9]{3}-?[0-9]{4}"},
    {C::kEmail, K::kWhole, EMAIL},
    {C::kPlate, K::kWhole, PLATE},
    {C::kPassport, K::kWhole, PASSPORT},
    {C::kHkMacauPermit, K::kWhole, HK_MACAU},
    {C::kIp, K::kWhole, IPV4 "|[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}"},
    {C::kEthnicity, K::kWhole, HAN "{1,6}"},
    {C::kReligion, K::kWhole,
     "佛教|道教|伊斯兰教|天主教|基督教|基督新教|东正教|无宗教信仰|不信仰宗教"},
    {C::kName, K::kWhole, HAN "{2,4}|" HAN "{1,6}(?:·|•)" HAN "{1,8}"},
    {C::kAddress, K::kWhole, "(?:" HAN "|[0-9A-Za-z#()\\-]|（|）)+"},
    {C::kBirthDate, K::kWhole,
     "(?:19|20)[0-9]{2}(?:[\\-/.][0-9]{1,2}[\\-/.][0-9]{1,2}|年[0-9]{1,2}月[0-9]{1,2}日?|" MONTH_DAY
     ")"},
    {C::kCoordinates, K::kWhole,
     "-?[0-9]{1,3}\\.[0-9]{4,}(?:\\s*(?:,|，)\\s*-?[0-9]{1,3}\\.[0-9]{4,})?"},
    {C::kIdCard, K::kEmbedded, "[1-9][0-9]{16}[0-9Xx]"},
    {C::kUscc, K::kEmbedded, USCC},
    {C::kBankCard, K::kEmbedded, "[1-9][0-9]{15,18}"},
    {C::kMobile, K::kEmbedded, "1[3-9][0-9]{9}"},
    {C::kLandline, K::kEmbedded, "0[0-9]{2,3}-[2-9][0-9]{6,7}"},
    {C::kEmail, K::kEmbedded, EMAIL},
    {C::kPlate, K::kEmbedded, PLATE},
    {C::kPassport, K::kEmbedded, PASSPORT},
    {C::kHkMacauPermit, K::kEmbedded, HK_MACAU},
    {C::kIp, K::kEmbedded, IPV4},
    {C::kHealth, K::kEmbedded,
     "高血压|糖尿病|心脏病|冠心病|癌症|肿瘤|艾滋病|乙肝|肝炎|结核病|精神病|精神分裂|抑郁症|"
     "残疾|哮喘|脑梗|中风|白血病|尿毒症|癫痫|阿尔茨海默"},
};

#undef HAN
#undef PLATE_PROVINCE
#undef PLATE
#undef USCC
#undef EMAIL
#undef PASSPORT
#undef HK_MACAU
#undef IPV4
#undef MONTH_DAY

// Common surnames (about the 150 most frequent, fewer those that often begin other
// words, such as 成 or 安), and compound surnames.
constexpr std::string_view kSurnames =
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范贾夏韦付傅方邹孟熊秦邱尹薛闫段雷侯史陶黎贺顾毛郝龚邵钱严覃"
    "戴莫孔汤温康施牛樊葛邢齐乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿焦俞柳祝舒阮柯纪梅童凌裴霍涂苗"
    "盛翁冉骆蓝辛靳柴鲍喻祁蒲滕屈饶牟艾尤穆卓缪褚娄窦戚岑费卜冷晏瞿佟臧闵苟邬卞栾隋甄虞";
constexpr std::string_view kCompoundSurnames[] = {"欧阳", "司马", "诸葛", "上官", "慕容", "东方",
                                                  "皇甫", "尉迟", "公孙", "令狐", "夏侯", "司徒",
                                                  "端木", "长孙", "宇文", "申屠", "独孤", "南宫"};
// Last characters of organisation and place names, which people's names do not end in.
constexpr std::string_view kNotNameEndings =
    "区县市省局委办院所镇乡村路街厅处科室部司队站校园馆厂店行社会组团族";

constexpr size_t kHanBytes = 3;

bool ContainsHan(std::string_view set, std::string_view han) {
  for (size_t i = 0; i + kHanBytes <= set.size(); i += kHanBytes) {
    if (set.substr(i, kHanBytes) == han) return true;
  }
  return false;
}

bool HasCommonSurname(std::string_view value) {
  for (std::string_view compound : kCompoundSurnames) {
    if (value.starts_with(compound)) return true;
  }
  return ContainsHan(kSurnames, value.substr(0, kHanBytes));
}

bool IsPersonName(std::string_view value) {
  if (value.size() < kHanBytes) return false;
  if (value.find("·") != std::string_view::npos || value.find("•") != std::string_view::npos) {
    return true;  // transliterated minority or foreign names
  }
  return HasCommonSurname(value) &&
         !ContainsHan(kNotNameEndings, value.substr(value.size() - kHanBytes));
}

bool ContainsAny(std::string_view value, std::initializer_list<std::string_view> words) {
  return std::any_of(words.begin(), words.end(),
                     [&](std::string_view w) { return value.find(w) != std::string_view::npos; });
}

size_t CountOf(std::string_view value, std::initializer_list<std::string_view> words) {
  return std::count_if(words.begin(), words.end(),
                       [&](std::string_view w) { return value.find(w) != std::string_view::npos; });
}

// Whether some `marker` in `value` directly follows an ASCII digit ("90号", "3幢").
bool HasNumbered(std::string_view value, std::initializer_list<std::string_view> markers) {
  for (std::string_view marker : markers) {
    for (size_t pos = value.find(marker); pos != std::string_view::npos;
         pos = value.find(marker, pos + 1)) {
      if (pos > 0 && value[pos - 1] >= '0' && value[pos - 1] <= '9') return true;
    }
  }
  return false;
}

// A house number ("90号", "3幢2单元") or two administrative levels plus a street.
bool IsAddress(std::string_view value) {
  if (HasNumbered(value, {"号", "室", "栋", "幢", "弄", "楼", "单元"})) return true;
  return CountOf(value, {"省", "市", "区", "县", "镇", "乡", "街道", "村"}) >= 2 &&
         ContainsAny(value, {"路", "街", "道", "巷", "村", "小区", "社区"});
}

bool IsEthnicityName(std::string_view value) {
  static const standards::CodeMatcher matcher(
      *standards::FindBuiltinCodeTable(standards::kEthnicityTableId));
  return matcher.Match(value) != nullptr;
}

bool IsBirthDate(std::string_view value) {
  return standards::NormalizeDate(value).ok && value.substr(0, 4) >= "1900";
}

bool ParseNumber(std::string_view text, double& out) {
  text = standards::Trim(text);
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size();
}

bool IsChinaLongitude(double x) { return x >= 73 && x <= 136; }
bool IsChinaLatitude(double x) { return x >= 3 && x <= 54; }

// One decimal degree within China's longitudes or latitudes, or a pair of them in
// either order, separated by ',' or '，'.
bool IsCoordinate(std::string_view value) {
  size_t comma = value.find(',');
  size_t comma_width = 1;
  if (comma == std::string_view::npos) {
    comma = value.find("，");
    comma_width = std::string_view("，").size();
  }
  double a = 0, b = 0;
  if (comma == std::string_view::npos) {
    return ParseNumber(value, a) && (IsChinaLongitude(a) || IsChinaLatitude(a));
  }
  if (!ParseNumber(value.substr(0, comma), a) ||
      !ParseNumber(value.substr(comma + comma_width), b)) {
    return false;
  }
  return (IsChinaLongitude(a) && IsChinaLatitude(b)) || (IsChinaLatitude(a) && IsChinaLongitude(b));
}

bool IsIpAddress(std::string_view value) {
  std::array<char, 64> text{};
  if (value.size() >= text.size()) return false;
  std::memcpy(text.data(), value.data(), value.size());
  std::array<unsigned char, 16> address{};
  int family = value.find(':') == std::string_view::npos ? AF_INET : AF_INET6;
  return inet_pton(family, text.data(), address.data()) == 1;
}

bool IsMobileWritten(std::string_view value) { return standards::NormalizeMobile(value).ok; }

// Seven or eight digits alone are as often codes as local numbers; only a number
// with its area code (or a 400/800 number) confirms a landline by itself. Scoring lets
// the bare form count when the column name says phone (see scoring.h).
bool IsLandlineWithAreaCode(std::string_view value) {
  static const standards::FormatValidator is_landline = standards::FindFormatValidator("landline");
  bool qualified = value.starts_with('0') || value.starts_with('(') || value.starts_with("400") ||
                   value.starts_with("800");
  return qualified && is_landline(value);
}

bool AlwaysConfirmed(std::string_view) { return true; }

standards::FormatValidator Format(std::string_view name) {
  standards::FormatValidator validator = standards::FindFormatValidator(name);
  assert(validator != nullptr);
  return validator;
}

using Validators = std::array<standards::FormatValidator, kCategoryCount>;

Validators BuildValidators() {
  Validators v{};
  v[CategoryIndex(C::kIdCard)] = Format("id_card");
  v[CategoryIndex(C::kUscc)] = Format("uscc");
  v[CategoryIndex(C::kBankCard)] = Format("bank_card");
  v[CategoryIndex(C::kMobile)] = IsMobileWritten;
  v[CategoryIndex(C::kLandline)] = IsLandlineWithAreaCode;
  v[CategoryIndex(C::kEmail)] = Format("email");
  v[CategoryIndex(C::kPlate)] = Format("plate");
  v[CategoryIndex(C::kPassport)] = Format("passport");
  v[CategoryIndex(C::kHkMacauPermit)] = Format("hk_macau_permit");
  v[CategoryIndex(C::kIp)] = IsIpAddress;
  v[CategoryIndex(C::kEthnicity)] = IsEthnicityName;
  v[CategoryIndex(C::kReligion)] = AlwaysConfirmed;
  v[CategoryIndex(C::kHealth)] = AlwaysConfirmed;
  v[CategoryIndex(C::kName)] = IsPersonName;
  v[CategoryIndex(C::kAddress)] = IsAddress;
  v[CategoryIndex(C::kBirthDate)] = IsBirthDate;
  v[CategoryIndex(C::kCoordinates)] = IsCoordinate;
  v[CategoryIndex(C::kNone)] = AlwaysConfirmed;
  return v;
}

bool IsAsciiAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

}  // namespace

std::span<const ValuePattern> ValuePatterns() { return kPatterns; }

bool ConfirmWhole(Category category, std::string_view value) {
  static const Validators validators = BuildValidators();
  return validators[CategoryIndex(category)](value);
}

void MatchCollector::OnMatch(const ValuePattern& pattern, size_t from, size_t to) {
  size_t index = CategoryIndex(pattern.category);
  if (pattern.kind == PatternKind::kWhole) {
    matches_.whole_pattern.set(index);
    if (ConfirmWhole(pattern.category, value_)) matches_.whole_valid.set(index);
    return;
  }
  matches_.embedded_pattern.set(index);
  bool alone = (from == 0 || !IsAsciiAlnum(value_[from - 1])) &&
               (to == value_.size() || !IsAsciiAlnum(value_[to]));
  if (alone && ConfirmWhole(pattern.category, value_.substr(from, to - from))) {
    confirmed_.push_back(Span{pattern.category, from, to});
  }
}

bool MatchCollector::CoveredByEarlierCategory(const Span& span) const {
  return std::any_of(confirmed_.begin(), confirmed_.end(), [&](const Span& other) {
    return other.category < span.category && other.from <= span.from && span.to <= other.to;
  });
}

ValueMatches MatchCollector::Finish() const {
  ValueMatches out = matches_;
  for (const Span& span : confirmed_) {
    if (!CoveredByEarlierCategory(span)) out.embedded_valid.set(CategoryIndex(span.category));
  }
  return out;
}

}  // namespace citydata::classify
