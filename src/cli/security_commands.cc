// Identity, classification, masking and audit commands: users, login, logout,
// tokens, apps, grants, classify, policies, mask, detokenize, audit, keys.
#include "cli/security_commands.h"

#include <termios.h>
#include <unistd.h>

#include <fstream>
#include <iostream>

#include "cli/session.h"

namespace citydata::cli {
namespace {

using nlohmann::json;

// A line from standard input; without echo when it is a terminal.
std::string ReadSecretLine(const std::string& prompt) {
  bool tty = ::isatty(STDIN_FILENO) != 0;
  termios saved{};
  if (tty) {
    std::cerr << prompt << std::flush;
    tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

// Options shared by commands that set a password: read from standard input.
struct PasswordOption {
  bool from_stdin = false;
  void Add(CLI::App* cmd) {
    cmd->add_flag("--password-stdin", from_stdin,
                  "read the password from standard input (prompted without echo on a terminal)");
  }
};

void PrintUsers(const json& items, OutputFormat format) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& u : items) {
    rows.push_back({CellText(u["name"]), CellText(u["dept"]), CellText(u["role"]),
                    CellText(u["clearance"]), u["disabled"].get<bool>() ? "disabled" : "active",
                    CellText(u["locked_until"])});
  }
  PrintRows({"name", "dept", "role", "clearance", "state", "locked until"}, rows, format);
}

void AddUsers(CLI::App& app, GlobalOptions& g) {
  auto* users = app.add_subcommand("users", "Users, their roles and clearances (admin)");
  users->callback([&g, users] {
    if (!users->get_subcommands().empty()) return;
    Run(g, [&](Session& s) -> Status {
      ASSIGN_OR_RETURN(json r, s.Call("GET", "/api/v1/users"));
      if (s.format() == OutputFormat::kJson) return PrintJson(r), Status::Ok();
      PrintUsers(r["items"], s.format());
      return Status::Ok();
    });
  });
  struct UserArgs {
    std::string name, dept, role, clearance;
    PasswordOption password;
  };
  auto add = std::make_shared<UserArgs>();
  auto* add_cmd = users->add_subcommand("add", "Add a user");
  add_cmd->add_option("name", add->name, "user name ([a-z][a-z0-9_]*)")->required();
  add_cmd->add_option("--dept", add->dept, "department code (providers and consumers)");
  add_cmd->add_option("--role", add->role, "admin, steward, provider, consumer or auditor")
      ->required();
  add_cmd->add_option("--clearance", add->clearance,
                      "highest level seen unmasked: general-1 (default) .. general-4, "
                      "important, core");
  add->password.Add(add_cmd);
  add_cmd->callback([&g, add] {
    Run(g, [&](Session& s) -> Status {
      json body = {{"name", add->name},
                   {"dept", add->dept},
                   {"role", add->role},
                   {"clearance", add->clearance}};
      if (add->password.from_stdin) body["password"] = ReadSecretLine("password: ");
      ASSIGN_OR_RETURN(json r, s.Call("POST", "/api/v1/users", body));
      if (s.format() == OutputFormat::kJson) return PrintJson(r), Status::Ok();
      std::cout << "added " << CellText(r["role"]) << " " << CellText(r["name"]) << "\n";
      return Status::Ok();
    });
  });
  auto set = std::make_shared<UserArgs>();
  auto* set_cmd =
      users->add_subcommand("set", "Change a user's department, role, clearance or password");
  set_cmd->add_option("name", set->name, "user name")->required();
  set_cmd->add_option("--dept", set->dept, "department code");
  set_cmd->add_option("--role", set->role, "new role");
  set_cmd->add_option("--clearance", set->clearance, "new clearance");
  set->password.Add(set_cmd);
  set_cmd->callback([&g, set] {
    Run(g, [&](Session& s) -> Status {
      json body = json::object();
      if (!set->dept.empty()) body["dept"] = set->dept;
      if (!set->role.empty()) body["role"] = set->role;
      if (!set->clearance.empty()) body["clearance"] = set->clearance;
      if (set->password.from_stdin) body["password"] = ReadSecretLine("new password: ");
      ASSIGN_OR_RETURN(json r, s.Call("PATCH", "/api/v1/users/" + UrlEncode(set->name), body));
      if (s.format() == OutputFormat::kJson) return PrintJson(r), Status::Ok();
      PrintUsers(json::array({r}), s.format());
      return Status::Ok();
    });
  });
  for (bool disable : {true, false}) {
    auto name = std::make_shared<std::string>();
    auto* cmd = users->add_subcommand(
        disable ? "disable" : "enable",
        disable ? "Disable a user (its tokens stop working at once)" : "Enable a disabled user");
    cmd->add_option("name", *name, "user name")->required();
    cmd->callback([&g, name, disable] {
      Run(g, [&](Session& s) -> Status {
        ASSIGN_OR_RETURN(
            json r, s.Call("PATCH", "/api/v1/users/" + UrlEncode(*name), {{"disabled", disable}}));
        if (s.format() == OutputFormat::kJson) return PrintJson(r), Status::Ok();
        std::cout << (disable ? "disabled " : "enabled ") << *name << "\n";
        return Status::Ok();
      });
    });
  }
}

void AddLogin(CLI::App& app, GlobalOptions& g) {
  auto name = std::make_shared<std::string>();
  auto password = std::make_shared<PasswordOption>();
  auto* login = app.add_subcommand(
      "login", "Log in with user name and password; the CLI keeps the session token");
  login->add_option("name", *name, "user name (prompted when omitted)");
  password->Add(login);
  login->callback([&g, name, password] {
    Run(g, [&](Session& s) -> Status {
      std::string user = *name;
      if (user.empty()) {
        std::cerr << "user: " << std::flush;
        std::getline(std::cin, user);
      }
      std::string secret = ReadSecretLine("password: ");
      ASSIGN_OR_RETURN(json r,
                       s.Call("POST", "/api/v1/login", {{"name", user}, {"password", secret}}));
      ClientSettings settings = s.settings();
      settings.token = r["token"].get<std::string>();
      RETURN_IF_ERROR(SaveSettings(settings));
      if (s.format() == OutputFormat::kJson) return PrintJson(r["user"]), Status::Ok();
      std::cout << "logged in to " << settings.server << " as " << CellText(r["user"]["name"])
                << " (" << CellText(r["user"]["role"]) << ", clearance "
                << CellText(r["user"]["clearance"]) << ") until " << CellText(r["expires_at"])
                << "\n";
      return Status::Ok();
    });
  });
  auto* logout = app.add_subcommand("logout", "Revoke the CLI's token and forget it");
  logout->callback([&g] {
    Run(g, [&](Session& s) -> Status {
      RETURN_IF_ERROR(s.Call("POST", "/api/v1/logout").status());
      ClientSettings settings = s.settings();
      settings.token.clear();
      RETURN_IF_ERROR(SaveSettings(settings));
      std::cout << "logged out\n";
      return Status::Ok();
    });
  });
}

void AddTokens(CLI::App& app, GlobalOptions& g) {
  auto* tokens = app.add_subcommand("tokens", "Your API tokens");
  tokens->require_subcommand(1);
  auto all = std::make_shared<bool>(false);
  auto* list = tokens->add_subcommand("list", "List tokens");
  list->add_flag("--all", *all, "every user's tokens (admin)");
  list->callback([&g, all] {
    Run(g, [&](Session& s) -> Status {
      ASSIGN_OR_RETURN(
          json r, s.Call("GET", "/api/v1/tokens" + QueryString({{"all", *all ? "true" : ""}})));
      if (s.format() == OutputFormat::kJson) return PrintJson(r), Status::Ok();
      std::vector<std::vector<std::string>> rows;
      for (const auto& t : r["items"]) {
        rows.push_back({CellText(t["id"]), CellText(t["name"]), CellText(t["kind"]),
                        CellText(t["created_at"]), CellText(t["expires_at"]),
                        t["revoked"].get<bool>() ? "revoked" : "active"});
      }
      PrintRows({"id", "name", "kind", "created", "expires", "state"}, rows, s.format());
      return Status::Ok();
    });
  });
  auto name = std::make_shared<std::string>();
  auto expires = std::make_shared<std::string>();
  auto* create = tokens->add_subcommand("create", "Create an API token (shown once)");
  create->add_option("--name", *name, "what the token is for");
  create->add_option("--expires", *expires, "ISO 8601 UTC, e.g. 2027-01-01T00:00:00Z");
  create->callback([&g, name, expires] {
    Run(g, [&](Session& s) -> Status {
      ASSIGN_OR_RETURN(
          json r, s.Call("POST", "/api/v1/tokens", {{"name", *name}, {"expires_at", *expires}}));
      if (s.format() == OutputFormat::kJson) return PrintJson(r), Status::Ok();
      std::cout << CellText(r["token"]) << "\n";
      std::cerr << "token " << CellText(r["id"])
                << " created; this is the only time its secret is shown\n";
      return Status::Ok();
    });
  });
  auto id = std::make_shared<std::string>();
  auto* revoke = tokens->add_subcommand("revoke", "Revoke a token");
  revoke->add_option("id", *id, "token id")->required();
  revoke->callback([&g, id] {
    Run(g, [&](Session& s) -> Status {
      RETURN_IF_ERROR(s.Call("DELETE", "/api/v1/tokens/" + UrlEncode(*id)).status());
      std::cout << "revoked " << *id << "\n";
      return Status::Ok();
    });
  });
}

void AddApps(CLI::App& app, GlobalOptions& g) {
  auto* apps = app.add_subcommand("apps", "Your apps: client credentials for API calls");
  apps->require_subcommand(1);
  struct CreateArgs {
    std::string name;
    int64_t rate = 60, quota = 10000;
  };
  auto args = std::make_shared<CreateArgs>();
  auto* create = apps->add_subcommand(
      "create", "Register an app; its key and signing secret are shown once");
  create->add_option("--name", args->name, "what the app is");
  create->add_option("--rate", args->rate, "calls per minute (default 60)");
  create->add_option("--quota", args->quota, "calls per day (default 10000)");
  create->callback([&g, args] {
    Run(g, [&](Session& s) -> Status {
      ASSIGN_OR_RETURN(json r, s.Call("POST", "/api/v1/apps",
                                      {{"name", args->name},
                                       {"rate_per_minute", args->rate},
                                       {"daily_quota", args->quota}}));
      if (s.format() == OutputFormat::kJson) return PrintJson(r), Status::Ok();
      std::cout << "app_key " << CellText(r["app_key"]) << "\nsecret  " << CellText(r["secret"])
                << "\n";
      std::cerr << "app " << CellText(r["id"])
                << " registered; this is the only time its key and secret are shown\n";
      return Status::Ok();
    });
  });
  auto all = std::make_shared<bool>(false);
  auto* list = apps->add_subcommand("list", "List apps");
  list->add_flag("--all", *all, "every user's apps (admin)");
  list->callback([&g, all] {
    Run(g, [&](Session& s) -> Status {
      ASSIGN_OR_RETURN(json r, s.Call("GET", "/api/v1/apps" +
                                                 QueryString({{"all", *all ? "true" : ""}})));
      if (s.format() == OutputFormat::kJson) return PrintJson(r), Status::Ok();
      std::vector<std::vector<std::string>> rows;
      for (const auto& a : r["items"]) {
        rows.push_back({CellText(a["id"]), CellText(a["name"]), CellText(a["user"]),
                        CellText(a["rate_per_minute"]), CellText(a["daily_quota"]),
                        a["revoked"].get<bool>() ? "revoked" : "active"});
      }
      PrintRows({"id", "name", "user", "per minute", "per day", "state"}, rows, s.format());
      return Status::Ok();
    });
  });
  auto id = std::make_shared<std::string>();
  auto* revoke = apps->add_subcommand("revoke", "Revoke an app");
  revoke->add_option("id", *id, "app id")->required();
  revoke->callback([&g, id] {
    Run(g, [&](Session& s) -> Status {
      RETURN_IF_ERROR(s.Call("DELETE", "/api/v1/apps/" + UrlEncode(*id)).status());
      std::cout << "revoked " << *id << "\n";
      return Status::Ok();
    });
  });
}

void AddGrants(CLI::App& app, GlobalOptions& g) {
  auto* grants = app.add_subcommand("grants", "Grants of datasets to users");
  auto user = std::make_shared<std::string>();
  grants->add_option("--user", *user, "only this user's (admin)");
  grants->callback([&g, grants, user] {
    if (!grants->get_subcommands().empty()) return;
    Run(g, [&](Session& s) -> Status {
      ASSIGN_OR_RETURN(json r, s.Call("GET", "/api/v1/grants" + QueryString({{"user", *user}})));
      if (s.format() == OutputFormat::kJson) return PrintJson(r), Status::Ok();
      std::vector<std::vector<std::string>> rows;
      for (const auto& x : r["items"]) {
        std::string columns;
        for (const auto& c : x["columns"]) columns += (columns.empty() ? "" : ",") + CellText(c);
        rows.push_back({CellText(x["id"]), CellText(x["user"]), CellText(x["dataset"]),
                        columns.empty() ? "*" : columns, CellText(x["purpose"]),
                        CellText(x["expires_at"]),
                        x["revoked_at"].get<std::string>().empty() ? "in force" : "revoked"});
      }
      PrintRows({"id", "user", "dataset", "columns", "purpose", "expires", "state"}, rows,
                s.format());
      return Status::Ok();
    });
  });
  struct GrantArgs {
    std::string user, dataset, purpose, expires;
    std::vector<std::string> columns;
  };
  auto args = std::make_shared<GrantArgs>();
  auto* add = grants->add_subcommand("add", "Grant a user the right to read a dataset (admin)");
  add->add_option("user", args->user, "user name")->required();
  add->add_option("dataset", args->dataset, "ZONE.NAME")->required();
  add->add_option("--columns", args->columns, "only these columns")->delimiter(',');
  add->add_option("--purpose", args->purpose, "what the data is used for");
  add->add_option("--expires", args->expires, "ISO 8601 UTC");
  add->callback([&g, args] {
    Run(g, [&](Session& s) -> Status {
      ASSIGN_OR_RETURN(json r, s.Call("POST", "/api/v1/grants",
                                      {{"user", args->user},
                                       {"dataset", args->dataset},
                                       {"columns", args->columns},
                                       {"purpose", args->purpose},
                                       {"expires_at", args->expires}}));
      if (s.format() == OutputFormat::kJson) return PrintJson(r), Status::Ok();
      std::cout << "granted " << CellText(r["dataset"]) << " to " << CellText(r["user"]) << " ("
                << CellText(r["id"]) << ")\n";
      return Status::Ok();
    });
  });
  auto id = std::make_shared<std::string>();
  auto* revoke = grants->add_subcommand("revoke", "Revoke a grant (admin)");
  revoke->add_option("id", *id, "grant id")->required();
  revoke->callback([&g, id] {
    Run(g, [&](Session& s) -> Status {
      RETURN_IF_ERROR(s.Call("DELETE", "/api/v1/grants/" + UrlEncode(*id)).status());
      std::cout << "revoked " << *id << "\n";
      return Status::Ok();
    });
  });
}

void PrintClassification(const json& r, OutputFormat format) {
  if (format == OutputFormat::kJson) return PrintJson(r);
  std::vector<std::vector<std::string>> rows;
  for (const auto& c : r["columns"]) {
    std::string embedded;
    for (const auto& e : c["embedded"])
      embedded += (embedded.empty() ? "" : ",") + CellText(e["category"]);
    char confidence[16];
    std::snprintf(confidence, sizeof(confidence), "%.2f", c["confidence"].get<double>());
    rows.push_back({CellText(c["name"]), CellText(c["category"]), CellText(c["level"]), confidence,
                    embedded, CellText(c["source"])});
  }
  if (format == OutputFormat::kTable) {
    std::cout << CellText(r["dataset"]) << ": grade " << CellText(r["grade"]) << " (policy "
              << CellText(r["policy_version"]) << ")\n";
  }
  PrintRows({"column", "category", "level", "confidence", "contains", "source"}, rows, format);
}

void AddClassify(CLI::App& app, GlobalOptions& g) {
  struct Args {
    std::string column, category, level, reason;
    bool show = false;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = AddDatasetCommand(
      app, g, "classify",
      "Classify and grade a dataset's columns now (分类分级), or confirm/override one column",
      [args](Session& s, const std::string& path) -> Status {
        json r;
        if (!args->column.empty()) {
          ASSIGN_OR_RETURN(r, s.Call("PUT", path + "/classification/" + UrlEncode(args->column),
                                     {{"category", args->category},
                                      {"level", args->level},
                                      {"reason", args->reason}}));
        } else {
          ASSIGN_OR_RETURN(r, s.Call(args->show ? "GET" : "POST", path + "/classification"));
        }
        PrintClassification(r, s.format());
        return Status::Ok();
      });
  cmd->add_flag("--show", args->show, "show the stored result instead of classifying again");
  cmd->add_option("--column", args->column, "decide on this column (steward)");
  cmd->add_option("--category", args->category, "the column's category (with --column)");
  cmd->add_option("--level", args->level, "the column's level (with --column)");
  cmd->add_option("--reason", args->reason, "why (required with --column)");
}

void AddPolicies(CLI::App& app, GlobalOptions& g) {
  auto* policies = app.add_subcommand("policies", "The level and masking policies (versioned)");
  policies->require_subcommand(1);
  for (const char* kind : {"levels", "masking"}) {
    auto file = std::make_shared<std::string>();
    auto* cmd = policies->add_subcommand(
        kind, std::string("Show the ") + kind + " policy, or store a new version with --set FILE");
    cmd->add_option("--set", *file, "a JSON policy document")->check(CLI::ExistingFile);
    cmd->callback([&g, file, kind] {
      Run(g, [&](Session& s) -> Status {
        std::string target = std::string("/api/v1/policies/") + kind;
        if (file->empty()) {
          ASSIGN_OR_RETURN(json r, s.Call("GET", target));
          return PrintJson(r), Status::Ok();
        }
        ASSIGN_OR_RETURN(std::string text, ReadFile(*file));
        ASSIGN_OR_RETURN(HttpResult r, s.client().Request("PUT", target, text, "application/json"));
        ASSIGN_OR_RETURN(json stored, Session::Decode(r));
        return PrintJson(stored), Status::Ok();
      });
    });
  }
}

void AddMask(CLI::App& app, GlobalOptions& g) {
  struct Args {
    std::string to, role = "consumer", clearance = "general-1";
  };
  auto args = std::make_shared<Args>();
  auto* cmd = AddDatasetCommand(
      app, g, "mask", "Write a statically masked copy of a dataset (静态脱敏)",
      [args](Session& s, const std::string& path) -> Status {
        ASSIGN_OR_RETURN(
            json r,
            s.Call("POST", path + "/mask",
                   {{"to", args->to}, {"role", args->role}, {"clearance", args->clearance}}));
        if (s.format() == OutputFormat::kJson) return PrintJson(r), Status::Ok();
        std::vector<std::vector<std::string>> rows;
        for (const auto& c : r["columns"]) {
          rows.push_back({CellText(c["name"]), CellText(c["category"]), CellText(c["level"]),
                          CellText(c["operator"])});
        }
        std::cout << "wrote " << CellText(r["rows"]) << " rows to " << CellText(r["target"])
                  << "\n";
        PrintRows({"column", "category", "level", "operator"}, rows, s.format());
        return Status::Ok();
      });
  cmd->add_option("--to", args->to, "ZONE.NAME of the masked copy")->required();
  cmd->add_option("--role", args->role, "mask for readers of this role (default consumer)");
  cmd->add_option("--clearance", args->clearance, "and this clearance (default general-1)");
}

void AddDetokenize(CLI::App& app, GlobalOptions& g) {
  auto values = std::make_shared<std::vector<std::string>>();
  auto* cmd = app.add_subcommand("detokenize", "Recover values from tokens or ciphertexts (admin)");
  cmd->add_option("values", *values, "tk…_ tokens or enc…_ ciphertexts")->required();
  cmd->callback([&g, values] {
    Run(g, [&](Session& s) -> Status {
      ASSIGN_OR_RETURN(json r, s.Call("POST", "/api/v1/detokenize", {{"values", *values}}));
      if (s.format() == OutputFormat::kJson) return PrintJson(r), Status::Ok();
      for (const auto& item : r["items"]) {
        std::cout << CellText(item["input"]) << "\t"
                  << (item.contains("value") ? CellText(item["value"])
                                             : "error: " + CellText(item["error"]))
                  << "\n";
      }
      return Status::Ok();
    });
  });
}

void AddAudit(CLI::App& app, GlobalOptions& g) {
  auto* audit = app.add_subcommand("audit", "The tamper-evident audit trail (auditor, admin)");
  audit->require_subcommand(1);
  struct Filter {
    std::string user, dataset, action, outcome, since, until;
    int64_t limit = 100;
  };
  auto f = std::make_shared<Filter>();
  auto* list = audit->add_subcommand("list", "Audit records, newest first");
  list->add_option("--user", f->user, "actor");
  list->add_option("--dataset", f->dataset, "ZONE.NAME");
  list->add_option("--action", f->action, "e.g. data.read, data.query, login");
  list->add_option("--outcome", f->outcome, "allowed, denied or error");
  list->add_option("--since", f->since, "ISO 8601 UTC");
  list->add_option("--until", f->until, "ISO 8601 UTC");
  list->add_option("--limit", f->limit, "at most this many (default 100)");
  list->callback([&g, f] {
    Run(g, [&](Session& s) -> Status {
      ASSIGN_OR_RETURN(
          json r,
          s.Call("GET", "/api/v1/audit" + QueryString({{"user", f->user},
                                                       {"dataset", f->dataset},
                                                       {"action", f->action},
                                                       {"outcome", f->outcome},
                                                       {"since", f->since},
                                                       {"until", f->until},
                                                       {"limit", std::to_string(f->limit)}})));
      if (s.format() == OutputFormat::kJson) return PrintJson(r), Status::Ok();
      std::vector<std::vector<std::string>> rows;
      for (const auto& x : r["items"]) {
        rows.push_back({CellText(x["seq"]), CellText(x["time"]), CellText(x["actor"]),
                        CellText(x["action"]), CellText(x["target"]), CellText(x["outcome"]),
                        CellText(x["client"]), CellText(x["detail"])});
      }
      PrintRows({"seq", "time", "actor", "action", "target", "outcome", "client", "detail"}, rows,
                s.format());
      return Status::Ok();
    });
  });
  auto output = std::make_shared<std::string>();
  auto* exp = audit->add_subcommand("export", "Every record in order (NDJSON, or --format csv)");
  exp->add_option("--output,-o", *output, "write to this file instead of standard output");
  exp->callback([&g, output] {
    Run(g, [&](Session& s) -> Status {
      std::string format = s.format() == OutputFormat::kCsv ? "csv" : "ndjson";
      return FetchText(s, "/api/v1/audit/export" + QueryString({{"format", format}}), *output);
    });
  });
  auto anchor_out = std::make_shared<std::string>();
  auto* anchor = audit->add_subcommand("anchor", "The chain head, to keep elsewhere as an anchor");
  anchor->add_option("--output,-o", *anchor_out, "write to this file");
  anchor->callback([&g, anchor_out] {
    Run(g, [&](Session& s) -> Status { return FetchText(s, "/api/v1/audit/anchor", *anchor_out); });
  });
  auto anchor_file = std::make_shared<std::string>();
  auto* verify = audit->add_subcommand(
      "verify", "Recheck the hash chain; exit 0 when intact, 1 naming the first broken record");
  verify
      ->add_option("--anchor", *anchor_file,
                   "an anchor file from `audit anchor`: also "
                   "detects a truncated tail")
      ->check(CLI::ExistingFile);
  verify->callback([&g, anchor_file] {
    Run(g, [&](Session& s) -> Status {
      std::string anchor_json;
      if (!anchor_file->empty()) {
        ASSIGN_OR_RETURN(anchor_json, ReadFile(*anchor_file));
      }
      ASSIGN_OR_RETURN(
          json r, s.Call("GET", "/api/v1/audit/verify" + QueryString({{"anchor", anchor_json}})));
      if (s.format() == OutputFormat::kJson) PrintJson(r);
      if (!r["ok"].get<bool>()) {
        return FailedPrecondition("the audit trail is broken at record " +
                                  CellText(r["first_bad_seq"]) + ": " + CellText(r["reason"]));
      }
      if (s.format() != OutputFormat::kJson) {
        std::cout << "audit trail intact: " << CellText(r["records"]) << " records\n";
      }
      return Status::Ok();
    });
  });
}

void AddKeys(CLI::App& app, GlobalOptions& g) {
  auto* keys = app.add_subcommand("keys", "The masking keys (admin)");
  keys->require_subcommand(1);
  auto data = std::make_shared<bool>(false);
  auto* rotate = keys->add_subcommand(
      "rotate",
      "Re-wrap the data keys under a new master key (or, with --data, add a data key "
      "version for new hashes, tokens and ciphertexts)");
  rotate->add_flag("--data", *data, "rotate the data keys instead of the master key");
  rotate->callback([&g, data] {
    Run(g, [&](Session& s) -> Status {
      std::string which = *data ? "data" : "master";
      RETURN_IF_ERROR(s.Call("POST", "/api/v1/keys/rotate", {{"which", which}}).status());
      std::cout << "rotated the " << which << " key\n";
      return Status::Ok();
    });
  });
}

}  // namespace

void AddSecurityCommands(CLI::App& app, GlobalOptions& g) {
  AddUsers(app, g);
  AddLogin(app, g);
  AddTokens(app, g);
  AddApps(app, g);
  AddGrants(app, g);
  AddClassify(app, g);
  AddPolicies(app, g);
  AddMask(app, g);
  AddDetokenize(app, g);
  AddAudit(app, g);
  AddKeys(app, g);
}

}  // namespace citydata::cli
