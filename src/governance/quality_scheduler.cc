#include "governance/quality_scheduler.h"

#include <chrono>

#include <spdlog/spdlog.h>

#include "core/cron.h"
#include "quality/rule.h"

namespace citydata::governance {

void QualityScheduler::Start() {
  std::lock_guard lock(mu_);
  stopping_ = false;
  if (!thread_.joinable()) thread_ = std::thread([this] { Loop(); });
}

void QualityScheduler::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

int QualityScheduler::RunDue(const std::tm& local) {
  auto plans = store_.ListQualityPlans();
  if (!plans.ok()) {
    spdlog::error("quality scheduler: {}", plans.status().ToString());
    return 0;
  }
  int started = 0;
  for (const auto& record : *plans) {
    auto plan = quality::ParsePlan(record.text);
    if (!plan.ok() || plan->schedule.empty()) continue;
    auto schedule = CronSchedule::Parse(plan->schedule);
    if (!schedule.ok() || !schedule->Matches(local)) continue;
    ++started;
    auto run = quality_.Run(record.dataset, "schedule", "");
    if (!run.ok()) {
      spdlog::error("scheduled quality run of {} failed: {}", record.dataset.ToString(),
                    run.status().ToString());
    }
  }
  return started;
}

void QualityScheduler::Loop() {
  using Clock = std::chrono::system_clock;
  std::unique_lock lock(mu_);
  while (!stopping_) {
    auto next = std::chrono::floor<std::chrono::minutes>(Clock::now()) + std::chrono::minutes(1);
    if (cv_.wait_until(lock, next, [this] { return stopping_; })) return;
    std::time_t now = Clock::to_time_t(next);
    std::tm local{};
    localtime_r(&now, &local);
    lock.unlock();
    RunDue(local);
    lock.lock();
  }
}

}  // namespace citydata::governance
