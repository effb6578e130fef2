#include "services/service_openapi.h"

namespace citydata::services {
namespace {

using nlohmann::json;

json ParamSchema(ParamType type) {
  switch (type) {
    case ParamType::kInteger: return {{"type", "integer"}, {"format", "int64"}};
    case ParamType::kReal: return {{"type", "number"}};
    case ParamType::kDate: return {{"type", "string"}, {"format", "date"}};
    case ParamType::kText: break;
  }
  return {{"type", "string"}};
}

json FieldSchema(ColumnType type) {
  json schema;
  switch (type) {
    case ColumnType::kInteger: schema = {{"type", "integer"}}; break;
    case ColumnType::kDecimal: schema = {{"type", "number"}}; break;
    case ColumnType::kBoolean: schema = {{"type", "boolean"}}; break;
    case ColumnType::kDate: schema = {{"type", "string"}, {"format", "date"}}; break;
    case ColumnType::kTimestamp: schema = {{"type", "string"}, {"format", "date-time"}}; break;
    case ColumnType::kText: schema = {{"type", "string"}}; break;
  }
  // A masked value is text (e.g. 110***********1234), whatever the column's type.
  schema["nullable"] = true;
  return schema;
}

json Parameters(const ServiceDefinition& d) {
  json out = json::array();
  for (const auto& p : d.params) {
    std::string about = p.description;
    if (!p.column.empty()) {
      about += (about.empty() ? "" : " ") + std::string("(rows where ") + p.column + " " +
               std::string(ParamOpName(p.op)) + " the value)";
    }
    out.push_back({{"name", p.name},
                   {"in", "query"},
                   {"required", p.required},
                   {"description", about},
                   {"schema", ParamSchema(p.type)}});
  }
  std::string names;
  for (const auto& f : d.fields) names += (names.empty() ? "" : ",") + f.name;
  out.push_back({{"name", "fields"},
                 {"in", "query"},
                 {"required", false},
                 {"description", "comma-separated fields to return (default: every offered field "
                                 "your grant covers); offered: " + names},
                 {"schema", {{"type", "string"}}}});
  out.push_back({{"name", "limit"},
                 {"in", "query"},
                 {"required", false},
                 {"description", "page size"},
                 {"schema",
                  {{"type", "integer"}, {"minimum", 1}, {"maximum", d.max_page_size},
                   {"default", d.default_page_size}}}});
  out.push_back({{"name", "offset"},
                 {"in", "query"},
                 {"required", false},
                 {"description", "rows to skip"},
                 {"schema", {{"type", "integer"}, {"minimum", 0}, {"default", 0}}}});
  out.push_back({{"name", "count"},
                 {"in", "query"},
                 {"required", false},
                 {"description", "true: also return the number of matching rows as 'total'"},
                 {"schema", {{"type", "boolean"}, {"default", false}}}});
  return out;
}

json ResponseSchema(const ServiceDefinition& d) {
  json row = {{"type", "object"}, {"properties", json::object()}};
  for (const auto& f : d.fields) row["properties"][f.name] = FieldSchema(f.type);
  return {{"type", "object"},
          {"required", {"items", "limit", "offset"}},
          {"properties",
           {{"items", {{"type", "array"}, {"items", row}}},
            {"columns", {{"type", "array"}, {"items", {{"type", "string"}}}}},
            {"limit", {{"type", "integer"}}},
            {"offset", {{"type", "integer"}}},
            {"total", {{"type", "integer"}, {"description", "with count=true"}}},
            {"next", {{"type", "string"}, {"description", "the next page's URL; absent on the last page"}}}}}};
}

json Error(const char* why) {
  return {{"description", why},
          {"content",
           {{"application/json",
             {{"schema",
               {{"type", "object"},
                {"properties",
                 {{"error",
                   {{"type", "object"},
                    {"properties",
                     {{"code", {{"type", "string"}}}, {"message", {{"type", "string"}}}}}}}}}}}}}}}};
}

}  // namespace

json OpenApiDocument(const PublishedService& service, const std::string& base_url) {
  const ServiceDefinition& d = service.definition;
  json operation = {
      {"operationId", "call_" + d.name},
      {"summary", d.title.empty() ? d.name : d.title},
      {"description", d.description + (d.description.empty() ? "" : "\n\n") +
                          "Returns only the fields your grant covers, masked by your clearance."},
      {"parameters", Parameters(d)},
      {"security", json::array({{{"appKey", json::array()}},
                                {{"hmacAppKey", json::array()},
                                 {"hmacTimestamp", json::array()},
                                 {"hmacNonce", json::array()},
                                 {"hmacSignature", json::array()}}})},
      {"responses",
       {{"200", {{"description", "a page of rows"},
                 {"content", {{"application/json", {{"schema", ResponseSchema(d)}}}}}}},
        {"400", Error("a parameter is missing, unknown or not of its type")},
        {"401", Error("no valid app key or signature (stale timestamp, replayed nonce)")},
        {"403", Error("no API grant in force, or a field outside the grant")},
        {"404", Error("no such service, or it was unpublished")},
        {"429", Error("the app's rate limit or daily quota is used up; see Retry-After")}}}};
  auto header_key = [](const char* name, const char* about) {
    return json{{"type", "apiKey"}, {"in", "header"}, {"name", name}, {"description", about}};
  };
  json schemes = {
      {"appKey", {{"type", "http"}, {"scheme", "bearer"}, {"description", "the app key cda_... as a bearer token"}}},
      {"hmacAppKey", header_key("X-App-Key", "the app key")},
      {"hmacTimestamp", header_key("X-Timestamp", "Unix seconds; at most five minutes off")},
      {"hmacNonce", header_key("X-Nonce", "8 to 64 characters, never reused by the app")},
      {"hmacSignature",
       header_key("X-Signature",
                  "hex(HMAC-SHA256(secret, METHOD \\n PATH \\n QUERY \\n TIMESTAMP \\n NONCE)), "
                  "QUERY the decoded parameters sorted by name as name=value joined by &")}};
  return {{"openapi", "3.0.3"},
          {"info",
           {{"title", d.title.empty() ? d.name : d.title},
            {"description", d.description},
            {"version", service.published_at}}},
          {"servers", json::array({{{"url", base_url}}})},
          {"paths", {{"/api/v1/services/" + d.name, {{"get", operation}}}}},
          {"components", {{"securitySchemes", schemes}}},
          {"x-citydata",
           {{"dataset", d.dataset.ToString()},
            {"resource_id", d.resource_id},
            {"state", service.state}}}};
}

}  // namespace citydata::services
