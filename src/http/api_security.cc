// The security section of the API: classification and grading, the level and masking
// policies, static masking, the audit trail, detokenization and key rotation.
#include "audit/export.h"
#include "http/api_access.h"
#include "http/api_sections.h"
#include "http/api_support.h"

namespace citydata::http {
namespace {

using nlohmann::json;

class SecurityApi : public std::enable_shared_from_this<SecurityApi> {
 public:
  explicit SecurityApi(const ApiContext& ctx) : ctx_(ctx) {}

  std::vector<Endpoint> Endpoints() {
    auto self = shared_from_this();
    auto bind = [self](Response (SecurityApi::*fn)(Request&)) {
      return [self, fn](Request& r) { return ((*self).*fn)(r); };
    };
    const std::vector<Param> none;
    const std::vector<Param> dataset = DatasetParams();
    return {
        {Method::kGet, "/api/v1/datasets/{zone}/{name}/classification",
         "The dataset's classification: each column's category, level, confidence and evidence, "
         "and the dataset's grade",
         "classification", dataset, nullptr, false, bind(&SecurityApi::Classification)},
        {Method::kPost, "/api/v1/datasets/{zone}/{name}/classification",
         "Classify and grade the dataset now", "classification", dataset, nullptr, false,
         bind(&SecurityApi::Classify)},
        {Method::kPut, "/api/v1/datasets/{zone}/{name}/classification/{column}",
         "Confirm or override a column's category and level (with a reason)", "classification",
         Concat(dataset, {{"column", "path", "string", true, "column name"}}),
         "{\"category\": \"mobile\", \"level\": \"general-3\", \"reason\": \"...\"}", false,
         bind(&SecurityApi::Decide)},
        {Method::kGet, "/api/v1/policies/levels",
         "The category → level policy in force and its history", "classification", none, nullptr,
         false, bind(&SecurityApi::LevelPolicy)},
        {Method::kPut, "/api/v1/policies/levels",
         "Store a new version of the level policy (re-grades every dataset)", "classification",
         none, "{\"version\": \"...\", \"levels\": {\"id_card\": \"general-4\", ...}}", false,
         bind(&SecurityApi::PutLevelPolicy)},
        {Method::kGet, "/api/v1/policies/masking", "The masking policy in force", "masking", none,
         nullptr, false, bind(&SecurityApi::MaskingPolicy)},
        {Method::kPut, "/api/v1/policies/masking", "Store a new version of the masking policy",
         "masking", none, "{\"version\": 2, \"rules\": [...]}", false,
         bind(&SecurityApi::PutMaskingPolicy)},
        {Method::kPost, "/api/v1/datasets/{zone}/{name}/mask",
         "Write a statically masked copy of the dataset", "masking", dataset,
         "{\"to\": \"std.people_masked\", \"role\": \"consumer\", \"clearance\": \"general-1\"}",
         false, bind(&SecurityApi::MaskCopy)},
        {Method::kGet, "/api/v1/audit", "Audit records, newest first", "audit",
         Concat({{"user", "query", "string", false, "actor"},
                 {"dataset", "query", "string", false, "target dataset (zone.name)"},
                 {"action", "query", "string", false, "e.g. data.read, login"},
                 {"outcome", "query", "string", false, "allowed, denied or error"},
                 {"since", "query", "string", false, "ISO 8601 UTC"},
                 {"until", "query", "string", false, "ISO 8601 UTC"}},
                PageParams()),
         nullptr, false, bind(&SecurityApi::AuditList)},
        {Method::kGet, "/api/v1/audit/export", "Every audit record in order", "audit",
         {{"format", "query", "string", false, "ndjson (default) or csv"}}, nullptr, false,
         bind(&SecurityApi::AuditExport)},
        {Method::kGet, "/api/v1/audit/verify",
         "Recheck the hash chain (with an anchor, also detect a truncated tail)", "audit",
         {{"anchor", "query", "string", false, "{\"seq\": N, \"hash\": \"...\"} from /audit/anchor"}},
         nullptr, false, bind(&SecurityApi::AuditVerify)},
        {Method::kGet, "/api/v1/audit/anchor", "The chain head, to keep elsewhere as an anchor",
         "audit", none, nullptr, false, bind(&SecurityApi::AuditAnchor)},
        {Method::kPost, "/api/v1/detokenize", "Recover the values of tokens or ciphertexts",
         "masking", none, "{\"values\": [\"tk1_...\", \"enc1_...\"]}", false,
         bind(&SecurityApi::Detokenize)},
        {Method::kPost, "/api/v1/keys/rotate",
         "Re-wrap the data keys under a new master key, or add a data key version", "masking",
         none, "{\"which\": \"master\" | \"data\"}", false, bind(&SecurityApi::RotateKeys)},
    };
  }

