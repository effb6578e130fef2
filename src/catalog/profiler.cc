#include "catalog/profiler.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <charconv>
#include <cmath>
#include <string>
#include <utility>

#include "catalog/sketch_distinct.h"
#include "catalog/sketch_frequent.h"
#include "catalog/sketch_hash.h"
#include "core/byte_codec.h"

namespace citydata::catalog {
namespace {

constexpr uint8_t kFormatVersion = 1;
constexpr size_t kTopLimit = 10;
constexpr size_t kLengthLimit = 20;
constexpr size_t kLongLength = 256;  // bucket of every length above 255
constexpr size_t kMaxPatternChars = 64;
constexpr std::string_view kEllipsis = "…";
constexpr std::string_view kHanSymbol = "汉";
// The largest count or sum a deserialized profile may hold, so that merging two
// cannot overflow.
constexpr int64_t kMaxTotal = int64_t{1} << 62;

// Room for the shortest round-trip form of any int64 or double.
using NumberBuffer = std::array<char, 32>;
// Each kept character is at most 4 bytes, plus the ellipsis.
using PatternBuffer = std::array<char, kMaxPatternChars * 4 + kEllipsis.size()>;

constexpr std::array<char, 128> kAsciiPattern = [] {
  std::array<char, 128> table{};
  for (size_t c = 0; c < table.size(); ++c) {
    bool digit = c >= '0' && c <= '9';
    bool upper = c >= 'A' && c <= 'Z';
    bool lower = c >= 'a' && c <= 'z';
    table[c] = digit ? 'D' : upper ? 'A' : lower ? 'a' : static_cast<char>(c);
  }
  return table;
}();

bool IsContinuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

bool IsCjkIdeograph(char32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x323AF);
}

// Length in bytes of the UTF-8 sequence that starts at text[i], with its code point
// in *cp. An invalid or truncated sequence is one byte long.
size_t DecodeUtf8(std::string_view text, size_t i, char32_t* cp) {
  auto lead = static_cast<unsigned char>(text[i]);
  size_t length = lead >= 0xF0 && lead <= 0xF4 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 ? 2 : 1;
  if (lead >= 0xF5 || length > text.size() - i) return 1;
  char32_t value = lead & (0x7F >> length);
  for (size_t k = 1; k < length; ++k) {
    if (!IsContinuation(text[i + k])) return 1;
    value = (value << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
  }
  *cp = value;
  return length;
}

// Length in characters of `text`: code points, each invalid UTF-8 byte counting one.
size_t CountChars(std::string_view text) {
  size_t chars = 0;
  char32_t cp = 0;
  for (size_t i = 0; i < text.size(); ++chars) {
    i += static_cast<unsigned char>(text[i]) < 0x80 ? 1 : DecodeUtf8(text, i, &cp);
  }
  return chars;
}

// Writes the pattern of `text` to `out`, sets *pattern_size and returns the length
// of `text` as CountChars() counts it. ASCII takes the first branch of the loop.
size_t Shape(std::string_view text, PatternBuffer& out, size_t* pattern_size) {
  size_t chars = 0;
  size_t used = 0;
  size_t i = 0;
  for (; i < text.size() && chars < kMaxPatternChars; ++chars) {
    auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      out[used++] = kAsciiPattern[byte];
      ++i;
      continue;
    }
    char32_t cp = 0;
    size_t length = DecodeUtf8(text, i, &cp);
    std::string_view symbol =
        length > 1 && IsCjkIdeograph(cp) ? kHanSymbol : text.substr(i, length);
    used += symbol.copy(out.data() + used, symbol.size());
    i += length;
  }
  if (i < text.size()) {
    used += kEllipsis.copy(out.data() + used, kEllipsis.size());
    chars += CountChars(text.substr(i));
  }
  *pattern_size = used;
  return chars;
}

std::string_view RenderNumber(std::to_chars_result result, const NumberBuffer& buffer) {
  return {buffer.data(), static_cast<size_t>(result.ptr - buffer.data())};
}

std::string_view RenderInt(int64_t v, NumberBuffer& buffer) {
  return RenderNumber(std::to_chars(buffer.data(), buffer.data() + buffer.size(), v), buffer);
}

std::string_view RenderDouble(double v, NumberBuffer& buffer) {
  return RenderNumber(std::to_chars(buffer.data(), buffer.data() + buffer.size(), v), buffer);
}

std::string_view RenderBool(bool v) { return v ? "true" : "false"; }

// The text form of a non-NULL value; may point into `buffer`.
std::string_view TextForm(const Value& value, NumberBuffer& buffer) {
  if (const auto* s = std::get_if<std::string>(&value)) return *s;
  if (const auto* i = std::get_if<int64_t>(&value)) return RenderInt(*i, buffer);
  if (const auto* d = std::get_if<double>(&value)) return RenderDouble(*d, buffer);
  return RenderBool(std::get<bool>(value));
}

std::vector<ValueCount> ToValueCounts(const std::vector<FrequentItems::Entry>& entries) {
  std::vector<ValueCount> out;
  out.reserve(entries.size());
  for (const auto& e : entries) out.push_back({std::string(e.item), e.count});
  return out;
}

// Min and max of one column in its type's order. Integer and decimal columns keep
// int64 and double extremes apart (so neither loses precision) and compare them
// when asked; boolean columns keep false/true as 0/1 in the integer slots.
struct Bounds {
  static constexpr uint8_t kHasInt = 1;
  static constexpr uint8_t kHasDouble = 2;
  static constexpr uint8_t kHasText = 4;

