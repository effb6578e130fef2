#include "security/token_service.h"

#include "core/clock.h"
#include "security/crypto.h"

namespace citydata::security {
namespace {

constexpr std::string_view kPrefix = "cdt_";
constexpr size_t kSecretHexDigits = 64;

Status Denied() {
  return Unauthenticated("a valid API token is required: send 'Authorization: Bearer <token>'");
}

}  // namespace

Result<std::optional<std::string>> TokenService::BootstrapAdmin() {
  ASSIGN_OR_RETURN(int64_t count, store_.CountTokens());
  if (count > 0) return std::optional<std::string>();
  ASSIGN_OR_RETURN(std::string secret, Create("bootstrap admin", "admin", ""));
  return std::optional<std::string>(std::move(secret));
}

Result<std::string> TokenService::Create(const std::string& name, const std::string& role,
                                         const std::string& expires_at) {
  std::string secret = std::string(kPrefix) + RandomHex(kSecretHexDigits / 2);
  storage::TokenRecord record;
  record.id = NewId("tok_");
  record.name = name;
  record.hash = Sm3Hex(secret);
  record.role = role;
  record.created_at = NowIso();
  record.expires_at = expires_at;
  RETURN_IF_ERROR(store_.AddToken(record));
  return secret;
}

Result<Principal> TokenService::Authenticate(std::string_view secret) const {
  if (!secret.starts_with(kPrefix) || secret.size() != kPrefix.size() + kSecretHexDigits) {
    return Denied();
  }
  ASSIGN_OR_RETURN(auto record, store_.FindTokenByHash(Sm3Hex(secret)));
  if (!record || record->revoked) return Denied();
  if (!record->expires_at.empty() && record->expires_at <= NowIso()) return Denied();
  return Principal{record->id, record->name, record->role};
}

}  // namespace citydata::security
