#include "security/identity_service.h"

#include <algorithm>
#include <cmath>

#include "core/clock.h"
#include "security/crypto.h"
#include "security/password.h"

namespace citydata::security {
namespace {

constexpr std::string_view kPrefix = "cdt_";
constexpr size_t kSecretHexDigits = 64;

Status Denied() {
  return Unauthenticated("a valid API token is required: send 'Authorization: Bearer <token>'");
}

// A hash no password is checked against successfully; verifying it costs what
// verifying a real one does.
std::string DecoyHash() {
  auto hash = HashPassword(RandomHex(16));
  return hash.ok() ? *hash : "";
}

Status BadLogin() { return Unauthenticated("wrong user name or password"); }

// An expiry as stored ("" for none): a future UTC time in NowIso()'s form, which is
// what makes the stored expiries compare as times.
Result<std::string> FutureExpiry(const std::string& expires_at) {
  if (expires_at.empty()) return std::string();
  auto expiry = NormalizeIsoUtc(expires_at);
  if (!expiry || *expiry <= NowIso()) {
    return InvalidArgument("expires_at must be a future UTC time, e.g. " +
                           IsoAfter(std::chrono::hours(24 * 90)) + " (or a date, YYYY-MM-DD)");
  }
  return *expiry;
}

}  // namespace

Principal PrincipalFor(const storage::UserRecord& user, const std::string& token_id) {
  Principal p;
  p.user_id = user.id;
  p.name = user.name;
  p.dept = user.dept_code;
  p.role = ParseRole(user.role).value_or(Role::kConsumer);
  auto clearance = ParseLevel(user.clearance);
  p.clearance = clearance.ok() ? *clearance : Level::kGeneral1;
  p.token_id = token_id;
  return p;
}

IdentityService::IdentityService(storage::IdentityStore& store, storage::MetaStore& meta,
                                 IdentityOptions options)
    : store_(store), meta_(meta), options_(options),
      decoy_hash_(DecoyHash()) {}

Result<std::optional<std::string>> IdentityService::Bootstrap() {
  ASSIGN_OR_RETURN(auto users, store_.ListUsers());
  if (!users.empty()) return std::optional<std::string>();
  storage::UserRecord admin;
  admin.id = NewId("usr_");
  admin.name = "admin";
  admin.role = "admin";
  admin.clearance = std::string(LevelName(Level::kCore));
  admin.created_at = NowIso();
  RETURN_IF_ERROR(store_.AddUser(admin));
  ASSIGN_OR_RETURN(auto token, Issue(admin.id, "bootstrap admin", "api", ""));
  return std::optional<std::string>(std::move(token.secret));
}

Status IdentityService::ValidateUser(const storage::UserRecord& user) const {
  RETURN_IF_ERROR(ValidateIdentifier(user.name, "user name"));
  auto role = ParseRole(user.role);
  if (!role) {
    return InvalidArgument("unknown role '" + user.role +
                           "': use admin, steward, provider, consumer or auditor");
  }
  RETURN_IF_ERROR(ParseLevel(user.clearance).status());
  bool needs_dept = *role == Role::kProvider || *role == Role::kConsumer;
  if (needs_dept && user.dept_code.empty()) {
    return InvalidArgument("a " + user.role + " belongs to a department: give --dept CODE");
  }
  if (!user.dept_code.empty()) {
    ASSIGN_OR_RETURN(auto dept, meta_.GetDepartment(user.dept_code));
    if (!dept) return NotFound("no department has code '" + user.dept_code + "'");
  }
  return Status::Ok();
}

Result<storage::UserRecord> IdentityService::AddUser(const NewUser& in) {
  storage::UserRecord user;
  user.id = NewId("usr_");
  user.name = in.name;
  user.dept_code = in.dept;
  user.role = in.role;
  user.clearance = in.clearance.empty() ? std::string(LevelName(Level::kGeneral1)) : in.clearance;
  user.created_at = NowIso();
  RETURN_IF_ERROR(ValidateUser(user));
  if (!in.password.empty()) {
    RETURN_IF_ERROR(CheckPasswordStrength(in.password));
    ASSIGN_OR_RETURN(user.password_hash, HashPassword(in.password));
  }
  RETURN_IF_ERROR(store_.AddUser(user));
  return user;
}

Result<storage::UserRecord> IdentityService::RequireUser(const std::string& name) const {
  ASSIGN_OR_RETURN(auto user, store_.FindUserByName(name));
  if (!user) return NotFound("no user is named '" + name + "'");
  return *user;
}

Result<storage::UserRecord> IdentityService::UpdateUser(const std::string& name,
                                                        const UserPatch& patch) {
  ASSIGN_OR_RETURN(auto user, RequireUser(name));
  if (patch.dept) user.dept_code = *patch.dept;
  if (patch.role) user.role = *patch.role;
  if (patch.clearance) user.clearance = *patch.clearance;
  if (patch.disabled) user.disabled = *patch.disabled;
  RETURN_IF_ERROR(ValidateUser(user));
  if (patch.password) {
    RETURN_IF_ERROR(CheckPasswordStrength(*patch.password));
    ASSIGN_OR_RETURN(user.password_hash, HashPassword(*patch.password));
    user.failed_logins = 0;
    user.locked_until.clear();
  }
  RETURN_IF_ERROR(store_.UpdateUser(user));
  return user;
}

Result<std::vector<storage::UserRecord>> IdentityService::Users() { return store_.ListUsers(); }

Status IdentityService::RecordFailedLogin(storage::UserRecord user) {
  user.failed_logins += 1;
  if (user.failed_logins >= options_.max_failed_logins) {
    user.locked_until = IsoAfter(options_.lockout);
    user.failed_logins = 0;
  }
  return store_.UpdateUser(user);
}

Result<IssuedToken> IdentityService::Login(const std::string& name, std::string_view password) {
  ASSIGN_OR_RETURN(auto user, store_.FindUserByName(name));
  if (!user || user->password_hash.empty()) {
    VerifyPassword(decoy_hash_, password);
    return BadLogin();
  }
  if (!user->locked_until.empty() && user->locked_until > NowIso()) {
    return Unauthenticated("the account is locked after repeated failed logins until " +
                           user->locked_until + "; try again later or ask an administrator");
  }
  if (!VerifyPassword(user->password_hash, password)) {
    RETURN_IF_ERROR(RecordFailedLogin(*user));
    return BadLogin();
  }
  if (user->disabled) return Unauthenticated("the account is disabled");
  if (user->failed_logins != 0 || !user->locked_until.empty()) {
    user->failed_logins = 0;
    user->locked_until.clear();
    RETURN_IF_ERROR(store_.UpdateUser(*user));
  }
  return Issue(user->id, "session", "session", IsoAfter(options_.session_ttl));
}

Result<IssuedToken> IdentityService::Issue(const std::string& user_id, const std::string& name,
                                           const std::string& kind,
                                           const std::string& expires_at) {
  IssuedToken token;
  token.secret = std::string(kPrefix) + RandomHex(kSecretHexDigits / 2);
  token.record.id = NewId("tok_");
  token.record.user_id = user_id;
  token.record.name = name;
  token.record.hash = Sm3Hex(token.secret);
  token.record.kind = kind;
  token.record.created_at = NowIso();
  token.record.expires_at = expires_at;
  RETURN_IF_ERROR(store_.AddToken(token.record));
  return token;
}

Result<IssuedToken> IdentityService::CreateToken(const Principal& owner, const std::string& name,
                                                 const std::string& expires_at) {
  ASSIGN_OR_RETURN(std::string expiry, FutureExpiry(expires_at));
  return Issue(owner.user_id, name.empty() ? "api token" : name, "api", expiry);
}

Result<std::vector<storage::TokenRecord>> IdentityService::Tokens(const Principal& who, bool all) {
  return store_.ListTokens(all ? "" : who.user_id);
}

Status IdentityService::RevokeToken(const Principal& who, const std::string& token_id) {
  ASSIGN_OR_RETURN(auto tokens, store_.ListTokens(who.role == Role::kAdmin ? "" : who.user_id));
  bool visible = std::any_of(tokens.begin(), tokens.end(),
                             [&](const storage::TokenRecord& t) { return t.id == token_id; });
  if (!visible) return NotFound("no token of yours has id '" + token_id + "'");
  return store_.RevokeToken(token_id);
}

Result<Principal> IdentityService::Authenticate(std::string_view secret) const {
  if (!secret.starts_with(kPrefix) || secret.size() != kPrefix.size() + kSecretHexDigits) {
    return Denied();
  }
  ASSIGN_OR_RETURN(auto token, store_.FindTokenByHash(Sm3Hex(secret)));
  if (!token || token->revoked) return Denied();
  if (!token->expires_at.empty() && token->expires_at <= NowIso()) return Denied();
  ASSIGN_OR_RETURN(auto user, store_.FindUserById(token->user_id));
  if (!user || user->disabled) return Denied();
  return PrincipalFor(*user, token->id);
}

bool IsDeliveryMode(std::string_view mode) {
  return mode == "api" || mode == "file" || mode == "sandbox";
}

Result<storage::GrantRecord> IdentityService::Grant(const Principal& by,
                                                    const std::string& user_name,
                                                    const DatasetName& dataset,
                                                    const GrantTerms& terms) {
  ASSIGN_OR_RETURN(auto user, RequireUser(user_name));
  ASSIGN_OR_RETURN(auto meta, meta_.GetDataset(dataset));
  if (!meta) return NotFound("dataset " + dataset.ToString() + " does not exist");
  for (const auto& c : terms.columns) {
    bool known = std::any_of(meta->columns.begin(), meta->columns.end(),
                             [&](const storage::ColumnMeta& m) { return m.name == c; });
    if (!known) return NotFound(dataset.ToString() + " has no column '" + c + "'");
  }
  if (!IsDeliveryMode(terms.delivery_mode)) {
    return InvalidArgument("delivery mode '" + terms.delivery_mode +
                           "' is not one of api, file, sandbox");
  }
  if (!std::isfinite(terms.privacy_budget) || terms.privacy_budget < 0) {
    return InvalidArgument("the privacy budget must be a finite epsilon >= 0");
  }
  if (terms.privacy_budget > 0 && terms.delivery_mode != "sandbox") {
    return InvalidArgument("only sandbox grants have a privacy budget");
  }
  ASSIGN_OR_RETURN(std::string expiry, FutureExpiry(terms.expires_at));
  storage::GrantRecord g;
  g.id = NewId("grt_");
  g.user_id = user.id;
  g.dataset = dataset;
  g.columns = terms.columns;
  g.purpose = terms.purpose;
  g.expires_at = expiry;
  g.granted_by = by.user_id;
  g.created_at = NowIso();
  g.resource_id = terms.resource_id;
  g.request_id = terms.request_id;
  g.delivery_mode = terms.delivery_mode;
  g.privacy_budget = terms.privacy_budget;
  RETURN_IF_ERROR(store_.AddGrant(g));
  return g;
}

Status IdentityService::RevokeGrant(const std::string& grant_id) {
  return store_.RevokeGrant(grant_id, NowIso());
}

Result<std::vector<storage::GrantRecord>> IdentityService::Grants(const std::string& user_name) {
  if (user_name.empty()) return store_.ListGrants("");
  ASSIGN_OR_RETURN(auto user, RequireUser(user_name));
  return store_.ListGrants(user.id);
}

std::string IdentityService::UserName(const std::string& user_id) const {
  auto user = store_.FindUserById(user_id);
  return user.ok() && user->has_value() ? (*user)->name : user_id;
}

}  // namespace citydata::security
