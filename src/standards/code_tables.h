// Code tables (代码表): the value domains of coded data elements, such as GB/T 2261.1
// sex codes or GB 3304 ethnic groups, plus any table a user defines or imports.
//
// Tables are plain values. CodeMatcher turns a raw value written as a code, a name
// or a synonym into its code; it is immutable after construction and thread-safe.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"

namespace citydata::standards {

struct CodeEntry {
  std::string code;                   // e.g. "1"
  std::string name;                   // e.g. "男性"
  std::vector<std::string> synonyms;  // other ways the value is written, e.g. "男", "M"

  friend bool operator==(const CodeEntry&, const CodeEntry&) = default;
};

struct CodeTable {
  std::string id;    // e.g. "GB/T 2261.1"
  std::string name;  // e.g. "人的性别代码"
  std::vector<CodeEntry> entries;

  friend bool operator==(const CodeTable&, const CodeTable&) = default;
};

// Ids of the built-in tables.
inline constexpr std::string_view kSexTableId = "GB/T 2261.1";
inline constexpr std::string_view kEthnicityTableId = "GB 3304";
inline constexpr std::string_view kRelationshipTableId = "GB/T 4761";
inline constexpr std::string_view kDivisionTableId = "GB/T 2260";

// The built-in tables, built once and valid for the whole program run:
// - GB/T 2261.1-2003 sex: 0 未知的性别, 1 男性, 2 女性, 9 未说明的性别; synonyms 男/女,
//   M/F, male/female.
// - GB 3304-1991 ethnic groups 01..56 (names with 族; the matcher also accepts them
//   without it).
// - GB/T 4761-2008 family relationships (01 本人 ... 99 非亲属).
// - GB/T 2260 provincial-level divisions, from Provinces(), with short names as
//   synonyms (北京, 内蒙古, 广西 ...). The county list is not built in: import it
//   with ParseCodeTableCsv(csv, kDivisionTableId, ...).
std::span<const CodeTable> BuiltinCodeTables();

// The built-in table with `id`, or nullptr.
const CodeTable* FindBuiltinCodeTable(std::string_view id);

// The table with `id` in `tables`, or nullptr.
const CodeTable* FindCodeTable(std::span<const CodeTable> tables, std::string_view id);

// The entry whose code is exactly `code`, or nullptr. Linear; use CodeMatcher for
// per-value lookups.
const CodeEntry* FindByCode(const CodeTable& table, std::string_view code);

// OK when every entry has a non-empty code and name and no code repeats.
Status ValidateCodeTable(const CodeTable& table);

// Maps raw values to codes in O(1). A value matches an entry when, after ASCII
// case folding, it equals the entry's code, its name, one of its synonyms, or one of
// those with a trailing "族" added or removed (so 汉, 汉族 → 01). When all codes are
// digit strings of one width, a shorter digit string is also left-padded with zeros
// (spreadsheets drop them: 1 → 01). A key that would lead to two different codes is
// ambiguous and matches nothing: the matcher never guesses. The matcher copies what
// it needs; `table` need not outlive it.
class CodeMatcher {
 public:
  explicit CodeMatcher(const CodeTable& table);

  // The code `raw` stands for, or nullptr. The pointer is valid while the matcher is.
  // `raw` is not trimmed or width-folded here (see standardize.h).
  const std::string* Match(std::string_view raw) const;

  const std::string& table_id() const { return table_id_; }

 private:
  // Maps `key` (and `key` without a trailing 族) to codes_[index].
  void Add(std::string_view key, size_t index);
  const std::string* Lookup(const std::string& key) const;

  std::string table_id_;
  // Folded key → index into codes_, or kAmbiguous.
  std::unordered_map<std::string, size_t> keys_;
  std::vector<std::string> codes_;
  size_t code_width_ = 0;  // the common width of all-digit codes, else 0
};

// CSV: one entry per record, `code,name[,synonyms]`, synonyms separated by '|'.
// A first record whose first two fields are "code" and "name" (any case) is a header
// and skipped. InvalidArgument, naming the 1-based record, for one with fewer than two or
// more than three fields, an empty code or name, or a repeated code.
Result<CodeTable> ParseCodeTableCsv(std::string_view csv, std::string id, std::string name);

// The inverse of ParseCodeTableCsv, with a "code,name,synonyms" header.
std::string CodeTableToCsv(const CodeTable& table);

// JSON: {"id": "...", "name": "...", "entries": [{"code": "...", "name": "...",
// "synonyms": ["..."]}]}; "synonyms" may be omitted.
nlohmann::json CodeTableToJson(const CodeTable& table);

// InvalidArgument when `json` is not shaped as above or fails ValidateCodeTable.
Result<CodeTable> CodeTableFromJson(const nlohmann::json& json);

}  // namespace citydata::standards
