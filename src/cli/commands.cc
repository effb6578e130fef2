#include "cli/commands.h"

#include <filesystem>
#include <iostream>

#include "cli/governance_commands.h"
#include "cli/query_command.h"
#include "cli/sandbox_commands.h"
#include "cli/security_commands.h"
#include "cli/services_commands.h"
#include "cli/session.h"
#include "cli/share_commands.h"
#include "core/json_util.h"
#include "core/types.h"

namespace citydata::cli {
namespace {

using nlohmann::json;

// --- commands ---------------------------------------------------------------------------

void AddDepts(CLI::App& app, GlobalOptions& g) {
  auto* depts = app.add_subcommand("depts", "List departments, or add one (depts add CODE NAME)");
  depts->callback([&g, depts] {
    if (!depts->get_subcommands().empty()) return;
    Run(g, [](Session& s) -> Status {
      ASSIGN_OR_RETURN(json r, s.Call("GET", "/api/v1/departments"));
      if (s.format() == OutputFormat::kJson) return PrintJson(r), Status::Ok();
      std::vector<std::vector<std::string>> rows;
      for (const auto& d : r["items"]) rows.push_back({d["code"], d["name"], d["created_at"]});
      PrintRows({"code", "name", "created_at"}, rows, s.format());
      return Status::Ok();
    });
  });
  auto* add = depts->add_subcommand("add", "Add a department");
  auto code = std::make_shared<std::string>();
  auto name = std::make_shared<std::string>();
  add->add_option("code", *code, "department code, e.g. gaj")->required();
  add->add_option("name", *name, "department name, e.g. 市公安局")->required();
  add->callback([&g, code, name] {
    Run(g, [&](Session& s) -> Status {
      ASSIGN_OR_RETURN(json r,
                       s.Call("POST", "/api/v1/departments", {{"code", *code}, {"name", *name}}));
      if (s.format() == OutputFormat::kJson) return PrintJson(r), Status::Ok();
      std::cout << "added department " << *code << " " << *name << "\n";
      return Status::Ok();
    });
  });
}

struct IngestArgs {
  std::string file, dataset, dept, title, input_format, encoding = "auto", mode = "append",
                                                        batch_id;
};

void PrintIngestResult(const json& r) {
  PrintFields({{"job", CellText(r["job_id"])},
               {"dataset", CellText(r["dataset"])},
               {"state", CellText(r["state"])},
               {"rows read", CellText(r["rows_read"])},
               {"rows loaded", CellText(r["rows_loaded"])},
               {"rows rejected", CellText(r["rows_rejected"])},
               {"encoding", CellText(r["encoding"])},
               {"reconciled", CellText(r["reconciled"])},
               {"seconds", CellText(r["seconds"])}});
  if (r.value("rows_rejected", 0) > 0) {
    std::cout << "see the rejected rows with: citydata rejects " << CellText(r["dataset"]) << "\n";
  }
}

void AddIngest(CLI::App& app, GlobalOptions& g) {
  auto* cmd = app.add_subcommand("ingest", "Stream a file into a dataset of the raw zone");
  auto a = std::make_shared<IngestArgs>();
  cmd->add_option("file", a->file, "CSV, TSV, JSON or NDJSON file")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--dataset", a->dataset, "dataset name (raw.NAME or NAME)")->required();
  cmd->add_option("--dept", a->dept, "owner department code (required for a new dataset)");
  cmd->add_option("--title", a->title, "Chinese title, e.g. 户籍人口信息");
  cmd->add_option("--input-format", a->input_format,
                  "csv|tsv|json|ndjson (default: from the file name)")
      ->check(CLI::IsMember({"csv", "tsv", "json", "ndjson"}));
  cmd->add_option("--encoding", a->encoding, "auto|utf-8|gb18030")
      ->check(CLI::IsMember({"auto", "utf-8", "utf8", "gb18030", "gbk"}));
  cmd->add_option("--mode", a->mode, "append|replace")->check(CLI::IsMember({"append", "replace"}));
  cmd->add_option("--batch-id", a->batch_id, "idempotency key: re-sending the same id is a no-op");
  cmd->callback([&g, a] {
    Run(g, [&](Session& s) -> Status {
      ASSIGN_OR_RETURN(std::string path, DatasetApiPath(a->dataset));
      std::string target =
          path + "/ingest" +
          QueryString({{"filename", std::filesystem::path(a->file).filename().string()},
                       {"dept", a->dept},
                       {"title", a->title},
                       {"format", a->input_format},
                       {"encoding", a->encoding},
                       {"mode", a->mode},
                       {"batch_id", a->batch_id}});
      // The answer comes once the server has loaded the file, which takes a while for
      // large files; only a stall of the connection itself should time out.
      s.client().set_timeout(std::chrono::hours(1));
      ProgressBar bar("上传 upload");
      auto r = s.client().Upload("POST", target, a->file, [&bar](uint64_t done, uint64_t total) {
        bar.Update(done, total);
      });
      bar.Finish();
      if (!r.ok()) return r.status();
      ASSIGN_OR_RETURN(json result, Session::Decode(*r));
      if (s.format() == OutputFormat::kJson) return PrintJson(result), Status::Ok();
      PrintIngestResult(result);
      return Status::Ok();
    });
  });
}

void AddDatasets(CLI::App& app, GlobalOptions& g) {
  auto* cmd = app.add_subcommand("datasets", "Search the catalog");
  auto f = std::make_shared<std::array<std::string, 5>>();
  (*f)[3] = "50";
  (*f)[4] = "0";
  cmd->add_option("--search", (*f)[0], "substring of names, titles, descriptions or columns");
  cmd->add_option("--zone", (*f)[1], "raw|std|fact|theme");
  cmd->add_option("--dept", (*f)[2], "owner department code");
  cmd->add_option("--limit", (*f)[3], "page size");
  cmd->add_option("--offset", (*f)[4], "rows to skip");
  cmd->callback([&g, f] {
    Run(g, [&](Session& s) -> Status {
      ASSIGN_OR_RETURN(json r,
                       s.Call("GET", "/api/v1/datasets" + QueryString({{"search", (*f)[0]},
                                                                       {"zone", (*f)[1]},
                                                                       {"dept", (*f)[2]},
                                                                       {"limit", (*f)[3]},
                                                                       {"offset", (*f)[4]}})));
      if (s.format() == OutputFormat::kJson) return PrintJson(r), Status::Ok();
      std::vector<std::vector<std::string>> rows;
      for (const auto& d : r["items"]) {
        rows.push_back({d["name"], d["title"], d["dept"], CellText(d["row_count"]),
                        CellText(d["columns"].size()), d["updated_at"]});
      }
      PrintRows({"name", "title", "dept", "rows", "columns", "updated_at"}, rows, s.format());
      if (s.format() == OutputFormat::kTable) {
        std::cout << rows.size() << " of " << CellText(r["total"]) << " datasets\n";
      }
      return Status::Ok();
    });
  });
}

std::string TopValues(const json& column) {
  std::string out;
  if (!column.contains("top_values")) return out;
  for (const auto& tv : column["top_values"]) {
    if (out.size() > 60) break;
    out += (out.empty() ? "" : ", ") + CellText(tv["value"]) + "(" + CellText(tv["count"]) + ")";
  }
  return out;
}

std::string JoinTags(const json& tags) {
  std::string out;
  for (const auto& t : tags) out += (out.empty() ? "" : ", ") + CellText(t);
  return out;
}

void AddShow(CLI::App& app, GlobalOptions& g) {
  AddDatasetCommand(app, g, "show", "A dataset's metadata and column profile",
                    [](Session& s, const std::string& path) -> Status {
                      ASSIGN_OR_RETURN(json d, s.Call("GET", path));
                      if (s.format() == OutputFormat::kJson) return PrintJson(d), Status::Ok();
                      PrintFields({{"name", CellText(d["name"])},
                                   {"title", CellText(d["title"])},
                                   {"description", CellText(d["description"])},
                                   {"dept", CellText(d["dept"])},
                                   {"tags", JoinTags(d["tags"])},
                                   {"update cycle", CellText(d["update_cycle"])},
                                   {"rows", CellText(d["row_count"])},
                                   {"bytes", CellText(d["bytes"])},
                                   {"version", CellText(d["version"])},
                                   {"updated", CellText(d["updated_at"])}});
                      std::cout << "\n";
                      std::vector<std::vector<std::string>> rows;
                      for (const auto& c : d["columns"]) {
                        rows.push_back({CellText(c["name"]), CellText(c["type"]),
                                        CellText(c.value("null_count", json())),
                                        CellText(c.value("distinct_count", json())),
                                        CellText(c.value("min", json())),
                                        CellText(c.value("max", json())), TopValues(c)});
                      }
                      PrintRows({"column", "type", "nulls", "distinct", "min", "max", "top values"},
                                rows, s.format());
                      return Status::Ok();
                    });
}

void AddRejects(CLI::App& app, GlobalOptions& g) {
  auto limit = std::make_shared<std::string>("100");
  auto offset = std::make_shared<std::string>("0");
  auto* cmd = AddDatasetCommand(
      app, g, "rejects", "Rejected rows of recent ingests",
      [limit, offset](Session& s, const std::string& path) -> Status {
        ASSIGN_OR_RETURN(json r,
                         s.Call("GET", path + "/rejects" +
                                           QueryString({{"limit", *limit}, {"offset", *offset}})));
        if (s.format() == OutputFormat::kJson) return PrintJson(r), Status::Ok();
        std::vector<std::vector<std::string>> rows;
        for (const auto& x : r["items"]) {
          rows.push_back({CellText(x["job_id"]), CellText(x["line"]), CellText(x["reason"]),
                          CellText(x["raw"])});
        }
        PrintRows({"job", "line", "reason", "raw"}, rows, s.format());
        if (s.format() == OutputFormat::kTable) {
          std::cout << rows.size() << " of " << CellText(r["total"]) << " rejected rows\n";
        }
        return Status::Ok();
      });
  cmd->add_option("--limit", *limit, "page size");
  cmd->add_option("--offset", *offset, "rows to skip");
}

void AddJobs(CLI::App& app, GlobalOptions& g) {
  AddDatasetCommand(
      app, g, "jobs", "Ingest history of a dataset",
      [](Session& s, const std::string& path) -> Status {
        ASSIGN_OR_RETURN(json r, s.Call("GET", path + "/jobs"));
        if (s.format() == OutputFormat::kJson) return PrintJson(r), Status::Ok();
        std::vector<std::vector<std::string>> rows;
        for (const auto& j : r["items"]) {
          json res = j.value("result", json::object());
          rows.push_back(
              {CellText(j["id"]), CellText(j["state"]), CellText(j["started_at"]),
               CellText(res.value("rows_read", json())), CellText(res.value("rows_loaded", json())),
               CellText(res.value("rows_rejected", json())), CellText(j.value("error", json()))});
        }
        PrintRows({"job", "state", "started", "read", "loaded", "rejected", "error"}, rows,
                  s.format());
        return Status::Ok();
      });
}

void AddDescribe(CLI::App& app, GlobalOptions& g) {
  auto* cmd = app.add_subcommand("describe", "Set a dataset's business metadata");
  struct Args {
    std::string name;
    std::optional<std::string> title, description, tags, cycle, dept;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("dataset", a->name, "ZONE.NAME")->required();
  cmd->add_option("--title", a->title, "Chinese title");
  cmd->add_option("--description", a->description, "what the data is");
  cmd->add_option("--tags", a->tags, "comma-separated tags");
  cmd->add_option("--update-cycle", a->cycle, "e.g. daily, monthly, 实时");
  cmd->add_option("--dept", a->dept, "owner department code");
  cmd->callback([&g, a] {
    Run(g, [&](Session& s) -> Status {
      ASSIGN_OR_RETURN(std::string path, DatasetApiPath(a->name));
      json patch = json::object();
      if (a->title) patch["title"] = *a->title;
      if (a->description) patch["description"] = *a->description;
      if (a->cycle) patch["update_cycle"] = *a->cycle;
      if (a->dept) patch["dept"] = *a->dept;
      if (a->tags) {
        json tags = json::array();
        std::stringstream ss(*a->tags);
        for (std::string t; std::getline(ss, t, ',');) {
          if (!t.empty()) tags.push_back(t);
        }
        patch["tags"] = tags;
      }
      ASSIGN_OR_RETURN(json r, s.Call("PATCH", path, patch));
      if (s.format() == OutputFormat::kJson) return PrintJson(r), Status::Ok();
      std::cout << "updated " << CellText(r["name"]) << "\n";
      return Status::Ok();
    });
  });
}

}  // namespace

void RegisterClientCommands(CLI::App& app, GlobalOptions& options) {
  AddDepts(app, options);
  AddIngest(app, options);
  AddDatasets(app, options);
  AddShow(app, options);
  AddRejects(app, options);
  AddJobs(app, options);
  AddDescribe(app, options);
  AddQueryCommand(app, options);
  AddStandardsCommands(app, options);
  AddQualityCommands(app, options);
  AddSecurityCommands(app, options);
  AddShareCommands(app, options);
  AddSharingCommands(app, options);
  AddSandboxCommands(app, options);
  AddServicesCommands(app, options);
}

}  // namespace citydata::cli
