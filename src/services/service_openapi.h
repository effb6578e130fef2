// The OpenAPI 3.0 document of one API service: its call with the declared parameters,
// paging and field selection, the response schema with the offered fields and their
// types, and the two ways an app authenticates (security/app_service.h).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "services/service_catalog.h"

namespace citydata::services {

// `base_url` is the server's scheme and host, e.g. "http://localhost:8080".
nlohmann::json OpenApiDocument(const PublishedService& service, const std::string& base_url);

}  // namespace citydata::services
