#include "http/api_access.h"

#include <array>

#include "http/api_support.h"
#include "http/error_map.h"

namespace citydata::http {
namespace {

using security::Action;

struct RouteRule {
  Method method;
  const char* path;
  Action action;
};

// The authorization table: what each route needs (see the role matrix in
// security/policy.h).
constexpr RouteRule kRouteRules[] = {
    {Method::kGet, "/api/v1/session", Action::kSession},
    {Method::kPost, "/api/v1/logout", Action::kSession},
    {Method::kGet, "/api/v1/openapi.json", Action::kReadCatalog},
    {Method::kGet, "/api/v1/overview", Action::kReadCatalog},
    {Method::kGet, "/api/v1/departments", Action::kReadCatalog},
    {Method::kPost, "/api/v1/departments", Action::kManageDepartments},
    {Method::kGet, "/api/v1/datasets", Action::kReadCatalog},
    {Method::kGet, "/api/v1/datasets/{zone}/{name}", Action::kReadCatalog},
    {Method::kPatch, "/api/v1/datasets/{zone}/{name}", Action::kEditMetadata},
    {Method::kPost, "/api/v1/datasets/{zone}/{name}/ingest", Action::kWriteData},
    {Method::kGet, "/api/v1/datasets/{zone}/{name}/rows", Action::kReadData},
    {Method::kGet, "/api/v1/datasets/{zone}/{name}/rejects", Action::kReadData},
    {Method::kGet, "/api/v1/datasets/{zone}/{name}/jobs", Action::kReadCatalog},
    {Method::kGet, "/api/v1/jobs/{id}", Action::kReadCatalog},
    {Method::kPost, "/api/v1/query", Action::kReadData},
    {Method::kGet, "/api/v1/standards/elements", Action::kReadCatalog},
    {Method::kPost, "/api/v1/standards/elements", Action::kGovern},
    {Method::kGet, "/api/v1/standards/code-tables", Action::kReadCatalog},
    {Method::kGet, "/api/v1/standards/code-tables/{id}", Action::kReadCatalog},
    {Method::kPut, "/api/v1/standards/code-tables/{id}", Action::kGovern},
    {Method::kGet, "/api/v1/datasets/{zone}/{name}/mapping", Action::kReadCatalog},
    {Method::kPut, "/api/v1/datasets/{zone}/{name}/mapping", Action::kGovern},
    {Method::kPost, "/api/v1/datasets/{zone}/{name}/standardize", Action::kGovern},
    {Method::kPost, "/api/v1/quality/plans", Action::kGovern},
    {Method::kGet, "/api/v1/datasets/{zone}/{name}/quality/plan", Action::kReadCatalog},
    {Method::kPost, "/api/v1/datasets/{zone}/{name}/quality/runs", Action::kRunQuality},
    {Method::kGet, "/api/v1/datasets/{zone}/{name}/quality/runs", Action::kReadCatalog},
    {Method::kGet, "/api/v1/datasets/{zone}/{name}/quality/runs/{run}", Action::kReadCatalog},
    {Method::kGet, "/api/v1/datasets/{zone}/{name}/quality/issues", Action::kReadData},
    {Method::kGet, "/api/v1/datasets/{zone}/{name}/quality/report", Action::kReadData},
    {Method::kGet, "/api/v1/datasets/{zone}/{name}/quality/suggest", Action::kReadData},
    {Method::kPost, "/api/v1/jobs/{id}/release", Action::kGovern},
    {Method::kPost, "/api/v1/jobs/{id}/discard", Action::kGovern},
    {Method::kGet, "/api/v1/users", Action::kManageUsers},
    {Method::kPost, "/api/v1/users", Action::kManageUsers},
    {Method::kPatch, "/api/v1/users/{name}", Action::kManageUsers},
    {Method::kGet, "/api/v1/tokens", Action::kManageOwnTokens},
    {Method::kPost, "/api/v1/tokens", Action::kManageOwnTokens},
    {Method::kDelete, "/api/v1/tokens/{id}", Action::kManageOwnTokens},
    {Method::kGet, "/api/v1/apps", Action::kManageOwnApps},
    {Method::kPost, "/api/v1/apps", Action::kManageOwnApps},
    {Method::kDelete, "/api/v1/apps/{id}", Action::kManageOwnApps},
    {Method::kGet, "/api/v1/grants", Action::kSession},
    {Method::kPost, "/api/v1/grants", Action::kManageGrants},
    {Method::kDelete, "/api/v1/grants/{id}", Action::kManageGrants},
    {Method::kGet, "/api/v1/datasets/{zone}/{name}/classification", Action::kReadCatalog},
    {Method::kPost, "/api/v1/datasets/{zone}/{name}/classification", Action::kRunQuality},
    {Method::kPut, "/api/v1/datasets/{zone}/{name}/classification/{column}", Action::kGovern},
    {Method::kPost, "/api/v1/datasets/{zone}/{name}/mask", Action::kGovern},
    {Method::kGet, "/api/v1/policies/levels", Action::kReadCatalog},
    {Method::kPut, "/api/v1/policies/levels", Action::kGovern},
    {Method::kGet, "/api/v1/policies/masking", Action::kReadCatalog},
    {Method::kPut, "/api/v1/policies/masking", Action::kGovern},
    {Method::kGet, "/api/v1/audit", Action::kReadAudit},
    {Method::kGet, "/api/v1/audit/export", Action::kReadAudit},
    {Method::kGet, "/api/v1/audit/verify", Action::kReadAudit},
    {Method::kGet, "/api/v1/audit/anchor", Action::kReadAudit},
    {Method::kPost, "/api/v1/detokenize", Action::kDetokenize},
    {Method::kPost, "/api/v1/keys/rotate", Action::kManageKeys},
    // The resource catalog: publishing is a dataset owner's action, checked by the
    // service against the dataset the body names (the path names none).
    {Method::kGet, "/api/v1/resources", Action::kReadCatalog},
    {Method::kPost, "/api/v1/resources", Action::kEditMetadata},
    {Method::kGet, "/api/v1/resources/export", Action::kReadCatalog},
    {Method::kGet, "/api/v1/resources/{id}", Action::kReadCatalog},
    {Method::kPost, "/api/v1/resources/{id}/unpublish", Action::kEditMetadata},
    // API services: publishing and unpublishing are the dataset owner's, calls need a
    // right to read the service's dataset through the API; both are checked by
    // services::ServiceCatalog against the dataset of the service (the path names none).
    {Method::kGet, "/api/v1/services", Action::kReadCatalog},
    {Method::kPost, "/api/v1/services", Action::kEditMetadata},
    {Method::kGet, "/api/v1/services/{name}", Action::kReadData},
    {Method::kDelete, "/api/v1/services/{name}", Action::kEditMetadata},
    {Method::kGet, "/api/v1/services/{name}/openapi.json", Action::kReadCatalog},
    {Method::kGet, "/api/v1/services/{name}/stats", Action::kReadCatalog},
    // The sharing workflow: the service decides whose requests and grants a caller sees
    // and which departments' requests it may decide.
    {Method::kPost, "/api/v1/share/requests", Action::kRequestData},
    {Method::kGet, "/api/v1/share/requests", Action::kRequestData},
    {Method::kGet, "/api/v1/share/requests/{id}", Action::kRequestData},
    {Method::kPost, "/api/v1/share/requests/{id}/approve", Action::kApproveRequests},
    {Method::kPost, "/api/v1/share/requests/{id}/reject", Action::kApproveRequests},
    {Method::kGet, "/api/v1/share/grants", Action::kRequestData},
    {Method::kDelete, "/api/v1/share/grants/{id}", Action::kRequestData},
    {Method::kGet, "/api/v1/share/grants/{id}/download", Action::kReadData},
    // The sandbox: the service checks the caller's sandbox grant and audits every query.
    {Method::kPost, "/api/v1/sandbox/query", Action::kSandboxQuery},
    {Method::kGet, "/api/v1/sandbox/grants", Action::kSandboxQuery},
};

// Public routes: they answer without a token, so each is listed here on purpose; every
// other route needs one (deny by default). Open-data routes serve only what
// opendata::OpenDataService shows the anonymous public reader (open resources, masked
// above general-2) and are rate-limited per client address.
enum class Anonymous { kLogin, kOpenData };

struct PublicRule {
  Method method;
  const char* path;
  Anonymous kind;
};

constexpr PublicRule kPublicRoutes[] = {
    {Method::kPost, "/api/v1/login", Anonymous::kLogin},
    {Method::kGet, "/api/v1/open/datasets", Anonymous::kOpenData},
    {Method::kGet, "/api/v1/open/datasets/{id}", Anonymous::kOpenData},
    {Method::kGet, "/api/v1/open/datasets/{id}/rows", Anonymous::kOpenData},
    {Method::kGet, "/api/v1/open/datasets/{id}/download", Anonymous::kOpenData},
    // The CKAN Action API: read-only actions, by GET or by POST with a JSON body.
    {Method::kGet, "/api/3/action/package_list", Anonymous::kOpenData},
    {Method::kPost, "/api/3/action/package_list", Anonymous::kOpenData},
    {Method::kGet, "/api/3/action/package_search", Anonymous::kOpenData},
    {Method::kPost, "/api/3/action/package_search", Anonymous::kOpenData},
    {Method::kGet, "/api/3/action/package_show", Anonymous::kOpenData},
    {Method::kPost, "/api/3/action/package_show", Anonymous::kOpenData},
    {Method::kGet, "/api/3/action/organization_list", Anonymous::kOpenData},
    {Method::kPost, "/api/3/action/organization_list", Anonymous::kOpenData},
    {Method::kGet, "/api/3/action/datastore_search", Anonymous::kOpenData},
    {Method::kPost, "/api/3/action/datastore_search", Anonymous::kOpenData},
    {Method::kGet, "/api/3/action/{action}", Anonymous::kOpenData},
    {Method::kPost, "/api/3/action/{action}", Anonymous::kOpenData},
};

const PublicRule* FindPublic(Method method, const std::string& path) {
  for (const auto& rule : kPublicRoutes) {
    if (rule.method == method && path == rule.path) return &rule;
  }
  return nullptr;
}

bool IsDatasetAction(Action action) {
  return action == Action::kReadData || action == Action::kWriteData ||
         action == Action::kEditMetadata || action == Action::kRunQuality;
}

// Changes and reads of the audit trail are audited here, reads of data by their
// handlers (which know the rows returned, and what a query was refused), sandbox
// queries by the sandbox service (with grant, epsilon and suppressed groups), refusals
// before the handler always; catalog browsing is not.
bool AuditedByGuard(Method method, Action action) {
  if (action == Action::kReadData || action == Action::kSandboxQuery) return false;
  return method != Method::kGet || action == Action::kReadAudit;
}

std::string AuditAction(Action action) {
  if (action == Action::kReadData) return "data.read";
  if (action == Action::kWriteData) return "data.write";
  return std::string(security::ActionName(action));
}

audit::Outcome OutcomeFor(int status) {
  if (status == 401 || status == 403) return audit::Outcome::kDenied;
  return status < 400 ? audit::Outcome::kAllowed : audit::Outcome::kError;
}

// The dataset a guarded request names, checked against the policy: OK to proceed.
Status CheckDataset(const ApiContext& ctx, Request& req, Action action,
                    const security::Principal& who) {
  ASSIGN_OR_RETURN(DatasetName name, DatasetParam(req));
  auto meta = ctx.catalog->Get(name);
  std::string owner;
  if (meta.ok()) {
    owner = meta->dept_code;
  } else if (meta.status().code() == ErrorCode::kNotFound && action == Action::kWriteData) {
    // A new dataset: its owner is the department the request names, for a provider
    // its own.
    if (who.role == security::Role::kProvider && req.Query("dept").empty()) {
      req.query["dept"] = who.dept;
    }
    owner = req.Query("dept");
  } else {
    return meta.status();
  }
  security::DatasetRef ref{name, owner};
  ASSIGN_OR_RETURN(auto decision, ctx.policy->Decide(who, action, &ref));
  return security::ToStatus(decision);
}

}  // namespace

std::optional<Action> RouteAction(Method method, const std::string& path) {
  for (const auto& rule : kRouteRules) {
    if (rule.method == method && path == rule.path) return rule.action;
  }
  return std::nullopt;
}

bool IsPublicRoute(Method method, const std::string& path) {
  return FindPublic(method, path) != nullptr;
}

Admission PublicAdmission(const ApiContext& context, Method method, const std::string& path) {
  const PublicRule* rule = FindPublic(method, path);
  if (rule == nullptr || rule->kind != Anonymous::kOpenData) return {};
  return [&context](Request& req) -> std::optional<Response> {
    int64_t retry_after = 0;
    if (context.open_rate->Admit(security::ClientHost(req.remote_address), retry_after)) {
      return std::nullopt;
    }
    Status limited = RateLimited("the open-data rate limit of " +
                                 std::to_string(context.open_rate->rate_per_minute()) +
                                 " requests per minute per client is reached; retry after " +
                                 std::to_string(retry_after) + " s");
    Audit(context, req, "rate_limit", req.path, audit::Outcome::kDenied, limited.message());
    Response refused = ErrorResponse(limited);
    refused.headers.emplace_back("Retry-After", std::to_string(retry_after));
    return refused;
  };
}

namespace {

// The caller of a request: a user's token, an app key as a bearer token, or an app's
// signed request (security/app_service.h).
Result<security::Principal> Identify(const ApiContext& context, const Request& req) {
  std::string_view app_key = req.Header("x-app-key");
  if (!app_key.empty()) {
    security::SignedRequest signed_request{std::string(app_key),
                                           std::string(req.Header("x-timestamp")),
                                           std::string(req.Header("x-nonce")),
                                           std::string(req.Header("x-signature")),
                                           std::string(MethodName(req.method)),
                                           req.path,
                                           {req.query.begin(), req.query.end()}};
    return context.apps->AuthenticateSigned(signed_request);
  }
  std::string_view auth = req.Header("authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (!auth.starts_with(kBearer)) {
    return Unauthenticated("a valid API token is required: send 'Authorization: Bearer <token>'");
  }
  std::string_view secret = auth.substr(kBearer.size());
  if (secret.starts_with("cda_")) return context.apps->AuthenticateKey(secret);
  return context.identity->Authenticate(secret);
}

}  // namespace

Admission Authenticator(const ApiContext& context) {
  return [&context](Request& req) -> std::optional<Response> {
    auto who = Identify(context, req);
    if (!who.ok()) {
      Audit(context, req, "authenticate", req.path, audit::Outcome::kDenied,
            who.status().message());
      return ErrorResponse(who.status());
    }
    if (!who->app_id.empty()) {
      int64_t retry_after = 0;
      Status admitted = context.apps->Admit(*who, retry_after);
      if (!admitted.ok()) {
        req.context = *who;
        Audit(context, req, "rate_limit", req.path, audit::Outcome::kDenied, admitted.message());
        Response refused = ErrorResponse(admitted);
        if (admitted.code() == ErrorCode::kRateLimited) {
          refused.headers.emplace_back("Retry-After", std::to_string(retry_after));
        }
        return refused;
      }
    }
    req.context = std::move(*who);
    return std::nullopt;
  };
}

const security::Principal& Caller(const Request& req) {
  return std::any_cast<const security::Principal&>(req.context);
}

namespace {

audit::AuditEvent EventFor(const Request& req, const std::string& action,
                           const std::string& target, audit::Outcome outcome,
                           const std::string& detail, int64_t rows) {
  audit::AuditEvent event;
  if (const auto* who = std::any_cast<security::Principal>(&req.context)) {
    event.actor = who->app_id.empty() ? who->name : who->app_name;
    event.actor_kind = who->app_id.empty() ? audit::ActorKind::kUser : audit::ActorKind::kApp;
    event.dept = who->dept;
  } else {
    event.actor_kind = audit::ActorKind::kAnonymous;
  }
  event.action = action;
  event.target = target;
  event.rows = rows;
  event.purpose = std::string(req.Header("x-purpose"));
  event.client = req.remote_address;
  event.outcome = outcome;
  event.detail = std::string(MethodName(req.method)) + " " + req.path +
                 (detail.empty() ? "" : ": " + detail);
  if (const auto* who = std::any_cast<security::Principal>(&req.context);
      who != nullptr && !who->app_id.empty()) {
    event.detail = "app " + who->app_id + " of " + who->name + ": " + event.detail;
  }
  return event;
}

class AuditedCursor final : public storage::RowCursor {
 public:
  AuditedCursor(std::unique_ptr<storage::RowCursor> inner, audit::AuditEvent event,
                audit::AuditLog& log)
      : inner_(std::move(inner)), event_(std::move(event)), log_(log) {}
  // One record per dataset the statement read, with the columns it used; the record
  // names the route's target when the engine does not say (its own scans).
  ~AuditedCursor() override {
    event_.rows = rows_;
    std::vector<storage::DatasetRead> reads = inner_->reads();
    if (reads.empty()) reads.push_back({});
    for (const auto& read : reads) {
      audit::AuditEvent event = event_;
      if (!read.dataset.name.empty()) event.target = read.dataset.ToString();
      event.columns = read.columns;
      // Record fails only for an empty action, which AuditedRead never passes.
      (void)log_.Record(std::move(event));
    }
  }
  const std::vector<std::string>& column_names() const override { return inner_->column_names(); }
  bool truncated() const override { return inner_->truncated(); }
  Result<bool> Next(std::vector<Value>& row) override {
    auto more = inner_->Next(row);
    if (!more.ok()) {
      event_.outcome = audit::Outcome::kError;
      event_.detail += " (" + more.status().message() + ")";
    } else if (*more) {
      ++rows_;
    }
    return more;
  }

