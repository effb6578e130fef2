#include "classify/name_rules.h"

#include <algorithm>
#include <string>
#include <vector>

#include "standards/standardize.h"

namespace citydata::classify {
namespace {

using C = Category;

// What the token before an ASCII rule's match may be.
enum class Before {
  kAny,
  kPersonOrNothing,  // nothing, or a word naming a person (for "name")
  kNotTechnical,     // anything but a technical word (for "address")
};

struct NameRule {
  std::string_view key;  // Chinese text, or ASCII tokens joined by '_'
  Category category;
  double strength;
  Category alternate = C::kNone;
  Before before = Before::kAny;
};

constexpr double kSpecific = 0.9;
constexpr double kLikely = 0.8;
constexpr double kGeneric = 0.7;
constexpr double kVague = 0.6;

// clang-format off
constexpr NameRule kRules[] = {
    // Chinese.
    {"身份证", C::kIdCard, kSpecific}, {"公民身份号码", C::kIdCard, kSpecific},
    {"身份号码", C::kIdCard, kSpecific}, {"证件号码", C::kIdCard, kGeneric},
    {"证件号", C::kIdCard, kGeneric},
    {"姓名", C::kName, kSpecific}, {"名字", C::kName, kLikely}, {"联系人", C::kName, kGeneric},
    {"法定代表人", C::kName, kGeneric}, {"法人代表", C::kName, kGeneric},
    {"户主", C::kName, kGeneric},
    {"手机", C::kMobile, kSpecific}, {"移动电话", C::kMobile, kSpecific},
    {"联系电话", C::kMobile, kLikely, C::kLandline}, {"电话", C::kMobile, kGeneric, C::kLandline},
    {"联系方式", C::kMobile, kVague, C::kLandline}, {"固定电话", C::kLandline, kSpecific},
    {"座机", C::kLandline, kSpecific}, {"固话", C::kLandline, kSpecific},
    {"办公电话", C::kLandline, kLikely, C::kMobile},
    {"地址", C::kAddress, kLikely}, {"住址", C::kAddress, kSpecific},
    {"住所", C::kAddress, kLikely}, {"户籍地", C::kAddress, kLikely},
    {"居住地", C::kAddress, kLikely},
    {"邮箱", C::kEmail, kSpecific}, {"电子邮件", C::kEmail, kSpecific},
    {"邮箱地址", C::kEmail, kSpecific}, {"ip地址", C::kIp, kSpecific},
    {"银行卡", C::kBankCard, kSpecific}, {"银行卡号", C::kBankCard, kSpecific},
    {"银行账号", C::kBankCard, kSpecific}, {"银行账户", C::kBankCard, kSpecific},
    {"卡号", C::kBankCard, kGeneric},
    {"统一社会信用代码", C::kUscc, kSpecific}, {"信用代码", C::kUscc, kSpecific},
    {"车牌", C::kPlate, kSpecific}, {"号牌", C::kPlate, kLikely},
    {"护照", C::kPassport, kSpecific},
    {"港澳通行证", C::kHkMacauPermit, kSpecific}, {"往来港澳", C::kHkMacauPermit, kSpecific},
    {"回乡证", C::kHkMacauPermit, kSpecific}, {"通行证", C::kHkMacauPermit, kVague},
    {"民族", C::kEthnicity, kSpecific},
    {"宗教", C::kReligion, kSpecific}, {"信仰", C::kReligion, kLikely},
    {"病史", C::kHealth, kSpecific}, {"诊断", C::kHealth, kSpecific},
    {"健康状况", C::kHealth, kSpecific}, {"健康", C::kHealth, kLikely},
    {"疾病", C::kHealth, kSpecific}, {"病情", C::kHealth, kSpecific},
    {"既往史", C::kHealth, kSpecific}, {"过敏史", C::kHealth, kSpecific},
    {"病历", C::kHealth, kSpecific}, {"症状", C::kHealth, kLikely},
    {"残疾", C::kHealth, kLikely},
    {"出生日期", C::kBirthDate, kSpecific}, {"出生年月", C::kBirthDate, kSpecific},
    {"生日", C::kBirthDate, kSpecific},
    {"经度", C::kCoordinates, kSpecific}, {"纬度", C::kCoordinates, kSpecific},
    {"坐标", C::kCoordinates, kSpecific},
    // Pinyin initials and English words.
    {"id_card", C::kIdCard, kSpecific}, {"id_card_no", C::kIdCard, kSpecific},
    {"id_no", C::kIdCard, kSpecific},
    {"id_number", C::kIdCard, kSpecific}, {"identity_card", C::kIdCard, kSpecific},
    {"identity_no", C::kIdCard, kSpecific}, {"citizen_id", C::kIdCard, kSpecific},
    {"cert_no", C::kIdCard, kGeneric}, {"sfz", C::kIdCard, kSpecific},
    {"sfzh", C::kIdCard, kSpecific}, {"sfzhm", C::kIdCard, kSpecific},
    {"gmsfhm", C::kIdCard, kSpecific}, {"zjhm", C::kIdCard, kGeneric},
    {"name", C::kName, kLikely, C::kNone, Before::kPersonOrNothing},
    {"xm", C::kName, kSpecific}, {"xingming", C::kName, kSpecific},
    {"mobile", C::kMobile, kSpecific}, {"cellphone", C::kMobile, kSpecific},
    {"sjhm", C::kMobile, kSpecific}, {"sjh", C::kMobile, kSpecific},
    {"shouji", C::kMobile, kSpecific},
    {"phone", C::kMobile, kGeneric, C::kLandline}, {"tel", C::kMobile, kGeneric, C::kLandline},
    {"telephone", C::kMobile, kGeneric, C::kLandline},
    {"lxdh", C::kMobile, kLikely, C::kLandline}, {"lxfs", C::kMobile, kVague, C::kLandline},
    {"landline", C::kLandline, kSpecific}, {"gddh", C::kLandline, kSpecific},
    {"address", C::kAddress, kLikely, C::kNone, Before::kNotTechnical},
    {"addr", C::kAddress, kGeneric, C::kNone, Before::kNotTechnical},
    {"dz", C::kAddress, kGeneric}, {"zz", C::kAddress, kGeneric},
    {"zhuzhi", C::kAddress, kLikely}, {"jtzz", C::kAddress, kSpecific},
    {"hjdz", C::kAddress, kSpecific}, {"jzdz", C::kAddress, kSpecific},
    {"email", C::kEmail, kSpecific}, {"e_mail", C::kEmail, kSpecific},
    {"mail", C::kEmail, kGeneric}, {"dzyx", C::kEmail, kSpecific},
    {"email_address", C::kEmail, kSpecific},
    {"bank_card", C::kBankCard, kSpecific}, {"bank_account", C::kBankCard, kSpecific},
    {"card_no", C::kBankCard, kGeneric}, {"card_number", C::kBankCard, kGeneric},
    {"yhkh", C::kBankCard, kSpecific}, {"yhzh", C::kBankCard, kSpecific},
    {"credit_code", C::kUscc, kSpecific}, {"uscc", C::kUscc, kSpecific},
    {"tyshxydm", C::kUscc, kSpecific}, {"shxydm", C::kUscc, kSpecific},
    {"plate", C::kPlate, kLikely}, {"plate_no", C::kPlate, kSpecific},
    {"license_plate", C::kPlate, kSpecific}, {"car_no", C::kPlate, kGeneric},
    {"cph", C::kPlate, kSpecific}, {"cphm", C::kPlate, kSpecific},
    {"hphm", C::kPlate, kSpecific},
    {"passport", C::kPassport, kSpecific}, {"hzh", C::kPassport, kSpecific},
    {"hzhm", C::kPassport, kSpecific},
    {"hk_macau", C::kHkMacauPermit, kLikely}, {"home_return_permit", C::kHkMacauPermit, kSpecific},
    {"gatxz", C::kHkMacauPermit, kSpecific},
    {"ip", C::kIp, kSpecific}, {"ipv4", C::kIp, kSpecific}, {"ipv6", C::kIp, kSpecific},
    {"ip_address", C::kIp, kSpecific}, {"ip_addr", C::kIp, kSpecific},
    {"lat", C::kCoordinates, kLikely}, {"lng", C::kCoordinates, kLikely},
    {"lon", C::kCoordinates, kGeneric}, {"latitude", C::kCoordinates, kSpecific},
    {"longitude", C::kCoordinates, kSpecific}, {"coordinates", C::kCoordinates, kSpecific},
    {"gps", C::kCoordinates, kGeneric}, {"jd", C::kCoordinates, kVague},
    {"wd", C::kCoordinates, kVague}, {"jwd", C::kCoordinates, kLikely},
    {"birth_date", C::kBirthDate, kSpecific}, {"birthday", C::kBirthDate, kSpecific},
    {"date_of_birth", C::kBirthDate, kSpecific}, {"dob", C::kBirthDate, kSpecific},
    {"birth", C::kBirthDate, kGeneric}, {"csrq", C::kBirthDate, kSpecific},
    {"ethnicity", C::kEthnicity, kSpecific}, {"ethnic", C::kEthnicity, kSpecific},
    {"nation", C::kEthnicity, kVague}, {"mz", C::kEthnicity, kSpecific},
    {"minzu", C::kEthnicity, kSpecific},
    {"religion", C::kReligion, kSpecific}, {"religious", C::kReligion, kSpecific},
    {"zjxy", C::kReligion, kSpecific},
    {"diagnosis", C::kHealth, kSpecific}, {"health", C::kHealth, kLikely},
    {"disease", C::kHealth, kSpecific}, {"illness", C::kHealth, kSpecific},
    {"medical_history", C::kHealth, kSpecific}, {"symptom", C::kHealth, kLikely},
    {"jkzk", C::kHealth, kSpecific},
};
// clang-format on

constexpr std::string_view kPersonWords[] = {
    "first",   "last",   "full",     "real",     "given",    "family",  "person",
    "contact", "legal",  "owner",    "patient",  "customer", "cust",    "applicant",
    "holder",  "emp",    "employee", "staff",    "resident", "student", "teacher",
    "driver",  "father", "mother",   "guardian", "member",   "citizen", "lxr",
};

constexpr std::string_view kTechnicalWords[] = {"mac",  "web",   "url",    "server",   "host",
                                                "mail", "email", "wallet", "contract", "memory"};

bool IsAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
char ToLower(char c) { return IsUpper(c) ? static_cast<char>(c - 'A' + 'a') : c; }

// Whether a token boundary falls between s[i - 1] and s[i] (both alphanumeric).
bool IsHump(std::string_view s, size_t i) {
  char prev = s[i - 1], cur = s[i];
  if (IsDigit(prev) != IsDigit(cur)) return true;
  if (IsLower(prev) && IsUpper(cur)) return true;
  return IsUpper(prev) && IsUpper(cur) && i + 1 < s.size() && IsLower(s[i + 1]);
}

std::vector<std::string> Tokens(std::string_view name) {
  std::vector<std::string> tokens;
  std::string current;
  for (size_t i = 0; i < name.size(); ++i) {
    if (!IsAlnum(name[i]) || (i > 0 && IsAlnum(name[i - 1]) && IsHump(name, i))) {
      if (!current.empty()) tokens.push_back(std::move(current));
      current.clear();
    }
    if (IsAlnum(name[i])) current += ToLower(name[i]);
  }
  if (!current.empty()) tokens.push_back(std::move(current));
  return tokens;
}

// Lower-cased, without the separators '_', '-' and ' ': what Chinese rules search.
std::string Folded(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c != '_' && c != '-' && c != ' ') out += ToLower(c);
  }
  return out;
}

