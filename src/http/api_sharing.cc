// The sharing workflow section of the API (共享申请 / 审批 / 授权): requests for catalog
// resources, the approvers' decisions, and the grants they create.
#include <algorithm>

#include "core/clock.h"
#include "http/api_access.h"
#include "http/api_sections.h"
#include "http/api_support.h"
#include "share/delivery_file.h"
#include "share/sharing_service.h"

namespace citydata::http {
namespace {

using nlohmann::json;

json SharedGrantJson(const share::SharedGrant& g, const security::IdentityService& identity) {
  json out = GrantJson(g.grant, identity);
  out["resource_code"] = g.resource_code;
  out["resource_name"] = g.resource_name;
  out["dept"] = g.dept;
  return out;
}

Result<bool> OptionalBool(const json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return false;
  if (!it->is_boolean()) return InvalidArgument(std::string("field '") + key + "' must be true or false");
  return it->get<bool>();
}

Result<int64_t> OptionalDays(const json& body, int64_t fallback) {
  auto it = body.find("days");
  if (it == body.end() || it->is_null()) return fallback;
  if (!it->is_number_integer()) return InvalidArgument("field 'days' must be an integer");
  return it->get<int64_t>();
}

class SharingApi : public std::enable_shared_from_this<SharingApi> {
 public:
  explicit SharingApi(const ApiContext& ctx) : ctx_(ctx) {}

  std::vector<Endpoint> Endpoints() {
    auto self = shared_from_this();
    auto bind = [self](Response (SharingApi::*fn)(Request&)) {
      return [self, fn](Request& r) { return ((*self).*fn)(r); };
    };
    const std::vector<Param> id = {{"id", "path", "string", true, "request id"}};
    const std::vector<Param> grant = {{"id", "path", "string", true, "grant id"}};
    return {
        {Method::kPost,
         "/api/v1/share/requests",
         "Request a catalog resource: unconditional resources are granted at once, "
         "conditional ones wait for the provider's approvers, not-shared ones are refused",
         "sharing",
         {},
         "{\"resource\": \"101001001/000001\", \"purpose\": \"低保资格核查\", \"fields\": "
         "[\"xm\", \"sfzh\"], \"days\": 90, \"delivery_mode\": \"api\", \"emergency\": false}",
         false,
         bind(&SharingApi::File)},
        {Method::kGet, "/api/v1/share/requests",
         "Requests: your own (box=mine), those you may decide (box=inbox), or both (box=all)",
         "sharing",
         Concat({{"box", "query", "string", false, "mine (default), inbox or all"},
                 {"state", "query", "string", false, "pending, approved or rejected"},
                 {"overdue", "query", "string", false, "true: only pending requests past their deadline"}},
                PageParams()),
         nullptr, false, bind(&SharingApi::List)},
        {Method::kGet, "/api/v1/share/requests/{id}", "A request", "sharing", id, nullptr, false,
         bind(&SharingApi::Show)},
        {Method::kPost, "/api/v1/share/requests/{id}/approve",
         "Approve a pending request, possibly with fewer fields, fewer days or a smaller "
         "privacy budget; creates the grant",
         "sharing", id,
         "{\"fields\": [\"xm\"], \"days\": 30, \"privacy_budget\": 1.0, \"note\": \"...\"} "
         "(all optional)",
         false, bind(&SharingApi::Approve)},
        {Method::kPost, "/api/v1/share/requests/{id}/reject", "Reject a pending request",
         "sharing", id, "{\"reason\": \"...\"}", false, bind(&SharingApi::Reject)},
        {Method::kGet, "/api/v1/share/grants",
         "Sharing grants: those you hold (box=mine) or those on your department's resources "
         "(box=provided)",
         "sharing", {{"box", "query", "string", false, "mine (default) or provided"}}, nullptr,
         false, bind(&SharingApi::Grants)},
        {Method::kDelete, "/api/v1/share/grants/{id}",
         "Revoke a sharing grant (its holder, the provider's approvers or an admin)", "sharing",
         grant, nullptr, false, bind(&SharingApi::Revoke)},
        {Method::kGet, "/api/v1/share/grants/{id}/download",
         "File delivery of a grant you hold (delivery mode file): its fields, masked for "
         "you, as CSV, JSON or XLSX; audited",
         "sharing",
         Concat(grant, {{"format", "query", "string", false, "csv (default), json or xlsx"}}),
         nullptr, false, bind(&SharingApi::Download)},
    };
  }

 private:
  Response File(Request& req) {
    TRY_ASSIGN(json body, JsonBody(req));
    share::RequestInput input;
    TRY_ASSIGN(auto resource, OptionalString(body, "resource"));
    TRY_ASSIGN(auto purpose, OptionalString(body, "purpose"));
    TRY_ASSIGN(auto mode, OptionalString(body, "delivery_mode"));
    TRY_ASSIGN(input.fields, StringList(body, "fields"));
    TRY_ASSIGN(input.days, OptionalDays(body, input.days));
    TRY_ASSIGN(input.emergency, OptionalBool(body, "emergency"));
    TRY_ASSIGN(auto budget, OptionalNumber(body, "privacy_budget"));
    if (!resource) return ErrorResponse(InvalidArgument("field 'resource' (id or code) is required"));
    input.resource = *resource;
    input.purpose = purpose.value_or("");
    input.delivery_mode = mode.value_or("api");
    input.privacy_budget = budget.value_or(0);
    TRY_ASSIGN(auto request, ctx_.sharing->Request(Caller(req), input));
    return JsonResponse(share::ToJson(request, NowIso()), 201);
  }