  uint8_t flags = 0;
  int64_t int_min = 0;
  int64_t int_max = 0;
  double double_min = 0;
  double double_max = 0;
  std::string text_min;
  std::string text_max;

  void AddInt(int64_t v) {
    if (!(flags & kHasInt)) int_min = int_max = v;
    int_min = std::min(int_min, v);
    int_max = std::max(int_max, v);
    flags |= kHasInt;
  }

  void AddDouble(double v) {
    if (std::isnan(v)) return;
    if (!(flags & kHasDouble)) double_min = double_max = v;
    double_min = std::min(double_min, v);
    double_max = std::max(double_max, v);
    flags |= kHasDouble;
  }

  void AddText(std::string_view v) {
    if (!(flags & kHasText)) {
      text_min = text_max = v;
    } else if (v < text_min) {
      text_min = v;
    } else if (v > text_max) {
      text_max = v;
    }
    flags |= kHasText;
  }

  void Add(ColumnType type, const Value& value, std::string_view text) {
    switch (type) {
      case ColumnType::kInteger:
      case ColumnType::kDecimal:
        if (const auto* i = std::get_if<int64_t>(&value)) AddInt(*i);
        if (const auto* d = std::get_if<double>(&value)) AddDouble(*d);
        return;
      case ColumnType::kBoolean:
        if (const auto* b = std::get_if<bool>(&value)) AddInt(*b ? 1 : 0);
        return;
      case ColumnType::kDate:
      case ColumnType::kTimestamp:
      case ColumnType::kText:
        AddText(text);
        return;
    }
  }

  void Merge(const Bounds& other) {
    if (other.flags & kHasInt) {
      AddInt(other.int_min);
      AddInt(other.int_max);
    }
    if (other.flags & kHasDouble) {
      AddDouble(other.double_min);
      AddDouble(other.double_max);
    }
    if (other.flags & kHasText) {
      AddText(other.text_min);
      AddText(other.text_max);
    }
  }

  // The rendered extreme: the minimum when `want_min`, else the maximum.
  std::optional<std::string> Render(ColumnType type, bool want_min) const {
    NumberBuffer buffer;
    if (flags & kHasText) return want_min ? text_min : text_max;
    int64_t i = want_min ? int_min : int_max;
    if (type == ColumnType::kBoolean && (flags & kHasInt)) return std::string(RenderBool(i != 0));
    double d = want_min ? double_min : double_max;
    bool use_int = (flags & kHasInt) != 0;
    if ((flags & kHasInt) && (flags & kHasDouble)) {
      // long double holds every int64 exactly on the platforms citydata targets.
      auto wide = static_cast<long double>(i);
      use_int = want_min ? wide <= d : wide >= d;
    }
    if (use_int) return std::string(RenderInt(i, buffer));
    if (flags & kHasDouble) return std::string(RenderDouble(d, buffer));
    return std::nullopt;
  }

