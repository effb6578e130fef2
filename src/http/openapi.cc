#include "http/openapi.h"

#include <cctype>

namespace citydata::http {
namespace {

using nlohmann::json;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

json ErrorSchema() {
  return {{"type", "object"},
          {"properties",
           {{"error",
             {{"type", "object"},
              {"properties",
               {{"code", {{"type", "string"}}}, {"message", {{"type", "string"}}}}}}}}}};
}

json Operation(const Endpoint& e) {
  json params = json::array();
  for (const auto& p : e.params) {
    params.push_back({{"name", p.name},
                      {"in", p.in},
                      {"required", p.required},
                      {"description", p.description},
                      {"schema", {{"type", p.type}}}});
  }
  json error = {{"description", "error"},
                {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
  json op = {{"summary", e.summary},
             {"tags", {e.tag}},
             {"parameters", params},
             {"responses",
              {{"200", {{"description", "success (201 when something was created)"},
                        {"content", {{"application/json", json::object()}}}}},
               {"400", error},
               {"401", error},
               {"404", error}}}};
  if (e.body != nullptr) {
    std::string type = e.upload ? "application/octet-stream" : "application/json";
    op["requestBody"] = {{"required", true},
                         {"description", e.body},
                         {"content", {{type, json::object()}}}};
  }
  return op;
}

}  // namespace

json OpenApiDocument(const std::vector<Endpoint>& endpoints, const std::string& version) {
  json paths = json::object();
  for (const auto& e : endpoints) paths[e.path][Lower(MethodName(e.method))] = Operation(e);
  paths["/api/v1/openapi.json"]["get"] = Operation(
      {Method::kGet, "/api/v1/openapi.json", "This document", "meta", {}, nullptr, false, {}});
  return {{"openapi", "3.0.3"},
          {"info",
           {{"title", "citydata API"},
            {"version", version},
            {"description",
             "City data platform: collect, store, govern, use and share a city's data. "
             "Errors are {\"error\": {\"code\", \"message\"}}; lists page with limit/offset "
             "and return a total."}}},
          {"servers", {{{"url", "/"}}}},
          {"security", {{{"bearer", json::array()}}}},
          {"components",
           {{"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}},
            {"schemas", {{"Error", ErrorSchema()}}}}},
          {"paths", paths}};
}

void MarkPublic(json& doc, const Endpoint& endpoint) {
  doc["paths"][endpoint.path][Lower(MethodName(endpoint.method))]["security"] = json::array();
}

}  // namespace citydata::http
