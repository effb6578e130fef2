#include "masking/generalize.h"

#include <algorithm>
#include <cassert>

namespace citydata::masking {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool AllDigits(std::string_view s) { return std::all_of(s.begin(), s.end(), IsDigit); }

size_t SkipDigits(std::string_view s, size_t i) {
  while (i < s.size() && IsDigit(s[i])) ++i;
  return i;
}

// "YYYYMMDD...": eight or more digits whose month is 01..12.
bool IsCompactDate(std::string_view s) {
  if (s.size() < 8 || !AllDigits(s.substr(0, 8))) return false;
  int month = (s[4] - '0') * 10 + (s[5] - '0');
  return month >= 1 && month <= 12;
}

// Appends `number` (digits, '.', digits, with more than `decimals` fraction digits)
// rounded half up to `decimals` fraction digits.
void AppendRounded(std::string& out, std::string_view number, size_t decimals) {
  size_t dot = number.find('.');
  size_t kept = decimals == 0 ? dot : dot + 1 + decimals;
  size_t base = out.size();
  out.append(number.substr(0, kept));
  if (number[dot + 1 + decimals] < '5') return;
  for (size_t k = out.size(); k > base;) {
    --k;
    if (out[k] == '.') continue;
    if (out[k] != '9') {
      ++out[k];
      return;
    }
    out[k] = '0';
  }
  out.insert(out.begin() + static_cast<std::ptrdiff_t>(base), '1');
}

}  // namespace

std::optional<std::string> GeneralizeDivision(std::string_view code, size_t kept_digits) {
  assert(kept_digits > 0 && kept_digits <= 6);
  if (code.size() < 6 || !AllDigits(code)) return std::nullopt;
  std::string out(code.substr(0, kept_digits));
  out.append(code.size() - kept_digits, '0');
  return out;
}

std::optional<std::string> GeneralizeYear(std::string_view date) {
  if (date.size() < 4 || !AllDigits(date.substr(0, 4))) return std::nullopt;
  if (date.size() > 4 && IsDigit(date[4]) && !IsCompactDate(date)) return std::nullopt;
  return std::string(date.substr(0, 4));
}

std::optional<std::string> GeneralizeAgeBand(std::string_view age) {
  size_t end = SkipDigits(age, 0);
  if (end == 0 || end > 3) return std::nullopt;
  int years = 0;
  for (size_t i = 0; i < end; ++i) years = years * 10 + (age[i] - '0');
  if (end < age.size() && age[end] == '.') {
    size_t fraction_end = SkipDigits(age, end + 1);
    if (fraction_end == end + 1) return std::nullopt;
    end = fraction_end;
  }
  std::string_view rest = age.substr(end);
  if ((!rest.empty() && rest != "岁") || years > 150) return std::nullopt;
  if (years >= 100) return "100+";
  int low = years / 10 * 10;
  return std::to_string(low) + "-" + std::to_string(low + 9);
}

std::optional<std::string> RoundNumbers(std::string_view text, size_t decimals) {
  std::string out;
  out.reserve(text.size());
  bool found = false;
  for (size_t i = 0; i < text.size();) {
    if (!IsDigit(text[i])) {
      out += text[i++];
      continue;
    }
    found = true;
    size_t int_end = SkipDigits(text, i);
    bool has_fraction =
        int_end + 1 < text.size() && text[int_end] == '.' && IsDigit(text[int_end + 1]);
    size_t end = has_fraction ? SkipDigits(text, int_end + 1) : int_end;
    std::string_view number = text.substr(i, end - i);
    if (has_fraction && end - int_end - 1 > decimals) {
      AppendRounded(out, number, decimals);
    } else {
      out.append(number);
    }
    i = end;
  }
  if (!found) return std::nullopt;
  return out;
}

}  // namespace citydata::masking