  void EncodeTo(ByteEncoder& out) const {
    out.PutByte(flags);
    if (flags & kHasInt) {
      out.PutSigned(int_min);
      out.PutSigned(int_max);
    }
    if (flags & kHasDouble) {
      out.PutDouble(double_min);
      out.PutDouble(double_max);
    }
    if (flags & kHasText) {
      out.PutBytes(text_min);
      out.PutBytes(text_max);
    }
  }

  bool DecodeFrom(ByteDecoder& in) {
    std::string_view min;
    std::string_view max;
    if (!in.GetByte(&flags) || flags > 7) return in.Fail();
    if ((flags & kHasInt) &&
        !(in.GetSigned(&int_min) && in.GetSigned(&int_max) && int_min <= int_max)) {
      return in.Fail();
    }
    if ((flags & kHasDouble) &&
        !(in.GetDouble(&double_min) && in.GetDouble(&double_max) && double_min <= double_max)) {
      return in.Fail();
    }
    if ((flags & kHasText) && !(in.GetBytes(&min) && in.GetBytes(&max) && min <= max)) {
      return in.Fail();
    }
    text_min = min;
    text_max = max;
    return true;
  }
};

}  // namespace

struct ColumnProfiler::State {
  std::string name;
  ColumnType type;
  int64_t row_count = 0;
  int64_t null_count = 0;
  int64_t empty_count = 0;
  int64_t length_sum = 0;
  int64_t min_length = 0;  // meaningful when non_null() > 0
  int64_t max_length = 0;
  std::array<int64_t, kLongLength + 1> length_counts{};
  Bounds bounds;
  DistinctCounter distinct;
  FrequentItems values;
  FrequentItems patterns;

  int64_t non_null() const { return row_count - null_count; }

  // REQUIRES: non_null() already counts the value of this length.
  void AddLength(int64_t length) {
    length_sum += length;
    ++length_counts[std::min(static_cast<size_t>(length), kLongLength)];
    if (non_null() == 1) min_length = max_length = length;
    min_length = std::min(min_length, length);
    max_length = std::max(max_length, length);
  }

  void MergeLengthRange(const State& other) {
    if (other.non_null() == 0) return;
    bool empty = non_null() == 0;
    min_length = empty ? other.min_length : std::min(min_length, other.min_length);
    max_length = empty ? other.max_length : std::max(max_length, other.max_length);
  }

  void Merge(const State& other) {
    MergeLengthRange(other);
    row_count += other.row_count;
    null_count += other.null_count;
    empty_count += other.empty_count;
    length_sum += other.length_sum;
    for (size_t i = 0; i < length_counts.size(); ++i) length_counts[i] += other.length_counts[i];
    bounds.Merge(other.bounds);
    distinct.Merge(other.distinct);
    values.Merge(other.values);
    patterns.Merge(other.patterns);
  }

