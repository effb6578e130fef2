// Users, logins, sessions and API tokens.
//
// A token is "cdt_" followed by 64 hex digits (256 random bits); only its SM3 digest is
// stored, so the store never holds a usable secret, and a token is shown once, when it
// is created. Tokens act for a user: disabling the user, or changing the user's role or
// clearance, takes effect on the user's next request, whatever token it carries.
// Session tokens come from a password login and expire after a fixed time; API tokens
// expire when their creator says. Five consecutive failed logins lock the account for
// a while (IdentityOptions); while locked even the right password is refused.
//
// Thread safety: safe to use from many threads.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "security/principal.h"
#include "storage/identity_store.h"
#include "storage/meta_store.h"

namespace citydata::security {

struct IdentityOptions {
  std::chrono::seconds session_ttl{12 * 3600};
  int max_failed_logins = 5;
  std::chrono::seconds lockout{15 * 60};
};

struct NewUser {
  std::string name;
  std::string dept;       // must be a known department unless the role is admin or auditor
  std::string role;       // admin, steward, provider, consumer, auditor
  std::string clearance;  // a level name; "" means general-1, the least
  std::string password;   // "" leaves password login off until one is set
};

// Fields left unset keep their value.
struct UserPatch {
  std::optional<std::string> dept;
  std::optional<std::string> role;
  std::optional<std::string> clearance;
  std::optional<std::string> password;
  std::optional<bool> disabled;
};

// The principal acting for `user` with the credential `token_id`.
Principal PrincipalFor(const storage::UserRecord& user, const std::string& token_id);

struct IssuedToken {
  std::string secret;  // shown once
  storage::TokenRecord record;
};

// What a grant allows; see storage::GrantRecord.
struct GrantTerms {
  std::vector<std::string> columns;  // empty: every column
  std::string purpose;
  std::string expires_at;  // "" for no expiry
  std::string delivery_mode = "api";
  double privacy_budget = 0;
  std::string resource_id;  // set by the sharing workflow
  std::string request_id;
};

// The delivery modes of grants: "api", "file", "sandbox".
bool IsDeliveryMode(std::string_view mode);

class IdentityService {
 public:
  IdentityService(storage::IdentityStore& store, storage::MetaStore& meta,
                  IdentityOptions options = {});

  // On a fresh store: creates the user "admin" (role admin, clearance core) and an API
  // token for it, returning the token's secret. nullopt when users already exist.
  Result<std::optional<std::string>> Bootstrap();

  Result<storage::UserRecord> AddUser(const NewUser& user);
  Result<storage::UserRecord> UpdateUser(const std::string& name, const UserPatch& patch);
  Result<std::vector<storage::UserRecord>> Users();

  // Checks the password and opens a session. Unauthenticated, without saying which of
  // name or password was wrong; or when the account is locked or disabled.
  Result<IssuedToken> Login(const std::string& name, std::string_view password);

  // A new API token acting for `owner`; `expires_at` is ISO 8601 UTC or "" for none.
  Result<IssuedToken> CreateToken(const Principal& owner, const std::string& name,
                                  const std::string& expires_at);
  // The tokens of `who`, or every user's when `all` (the caller checks the right).
  Result<std::vector<storage::TokenRecord>> Tokens(const Principal& who, bool all);
  // Revokes a token of `who`; an admin may revoke anyone's. NotFound otherwise, so the
  // existence of other users' tokens is not revealed.
  Status RevokeToken(const Principal& who, const std::string& token_id);

  // Checks a presented secret (without "Bearer "). Unauthenticated when it is unknown,
  // revoked or expired, or its user is disabled; the message never says which.
  Result<Principal> Authenticate(std::string_view secret) const;

  // Grants `user_name` the right to `dataset` on `terms`. The dataset and the columns
  // must exist; the delivery mode is "api", "file" or "sandbox", and only a sandbox
  // grant has a privacy budget (a finite epsilon >= 0).
  Result<storage::GrantRecord> Grant(const Principal& by, const std::string& user_name,
                                     const DatasetName& dataset, const GrantTerms& terms);
  Status RevokeGrant(const std::string& grant_id);
  // Grants of the named user, or of everyone when `user_name` is "".
  Result<std::vector<storage::GrantRecord>> Grants(const std::string& user_name);

  // The user's name, for display; the id itself when the user is unknown.
  std::string UserName(const std::string& user_id) const;

 private:
  Result<IssuedToken> Issue(const std::string& user_id, const std::string& name,
                            const std::string& kind, const std::string& expires_at);
  Status ValidateUser(const storage::UserRecord& user) const;
  Result<storage::UserRecord> RequireUser(const std::string& name) const;
  Status RecordFailedLogin(storage::UserRecord user);

  storage::IdentityStore& store_;
  storage::MetaStore& meta_;
  IdentityOptions options_;
  std::string decoy_hash_;  // verified for unknown names so timing does not tell
};

}  // namespace citydata::security
