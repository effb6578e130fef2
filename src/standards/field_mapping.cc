#include "standards/field_mapping.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <unordered_set>

#include "standards/standardize.h"
#include "standards/value_formats.h"

namespace citydata::standards {
namespace {

constexpr double kExactName = 0.9;
constexpr double kPartialName = 0.6;
constexpr double kWeakCodeValues = 0.25;
constexpr double kContradictionFactor = 0.4;
constexpr double kValueOnlyTieFactor = 0.7;
constexpr int64_t kMaxDistinctPerCode = 4;

bool IsAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string NormalizeName(std::string_view name) {
  std::string out;
  for (char c : ToHalfWidth(Trim(name))) {
    if (c == '_' || c == '-' || c == ' ') continue;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

// Whether `part` is specific enough to count when found inside a longer name.
bool IsDistinctivePart(std::string_view part) {
  return IsAscii(part) ? part.size() >= 5 : part.size() >= 6;  // 6 bytes: two CJK characters
}

std::string Percent(double ratio) { return std::to_string(std::lround(ratio * 100)) + "%"; }

struct Score {
  double value = 0;
  std::string evidence;
};

// One element prepared for scoring: normalized names and its value check.
struct Candidate {
  const DataElement* element = nullptr;
  std::vector<std::pair<std::string, std::string>> names;  // normalized, original
  FormatValidator validator = nullptr;
  std::string check_name;                // for evidence
  std::unique_ptr<CodeMatcher> matcher;  // set for coded elements
  size_t code_entries = 0;
};

Candidate Prepare(const DataElement& element, std::span<const CodeTable> tables) {
  Candidate c;
  c.element = &element;
  for (const std::string& name : element.synonyms) c.names.emplace_back(NormalizeName(name), name);
  c.names.emplace_back(NormalizeName(element.id), element.id);
  c.names.emplace_back(NormalizeName(element.name), element.name);
  if (!element.code_table.empty()) {
    if (const CodeTable* table = FindCodeTable(tables, element.code_table)) {
      c.matcher = std::make_unique<CodeMatcher>(*table);
      c.code_entries = table->entries.size();
      c.check_name = table->id;
      return c;
    }
  }
  std::string format = element.data_type == "date" ? "date" : element.format;
  c.validator = FindFormatValidator(format);
  if (c.validator != nullptr) c.check_name = std::move(format);
  return c;
}

Score NameScore(const Candidate& c, std::string_view column) {
  std::string key = NormalizeName(column);
  if (key.empty()) return {};
  for (const auto& [norm, original] : c.names) {
    if (norm == key) {
      return {kExactName, "name: " + std::string(column) + " is a synonym of " + c.element->name};
    }
  }
  for (const auto& [norm, original] : c.names) {
    bool column_holds = IsDistinctivePart(norm) && key.find(norm) != std::string::npos;
    bool name_holds = IsDistinctivePart(key) && norm.find(key) != std::string::npos;
    if (column_holds || name_holds) {
      return {kPartialName, "name: " + std::string(column) + " resembles " + original};
    }
  }
  return {};
}

struct ValueScore {
  Score score;
  bool contradicts = false;
  bool strong = false;  // r ≥ 0.9 and not weak digit codes
};

ValueScore ScoreRatio(double r, std::string evidence) {
  if (r >= 0.9) return {{std::min(0.95, 0.8 + 1.5 * (r - 0.9)), std::move(evidence)}, false, true};
  if (r >= 0.5) return {{0.4 * r, std::move(evidence)}, false, false};
  return {{0, std::move(evidence)}, true, false};
}

ValueScore ValuesScore(const Candidate& c, const ColumnEvidence& column,
                       const std::vector<std::string>& values) {
  if (values.empty() || (c.validator == nullptr && c.matcher == nullptr)) return {};
  size_t passed = 0;
  if (c.validator != nullptr) {
    for (const std::string& v : values) passed += c.validator(v) ? 1 : 0;
    double r = static_cast<double>(passed) / static_cast<double>(values.size());
    return ScoreRatio(r, "values: " + Percent(r) + " pass " + c.check_name);
  }
  std::unordered_set<std::string_view> distinct(values.begin(), values.end());
  int64_t distinct_count = std::max<int64_t>(column.distinct_count, std::ssize(distinct));
  if (distinct_count > kMaxDistinctPerCode * static_cast<int64_t>(c.code_entries)) return {};
  bool all_digits = true;
  for (const std::string& v : values) {
    if (c.matcher->Match(v) == nullptr) continue;
    ++passed;
    all_digits = all_digits && AllDigits(v);
  }
  double r = static_cast<double>(passed) / static_cast<double>(values.size());
  ValueScore score =
      ScoreRatio(r, "values: " + Percent(r) + " are codes, names or synonyms in " + c.check_name);
  if (score.strong && all_digits) {
    score.score.value = kWeakCodeValues;
    score.score.evidence += " (bare digit codes)";
    score.strong = false;
  }
  return score;
}

struct Scored {
  double confidence = 0;
  bool value_only_strong = false;
  std::string evidence;
};

Scored Combine(const Score& name, const ValueScore& values) {
  std::string evidence = name.evidence;
  if (!values.score.evidence.empty()) {
    evidence += (evidence.empty() ? "" : "; ") + values.score.evidence;
  }
  if (values.contradicts) return {kContradictionFactor * name.value, false, std::move(evidence)};
  double confidence = 1 - (1 - name.value) * (1 - values.score.value);
  return {confidence, name.value == 0 && values.strong, std::move(evidence)};
}

// The trimmed, full-width folded, non-empty sample values.
std::vector<std::string> CleanSample(const ColumnEvidence& column) {
  std::vector<std::string> values;
  for (const std::string& raw : column.sample_values) {
    std::string half = ToHalfWidth(Trim(raw));
    std::string_view v = Trim(half);
    if (!v.empty()) values.emplace_back(v);
  }
  return values;
}

std::vector<Scored> ScoreColumn(const ColumnEvidence& column,
                                const std::vector<Candidate>& candidates) {
  std::vector<std::string> values = CleanSample(column);
  std::vector<Scored> scored;
  for (const Candidate& c : candidates) {
    scored.push_back(Combine(NameScore(c, column.name), ValuesScore(c, column, values)));
  }
  auto value_only = std::count_if(scored.begin(), scored.end(),
                                  [](const Scored& s) { return s.value_only_strong; });
  if (value_only > 1) {
    for (Scored& s : scored) {
      if (s.value_only_strong) s.confidence *= kValueOnlyTieFactor;
    }
  }
  return scored;
}

}  // namespace

std::vector<MappingSuggestion> SuggestMappings(const std::vector<ColumnEvidence>& columns,
                                               std::span<const DataElement> elements,
                                               std::span<const CodeTable> tables) {
  std::vector<Candidate> candidates;
  for (const DataElement& element : elements) candidates.push_back(Prepare(element, tables));
  std::vector<MappingSuggestion> suggestions;
  for (const ColumnEvidence& column : columns) {
    std::vector<Scored> scored = ScoreColumn(column, candidates);
    size_t best = 0;
    for (size_t i = 1; i < scored.size(); ++i) {
      if (scored[i].confidence > scored[best].confidence) best = i;
    }
    if (scored.empty() || scored[best].confidence < kMinMappingConfidence) continue;
    suggestions.push_back({column.name, candidates[best].element->id, scored[best].confidence,
                           std::move(scored[best].evidence)});
  }
  return suggestions;
}

}  // namespace citydata::standards
