// The sharing workflow commands: request a catalog resource, list requests (your own
// or your approval inbox), approve or reject, list and revoke sharing grants, and
// download a file grant's data.
#include <iostream>

#include "cli/session.h"
#include "cli/share_commands.h"

namespace citydata::cli {
namespace {

using nlohmann::json;

void PrintRequests(const json& items, OutputFormat format) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : items) {
    std::string state = CellText(r["state"]);
    if (CellText(r["overdue"]) == "true") state += " (overdue)";
    rows.push_back({CellText(r["id"]), CellText(r["resource_code"]), CellText(r["resource_name"]),
                    CellText(r["consumer"]), CellText(r["purpose"]), CellText(r["fields"]),
                    CellText(r["delivery_mode"]), state, CellText(r["deadline"]),
                    CellText(r["grant_id"])});
  }
  PrintRows({"id", "resource", "name", "consumer", "purpose", "fields", "mode", "state", "deadline",
             "grant"},
            rows, format);
}

void PrintRequest(const json& r, OutputFormat format) {
  if (format == OutputFormat::kJson) return PrintJson(r);
  std::string state = CellText(r["state"]);
  if (CellText(r["overdue"]) == "true") state += " (overdue: the deadline has passed)";
  std::cout << "request " << CellText(r["id"]) << " for " << CellText(r["resource_code"]) << " "
            << CellText(r["resource_name"]) << ": " << state << "\n";
  if (!CellText(r["grant_id"]).empty()) {
    std::cout << "granted " << CellText(r["granted_fields"]) << " for "
              << CellText(r["granted_days"]) << " days (" << CellText(r["delivery_mode"])
              << "): grant " << CellText(r["grant_id"]) << ", expires "
              << CellText(r["grant_expires_at"]) << "\n";
  } else if (CellText(r["state"]) == "pending") {
    std::cout << "waiting for department " << CellText(r["dept"]) << " until "
              << CellText(r["deadline"]) << "\n";
  }
  if (!CellText(r["reason"]).empty()) std::cout << "reason: " << CellText(r["reason"]) << "\n";
}

void PrintGrants(const json& items, OutputFormat format) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& g : items) {
    std::string state = CellText(g["revoked_at"]).empty() ? "in force" : "revoked";
    rows.push_back({CellText(g["id"]), CellText(g["resource_code"]), CellText(g["resource_name"]),
                    CellText(g["user"]), CellText(g["purpose"]), CellText(g["columns"]),
                    CellText(g["delivery_mode"]), CellText(g["expires_at"]), state});
  }
  PrintRows({"id", "resource", "name", "consumer", "purpose", "fields", "mode", "expires", "state"},
            rows, format);
}

