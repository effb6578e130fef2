#include "standards/csv_text.h"

namespace citydata::standards::csv_text {
namespace {

// Reads one field starting at `pos`, which is advanced past it (to the separator,
// line break or end). `line` counts line breaks inside quoted fields.
Result<std::string> ReadField(std::string_view text, size_t& pos, int& line) {
  std::string field;
  if (pos >= text.size() || text[pos] != '"') {
    size_t end = text.find_first_of(",\r\n", pos);
    if (end == std::string_view::npos) end = text.size();
    field.assign(text.substr(pos, end - pos));
    pos = end;
    return field;
  }
  int start_line = line;
  for (++pos; pos < text.size(); ++pos) {
    char c = text[pos];
    if (c == '"') {
      if (pos + 1 < text.size() && text[pos + 1] == '"') {
        field += '"';
        ++pos;
        continue;
      }
      ++pos;
      if (pos < text.size() && text[pos] != ',' && text[pos] != '\r' && text[pos] != '\n') {
        return InvalidArgument("CSV line " + std::to_string(line) +
                               ": text after a closing quote; quote the whole field");
      }
      return field;
    }
    if (c == '\n') ++line;
    field += c;
  }
  return InvalidArgument("CSV line " + std::to_string(start_line) +
                         ": a quoted field is never closed");
}

bool IsBlank(const std::vector<std::string>& record) {
  return record.size() == 1 && record[0].empty();
}

}  // namespace

Result<std::vector<std::vector<std::string>>> Parse(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  size_t pos = 0;
  int line = 1;
  while (pos < text.size()) {
    ASSIGN_OR_RETURN(std::string field, ReadField(text, pos, line));
    record.push_back(std::move(field));
    if (pos < text.size() && text[pos] == ',') {
      ++pos;
      if (pos == text.size()) record.emplace_back();
      continue;
    }
    if (pos < text.size() && text[pos] == '\r') ++pos;
    if (pos < text.size() && text[pos] == '\n') ++pos;
    ++line;
    if (!IsBlank(record)) records.push_back(std::move(record));
    record.clear();
  }
  if (!record.empty() && !IsBlank(record)) records.push_back(std::move(record));
  return records;
}

void AppendField(std::string_view field, std::string& out) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += field;
    return;
  }
  out += '"';
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

void AppendRecord(const std::vector<std::string>& fields, std::string& out) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    AppendField(fields[i], out);
  }
  out += '\n';
}

std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> items;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('|', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view item = text.substr(start, end - start);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (!item.empty()) items.emplace_back(item);
    start = end + 1;
  }
  return items;
}

std::string JoinList(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += '|';
    out += items[i];
  }
  return out;
}

}  // namespace citydata::standards::csv_text
