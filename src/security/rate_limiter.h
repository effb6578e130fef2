// Rate limits as token buckets: a caller may make `rate_per_minute` calls per minute,
// in bursts of up to that many, the bucket refilling continuously.
//
// TokenBucket is one caller's bucket (the owner keeps it and locks around it);
// RateLimiter keeps buckets by key (e.g. a client address) for callers nobody
// authenticates, forgetting idle keys so that memory stays bounded.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace citydata::security {

struct TokenBucket {
  double tokens = -1;  // -1 until the first call fills the bucket
  std::chrono::steady_clock::time_point refilled;

  // Takes one token at `now`: true when there was one, otherwise false with the whole
  // seconds until there is one in `retry_after`. REQUIRES: rate_per_minute >= 1.
  bool Take(int64_t rate_per_minute, std::chrono::steady_clock::time_point now,
            int64_t& retry_after);
};

// Thread safety: safe to use from many threads.
// The host of a client address, without the port ("10.0.0.7:5000" -> "10.0.0.7",
// "[::1]:5000" -> "::1"): limits on anonymous clients count per host, not per connection.
std::string ClientHost(const std::string& remote_address);

class RateLimiter {
 public:
  // REQUIRES: rate_per_minute >= 1.
  explicit RateLimiter(int64_t rate_per_minute) : rate_per_minute_(rate_per_minute) {}

  int64_t rate_per_minute() const { return rate_per_minute_; }

  // Counts a call of `key`: false with the seconds to wait in `retry_after` when the
  // key's rate is used up.
  bool Admit(const std::string& key, int64_t& retry_after);

 private:
  const int64_t rate_per_minute_;
  std::mutex mu_;
  std::map<std::string, TokenBucket> buckets_;  // GUARDED_BY(mu_)
};

}  // namespace citydata::security
