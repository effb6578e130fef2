#include "standards/national_ids.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cstddef>
#include <initializer_list>

namespace citydata::standards {
namespace {

namespace chr = std::chrono;

constexpr std::array<Province, 34> kProvinces = {{
    {"110000", "北京市"},           {"120000", "天津市"},         {"130000", "河北省"},
    {"140000", "山西省"},           {"150000", "内蒙古自治区"},   {"210000", "辽宁省"},
    {"220000", "吉林省"},           {"230000", "黑龙江省"},       {"310000", "上海市"},
    {"320000", "江苏省"},           {"330000", "浙江省"},         {"340000", "安徽省"},
    {"350000", "福建省"},           {"360000", "江西省"},         {"370000", "山东省"},
    {"410000", "河南省"},           {"420000", "湖北省"},         {"430000", "湖南省"},
    {"440000", "广东省"},           {"450000", "广西壮族自治区"}, {"460000", "海南省"},
    {"500000", "重庆市"},           {"510000", "四川省"},         {"520000", "贵州省"},
    {"530000", "云南省"},           {"540000", "西藏自治区"},     {"610000", "陕西省"},
    {"620000", "甘肃省"},           {"630000", "青海省"},         {"640000", "宁夏回族自治区"},
    {"650000", "新疆维吾尔自治区"}, {"710000", "台湾省"},         {"810000", "香港特别行政区"},
    {"820000", "澳门特别行政区"},
}};

// Residence permits for Taiwan residents use 83 although it names no division.
constexpr std::string_view kTaiwanResidentPrefix = "83";

constexpr std::array<int, 17> kIdWeights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
constexpr std::string_view kIdCheckChars = "10X98765432";

constexpr std::array<int, 17> kCreditWeights = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                                29, 25, 13, 8,  24, 10, 30, 28};
constexpr std::array<int, 8> kOrganizationWeights = {3, 7, 9, 10, 5, 8, 4, 2};

// Birth dates before this are taken as data errors rather than history.
constexpr chr::year kEarliestBirthYear{1800};

// Builds error messages. (Chained std::string operator+ trips a GCC 12 -Wrestrict
// false positive.)
std::string Concat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view part : parts) out += part;
  return out;
}

constexpr bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool AllDigits(std::string_view s) { return std::all_of(s.begin(), s.end(), IsDigit); }

constexpr int DigitValue(char c) { return c - '0'; }

int ParseDigits(std::string_view digits) {
  int value = 0;
  for (char c : digits) value = value * 10 + DigitValue(c);
  return value;
}

// REQUIRES: `digits` starts with two ASCII digits.
constexpr int TwoDigitValue(std::string_view digits) {
  return DigitValue(digits[0]) * 10 + DigitValue(digits[1]);
}

// kIdProvincePrefixes[n]: whether the two digits of n (00..99) start an ID number:
// the prefixes of kProvinces, and kTaiwanResidentPrefix.
constexpr std::array<bool, 100> kIdProvincePrefixes = [] {
  std::array<bool, 100> table{};
  for (const Province& p : kProvinces) table[static_cast<size_t>(TwoDigitValue(p.code))] = true;
  table[static_cast<size_t>(TwoDigitValue(kTaiwanResidentPrefix))] = true;
  return table;
}();

// REQUIRES: `yyyymmdd` is 8 ASCII digits. The result may be !ok().
chr::year_month_day DateFromDigits(std::string_view yyyymmdd) {
  return chr::year_month_day{chr::year{ParseDigits(yyyymmdd.substr(0, 4))},
                             chr::month{static_cast<unsigned>(ParseDigits(yyyymmdd.substr(4, 2)))},
                             chr::day{static_cast<unsigned>(ParseDigits(yyyymmdd.substr(6, 2)))}};
}

// IdCheckCharacter of a body known to be 17 ASCII digits.
char CheckCharacterOfDigits(std::string_view body17) {
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) sum += DigitValue(body17[i]) * kIdWeights[i];
  return kIdCheckChars[static_cast<size_t>(sum % 11)];
}

bool IsPlausibleBirthDate(chr::year_month_day date, chr::year_month_day today) {
  return date.ok() && date.year() >= kEarliestBirthYear && date <= today;
}

IdNumberError IdStructureError(std::string_view id) {
  if (id.size() != 18) return IdNumberError::kLength;
  const char last = id[17];
  if (!AllDigits(id.substr(0, 17)) || !(IsDigit(last) || last == 'X')) {
    return IdNumberError::kCharset;
  }
  return IdNumberError::kNone;
}

