// The identity section of the API: login and logout, users, API tokens and grants.
#include "http/api_access.h"
#include "http/api_sections.h"
#include "http/api_support.h"

namespace citydata::http {
namespace {

using nlohmann::json;

json UserJson(const storage::UserRecord& u) {
  return {{"id", u.id},
          {"name", u.name},
          {"dept", u.dept_code},
          {"role", u.role},
          {"clearance", u.clearance},
          {"disabled", u.disabled},
          {"password_set", !u.password_hash.empty()},
          {"locked_until", u.locked_until},
          {"created_at", u.created_at}};
}

json TokenJson(const storage::TokenRecord& t) {
  return {{"id", t.id},          {"user_id", t.user_id},       {"name", t.name},
          {"kind", t.kind},      {"created_at", t.created_at}, {"expires_at", t.expires_at},
          {"revoked", t.revoked}};
}

class IdentityApi : public std::enable_shared_from_this<IdentityApi> {
 public:
  explicit IdentityApi(const ApiContext& ctx) : ctx_(ctx) {}

  std::vector<Endpoint> Endpoints() {
    auto self = shared_from_this();
    auto bind = [self](Response (IdentityApi::*fn)(Request&)) {
      return [self, fn](Request& r) { return ((*self).*fn)(r); };
    };
    const std::vector<Param> none;
    return {
        {Method::kPost, "/api/v1/login", "Log in with user name and password; returns a session token",
         "identity", none, "{\"name\": \"amy\", \"password\": \"...\"}", false,
         bind(&IdentityApi::Login)},
        {Method::kPost, "/api/v1/logout", "Revoke the token of this request", "identity", none,
         nullptr, false, bind(&IdentityApi::Logout)},
        {Method::kGet, "/api/v1/users", "List users", "identity", none, nullptr, false,
         bind(&IdentityApi::Users)},
        {Method::kPost, "/api/v1/users", "Add a user", "identity", none,
         "{\"name\": \"amy\", \"dept\": \"gaj\", \"role\": \"provider\", \"clearance\": "
         "\"general-3\", \"password\": \"...\"}",
         false, bind(&IdentityApi::AddUser)},
        {Method::kPatch, "/api/v1/users/{name}",
         "Change a user's department, role, clearance or password, or disable it", "identity",
         {{"name", "path", "string", true, "user name"}},
         "{\"role\": \"steward\", \"clearance\": \"general-4\", \"disabled\": true, "
         "\"password\": \"...\"}",
         false, bind(&IdentityApi::UpdateUser)},
        {Method::kGet, "/api/v1/tokens", "Your API tokens (all users' for an admin with all=true)",
         "identity", {{"all", "query", "string", false, "true: every user's tokens (admin)"}},
         nullptr, false, bind(&IdentityApi::Tokens)},
        {Method::kPost, "/api/v1/tokens", "Create an API token; the secret is shown once",
         "identity", none, "{\"name\": \"etl\", \"expires_at\": \"2027-01-01T00:00:00Z\"}", false,
         bind(&IdentityApi::CreateToken)},
        {Method::kDelete, "/api/v1/tokens/{id}", "Revoke a token", "identity",
         {{"id", "path", "string", true, "token id"}}, nullptr, false,
         bind(&IdentityApi::RevokeToken)},
        {Method::kGet, "/api/v1/grants", "Grants: your own, or every user's for an admin",
         "identity", {{"user", "query", "string", false, "only this user's (admin)"}}, nullptr,
         false, bind(&IdentityApi::Grants)},
        {Method::kPost, "/api/v1/grants", "Grant a user the right to read a dataset", "identity",
         none,
         "{\"user\": \"cal\", \"dataset\": \"raw.people\", \"columns\": [\"name\"], "
         "\"purpose\": \"低保核查\", \"expires_at\": \"2027-01-01T00:00:00Z\"}",
         false, bind(&IdentityApi::Grant)},
        {Method::kDelete, "/api/v1/grants/{id}", "Revoke a grant", "identity",
         {{"id", "path", "string", true, "grant id"}}, nullptr, false,
         bind(&IdentityApi::RevokeGrant)},
        {Method::kGet, "/api/v1/apps", "Your apps (all users' for an admin with all=true)",
         "identity", {{"all", "query", "string", false, "true: every user's apps (admin)"}},
         nullptr, false, bind(&IdentityApi::Apps)},
        {Method::kPost, "/api/v1/apps",
         "Register an app: its key and signing secret are shown once. Calls authenticate with "
         "'Authorization: Bearer <app key>' or with X-App-Key, X-Timestamp, X-Nonce and "
         "X-Signature = hex(HMAC-SHA256(secret, METHOD\\nPATH\\nsorted query\\nTIMESTAMP\\nNONCE))",
         "identity", none, "{\"name\": \"低保核查系统\", \"rate_per_minute\": 60, \"daily_quota\": 10000}",
         false, bind(&IdentityApi::CreateApp)},
        {Method::kDelete, "/api/v1/apps/{id}", "Revoke an app", "identity",
         {{"id", "path", "string", true, "app id"}}, nullptr, false,
         bind(&IdentityApi::RevokeApp)},
    };
  }

