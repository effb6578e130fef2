#include "services/call_stats.h"

#include <algorithm>

#include "core/clock.h"

namespace citydata::services {

const std::vector<double>& LatencyBucketBounds() {
  static const std::vector<double> kBounds = {0.5, 1,   2,    5,    10,   20,    50,
                                              100, 200, 500,  1000, 2000, 5000,  10000};
  return kBounds;
}

double LatencyQuantile(const std::vector<int64_t>& histogram, double quantile) {
  int64_t total = 0;
  for (int64_t n : histogram) total += n;
  if (total == 0) return 0;
  const auto& bounds = LatencyBucketBounds();
  int64_t seen = 0;
  for (size_t i = 0; i < histogram.size(); ++i) {
    seen += histogram[i];
    if (static_cast<double>(seen) >= quantile * static_cast<double>(total)) {
      // The open-ended last bucket reports the largest bound.
      return bounds[std::min(i, bounds.size() - 1)];
    }
  }
  return bounds.back();
}

CallStats::~CallStats() { (void)Flush(); }

void CallStats::Record(const CallRecord& call) {
  const auto& bounds = LatencyBucketBounds();
  size_t bucket = static_cast<size_t>(
      std::lower_bound(bounds.begin(), bounds.end(), call.latency_ms) - bounds.begin());
  bool due = false;
  {
    std::lock_guard lock(mu_);
    std::string day = TodayIso();
    auto& s = pending_[Key{call.service, call.app_id, call.user_id, day}];
    if (s.histogram.empty()) {
      s.service = call.service;
      s.app_id = call.app_id;
      s.user_id = call.user_id;
      s.day = day;
      s.histogram.assign(bounds.size() + 1, 0);
    }
    ++s.calls;
    s.errors += call.ok ? 0 : 1;
    s.rows += call.rows;
    s.latency_ms += call.latency_ms;
    ++s.histogram[bucket];
    due = std::chrono::steady_clock::now() - last_flush_ >= flush_every_;
  }
  // A failed write keeps nothing pending to retry; the counts of that batch are lost
  // rather than blocking calls (statistics are not an audit record).
  if (due) (void)Flush();
}

Status CallStats::Flush() {
  std::lock_guard flush_lock(flush_mu_);
  std::vector<storage::ServiceCallStats> batch;
  {
    std::lock_guard lock(mu_);
    for (auto& [key, stats] : pending_) batch.push_back(std::move(stats));
    pending_.clear();
    last_flush_ = std::chrono::steady_clock::now();
  }
  if (batch.empty()) return Status::Ok();
  return store_.AddStats(batch);
}

}  // namespace citydata::services
