#include "standards/value_formats.h"

#include <array>
#include <chrono>

#include "standards/cn_formats.h"
#include "standards/national_ids.h"
#include "standards/standardize.h"

namespace citydata::standards {
namespace {

namespace chr = std::chrono;

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Format checks do not know today's date; the birth date is only checked for being
// a real date.
constexpr chr::year_month_day kLatestToday{chr::year{9999}, chr::December, chr::day{31}};

bool IsIdCard(std::string_view s) {
  if (s.size() == 15) return AllDigits(s) && IsIdProvincePrefix(s) && IdBirthDate(s).ok();
  if (s.size() != 18) return false;
  std::array<char, 18> upper{};
  for (size_t i = 0; i < s.size(); ++i) upper[i] = s[i] == 'x' ? 'X' : s[i];
  return ValidateIdNumber(std::string_view(upper.data(), upper.size()), kLatestToday).ok();
}

bool IsUscc(std::string_view s) { return ValidateCreditCode(s).ok(); }

bool IsBankCard(std::string_view s) { return s.size() >= 15 && s.size() <= 19 && PassesLuhn(s); }

bool IsPostcode(std::string_view s) { return s.size() == 6 && AllDigits(s); }

bool IsDivisionCode(std::string_view s) {
  if (s.size() != 6 || !AllDigits(s)) return false;
  for (const Province& province : Provinces()) {
    if (province.code.substr(0, 2) == s.substr(0, 2)) return true;
  }
  return false;
}

bool IsDate(std::string_view s) { return NormalizeDate(s).ok; }

struct NamedFormat {
  std::string_view name;
  FormatValidator validator;
};

constexpr NamedFormat kFormats[] = {
    {"id_card", IsIdCard},
    {"uscc", IsUscc},
    {"mobile", IsMobile},
    {"landline", IsLandline},
    {"email", IsEmail},
    {"plate", IsPlate},
    {"passport", IsPassport},
    {"hk_macau_permit", IsHkMacauPermit},
    {"bank_card", IsBankCard},
    {"postcode", IsPostcode},
    {"division_code", IsDivisionCode},
    {"date", IsDate},
};

constexpr auto kFormatNames = [] {
  std::array<std::string_view, std::size(kFormats)> names{};
  for (size_t i = 0; i < names.size(); ++i) names[i] = kFormats[i].name;
  return names;
}();

}  // namespace

std::span<const std::string_view> FormatNames() { return kFormatNames; }

FormatValidator FindFormatValidator(std::string_view name) {
  for (const NamedFormat& format : kFormats) {
    if (format.name == name) return format.validator;
  }
  return nullptr;
}

}  // namespace citydata::standards
