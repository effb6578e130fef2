#include "security/app_service.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <ctime>

#include "core/clock.h"
#include "security/crypto.h"
#include "security/identity_service.h"

namespace citydata::security {
namespace {

constexpr std::string_view kKeyPrefix = "cda_";
constexpr std::string_view kSecretPrefix = "cds_";
constexpr int64_t kMaxClockSkewSeconds = 300;

Status BadApp() { return Unauthenticated("the app key is unknown or revoked"); }

bool WellFormedKey(std::string_view key) {
  return key.starts_with(kKeyPrefix) && key.size() == kKeyPrefix.size() + 32;
}

}  // namespace

std::string SigningString(const SignedRequest& r) {
  auto query = r.query;
  std::sort(query.begin(), query.end());
  std::string joined;
  for (const auto& [name, value] : query) {
    joined += (joined.empty() ? "" : "&") + name + "=" + value;
  }
  return r.method + "\n" + r.path + "\n" + joined + "\n" + r.timestamp + "\n" + r.nonce;
}

Result<IssuedApp> AppService::Create(const Principal& owner, const std::string& name,
                                     int64_t rate_per_minute, int64_t daily_quota) {
  if (rate_per_minute < 1 || rate_per_minute > 100000) {
    return InvalidArgument("rate_per_minute must be between 1 and 100000");
  }
  if (daily_quota < 1) return InvalidArgument("daily_quota must be at least 1");
  if (!owner.app_id.empty()) return PermissionDenied("an app cannot create apps");
  IssuedApp app;
  app.app_key = std::string(kKeyPrefix) + RandomHex(16);
  app.secret = std::string(kSecretPrefix) + RandomHex(32);
  app.record.id = NewId("app_");
  app.record.user_id = owner.user_id;
  app.record.name = name.empty() ? "app" : name;
  app.record.key_hash = Sm3Hex(app.app_key);
  app.record.sealed_secret = sealer_.seal(app.secret);
  app.record.rate_per_minute = rate_per_minute;
  app.record.daily_quota = daily_quota;
  app.record.created_at = NowIso();
  RETURN_IF_ERROR(store_.AddApp(app.record));
  return app;
}

Result<std::vector<storage::AppRecord>> AppService::List(const Principal& who, bool all) {
  return store_.ListApps(all ? "" : who.user_id);
}

Status AppService::Revoke(const Principal& who, const std::string& app_id) {
  ASSIGN_OR_RETURN(auto apps, store_.ListApps(who.role == Role::kAdmin ? "" : who.user_id));
  bool visible = std::any_of(apps.begin(), apps.end(),
                             [&](const storage::AppRecord& a) { return a.id == app_id; });
  if (!visible) return NotFound("no app of yours has id '" + app_id + "'");
  return store_.RevokeApp(app_id);
}

Result<std::pair<storage::AppRecord, Principal>> AppService::Resolve(std::string_view app_key) {
  if (!WellFormedKey(app_key)) return BadApp();
  ASSIGN_OR_RETURN(auto app, store_.FindAppByKeyHash(Sm3Hex(app_key)));
  if (!app || app->revoked) return BadApp();
  ASSIGN_OR_RETURN(auto user, store_.FindUserById(app->user_id));
  if (!user || user->disabled) return BadApp();
  Principal p = PrincipalFor(*user, "");
  p.app_id = app->id;
  p.app_name = app->name;
  {
    std::lock_guard lock(mu_);
    Usage& u = usage_[app->id];
    u.rate_per_minute = app->rate_per_minute;
    u.daily_quota = app->daily_quota;
  }
  return std::make_pair(std::move(*app), std::move(p));
}

Result<Principal> AppService::AuthenticateKey(std::string_view app_key) {
  ASSIGN_OR_RETURN(auto resolved, Resolve(app_key));
  return resolved.second;
}

Result<Principal> AppService::AuthenticateSigned(const SignedRequest& request) {
  ASSIGN_OR_RETURN(auto resolved, Resolve(request.app_key));
  auto& [app, principal] = resolved;
  int64_t ts = 0;
  const std::string& t = request.timestamp;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), ts);
  int64_t now = static_cast<int64_t>(std::time(nullptr));
  if (ec != std::errc() || end != t.data() + t.size() ||
      std::abs(now - ts) > kMaxClockSkewSeconds) {
    return Unauthenticated("X-Timestamp must be the current Unix time (within 5 minutes)");
  }
  if (request.nonce.size() < 8 || request.nonce.size() > 64) {
    return Unauthenticated("X-Nonce must have 8 to 64 characters");
  }
  ASSIGN_OR_RETURN(std::string secret, sealer_.open(app.sealed_secret));
  std::string expected = HmacSha256Hex(secret, SigningString(request));
  if (!ConstantTimeEquals(expected, request.signature)) {
    return Unauthenticated("the signature does not match the request (see the signing rules "
                           "in the API documentation)");
  }
  Status used = store_.UseNonce(app.id, request.nonce, NowIso(),
                                IsoAfter(std::chrono::seconds(-2 * kMaxClockSkewSeconds)));
  if (used.code() == ErrorCode::kAlreadyExists) {
    return Unauthenticated("the nonce was used before: a replayed request is refused");
  }
  RETURN_IF_ERROR(used);
  return principal;
}

Status AppService::Admit(const Principal& app, int64_t& retry_after) {
  auto now = std::chrono::steady_clock::now();
  std::string today = TodayIso();
  std::lock_guard lock(mu_);
  auto found = usage_.find(app.app_id);
  if (found == usage_.end()) return BadApp();  // not authenticated here
  Usage& u = found->second;
  if (u.day != today) {
    u.day = today;
    u.calls = 0;
  }
  if (u.calls >= u.daily_quota) {
    std::time_t t = std::time(nullptr);
    retry_after = 86400 - t % 86400;
    return RateLimited("the app's daily quota of " + std::to_string(u.daily_quota) +
                       " calls is used up; it renews at 00:00 UTC");
  }
  if (!u.bucket.Take(u.rate_per_minute, now, retry_after)) {
    return RateLimited("the app's rate limit of " + std::to_string(u.rate_per_minute) +
                       " calls per minute is reached; retry after " +
                       std::to_string(retry_after) + " s");
  }
  ++u.calls;
  return Status::Ok();
}

}  // namespace citydata::security
