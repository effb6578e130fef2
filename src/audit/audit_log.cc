#include "audit/audit_log.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iterator>

namespace citydata::audit {
namespace {

constexpr std::chrono::seconds kRetryDelay{1};

// The current UTC time with milliseconds, e.g. "2026-11-22T23:59:59.123Z".
std::string NowIsoMillis() {
  auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count();
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[32];
  size_t n = std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof(buf) - n, ".%03dZ", static_cast<int>(ms % 1000));
  return buf;
}

storage::AuditRecord ToRecord(std::string time, AuditEvent e) {
  storage::AuditRecord r;
  r.time = std::move(time);
  r.actor = std::move(e.actor);
  r.actor_kind = ActorKindName(e.actor_kind);
  r.dept = std::move(e.dept);
  r.action = std::move(e.action);
  r.target = std::move(e.target);
  r.columns = std::move(e.columns);
  r.rows = e.rows;
  r.purpose = std::move(e.purpose);
  r.client = std::move(e.client);
  r.outcome = OutcomeName(e.outcome);
  r.detail = std::move(e.detail);
  return r;
}

}  // namespace

std::string_view ActorKindName(ActorKind kind) {
  switch (kind) {
    case ActorKind::kUser:
      return "user";
    case ActorKind::kApp:
      return "app";
    case ActorKind::kSystem:
      return "system";
    case ActorKind::kAnonymous:
      return "anonymous";
  }
  return "unknown";
}

std::string_view OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kAllowed:
      return "allowed";
    case Outcome::kDenied:
      return "denied";
    case Outcome::kError:
      return "error";
  }
  return "unknown";
}

Result<std::unique_ptr<AuditLog>> AuditLog::Open(std::unique_ptr<storage::AuditStore> store,
                                                 AuditLogOptions options) {
  ASSIGN_OR_RETURN(std::optional<storage::AuditRecord> last, store->Head());
  Anchor head;
  if (last) head = {last->seq, last->hash};
  return std::unique_ptr<AuditLog>(new AuditLog(std::move(store), options, head));
}

AuditLog::AuditLog(std::unique_ptr<storage::AuditStore> store, AuditLogOptions options, Anchor head)
    : store_(std::move(store)), options_(options), chained_(head), head_(head) {
  writer_ = std::thread([this] { WriterLoop(); });
}

AuditLog::~AuditLog() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  work_.notify_all();
  not_full_.notify_all();
  writer_.join();
}

Status AuditLog::Record(AuditEvent event) {
  if (event.action.empty()) {
    return InvalidArgument("audit event without an action: name what was done, e.g. data.read");
  }
  std::unique_lock lock(mu_);
  not_full_.wait(lock, [&] { return queue_.size() < options_.queue_capacity || stopping_; });
  if (stopping_) return Unavailable("the audit log is shutting down");
  // Stamped under the lock, so that queue (and seq) order is time order.
  queue_.push_back({NowIsoMillis(), std::move(event)});
  ++recorded_;
  work_.notify_one();
  return Status::Ok();
}

Status AuditLog::Flush() {
  std::unique_lock lock(mu_);
  uint64_t target = recorded_;
  written_.wait(lock, [&] { return durable_ >= target || !last_error_.ok(); });
  if (durable_ >= target) return Status::Ok();
  return last_error_.WithContext("audit events are queued but not yet durable (retrying)");
}

Result<VerifyReport> AuditLog::Verify(const std::optional<Anchor>& anchor) {
  RETURN_IF_ERROR(Flush());
  ChainVerifier verifier(anchor);
  Status scanned = store_->Scan(1, [&](const storage::AuditRecord& r) {
    return verifier.Check(r) ? Status::Ok() : FailedPrecondition("audit chain broken");
  });
  VerifyReport report = verifier.Finish();
  if (!scanned.ok() && report.ok) return scanned;
  return report;
}

Result<Anchor> AuditLog::Head() {
  RETURN_IF_ERROR(Flush());
  std::lock_guard lock(mu_);
  return head_;
}

Result<storage::AuditPage> AuditLog::List(const storage::AuditFilter& filter) {
  RETURN_IF_ERROR(Flush());
  return store_->List(filter);
}

Status AuditLog::Export(const ExportWriter& write, ExportFormat format) {
  RETURN_IF_ERROR(Flush());
  if (format == ExportFormat::kCsv) RETURN_IF_ERROR(write(CsvHeader()));
  return store_->Scan(1,
                      [&](const storage::AuditRecord& r) { return write(ExportLine(r, format)); });
}

void AuditLog::WriterLoop() {
  for (auto batch = NextBatch(); !batch.empty(); batch = NextBatch()) {
    WriteWithRetry(Chain(std::move(batch)));
  }
}

std::vector<AuditLog::QueuedEvent> AuditLog::NextBatch() {
  std::unique_lock lock(mu_);
  work_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
  size_t n = std::min(queue_.size(), options_.batch_size);
  std::vector<QueuedEvent> batch(std::make_move_iterator(queue_.begin()),
                                 std::make_move_iterator(queue_.begin() + n));
  queue_.erase(queue_.begin(), queue_.begin() + n);
  not_full_.notify_all();
  return batch;
}

std::vector<storage::AuditRecord> AuditLog::Chain(std::vector<QueuedEvent> events) {
  std::vector<storage::AuditRecord> records;
  records.reserve(events.size());
  for (QueuedEvent& queued : events) {
    storage::AuditRecord r = ToRecord(std::move(queued.time), std::move(queued.event));
    r.seq = chained_.seq + 1;
    r.prev_hash = chained_.hash;
    r.hash = RecordHash(r);
    chained_ = {r.seq, r.hash};
    records.push_back(std::move(r));
  }
  return records;
}

void AuditLog::WriteWithRetry(const std::vector<storage::AuditRecord>& records) {
  for (;;) {
    Status appended = store_->Append(records);
    std::unique_lock lock(mu_);
    if (appended.ok()) {
      durable_ += records.size();
      head_ = {records.back().seq, records.back().hash};
      last_error_ = Status::Ok();
      written_.notify_all();
      return;
    }
    last_error_ = appended;
    written_.notify_all();
    if (stopping_) {
      spdlog::error("audit: {} events lost at shutdown (seq {} to {}): {}", records.size(),
                    records.front().seq, records.back().seq, appended.ToString());
      chained_ = head_;  // later batches continue the durable chain
      return;
    }
    work_.wait_for(lock, kRetryDelay, [&] { return stopping_; });
  }
}

Result<std::unique_ptr<AuditLog>> OpenAuditLog(const std::string& dir, AuditLogOptions options) {
  ASSIGN_OR_RETURN(auto store, storage::OpenSqliteAuditStore(
                                   (std::filesystem::path(dir) / "audit.db").string()));
  return AuditLog::Open(std::move(store), options);
}

}  // namespace citydata::audit
