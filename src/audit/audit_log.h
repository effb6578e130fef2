// The tamper-evident audit trail (审计): every data read, data or metadata change,
// login and denied policy decision becomes one record, hash-chained with SM3.
//
// Callers on hot paths only queue an event; one background writer assigns seq numbers,
// chains the records in queue order and appends them to the store in batches. The
// chain and its limits are described in audit/README.md.
//
// Thread safety: safe to use from many threads.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "audit/chain.h"
#include "audit/export.h"
#include "core/status.h"
#include "storage/audit_store.h"

namespace citydata::audit {

enum class ActorKind { kUser, kApp, kSystem, kAnonymous };
enum class Outcome { kAllowed, kDenied, kError };

// "user", "app", "system", "anonymous".
std::string_view ActorKindName(ActorKind kind);
// "allowed", "denied", "error".
std::string_view OutcomeName(Outcome outcome);

// What happened; the log adds the time, seq and hashes. Conventional actions:
// "data.read", "data.write", "data.delete", "meta.change", "login", "policy.decide".
struct AuditEvent {
  std::string actor;
  ActorKind actor_kind = ActorKind::kUser;
  std::string dept;
  std::string action;  // required
  std::string target;  // dataset (zone.name) or other object
  std::vector<std::string> columns;
  int64_t rows = -1;  // -1 unknown
  std::string purpose;
  std::string client;
  Outcome outcome = Outcome::kAllowed;
  std::string detail;
};

struct AuditLogOptions {
  size_t queue_capacity = 10000;  // Record blocks while this many events wait
  size_t batch_size = 512;        // events per store transaction at most
};

// Writes into `write` piece by piece; a non-OK status stops the export and is returned.
using ExportWriter = std::function<Status(std::string_view)>;

class AuditLog {
 public:
  // Takes over `store`, continuing the chain from its last record, and starts the writer.
  static Result<std::unique_ptr<AuditLog>> Open(std::unique_ptr<storage::AuditStore> store,
                                                AuditLogOptions options = {});

  // Writes everything queued, then stops the writer. When the store keeps failing, the
  // events it cannot take are reported on the error log and lost.
  ~AuditLog();

  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Stamps `event` with the current time and queues it; blocks while the queue is full
  // (events are never dropped). InvalidArgument when the action is empty. Returning OK
  // does not mean durable: see Flush.
  Status Record(AuditEvent event);

  // Waits until every event recorded before the call is durable in the store. While
  // the store fails (the writer retries every second), returns its error at once.
  Status Flush();

  // Flushes, then rechecks the whole chain from seq 1 (see ChainVerifier). An error
  // status means the log could not be read; a broken chain is an OK result with
  // report.ok false.
  Result<VerifyReport> Verify(const std::optional<Anchor>& anchor = std::nullopt);

  // Flushes, then returns the head of the durable chain, to keep elsewhere as an anchor.
  Result<Anchor> Head();

  // Flushes, then lists matching records, newest first.
  Result<storage::AuditPage> List(const storage::AuditFilter& filter);

  // Flushes, then streams every record in seq order (csv with a header line first).
  Status Export(const ExportWriter& write, ExportFormat format);

 private:
  struct QueuedEvent {
    std::string time;
    AuditEvent event;
  };

  AuditLog(std::unique_ptr<storage::AuditStore> store, AuditLogOptions options, Anchor head);

  void WriterLoop();
  // Blocks for the next batch; empty once stopping and drained.
  std::vector<QueuedEvent> NextBatch();
  // Chains `events` after the last written record (writer thread only).
  std::vector<storage::AuditRecord> Chain(std::vector<QueuedEvent> events);
  // Appends, retrying while the store fails, until it succeeds or the log stops.
  void WriteWithRetry(const std::vector<storage::AuditRecord>& records);

  const std::unique_ptr<storage::AuditStore> store_;
  const AuditLogOptions options_;

  Anchor chained_;  // last record handed to the store; writer thread only

  std::mutex mu_;
  std::condition_variable work_;      // queue_ gained events, or stopping_
  std::condition_variable not_full_;  // queue_ has room, or stopping_
  std::condition_variable written_;   // durable_ or last_error_ changed
  std::deque<QueuedEvent> queue_;     // GUARDED_BY(mu_)
  uint64_t recorded_ = 0;             // GUARDED_BY(mu_): events ever queued
  uint64_t durable_ = 0;              // GUARDED_BY(mu_): events ever appended
  Status last_error_;                 // GUARDED_BY(mu_): of the last append
  Anchor head_;                       // GUARDED_BY(mu_): last durable record
  bool stopping_ = false;             // GUARDED_BY(mu_)

  std::thread writer_;  // last: starts after everything above exists
};

// Opens the SQLite audit store `dir`/audit.db and the log over it.
Result<std::unique_ptr<AuditLog>> OpenAuditLog(const std::string& dir,
                                               AuditLogOptions options = {});

}  // namespace citydata::audit
