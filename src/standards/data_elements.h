// Data elements (数据元): the named, typed, documented units of data that datasets'
// columns are mapped to and standardized against (PRODUCT.md C3).
//
// Elements are plain values. A coded element names its code table by id (see
// code_tables.h); an element with a named value format names one of
// value_formats.h's validators in `format`.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace citydata::standards {

struct DataElement {
  std::string id;          // unique, e.g. "id_number" or "DE0001"
  std::string name;        // Chinese name, e.g. "公民身份号码"
  std::string definition;  // what the element means
  std::string data_type;   // "text", "integer", "decimal", "date", "timestamp", "boolean"
  int length = 0;          // maximum length in characters; 0 = unbounded
  int precision = 0;       // digits after the decimal point for "decimal"
  // A value-format name from value_formats.h ("id_card", "mobile", ...) or free
  // text describing the format (e.g. "18位字符"); "" when none.
  std::string format;
  std::string code_table;  // id of the code table holding the value domain, or ""
  std::string range_min;   // inclusive bounds of a numeric or date range, or ""
  std::string range_max;
  std::string unit;  // e.g. "元", "平方米"; "" when none
  // Column names the element is commonly stored under: Chinese, pinyin initials,
  // English (e.g. "sfzh", "身份证号", "id_card"). Used by field mapping.
  std::vector<std::string> synonyms;

  friend bool operator==(const DataElement&, const DataElement&) = default;
};

// The built-in elements, valid for the whole program run: id_number, name, sex,
// ethnicity, birth_date, mobile, landline, email, address, uscc, org_name,
// legal_representative, relationship, division_code, plate, passport,
// hk_macau_permit, registration_date, bank_card, postcode.
std::span<const DataElement> BuiltinDataElements();

// The element with `id`, or nullptr.
const DataElement* FindDataElement(std::span<const DataElement> elements, std::string_view id);

// OK when every element has a non-empty id, name and a known data_type, lengths are
// not negative and no id repeats.
Status ValidateDataElements(std::span<const DataElement> elements);

// CSV with the header
//   id,name,definition,data_type,length,precision,format,code_table,range_min,range_max,unit,synonyms
// (the header is required, columns in this order; synonyms separated by '|'; empty
// length/precision mean 0). InvalidArgument, naming the record, for a missing
// header, a wrong field count, a non-numeric length or precision, or anything
// ValidateDataElements rejects.
Result<std::vector<DataElement>> ParseDataElementsCsv(std::string_view csv);

// The inverse of ParseDataElementsCsv.
std::string DataElementsToCsv(std::span<const DataElement> elements);

// JSON: an array of objects with the struct's field names as keys; every key but
// "id", "name" and "data_type" may be omitted.
nlohmann::json DataElementsToJson(std::span<const DataElement> elements);

// InvalidArgument when `json` is not shaped as above or fails ValidateDataElements.
Result<std::vector<DataElement>> DataElementsFromJson(const nlohmann::json& json);

}  // namespace citydata::standards
