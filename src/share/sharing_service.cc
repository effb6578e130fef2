#include "share/sharing_service.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "core/clock.h"

namespace citydata::share {
namespace {

using nlohmann::json;

constexpr const char* kPending = "pending";
constexpr const char* kApproved = "approved";
constexpr const char* kRejected = "rejected";
// Held while an approval creates the grant; never seen once Approve returns.
constexpr const char* kDeciding = "deciding";

bool Contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// Every item of `wanted` must be among `offered`; empty `wanted` means all of them.
Result<std::vector<std::string>> Subset(const std::vector<std::string>& wanted,
                                        const std::vector<std::string>& offered,
                                        const std::string& what) {
  if (wanted.empty()) return offered;
  std::vector<std::string> out;
  for (const auto& f : wanted) {
    if (!Contains(offered, f)) return InvalidArgument("'" + f + "' is not among " + what);
    if (!Contains(out, f)) out.push_back(f);
  }
  return out;
}

storage::RequestRecord ToRecord(const ShareRequest& r) {
  return {r.id,    r.resource_id, r.dept,     r.consumer_id,
          r.state, r.created_at,  r.deadline, ToJson(r, "").dump()};
}

bool IsAdmin(const security::Principal& who) { return who.role == security::Role::kAdmin; }

Status CheckText(const std::string& text, const char* what) {
  if (text.size() > kMaxText) {
    return InvalidArgument(std::string("the ") + what + " is longer than " +
                           std::to_string(kMaxText) + " bytes");
  }
  return Status::Ok();
}

}  // namespace

json ToJson(const ShareRequest& r, const std::string& now) {
  json out = {{"id", r.id},
              {"resource_id", r.resource_id},
              {"resource_code", r.resource_code},
              {"resource_name", r.resource_name},
              {"dataset", r.dataset.ToString()},
              {"dept", r.dept},
              {"consumer_id", r.consumer_id},
              {"consumer", r.consumer},
              {"consumer_dept", r.consumer_dept},
              {"purpose", r.purpose},
              {"fields", r.fields},
              {"days", r.days},
              {"delivery_mode", r.delivery_mode},
              {"emergency", r.emergency},
              {"privacy_budget", r.privacy_budget},
              {"state", r.state},
              {"created_at", r.created_at},
              {"deadline", r.deadline},
              {"decided_at", r.decided_at},
              {"decided_by", r.decided_by},
              {"reason", r.reason},
              {"automatic", r.automatic},
              {"granted_fields", r.granted_fields},
              {"granted_days", r.granted_days},
              {"grant_id", r.grant_id},
              {"grant_expires_at", r.grant_expires_at}};
  if (!now.empty()) out["overdue"] = r.Overdue(now);
  return out;
}

Result<ShareRequest> RequestFromJson(const json& doc) {
  try {
    ShareRequest r;
    r.id = doc.at("id").get<std::string>();
    r.resource_id = doc.at("resource_id").get<std::string>();
    r.resource_code = doc.at("resource_code").get<std::string>();
    r.resource_name = doc.at("resource_name").get<std::string>();
    ASSIGN_OR_RETURN(r.dataset, ParseDatasetName(doc.at("dataset").get<std::string>()));
    r.dept = doc.at("dept").get<std::string>();
    r.consumer_id = doc.at("consumer_id").get<std::string>();
    r.consumer = doc.at("consumer").get<std::string>();
    r.consumer_dept = doc.at("consumer_dept").get<std::string>();
    r.purpose = doc.at("purpose").get<std::string>();
    r.fields = doc.at("fields").get<std::vector<std::string>>();
    r.days = doc.at("days").get<int64_t>();
    r.delivery_mode = doc.at("delivery_mode").get<std::string>();
    r.emergency = doc.at("emergency").get<bool>();
    r.privacy_budget = doc.at("privacy_budget").get<double>();
    r.state = doc.at("state").get<std::string>();
    r.created_at = doc.at("created_at").get<std::string>();
    r.deadline = doc.at("deadline").get<std::string>();
    r.decided_at = doc.at("decided_at").get<std::string>();
    r.decided_by = doc.at("decided_by").get<std::string>();
    r.reason = doc.at("reason").get<std::string>();
    r.automatic = doc.at("automatic").get<bool>();
    r.granted_fields = doc.at("granted_fields").get<std::vector<std::string>>();
    r.granted_days = doc.at("granted_days").get<int64_t>();
    r.grant_id = doc.at("grant_id").get<std::string>();
    r.grant_expires_at = doc.at("grant_expires_at").get<std::string>();
    return r;
  } catch (const json::exception& e) {
    return InvalidArgument(std::string("malformed request document: ") + e.what());
  }
}

Result<ShareRequest> SharingService::Request(const security::Principal& who,
                                             const RequestInput& input) {
  ASSIGN_OR_RETURN(auto allowed, policy_.Decide(who, security::Action::kRequestData));
  RETURN_IF_ERROR(security::ToStatus(allowed));
  if (input.purpose.empty()) return InvalidArgument("a request states its purpose");
  RETURN_IF_ERROR(CheckText(input.purpose, "purpose"));
  if (input.days < 1 || input.days > kMaxDays) {
    return InvalidArgument("the period is 1 to " + std::to_string(kMaxDays) + " days");
  }
  if (!security::IsDeliveryMode(input.delivery_mode)) {
    return InvalidArgument("delivery mode '" + input.delivery_mode +
                           "' is not one of api, file, sandbox");
  }
  if (!std::isfinite(input.privacy_budget) || input.privacy_budget < 0 ||
      (input.privacy_budget > 0 && input.delivery_mode != "sandbox")) {
    return InvalidArgument("a privacy budget is a finite epsilon >= 0, for the sandbox only");
  }
  if (input.delivery_mode == "sandbox" && !(input.privacy_budget > 0)) {
    // Exact answers let a few differenced queries single out one person; noise, paid
    // from a finite budget, bounds what all the grant's queries reveal together.
    return InvalidArgument("a sandbox request states its privacy budget (an epsilon > 0)");
  }
  ASSIGN_OR_RETURN(auto shown, resources_.Show(input.resource, false));
  const Resource& resource = shown.first;
  if (resource.state != ResourceState::kPublished) {
    return NotFound("resource " + input.resource + " is not published");
  }
  if (resource.sharing == Sharing::kNone) {
    return PermissionDenied("resource " + resource.code + " is not shared (不予共享): " +
                            resource.sharing_conditions);
  }
  std::vector<std::string> items;
  for (const auto& item : resource.items) items.push_back(item.name);

  ShareRequest r;
  r.id = NewId("req_");
  r.resource_id = resource.id;
  r.resource_code = resource.code;
  r.resource_name = resource.name;
  r.dataset = resource.dataset;
  r.dept = resource.dept;
  r.consumer_id = who.user_id;
  r.consumer = who.name;
  r.consumer_dept = who.dept;
  r.purpose = input.purpose;
  ASSIGN_OR_RETURN(r.fields, Subset(input.fields, items, "the resource's information items"));
  r.days = input.days;
  r.delivery_mode = input.delivery_mode;
  r.emergency = input.emergency;
  r.privacy_budget = input.privacy_budget;
  r.state = kPending;
  r.created_at = NowIso();
  r.deadline = IsoAfter(input.emergency ? kEmergencyDeadline : kDeadline);
  if (resource.sharing == Sharing::kConditional) {
    RETURN_IF_ERROR(store_.AddRequest(ToRecord(r)));
    return r;
  }
  // Unconditional sharing: granted at once, as requested.
  r.automatic = true;
  ASSIGN_OR_RETURN(r, GrantFor(who, std::move(r), r.fields, r.days, r.privacy_budget));
  RETURN_IF_ERROR(store_.AddRequest(ToRecord(r)));
  return r;
}

Result<ShareRequest> SharingService::GrantFor(const security::Principal& by, ShareRequest request,
                                              std::vector<std::string> fields, int64_t days,
                                              double budget) {
  security::GrantTerms terms;
  terms.columns = fields;
  terms.purpose = request.purpose;
  terms.expires_at = IsoAfter(std::chrono::hours(24 * days));
  terms.delivery_mode = request.delivery_mode;
  terms.privacy_budget = budget;
  terms.resource_id = request.resource_id;
  terms.request_id = request.id;
  // The grant is given on the approver's authority (or the resource's, at once).
  ASSIGN_OR_RETURN(auto grant, identity_.Grant(by, request.consumer, request.dataset, terms));
  request.state = kApproved;
  request.decided_at = grant.created_at;
  request.decided_by = request.automatic ? "" : by.name;
  request.granted_fields = std::move(fields);
  request.granted_days = days;
  request.privacy_budget = budget;
  request.grant_id = grant.id;
  request.grant_expires_at = grant.expires_at;
  return request;
}

Result<ShareRequest> SharingService::Load(const std::string& id) {
  ASSIGN_OR_RETURN(auto record, store_.FindRequest(id));
  if (!record) return NotFound("no request " + id);
  auto doc = json::parse(record->document, nullptr, false);
  return RequestFromJson(doc);
}

bool SharingService::MayDecide(const security::Principal& who, const ShareRequest& request) const {
  security::DatasetRef ref{request.dataset, request.dept};
  auto decision = policy_.Decide(who, security::Action::kApproveRequests, &ref);
  return decision.ok() && decision->allowed;
}

Status SharingService::Save(const ShareRequest& request, const std::string& expected_state) {
  return store_.UpdateRequest(ToRecord(request), expected_state);
}

Result<ShareRequest> SharingService::Get(const security::Principal& who, const std::string& id) {
  ASSIGN_OR_RETURN(auto request, Load(id));
  if (request.consumer_id != who.user_id && !MayDecide(who, request)) {
    return NotFound("no request " + id);
  }
  return request;
}

Result<ShareRequest> SharingService::Approve(const security::Principal& who, const std::string& id,
                                             const ApproveInput& input) {
  ASSIGN_OR_RETURN(auto request, Get(who, id));
  if (!MayDecide(who, request)) {
    return PermissionDenied("only approvers of department '" + request.dept +
                            "' decide requests for its resources");
  }
  if (request.state != kPending) {
    return FailedPrecondition("request " + id + " is already " + request.state);
  }
  // The resource as it is now: it may have been unpublished, closed to sharing or
  // republished with fewer items since the request was filed.
  ASSIGN_OR_RETURN(auto shown, resources_.Show(request.resource_id, false));
  const Resource& resource = shown.first;
  if (resource.state != ResourceState::kPublished || resource.sharing == Sharing::kNone) {
    return FailedPrecondition("resource " + resource.code +
                              " is no longer shared; reject the request instead");
  }
  std::vector<std::string> still_offered;
  for (const auto& item : resource.items) {
    if (Contains(request.fields, item.name)) still_offered.push_back(item.name);
  }
  if (still_offered.empty()) {
    return FailedPrecondition("none of the requested fields is still published");
  }
  ASSIGN_OR_RETURN(auto fields,
                   Subset(input.fields, still_offered, "the requested fields still published"));
  if (input.days < 0 || input.days > request.days) {
    return InvalidArgument("an approval may shorten the period (" +
                           std::to_string(request.days) + " days requested), not lengthen it");
  }
  int64_t days = input.days == 0 ? request.days : input.days;
  double budget = input.privacy_budget.value_or(request.privacy_budget);
  if (input.privacy_budget && request.delivery_mode != "sandbox") {
    return InvalidArgument("only sandbox requests have a privacy budget");
  }
  if (request.delivery_mode == "sandbox" && !(budget > 0 && budget <= request.privacy_budget)) {
    return InvalidArgument("an approval may lower the privacy budget (" +
                           std::to_string(request.privacy_budget) +
                           " requested) to an epsilon > 0, not raise or remove it");
  }
  RETURN_IF_ERROR(CheckText(input.note, "note"));
  request.reason = input.note;
  // Claim the request before granting, so that a concurrent decision cannot leave a
  // grant in force for a request someone else decided.
  ShareRequest claimed = request;
  claimed.state = kDeciding;
  RETURN_IF_ERROR(Save(claimed, kPending));
  auto approved = GrantFor(who, request, std::move(fields), days, budget);
  if (!approved.ok()) {
    RETURN_IF_ERROR(Save(request, kDeciding));
    return approved.status();
  }
  RETURN_IF_ERROR(Save(*approved, kDeciding));
  return approved;
}

Result<ShareRequest> SharingService::Reject(const security::Principal& who, const std::string& id,
                                            const std::string& reason) {
  ASSIGN_OR_RETURN(auto request, Get(who, id));
  if (!MayDecide(who, request)) {
    return PermissionDenied("only approvers of department '" + request.dept +
                            "' decide requests for its resources");
  }
  if (reason.empty()) return InvalidArgument("a rejection states its reason");
  RETURN_IF_ERROR(CheckText(reason, "reason"));
  if (request.state != kPending) {
    return FailedPrecondition("request " + id + " is already " + request.state);
  }
  request.state = kRejected;
  request.reason = reason;
  request.decided_at = NowIso();
  request.decided_by = who.name;
  RETURN_IF_ERROR(Save(request, kPending));
  return request;
}

Result<RequestPage> SharingService::List(const security::Principal& who,
                                         const RequestQuery& query) {
  storage::RequestFilter filter;
  filter.state = query.state;
  if (query.box == "mine") {
    filter.consumer_id = who.user_id;
  } else if (query.box == "inbox" || query.box == "all") {
    if (!IsAdmin(who)) {
      if (!policy_.MayEver(who, security::Action::kApproveRequests) || who.dept.empty()) {
        return PermissionDenied("only approvers have an inbox");
      }
      filter.dept = who.dept;
    }
    if (query.box == "inbox" && query.state.empty()) filter.state = kPending;
  } else {
    return InvalidArgument("box is one of mine, inbox, all");
  }
  // Overdue requests are found among the pending ones; the store pages the rest.
  filter.limit = query.overdue_only ? std::numeric_limits<int64_t>::max() : query.limit;
  filter.offset = query.overdue_only ? 0 : query.offset;
  if (query.overdue_only) filter.state = kPending;
  ASSIGN_OR_RETURN(auto found, store_.ListRequests(filter));
  RequestPage page;
  page.total = found.second;
  std::string now = NowIso();
  for (const auto& record : found.first) {
    ASSIGN_OR_RETURN(auto request, RequestFromJson(json::parse(record.document, nullptr, false)));
    if (query.overdue_only && !request.Overdue(now)) continue;
    page.items.push_back(std::move(request));
  }
  if (query.overdue_only) {
    page.total = static_cast<int64_t>(page.items.size());
    auto begin = std::min<size_t>(static_cast<size_t>(query.offset), page.items.size());
    auto end = std::min<size_t>(begin + static_cast<size_t>(query.limit), page.items.size());
    page.items = std::vector<ShareRequest>(page.items.begin() + static_cast<std::ptrdiff_t>(begin),
                                           page.items.begin() + static_cast<std::ptrdiff_t>(end));
  }
  return page;
}

Result<SharedGrant> SharingService::Describe(storage::GrantRecord grant) {
  SharedGrant out;
  ASSIGN_OR_RETURN(auto resource, store_.FindCurrent(grant.resource_id));
  if (resource) {
    out.resource_code = resource->code;
    out.resource_name = resource->name;
    out.dept = resource->dept;
  }
  out.consumer = identity_.UserName(grant.user_id);
  out.grant = std::move(grant);
  return out;
}

Result<std::vector<SharedGrant>> SharingService::Grants(const security::Principal& who,
                                                        const std::string& box) {
  if (box != "mine" && box != "provided") return InvalidArgument("box is one of mine, provided");
  bool provided = box == "provided";
  if (provided && !IsAdmin(who) &&
      (!policy_.MayEver(who, security::Action::kApproveRequests) || who.dept.empty())) {
    return PermissionDenied("only providers see the grants on their department's resources");
  }
  ASSIGN_OR_RETURN(auto grants, identities_.ListGrants(provided ? "" : who.user_id));
  std::vector<SharedGrant> out;
  for (auto it = grants.rbegin(); it != grants.rend(); ++it) {
    if (it->resource_id.empty()) continue;  // a direct grant, not the workflow's
    ASSIGN_OR_RETURN(auto shared, Describe(std::move(*it)));
    if (provided && !IsAdmin(who) && shared.dept != who.dept) continue;
    out.push_back(std::move(shared));
  }
  return out;
}

Result<SharedGrant> SharingService::Revoke(const security::Principal& who,
                                           const std::string& grant_id) {
  ASSIGN_OR_RETURN(auto grant, identities_.FindGrant(grant_id));
  if (!grant || grant->resource_id.empty()) return NotFound("no sharing grant " + grant_id);
  ASSIGN_OR_RETURN(auto shared, Describe(std::move(*grant)));
  security::DatasetRef ref{shared.grant.dataset, shared.dept};
  ASSIGN_OR_RETURN(auto decision, policy_.Decide(who, security::Action::kApproveRequests, &ref));
  bool holder = shared.grant.user_id == who.user_id;
  if (!holder && !decision.allowed) return NotFound("no sharing grant " + grant_id);
  if (!shared.grant.revoked_at.empty()) {
    return FailedPrecondition("grant " + grant_id + " was revoked at " + shared.grant.revoked_at);
  }
  shared.grant.revoked_at = NowIso();
  RETURN_IF_ERROR(identities_.RevokeGrant(grant_id, shared.grant.revoked_at));
  return shared;
}

Result<SharedGrant> SharingService::HeldGrant(const security::Principal& who,
                                              const std::string& grant_id) {
  ASSIGN_OR_RETURN(auto grant, identities_.FindGrant(grant_id));
  if (!grant || grant->resource_id.empty() || grant->user_id != who.user_id) {
    return NotFound("you hold no sharing grant " + grant_id);
  }
  if (!grant->revoked_at.empty()) {
    return PermissionDenied("grant " + grant_id + " was revoked at " + grant->revoked_at);
  }
  if (!grant->expires_at.empty() && grant->expires_at <= NowIso()) {
    return PermissionDenied("grant " + grant_id + " expired at " + grant->expires_at);
  }
  return Describe(std::move(*grant));
}

Result<Delivery> SharingService::Deliver(const security::Principal& who,
                                         const std::string& grant_id) {
  ASSIGN_OR_RETURN(auto held, HeldGrant(who, grant_id));
  if (held.grant.delivery_mode != "file") {
    return PermissionDenied("grant " + grant_id + " delivers by " + held.grant.delivery_mode +
                            ", not as files: request the resource with delivery mode file");
  }
  const DatasetName dataset = held.grant.dataset;
  ASSIGN_OR_RETURN(auto view, access_.ResolveWithColumns(who, dataset, held.grant.columns));
  Delivery out;
  std::string select;
  for (const auto& c : view.columns) {
    out.columns.push_back(c.name);
    select += (select.empty() ? "" : ", ") + storage::QuoteIdentifier(c.name);
  }
  if (out.columns.empty()) return NotFound("none of the granted fields exists any more");
  storage::ReadScope scope = access_.ScopeForDataset(who, dataset, held.grant.columns);
  ASSIGN_OR_RETURN(out.rows,
                   engine_.Query("SELECT " + select + " FROM " + dataset.ToString(),
                                 kDeliveryLimits, &scope));
  out.grant = std::move(held);
  return out;
}

}  // namespace citydata::share
