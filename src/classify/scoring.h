// Scoring: from the name evidence and the per-category counts of a column's values
// to one category, a confidence and the evidence behind it. Engine-neutral and pure;
// Classifier feeds it from Hyperscan, bench/classify from RE2.
//
// For each category c, over the non-empty values of the sample:
//   share(c)  = values confirmed by c's validator / values (for health: values
//               containing a disease term anywhere; for a landline whose column name
//               says phone: values matching the pattern, since local numbers
//               without an area code have nothing to confirm them);
//   value(c)  = weight(c) × share(c) when share(c) ≥ 0.5, else 0 (the values do not
//               support c). weight is 0.95 for categories with check characters or
//               exact formats (id_card, uscc, mobile, email, plate, passport,
//               hk_macau_permit, ip), 0.9 bank_card (Luhn passes one random number in
//               ten), 0.8 ethnicity and religion (exact names), 0.75 name (2-4 Han
//               characters starting with a common surname; also needs at least half
//               of those values distinct), 0.7 address, 0.6 health; birth_date and
//               coordinates values (any date, any decimal) count only with a name;
//   name(c)   = the NameMatch strength when the column name points to c (or has c
//               as its alternate, minus 0.01), else 0.
// Then score(c) is
//   1 − (1 − name)(1 − value)  when the values support c (value alone when no name;
//                              0 for birth_date and coordinates without a name),
//   name × f(c)                when there are values but they do not support c:
//                              f = 0.3 for validated categories, so a column named
//                              身份证号 holding 'abc' gets 0.27; 0.4 for name,
//                              address, ethnicity, birth_date, coordinates; 0.6
//                              religion; 0.8 health (its values are free wording),
//   name × 0.5                 when there are no non-empty values at all.
// The category with the highest score wins (ties: Category order), if it reaches
// kMinConfidence; its score, capped at 0.99, is the confidence. Otherwise the
// column is "none" with confidence 1 − best score (0.5 when it has no values).
//
// Embedded: a category other than the winner is listed when at least one value
// contains a confirmed match of it and at least half of its embedded pattern matches
// were confirmed; its share is the share of values containing one. Sorted by share,
// highest first.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "classify/category.h"
#include "classify/name_rules.h"
#include "classify/value_patterns.h"

namespace citydata::classify {

inline constexpr double kMinConfidence = 0.2;

// Per-category counts over a column's non-empty values.
class ColumnTally {
 public:
  // Counts one trimmed, non-empty value. `value` must outlive the tally (distinct
  // person names are tracked by view).
  void Add(std::string_view value, const ValueMatches& matches);

  size_t values() const { return values_; }
  size_t whole_pattern(Category c) const { return whole_pattern_[CategoryIndex(c)]; }
  size_t whole_valid(Category c) const { return whole_valid_[CategoryIndex(c)]; }
  size_t embedded_pattern(Category c) const { return embedded_pattern_[CategoryIndex(c)]; }
  size_t embedded_valid(Category c) const { return embedded_valid_[CategoryIndex(c)]; }
  // Distinct values among the first kDistinctSample confirmed person names, and how
  // many were looked at.
  size_t distinct_names() const { return distinct_names_.size(); }
  size_t names_sampled() const { return names_sampled_; }

  static constexpr size_t kDistinctSample = 1000;

 private:
  using Counts = std::array<size_t, kCategoryCount>;

  size_t values_ = 0;
  Counts whole_pattern_{}, whole_valid_{}, embedded_pattern_{}, embedded_valid_{};
  std::unordered_set<std::string_view> distinct_names_;
  size_t names_sampled_ = 0;
};

struct Evidence {
  std::string name_match;      // the name rule that matched the category, or empty
  double pattern_share = 0;    // share of non-empty values matching its pattern
  double validator_share = 0;  // share of non-empty values passing its validator
};

struct EmbeddedCategory {
  std::string category;  // a category id, e.g. "mobile"
  double share = 0;      // share of non-empty values containing one
};

struct ColumnClassification {
  std::string category;   // a category id (CategoryName), "none" when nothing found
  double confidence = 0;  // 0..1
  Evidence evidence;
  // Categories found inside the values (free text), see above; never `category`.
  std::vector<EmbeddedCategory> embedded;
};

ColumnClassification ScoreColumn(const NameMatch& name, const ColumnTally& tally);

}  // namespace citydata::classify
