// A pipeline of row batches between threads: the thread that parses and converts rows
// fills batches, and each later stage (e.g. writing to the engine, then profiling)
// runs on its own thread over every batch in order. Batches are recycled after the
// last stage: after warm-up no row buffer (and no text value whose capacity suffices)
// is allocated again, and at most `depth` batches are in flight, which bounds memory.
//
// Thread safety: one producer thread calls Acquire/Submit/Close; stage i runs
// RunStage(i, ...) on its own thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "core/status.h"
#include "core/types.h"

namespace citydata::ingest {

struct RowBatch {
  std::vector<std::vector<Value>> rows;  // capacity rows; the first `size` are filled
  size_t size = 0;
};

class BatchPipe {
 public:
  BatchPipe(size_t stages, size_t depth, size_t batch_rows, size_t columns);

  // An empty batch to fill, or nullptr once a stage has failed (see status()).
  RowBatch* Acquire();
  void Submit(RowBatch* batch);
  // No more batches; every stage returns once the submitted ones have passed it.
  void Close();

  // Runs `work` over every batch reaching stage `stage` (0-based) until Close(), or
  // until a stage fails; then the pipe stops accepting batches.
  void RunStage(size_t stage, const std::function<Status(const RowBatch&)>& work);

  // The first stage failure, or OK. Read after the stage threads have been joined.
  Status status() const;

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<RowBatch>> batches_;
  std::deque<RowBatch*> empty_;                // GUARDED_BY(mu_)
  std::vector<std::deque<RowBatch*>> queues_;  // GUARDED_BY(mu_): one per stage
  std::vector<bool> stage_done_;               // GUARDED_BY(mu_)
  bool closed_ = false;                        // GUARDED_BY(mu_)
  Status status_;                              // GUARDED_BY(mu_)
};

}  // namespace citydata::ingest
