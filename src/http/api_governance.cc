// The governance section of the API: data standards, field mapping, standardization,
// quality plans, runs, issues and the release of quarantined ingests.
#include <sstream>

#include "catalog/catalog_json.h"
#include "core/csv.h"
#include "core/json_util.h"
#include "http/api_access.h"
#include "http/api_sections.h"
#include "http/api_support.h"
#include "quality/rule.h"
#include "standards/code_tables.h"
#include "standards/data_elements.h"
#include "storage/meta_store.h"

namespace citydata::http {
namespace {

using nlohmann::json;

Response TextResponse(std::string body, std::string content_type) {
  Response r;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

json MappingJson(const std::vector<storage::ColumnMappingRecord>& mappings) {
  json out = json::array();
  for (const auto& m : mappings) {
    out.push_back({{"column", m.column},
                   {"element", m.element_id},
                   {"confidence", m.confidence},
                   {"evidence", m.evidence},
                   {"confirmed", m.confirmed}});
  }
  return out;
}

json RunSummaryJson(const storage::QualityRunRecord& r) {
  return {{"run_id", r.id},
          {"trigger", r.trigger},
          {"job_id", r.job_id},
          {"started_at", r.started_at},
          {"finished_at", r.finished_at},
          {"score", r.score}};
}

class GovernanceApi : public std::enable_shared_from_this<GovernanceApi> {
 public:
  explicit GovernanceApi(const ApiContext& ctx) : ctx_(ctx) {}

  std::vector<Endpoint> Endpoints() {
    auto self = shared_from_this();
    auto bind = [self](Response (GovernanceApi::*fn)(Request&)) {
      return [self, fn](Request& r) { return ((*self).*fn)(r); };
    };
    const std::vector<Param> dataset = DatasetParams();
    return {
        {Method::kGet,
         "/api/v1/standards/elements",
         "Data elements (built in and user-defined)",
         "standards",
         {{"search", "query", "string", false, "substring of id, name, definition, synonyms"},
          {"format", "query", "string", false, "json (default) or csv"}},
         nullptr,
         false,
         bind(&GovernanceApi::Elements)},
        {Method::kPost,
         "/api/v1/standards/elements",
         "Add, change or import data elements",
         "standards",
         {{"format", "query", "string", false, "json (default: an array of elements) or csv"}},
         "[{\"id\": \"...\", \"name\": \"...\", \"data_type\": \"text\", ...}] or CSV",
         false,
         bind(&GovernanceApi::PutElements)},
        {Method::kGet,
         "/api/v1/standards/code-tables",
         "Code tables",
         "standards",
         {},
         nullptr,
         false,
         bind(&GovernanceApi::CodeTables)},
        {Method::kGet,
         "/api/v1/standards/code-tables/{id}",
         "One code table",
         "standards",
         {{"id", "path", "string", true, "e.g. GB/T 2261.1 (percent-encode the /)"},
          {"format", "query", "string", false, "json (default) or csv"}},
         nullptr,
         false,
         bind(&GovernanceApi::CodeTable)},
        {Method::kPut,
         "/api/v1/standards/code-tables/{id}",
         "Add or replace a code table",
         "standards",
         {{"id", "path", "string", true, "table id"},
          {"format", "query", "string", false, "json (default) or csv (code,name[,synonyms])"},
          {"name", "query", "string", false, "table name, for csv"}},
         "{\"id\", \"name\", \"entries\": [{\"code\", \"name\", \"synonyms\"}]} or CSV",
         false,
         bind(&GovernanceApi::PutCodeTable)},
        {Method::kGet, "/api/v1/datasets/{zone}/{name}/mapping",
         "The stored column → data element mapping and fresh suggestions", "standards", dataset,
         nullptr, false, bind(&GovernanceApi::Mapping)},
        {Method::kPut, "/api/v1/datasets/{zone}/{name}/mapping", "Confirm the mapping", "standards",
         dataset, "{\"mappings\": [{\"column\": \"sfzh\", \"element\": \"id_number\"}]}", false,
         bind(&GovernanceApi::PutMapping)},
        {Method::kPost, "/api/v1/datasets/{zone}/{name}/standardize",
         "Build a std dataset from this one by its mapping", "standards", dataset,
         "{\"target\": \"std.household_registry\"}", false, bind(&GovernanceApi::Standardize)},
        {Method::kPost,
         "/api/v1/quality/plans",
         "Apply a quality plan (YAML or JSON)",
         "quality",
         {},
         "the plan text: dataset, key, rules",
         false,
         bind(&GovernanceApi::ApplyPlan)},
        {Method::kGet, "/api/v1/datasets/{zone}/{name}/quality/plan", "The dataset's quality plan",
         "quality", dataset, nullptr, false, bind(&GovernanceApi::GetPlan)},
        {Method::kPost, "/api/v1/datasets/{zone}/{name}/quality/runs", "Run the quality plan",
         "quality", dataset, nullptr, false, bind(&GovernanceApi::Run)},
        {Method::kGet, "/api/v1/datasets/{zone}/{name}/quality/runs",
         "Quality runs, newest first (the score trend)", "quality",
         Concat(dataset, {{"limit", "query", "integer", false, "most recent first"}}), nullptr,
         false, bind(&GovernanceApi::Runs)},
        {Method::kGet, "/api/v1/datasets/{zone}/{name}/quality/runs/{run}",
         "One run's full result ('latest' for the newest)", "quality",
         Concat(dataset, {{"run", "path", "string", true, "run id or latest"}}), nullptr, false,
         bind(&GovernanceApi::GetRun)},
        {Method::kGet, "/api/v1/datasets/{zone}/{name}/quality/issues",
         "Failing rows of a run (the issue list)", "quality",
         Concat(Concat(dataset, {{"run", "query", "string", false, "run id (default: latest)"},
                                 {"rule", "query", "string", false, "one rule's rows"},
                                 {"format", "query", "string", false, "json (default) or csv"}}),
                PageParams()),
         nullptr, false, bind(&GovernanceApi::Issues)},
        {Method::kGet, "/api/v1/datasets/{zone}/{name}/quality/report",
         "A run as a self-contained HTML report", "quality",
         Concat(dataset, {{"run", "query", "string", false, "run id (default: latest)"}}),
         nullptr, false, bind(&GovernanceApi::Report)},
        {Method::kGet, "/api/v1/datasets/{zone}/{name}/quality/suggest",
         "Rules suggested from the profile, as a YAML plan", "quality", dataset, nullptr, false,
         bind(&GovernanceApi::Suggest)},
        {Method::kPost,
         "/api/v1/jobs/{id}/release",
         "Publish a quarantined ingest's batch",
         "quality",
         {{"id", "path", "string", true, "job id"}},
         nullptr,
         false,
         bind(&GovernanceApi::Release)},
        {Method::kPost,
         "/api/v1/jobs/{id}/discard",
         "Drop a quarantined ingest's batch",
         "quality",
         {{"id", "path", "string", true, "job id"}},
         nullptr,
         false,
         bind(&GovernanceApi::Discard)},
    };
  }

 private:
  Response Elements(Request& req) {
    TRY_ASSIGN(auto elements, ctx_.standards->Elements(req.Query("search")));
    if (req.Query("format") == "csv") {
      return TextResponse(standards::DataElementsToCsv(elements), "text/csv; charset=utf-8");
    }
    json items = standards::DataElementsToJson(elements);
    return JsonResponse({{"items", items}, {"total", items.size()}});
  }

  Response PutElements(Request& req) {
    TRY_ASSIGN(auto elements,
               ctx_.standards->ImportElements(req.body, req.Query("format", "json")));
    return JsonResponse(
        {{"items", standards::DataElementsToJson(elements)}, {"total", elements.size()}}, 201);
  }

  Response CodeTables(Request&) {
    TRY_ASSIGN(auto tables, ctx_.standards->CodeTables());
    json items = json::array();
    for (const auto& t : tables) {
      items.push_back({{"id", t.id}, {"name", t.name}, {"entries", t.entries.size()}});
    }
    return JsonResponse({{"items", items}, {"total", items.size()}});
  }

  Response CodeTable(Request& req) {
    TRY_ASSIGN(auto table, ctx_.standards->GetCodeTable(req.path_params["id"]));
    if (req.Query("format") == "csv") {
      return TextResponse(standards::CodeTableToCsv(table), "text/csv; charset=utf-8");
    }
    return JsonResponse(standards::CodeTableToJson(table));
  }

  Response PutCodeTable(Request& req) {
    const std::string& id = req.path_params["id"];
    standards::CodeTable table;
    if (req.Query("format") == "csv") {
      TRY_ASSIGN(table, standards::ParseCodeTableCsv(req.body, id, req.Query("name", id)));
    } else {
      TRY_ASSIGN(json body, JsonBody(req));
      body["id"] = id;
      TRY_ASSIGN(table, standards::CodeTableFromJson(body));
    }
    TRY(ctx_.standards->PutCodeTable(table));
    return JsonResponse(standards::CodeTableToJson(table), 201);
  }

  Response Mapping(Request& req) {
    TRY_ASSIGN(auto name, DatasetParam(req));
    TRY_ASSIGN(auto stored, ctx_.standards->Mapping(name));
    TRY_ASSIGN(auto suggested, ctx_.standards->SuggestMapping(name));
    return JsonResponse({{"dataset", name.ToString()},
                         {"stored", MappingJson(stored)},
                         {"suggested", MappingJson(suggested)}});
  }

  Response PutMapping(Request& req) {
    TRY_ASSIGN(auto name, DatasetParam(req));
    TRY_ASSIGN(json body, JsonBody(req));
    if (!body.contains("mappings") || !body["mappings"].is_array()) {
      return ErrorResponse(
          InvalidArgument("the body needs \"mappings\": [{\"column\", \"element\"}]"));
    }
    std::vector<storage::ColumnMappingRecord> mappings;
    for (const auto& m : body["mappings"]) {
      if (!m.is_object() || !m.value("column", json()).is_string() ||
          !m.value("element", json()).is_string()) {
        return ErrorResponse(
            InvalidArgument("each mapping needs string \"column\" and \"element\""));
      }
      mappings.push_back({m["column"], m["element"], 1.0, "confirmed by steward", true});
    }
    TRY(ctx_.standards->SaveMapping(name, mappings));
    TRY_ASSIGN(auto stored, ctx_.standards->Mapping(name));
    return JsonResponse({{"dataset", name.ToString()}, {"stored", MappingJson(stored)}});
  }

  Response Standardize(Request& req) {
    TRY_ASSIGN(auto source, DatasetParam(req));
    TRY_ASSIGN(json body, JsonBody(req));
    TRY_ASSIGN(auto target_text, OptionalString(body, "target"));
    TRY_ASSIGN(auto target, ParseDatasetName(target_text.value_or(""), Zone::kStd));
    TRY_ASSIGN(auto result, ctx_.standards->Standardize(source, target));
    // The new dataset is graded before anyone reads it, as an ingested one is.
    TRY(ctx_.classification->Classify(target).status());
    return JsonResponse(governance::ToJson(result), 201);
  }

  Response ApplyPlan(Request& req) {
    TRY_ASSIGN(auto plan, ctx_.quality->Apply(req.body));
    return JsonResponse(quality::ToJson(plan), 201);
  }

  Response GetPlan(Request& req) {
    TRY_ASSIGN(auto name, DatasetParam(req));
    TRY_ASSIGN(auto plan, ctx_.quality->Plan(name));
    json out = quality::ToJson(plan);
    out["yaml"] = quality::PlanToYaml(plan);
    return JsonResponse(out);
  }

  Response Run(Request& req) {
    TRY_ASSIGN(auto name, DatasetParam(req));
    TRY_ASSIGN(json run, ctx_.quality->Run(name, "manual", ""));
    TRY(WithholdSamples(req, name, run));
    return JsonResponse(run, 201);
  }

  Response Runs(Request& req) {
    TRY_ASSIGN(auto name, DatasetParam(req));
    TRY_ASSIGN(int64_t limit, LimitParam(req, 30));
    TRY_ASSIGN(auto runs, ctx_.quality->Runs(name, limit));
    json items = json::array();
    for (const auto& r : runs) items.push_back(RunSummaryJson(r));
    return JsonResponse({{"items", items}, {"total", items.size()}});
  }

  Response GetRun(Request& req) {
    TRY_ASSIGN(auto name, DatasetParam(req));
    std::string id = req.path_params["run"];
    TRY_ASSIGN(auto run, ctx_.quality->GetRun(name, id == "latest" ? "" : id));
    json result = json::parse(run.result_json, nullptr, false);
    if (result.is_discarded()) {
      return ErrorResponse(Internal("the stored result of run " + run.id + " is not JSON"));
    }
    TRY(WithholdSamples(req, name, result));
    return JsonResponse(result);
  }

  Response Issues(Request& req) {
    TRY_ASSIGN(auto name, DatasetParam(req));
    bool csv = req.Query("format") == "csv";
    TRY_ASSIGN(int64_t limit, LimitParam(req, csv ? 100000 : 100));
    TRY_ASSIGN(int64_t offset, OffsetParam(req));
    TRY_ASSIGN(auto page,
               ctx_.quality->Issues(name, req.Query("run"), req.Query("rule"), limit, offset));
    TRY_ASSIGN(auto view, ctx_.access->Resolve(Caller(req), name));
    if (view.masked()) {
      // The offending values are the dataset's own; a reader who sees any column masked
      // gets the rows to look at, not the values.
      for (auto& i : page.items) {
        i.key = kWithheld;
        i.value = kWithheld;
      }
    }
    Audit(ctx_, req, "data.read", name.ToString(), audit::Outcome::kAllowed, "quality issues",
          static_cast<int64_t>(page.items.size()));
    if (csv) {
      std::string out = "run_id,rule_id,row_id,key,value\r\n";
      for (const auto& i : page.items) {
        out += CsvField(i.run_id) + "," + CsvField(i.rule_id) + "," + std::to_string(i.row_id) +
               "," + CsvField(i.key) + "," + CsvField(i.value) + "\r\n";
      }
      return TextResponse(std::move(out), "text/csv; charset=utf-8");
    }
    json items = json::array();
    for (const auto& i : page.items) {
      items.push_back(
          {{"rule_id", i.rule_id}, {"row_id", i.row_id}, {"key", i.key}, {"value", i.value}});
    }
    json out = PageJson(items, page.total, limit, offset);
    out["run_id"] = page.run_id;
    return JsonResponse(out);
  }

  Response Report(Request& req) {
    TRY_ASSIGN(auto name, DatasetParam(req));
    TRY(RequireUnmasked(req, name));
    Audit(ctx_, req, "data.read", name.ToString(), audit::Outcome::kAllowed, "quality report");
    TRY_ASSIGN(std::string html, ctx_.quality->Report(name, req.Query("run")));
    return TextResponse(std::move(html), "text/html; charset=utf-8");
  }

  Response Suggest(Request& req) {
    TRY_ASSIGN(auto name, DatasetParam(req));
    TRY(RequireUnmasked(req, name));
    Audit(ctx_, req, "data.read", name.ToString(), audit::Outcome::kAllowed, "rule suggestions");
    TRY_ASSIGN(std::string yaml, ctx_.quality->Suggest(name));
    return TextResponse(std::move(yaml), "application/yaml; charset=utf-8");
  }

  Response Release(Request& req) {
    TRY_ASSIGN(auto job, ctx_.ingest->Release(req.path_params["id"]));
    return JsonResponse(catalog::ToJson(job));
  }

  Response Discard(Request& req) {
    TRY_ASSIGN(auto job, ctx_.ingest->Discard(req.path_params["id"]));
    return JsonResponse(catalog::ToJson(job));
  }

  // A run's samples quote the failing rows' values: a reader who may not read the
  // dataset, or sees any column masked, gets the counts and row ids without them.
  Status WithholdSamples(const Request& req, const DatasetName& name, json& run) {
    auto view = ctx_.access->Resolve(Caller(req), name);
    if (view.ok() && !view->masked()) return Status::Ok();
    if (!view.ok() && view.status().code() != ErrorCode::kPermissionDenied) {
      return view.status();
    }
    if (!run.contains("rules") || !run["rules"].is_array()) return Status::Ok();
    for (auto& rule : run["rules"]) {
      if (!rule.is_object() || !rule.contains("samples")) continue;
      for (auto& sample : rule["samples"]) {
        if (!sample.is_object() || !sample.contains("values")) continue;
        for (auto& value : sample["values"]) value = kWithheld;
      }
    }
    return Status::Ok();
  }

  // The report and the rule suggestions quote the dataset's values: only for readers
  // who see every column as stored.
  Status RequireUnmasked(const Request& req, const DatasetName& name) {
    ASSIGN_OR_RETURN(auto view, ctx_.access->Resolve(Caller(req), name));
    if (!view.masked()) return Status::Ok();
    return PermissionDenied("this page quotes values of " + name.ToString() +
                            " above your clearance; use the issues list instead");
  }

  static constexpr const char* kWithheld = "(masked)";
  const ApiContext& ctx_;
};

}  // namespace

std::vector<Endpoint> GovernanceEndpoints(const ApiContext& context) {
  return std::make_shared<GovernanceApi>(context)->Endpoints();
}

}  // namespace citydata::http
