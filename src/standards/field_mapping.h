// Field mapping (数据映射): suggests, for each column of a dataset, the data element it
// most likely holds, from the column's name and a sample of its values. A data
// steward accepts or corrects the suggestions; nothing is applied automatically.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "standards/code_tables.h"
#include "standards/data_elements.h"

namespace citydata::standards {

struct ColumnEvidence {
  std::string name;                        // the column name as stored
  std::vector<std::string> sample_values;  // non-null values, e.g. up to 1000
  int64_t distinct_count = 0;              // of the whole column; 0 = unknown
};

struct MappingSuggestion {
  std::string column;
  std::string element_id;
  double confidence = 0;  // 0..1
  // Why, e.g. "name: sfzh is a synonym of 公民身份号码; values: 98% pass id_card".
  std::string evidence;
};

// Suggestions below this confidence are not returned.
inline constexpr double kMinMappingConfidence = 0.3;

// At most one suggestion per column, in column order: the element with the highest
// confidence (ties go to the element listed first). Columns whose best element
// scores below kMinMappingConfidence get no suggestion.
//
// Name evidence compares the column name with each element's id, name and synonyms,
// all normalized (trimmed, full-width folded, ASCII lower-cased, '_', '-' and spaces
// removed): equal → 0.9; one containing the other → 0.6 when the contained text is
// Chinese of two or more characters or ASCII of five or more (short pinyin initials
// such as "xm" must match exactly).
//
// Value evidence uses the element's value check: the validator its `format` names
// (value_formats.h), NormalizeDate for "date" elements, or a CodeMatcher for its
// code table (a table missing from `tables` gives no check). r is the share of the
// sample (trimmed, full-width folded, empty values skipped) that passes:
//   r ≥ 0.9 → 0.8 + 1.5 (r − 0.9), at most 0.95; 0.5 ≤ r < 0.9 → 0.4 r;
//   r < 0.5 → the values contradict the element.
// A code check only counts when the column has at most 4 distinct values per table
// entry, and matches that are all bare digit codes ("1", "2") are weak evidence
// (0.25) that needs a name to reach the threshold.
//
// Combined: 1 − (1 − name)(1 − values), or 0.4 × name when the values contradict,
// so values that clearly are ID numbers outweigh a column name saying "phone". When
// several elements fit the values alone (no name evidence), each such score is
// multiplied by 0.7: the values cannot tell them apart.
std::vector<MappingSuggestion> SuggestMappings(const std::vector<ColumnEvidence>& columns,
                                               std::span<const DataElement> elements,
                                               std::span<const CodeTable> tables);

}  // namespace citydata::standards
