#include "quality/text_set.h"

namespace citydata::quality {

void FlatTextSet::Insert(std::string_view value) {
  if (contains(value)) return;
  values_.emplace_back(value);
  if (values_.size() * 2 > table_.size()) {
    Rehash(std::max<size_t>(16, table_.size() * 2));
    return;
  }
  size_t i = Hash(value) & mask_;
  while (table_[i] != 0) i = (i + 1) & mask_;
  table_[i] = static_cast<uint32_t>(values_.size());
}

void FlatTextSet::Rehash(size_t capacity) {
  table_.assign(capacity, 0);
  mask_ = capacity - 1;
  for (size_t v = 0; v < values_.size(); ++v) {
    size_t i = Hash(values_[v]) & mask_;
    while (table_[i] != 0) i = (i + 1) & mask_;
    table_[i] = static_cast<uint32_t>(v + 1);
  }
}

}  // namespace citydata::quality
