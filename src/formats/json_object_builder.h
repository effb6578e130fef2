// Turns one JSON element into positional record fields, as a nlohmann::json SAX
// handler: top-level scalars keep their source text (numbers exactly as written,
// booleans as true/false), nested arrays and objects become compact JSON text.
//
// Thread safety: one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace citydata::formats {

// The columns of a JSON file: fixed (given by the caller) or discovered from keys in
// order of first appearance.
class JsonColumns {
 public:
  static constexpr size_t kIgnored = SIZE_MAX;

  // `fixed` empty means discovery.
  explicit JsonColumns(std::vector<std::string> fixed);

  const std::vector<std::string>& names() const { return names_; }
  // The position of `key`, adding it when discovering; kIgnored for a key outside a
  // fixed list.
  size_t Find(const std::string& key);
  // Forgets columns added after the first `count` (those of a rejected element).
  void Truncate(size_t count);

 private:
  bool discover_;
  std::vector<std::string> names_;
  std::unordered_map<std::string, size_t> index_;
};

class JsonObjectBuilder {
 public:
  using Json = nlohmann::json;

  explicit JsonObjectBuilder(JsonColumns& columns) : columns_(columns) {}

  // Parses `element` (valid UTF-8). On success fills `fields` with views into this
  // builder, valid until the next Parse(); otherwise returns the reason.
  std::optional<std::string> Parse(std::string_view element,
                                   std::vector<std::optional<std::string_view>>& fields);

  // SAX events (nlohmann::json_sax). Returning false stops the parse.
  bool null();
  bool boolean(bool value);
  bool number_integer(Json::number_integer_t value);
  bool number_unsigned(Json::number_unsigned_t value);
  bool number_float(Json::number_float_t value, const Json::string_t& text);
  bool string(Json::string_t& value);
  bool binary(Json::binary_t& value);
  bool start_object(size_t elements);
  bool key(Json::string_t& name);
  bool end_object();
  bool start_array(size_t elements);
  bool end_array();
  bool parse_error(size_t position, const std::string& last_token,
                   const nlohmann::detail::exception& error);

 private:
  // Where a column's value lies in arena_; `length` kNull for JSON null.
  struct Slot {
    size_t offset = 0;
    size_t length = kUnset;
  };
  static constexpr size_t kUnset = SIZE_MAX;
  static constexpr size_t kNull = SIZE_MAX - 1;

  void Reset();
  bool Scalar(std::string_view text, bool quoted);
  bool Null();
  bool StartContainer(char open, std::string_view kind);
  bool EndContainer(char close);
  // Writes the separator a value needs inside nested_.
  void BeginNestedValue();
  void Store(std::string_view text);

  JsonColumns& columns_;
  size_t depth_ = 0;  // open containers, the element's own object included
  size_t current_ = JsonColumns::kIgnored;
  std::vector<Slot> slots_;
  std::string arena_;
  std::string nested_;       // the nested value being written as compact JSON
  std::vector<bool> first_;  // per open nested container: nothing written in it yet
  bool after_key_ = false;
  std::string error_;
};

}  // namespace citydata::formats
