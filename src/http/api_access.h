// Authentication, authorization and audit of /api/v1 requests, in one place.
//
// Every route is listed in one table with the policy action it needs
// (security/policy.h). Its admission hook authenticates the bearer token before the
// body is read and leaves the caller in Request::context; its guard then asks the
// policy (for routes naming a dataset, about that dataset and its owner) and records
// the request in the audit trail: every data read, every change, every login and
// every refusal. A route missing from the table is refused at startup, so no
// endpoint can be added without deciding who may call it.
#pragma once

#include <optional>
#include <string>

#include "http/api.h"
#include "http/openapi.h"
#include "security/policy.h"

namespace citydata::http {

// The action a route needs; nullopt for a route not in the table.
std::optional<security::Action> RouteAction(Method method, const std::string& path);

// Routes that answer without a token: logging in, and the open-data portal.
bool IsPublicRoute(Method method, const std::string& path);

// The admission of a public route: none for logging in; for open data the per-client
// rate limit (ApiContext::open_rate; 429 with Retry-After, audited, when it is used up).
Admission PublicAdmission(const ApiContext& context, Method method, const std::string& path);

// Authenticates the request's bearer token and stores the caller for Caller().
Admission Authenticator(const ApiContext& context);

// The caller stored by Authenticator. REQUIRES: the route was admitted by it.
const security::Principal& Caller(const Request& req);

// `endpoint`'s handler behind the policy check and the audit record for its action.
Handler Guarded(const ApiContext& context, security::Action action, const Endpoint& endpoint);

// Records an event for `req` (time, caller, client address are filled in).
void Audit(const ApiContext& context, const Request& req, const std::string& action,
           const std::string& target, audit::Outcome outcome, const std::string& detail,
           int64_t rows = -1);

// Wraps the cursor of a data read so that the read is audited when the cursor is
// destroyed (after the rows were sent), with the number of rows returned and whether it
// ended in an error. Routes with the read_data action audit their successful reads
// this way or with Audit(); the guard audits their refusals.
std::unique_ptr<storage::RowCursor> AuditedRead(const ApiContext& context, const Request& req,
                                                const std::string& target,
                                                const std::string& detail,
                                                std::unique_ptr<storage::RowCursor> cursor);

}  // namespace citydata::http
