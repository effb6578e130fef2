#include "core/clock.h"

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
