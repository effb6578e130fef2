#include "quality/text_set.h"

namespace citydata::quality {

void FlatTextSet::Insert(std::string_view value) {
  if (contains(value)) return;
  values_.emplace_back(value);
  if (values_.size() * 2 > table_.size()) {
    Rehash(std::max<size_t>(16, table_.size() * 2));
    return;
  }
  Place(static_cast<uint32_t>(values_.size()));
}

void FlatTextSet::Place(uint32_t index) {
  const std::string& v = values_[index - 1];
  const uint64_t head = TextHead(v);
  size_t i = HashText(v, head) & mask_;
  while (table_[i].index != 0) i = (i + 1) & mask_;
  table_[i] = {index, static_cast<uint32_t>(v.size()), head};
}

void FlatTextSet::Rehash(size_t capacity) {
  table_.assign(capacity, Slot{});
  mask_ = capacity - 1;
  for (size_t v = 0; v < values_.size(); ++v) Place(static_cast<uint32_t>(v + 1));
}

}  // namespace citydata::quality
