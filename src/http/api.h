// The HTTP API of citydata: /api/v1 (JSON, bearer-token authenticated), /healthz,
// /metrics and the web console's static files.
//
// Handlers are thin: authenticate, parse parameters, call one service entry point,
// serialize. Every /api/v1 route is declared once in a table that both registers it
// and generates the OpenAPI document served at /api/v1/openapi.json, so the document
// cannot drift from what the server does.
#pragma once

#include <string>

#include "access/access_service.h"
#include "audit/audit_log.h"
#include "catalog/catalog_service.h"
#include "core/metrics.h"
#include "governance/quality_service.h"
#include "governance/standards_service.h"
#include "http/server.h"
#include "ingest/ingest_service.h"
#include "query/query_service.h"
#include "governance/classification_service.h"
#include "masking/key_ring.h"
#include "opendata/open_data_service.h"
#include "security/app_service.h"
#include "security/identity_service.h"
#include "security/policy.h"
#include "security/rate_limiter.h"
#include "services/service_catalog.h"
#include "share/resource_catalog_service.h"
#include "sandbox/sandbox_service.h"
#include "share/sharing_service.h"

namespace citydata::http {

// The services the API calls; all outlive the server.
struct ApiContext {
  catalog::CatalogService* catalog = nullptr;
  ingest::IngestService* ingest = nullptr;
  query::QueryService* query = nullptr;
  security::IdentityService* identity = nullptr;
  security::AppService* apps = nullptr;
  security::Policy* policy = nullptr;
  access::AccessService* access = nullptr;
  audit::AuditLog* audit = nullptr;
  governance::StandardsService* standards = nullptr;
  governance::QualityService* quality = nullptr;
  governance::ClassificationService* classification = nullptr;
  share::ResourceCatalogService* resources = nullptr;
  services::ServiceCatalog* services = nullptr;
  share::SharingService* sharing = nullptr;
  opendata::OpenDataService* open_data = nullptr;
  sandbox::SandboxService* sandbox = nullptr;
  // The per-client-address rate limit of the anonymous open-data routes.
  security::RateLimiter* open_rate = nullptr;
  // Rotates the master or data keys (the server owns the key ring); "master" or "data".
  std::function<Status(const std::string& which)> rotate_keys;
  // The keys that detokenize and decrypt values.
  std::function<std::shared_ptr<const masking::Masker>()> masker;
  Metrics* metrics = nullptr;
  std::string version;
  std::string console_dir;  // the built console (index.html and assets); may not exist
};

// Registers every route on `router`.
void RegisterRoutes(Router& router, const ApiContext& context);

}  // namespace citydata::http