// Where IdBirthDate reads the birth date: "YYYYMMDD" of an 18-character number with
// the right characters, "19YYMMDD" of a 15-digit one. False for anything else.
bool BirthDateDigits(std::string_view id, std::span<char, 8> out) {
  if (id.size() == 18 && IdStructureError(id) == IdNumberError::kNone) {
    std::copy_n(id.data() + 6, 8, out.data());
    return true;
  }
  if (id.size() == 15 && AllDigits(id)) {
    out[0] = '1';
    out[1] = '9';
    std::copy_n(id.data() + 6, 6, out.data() + 2);
    return true;
  }
  return false;
}

// Value of a GB 11714 character: 0-9, then A-Z as 10-35; -1 for anything else.
int OrganizationCharValue(char c) {
  if (IsDigit(c)) return DigitValue(c);
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return -1;
}

// The index of `c` in kCreditCodeAlphabet, or -1.
int CreditCharValue(char c) {
  const size_t pos = kCreditCodeAlphabet.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

bool IsCreditCodeText(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return CreditCharValue(c) >= 0; });
}

}  // namespace

std::string FormatIsoDate(chr::year_month_day date) {
  assert(date.ok());
  const int year = static_cast<int>(date.year());
  const unsigned month = static_cast<unsigned>(date.month());
  const unsigned day = static_cast<unsigned>(date.day());
  std::string out = "0000-00-00";
  out[0] = static_cast<char>('0' + year / 1000 % 10);
  out[1] = static_cast<char>('0' + year / 100 % 10);
  out[2] = static_cast<char>('0' + year / 10 % 10);
  out[3] = static_cast<char>('0' + year % 10);
  out[5] = static_cast<char>('0' + month / 10);
  out[6] = static_cast<char>('0' + month % 10);
  out[8] = static_cast<char>('0' + day / 10);
  out[9] = static_cast<char>('0' + day % 10);
  return out;
}

std::span<const Province> Provinces() { return kProvinces; }

bool IsIdProvincePrefix(std::string_view address_code) {
  if (address_code.size() < 2 || !IsDigit(address_code[0]) || !IsDigit(address_code[1])) {
    return false;
  }
  return kIdProvincePrefixes[static_cast<size_t>(TwoDigitValue(address_code))];
}

Result<char> IdCheckCharacter(std::string_view body17) {
  if (body17.size() != 17 || !AllDigits(body17)) {
    return InvalidArgument(Concat({"an ID number body must be 17 digits, got '", body17, "'"}));
  }
  return CheckCharacterOfDigits(body17);
}

std::string_view IdNumberErrorName(IdNumberError error) {
  switch (error) {
    case IdNumberError::kNone:
      return "none";
    case IdNumberError::kLength:
      return "length";
    case IdNumberError::kCharset:
      return "charset";
    case IdNumberError::kAddressCode:
      return "address_code";
    case IdNumberError::kBirthDate:
      return "birth_date";
    case IdNumberError::kCheckCharacter:
      return "check_character";
  }
  return "none";
}

IdNumberCheck ValidateIdNumber(std::string_view id, chr::year_month_day today) {
  assert(today.ok());
  IdNumberCheck check;
  check.error = IdStructureError(id);
  if (check.error != IdNumberError::kNone) return check;
  if (!IsIdProvincePrefix(id)) {
    check.error = IdNumberError::kAddressCode;
    return check;
  }
  if (!IsPlausibleBirthDate(DateFromDigits(id.substr(6, 8)), today)) {
    check.error = IdNumberError::kBirthDate;
    return check;
  }
  check.expected_check = CheckCharacterOfDigits(id);
  if (id[17] != check.expected_check) check.error = IdNumberError::kCheckCharacter;
  return check;
}

Result<chr::year_month_day> IdBirthDate(std::string_view id) {
  std::array<char, 8> digits;
  if (!BirthDateDigits(id, digits)) {
    return InvalidArgument(Concat({"'", id, "' is not an 18-digit or 15-digit ID number"}));
  }
  const chr::year_month_day date = DateFromDigits(std::string_view(digits.data(), 8));
  if (!date.ok()) {
    return InvalidArgument(Concat({"ID number '", id, "' encodes no real birth date"}));
  }
  return date;
}

