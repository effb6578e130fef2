// Sensitive-data categories (PRODUCT.md C8): what a column holds, as far as the
// classifier can tell. Each has a stable lower-case id used in JSON, policies and the
// API ("id_card", "mobile", ...). kNone is "nothing sensitive found".
#pragma once

#include <array>
#include <bitset>
#include <string_view>

#include "core/status.h"

namespace citydata::classify {

// The order is the tie-break order of the classifier: when two categories score the
// same for a column, the one listed first wins (the more specific validator first).
enum class Category {
  kIdCard,
  kUscc,
  kBankCard,
  kMobile,
  kLandline,
  kEmail,
  kPlate,
  kPassport,
  kHkMacauPermit,
  kIp,
  kEthnicity,
  kReligion,
  kHealth,
  kName,
  kAddress,
  kBirthDate,
  kCoordinates,
  kNone,
};

inline constexpr size_t kCategoryCount = static_cast<size_t>(Category::kNone) + 1;

// A set of categories, indexed by CategoryIndex.
using CategorySet = std::bitset<kCategoryCount>;

constexpr size_t CategoryIndex(Category category) { return static_cast<size_t>(category); }

// Every category in enum order, kNone last.
const std::array<Category, kCategoryCount>& AllCategories();

// The stable id, e.g. "id_card", "hk_macau_permit", "none".
std::string_view CategoryName(Category category);

// The inverse of CategoryName. InvalidArgument listing the known ids otherwise.
Result<Category> ParseCategory(std::string_view id);

}  // namespace citydata::classify