 private:
  Response Classification(Request& req) {
    TRY_ASSIGN(auto name, DatasetParam(req));
    TRY_ASSIGN(auto grade, ctx_.classification->Get(name));
    if (!grade) {
      return ErrorResponse(NotFound(name.ToString() + " has not been classified yet"));
    }
    return JsonResponse(governance::ToJson(*grade));
  }

  Response Classify(Request& req) {
    TRY_ASSIGN(auto name, DatasetParam(req));
    TRY_ASSIGN(auto grade, ctx_.classification->Classify(name));
    return JsonResponse(governance::ToJson(grade));
  }

  Response Decide(Request& req) {
    TRY_ASSIGN(auto name, DatasetParam(req));
    TRY_ASSIGN(json body, JsonBody(req));
    TRY_ASSIGN(auto category, OptionalString(body, "category"));
    TRY_ASSIGN(auto level, OptionalString(body, "level"));
    TRY_ASSIGN(auto reason, OptionalString(body, "reason"));
    TRY_ASSIGN(auto grade, ctx_.classification->Decide(
                               name, req.path_params["column"], category.value_or(""),
                               level.value_or(""), reason.value_or(""), Caller(req).name));
    return JsonResponse(governance::ToJson(grade));
  }

  Response LevelPolicy(Request&) {
    TRY_ASSIGN(auto policy, ctx_.classification->CurrentPolicy());
    TRY_ASSIGN(auto history, ctx_.classification->PolicyHistory());
    return JsonResponse({{"policy", policy.ToJson()}, {"history", history}});
  }

  Response PutLevelPolicy(Request& req) {
    TRY_ASSIGN(auto policy, ctx_.classification->PutPolicy(req.body));
    return JsonResponse(policy.ToJson());
  }

  Response MaskingPolicy(Request&) {
    TRY_ASSIGN(auto policy, ctx_.access->CurrentMaskingPolicy());
    return JsonResponse(policy.ToJson());
  }

  Response PutMaskingPolicy(Request& req) {
    TRY_ASSIGN(auto policy, ctx_.access->PutMaskingPolicy(req.body));
    return JsonResponse(policy.ToJson());
  }

  Response MaskCopy(Request& req) {
    TRY_ASSIGN(auto source, DatasetParam(req));
    TRY_ASSIGN(json body, JsonBody(req));
    TRY_ASSIGN(auto to, OptionalString(body, "to"));
    TRY_ASSIGN(auto role_name, OptionalString(body, "role"));
    TRY_ASSIGN(auto clearance_name, OptionalString(body, "clearance"));
    TRY_ASSIGN(auto target, ParseDatasetName(to.value_or("")));
    auto role = security::ParseRole(role_name.value_or("consumer"));
    if (!role) return ErrorResponse(InvalidArgument("unknown role '" + *role_name + "'"));
    TRY_ASSIGN(Level clearance, ParseLevel(clearance_name.value_or("general-1")));
    TRY_ASSIGN(auto result, ctx_.access->MaskCopy(source, target, *role, clearance));
    json columns = json::array();
    for (const auto& c : result.columns) {
      columns.push_back({{"name", c.name},
                         {"category", c.category},
                         {"level", LevelName(c.level)},
                         {"operator", c.op.ToString()}});
    }
    return JsonResponse({{"source", source.ToString()},
                         {"target", target.ToString()},
                         {"rows", result.rows},
                         {"columns", columns}},
                        201);
  }

