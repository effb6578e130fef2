#include "standards/standardize.h"

#include <chrono>

#include "standards/cn_formats.h"
#include "standards/national_ids.h"

namespace citydata::standards {
namespace {

namespace chr = std::chrono;

constexpr std::string_view kIdeographicSpace = "\u3000";

bool IsAsciiSpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads 1..max_digits digits at `pos` (advanced past them) into `out`.
bool ReadNumber(std::string_view s, size_t& pos, size_t min_digits, size_t max_digits, int& out) {
  size_t start = pos;
  out = 0;
  while (pos < s.size() && pos - start < max_digits && IsDigit(s[pos])) {
    out = out * 10 + (s[pos] - '0');
    ++pos;
  }
  return pos - start >= min_digits && (pos == s.size() || !IsDigit(s[pos]));
}

// True when `s` is all digits, read into `out`.
bool ReadDigits(std::string_view s, int& out) {
  size_t pos = 0;
  return ReadNumber(s, pos, s.size(), s.size(), out) && pos == s.size();
}

bool Consume(std::string_view s, size_t& pos, std::string_view token) {
  if (s.substr(pos).starts_with(token)) {
    pos += token.size();
    return true;
  }
  return false;
}

// hh:mm[:ss[.fraction]] filling the rest of `s` from `pos`.
bool IsTimeOfDay(std::string_view s, size_t pos) {
  int hour = 0, minute = 0, second = 0;
  if (!ReadNumber(s, pos, 1, 2, hour) || !Consume(s, pos, ":") ||
      !ReadNumber(s, pos, 2, 2, minute)) {
    return false;
  }
  if (Consume(s, pos, ":")) {
    if (!ReadNumber(s, pos, 2, 2, second)) return false;
    if (Consume(s, pos, ".")) {
      size_t start = pos;
      while (pos < s.size() && IsDigit(s[pos])) ++pos;
      if (pos == start) return false;
    }
  }
  return pos == s.size() && hour < 24 && minute < 60 && second < 60;
}

struct DateParts {
  int year = 0, month = 0, day = 0;
};

// The shapes NormalizeDate accepts; false when `s` has none of them.
bool ParseDateShape(std::string_view s, DateParts& d) {
  if (int yyyymmdd = 0; s.size() == 8 && ReadDigits(s, yyyymmdd)) {
    d = {yyyymmdd / 10000, yyyymmdd / 100 % 100, yyyymmdd % 100};
    return true;
  }
  size_t pos = 0;
  if (!ReadNumber(s, pos, 4, 4, d.year) || pos == s.size()) return false;
  if (Consume(s, pos, "年")) {
    return ReadNumber(s, pos, 1, 2, d.month) && Consume(s, pos, "月") &&
           ReadNumber(s, pos, 1, 2, d.day) && Consume(s, pos, "日") && pos == s.size();
  }
  char sep = s[pos];
  if (sep != '-' && sep != '/' && sep != '.') return false;
  ++pos;
  if (!ReadNumber(s, pos, 1, 2, d.month) || !Consume(s, pos, std::string_view(&sep, 1)) ||
      !ReadNumber(s, pos, 1, 2, d.day)) {
    return false;
  }
  if (pos == s.size()) return true;
  return (s[pos] == ' ' || s[pos] == 'T') && IsTimeOfDay(s, pos + 1);
}

}  // namespace

StdOutcome StdOutcome::Failure(std::string_view why) {
  return {false, {}, "cannot be standardized: " + std::string(why)};
}

std::string_view Trim(std::string_view s) {
  while (true) {
    if (!s.empty() && IsAsciiSpace(s.front())) {
      s.remove_prefix(1);
    } else if (s.starts_with(kIdeographicSpace)) {
      s.remove_prefix(kIdeographicSpace.size());
    } else {
      break;
    }
  }
  while (true) {
    if (!s.empty() && IsAsciiSpace(s.back())) {
      s.remove_suffix(1);
    } else if (s.ends_with(kIdeographicSpace)) {
      s.remove_suffix(kIdeographicSpace.size());
    } else {
      break;
    }
  }
  return s;
}

std::string ToHalfWidth(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 == 0xE3 && s.substr(i).starts_with(kIdeographicSpace)) {
      out += ' ';
      i += 2;
      continue;
    }
    // U+FF01..U+FF5E is EF BC 81..EF BC BF and EF BD 80..EF BD 9E.
    if (b0 == 0xEF && i + 2 < s.size()) {
      auto b1 = static_cast<unsigned char>(s[i + 1]);
      auto b2 = static_cast<unsigned char>(s[i + 2]);
      unsigned code_point = ((b1 & 0x3Fu) << 6) | (b2 & 0x3Fu) | 0xF000u;
      bool continuation = (b1 & 0xC0u) == 0x80u && (b2 & 0xC0u) == 0x80u;
      if (continuation && code_point >= 0xFF01 && code_point <= 0xFF5E) {
        out += static_cast<char>(code_point - 0xFF01 + 0x21);
        i += 2;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

StdOutcome NormalizeDate(std::string_view raw) {
  DateParts d;
  if (!ParseDateShape(raw, d) || d.year < 1000) {
    return StdOutcome::Failure("\"" + std::string(raw) + "\" is not a recognised date format");
  }
  chr::year_month_day date{chr::year{d.year}, chr::month{static_cast<unsigned>(d.month)},
                           chr::day{static_cast<unsigned>(d.day)}};
  if (!date.ok()) {
    return StdOutcome::Failure("\"" + std::string(raw) + "\" is not a calendar date");
  }
  return StdOutcome::Success(FormatIsoDate(date));
}

StdOutcome NormalizeIdNumber(std::string_view raw) {
  std::string id(raw);
  if (!id.empty() && id.back() == 'x') id.back() = 'X';
  if (id.size() == 15) {
    Result<std::string> id18 = IdNumber15To18(id);
    if (!id18.ok()) return StdOutcome::Failure("a 15-character ID number must be all digits");
    return StdOutcome::Success(std::move(*id18));
  }
  bool shape_ok = id.size() == 18 && (IsDigit(id[17]) || id[17] == 'X');
  for (size_t i = 0; shape_ok && i < 17; ++i) shape_ok = IsDigit(id[i]);
  if (!shape_ok) {
    return StdOutcome::Failure(
        "an ID number is 18 characters (17 digits and a digit or X) "
        "or 15 digits");
  }
  return StdOutcome::Success(std::move(id));
}

StdOutcome NormalizeMobile(std::string_view raw) {
  std::string digits;
  for (char c : raw) {
    if (c != ' ' && c != '-') digits += c;
  }
  std::string_view number = digits;
  if (number.starts_with("+86")) {
    number.remove_prefix(3);
  } else if (number.starts_with("0086")) {
    number.remove_prefix(4);
  } else if (number.size() == 13 && number.starts_with("86")) {
    number.remove_prefix(2);
  }
  if (!IsMobile(number)) {
    return StdOutcome::Failure("\"" + std::string(raw) + "\" is not an 11-digit mobile number");
  }
  return StdOutcome::Success(std::string(number));
}

std::string ToUpperAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

StdOutcome MapCode(const CodeMatcher& matcher, std::string_view raw) {
  if (const std::string* code = matcher.Match(raw)) return StdOutcome::Success(*code);
  return StdOutcome::Failure("\"" + std::string(raw) + "\" is not a code, name or synonym in " +
                             matcher.table_id());
}

Result<Standardizer> Standardizer::Create(const DataElement& element,
                                          std::span<const CodeTable> tables) {
  std::string description = "trim,half_width";
  if (!element.code_table.empty()) {
    const CodeTable* table = FindCodeTable(tables, element.code_table);
    if (table == nullptr) {
      return NotFound("data element " + element.id + " uses code table " + element.code_table +
                      ", which is not defined; import the table first");
    }
    return Standardizer(Step::kCode, std::make_shared<const CodeMatcher>(*table),
                        description + ",code:" + table->id);
  }
  if (element.data_type == "date") return Standardizer(Step::kDate, nullptr, description + ",date");
  if (element.format == "id_card") {
    return Standardizer(Step::kIdNumber, nullptr, description + ",id_number");
  }
  if (element.format == "mobile")
    return Standardizer(Step::kMobile, nullptr, description + ",mobile");
  for (std::string_view upper : {"uscc", "plate", "passport", "hk_macau_permit"}) {
    if (element.format == upper) return Standardizer(Step::kUpper, nullptr, description + ",upper");
  }
  return Standardizer(Step::kNone, nullptr, std::move(description));
}

StdOutcome Standardizer::Apply(std::string_view raw) const {
  std::string half = ToHalfWidth(Trim(raw));
  std::string_view value = Trim(half);
  if (value.empty()) return StdOutcome::Success({});
  switch (step_) {
    case Step::kCode:
      return MapCode(*matcher_, value);
    case Step::kDate:
      return NormalizeDate(value);
    case Step::kIdNumber:
      return NormalizeIdNumber(value);
    case Step::kMobile:
      return NormalizeMobile(value);
    case Step::kUpper:
      return StdOutcome::Success(ToUpperAscii(value));
    case Step::kNone:
      break;
  }
  return StdOutcome::Success(std::string(value));
}

}  // namespace citydata::standards
