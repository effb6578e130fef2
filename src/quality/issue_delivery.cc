#include "quality/issue_delivery.h"

#include <utility>

namespace citydata::quality {

IssueDelivery::IssueDelivery(const IssueSink& sink) : sink_(sink) {
  if (active()) thread_ = std::thread([this] { Loop(); });
}

IssueDelivery::~IssueDelivery() { Finish(); }

Issue& IssueDelivery::Next(IssueBatch& batch) {
  if (batch.size == kBatchIssues) Submit(batch);
  if (batch.size == batch.issues.size()) batch.issues.emplace_back();
  return batch.issues[batch.size++];
}

void IssueDelivery::Submit(IssueBatch& batch) {
  if (batch.size == 0) return;
  std::unique_lock lock(mu_);
  changed_.wait(lock, [this] { return closed_ || pending_.size() < kMaxPending; });
  if (closed_) {
    batch.size = 0;
    return;
  }
  pending_.push_back(std::move(batch));
  if (free_.empty()) {
    batch = IssueBatch();
  } else {
    batch = std::move(free_.back());
    free_.pop_back();
  }
  batch.size = 0;
  changed_.notify_all();
}

void IssueDelivery::Loop() {
  std::unique_lock lock(mu_);
  while (true) {
    changed_.wait(lock, [this] { return closed_ || !pending_.empty(); });
    if (pending_.empty()) return;  // closed and drained
    IssueBatch batch = std::move(pending_.front());
    pending_.pop_front();
    changed_.notify_all();
    lock.unlock();
    for (size_t i = 0; i < batch.size; ++i) sink_(batch.issues[i]);
    lock.lock();
    free_.push_back(std::move(batch));
  }
}

void IssueDelivery::Finish() {
  {
    std::lock_guard lock(mu_);
    closed_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace citydata::quality