  Response AuditList(Request& req) {
    storage::AuditFilter filter;
    filter.actor = req.Query("user");
    filter.target = req.Query("dataset");
    filter.action = req.Query("action");
    filter.outcome = req.Query("outcome");
    filter.since = req.Query("since");
    filter.until = req.Query("until");
    TRY_ASSIGN(filter.limit, LimitParam(req, 100));
    TRY_ASSIGN(filter.offset, OffsetParam(req));
    TRY_ASSIGN(auto page, ctx_.audit->List(filter));
    json items = json::array();
    for (const auto& r : page.items) items.push_back(audit::RecordToJson(r));
    return JsonResponse(PageJson(items, page.total, filter.limit, filter.offset));
  }

  Response AuditExport(Request& req) {
    TRY_ASSIGN(auto format, audit::ParseExportFormat(req.Query("format", "ndjson")));
    Response r;
    r.content_type = format == audit::ExportFormat::kCsv ? "text/csv; charset=utf-8"
                                                         : "application/x-ndjson";
    audit::AuditLog* log = ctx_.audit;
    r.stream = [log, format](const ChunkWriter& write) {
      return log->Export(
          [&](std::string_view piece) {
            return write(piece) ? Status::Ok() : Unavailable("the client went away");
          },
          format);
    };
    return r;
  }

  Response AuditVerify(Request& req) {
    std::optional<audit::Anchor> anchor;
    if (!req.Query("anchor").empty()) {
      TRY_ASSIGN(anchor, audit::ParseAnchor(req.Query("anchor")));
    }
    TRY_ASSIGN(auto report, ctx_.audit->Verify(anchor));
    json out = {{"ok", report.ok}, {"records", report.records}};
    if (!report.ok) {
      out["first_bad_seq"] = report.first_bad_seq;
      out["reason"] = report.reason;
    }
    return JsonResponse(out);
  }

  Response AuditAnchor(Request&) {
    TRY_ASSIGN(auto anchor, ctx_.audit->Head());
    return JsonResponse(json::parse(audit::AnchorToJson(anchor)));
  }

  Response Detokenize(Request& req) {
    TRY_ASSIGN(json body, JsonBody(req));
    if (!body.contains("values") || !body["values"].is_array()) {
      return ErrorResponse(InvalidArgument("field 'values' must be an array of strings"));
    }
    auto masker = ctx_.masker();
    json items = json::array();
    for (const auto& v : body["values"]) {
      if (!v.is_string()) return ErrorResponse(InvalidArgument("every value must be a string"));
      std::string text = v.get<std::string>();
      auto value = text.starts_with("enc") ? masker->Decrypt(text) : masker->Detokenize(text);
      if (value.ok()) {
        items.push_back({{"input", text}, {"value", *value}});
      } else {
        items.push_back({{"input", text}, {"error", value.status().message()}});
      }
    }
    Audit(ctx_, req, "detokenize", "", audit::Outcome::kAllowed,
          std::to_string(items.size()) + " values", static_cast<int64_t>(items.size()));
    return JsonResponse({{"items", items}});
  }

  Response RotateKeys(Request& req) {
    TRY_ASSIGN(json body, JsonBody(req));
    TRY_ASSIGN(auto which, OptionalString(body, "which"));
    TRY(ctx_.rotate_keys(which.value_or("master")));
    return JsonResponse({{"rotated", which.value_or("master")}});
  }

  const ApiContext& ctx_;
};

}  // namespace

std::vector<Endpoint> SecurityEndpoints(const ApiContext& context) {
  return std::make_shared<SecurityApi>(context)->Endpoints();
}

}  // namespace citydata::http
