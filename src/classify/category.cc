#include "classify/category.h"

#include <string>

namespace citydata::classify {
namespace {

constexpr std::array<std::string_view, kCategoryCount> kNames = {
    "id_card", "uscc",     "bank_card",       "mobile",     "landline",    "email",
    "plate",   "passport", "hk_macau_permit", "ip",         "ethnicity",   "religion",
    "health",  "name",     "address",         "birth_date", "coordinates", "none",
};

constexpr std::array<Category, kCategoryCount> kAll = [] {
  std::array<Category, kCategoryCount> all{};
  for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<Category>(i);
  return all;
}();

}  // namespace

const std::array<Category, kCategoryCount>& AllCategories() { return kAll; }

std::string_view CategoryName(Category category) { return kNames[CategoryIndex(category)]; }

Result<Category> ParseCategory(std::string_view id) {
  for (Category category : kAll) {
    if (CategoryName(category) == id) return category;
  }
  std::string known;
  for (std::string_view name : kNames) known += (known.empty() ? "" : ", ") + std::string(name);
  return InvalidArgument("unknown category '" + std::string(id) + "'; known categories: " + known);
}

}  // namespace citydata::classify
