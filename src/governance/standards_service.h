// The data standards service (数据标准): data elements and code tables (built in plus
// user-defined, stored in the governance store), field mapping of datasets to
// elements, and standardization of a raw dataset into the std zone.
//
// Thread safety: safe to use from many threads.
#pragma once

#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "catalog/catalog_service.h"
#include "core/status.h"
#include "standards/code_tables.h"
#include "standards/data_elements.h"
#include "storage/engine.h"
#include "storage/governance_store.h"
#include "storage/meta_store.h"

namespace citydata::governance {

struct StandardizeColumn {
  std::string source;      // column in the raw dataset
  std::string target;      // column in the std dataset (the element id when mapped)
  std::string element_id;  // "" when unmapped (then only trimmed and width-folded)
  std::string steps;       // e.g. "trim,half_width,code:GB/T 2261.1"
  int64_t changed = 0;     // values the standardization rewrote
  int64_t failed = 0;      // values that could not be standardized (stored as NULL)
};

struct StandardizeResult {
  std::string job_id;
  DatasetName source;
  DatasetName target;
  int64_t rows = 0;
  int64_t failed_values = 0;  // reported as the job's rejects with row ids and reasons
  std::string mapping;  // "stored" or "suggested" (no mapping saved: confident suggestions used)
  std::vector<StandardizeColumn> columns;
};
nlohmann::json ToJson(const StandardizeResult& r);

class StandardsService {
 public:
  StandardsService(storage::GovernanceStore& store, storage::MetaStore& meta,
                   storage::Engine& engine, catalog::CatalogService& catalog)
      : store_(store), meta_(meta), engine_(engine), catalog_(catalog) {}

  // Built-in elements followed by user ones (a user element with a built-in id replaces
  // it); `search` filters by substring of id, name, definition or synonyms.
  Result<std::vector<standards::DataElement>> Elements(const std::string& search);
  // Validates and stores user elements (insert or replace by id).
  Status PutElements(const std::vector<standards::DataElement>& elements);
  // Parses CSV or JSON (`format` "csv" or "json") and stores the elements.
  Result<std::vector<standards::DataElement>> ImportElements(std::string_view text,
                                                             std::string_view format);

  Result<std::vector<standards::CodeTable>> CodeTables();
  Result<standards::CodeTable> GetCodeTable(const std::string& id);  // NotFound with the known ids
  Status PutCodeTable(const standards::CodeTable& table);
  // The set of codes of table `id`, cached; nullptr when there is no such table.
  // Valid until the table is replaced; used by quality rules (in_code_table).
  std::shared_ptr<const std::unordered_set<std::string>> CodeSet(const std::string& id);

  // Suggestions for every column of the dataset, from names, profiles and a sample of
  // values (the first 1,000 rows); nothing is stored.
  Result<std::vector<storage::ColumnMappingRecord>> SuggestMapping(const DatasetName& dataset);
  // The stored mapping (possibly empty).
  Result<std::vector<storage::ColumnMappingRecord>> Mapping(const DatasetName& dataset);
  // Stores the mapping as confirmed by a steward; every column and element must exist.
  Status SaveMapping(const DatasetName& dataset, std::vector<storage::ColumnMappingRecord> mapping);

  // Builds `target` (std zone) from `source` by the stored mapping, or when none is
  // stored, by the suggestions of confidence >= 0.8. Mapped columns are renamed to their
  // element ids and standardized; other text columns are trimmed and width-folded.
  // Values that cannot be standardized are stored as NULL and reported as the job's
  // rejects (row id, column, value, reason). Replaces `target` atomically.
  Result<StandardizeResult> Standardize(const DatasetName& source, const DatasetName& target);

 private:
  class Run;

  storage::GovernanceStore& store_;
  storage::MetaStore& meta_;
  storage::Engine& engine_;
  catalog::CatalogService& catalog_;
  std::mutex mu_;
  // GUARDED_BY(mu_): code sets by table id, dropped when a table is stored.
  std::unordered_map<std::string, std::shared_ptr<const std::unordered_set<std::string>>>
      code_sets_;
};

}  // namespace citydata::governance
