#include "ingest/batch_pipe.h"

namespace citydata::ingest {

BatchPipe::BatchPipe(size_t stages, size_t depth, size_t batch_rows, size_t columns)
    : queues_(stages), stage_done_(stages, false) {
  for (size_t i = 0; i < depth; ++i) {
    auto batch = std::make_unique<RowBatch>();
    batch->rows.assign(batch_rows, std::vector<Value>(columns));
    empty_.push_back(batch.get());
    batches_.push_back(std::move(batch));
  }
}

RowBatch* BatchPipe::Acquire() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [this] { return !status_.ok() || !empty_.empty(); });
  if (!status_.ok()) return nullptr;
  RowBatch* batch = empty_.front();
  empty_.pop_front();
  batch->size = 0;
  return batch;
}

void BatchPipe::Submit(RowBatch* batch) {
  std::lock_guard lock(mu_);
  queues_[0].push_back(batch);
  cv_.notify_all();
}

void BatchPipe::Close() {
  std::lock_guard lock(mu_);
  closed_ = true;
  cv_.notify_all();
}

void BatchPipe::RunStage(size_t stage, const std::function<Status(const RowBatch&)>& work) {
  // A stage is finished when the producer has closed, every earlier stage is done and
  // its own queue is empty.
  auto upstream_done = [this, stage] { return closed_ && (stage == 0 || stage_done_[stage - 1]); };
  while (true) {
    RowBatch* batch = nullptr;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return !status_.ok() || !queues_[stage].empty() || upstream_done(); });
      if (!status_.ok() || queues_[stage].empty()) {
        stage_done_[stage] = true;
        cv_.notify_all();
        return;
      }
      batch = queues_[stage].front();
      queues_[stage].pop_front();
    }
    Status st = work(*batch);
    std::lock_guard lock(mu_);
    if (!st.ok() && status_.ok()) status_ = st;
    if (stage + 1 < queues_.size()) {
      queues_[stage + 1].push_back(batch);
    } else {
      empty_.push_back(batch);
    }
    cv_.notify_all();
  }
}

Status BatchPipe::status() const {
  std::lock_guard lock(mu_);
  return status_;
}

}  // namespace citydata::ingest
