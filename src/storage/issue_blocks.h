// A quality run's failing rows (issues) in blocks: the form in which the governance
// store keeps them. A run may fail millions of rows; one stored row per issue made
// storing them cost a B-tree insert per issue into a table and an index, with the run
// id repeated in each. Blocks hold up to IssueBlockBuilder::kMaxIssues issues of one
// rule each, sorted by row id, so a run's issues are a few thousand rows, written once
// when the run ends.
//
// Block data, per issue: varint zigzag(row_id - the previous issue's row id, the first
// from 0), varint key size, key, varint value size, value.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace citydata::storage {

struct QualityIssueRecord {
  std::string run_id;
  std::string rule_id;
  int64_t row_id = 0;
  std::string key;    // the plan's key column value, when the plan names one
  std::string value;  // the offending value(s) as text
};

// Consecutive issues of one rule of one run, by row id (equal row ids in the order
// they were added).
struct IssueBlock {
  int64_t ordinal = 0;  // the position of the block's first issue among its rule's issues
  int64_t count = 0;
  int64_t first_row_id = 0;
  int64_t last_row_id = 0;
  std::string data;
};

// Cuts one rule's issues, given in order, into blocks.
class IssueBlockBuilder {
 public:
  static constexpr int64_t kMaxIssues = 1024;
  // A block is full at this size too (so a page of issues never reads a huge blob);
  // one larger issue still makes a block of its own.
  static constexpr size_t kMaxBytes = 256 * 1024;

  // REQUIRES: !full(); row_id not below the previous issue's.
  void Add(int64_t row_id, std::string_view key, std::string_view value);
  bool full() const { return block_.count == kMaxIssues || block_.data.size() >= kMaxBytes; }
  bool empty() const { return block_.count == 0; }
  const IssueBlock& block() const { return block_; }
  // Starts the block that follows this one.
  void Next();
  // Starts over at ordinal 0, for another rule.
  void Reset();

 private:
  IssueBlock block_;
};

// Appends issues [skip, skip + take) of a block's `data` to `out`, with `run_id` and
// `rule_id`. Internal error when the data is not a block of at least that many issues.
Status DecodeIssueBlock(std::string_view data, int64_t skip, int64_t take,
                        const std::string& run_id, const std::string& rule_id,
                        std::vector<QualityIssueRecord>& out);

// One run's issues, added in any order and kept compactly until the run is stored:
// per rule, their keys and values in arrival order and 16 bytes per issue to sort them
// by. Not thread-safe.
class QualityIssueSet {
 public:
  using BlockSink = std::function<Status(const std::string& rule_id, const IssueBlock& block)>;

  void Add(std::string_view rule_id, int64_t row_id, std::string_view key, std::string_view value);
  int64_t size() const { return size_; }

  // Calls `sink` with every block: rules by id, a rule's blocks by ordinal, a rule's
  // issues by row id (equal ones in arrival order). Returns the first error `sink`
  // returns, having stopped there.
  Status ForEachBlock(const BlockSink& sink) const;

 private:
  struct Entry {
    int64_t row_id;
    uint32_t chunk;   // in RuleIssues::chunks
    uint32_t offset;  // in the chunk: varint key size, key, varint value size, value
  };
  // Bytes and entries go in chunks that never grow or move: growing one buffer would
  // copy, and first touch, all of it about twice. Chunks double in size up to a limit
  // (a byte chunk may hold one larger issue). A rule's bytes stay together, so it is
  // read back from few pages.
  struct RuleIssues {
    std::vector<std::string> chunks;
    std::vector<std::vector<Entry>> entries;  // in arrival order
  };
  static constexpr size_t kFirstChunkBytes = 4096;
  static constexpr size_t kMaxChunkBytes = 1 << 20;
  static constexpr size_t kFirstEntryChunk = 256;
  static constexpr size_t kMaxEntryChunk = 1 << 16;

  RuleIssues& Rule(std::string_view rule_id);
  // The rule's issues sorted by row id, then arrival.
  static std::vector<Entry> Sorted(const RuleIssues& rule);

  std::map<std::string, RuleIssues, std::less<>> rules_;
  // The rule of the previous Add: consecutive issues often share one.
  std::map<std::string, RuleIssues, std::less<>>::iterator last_ = rules_.end();
  int64_t size_ = 0;
};

}  // namespace citydata::storage
