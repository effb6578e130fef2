#include "core/cron.h"

#include <charconv>
#include <vector>

namespace citydata {
namespace {

struct FieldSpec {
  const char* name;
  int min;
  int max;
};

constexpr FieldSpec kFields[] = {
    {"minute", 0, 59}, {"hour", 0, 23}, {"day of month", 1, 31}, {"month", 1, 12},
    {"day of week", 0, 7}};

bool ParseInt(std::string_view s, int& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

// Sets the bits of one comma-separated item (`*`, `a`, `a-b`, each optionally `/step`).
bool ParseItem(std::string_view item, const FieldSpec& spec, std::bitset<64>& bits) {
  int step = 1;
  if (size_t slash = item.find('/'); slash != std::string_view::npos) {
    if (!ParseInt(item.substr(slash + 1), step) || step < 1) return false;
    item = item.substr(0, slash);
  }
  int lo = spec.min, hi = spec.max;
  if (item != "*") {
    size_t dash = item.find('-');
    if (dash == std::string_view::npos) {
      if (!ParseInt(item, lo)) return false;
      hi = step > 1 ? spec.max : lo;
    } else if (!ParseInt(item.substr(0, dash), lo) || !ParseInt(item.substr(dash + 1), hi)) {
      return false;
    }
  }
  if (lo < spec.min || hi > spec.max || lo > hi) return false;
  for (int v = lo; v <= hi; v += step) bits.set(static_cast<size_t>(v));
  return true;
}

Result<std::bitset<64>> ParseField(std::string_view text, const FieldSpec& spec) {
  std::bitset<64> bits;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string_view item = text.substr(start, comma == std::string_view::npos ? std::string_view::npos
                                                                               : comma - start);
    if (!ParseItem(item, spec, bits)) {
      return InvalidArgument("cron " + std::string(spec.name) + " field '" + std::string(text) +
                             "' is not valid: use *, N, N-M, lists and /steps within " +
                             std::to_string(spec.min) + "-" + std::to_string(spec.max));
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return bits;
}

template <size_t N>
std::bitset<N> Narrow(const std::bitset<64>& wide) {
  std::bitset<N> out;
  for (size_t i = 0; i < N; ++i) out[i] = wide[i];
  return out;
}

}  // namespace

Result<CronSchedule> CronSchedule::Parse(std::string_view text) {
  std::vector<std::string_view> fields;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    size_t start = i;
    while (i < text.size() && text[i] != ' ') ++i;
    if (i > start) fields.push_back(text.substr(start, i - start));
  }
  if (fields.size() != 5) {
    return InvalidArgument("a cron schedule has five fields (minute hour day month weekday), e.g. "
                           "\"0 2 * * *\"; got '" + std::string(text) + "'");
  }
  CronSchedule s;
  s.text_ = std::string(text);
  std::bitset<64> parsed[5];
  for (size_t f = 0; f < 5; ++f) {
    ASSIGN_OR_RETURN(parsed[f], ParseField(fields[f], kFields[f]));
  }
  s.minutes_ = Narrow<60>(parsed[0]);
  s.hours_ = Narrow<24>(parsed[1]);
  s.days_ = Narrow<32>(parsed[2]);
  s.months_ = Narrow<13>(parsed[3]);
  s.weekdays_ = Narrow<8>(parsed[4]);
  if (s.weekdays_[7]) s.weekdays_.set(0);
  s.any_day_ = fields[2] == "*";
  s.any_weekday_ = fields[4] == "*";
  return s;
}

bool CronSchedule::Matches(const std::tm& t) const {
  if (!minutes_[static_cast<size_t>(t.tm_min)] || !hours_[static_cast<size_t>(t.tm_hour)] ||
      !months_[static_cast<size_t>(t.tm_mon + 1)]) {
    return false;
  }
  bool day = days_[static_cast<size_t>(t.tm_mday)];
  bool weekday = weekdays_[static_cast<size_t>(t.tm_wday)];
  if (any_day_ && any_weekday_) return true;
  if (any_day_) return weekday;
  if (any_weekday_) return day;
  return day || weekday;
}

}  // namespace citydata