 private:
  Response Login(Request& req) {
    TRY_ASSIGN(json body, JsonBody(req));
    TRY_ASSIGN(auto name, OptionalString(body, "name"));
    TRY_ASSIGN(auto password, OptionalString(body, "password"));
    auto session = ctx_.identity->Login(name.value_or(""), password.value_or(""));
    Audit(ctx_, req, "login", name.value_or(""),
          session.ok() ? audit::Outcome::kAllowed : audit::Outcome::kDenied,
          session.ok() ? "" : session.status().message());
    if (!session.ok()) return ErrorResponse(session.status());
    auto who = ctx_.identity->Authenticate(session->secret);
    if (!who.ok()) return ErrorResponse(who.status());
    return JsonResponse({{"token", session->secret},
                         {"expires_at", session->record.expires_at},
                         {"user",
                          {{"name", who->name},
                           {"dept", who->dept},
                           {"role", security::RoleName(who->role)},
                           {"clearance", LevelName(who->clearance)}}}});
  }

  Response Logout(Request& req) {
    TRY(ctx_.identity->RevokeToken(Caller(req), Caller(req).token_id));
    return JsonResponse({{"revoked", Caller(req).token_id}});
  }

  Response Users(Request&) {
    TRY_ASSIGN(auto users, ctx_.identity->Users());
    json items = json::array();
    for (const auto& u : users) items.push_back(UserJson(u));
    return JsonResponse({{"items", items}, {"total", items.size()}});
  }

  Response AddUser(Request& req) {
    TRY_ASSIGN(json body, JsonBody(req));
    security::NewUser user;
    TRY_ASSIGN(auto name, OptionalString(body, "name"));
    TRY_ASSIGN(auto dept, OptionalString(body, "dept"));
    TRY_ASSIGN(auto role, OptionalString(body, "role"));
    TRY_ASSIGN(auto clearance, OptionalString(body, "clearance"));
    TRY_ASSIGN(auto password, OptionalString(body, "password"));
    user.name = name.value_or("");
    user.dept = dept.value_or("");
    user.role = role.value_or("");
    user.clearance = clearance.value_or("");
    user.password = password.value_or("");
    TRY_ASSIGN(auto created, ctx_.identity->AddUser(user));
    return JsonResponse(UserJson(created), 201);
  }

  Response UpdateUser(Request& req) {
    TRY_ASSIGN(json body, JsonBody(req));
    security::UserPatch patch;
    TRY_ASSIGN(patch.dept, OptionalString(body, "dept"));
    TRY_ASSIGN(patch.role, OptionalString(body, "role"));
    TRY_ASSIGN(patch.clearance, OptionalString(body, "clearance"));
    TRY_ASSIGN(patch.password, OptionalString(body, "password"));
    if (body.contains("disabled")) {
      if (!body["disabled"].is_boolean()) {
        return ErrorResponse(InvalidArgument("field 'disabled' must be true or false"));
      }
      patch.disabled = body["disabled"].get<bool>();
    }
    TRY_ASSIGN(auto user, ctx_.identity->UpdateUser(req.path_params["name"], patch));
    return JsonResponse(UserJson(user));
  }

  Response Tokens(Request& req) {
    const security::Principal& who = Caller(req);
    bool all = req.Query("all") == "true";
    if (all && who.role != security::Role::kAdmin) {
      return ErrorResponse(PermissionDenied("only an admin lists every user's tokens"));
    }
    TRY_ASSIGN(auto tokens, ctx_.identity->Tokens(who, all));
    json items = json::array();
    for (const auto& t : tokens) items.push_back(TokenJson(t));
    return JsonResponse({{"items", items}, {"total", items.size()}});
  }

  Response CreateToken(Request& req) {
    TRY_ASSIGN(json body, JsonBody(req));
    TRY_ASSIGN(auto name, OptionalString(body, "name"));
    TRY_ASSIGN(auto expires, OptionalString(body, "expires_at"));
    TRY_ASSIGN(auto token,
               ctx_.identity->CreateToken(Caller(req), name.value_or(""), expires.value_or("")));
    json out = TokenJson(token.record);
    out["token"] = token.secret;
    return JsonResponse(out, 201);
  }