  Response List(Request& req) {
    share::RequestQuery query;
    query.box = req.Query("box", "mine");
    query.state = req.Query("state");
    query.overdue_only = req.Query("overdue") == "true";
    TRY_ASSIGN(query.limit, LimitParam(req, 50));
    TRY_ASSIGN(query.offset, OffsetParam(req));
    TRY_ASSIGN(auto page, ctx_.sharing->List(Caller(req), query));
    std::string now = NowIso();
    json items = json::array();
    for (const auto& r : page.items) items.push_back(share::ToJson(r, now));
    return JsonResponse(PageJson(items, page.total, query.limit, query.offset));
  }

  Response Show(Request& req) {
    TRY_ASSIGN(auto request, ctx_.sharing->Get(Caller(req), req.path_params["id"]));
    return JsonResponse(share::ToJson(request, NowIso()));
  }

  Response Approve(Request& req) {
    share::ApproveInput input;
    if (!req.body.empty()) {
      TRY_ASSIGN(json body, JsonBody(req));
      TRY_ASSIGN(input.fields, StringList(body, "fields"));
      TRY_ASSIGN(input.days, OptionalDays(body, 0));
      TRY_ASSIGN(input.privacy_budget, OptionalNumber(body, "privacy_budget"));
      TRY_ASSIGN(auto note, OptionalString(body, "note"));
      input.note = note.value_or("");
    }
    TRY_ASSIGN(auto request, ctx_.sharing->Approve(Caller(req), req.path_params["id"], input));
    return JsonResponse(share::ToJson(request, NowIso()));
  }

  Response Reject(Request& req) {
    TRY_ASSIGN(json body, JsonBody(req));
    TRY_ASSIGN(auto reason, OptionalString(body, "reason"));
    TRY_ASSIGN(auto request,
               ctx_.sharing->Reject(Caller(req), req.path_params["id"], reason.value_or("")));
    return JsonResponse(share::ToJson(request, NowIso()));
  }

  Response Grants(Request& req) {
    TRY_ASSIGN(auto grants, ctx_.sharing->Grants(Caller(req), req.Query("box", "mine")));
    json items = json::array();
    for (const auto& g : grants) items.push_back(SharedGrantJson(g, *ctx_.identity));
    return JsonResponse({{"items", items}, {"total", items.size()}});
  }

  Response Revoke(Request& req) {
    TRY_ASSIGN(auto grant, ctx_.sharing->Revoke(Caller(req), req.path_params["id"]));
    return JsonResponse(SharedGrantJson(grant, *ctx_.identity));
  }

  Response Download(Request& req) {
    TRY_ASSIGN(auto format, share::ParseFileFormat(req.Query("format", "csv")));
    auto started = ctx_.sharing->Deliver(Caller(req), req.path_params["id"]);
    if (!started.ok()) {
      // Refusals are audited here: the guard leaves data reads to their handlers.
      bool denied = started.status().code() == ErrorCode::kPermissionDenied;
      Audit(ctx_, req, "data.read", "grant " + req.path_params["id"],
            denied ? audit::Outcome::kDenied : audit::Outcome::kError,
            "file delivery refused: " + started.status().message());
      return ErrorResponse(started.status());
    }
    share::Delivery delivery = std::move(*started);
    const storage::GrantRecord& g = delivery.grant.grant;
    std::string filename = (delivery.grant.resource_code.empty() ? g.dataset.name
                                                                 : delivery.grant.resource_code) +
                           std::string(share::FileExtension(format));
    std::replace(filename.begin(), filename.end(), '/', '-');
    // The read is audited when the cursor goes, with the rows that were sent.
    std::shared_ptr<storage::RowCursor> rows =
        AuditedRead(ctx_, req, g.dataset.ToString(),
                    "file delivery of grant " + g.id + " as " + filename, std::move(delivery.rows));
    Response r;
    r.content_type = std::string(share::FileContentType(format));
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + filename + "\"");
    r.stream = [rows, columns = delivery.columns, format, sheet = g.dataset.name](
                   const ChunkWriter& write) -> Status {
      auto written = share::WriteFile(
          format, columns, [&rows](std::vector<Value>& row) { return rows->Next(row); }, write,
          sheet);
      return written.status();
    };
    return r;
  }

  const ApiContext& ctx_;
};

}  // namespace

std::vector<Endpoint> SharingEndpoints(const ApiContext& context) {
  return std::make_shared<SharingApi>(context)->Endpoints();
}

}  // namespace citydata::http
