// What an API service is: a dataset, or a parameterized read-only query over one
// dataset, published under a name with declared parameters, paging and the fields it
// offers. Parsing and validating a definition (from the publish request and from the
// store) and its JSON form live here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "core/types.h"

namespace citydata::services {

enum class ParamType { kText, kInteger, kReal, kDate };
// How a dataset service's parameter filters its column.
enum class ParamOp { kEq, kGe, kLe };

std::string_view ParamTypeName(ParamType type);  // "text", "integer", "real", "date"
std::string_view ParamOpName(ParamOp op);        // "=", ">=", "<="

struct ServiceParam {
  std::string name;  // [a-z][a-z0-9_]{0,62}; the query parameter callers send
  ParamType type = ParamType::kText;
  bool required = false;
  std::string description;
  // A dataset service: the column it filters and how. A query service: "" (the value is
  // bound to the query's `:name` parameter).
  std::string column;
  ParamOp op = ParamOp::kEq;
};

struct ServiceDefinition {
  std::string name;  // [a-z][a-z0-9_-]{1,62}
  std::string title;
  std::string description;
  DatasetName dataset;
  // "" for a dataset service (its rows, filtered by the parameters). Otherwise one
  // read-only SELECT over `dataset` only, taking the parameters as `:name`.
  std::string query;
  std::vector<ServiceParam> params;
  int64_t default_page_size = 50;
  int64_t max_page_size = 1000;
  // The fields offered, with their types; every column of the dataset (or of the
  // query's result) when the publisher names none.
  std::vector<ColumnDef> fields;
  std::string resource_id;  // the catalog resource it belongs to; "" for none
};

// The definition in a publish request: InvalidArgument naming the first bad field.
// `fields` holds names only (types are filled in when it is published).
Result<ServiceDefinition> ParseDefinition(const nlohmann::json& body);
nlohmann::json ToJson(const ServiceDefinition& definition);

// `text` as a value of `type`: InvalidArgument saying what was expected.
Result<Value> ParseParamValue(const ServiceParam& param, std::string_view text);

// Whether `name` is a valid service name.
bool IsValidServiceName(std::string_view name);

}  // namespace citydata::services
