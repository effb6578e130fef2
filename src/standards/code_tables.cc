#include "standards/code_tables.h"

#include <limits>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "standards/csv_text.h"

namespace citydata::standards {
namespace {

constexpr size_t kAmbiguous = std::numeric_limits<size_t>::max();
constexpr std::string_view kZuSuffix = "族";

std::string FoldAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// The width shared by all codes when they are all digit strings, else 0.
size_t CommonDigitWidth(const CodeTable& table) {
  if (table.entries.empty()) return 0;
  size_t width = table.entries.front().code.size();
  for (const CodeEntry& entry : table.entries) {
    if (entry.code.size() != width || !AllDigits(entry.code)) return 0;
  }
  return width;
}

std::string RecordPrefix(size_t record) { return "record " + std::to_string(record) + ": "; }

bool IsHeader(const std::vector<std::string>& record) {
  return record.size() >= 2 && FoldAscii(record[0]) == "code" && FoldAscii(record[1]) == "name";
}

Result<std::vector<std::string>> StringList(const nlohmann::json& json, std::string_view what) {
  if (!json.is_array()) return InvalidArgument(std::string(what) + " must be an array of strings");
  std::vector<std::string> out;
  for (const nlohmann::json& item : json) {
    if (!item.is_string()) {
      return InvalidArgument(std::string(what) + " must be an array of strings");
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

Result<std::string> StringMember(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) {
    return InvalidArgument(std::string("\"") + key + "\" must be a string");
  }
  return it->get<std::string>();
}

Result<CodeEntry> EntryFromJson(const nlohmann::json& json) {
  if (!json.is_object()) return InvalidArgument("each entry must be an object");
  CodeEntry entry;
  ASSIGN_OR_RETURN(entry.code, StringMember(json, "code"));
  ASSIGN_OR_RETURN(entry.name, StringMember(json, "name"));
  if (auto it = json.find("synonyms"); it != json.end()) {
    ASSIGN_OR_RETURN(entry.synonyms, StringList(*it, "\"synonyms\""));
  }
  return entry;
}

}  // namespace

const CodeTable* FindCodeTable(std::span<const CodeTable> tables, std::string_view id) {
  for (const CodeTable& table : tables) {
    if (table.id == id) return &table;
  }
  return nullptr;
}

const CodeTable* FindBuiltinCodeTable(std::string_view id) {
  return FindCodeTable(BuiltinCodeTables(), id);
}

const CodeEntry* FindByCode(const CodeTable& table, std::string_view code) {
  for (const CodeEntry& entry : table.entries) {
    if (entry.code == code) return &entry;
  }
  return nullptr;
}

Status ValidateCodeTable(const CodeTable& table) {
  std::unordered_set<std::string_view> codes;
  for (size_t i = 0; i < table.entries.size(); ++i) {
    const CodeEntry& entry = table.entries[i];
    std::string where = "entry " + std::to_string(i + 1) + ": ";
    if (entry.code.empty()) return InvalidArgument(where + "the code is empty");
    if (entry.name.empty())
      return InvalidArgument(where + "the name of " + entry.code + " is empty");
    if (!codes.insert(entry.code).second) {
      return InvalidArgument(where + "code " + entry.code + " appears twice; codes must be unique");
    }
  }
  return Status::Ok();
}

CodeMatcher::CodeMatcher(const CodeTable& table)
    : table_id_(table.id), code_width_(CommonDigitWidth(table)) {
  for (const CodeEntry& entry : table.entries) {
    codes_.push_back(entry.code);
    size_t index = codes_.size() - 1;
    Add(entry.code, index);
    Add(entry.name, index);
    for (const std::string& synonym : entry.synonyms) Add(synonym, index);
  }
}

void CodeMatcher::Add(std::string_view key, size_t index) {
  if (key.empty()) return;
  auto [it, inserted] = keys_.emplace(FoldAscii(key), index);
  if (!inserted && it->second != kAmbiguous && codes_[it->second] != codes_[index]) {
    it->second = kAmbiguous;
  }
  if (key.size() > kZuSuffix.size() && key.ends_with(kZuSuffix)) {
    Add(key.substr(0, key.size() - kZuSuffix.size()), index);
  }
}

const std::string* CodeMatcher::Lookup(const std::string& key) const {
  auto it = keys_.find(key);
  if (it == keys_.end() || it->second == kAmbiguous) return nullptr;
  return &codes_[it->second];
}

const std::string* CodeMatcher::Match(std::string_view raw) const {
  if (raw.empty()) return nullptr;
  std::string key = FoldAscii(raw);
  if (const std::string* code = Lookup(key)) return code;
  if (key.ends_with(kZuSuffix) && key.size() > kZuSuffix.size()) {
    if (const std::string* code = Lookup(key.substr(0, key.size() - kZuSuffix.size()))) {
      return code;
    }
  }
  if (code_width_ > 0 && key.size() < code_width_ && AllDigits(key)) {
    return Lookup(std::string(code_width_ - key.size(), '0') + key);
  }
  return nullptr;
}

Result<CodeTable> ParseCodeTableCsv(std::string_view csv, std::string id, std::string name) {
  ASSIGN_OR_RETURN(auto records, csv_text::Parse(csv));
  CodeTable table{std::move(id), std::move(name), {}};
  std::unordered_set<std::string> codes;
  for (size_t i = 0; i < records.size(); ++i) {
    const std::vector<std::string>& record = records[i];
    if (i == 0 && IsHeader(record)) continue;
    std::string where = RecordPrefix(i + 1);
    if (record.size() < 2 || record.size() > 3) {
      return InvalidArgument(where + "expected code,name[,synonyms] but found " +
                             std::to_string(record.size()) + " fields");
    }
    if (record[0].empty() || record[1].empty()) {
      return InvalidArgument(where + "the code and the name must not be empty");
    }
    if (!codes.insert(record[0]).second) {
      return InvalidArgument(where + "code " + record[0] + " appears twice; codes must be unique");
    }
    table.entries.push_back(
        {record[0], record[1],
         record.size() == 3 ? csv_text::SplitList(record[2]) : std::vector<std::string>{}});
  }
  return table;
}

std::string CodeTableToCsv(const CodeTable& table) {
  std::string out = "code,name,synonyms\n";
  for (const CodeEntry& entry : table.entries) {
    csv_text::AppendRecord({entry.code, entry.name, csv_text::JoinList(entry.synonyms)}, out);
  }
  return out;
}

nlohmann::json CodeTableToJson(const CodeTable& table) {
  nlohmann::json entries = nlohmann::json::array();
  for (const CodeEntry& entry : table.entries) {
    entries.push_back({{"code", entry.code}, {"name", entry.name}, {"synonyms", entry.synonyms}});
  }
  return {{"id", table.id}, {"name", table.name}, {"entries", std::move(entries)}};
}

Result<CodeTable> CodeTableFromJson(const nlohmann::json& json) {
  if (!json.is_object()) return InvalidArgument("a code table must be a JSON object");
  CodeTable table;
  ASSIGN_OR_RETURN(table.id, StringMember(json, "id"));
  ASSIGN_OR_RETURN(table.name, StringMember(json, "name"));
  auto entries = json.find("entries");
  if (entries == json.end() || !entries->is_array()) {
    return InvalidArgument("\"entries\" must be an array");
  }
  for (const nlohmann::json& item : *entries) {
    ASSIGN_OR_RETURN(CodeEntry entry, EntryFromJson(item));
    table.entries.push_back(std::move(entry));
  }
  RETURN_IF_ERROR(ValidateCodeTable(table));
  return table;
}

}  // namespace citydata::standards
