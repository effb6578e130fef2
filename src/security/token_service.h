// API tokens: bearer credentials for the HTTP API and the CLI.
//
// A token is "cdt_" followed by 64 hex digits (256 random bits). Only its SM3 digest
// is stored, so the metadata store never holds a usable secret; a token is shown once,
// when it is created. The bootstrap admin token is also written to a 0600 file in the
// data directory so a local operator can recover it.
//
// Thread safety: safe to use from many threads.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "storage/meta_store.h"

namespace citydata::security {

// The authenticated caller of a request.
struct Principal {
  std::string token_id;
  std::string name;
  std::string role;  // "admin" for now; users and roles arrive with the identity module
};

class TokenService {
 public:
  explicit TokenService(storage::MetaStore& store) : store_(store) {}

  // Creates the first admin token when the store holds none; returns its secret, or
  // nullopt when tokens already exist.
  Result<std::optional<std::string>> BootstrapAdmin();

  // Creates a token; `expires_at` is ISO 8601 UTC or "" for none. Returns the secret.
  Result<std::string> Create(const std::string& name, const std::string& role,
                             const std::string& expires_at);

  // Checks a presented secret (without the "Bearer " prefix). Unauthenticated when it
  // is unknown, revoked or expired; the message never says which.
  Result<Principal> Authenticate(std::string_view secret) const;

 private:
  storage::MetaStore& store_;
};

}  // namespace citydata::security