  Response RevokeToken(Request& req) {
    TRY(ctx_.identity->RevokeToken(Caller(req), req.path_params["id"]));
    return JsonResponse({{"revoked", req.path_params["id"]}});
  }

  Response Grants(Request& req) {
    const security::Principal& who = Caller(req);
    std::string user = req.Query("user");
    if (who.role != security::Role::kAdmin) {
      if (!user.empty() && user != who.name) {
        return ErrorResponse(PermissionDenied("you may list only your own grants"));
      }
      user = who.name;
    }
    TRY_ASSIGN(auto grants, ctx_.identity->Grants(user));
    json items = json::array();
    for (const auto& g : grants) items.push_back(GrantJson(g, *ctx_.identity));
    return JsonResponse({{"items", items}, {"total", items.size()}});
  }

  Response Grant(Request& req) {
    TRY_ASSIGN(json body, JsonBody(req));
    TRY_ASSIGN(auto user, OptionalString(body, "user"));
    TRY_ASSIGN(auto dataset_text, OptionalString(body, "dataset"));
    TRY_ASSIGN(auto purpose, OptionalString(body, "purpose"));
    TRY_ASSIGN(auto expires, OptionalString(body, "expires_at"));
    TRY_ASSIGN(auto mode, OptionalString(body, "delivery_mode"));
    security::GrantTerms terms;
    TRY_ASSIGN(terms.columns, StringList(body, "columns"));
    terms.purpose = purpose.value_or("");
    terms.expires_at = expires.value_or("");
    terms.delivery_mode = mode.value_or("api");
    TRY_ASSIGN(auto budget, OptionalNumber(body, "privacy_budget"));
    terms.privacy_budget = budget.value_or(0);
    TRY_ASSIGN(auto dataset, ParseDatasetName(dataset_text.value_or("")));
    TRY_ASSIGN(auto grant, ctx_.identity->Grant(Caller(req), user.value_or(""), dataset, terms));
    return JsonResponse(GrantJson(grant, *ctx_.identity), 201);
  }

  Response RevokeGrant(Request& req) {
    TRY(ctx_.identity->RevokeGrant(req.path_params["id"]));
    return JsonResponse({{"revoked", req.path_params["id"]}});
  }

  Response Apps(Request& req) {
    const security::Principal& who = Caller(req);
    bool all = req.Query("all") == "true";
    if (all && who.role != security::Role::kAdmin) {
      return ErrorResponse(PermissionDenied("only an admin lists every user's apps"));
    }
    TRY_ASSIGN(auto apps, ctx_.apps->List(who, all));
    json items = json::array();
    for (const auto& a : apps) items.push_back(AppJson(a));
    return JsonResponse({{"items", items}, {"total", items.size()}});
  }

  Response CreateApp(Request& req) {
    TRY_ASSIGN(json body, JsonBody(req));
    TRY_ASSIGN(auto name, OptionalString(body, "name"));
    int64_t rate = 60, quota = 10000;
    for (auto [key, target] : {std::pair{"rate_per_minute", &rate}, {"daily_quota", &quota}}) {
      if (!body.contains(key)) continue;
      if (!body[key].is_number_integer()) {
        return ErrorResponse(InvalidArgument(std::string(key) + " must be an integer"));
      }
      *target = body[key].get<int64_t>();
    }
    TRY_ASSIGN(auto app, ctx_.apps->Create(Caller(req), name.value_or(""), rate, quota));
    json out = AppJson(app.record);
    out["app_key"] = app.app_key;
    out["secret"] = app.secret;
    return JsonResponse(out, 201);
  }

  Response RevokeApp(Request& req) {
    TRY(ctx_.apps->Revoke(Caller(req), req.path_params["id"]));
    return JsonResponse({{"revoked", req.path_params["id"]}});
  }

  json AppJson(const storage::AppRecord& a) const {
    return {{"id", a.id},
            {"name", a.name},
            {"user", ctx_.identity->UserName(a.user_id)},
            {"rate_per_minute", a.rate_per_minute},
            {"daily_quota", a.daily_quota},
            {"created_at", a.created_at},
            {"revoked", a.revoked}};
  }

  const ApiContext& ctx_;
};

}  // namespace

std::vector<Endpoint> IdentityEndpoints(const ApiContext& context) {
  return std::make_shared<IdentityApi>(context)->Endpoints();
}

}  // namespace citydata::http
