#include "storage/issue_blocks.h"

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <tuple>

#include "core/byte_codec.h"

namespace citydata::storage {

void IssueBlockBuilder::Add(int64_t row_id, std::string_view key, std::string_view value) {
  assert(!full() && (empty() || row_id >= block_.last_row_id));
  ByteEncoder out(&block_.data);
  out.PutSigned(row_id - (empty() ? 0 : block_.last_row_id));
  out.PutBytes(key);
  out.PutBytes(value);
  if (empty()) block_.first_row_id = row_id;
  block_.last_row_id = row_id;
  ++block_.count;
}

void IssueBlockBuilder::Next() {
  block_.ordinal += block_.count;
  block_.count = 0;
  block_.data.clear();
}

void IssueBlockBuilder::Reset() {
  Next();
  block_.ordinal = 0;
}

Status DecodeIssueBlock(std::string_view data, int64_t skip, int64_t take,
                        const std::string& run_id, const std::string& rule_id,
                        std::vector<QualityIssueRecord>& out) {
  ByteDecoder in(data);
  int64_t row_id = 0;
  for (int64_t i = 0; i < skip + take; ++i) {
    int64_t delta = 0;
    std::string_view key, value;
    if (!in.GetSigned(&delta) || !in.GetBytes(&key) || !in.GetBytes(&value)) {
      return Internal("a stored block of quality issues of run " + run_id + ", rule " + rule_id +
                      " is damaged");
    }
    row_id += delta;
    if (i >= skip) out.push_back({run_id, rule_id, row_id, std::string(key), std::string(value)});
  }
  return Status::Ok();
}

namespace {

// The chunk to append `bytes` to: the last one while it has room, else a new one of
// `first`, then twice the last, up to `max` (or `bytes` when larger).
template <typename Chunk>
Chunk& ChunkFor(std::vector<Chunk>& chunks, size_t bytes, size_t first, size_t max) {
  if (chunks.empty() || chunks.back().capacity() - chunks.back().size() < bytes) {
    const size_t size = chunks.empty() ? first : std::min(2 * chunks.back().capacity(), max);
    chunks.emplace_back().reserve(std::max(size, bytes));
  }
  return chunks.back();
}

}  // namespace

void QualityIssueSet::Add(std::string_view rule_id, int64_t row_id, std::string_view key,
                          std::string_view value) {
  constexpr size_t kMaxVarints = 20;  // two size prefixes
  const size_t bytes = kMaxVarints + key.size() + value.size();
  RuleIssues& rule = Rule(rule_id);
  std::string& chunk = ChunkFor(rule.chunks, bytes, kFirstChunkBytes, kMaxChunkBytes);
  assert(rule.chunks.size() <= UINT32_MAX && chunk.capacity() <= UINT32_MAX);
  ChunkFor(rule.entries, 1, kFirstEntryChunk, kMaxEntryChunk)
      .push_back({row_id, static_cast<uint32_t>(rule.chunks.size() - 1),
                  static_cast<uint32_t>(chunk.size())});
  ByteEncoder out(&chunk);  // within the capacity: the chunk does not move
  out.PutBytes(key);
  out.PutBytes(value);
  ++size_;
}

QualityIssueSet::RuleIssues& QualityIssueSet::Rule(std::string_view rule_id) {
  if (last_ == rules_.end() || last_->first != rule_id) {
    last_ = rules_.find(rule_id);
    if (last_ == rules_.end()) last_ = rules_.emplace(std::string(rule_id), RuleIssues()).first;
  }
  return last_->second;
}

std::vector<QualityIssueSet::Entry> QualityIssueSet::Sorted(const RuleIssues& rule) {
  size_t n = 0;
  for (const auto& chunk : rule.entries) n += chunk.size();
  std::vector<Entry> sorted;
  sorted.reserve(n);
  for (const auto& chunk : rule.entries) sorted.insert(sorted.end(), chunk.begin(), chunk.end());
  // (chunk, offset) grows with arrival, so equal row ids keep that order.
  std::sort(sorted.begin(), sorted.end(), [](const Entry& a, const Entry& b) {
    return std::tie(a.row_id, a.chunk, a.offset) < std::tie(b.row_id, b.chunk, b.offset);
  });
  return sorted;
}

Status QualityIssueSet::ForEachBlock(const BlockSink& sink) const {
  IssueBlockBuilder builder;
  for (const auto& [rule_id, rule] : rules_) {
    builder.Reset();
    for (const Entry& e : Sorted(rule)) {
      ByteDecoder in{std::string_view(rule.chunks[e.chunk]).substr(e.offset)};
      std::string_view key, value;
      bool ok = in.GetBytes(&key) && in.GetBytes(&value);
      assert(ok);
      (void)ok;
      builder.Add(e.row_id, key, value);
      if (builder.full()) {
        RETURN_IF_ERROR(sink(rule_id, builder.block()));
        builder.Next();
      }
    }
    if (!builder.empty()) RETURN_IF_ERROR(sink(rule_id, builder.block()));
  }
  return Status::Ok();
}

}  // namespace citydata::storage
