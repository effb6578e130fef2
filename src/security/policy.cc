#include "security/policy.h"

#include <array>

#include "core/clock.h"

namespace citydata::security {
namespace {

constexpr std::array<std::string_view, 5> kRoleNames = {"admin", "steward", "provider",
                                                        "consumer", "auditor"};

constexpr std::array<std::string_view, 18> kActionNames = {
    "session",      "manage_own_tokens",  "manage_own_apps", "read_catalog", "read_data",
    "write_data",
    "edit_metadata", "run_quality",       "govern",       "manage_departments",
    "manage_users", "manage_grants",      "read_audit",   "detokenize",    "manage_keys",
    "sandbox_query", "request_data", "approve_requests"};

bool IsDatasetAction(Action action) {
  return action == Action::kReadData || action == Action::kWriteData ||
         action == Action::kEditMetadata || action == Action::kRunQuality ||
         action == Action::kApproveRequests;
}

bool InForce(const storage::GrantRecord& g, const std::string& now) {
  return g.revoked_at.empty() && (g.expires_at.empty() || g.expires_at > now);
}

Decision Allow() { return {true, "", {}}; }

Decision Deny(std::string reason) { return {false, std::move(reason), {}}; }

}  // namespace

std::string_view RoleName(Role role) { return kRoleNames[static_cast<size_t>(role)]; }

std::optional<Role> ParseRole(std::string_view name) {
  for (size_t i = 0; i < kRoleNames.size(); ++i) {
    if (kRoleNames[i] == name) return static_cast<Role>(i);
  }
  return std::nullopt;
}

std::string_view ActionName(Action action) { return kActionNames[static_cast<size_t>(action)]; }

bool Policy::RoleMayEver(Role role, Action action) {
  switch (action) {
    case Action::kSession:
    case Action::kManageOwnTokens:
    case Action::kManageOwnApps:
    case Action::kReadCatalog:
      return true;
    case Action::kReadData:
      return role != Role::kAuditor;
    case Action::kWriteData:
    case Action::kEditMetadata:
    case Action::kRunQuality:
      return role == Role::kAdmin || role == Role::kSteward || role == Role::kProvider;
    case Action::kGovern:
      return role == Role::kAdmin || role == Role::kSteward;
    case Action::kReadAudit:
      return role == Role::kAdmin || role == Role::kAuditor;
    case Action::kSandboxQuery:
    case Action::kRequestData:
      return role != Role::kAuditor;
    case Action::kApproveRequests:
      return role == Role::kAdmin || role == Role::kProvider;
    case Action::kManageDepartments:
    case Action::kManageUsers:
    case Action::kManageGrants:
    case Action::kDetokenize:
    case Action::kManageKeys:
      return role == Role::kAdmin;
  }
  return false;
}

bool Policy::MayEver(const Principal& who, Action action) {
  if (!who.app_id.empty() && action != Action::kSession && action != Action::kReadCatalog &&
      action != Action::kReadData) {
    return false;
  }
  return RoleMayEver(who.role, action);
}

Result<Decision> Policy::Decide(const Principal& who, Action action,
                                const DatasetRef* dataset) const {
  if (!MayEver(who, action)) {
    if (!who.app_id.empty()) return Deny("apps only read: use a user's token to " +
                                         std::string(ActionName(action)));
    return Deny("the " + std::string(RoleName(who.role)) + " role may not " +
                std::string(ActionName(action)));
  }
  if (!IsDatasetAction(action) || who.role == Role::kAdmin || who.role == Role::kSteward) {
    return Allow();
  }
  // REQUIRES of Decide: dataset actions name their dataset.
  if (dataset == nullptr) return Deny("the action needs a dataset");
  if (who.role == Role::kProvider && !who.dept.empty() && dataset->dept == who.dept) {
    return Allow();
  }
  if (action == Action::kReadData) {
    ASSIGN_OR_RETURN(auto grant, GrantFor(who, dataset->name));
    if (grant) return Decision{true, "", grant->columns};
    return Deny("no grant in force lets " + who.name + " read " + dataset->name.ToString() +
                ": request it from the resource catalog");
  }
  return Deny(dataset->name.ToString() + " belongs to department '" + dataset->dept +
              "'; providers manage only their own department's datasets");
}

Result<std::optional<GrantScope>> Policy::GrantFor(const Principal& who,
                                                   const DatasetName& dataset) const {
  ASSIGN_OR_RETURN(auto grants, GrantsInForce(who));
  std::optional<GrantScope> scope;
  for (const auto& g : grants) {
    // Only an api grant admits reads: a file grant delivers files (share/), a sandbox
    // grant admits aggregate queries only (sandbox/).
    if (g.dataset != dataset || g.delivery_mode != "api") continue;
    // Several grants on one dataset add up; one for every column covers all.
    if (!scope) {
      scope.emplace(GrantScope{g.columns, g.id});
    } else if (g.columns.empty()) {
      scope->columns.clear();
    } else if (!scope->columns.empty()) {
      scope->columns.insert(scope->columns.end(), g.columns.begin(), g.columns.end());
    }
  }
  return scope;
}

Result<std::vector<storage::GrantRecord>> Policy::GrantsInForce(const Principal& who) const {
  ASSIGN_OR_RETURN(auto all, store_.ListGrants(who.user_id));
  std::string now = NowIso();
  std::vector<storage::GrantRecord> out;
  for (auto& g : all) {
    if (InForce(g, now)) out.push_back(std::move(g));
  }
  return out;
}

Status ToStatus(const Decision& decision) {
  return decision.allowed ? Status::Ok() : PermissionDenied(decision.reason);
}

}  // namespace citydata::security
