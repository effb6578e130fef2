#include "services/service_definition.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace citydata::services {
namespace {

using nlohmann::json;

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool IsValidParamName(std::string_view name) {
  if (name.empty() || name.size() > 63 || name[0] < 'a' || name[0] > 'z') return false;
  for (char c : name) {
    if (!IsLowerAlnum(c) && c != '_') return false;
  }
  return true;
}

// Query parameters of every call; a service parameter may not take these names.
bool IsReservedParam(std::string_view name) {
  return name == "fields" || name == "limit" || name == "offset" || name == "count";
}

Result<std::string> Text(const json& body, const char* key, bool required) {
  if (!body.contains(key) || body[key].is_null()) {
    if (required) return InvalidArgument(std::string("field '") + key + "' is required");
    return std::string();
  }
  if (!body[key].is_string()) return InvalidArgument(std::string("field '") + key + "' must be a string");
  return body[key].get<std::string>();
}

Result<int64_t> PageSize(const json& body, const char* key, int64_t fallback) {
  if (!body.contains(key) || body[key].is_null()) return fallback;
  const json& v = body[key];
  if (!v.is_number_integer() || v.get<int64_t>() < 1 || v.get<int64_t>() > 10000) {
    return InvalidArgument(std::string("field '") + key + "' must be an integer from 1 to 10000");
  }
  return v.get<int64_t>();
}

Result<ParamType> ParseParamType(std::string_view text) {
  for (ParamType t : {ParamType::kText, ParamType::kInteger, ParamType::kReal, ParamType::kDate}) {
    if (ParamTypeName(t) == text) return t;
  }
  return InvalidArgument("parameter type '" + std::string(text) +
                         "' is unknown: use text, integer, real or date");
}

Result<ParamOp> ParseParamOp(std::string_view text) {
  for (ParamOp op : {ParamOp::kEq, ParamOp::kGe, ParamOp::kLe}) {
    if (ParamOpName(op) == text) return op;
  }
  return InvalidArgument("parameter operator '" + std::string(text) + "' is unknown: use =, >= or <=");
}

Result<ServiceParam> ParseParam(const json& p, bool query_service) {
  if (!p.is_object()) return InvalidArgument("each of 'params' must be an object");
  ServiceParam out;
  ASSIGN_OR_RETURN(out.name, Text(p, "name", true));
  if (!IsValidParamName(out.name) || IsReservedParam(out.name)) {
    return InvalidArgument("parameter name '" + out.name +
                           "' is invalid: use [a-z][a-z0-9_]*, not fields, limit, offset or count");
  }
  ASSIGN_OR_RETURN(std::string type, Text(p, "type", false));
  ASSIGN_OR_RETURN(out.type, ParseParamType(type.empty() ? "text" : type));
  if (p.contains("required") && !p["required"].is_boolean()) {
    return InvalidArgument("parameter '" + out.name + "': 'required' must be true or false");
  }
  out.required = p.contains("required") && p["required"].get<bool>();
  ASSIGN_OR_RETURN(out.description, Text(p, "description", false));
  ASSIGN_OR_RETURN(out.column, Text(p, "column", false));
  ASSIGN_OR_RETURN(std::string op, Text(p, "op", false));
  ASSIGN_OR_RETURN(out.op, ParseParamOp(op.empty() ? "=" : op));
  if (query_service && !out.column.empty()) {
    return InvalidArgument("parameter '" + out.name +
                           "': a query service binds parameters as :" + out.name +
                           " in its query and names no column");
  }
  if (!query_service && out.column.empty()) {
    return InvalidArgument("parameter '" + out.name + "' needs the 'column' it filters");
  }
  return out;
}

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  if (!IsDigits(s.substr(0, 4)) || !IsDigits(s.substr(5, 2)) || !IsDigits(s.substr(8, 2))) return false;
  int month = (s[5] - '0') * 10 + (s[6] - '0');
  int day = (s[8] - '0') * 10 + (s[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

}  // namespace

std::string_view ParamTypeName(ParamType type) {
  switch (type) {
    case ParamType::kText: return "text";
    case ParamType::kInteger: return "integer";
    case ParamType::kReal: return "real";
    case ParamType::kDate: return "date";
  }
  return "text";
}

std::string_view ParamOpName(ParamOp op) {
  switch (op) {
    case ParamOp::kEq: return "=";
    case ParamOp::kGe: return ">=";
    case ParamOp::kLe: return "<=";
  }
  return "=";
}

bool IsValidServiceName(std::string_view name) {
  if (name.size() < 2 || name.size() > 63 || name[0] < 'a' || name[0] > 'z') return false;
  for (char c : name) {
    if (!IsLowerAlnum(c) && c != '_' && c != '-') return false;
  }
  return true;
}

Result<ServiceDefinition> ParseDefinition(const json& body) {
  if (!body.is_object()) return InvalidArgument("the service definition must be a JSON object");
  ServiceDefinition d;
  ASSIGN_OR_RETURN(d.name, Text(body, "name", true));
  if (!IsValidServiceName(d.name)) {
    return InvalidArgument("service name '" + d.name +
                           "' is invalid: 2 to 63 characters [a-z0-9_-], starting with a letter");
  }
  ASSIGN_OR_RETURN(d.title, Text(body, "title", false));
  ASSIGN_OR_RETURN(d.description, Text(body, "description", false));
  ASSIGN_OR_RETURN(std::string dataset, Text(body, "dataset", true));
  ASSIGN_OR_RETURN(d.dataset, ParseDatasetName(dataset));
  ASSIGN_OR_RETURN(d.query, Text(body, "query", false));
  ASSIGN_OR_RETURN(d.resource_id, Text(body, "resource_id", false));
  ASSIGN_OR_RETURN(d.default_page_size, PageSize(body, "default_page_size", 50));
  ASSIGN_OR_RETURN(d.max_page_size, PageSize(body, "max_page_size", 1000));
  if (d.default_page_size > d.max_page_size) {
    return InvalidArgument("default_page_size may not exceed max_page_size");
  }
  if (body.contains("params") && !body["params"].is_null()) {
    if (!body["params"].is_array()) return InvalidArgument("field 'params' must be an array");
    for (const auto& p : body["params"]) {
      ASSIGN_OR_RETURN(auto param, ParseParam(p, !d.query.empty()));
      for (const auto& seen : d.params) {
        if (seen.name == param.name) return InvalidArgument("parameter '" + param.name + "' is declared twice");
      }
      d.params.push_back(std::move(param));
    }
  }
  if (body.contains("fields") && !body["fields"].is_null()) {
    const json& f = body["fields"];
    if (!f.is_array()) return InvalidArgument("field 'fields' must be an array of column names");
    // Names in a publish request; {"name", "type"} objects in a stored definition.
    for (const auto& field : f) {
      if (field.is_string()) {
        d.fields.push_back({field.get<std::string>(), ColumnType::kText});
      } else if (field.is_object()) {
        ColumnDef def;
        ASSIGN_OR_RETURN(def.name, Text(field, "name", true));
        ASSIGN_OR_RETURN(std::string type, Text(field, "type", true));
        ASSIGN_OR_RETURN(def.type, ParseColumnType(type));
        d.fields.push_back(std::move(def));
      } else {
        return InvalidArgument("field 'fields' must be an array of column names");
      }
    }
  }
  return d;
}

json ToJson(const ServiceDefinition& d) {
  json params = json::array();
  for (const auto& p : d.params) {
    json one = {{"name", p.name},
                {"type", ParamTypeName(p.type)},
                {"required", p.required},
                {"description", p.description}};
    if (!p.column.empty()) {
      one["column"] = p.column;
      one["op"] = ParamOpName(p.op);
    }
    params.push_back(std::move(one));
  }
  json fields = json::array();
  for (const auto& f : d.fields) fields.push_back({{"name", f.name}, {"type", ColumnTypeName(f.type)}});
  return {{"name", d.name},
          {"title", d.title},
          {"description", d.description},
          {"dataset", d.dataset.ToString()},
          {"query", d.query},
          {"params", params},
          {"default_page_size", d.default_page_size},
          {"max_page_size", d.max_page_size},
          {"fields", fields},
          {"resource_id", d.resource_id}};
}

Result<Value> ParseParamValue(const ServiceParam& param, std::string_view text) {
  auto bad = [&](const char* expected) {
    return InvalidArgument("parameter '" + param.name + "' must be " + expected + ", got '" +
                           std::string(text.substr(0, 64)) + "'");
  };
  switch (param.type) {
    case ParamType::kText:
      if (text.size() > 4096) return bad("at most 4096 bytes of text");
      return Value(std::string(text));
    case ParamType::kInteger: {
      int64_t v = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
        return bad("an integer");
      }
      return Value(v);
    }
    case ParamType::kReal: {
      double v = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (text.empty() || ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v)) {
        return bad("a number");
      }
      return Value(v);
    }
    case ParamType::kDate:
      if (!IsDate(text)) return bad("a date YYYY-MM-DD");
      return Value(std::string(text));
  }
  return bad("a value");
}

}  // namespace citydata::services
