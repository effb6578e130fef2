#include "core/clock.h"

#include <chrono>
#include <ctime>
#include <random>

namespace citydata {
namespace {

std::string FormatUtc(const char* format, std::time_t at = std::time(nullptr)) {
  std::tm tm{};
  gmtime_r(&at, &tm);
  char buf[32];
  size_t n = std::strftime(buf, sizeof(buf), format, &tm);
  return std::string(buf, n);
}

}  // namespace

std::string NowIso() { return FormatUtc("%Y-%m-%dT%H:%M:%SZ"); }
std::string TodayIso() { return FormatUtc("%Y-%m-%d"); }

std::string IsoAfter(std::chrono::seconds delay) {
  return FormatUtc("%Y-%m-%dT%H:%M:%SZ", std::time(nullptr) + delay.count());
}

namespace {

// The value of the `n` digits at `pos`, or -1 when they are not all digits.
int Digits(std::string_view text, size_t pos, size_t n) {
  int value = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

}  // namespace

std::optional<std::string> NormalizeIsoUtc(std::string_view text) {
  std::string full(text);
  if (full.size() == 10) full += "T00:00:00Z";
  if (full.size() != 20 || full[4] != '-' || full[7] != '-' || full[10] != 'T' ||
      full[13] != ':' || full[16] != ':' || full[19] != 'Z') {
    return std::nullopt;
  }
  int y = Digits(full, 0, 4), mo = Digits(full, 5, 2), d = Digits(full, 8, 2);
  int h = Digits(full, 11, 2), mi = Digits(full, 14, 2), sec = Digits(full, 17, 2);
  std::chrono::year_month_day date{std::chrono::year(y), std::chrono::month(mo < 0 ? 0 : mo),
                                   std::chrono::day(d < 0 ? 0 : d)};
  if (y < 0 || !date.ok() || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59) {
    return std::nullopt;
  }
  return full;
}

std::string NewId(const std::string& prefix) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string suffix(8, '0');
  uint64_t bits = rng();
  for (char& c : suffix) {
    c = kHex[bits & 0xf];
    bits >>= 4;
  }
  return prefix + FormatUtc("%Y%m%dT%H%M%S") + "_" + suffix;
}

}  // namespace citydata
