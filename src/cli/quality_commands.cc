// `citydata quality ...`: plans, runs, issues, reports, suggestions, quarantine.
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/governance_commands.h"
#include "cli/session.h"
#include "core/types.h"

namespace citydata::cli {
namespace {

using nlohmann::json;

void PrintRun(const json& run) {
  std::cout << CellText(run["dataset"]) << "  run " << CellText(run["run_id"]) << "  score "
            << CellText(run["score"]) << "  rows " << CellText(run["rows"]) << "\n";
  std::string dims;
  for (const auto& [k, v] : run["dimensions"].items()) dims += k + " " + CellText(v) + "  ";
  std::cout << "dimensions: " << dims << "\n\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : run["rules"]) {
    rows.push_back({CellText(r["id"]), CellText(r["type"]), CellText(r["column"]),
                    CellText(r["severity"]), CellText(r["checked"]), CellText(r["failed"]),
                    CellText(r["failed_ratio"]), r.value("passed", true) ? "yes" : "NO"});
  }
  PrintRows({"rule", "type", "column", "severity", "checked", "failed", "ratio", "passed"}, rows,
            OutputFormat::kTable);
}

void AddJobCommand(CLI::App& parent, GlobalOptions& g, const std::string& name,
                   const std::string& help) {
  auto* cmd = parent.add_subcommand(name, help);
  auto job = std::make_shared<std::string>();
  cmd->add_option("job", *job, "the quarantined ingest job's id")->required();
  cmd->callback([&g, job, name] {
    Run(g, [&](Session& s) -> Status {
      ASSIGN_OR_RETURN(json r, s.Call("POST", "/api/v1/jobs/" + UrlEncode(*job) + "/" + name));
      if (s.format() == OutputFormat::kJson) return PrintJson(r), Status::Ok();
      std::cout << "job " << *job << " is now " << CellText(r["state"]) << "\n";
      return Status::Ok();
    });
  });
}

}  // namespace

void AddQualityCommands(CLI::App& app, GlobalOptions& g) {
  auto* quality = app.add_subcommand("quality", "Data quality: plans, runs, issues, reports");
  quality->require_subcommand(1);

  auto* apply = quality->add_subcommand("apply", "Apply a quality plan (YAML or JSON)");
  auto file = std::make_shared<std::string>();
  apply->add_option("file", *file, "plan.yaml")->required()->check(CLI::ExistingFile);
  apply->callback([&g, file] {
    Run(g, [&](Session& s) -> Status {
      ASSIGN_OR_RETURN(std::string text, ReadFile(*file));
      ASSIGN_OR_RETURN(HttpResult r, s.client().Request("POST", "/api/v1/quality/plans", text,
                                                        "application/yaml"));
      ASSIGN_OR_RETURN(json plan, Session::Decode(r));
      if (s.format() == OutputFormat::kJson) return PrintJson(plan), Status::Ok();
      std::cout << "applied " << plan["rules"].size() << " rules to " << CellText(plan["dataset"])
                << "\n";
      return Status::Ok();
    });
  });

  AddDatasetCommand(*quality, g, "run", "Evaluate the dataset's plan now",
                    [](Session& s, const std::string& path) -> Status {
                      s.client().set_timeout(std::chrono::hours(1));
                      ASSIGN_OR_RETURN(json run, s.Call("POST", path + "/quality/runs"));
                      if (s.format() == OutputFormat::kJson) return PrintJson(run), Status::Ok();
                      PrintRun(run);
                      return Status::Ok();
                    });

  AddDatasetCommand(
      *quality, g, "runs", "Quality runs and their scores (the trend)",
      [](Session& s, const std::string& path) -> Status {
        ASSIGN_OR_RETURN(json r, s.Call("GET", path + "/quality/runs"));
        if (s.format() == OutputFormat::kJson) return PrintJson(r), Status::Ok();
        std::vector<std::vector<std::string>> rows;
        for (const auto& x : r["items"]) {
          rows.push_back({CellText(x["run_id"]), CellText(x["started_at"]), CellText(x["trigger"]),
                          CellText(x["job_id"]), CellText(x["score"])});
        }
        PrintRows({"run", "started", "trigger", "job", "score"}, rows, s.format());
        return Status::Ok();
      });

  auto issue_args = std::make_shared<std::array<std::string, 4>>();
  (*issue_args)[2] = "100";
  (*issue_args)[3] = "0";
  auto* issues = AddDatasetCommand(
      *quality, g, "issues", "Failing rows of the latest run (or --run), per rule",
      [issue_args](Session& s, const std::string& path) -> Status {
        const auto& a = *issue_args;
        if (s.format() == OutputFormat::kCsv) {
          return FetchText(s,
                           path + "/quality/issues" +
                               QueryString({{"rule", a[0]}, {"run", a[1]}, {"format", "csv"}}),
                           "");
        }
        ASSIGN_OR_RETURN(
            json r,
            s.Call("GET",
                   path + "/quality/issues" +
                       QueryString(
                           {{"rule", a[0]}, {"run", a[1]}, {"limit", a[2]}, {"offset", a[3]}})));
        if (s.format() == OutputFormat::kJson) return PrintJson(r), Status::Ok();
        std::vector<std::vector<std::string>> rows;
        for (const auto& i : r["items"]) {
          rows.push_back({CellText(i["rule_id"]), CellText(i["row_id"]), CellText(i["key"]),
                          CellText(i["value"])});
        }
        PrintRows({"rule", "row", "key", "value"}, rows, s.format());
        std::cout << rows.size() << " of " << CellText(r["total"]) << " failing rows (run "
                  << CellText(r["run_id"]) << ")\n";
        return Status::Ok();
      });
  issues->add_option("--rule", (*issue_args)[0], "only this rule's rows");
  issues->add_option("--run", (*issue_args)[1], "run id (default: latest)");
  issues->add_option("--limit", (*issue_args)[2], "page size (csv: all rows by default)");
  issues->add_option("--offset", (*issue_args)[3], "rows to skip");

  auto report_args = std::make_shared<std::array<std::string, 2>>();
  auto* report = AddDatasetCommand(
      *quality, g, "report", "The quality report as a self-contained HTML page",
      [report_args](Session& s, const std::string& path) -> Status {
        return FetchText(s, path + "/quality/report" + QueryString({{"run", (*report_args)[1]}}),
                         (*report_args)[0]);
      });
  report->add_option("-o,--output", (*report_args)[0], "write the HTML here (default: stdout)");
  report->add_option("--run", (*report_args)[1], "run id (default: latest)");

  AddDatasetCommand(*quality, g, "suggest", "Rules suggested from the profile, as YAML",
                    [](Session& s, const std::string& path) -> Status {
                      return FetchText(s, path + "/quality/suggest", "");
                    });

  AddJobCommand(*quality, g, "release", "Publish a quarantined ingest's batch");
  AddJobCommand(*quality, g, "discard", "Drop a quarantined ingest's batch");
}

}  // namespace citydata::cli
