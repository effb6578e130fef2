#include "audit/chain.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/json_util.h"
#include "security/crypto.h"

namespace citydata::audit {
namespace {

void AddField(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  out += ' ';
  out += std::to_string(value.size());
  out += ' ';
  out += value;
  out += '\n';
}

bool IsHashHex(const std::string& text) {
  return text.size() == kGenesisHash.size() &&
         text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

std::string CanonicalForm(const storage::AuditRecord& r) {
  std::string out = "citydata.audit.v1\n";
  AddField(out, "seq", std::to_string(r.seq));
  AddField(out, "time", r.time);
  AddField(out, "actor", r.actor);
  AddField(out, "actor_kind", r.actor_kind);
  AddField(out, "dept", r.dept);
  AddField(out, "action", r.action);
  AddField(out, "target", r.target);
  AddField(out, "columns", std::to_string(r.columns.size()));
  for (const std::string& column : r.columns) AddField(out, "column", column);
  AddField(out, "rows", std::to_string(r.rows));
  AddField(out, "purpose", r.purpose);
  AddField(out, "client", r.client);
  AddField(out, "outcome", r.outcome);
  AddField(out, "detail", r.detail);
  AddField(out, "prev_hash", r.prev_hash);
  return out;
}

std::string RecordHash(const storage::AuditRecord& record) {
  return security::Sm3Hex(CanonicalForm(record));
}

std::string AnchorToJson(const Anchor& anchor) {
  return DumpJson({{"seq", anchor.seq}, {"hash", anchor.hash}});
}

Result<Anchor> ParseAnchor(std::string_view json) {
  constexpr const char* kExpected =
      "an audit anchor is the JSON {\"seq\": <record number>, \"hash\": <64 lower-case hex "
      "digits>} exported as the audit log's head";
  nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
  if (!j.is_object() || !j.contains("seq") || !j.contains("hash") ||
      !j["seq"].is_number_integer() || !j["hash"].is_string()) {
    return InvalidArgument(kExpected);
  }
  Anchor anchor{j["seq"].get<int64_t>(), j["hash"].get<std::string>()};
  if (anchor.seq < 0 || !IsHashHex(anchor.hash)) return InvalidArgument(kExpected);
  return anchor;
}

bool ChainVerifier::Check(const storage::AuditRecord& record) {
  if (!report_.ok) return false;
  if (record.seq != next_seq_) {
    int64_t bad = std::min(record.seq, next_seq_);
    return Fail(bad, "expected seq " + std::to_string(next_seq_) + " but found seq " +
                         std::to_string(record.seq) + ": a record was deleted or inserted");
  }
  std::string why = WhyBroken(record);
  if (!why.empty()) return Fail(record.seq, std::move(why));
  prev_hash_ = record.hash;
  ++next_seq_;
  ++report_.records;
  return true;
}

std::string ChainVerifier::WhyBroken(const storage::AuditRecord& record) const {
  if (record.prev_hash != prev_hash_) {
    return "prev_hash does not match the hash of record " + std::to_string(record.seq - 1) +
           ": a record was deleted, inserted or reordered here, or the one before was rewritten";
  }
  if (RecordHash(record) != record.hash) {
    return "the content does not match its hash: the record was edited";
  }
  if (anchor_ && record.seq == anchor_->seq && record.hash != anchor_->hash) {
    return "the hash differs from the anchor's: the chain was rewritten at or before this record";
  }
  return "";
}

VerifyReport ChainVerifier::Finish() {
  int64_t last = next_seq_ - 1;
  if (report_.ok && anchor_ && anchor_->seq > last) {
    Fail(next_seq_, "the log ends at seq " + std::to_string(last) + " but the anchor names seq " +
                        std::to_string(anchor_->seq) + ": records were removed from the tail");
  }
  return report_;
}

bool ChainVerifier::Fail(int64_t seq, std::string reason) {
  report_.ok = false;
  report_.first_bad_seq = seq;
  report_.reason = std::move(reason);
  return false;
}

}  // namespace citydata::audit
