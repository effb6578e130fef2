// Apps (应用): a user's client credentials for calling the API from programs, as
// Chinese government API gateways issue them.
//
// An app has an app key ("cda_" + 128 random bits) and a signing secret ("cds_" + 256
// random bits), both shown once. A call authenticates either with the app key as a
// bearer token, or — the gateway way — with the headers
//   X-App-Key: <app key>   X-Timestamp: <Unix seconds>   X-Nonce: <8..64 chars>
//   X-Signature: hex(HMAC-SHA256(secret, METHOD \n PATH \n QUERY \n TIMESTAMP \n NONCE))
// where QUERY is the decoded query parameters sorted by name, "name=value" joined by
// "&". A timestamp more than five minutes off and a nonce the app used before are
// refused, so a captured request cannot be replayed. The body is not signed (service
// calls are GETs; documented limit).
//
// The app key is stored as its SM3 digest. The secret must be known to check
// signatures, so it is stored sealed by the platform (SecretSealer: the server seals
// it with the masking key ring's encryption key, so it is never stored in clear).
//
// An app acts for its user (with the user's grants, clearance and masking) and only
// reads (Policy::MayEver). Each app has a rate limit per minute and a daily quota;
// Admit() enforces them in memory (a restart starts a fresh day's count).
//
// Thread safety: safe to use from many threads.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "security/principal.h"
#include "security/rate_limiter.h"
#include "storage/identity_store.h"

namespace citydata::security {

struct SecretSealer {
  std::function<std::string(std::string_view secret)> seal;
  std::function<Result<std::string>(std::string_view sealed)> open;
};

struct IssuedApp {
  storage::AppRecord record;
  std::string app_key;  // shown once
  std::string secret;   // shown once
};

// The parts of a signed request the signature covers.
struct SignedRequest {
  std::string app_key;
  std::string timestamp;  // Unix seconds
  std::string nonce;
  std::string signature;  // lower-case hex
  std::string method;     // e.g. "GET"
  std::string path;       // decoded, without the query
  std::vector<std::pair<std::string, std::string>> query;  // decoded, any order
};

// The string an app signs (see the header comment).
std::string SigningString(const SignedRequest& request);

class AppService {
 public:
  AppService(storage::IdentityStore& store, SecretSealer sealer)
      : store_(store), sealer_(std::move(sealer)) {}

  // InvalidArgument unless 1 <= rate_per_minute <= 100000 and 1 <= daily_quota.
  Result<IssuedApp> Create(const Principal& owner, const std::string& name,
                           int64_t rate_per_minute, int64_t daily_quota);
  // The apps of `who`, or everyone's when `all` (the caller checks the right).
  Result<std::vector<storage::AppRecord>> List(const Principal& who, bool all);
  // Revokes an app of `who` (an admin: anyone's); NotFound otherwise.
  Status Revoke(const Principal& who, const std::string& app_id);

  // The principal of a bearer app key; Unauthenticated for an unknown or revoked key,
  // or a disabled user.
  Result<Principal> AuthenticateKey(std::string_view app_key);
  // The principal of a signed request; Unauthenticated, saying why (stale timestamp,
  // replayed nonce, bad signature), otherwise.
  Result<Principal> AuthenticateSigned(const SignedRequest& request);

  // Counts a call of an app authenticated by this service: RateLimited with the
  // seconds to wait in `retry_after` when its rate or its daily quota is used up.
  Status Admit(const Principal& app, int64_t& retry_after);

 private:
  // The app and its principal; remembers the app's limits for Admit.
  Result<std::pair<storage::AppRecord, Principal>> Resolve(std::string_view app_key);

  storage::IdentityStore& store_;
  SecretSealer sealer_;

  struct Usage {
    int64_t rate_per_minute = 0;  // as of the app's last authentication
    int64_t daily_quota = 0;
    TokenBucket bucket;
    std::string day;  // UTC date of `calls`
    int64_t calls = 0;
  };
  std::mutex mu_;
  std::map<std::string, Usage> usage_;  // GUARDED_BY(mu_), by app id
};

}  // namespace citydata::security