bool IdBirthDateIso(std::string_view id, std::span<char, 10> out) {
  std::array<char, 8> d;
  if (!BirthDateDigits(id, d) || !DateFromDigits(std::string_view(d.data(), 8)).ok()) return false;
  // What FormatIsoDate writes for that date: its digits, as they are in the number.
  const std::array<char, 10> iso = {d[0], d[1], d[2], d[3], '-', d[4], d[5], '-', d[6], d[7]};
  std::copy(iso.begin(), iso.end(), out.begin());
  return true;
}

Result<Sex> IdSex(std::string_view id) {
  size_t pos = 0;
  if (id.size() == 18) {
    pos = 16;
  } else if (id.size() == 15) {
    pos = 14;
  } else {
    return InvalidArgument(Concat({"'", id, "' is not an 18-digit or 15-digit ID number"}));
  }
  if (!IsDigit(id[pos])) {
    return InvalidArgument(Concat({"ID number '", id, "' has no sequence digit"}));
  }
  return DigitValue(id[pos]) % 2 == 1 ? Sex::kMale : Sex::kFemale;
}

Result<std::string> IdNumber15To18(std::string_view id15) {
  if (id15.size() != 15 || !AllDigits(id15)) {
    return InvalidArgument(Concat({"a 15-digit ID number must be 15 digits, got '", id15, "'"}));
  }
  std::string id18 = Concat({id15.substr(0, 6), "19", id15.substr(6)});
  ASSIGN_OR_RETURN(const char check, IdCheckCharacter(id18));
  id18.push_back(check);
  return id18;
}

Result<char> CreditCodeCheckCharacter(std::string_view body17) {
  if (body17.size() != 17 || !IsCreditCodeText(body17)) {
    return InvalidArgument(Concat({"a credit code body must be 17 characters of ",
                                   kCreditCodeAlphabet, ", got '", body17, "'"}));
  }
  int sum = 0;
  for (size_t i = 0; i < body17.size(); ++i) sum += CreditCharValue(body17[i]) * kCreditWeights[i];
  return kCreditCodeAlphabet[static_cast<size_t>((31 - sum % 31) % 31)];
}

Result<char> OrganizationCodeCheckCharacter(std::string_view body8) {
  const bool valid_chars =
      std::all_of(body8.begin(), body8.end(), [](char c) { return OrganizationCharValue(c) >= 0; });
  if (body8.size() != 8 || !valid_chars) {
    return InvalidArgument(Concat(
        {"an organisation code body must be 8 characters of 0-9 and A-Z, got '", body8, "'"}));
  }
  int sum = 0;
  for (size_t i = 0; i < body8.size(); ++i) {
    sum += OrganizationCharValue(body8[i]) * kOrganizationWeights[i];
  }
  const int check = 11 - sum % 11;
  if (check == 10) return 'X';
  if (check == 11) return '0';
  return static_cast<char>('0' + check);
}

bool IsValidOrganizationCode(std::string_view code) {
  if (code.size() != 9) return false;
  Result<char> check = OrganizationCodeCheckCharacter(code.substr(0, 8));
  return check.ok() && *check == code[8];
}

std::string_view CreditCodeErrorName(CreditCodeError error) {
  switch (error) {
    case CreditCodeError::kNone:
      return "none";
    case CreditCodeError::kLength:
      return "length";
    case CreditCodeError::kCharset:
      return "charset";
    case CreditCodeError::kCheckCharacter:
      return "check_character";
  }
  return "none";
}

CreditCodeCheck ValidateCreditCode(std::string_view code) {
  CreditCodeCheck check;
  if (code.size() != 18) {
    check.error = CreditCodeError::kLength;
    return check;
  }
  if (!IsCreditCodeText(code)) {
    check.error = CreditCodeError::kCharset;
    return check;
  }
  check.organization_code_ok = IsValidOrganizationCode(code.substr(8, 9));
  if (code[17] != CreditCodeCheckCharacter(code.substr(0, 17)).value()) {
    check.error = CreditCodeError::kCheckCharacter;
  }
  return check;
}

bool PassesLuhn(std::string_view digits) {
  if (digits.empty() || !AllDigits(digits)) return false;
  int sum = 0;
  bool doubled = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int d = DigitValue(*it);
    if (doubled) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
    doubled = !doubled;
  }
  return sum % 10 == 0;
}

}  // namespace citydata::standards
