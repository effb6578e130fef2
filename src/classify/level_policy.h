// Grading (分级) per GB/T 43697-2024: a LevelPolicy maps every category to a data
// level (core/sensitivity.h); it is data, not code: versioned, stored and edited as JSON, because
// the mapping changes with sector rules and standards (GB/T 45574-2025 from
// 2025-11-01).
//
// Everything here is a plain value: immutable after construction and thread-safe.
#pragma once

#include <array>
#include <nlohmann/json_fwd.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "classify/category.h"
#include "classify/scoring.h"
#include "core/sensitivity.h"
#include "core/status.h"

namespace citydata::classify {

struct PolicyEntry {
  Category category;
  Level level;
};

class LevelPolicy {
 public:
  // InvalidArgument when `version` is empty, a category appears twice, or a category
  // has no entry (a policy must grade everything the classifier can report; the
  // message names the missing ones).
  static Result<LevelPolicy> Create(std::string version, std::span<const PolicyEntry> entries);

  // The built-in policy, version kDefaultPolicyVersion; see level_policy.cc for the
  // reasons behind each level.
  static const LevelPolicy& Default();

  // JSON: {"version": "...", "levels": {"id_card": "general-4", ...}}.
  // InvalidArgument, naming the offending field, for another shape, unknown
  // categories or levels, and everything Create rejects.
  static Result<LevelPolicy> FromJson(const nlohmann::json& json);
  // As FromJson, from JSON text; InvalidArgument for malformed JSON too.
  static Result<LevelPolicy> Parse(std::string_view json_text);
  nlohmann::json ToJson() const;

  const std::string& version() const { return version_; }
  Level LevelOf(Category category) const { return levels_[CategoryIndex(category)]; }
  // Every category with its level, in Category order.
  std::vector<PolicyEntry> Entries() const;

 private:
  LevelPolicy(std::string version, const std::array<Level, kCategoryCount>& levels)
      : version_(std::move(version)), levels_(levels) {}

  std::string version_;
  std::array<Level, kCategoryCount> levels_;
};

inline constexpr std::string_view kDefaultPolicyVersion = "GB/T 43697-2024 default 1";

// The level of a classified column: the level of its category, raised to the
// highest level among its embedded categories (a free-text column is as sensitive
// as what it contains). InvalidArgument when a category id is unknown (possible
// only for classifications edited by hand).
Result<Level> ColumnLevel(const LevelPolicy& policy, const ColumnClassification& column);

// A dataset's grade: the highest level of its columns; general-1 when it has none.
Level DatasetGrade(std::span<const Level> column_levels);

}  // namespace citydata::classify
