// The audit hash chain: each record's canonical form, its SM3 hash, anchors, and the
// streaming check that finds the first broken record.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "storage/audit_store.h"

namespace citydata::audit {

// The prev_hash of record 1: 64 zeros.
inline constexpr std::string_view kGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

// The canonical content of `record`, the input of its hash (its `hash` field is not part
// of it). Version line "citydata.audit.v1\n", then one line per field in this order:
// seq, time, actor, actor_kind, dept, action, target, columns, rows, purpose, client,
// outcome, detail, prev_hash — each as "<name> <byte length> <bytes>\n", integers in
// decimal. `columns` holds the number of columns and is followed by one "column" line
// per column. Length prefixes make it unambiguous for any bytes, newlines included.
std::string CanonicalForm(const storage::AuditRecord& record);

// SM3 of CanonicalForm(record), 64 lower-case hex digits.
std::string RecordHash(const storage::AuditRecord& record);

// The head of the chain at some moment: its last seq and that record's hash
// (seq 0 and kGenesisHash for an empty log). Kept outside the platform, it lets verify
// detect a chain that was cut short or recomputed up to that record.
struct Anchor {
  int64_t seq = 0;
  std::string hash{kGenesisHash};
};

// {"hash":"...","seq":N}
std::string AnchorToJson(const Anchor& anchor);
// The inverse of AnchorToJson; InvalidArgument saying what is wrong otherwise.
Result<Anchor> ParseAnchor(std::string_view json);

struct VerifyReport {
  bool ok = true;
  int64_t records = 0;        // records found intact (all of them when ok)
  int64_t first_bad_seq = 0;  // 0 when ok
  std::string reason;         // why that record is broken; "" when ok
};

// Checks records one at a time in scan (seq) order, remembering the first break.
// Not thread-safe.
class ChainVerifier {
 public:
  // With an anchor, also checks that its record exists and has its hash.
  explicit ChainVerifier(std::optional<Anchor> anchor) : anchor_(std::move(anchor)) {}

  // Checks the next record; false once the chain is broken (later calls are ignored).
  bool Check(const storage::AuditRecord& record);

  // The report, after the last record was checked.
  VerifyReport Finish();

 private:
  bool Fail(int64_t seq, std::string reason);
  std::string WhyBroken(const storage::AuditRecord& record) const;

  std::optional<Anchor> anchor_;
  int64_t next_seq_ = 1;
  std::string prev_hash_{kGenesisHash};
  VerifyReport report_;
};

}  // namespace citydata::audit