  std::vector<ValueCount> LengthHistogram() const {
    std::vector<std::pair<int64_t, size_t>> buckets;  // (count, length)
    for (size_t i = 0; i < length_counts.size(); ++i) {
      if (length_counts[i] > 0) buckets.emplace_back(length_counts[i], i);
    }
    std::sort(buckets.begin(), buckets.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    if (buckets.size() > kLengthLimit) buckets.resize(kLengthLimit);
    std::vector<ValueCount> out;
    for (const auto& [count, length] : buckets) {
      out.push_back({length == kLongLength ? ">255" : std::to_string(length), count});
    }
    return out;
  }

  void EncodeTo(ByteEncoder& out) const {
    out.PutByte(kFormatVersion);
    out.PutBytes(name);
    out.PutByte(static_cast<uint8_t>(type));
    for (int64_t v : {row_count, null_count, empty_count, length_sum, min_length, max_length}) {
      out.PutVarint(static_cast<uint64_t>(v));
    }
    for (int64_t c : length_counts) out.PutVarint(static_cast<uint64_t>(c));
    bounds.EncodeTo(out);
    distinct.EncodeTo(out);
    values.EncodeTo(out);
    patterns.EncodeTo(out);
  }

  // Reads everything after the version byte and the name. Checks that the counts
  // agree with each other, so a decoded state keeps every invariant Add() keeps.
  bool DecodeFrom(ByteDecoder& in) {
    bool counts_ok = in.GetCount(&row_count) && in.GetCount(&null_count) &&
                     in.GetCount(&empty_count) && in.GetCount(&length_sum) &&
                     in.GetCount(&min_length) && in.GetCount(&max_length);
    if (!counts_ok || row_count > kMaxTotal || length_sum > kMaxTotal || null_count > row_count ||
        empty_count > non_null() || min_length > max_length) {
      return in.Fail();
    }
    int64_t lengths_total = 0;
    for (int64_t& c : length_counts) {
      if (!in.GetCount(&c) || c > non_null() - lengths_total) return in.Fail();
      lengths_total += c;
    }
    if (lengths_total != non_null()) return in.Fail();
    return bounds.DecodeFrom(in) && distinct.DecodeFrom(in) && values.DecodeFrom(in, non_null()) &&
           patterns.DecodeFrom(in, non_null()) && in.done();
  }
};

ColumnProfiler::ColumnProfiler(std::string name, ColumnType type)
    : state_(std::make_unique<State>()) {
  state_->name = std::move(name);
  state_->type = type;
}

ColumnProfiler::ColumnProfiler(std::unique_ptr<State> state) : state_(std::move(state)) {}
ColumnProfiler::~ColumnProfiler() = default;
ColumnProfiler::ColumnProfiler(ColumnProfiler&&) noexcept = default;
ColumnProfiler& ColumnProfiler::operator=(ColumnProfiler&&) noexcept = default;

void ColumnProfiler::Add(const Value& value) {
  State& s = *state_;
  ++s.row_count;
  if (IsNull(value)) {
    ++s.null_count;
    return;
  }
  NumberBuffer number;
  std::string_view text = TextForm(value, number);
  if (text.empty()) ++s.empty_count;
  s.bounds.Add(s.type, value, text);
  uint64_t hash = Hash64(text);
  s.distinct.Add(hash);
  s.values.Add(text, hash);

  PatternBuffer pattern_buffer;
  size_t pattern_size = 0;
  s.AddLength(static_cast<int64_t>(Shape(text, pattern_buffer, &pattern_size)));
  std::string_view pattern(pattern_buffer.data(), pattern_size);
  s.patterns.Add(pattern, Hash64(pattern));
}

void ColumnProfiler::Merge(const ColumnProfiler& other) {
  assert(state_->type == other.state_->type && "merging profiles of different column types");
  if (&other == this) {
    State copy = *state_;
    state_->Merge(copy);
    return;
  }
  state_->Merge(*other.state_);
}

ColumnProfile ColumnProfiler::Finish() const {
  const State& s = *state_;
  ColumnProfile p;
  p.name = s.name;
  p.type = s.type;
  p.row_count = s.row_count;
  p.null_count = s.null_count;
  p.empty_count = s.empty_count;
  p.distinct_count = std::min(s.distinct.Estimate(), s.non_null());
  p.min = s.bounds.Render(s.type, /*want_min=*/true);
  p.max = s.bounds.Render(s.type, /*want_min=*/false);
  p.top_values = ToValueCounts(s.values.Top(kTopLimit));
  if (s.non_null() > 0) {
    p.min_length = s.min_length;
    p.max_length = s.max_length;
    p.mean_length = static_cast<double>(s.length_sum) / static_cast<double>(s.non_null());
  }
  p.length_histogram = s.LengthHistogram();
  p.patterns = ToValueCounts(s.patterns.Top(kTopLimit));
  return p;
}

std::string ColumnProfiler::Serialize() const {
  std::string out;
  ByteEncoder encoder(&out);
  state_->EncodeTo(encoder);
  return out;
}

std::optional<ColumnProfiler> ColumnProfiler::Deserialize(std::string_view data) {
  ByteDecoder in(data);
  uint8_t version = 0;
  std::string_view name;
  uint8_t type = 0;
  if (!in.GetByte(&version) || version != kFormatVersion || !in.GetBytes(&name) ||
      !in.GetByte(&type) || type > static_cast<uint8_t>(ColumnType::kText)) {
    return std::nullopt;
  }
  auto state = std::make_unique<State>();
  state->name = name;
  state->type = static_cast<ColumnType>(type);
  if (!state->DecodeFrom(in)) return std::nullopt;
  return ColumnProfiler(std::move(state));
}

namespace {

nlohmann::json ValueCountsToJson(const std::vector<ValueCount>& counts) {
  auto out = nlohmann::json::array();
  for (const auto& c : counts) out.push_back({{"value", c.value}, {"count", c.count}});
  return out;
}

nlohmann::json OptionalToJson(const std::optional<std::string>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

// The member `key` of `j` when it exists and has the JSON type `want` accepts.
template <typename Predicate>
const nlohmann::json* Member(const nlohmann::json& j, const char* key, Predicate want) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  return it != j.end() && want(*it) ? &*it : nullptr;
}

void ReadString(const nlohmann::json& j, const char* key, std::string* out) {
  if (auto* m = Member(j, key, [](const auto& v) { return v.is_string(); })) {
    *out = m->get<std::string>();
  }
}

void ReadInt(const nlohmann::json& j, const char* key, int64_t* out) {
  if (auto* m = Member(j, key, [](const auto& v) { return v.is_number_integer(); })) {
    *out = m->get<int64_t>();
  }
}

void ReadDouble(const nlohmann::json& j, const char* key, double* out) {
  if (auto* m = Member(j, key, [](const auto& v) { return v.is_number(); })) {
    *out = m->get<double>();
  }
}

void ReadOptional(const nlohmann::json& j, const char* key, std::optional<std::string>* out) {
  if (auto* m = Member(j, key, [](const auto& v) { return v.is_string(); })) {
    *out = m->get<std::string>();
  }
}

// Entries that are not {"value": string, "count": integer} objects are skipped.
void ReadValueCounts(const nlohmann::json& j, const char* key, std::vector<ValueCount>* out) {
  const auto* m = Member(j, key, [](const auto& v) { return v.is_array(); });
  if (m == nullptr) return;
  for (const auto& e : *m) {
    ValueCount c;
    bool has_value = Member(e, "value", [](const auto& v) { return v.is_string(); }) != nullptr;
    ReadString(e, "value", &c.value);
    ReadInt(e, "count", &c.count);
    if (has_value) out->push_back(std::move(c));
  }
}

}  // namespace

nlohmann::json ToJson(const ColumnProfile& p) {
  return {
      {"name", p.name},
      {"type", std::string(ColumnTypeName(p.type))},
      {"row_count", p.row_count},
      {"null_count", p.null_count},
      {"empty_count", p.empty_count},
      {"distinct_count", p.distinct_count},
      {"min", OptionalToJson(p.min)},
      {"max", OptionalToJson(p.max)},
      {"top_values", ValueCountsToJson(p.top_values)},
      {"min_length", p.min_length},
      {"max_length", p.max_length},
      {"mean_length", p.mean_length},
      {"length_histogram", ValueCountsToJson(p.length_histogram)},
      {"patterns", ValueCountsToJson(p.patterns)},
  };
}

ColumnProfile ColumnProfileFromJson(const nlohmann::json& j) {
  ColumnProfile p;
  ReadString(j, "name", &p.name);
  std::string type_name;
  ReadString(j, "type", &type_name);
  if (auto type = ParseColumnType(type_name); type.ok()) p.type = *type;
  ReadInt(j, "row_count", &p.row_count);
  ReadInt(j, "null_count", &p.null_count);
  ReadInt(j, "empty_count", &p.empty_count);
  ReadInt(j, "distinct_count", &p.distinct_count);
  ReadOptional(j, "min", &p.min);
  ReadOptional(j, "max", &p.max);
  ReadValueCounts(j, "top_values", &p.top_values);
  ReadInt(j, "min_length", &p.min_length);
  ReadInt(j, "max_length", &p.max_length);
  ReadDouble(j, "mean_length", &p.mean_length);
  ReadValueCounts(j, "length_histogram", &p.length_histogram);
  ReadValueCounts(j, "patterns", &p.patterns);
  return p;
}

}  // namespace citydata::catalog
