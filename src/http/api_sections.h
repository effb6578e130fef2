// The sections of the /api/v1 API. Each returns its endpoints; the handlers keep the
// state they need alive. RegisterRoutes (api.cc) adds authentication and the OpenAPI
// document for all of them.
#pragma once

#include <vector>

#include "http/api.h"
#include "http/openapi.h"
#include "security/token_service.h"

namespace citydata::http {

// Session, departments, datasets and their rows, ingest, jobs, query, overview.
std::vector<Endpoint> CatalogEndpoints(const ApiContext& context);
// Data standards, field mapping, standardization, quality plans, runs and issues.
std::vector<Endpoint> GovernanceEndpoints(const ApiContext& context);

// The caller named by the request's bearer token.
Result<security::Principal> Authenticate(const Request& req, security::TokenService& tokens);

}  // namespace citydata::http
