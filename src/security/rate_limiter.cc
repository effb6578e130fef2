#include "security/rate_limiter.h"

#include <algorithm>

namespace citydata::security {

std::string ClientHost(const std::string& remote_address) {
  if (remote_address.starts_with('[')) {
    size_t close = remote_address.find(']');
    return close == std::string::npos ? remote_address : remote_address.substr(1, close - 1);
  }
  size_t colon = remote_address.rfind(':');
  // More than one colon without brackets: an IPv6 address without a port.
  if (colon == std::string::npos || remote_address.find(':') != colon) return remote_address;
  return remote_address.substr(0, colon);
}
namespace {

// Past this many keys, buckets that have refilled completely are dropped: a full
// bucket is what a new key gets, so forgetting it changes nothing.
constexpr size_t kPruneAbove = 10000;

}  // namespace

bool TokenBucket::Take(int64_t rate_per_minute, std::chrono::steady_clock::time_point now,
                       int64_t& retry_after) {
  double capacity = static_cast<double>(rate_per_minute);
  double per_second = capacity / 60.0;
  if (tokens < 0) {
    tokens = capacity;
  } else {
    std::chrono::duration<double> elapsed = now - refilled;
    tokens = std::min(capacity, tokens + elapsed.count() * per_second);
  }
  refilled = now;
  if (tokens < 1.0) {
    retry_after = static_cast<int64_t>((1.0 - tokens) / per_second) + 1;
    return false;
  }
  tokens -= 1.0;
  return true;
}

bool RateLimiter::Admit(const std::string& key, int64_t& retry_after) {
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  if (buckets_.size() > kPruneAbove) {
    std::chrono::duration<double> full(60.0);
    std::erase_if(buckets_, [&](const auto& entry) { return now - entry.second.refilled > full; });
  }
  return buckets_[key].Take(rate_per_minute_, now, retry_after);
}

}  // namespace citydata::security