template <size_t N>
bool Contains(const std::string_view (&words)[N], std::string_view word) {
  return std::find(std::begin(words), std::end(words), word) != std::end(words);
}

bool BeforeAllows(Before before, const std::vector<std::string>& tokens, size_t start) {
  if (before == Before::kAny) return true;
  if (start == 0) return true;
  const std::string& prev = tokens[start - 1];
  return before == Before::kPersonOrNothing ? Contains(kPersonWords, prev)
                                            : !Contains(kTechnicalWords, prev);
}

struct Hit {
  const NameRule* rule = nullptr;
  size_t end = 0;  // where the match ends: a byte offset or a token index
  size_t length = 0;

  bool BetterThan(const Hit& other) const {
    if (other.rule == nullptr) return true;
    if (end != other.end) return end > other.end;
    if (rule->strength != other.rule->strength) return rule->strength > other.rule->strength;
    return length > other.length;
  }
};

// The last run of tokens that spells `rule.key` without its '_' (and whose token
// before is allowed), or an empty Hit.
Hit MatchTokens(const NameRule& rule, const std::vector<std::string>& tokens) {
  std::string key;
  for (char c : rule.key) {
    if (c != '_') key += c;
  }
  Hit best;
  for (size_t start = 0; start < tokens.size(); ++start) {
    std::string joined;
    size_t end = start;
    while (end < tokens.size() && joined.size() < key.size()) joined += tokens[end++];
    if (joined == key && BeforeAllows(rule.before, tokens, start)) {
      best = Hit{&rule, end, end - start};
    }
  }
  return best;
}

Hit MatchText(const NameRule& rule, const std::string& folded) {
  size_t pos = folded.rfind(rule.key);
  if (pos == std::string::npos) return {};
  return Hit{&rule, pos + rule.key.size(), rule.key.size()};
}

NameMatch ToMatch(const Hit& hit) {
  if (hit.rule == nullptr) return {};
  return NameMatch{hit.rule->category, hit.rule->alternate, hit.rule->key, hit.rule->strength};
}

}  // namespace

NameMatch MatchColumnName(std::string_view column_name) {
  std::string name = standards::ToHalfWidth(standards::Trim(column_name));
  std::string folded = Folded(name);
  std::vector<std::string> tokens = Tokens(name);
  Hit best_text, best_tokens;
  for (const NameRule& rule : kRules) {
    if (IsAscii(rule.key)) {
      Hit hit = MatchTokens(rule, tokens);
      if (hit.rule != nullptr && hit.BetterThan(best_tokens)) best_tokens = hit;
    } else {
      Hit hit = MatchText(rule, folded);
      if (hit.rule != nullptr && hit.BetterThan(best_text)) best_text = hit;
    }
  }
  return ToMatch(best_text.rule != nullptr ? best_text : best_tokens);
}

}  // namespace citydata::classify
