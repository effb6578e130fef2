// Delivers failing rows (issues) to an IssueSink on a thread of its own, so that the
// scan threads never wait for whatever the sink does with them.
// Internal to the evaluator.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "quality/evaluator.h"

namespace citydata::quality {

// Issues filled by one producer thread. Slots are reused: an Issue's strings keep
// their capacity from batch to batch, so a steady stream of issues allocates nothing.
struct IssueBatch {
  std::vector<Issue> issues;
  size_t size = 0;  // filled slots
};

// Producers fill their own IssueBatch with Next and hand it over when full; one
// delivery thread calls the sink for every issue of every handed-over batch, in
// hand-over order. Producers wait only when kMaxPending batches are not yet
// delivered (so memory stays bounded when the sink is slower than the scan).
// Thread-safe; an inactive delivery (empty sink) starts no thread and drops issues.
class IssueDelivery {
 public:
  static constexpr size_t kBatchIssues = 4096;
  static constexpr size_t kMaxPending = 16;

  explicit IssueDelivery(const IssueSink& sink);
  ~IssueDelivery();  // Finish()
  IssueDelivery(const IssueDelivery&) = delete;
  IssueDelivery& operator=(const IssueDelivery&) = delete;

  bool active() const { return static_cast<bool>(sink_); }

  // The next free slot of `batch`, to be overwritten by the caller; hands the batch
  // over first when it is full. REQUIRES: active().
  Issue& Next(IssueBatch& batch);

  // Hands over the filled slots of `batch` (if any); `batch` becomes an empty one.
  void Submit(IssueBatch& batch);

  // Returns once every submitted issue reached the sink; stops the thread. Later
  // submissions are dropped.
  void Finish();

 private:
  void Loop();

  const IssueSink& sink_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<IssueBatch> pending_;  // GUARDED_BY(mu_)
  std::vector<IssueBatch> free_;    // GUARDED_BY(mu_) delivered batches for reuse
  bool closed_ = false;             // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace citydata::quality
