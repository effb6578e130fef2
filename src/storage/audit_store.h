// The audit store: the append-only, hash-chained audit trail (审计) as stored records.
//
// The store keeps records; the chain (seq numbering, hashes, verification) is the job of
// audit/. The interface has no update and no delete: through the platform the trail can
// only grow. Someone with the file can still change it, which audit/'s verify detects.
//
// Kept apart from the MetaStore because it grows without bound and is written on every
// request, in batches, by one writer thread. SQLite on one server; PostgreSQL later.
//
// Thread safety: safe to use from many threads. Reads do not wait for appends.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace citydata::storage {

// One audit record as stored. Text fields are free text ("" when not applicable).
struct AuditRecord {
  int64_t seq = 0;                   // 1, 2, 3, ... without gaps
  std::string time;                  // ISO 8601 UTC with milliseconds, 2026-11-22T23:59:59.123Z
  std::string actor;                 // user name or app key id
  std::string actor_kind;            // "user", "app", "system", "anonymous"
  std::string dept;                  // the actor's department
  std::string action;                // e.g. "data.read", "login"
  std::string target;                // the dataset or object acted on
  std::vector<std::string> columns;  // the columns read or changed
  int64_t rows = -1;                 // rows returned or changed; -1 unknown
  std::string purpose;               // the declared purpose of use
  std::string client;                // client address
  std::string outcome;               // "allowed", "denied", "error"
  std::string detail;
  std::string prev_hash;  // hash of record seq-1
  std::string hash;       // hash of this record's canonical content
};

// Which records List returns: empty strings and unset times match everything.
struct AuditFilter {
  std::string actor;
  std::string target;
  std::string action;
  std::string outcome;
  std::string since;  // time >= since (ISO 8601, compared as text)
  std::string until;  // time < until
  int64_t limit = 100;
  int64_t offset = 0;
};

struct AuditPage {
  std::vector<AuditRecord> items;  // newest first
  int64_t total = 0;               // records matching the filter, ignoring limit/offset
};

class AuditStore {
 public:
  virtual ~AuditStore() = default;

  // Appends `batch` atomically (all or nothing). REQUIRES: seqs contiguous. Fails with
  // kConflict, writing nothing, unless the first seq is Head's seq + 1 (1 when empty):
  // one writer per store, so a second writer cannot fork the chain.
  virtual Status Append(const std::vector<AuditRecord>& batch) = 0;

  virtual Result<AuditPage> List(const AuditFilter& filter) = 0;

  // Calls `fn` for each record with seq >= from_seq in seq order, from one consistent
  // snapshot, stopping at and returning the first non-OK status `fn` returns. `fn` must
  // not call this store. A record edited outside the platform is passed as read: a
  // columns value that is not a JSON array of strings arrives as one column holding the
  // stored text, so that verify sees the change instead of the scan failing.
  virtual Status Scan(int64_t from_seq, const std::function<Status(const AuditRecord&)>& fn) = 0;

  // The record with the highest seq; nullopt when the store is empty.
  virtual Result<std::optional<AuditRecord>> Head() = 0;

  virtual Result<int64_t> Count() = 0;
};

// Opens (creating and migrating) the SQLite audit store at `path`.
Result<std::unique_ptr<AuditStore>> OpenSqliteAuditStore(const std::string& path);

}  // namespace citydata::storage
