// The identity store: users, their credentials (password hashes, API and session
// tokens), the data grants an administrator gives them, and their apps (client
// credentials for API calls).
//
// It holds no secret in usable form: passwords are Argon2id hashes and tokens SM3
// digests, both computed by security/ before they reach this interface.
//
// Thread safety: safe to use from many threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/types.h"

namespace citydata::storage {

struct UserRecord {
  std::string id;  // "usr_..."
  std::string name;
  std::string dept_code;
  std::string role;       // admin, steward, provider, consumer, auditor
  std::string clearance;  // the highest level shown unmasked, e.g. "general-2"
  std::string password_hash;  // Argon2id encoded form; "" when password login is off
  bool disabled = false;
  int64_t failed_logins = 0;  // consecutive failures since the last success
  std::string locked_until;   // ISO 8601 UTC; "" when not locked
  std::string created_at;
};

struct TokenRecord {
  std::string id;       // "tok_..."
  std::string user_id;  // the user the token acts for
  std::string name;
  std::string hash;  // hex digest of the secret; the secret itself is never stored
  std::string kind;  // "api" (created explicitly) or "session" (from a login)
  std::string created_at;
  std::string expires_at;  // "" for no expiry
  bool revoked = false;
};

// A user's right to read a dataset, optionally only some of its columns: given
// directly by an administrator, or by the sharing workflow for a request on a catalog
// resource (then resource_id and request_id are set).
struct GrantRecord {
  std::string id;  // "grt_..."
  std::string user_id;
  DatasetName dataset;
  std::vector<std::string> columns;  // empty: every column
  std::string purpose;
  std::string expires_at;  // "" for no expiry
  std::string granted_by;  // user id
  std::string created_at;
  std::string revoked_at;  // "" while in force
  std::string resource_id;  // "" for a direct grant
  std::string request_id;   // "" for a direct grant
  // How the data is delivered: "api" (reads and API services), "file" (masked exports)
  // or "sandbox" (aggregate queries only, no rows). A direct grant is "api".
  std::string delivery_mode = "api";
  // The sandbox's differential-privacy budget (total epsilon; 0: queries carry no
  // noise) and what queries have spent of it.
  double privacy_budget = 0;
  double budget_spent = 0;
};

// A consumer's client credential. The app key is both the app's public identifier (in
// signed requests) and a bearer credential, so only its digest is stored. The signing
// secret must be known to check HMAC signatures: it is stored sealed under a platform
// key, never in clear.
struct AppRecord {
  std::string id;       // "app_..."
  std::string user_id;  // the user the app acts for
  std::string name;
  std::string key_hash;       // SM3 of the app key
  std::string sealed_secret;  // the signing secret, sealed (see security/app_service.h)
  int64_t rate_per_minute = 60;
  int64_t daily_quota = 10000;
  std::string created_at;
  bool revoked = false;
};

class IdentityStore {
 public:
  virtual ~IdentityStore() = default;

  // AlreadyExists when the name is taken.
  virtual Status AddUser(const UserRecord& user) = 0;
  // Replaces the stored record with the same id. NotFound when absent.
  virtual Status UpdateUser(const UserRecord& user) = 0;
  virtual Result<std::optional<UserRecord>> FindUserById(const std::string& id) = 0;
  virtual Result<std::optional<UserRecord>> FindUserByName(const std::string& name) = 0;
  virtual Result<std::vector<UserRecord>> ListUsers() = 0;

  virtual Status AddToken(const TokenRecord& token) = 0;
  virtual Result<std::optional<TokenRecord>> FindTokenByHash(const std::string& hash) = 0;
  // The user's tokens (every user's when `user_id` is ""), newest first.
  virtual Result<std::vector<TokenRecord>> ListTokens(const std::string& user_id) = 0;
  // NotFound when no token has this id.
  virtual Status RevokeToken(const std::string& id) = 0;
  virtual Result<int64_t> CountTokens() = 0;

  virtual Status AddGrant(const GrantRecord& grant) = 0;
  // Grants of the user (every user's when `user_id` is ""), including revoked ones.
  virtual Result<std::vector<GrantRecord>> ListGrants(const std::string& user_id) = 0;
  virtual Result<std::optional<GrantRecord>> FindGrant(const std::string& id) = 0;
  // Sets revoked_at. NotFound when no grant has this id.
  virtual Status RevokeGrant(const std::string& id, const std::string& revoked_at) = 0;
  // Adds `epsilon` to the grant's budget_spent, atomically, and returns the new total.
  // ResourceExhausted (nothing spent) when the total would exceed privacy_budget;
  // NotFound when no grant has this id.
  virtual Result<double> SpendBudget(const std::string& grant_id, double epsilon) = 0;

  virtual Status AddApp(const AppRecord& app) = 0;
  virtual Result<std::optional<AppRecord>> FindAppByKeyHash(const std::string& hash) = 0;
  // The user's apps (every user's when `user_id` is ""), newest first.
  virtual Result<std::vector<AppRecord>> ListApps(const std::string& user_id) = 0;
  // NotFound when no app has this id.
  virtual Status RevokeApp(const std::string& id) = 0;
  // Records that `app_id` used `nonce` at `now`; AlreadyExists when it used it before.
  // Nonces recorded before `forget_before` are forgotten (their timestamps are too old
  // to be accepted again anyway).
  virtual Status UseNonce(const std::string& app_id, const std::string& nonce,
                          const std::string& now, const std::string& forget_before) = 0;
};

// Opens (creating and migrating) the SQLite identity store at `path`.
Result<std::unique_ptr<IdentityStore>> OpenSqliteIdentityStore(const std::string& path);

}  // namespace citydata::storage
