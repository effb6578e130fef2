#include "formats/json_object_builder.h"

#include <exception>

namespace citydata::formats {
namespace {

void AppendJsonString(std::string_view text, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += "\\u00";
          out += kHex[(c >> 4) & 0xF];
          out += kHex[c & 0xF];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

// nlohmann's messages start with "[json.exception.parse_error.101] ".
std::string_view WithoutExceptionId(std::string_view message) {
  size_t end = message.find("] ");
  return message.starts_with("[json.exception") && end != std::string_view::npos
             ? message.substr(end + 2)
             : message;
}

}  // namespace

JsonColumns::JsonColumns(std::vector<std::string> fixed)
    : discover_(fixed.empty()), names_(std::move(fixed)) {
  for (size_t i = 0; i < names_.size(); ++i) index_.emplace(names_[i], i);
}

size_t JsonColumns::Find(const std::string& key) {
  auto it = index_.find(key);
  if (it != index_.end()) return it->second;
  if (!discover_) return kIgnored;
  names_.push_back(key);
  index_.emplace(key, names_.size() - 1);
  return names_.size() - 1;
}

void JsonColumns::Truncate(size_t count) {
  while (names_.size() > count) {
    index_.erase(names_.back());
    names_.pop_back();
  }
}

std::optional<std::string> JsonObjectBuilder::Parse(
    std::string_view element, std::vector<std::optional<std::string_view>>& fields) {
  Reset();
  size_t known_columns = columns_.names().size();
  bool ok = false;
  try {
    ok = Json::sax_parse(element.begin(), element.end(), this);
  } catch (const std::exception& e) {
    error_ = std::string("malformed JSON: ") + std::string(WithoutExceptionId(e.what()));
  }
  if (!ok || depth_ != 0) {
    columns_.Truncate(known_columns);
    return error_.empty() ? "malformed JSON element" : error_;
  }
  fields.assign(columns_.names().size(), std::nullopt);
  for (size_t i = 0; i < slots_.size() && i < fields.size(); ++i) {
    if (slots_[i].length < kNull)
      fields[i] = std::string_view(arena_).substr(slots_[i].offset, slots_[i].length);
  }
  return std::nullopt;
}

void JsonObjectBuilder::Reset() {
  depth_ = 0;
  current_ = JsonColumns::kIgnored;
  slots_.assign(columns_.names().size(), Slot{});
  arena_.clear();
  error_.clear();
}

bool JsonObjectBuilder::Scalar(std::string_view text, bool quoted) {
  if (depth_ == 0) {
    error_ =
        "the element is a JSON " + std::string(quoted ? "string" : "scalar") + ", not an object";
    return false;
  }
  if (depth_ == 1) {
    Store(text);
    return true;
  }
  BeginNestedValue();
  if (quoted) {
    AppendJsonString(text, nested_);
  } else {
    nested_ += text;
  }
  return true;
}

bool JsonObjectBuilder::Null() {
  if (depth_ != 1) return Scalar("null", false);
  if (current_ < slots_.size()) slots_[current_].length = kNull;
  return true;
}

void JsonObjectBuilder::Store(std::string_view text) {
  if (current_ == JsonColumns::kIgnored) return;
  if (current_ >= slots_.size()) slots_.resize(current_ + 1);
  slots_[current_] = Slot{arena_.size(), text.size()};
  arena_ += text;
}

void JsonObjectBuilder::BeginNestedValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.back()) nested_ += ',';
  first_.back() = false;
}

bool JsonObjectBuilder::StartContainer(char open, std::string_view kind) {
  if (depth_ == 0) {
    if (open == '{') {
      depth_ = 1;
      return true;
    }
    error_ = "the element is a JSON " + std::string(kind) + ", not an object";
    return false;
  }
  if (depth_ == 1) {
    nested_.clear();
    first_.clear();
    after_key_ = false;
  } else {
    BeginNestedValue();
  }
  nested_ += open;
  first_.push_back(true);
  ++depth_;
  return true;
}

bool JsonObjectBuilder::EndContainer(char close) {
  --depth_;
  if (depth_ == 0) return true;
  nested_ += close;
  first_.pop_back();
  if (depth_ == 1) Store(nested_);
  return true;
}

bool JsonObjectBuilder::null() { return Null(); }

bool JsonObjectBuilder::boolean(bool value) { return Scalar(value ? "true" : "false", false); }

bool JsonObjectBuilder::number_integer(Json::number_integer_t value) {
  return Scalar(std::to_string(value), false);
}

bool JsonObjectBuilder::number_unsigned(Json::number_unsigned_t value) {
  return Scalar(std::to_string(value), false);
}

bool JsonObjectBuilder::number_float(Json::number_float_t /*value*/, const Json::string_t& text) {
  return Scalar(text, false);
}

bool JsonObjectBuilder::string(Json::string_t& value) { return Scalar(value, true); }

bool JsonObjectBuilder::binary(Json::binary_t& /*value*/) {
  error_ = "binary values are not supported";
  return false;
}

bool JsonObjectBuilder::start_object(size_t /*elements*/) { return StartContainer('{', "object"); }

bool JsonObjectBuilder::key(Json::string_t& name) {
  if (depth_ == 1) {
    current_ = columns_.Find(name);
    return true;
  }
  if (!first_.back()) nested_ += ',';
  first_.back() = false;
  AppendJsonString(name, nested_);
  nested_ += ':';
  after_key_ = true;
  return true;
}

bool JsonObjectBuilder::end_object() { return EndContainer('}'); }

bool JsonObjectBuilder::start_array(size_t /*elements*/) { return StartContainer('[', "array"); }

bool JsonObjectBuilder::end_array() { return EndContainer(']'); }

bool JsonObjectBuilder::parse_error(size_t /*position*/, const std::string& /*last_token*/,
                                    const nlohmann::detail::exception& error) {
  error_ = "malformed JSON: " + std::string(WithoutExceptionId(error.what()));
  return false;
}

}  // namespace citydata::formats
