// The declaration of an /api/v1 endpoint and the OpenAPI 3.0 document built from them.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/server.h"

namespace citydata::http {

struct Param {
  const char* name;
  const char* in;  // "path" or "query"
  const char* type;  // "string" or "integer"
  bool required;
  const char* description;
};

struct Endpoint {
  Method method;
  const char* path;  // router pattern, which is also the OpenAPI path template
  const char* summary;
  const char* tag;
  std::vector<Param> params;
  const char* body;  // an example or description of the request body; nullptr for none
  bool upload;       // the body is a file streamed to disk
  Handler handler;
};

// OpenAPI 3.0.3 for `endpoints` (plus the document's own route), with bearer auth and
// the shared error schema.
nlohmann::json OpenApiDocument(const std::vector<Endpoint>& endpoints, const std::string& version);
// Marks `endpoint`'s operation in `doc` as needing no credentials (an empty security
// requirement, as OpenAPI says it).
void MarkPublic(nlohmann::json& doc, const Endpoint& endpoint);

}  // namespace citydata::http
