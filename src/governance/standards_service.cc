#include "governance/standards_service.h"

#include <algorithm>

#include "catalog/catalog_json.h"
#include "core/json_util.h"
#include "standards/field_mapping.h"

namespace citydata::governance {
namespace {

using standards::BuiltinCodeTables;
using standards::BuiltinDataElements;
using standards::CodeTable;
using standards::CodeTableFromJson;
using standards::CodeTableToJson;
using standards::ColumnEvidence;
using standards::DataElement;
using standards::DataElementsFromJson;
using standards::DataElementsToJson;
using standards::FindDataElement;
using standards::ParseDataElementsCsv;
using standards::SuggestMappings;
using standards::ValidateCodeTable;
using standards::ValidateDataElements;

using nlohmann::json;

constexpr const char* kElementKind = "element";
constexpr const char* kCodeTableKind = "code_table";
constexpr int64_t kMappingSampleRows = 1000;

bool Contains(std::string_view text, std::string_view needle) {
  return text.find(needle) != std::string_view::npos;
}

bool Matches(const DataElement& e, const std::string& search) {
  if (search.empty()) return true;
  if (Contains(e.id, search) || Contains(e.name, search) || Contains(e.definition, search)) {
    return true;
  }
  return std::any_of(e.synonyms.begin(), e.synonyms.end(),
                     [&](const std::string& s) { return Contains(s, search); });
}

std::string ValueText(const Value& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (IsNull(v)) return "";
  return DumpJson(catalog::ValueToJson(v));
}

}  // namespace

nlohmann::json ToJson(const StandardizeResult& r) {
  json columns = json::array();
  for (const auto& c : r.columns) {
    columns.push_back({{"source", c.source},
                       {"target", c.target},
                       {"element", c.element_id},
                       {"steps", c.steps},
                       {"changed", c.changed},
                       {"failed", c.failed}});
  }
  return {{"job_id", r.job_id}, {"source", r.source.ToString()},    {"target", r.target.ToString()},
          {"rows", r.rows},     {"failed_values", r.failed_values}, {"mapping", r.mapping},
          {"columns", columns}};
}

Result<std::vector<DataElement>> StandardsService::Elements(const std::string& search) {
  std::vector<DataElement> all(BuiltinDataElements().begin(), BuiltinDataElements().end());
  ASSIGN_OR_RETURN(auto stored, store_.ListStandards(kElementKind));
  for (const auto& record : stored) {
    auto parsed = DataElementsFromJson(json::parse(record.json, nullptr, false));
    if (!parsed.ok() || parsed->empty()) continue;
    const DataElement& user = parsed->front();
    auto same =
        std::find_if(all.begin(), all.end(), [&](const DataElement& e) { return e.id == user.id; });
    if (same != all.end()) {
      *same = user;
    } else {
      all.push_back(user);
    }
  }
  std::erase_if(all, [&](const DataElement& e) { return !Matches(e, search); });
  return all;
}

Status StandardsService::PutElements(const std::vector<DataElement>& elements) {
  RETURN_IF_ERROR(ValidateDataElements(elements));
  for (const auto& e : elements) {
    RETURN_IF_ERROR(store_.PutStandard(
        {kElementKind, e.id, DumpJson(DataElementsToJson(std::span(&e, 1))), ""}));
  }
  return Status::Ok();
}

Result<std::vector<DataElement>> StandardsService::ImportElements(std::string_view text,
                                                                  std::string_view format) {
  std::vector<DataElement> elements;
  if (format == "csv") {
    ASSIGN_OR_RETURN(elements, ParseDataElementsCsv(text));
  } else if (format == "json") {
    json parsed = json::parse(text, nullptr, false);
    if (parsed.is_discarded()) return InvalidArgument("the data elements file is not valid JSON");
    ASSIGN_OR_RETURN(elements, DataElementsFromJson(parsed));
  } else {
    return InvalidArgument("import format must be csv or json");
  }
  RETURN_IF_ERROR(PutElements(elements));
  return elements;
}

Result<std::vector<CodeTable>> StandardsService::CodeTables() {
  std::vector<CodeTable> all(BuiltinCodeTables().begin(), BuiltinCodeTables().end());
  ASSIGN_OR_RETURN(auto stored, store_.ListStandards(kCodeTableKind));
  for (const auto& record : stored) {
    auto table = CodeTableFromJson(json::parse(record.json, nullptr, false));
    if (!table.ok()) continue;
    auto same =
        std::find_if(all.begin(), all.end(), [&](const CodeTable& t) { return t.id == table->id; });
    if (same != all.end()) {
      *same = std::move(*table);
    } else {
      all.push_back(std::move(*table));
    }
  }
  return all;
}

Result<CodeTable> StandardsService::GetCodeTable(const std::string& id) {
  ASSIGN_OR_RETURN(auto tables, CodeTables());
  std::string known;
  for (auto& t : tables) {
    if (t.id == id) return std::move(t);
    known += (known.empty() ? "" : ", ") + t.id;
  }
  return NotFound("code table '" + id + "' does not exist; known tables: " + known);
}

Status StandardsService::PutCodeTable(const CodeTable& table) {
  RETURN_IF_ERROR(ValidateCodeTable(table));
  RETURN_IF_ERROR(
      store_.PutStandard({kCodeTableKind, table.id, DumpJson(CodeTableToJson(table)), ""}));
  std::lock_guard lock(mu_);
  code_sets_.erase(table.id);
  return Status::Ok();
}

std::shared_ptr<const std::unordered_set<std::string>> StandardsService::CodeSet(
    const std::string& id) {
  {
    std::lock_guard lock(mu_);
    auto it = code_sets_.find(id);
    if (it != code_sets_.end()) return it->second;
  }
  auto table = GetCodeTable(id);
  if (!table.ok()) return nullptr;
  auto codes = std::make_shared<std::unordered_set<std::string>>();
  for (const auto& e : table->entries) codes->insert(e.code);
  std::lock_guard lock(mu_);
  code_sets_[id] = codes;
  return codes;
}

Result<std::vector<storage::ColumnMappingRecord>> StandardsService::SuggestMapping(
    const DatasetName& dataset) {
  ASSIGN_OR_RETURN(storage::DatasetMeta meta, catalog_.Get(dataset));
  std::vector<ColumnEvidence> evidence;
  for (const auto& c : meta.columns) {
    ColumnEvidence e;
    e.name = c.name;
    auto profile = json::parse(c.profile_json, nullptr, false);
    if (profile.is_object()) e.distinct_count = profile.value("distinct_count", int64_t{0});
    evidence.push_back(std::move(e));
  }
  ASSIGN_OR_RETURN(auto cursor, engine_.Scan(dataset, 0, kMappingSampleRows));
  std::vector<Value> row;
  while (true) {
    ASSIGN_OR_RETURN(bool more, cursor->Next(row));
    if (!more) break;
    for (size_t i = 0; i < row.size() && i < evidence.size(); ++i) {
      if (!IsNull(row[i])) evidence[i].sample_values.push_back(ValueText(row[i]));
    }
  }
  ASSIGN_OR_RETURN(auto elements, Elements(""));
  ASSIGN_OR_RETURN(auto tables, CodeTables());
  std::vector<storage::ColumnMappingRecord> out;
  for (auto& s : SuggestMappings(evidence, elements, tables)) {
    out.push_back({s.column, s.element_id, s.confidence, s.evidence, false});
  }
  return out;
}

Result<std::vector<storage::ColumnMappingRecord>> StandardsService::Mapping(
    const DatasetName& dataset) {
  return store_.GetColumnMappings(dataset);
}

Status StandardsService::SaveMapping(const DatasetName& dataset,
                                     std::vector<storage::ColumnMappingRecord> mapping) {
  ASSIGN_OR_RETURN(storage::DatasetMeta meta, catalog_.Get(dataset));
  ASSIGN_OR_RETURN(auto elements, Elements(""));
  for (auto& m : mapping) {
    bool column = std::any_of(meta.columns.begin(), meta.columns.end(),
                              [&](const storage::ColumnMeta& c) { return c.name == m.column; });
    if (!column)
      return InvalidArgument("column '" + m.column + "' is not in " + dataset.ToString());
    if (FindDataElement(elements, m.element_id) == nullptr) {
      return InvalidArgument("data element '" + m.element_id +
                             "' does not exist; see "
                             "`citydata standards elements`");
    }
    m.confirmed = true;
  }
  return store_.PutColumnMappings(dataset, mapping);
}

}  // namespace citydata::governance
