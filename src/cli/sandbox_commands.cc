// The sandbox commands: run an aggregate-only query (groups under k rows suppressed,
// optional noise paid from the grant's privacy budget) and list the sandbox grants.
#include "cli/sandbox_commands.h"

#include <iostream>

#include "cli/session.h"

namespace citydata::cli {
namespace {

using nlohmann::json;

void PrintResult(const json& r, OutputFormat format) {
  if (format == OutputFormat::kJson) return PrintJson(r);
  std::vector<std::string> headers;
  for (const auto& c : r["columns"]) headers.push_back(CellText(c));
  std::vector<std::vector<std::string>> rows;
  for (const auto& row : r["rows"]) {
    std::vector<std::string> cells;
    for (const auto& v : row) cells.push_back(CellText(v));
    rows.push_back(std::move(cells));
  }
  PrintRows(headers, rows, format);
  // The table goes to stdout (CSV stays parseable); what was withheld goes to stderr.
  std::cerr << rows.size() << " groups; ";
  if (r["suppressed_groups"].is_null()) {
    std::cerr << "groups under " << CellText(r["k"]) << " rows suppressed (not counted: noisy answer)";
  } else {
    std::cerr << CellText(r["suppressed_groups"]) << " suppressed (fewer than " << CellText(r["k"])
              << " rows)";
  }
  if (r.value("epsilon_spent", 0.0) > 0) {
    std::cerr << "; epsilon " << CellText(r["epsilon_spent"]) << " spent, "
              << CellText(r["budget_remaining"]) << " left on grant " << CellText(r["grant_id"]);
  }
  if (CellText(r["truncated"]) == "true") std::cerr << "; truncated: too many groups";
  std::cerr << "\n";
}

void AddQuery(CLI::App& sandbox, GlobalOptions& g) {
  struct Args {
    std::string sql, grant;
    double epsilon = 0;
    std::vector<double> clip;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = sandbox.add_subcommand("query", "Run an aggregate-only query under a sandbox grant");
  cmd->add_option("--sql", a->sql, "one SELECT of count/sum/avg/total per GROUP BY")->required();
  cmd->add_option("--epsilon", a->epsilon,
                  "privacy cost of this query, paid from the grant's budget (adds noise)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--grant", a->grant, "the sandbox grant to use (when several cover the dataset)");
  cmd->add_option("--clip", a->clip, "LO,HI: bounds for noisy sums")->delimiter(',')->expected(2);
  cmd->callback([&g, a] {
    Run(g, [&](Session& s) -> Status {
      json body = {{"sql", a->sql}};
      if (!a->grant.empty()) body["grant_id"] = a->grant;
      if (a->epsilon > 0) body["epsilon"] = a->epsilon;
      if (!a->clip.empty()) body["clip"] = a->clip;
      ASSIGN_OR_RETURN(json r, s.Call("POST", "/api/v1/sandbox/query", body));
      PrintResult(r, s.format());
      return Status::Ok();
    });
  });
}

void AddGrants(CLI::App& sandbox, GlobalOptions& g) {
  auto* cmd = sandbox.add_subcommand("grants", "Your sandbox grants and their remaining budgets");
  cmd->callback([&g] {
    Run(g, [&](Session& s) -> Status {
      ASSIGN_OR_RETURN(json r, s.Call("GET", "/api/v1/sandbox/grants"));
      if (s.format() == OutputFormat::kJson) return PrintJson(r), Status::Ok();
      std::vector<std::vector<std::string>> rows;
      for (const auto& grant : r["items"]) {
        rows.push_back({CellText(grant["id"]), CellText(grant["dataset"]),
                        CellText(grant["columns"]), CellText(grant["purpose"]),
                        CellText(grant["privacy_budget"]), CellText(grant["budget_spent"]),
                        CellText(grant["budget_remaining"]), CellText(grant["expires_at"])});
      }
      PrintRows({"id", "dataset", "columns", "purpose", "budget", "spent", "remaining", "expires"},
                rows, s.format());
      return Status::Ok();
    });
  });
}

}  // namespace

void AddSandboxCommands(CLI::App& app, GlobalOptions& g) {
  auto* sandbox = app.add_subcommand(
      "sandbox", "Aggregate-only queries on data you may not take away (数据可用不可见)");
  sandbox->require_subcommand(1);
  AddQuery(*sandbox, g);
  AddGrants(*sandbox, g);
}

}  // namespace citydata::cli
