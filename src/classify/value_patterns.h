// The value patterns of every category and the validators that confirm their
// matches. Engine-neutral: the Hyperscan scanner (value_scanner.h) and the RE2
// baseline of bench/classify use the same table, the same confirmation and the same
// MatchCollector, so their results are identical.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "classify/category.h"

namespace citydata::classify {

enum class PatternKind {
  // The whole value must match: the engine anchors the regex at both ends.
  kWhole,
  // Matches anywhere inside a value (free text); the engine reports where.
  kEmbedded,
};

struct ValuePattern {
  Category category;
  PatternKind kind;
  // Byte-oriented regex syntax both Hyperscan (without HS_FLAG_UTF8) and RE2 (with
  // Latin-1 encoding) accept. Chinese characters stand as literal UTF-8 bytes outside
  // character classes, and any Han character as the byte sequence
  // [\xE4-\xE9][\x80-\xBF]{2}, so invalid UTF-8 input is harmless.
  std::string_view regex;
};

// Every pattern, in a stable order; a pattern's index is its id in the scanner.
// The view is valid for the whole program run.
std::span<const ValuePattern> ValuePatterns();

// Whether the whole (trimmed) `value`, which matched a kWhole pattern of `category`,
// passes that category's validator: the check characters of standards/national_ids.h,
// the formats of standards/cn_formats.h, or the heuristics of name, address,
// ethnicity, birth_date, coordinates and ip described in README.md.
bool ConfirmWhole(Category category, std::string_view value);

// The matches of one value, per category.
struct ValueMatches {
  CategorySet whole_pattern;     // a kWhole pattern matched the value
  CategorySet whole_valid;       // ... and ConfirmWhole passed
  CategorySet embedded_pattern;  // a kEmbedded pattern matched somewhere in it
  CategorySet embedded_valid;    // ... at least once standing alone and confirmed
};

// Turns the raw matches of one value, from any engine, into ValueMatches.
// An embedded match counts when it stands alone (no ASCII letter or digit right
// before or after it) and passes the validator; a confirmed embedded match inside an
// equal or longer confirmed match of an earlier category is dropped (an ID number's
// 18 digits that also pass Luhn are not a bank card too). Not thread-safe; one per
// value being scanned.
class MatchCollector {
 public:
  // `value` must outlive the collector.
  explicit MatchCollector(std::string_view value) : value_(value) {}

  // Pattern `pattern` matched value[from, to). For kWhole patterns from = 0 and
  // to = value.size().
  void OnMatch(const ValuePattern& pattern, size_t from, size_t to);

  ValueMatches Finish() const;

 private:
  struct Span {
    Category category;
    size_t from;
    size_t to;
  };

  bool CoveredByEarlierCategory(const Span& span) const;

  std::string_view value_;
  ValueMatches matches_;
  std::vector<Span> confirmed_;  // confirmed embedded matches
};

}  // namespace citydata::classify
