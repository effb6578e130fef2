// The sections of the /api/v1 API. Each returns its endpoints; the handlers keep the
// state they need alive. RegisterRoutes (api.cc) adds authentication and the OpenAPI
// document for all of them.
#pragma once

#include <vector>

#include "http/api.h"
#include "http/openapi.h"

namespace citydata::http {

// Session, departments, datasets and their rows, ingest, jobs, query, overview.
std::vector<Endpoint> CatalogEndpoints(const ApiContext& context);
// Data standards, field mapping, standardization, quality plans, runs and issues.
std::vector<Endpoint> GovernanceEndpoints(const ApiContext& context);
// Login, users, tokens and grants.
std::vector<Endpoint> IdentityEndpoints(const ApiContext& context);
// Classification and grading, the level and masking policies, static masking, the
// audit trail, keys and detokenization.
std::vector<Endpoint> SecurityEndpoints(const ApiContext& context);
// The resource catalog: search with facets, publish, show with history, unpublish, export.
std::vector<Endpoint> ShareEndpoints(const ApiContext& context);
// Requests for resources, approvals and the sharing grants they create.
std::vector<Endpoint> SharingEndpoints(const ApiContext& context);
// The open-data portal (anonymous, rate-limited per client): /api/v1/open and the
// CKAN-compatible Action API under /api/3/action.
std::vector<Endpoint> OpenEndpoints(const ApiContext& context);
// API services (API 超市): publish, call, OpenAPI per service, call statistics, unpublish.
std::vector<Endpoint> ServicesEndpoints(const ApiContext& context);
// The sandbox (数据可用不可见): aggregate-only queries under sandbox grants, and those grants.
std::vector<Endpoint> SandboxEndpoints(const ApiContext& context);

}  // namespace citydata::http
