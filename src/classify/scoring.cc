#include "classify/scoring.h"

#include <algorithm>

namespace citydata::classify {
namespace {

using C = Category;

constexpr double kSupportShare = 0.5;
constexpr double kNoValuesFactor = 0.5;
constexpr double kAlternatePenalty = 0.01;
constexpr double kMaxConfidence = 0.99;
constexpr double kMinDistinctNameShare = 0.5;
constexpr size_t kMinNamesForDistinct = 10;

struct Spec {
  double weight;              // how far values alone may go
  double unsupported_factor;  // how far a name alone goes when the values disagree
  bool needs_name;            // values alone never decide
};

constexpr Spec kValidated{0.95, 0.3, false};

// Indexed by Category.
constexpr std::array<Spec, kCategoryCount> kSpecs = {
    kValidated,              // id_card
    kValidated,              // uscc
    Spec{0.9, 0.3, false},   // bank_card
    kValidated,              // mobile
    kValidated,              // landline
    kValidated,              // email
    kValidated,              // plate
    kValidated,              // passport
    kValidated,              // hk_macau_permit
    kValidated,              // ip
    Spec{0.8, 0.4, false},   // ethnicity
    Spec{0.8, 0.6, false},   // religion
    Spec{0.6, 0.8, false},   // health
    Spec{0.75, 0.4, false},  // name
    Spec{0.7, 0.4, false},   // address
    Spec{0.6, 0.4, true},    // birth_date
    Spec{0.8, 0.4, true},    // coordinates
    Spec{0, 0, true},        // none
};

double NameStrength(const NameMatch& name, Category c) {
  if (name.category == c) return name.strength;
  if (name.alternate == c) return name.strength - kAlternatePenalty;
  return 0;
}

double Ratio(size_t count, size_t total) {
  return total == 0 ? 0 : static_cast<double>(count) / static_cast<double>(total);
}

size_t ConfirmedCount(const ColumnTally& tally, Category c) {
  return c == C::kHealth ? tally.embedded_valid(c) : tally.whole_valid(c);
}

size_t PatternCount(const ColumnTally& tally, Category c) {
  return c == C::kHealth ? tally.embedded_pattern(c) : tally.whole_pattern(c);
}

// The share of values that count for c (see scoring.h).
double SupportShare(const ColumnTally& tally, Category c, bool named) {
  if (c == C::kLandline && named) return Ratio(tally.whole_pattern(c), tally.values());
  if (c == C::kName && tally.names_sampled() >= kMinNamesForDistinct &&
      Ratio(tally.distinct_names(), tally.names_sampled()) < kMinDistinctNameShare) {
    return 0;
  }
  return Ratio(ConfirmedCount(tally, c), tally.values());
}

double Score(const NameMatch& name, const ColumnTally& tally, Category c) {
  const Spec& spec = kSpecs[CategoryIndex(c)];
  double named = NameStrength(name, c);
  if (tally.values() == 0) return named * kNoValuesFactor;
  double share = SupportShare(tally, c, named > 0);
  if (share < kSupportShare) return named * spec.unsupported_factor;
  if (named == 0 && spec.needs_name) return 0;
  double value = spec.weight * share;
  return 1 - (1 - named) * (1 - value);
}

std::vector<EmbeddedCategory> Embedded(const ColumnTally& tally, Category winner) {
  std::vector<EmbeddedCategory> out;
  for (Category c : AllCategories()) {
    size_t confirmed = tally.embedded_valid(c);
    if (c == winner || confirmed == 0 || 2 * confirmed < tally.embedded_pattern(c)) continue;
    out.push_back({std::string(CategoryName(c)), Ratio(confirmed, tally.values())});
  }
  std::stable_sort(
      out.begin(), out.end(),
      [](const EmbeddedCategory& a, const EmbeddedCategory& b) { return a.share > b.share; });
  return out;
}

Evidence EvidenceFor(const NameMatch& name, const ColumnTally& tally, Category c) {
  Evidence evidence;
  if (NameStrength(name, c) > 0) evidence.name_match = std::string(name.rule);
  evidence.pattern_share = Ratio(PatternCount(tally, c), tally.values());
  evidence.validator_share = Ratio(ConfirmedCount(tally, c), tally.values());
  return evidence;
}

}  // namespace

void ColumnTally::Add(std::string_view value, const ValueMatches& matches) {
  ++values_;
  for (size_t i = 0; i < kCategoryCount; ++i) {
    whole_pattern_[i] += matches.whole_pattern[i];
    whole_valid_[i] += matches.whole_valid[i];
    embedded_pattern_[i] += matches.embedded_pattern[i];
    embedded_valid_[i] += matches.embedded_valid[i];
  }
  if (matches.whole_valid[CategoryIndex(C::kName)] && names_sampled_ < kDistinctSample) {
    ++names_sampled_;
    distinct_names_.insert(value);
  }
}

ColumnClassification ScoreColumn(const NameMatch& name, const ColumnTally& tally) {
  Category best = C::kNone;
  double best_score = 0;
  for (Category c : AllCategories()) {
    double score = Score(name, tally, c);
    if (score > best_score) {
      best = c;
      best_score = score;
    }
  }
  ColumnClassification out;
  if (best_score < kMinConfidence) {
    out.category = std::string(CategoryName(C::kNone));
    out.confidence =
        tally.values() == 0 ? kNoValuesFactor : std::min(1 - best_score, kMaxConfidence);
    out.embedded = Embedded(tally, C::kNone);
    return out;
  }
  out.category = std::string(CategoryName(best));
  out.confidence = std::min(best_score, kMaxConfidence);
  out.evidence = EvidenceFor(name, tally, best);
  out.embedded = Embedded(tally, best);
  return out;
}

}  // namespace citydata::classify
