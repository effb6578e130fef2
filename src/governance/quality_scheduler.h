// Runs quality plans on their cron schedules.
//
// A background thread wakes at the start of every minute and runs each plan whose
// schedule (RulePlan::schedule, in the server's local time) is due, one after the
// other. A run that fails is logged and retried at its next due minute.
//
// Thread safety: Start/Stop from one thread; RunDue may be called from any thread.
#pragma once

#include <condition_variable>
#include <ctime>
#include <mutex>
#include <thread>

#include "governance/quality_service.h"
#include "storage/governance_store.h"

namespace citydata::governance {

class QualityScheduler {
 public:
  QualityScheduler(storage::GovernanceStore& store, QualityService& quality)
      : store_(store), quality_(quality) {}
  ~QualityScheduler() { Stop(); }

  void Start();
  // Waits for a run in progress to finish. Idempotent.
  void Stop();

  // Runs every plan due at the minute `local`; returns how many runs were started.
  int RunDue(const std::tm& local);

 private:
  void Loop();

  storage::GovernanceStore& store_;
  QualityService& quality_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace citydata::governance