 private:
  std::unique_ptr<storage::RowCursor> inner_;
  audit::AuditEvent event_;
  audit::AuditLog& log_;
  int64_t rows_ = 0;
};

}  // namespace

void Audit(const ApiContext& context, const Request& req, const std::string& action,
           const std::string& target, audit::Outcome outcome, const std::string& detail,
           int64_t rows) {
  // The audit log only fails on an empty action, which the callers never pass.
  (void)context.audit->Record(EventFor(req, action, target, outcome, detail, rows));
}

std::unique_ptr<storage::RowCursor> AuditedRead(const ApiContext& context, const Request& req,
                                                const std::string& target,
                                                const std::string& detail,
                                                std::unique_ptr<storage::RowCursor> cursor) {
  auto event = EventFor(req, "data.read", target, audit::Outcome::kAllowed, detail, -1);
  return std::make_unique<AuditedCursor>(std::move(cursor), std::move(event), *context.audit);
}

Handler Guarded(const ApiContext& context, Action action, const Endpoint& endpoint) {
  bool dataset_route = std::string(endpoint.path).find("{zone}/{name}") != std::string::npos;
  Method method = endpoint.method;
  Handler inner = endpoint.handler;
  return [&context, action, dataset_route, method, inner](Request& req) {
    const security::Principal& who = Caller(req);
    std::string target = req.path;
    Status allowed = Status::Ok();
    if (dataset_route && IsDatasetAction(action)) {
      auto name = DatasetParam(req);
      if (name.ok()) target = name->ToString();
      allowed = CheckDataset(context, req, action, who);
    } else if (!security::Policy::MayEver(who, action)) {
      allowed = PermissionDenied(
          (who.app_id.empty() ? "the " + std::string(security::RoleName(who.role)) + " role"
                              : std::string("an app")) +
          " may not " + std::string(security::ActionName(action)));
    }
    if (!allowed.ok()) {
      if (allowed.code() == ErrorCode::kPermissionDenied) {
        Audit(context, req, AuditAction(action), target, audit::Outcome::kDenied,
              allowed.message());
      }
      return ErrorResponse(allowed);
    }
    Response response = inner(req);
    if (AuditedByGuard(method, action)) {
      Audit(context, req, AuditAction(action), target, OutcomeFor(response.status), "");
    }
    return response;
  };
}

}  // namespace citydata::http