void AddRequest(CLI::App& share, GlobalOptions& g) {
  struct Args {
    std::string resource, purpose, mode = "api";
    std::vector<std::string> fields;
    int64_t days = 90;
    bool emergency = false;
    double budget = 0;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = share.add_subcommand("request", "Request a catalog resource (共享申请)");
  cmd->add_option("resource", a->resource, "resource code or id")->required();
  cmd->add_option("--purpose", a->purpose, "what the data is for")->required();
  cmd->add_option("--fields", a->fields, "information items wanted (default: all)")
      ->delimiter(',');
  cmd->add_option("--days", a->days, "the period wanted, in days (default 90)");
  cmd->add_option("--mode", a->mode, "delivery mode: api (default), file or sandbox")
      ->check(CLI::IsMember({"api", "file", "sandbox"}));
  cmd->add_flag("--emergency", a->emergency, "an emergency: approvers have one hour");
  cmd->add_option("--budget", a->budget, "the sandbox's privacy budget (epsilon)");
  cmd->callback([&g, a] {
    Run(g, [&](Session& s) -> Status {
      json body = {{"resource", a->resource}, {"purpose", a->purpose}, {"fields", a->fields},
                   {"days", a->days},         {"delivery_mode", a->mode},
                   {"emergency", a->emergency}, {"privacy_budget", a->budget}};
      ASSIGN_OR_RETURN(json r, s.Call("POST", "/api/v1/share/requests", body));
      PrintRequest(r, s.format());
      return Status::Ok();
    });
  });
}

void AddRequests(CLI::App& share, GlobalOptions& g) {
  struct Args {
    std::string box = "mine", state;
    bool inbox = false, overdue = false;
    int64_t limit = 50, offset = 0;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = share.add_subcommand("requests", "Your requests, or with --inbox those you decide");
  cmd->add_flag("--inbox", a->inbox, "requests waiting for your department's decision");
  cmd->add_option("--state", a->state, "pending, approved or rejected")
      ->check(CLI::IsMember({"pending", "approved", "rejected"}));
  cmd->add_flag("--overdue", a->overdue, "only pending requests past their deadline");
  cmd->add_option("--limit", a->limit, "at most this many");
  cmd->add_option("--offset", a->offset, "skip this many");
  cmd->callback([&g, a] {
    Run(g, [&](Session& s) -> Status {
      std::string target = "/api/v1/share/requests" +
                           QueryString({{"box", a->inbox ? "inbox" : "mine"},
                                        {"state", a->state},
                                        {"overdue", a->overdue ? "true" : ""},
                                        {"limit", std::to_string(a->limit)},
                                        {"offset", std::to_string(a->offset)}});
      ASSIGN_OR_RETURN(json r, s.Call("GET", target));
      if (s.format() == OutputFormat::kJson) return PrintJson(r), Status::Ok();
      PrintRequests(r["items"], s.format());
      return Status::Ok();
    });
  });
}

void AddDecisions(CLI::App& share, GlobalOptions& g) {
  struct Args {
    std::string id, note, reason;
    std::vector<std::string> fields;
    int64_t days = 0;
    double budget = -1;
  };
  auto a = std::make_shared<Args>();
  auto* approve = share.add_subcommand("approve", "Approve a pending request (creates the grant)");
  approve->add_option("id", a->id, "request id")->required();
  approve->add_option("--fields", a->fields, "grant only these of the requested fields")
      ->delimiter(',');
  approve->add_option("--days", a->days, "grant fewer days than requested");
  approve->add_option("--budget", a->budget, "the sandbox's privacy budget (epsilon)");
  approve->add_option("--note", a->note, "a note to the consumer");
  approve->callback([&g, a] {
    Run(g, [&](Session& s) -> Status {
      json body = {{"fields", a->fields}, {"note", a->note}};
      if (a->days > 0) body["days"] = a->days;
      if (a->budget >= 0) body["privacy_budget"] = a->budget;
      ASSIGN_OR_RETURN(json r, s.Call("POST", "/api/v1/share/requests/" + UrlEncode(a->id) +
                                                  "/approve", body));
      PrintRequest(r, s.format());
      return Status::Ok();
    });
  });

  auto* reject = share.add_subcommand("reject", "Reject a pending request, with the reason");
  reject->add_option("id", a->id, "request id")->required();
  reject->add_option("--reason", a->reason, "why")->required();
  reject->callback([&g, a] {
    Run(g, [&](Session& s) -> Status {
      ASSIGN_OR_RETURN(json r, s.Call("POST", "/api/v1/share/requests/" + UrlEncode(a->id) +
                                                  "/reject", {{"reason", a->reason}}));
      PrintRequest(r, s.format());
      return Status::Ok();
    });
  });
}

void AddGrants(CLI::App& share, GlobalOptions& g) {
  auto provided = std::make_shared<bool>(false);
  auto* list = share.add_subcommand("grants",
                                    "Sharing grants you hold, or with --provided those on "
                                    "your department's resources");
  list->add_flag("--provided", *provided, "grants on your department's resources");
  list->callback([&g, provided] {
    Run(g, [&](Session& s) -> Status {
      ASSIGN_OR_RETURN(json r, s.Call("GET", std::string("/api/v1/share/grants?box=") +
                                                 (*provided ? "provided" : "mine")));
      if (s.format() == OutputFormat::kJson) return PrintJson(r), Status::Ok();
      PrintGrants(r["items"], s.format());
      return Status::Ok();
    });
  });

  auto id = std::make_shared<std::string>();
  auto* revoke = share.add_subcommand("revoke", "Revoke a sharing grant");
  revoke->add_option("id", *id, "grant id")->required();
  revoke->callback([&g, id] {
    Run(g, [&](Session& s) -> Status {
      ASSIGN_OR_RETURN(json r, s.Call("DELETE", "/api/v1/share/grants/" + UrlEncode(*id)));
      if (s.format() == OutputFormat::kJson) return PrintJson(r), Status::Ok();
      std::cout << "revoked " << CellText(r["id"]) << " (" << CellText(r["user"]) << " on "
                << CellText(r["resource_code"]) << ")\n";
      return Status::Ok();
    });
  });

  struct DownloadArgs {
    std::string id, format = "csv", output;
  };
  auto d = std::make_shared<DownloadArgs>();
  auto* download = share.add_subcommand(
      "download", "File delivery of a grant you hold: its fields, masked, as CSV, JSON or XLSX");
  download->add_option("id", d->id, "grant id (delivery mode file)")->required();
  download->add_option("--format", d->format, "csv (default), json or xlsx")
      ->check(CLI::IsMember({"csv", "json", "xlsx"}));
  download->add_option("-o,--output", d->output, "write to this file (required for xlsx)");
  download->callback([&g, d] {
    Run(g, [&](Session& s) -> Status {
      if (d->format == "xlsx" && d->output.empty()) {
        return InvalidArgument("an XLSX file is binary: name the file with --output");
      }
      return FetchText(s, "/api/v1/share/grants/" + UrlEncode(d->id) + "/download?format=" +
                              d->format, d->output);
    });
  });
}

}  // namespace

void AddSharingCommands(CLI::App& app, GlobalOptions& g) {
  auto* share = app.add_subcommand(
      "share", "Requests for catalog resources, approvals and grants (共享申请 / 审批 / 授权)");
  share->require_subcommand(1);
  AddRequest(*share, g);
  AddRequests(*share, g);
  AddDecisions(*share, g);
  AddGrants(*share, g);
}

}  // namespace citydata::cli
