// `citydata services publish|list|show|call|stats|unpublish`: API services (API 超市).
#include "cli/services_commands.h"

#include <iostream>

#include "cli/session.h"

namespace citydata::cli {
namespace {

using nlohmann::json;

std::string ServicePath(const std::string& name) { return "/api/v1/services/" + UrlEncode(name); }

void PrintServices(const json& items, OutputFormat format) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& s : items) {
    rows.push_back({CellText(s["name"]), CellText(s["title"]), CellText(s["dataset"]),
                    CellText(s["kind"]), CellText(s["params"].size()), CellText(s["fields"].size()),
                    CellText(s["resource_id"]), CellText(s["state"])});
  }
  PrintRows({"name", "title", "dataset", "kind", "params", "fields", "resource", "state"}, rows,
            format);
}

void PrintService(const json& s) {
  std::string params;
  for (const auto& p : s["params"]) {
    params += (params.empty() ? "" : "; ") + CellText(p["name"]) + " " + CellText(p["type"]) +
              (p["required"].get<bool>() ? " required" : "") +
              (p.contains("column") ? " (" + CellText(p["column"]) + " " + CellText(p["op"]) + ")" : "");
  }
  std::string fields;
  for (const auto& f : s["fields"]) {
    fields += (fields.empty() ? "" : ", ") + CellText(f["name"]) + " (" + CellText(f["type"]) + ")";
  }
  PrintFields({{"name", CellText(s["name"])},
               {"title", CellText(s["title"])},
               {"description", CellText(s["description"])},
               {"dataset", CellText(s["dataset"])},
               {"query", CellText(s["query"])},
               {"parameters", params},
               {"fields", fields},
               {"page size", CellText(s["default_page_size"]) + " (max " +
                                 CellText(s["max_page_size"]) + ")"},
               {"resource", CellText(s["resource_id"])},
               {"state", CellText(s["state"])},
               {"published", CellText(s["published_at"]) + " by " + CellText(s["published_by"])}});
}

void PrintStats(const json& r, OutputFormat format) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& c : r["by_app"]) {
    rows.push_back({CellText(c["app_name"]), CellText(c["app_id"]), CellText(c["user_id"]),
                    CellText(c["calls"]), CellText(c["errors"]), CellText(c["rows"]),
                    CellText(c["latency_ms_avg"]), CellText(c["latency_ms_p95"])});
  }
  PrintRows({"app", "app id", "user", "calls", "errors", "rows", "avg ms", "p95 ms"}, rows, format);
}

void AddPublishAndBrowse(CLI::App& services, GlobalOptions& g) {
  auto spec = std::make_shared<std::string>();
  auto* publish = services.add_subcommand(
      "publish", "Publish a service from a JSON definition file (see the API documentation)");
  publish->add_option("definition", *spec, "the definition: name, dataset, params, fields, ...")
      ->required();
  publish->callback([&g, spec] {
    Run(g, [&](Session& s) -> Status {
      ASSIGN_OR_RETURN(std::string text, ReadFile(*spec));
      json body = json::parse(text, nullptr, false);
      if (body.is_discarded()) return InvalidArgument(*spec + " is not valid JSON");
      ASSIGN_OR_RETURN(json r, s.Call("POST", "/api/v1/services", body));
      if (s.format() == OutputFormat::kJson) return PrintJson(r), Status::Ok();
      std::cout << "published " << CellText(r["name"]) << " over " << CellText(r["dataset"])
                << " at /api/v1/services/" << CellText(r["name"]) << "\n";
      return Status::Ok();
    });
  });

  auto all = std::make_shared<bool>(false);
  auto* list = services.add_subcommand("list", "The service market");
  list->add_flag("--all", *all, "unpublished services too");
  list->callback([&g, all] {
    Run(g, [&](Session& s) -> Status {
      ASSIGN_OR_RETURN(json r, s.Call("GET", std::string("/api/v1/services") + (*all ? "?state=all" : "")));
      if (s.format() == OutputFormat::kJson) return PrintJson(r), Status::Ok();
      PrintServices(r["items"], s.format());
      return Status::Ok();
    });
  });

  auto name = std::make_shared<std::string>();
  auto* show = services.add_subcommand("show", "One service: its parameters and fields");
  show->add_option("name", *name, "service name")->required();
  show->callback([&g, name] {
    Run(g, [&](Session& s) -> Status {
      ASSIGN_OR_RETURN(json r, s.Call("GET", "/api/v1/services?state=all"));
      for (const auto& item : r["items"]) {
        if (item["name"] != *name) continue;
        if (s.format() == OutputFormat::kJson) return PrintJson(item), Status::Ok();
        PrintService(item);
        return Status::Ok();
      }
      return NotFound("no API service is named '" + *name + "'");
    });
  });
}

void AddCall(CLI::App& services, GlobalOptions& g) {
  struct Args {
    std::string name, fields;
    std::vector<std::string> params;
    int64_t limit = 0, offset = 0;
    bool count = false;
  };
  auto a = std::make_shared<Args>();
  auto* call = services.add_subcommand("call", "Call a service (with your token or an app key)");
  call->add_option("name", a->name, "service name")->required();
  call->add_option("--param", a->params, "a parameter as name=value (repeatable)");
  call->add_option("--fields", a->fields, "comma-separated fields");
  call->add_option("--limit", a->limit, "page size (default: the service's)");
  call->add_option("--offset", a->offset, "rows to skip");
  call->add_flag("--count", a->count, "also count every matching row");
  call->callback([&g, a] {
    Run(g, [&](Session& s) -> Status {
      std::vector<std::pair<std::string, std::string>> query;
      for (const auto& p : a->params) {
        size_t eq = p.find('=');
        if (eq == std::string::npos || eq == 0) {
          return InvalidArgument("--param '" + p + "' must be name=value");
        }
        query.emplace_back(p.substr(0, eq), p.substr(eq + 1));
      }
      query.emplace_back("fields", a->fields);
      if (a->limit > 0) query.emplace_back("limit", std::to_string(a->limit));
      if (a->offset > 0) query.emplace_back("offset", std::to_string(a->offset));
      if (a->count) query.emplace_back("count", "true");
      ASSIGN_OR_RETURN(json r, s.Call("GET", ServicePath(a->name) + QueryString(query)));
      if (s.format() == OutputFormat::kJson) return PrintJson(r), Status::Ok();
      std::vector<std::vector<std::string>> rows;
      for (const auto& item : r["items"]) {
        std::vector<std::string> row;
        for (const auto& c : r["columns"]) row.push_back(CellText(item[c.get<std::string>()]));
        rows.push_back(std::move(row));
      }
      PrintRows(r["columns"].get<std::vector<std::string>>(), rows, s.format());
      if (s.format() == OutputFormat::kTable) {
        std::cout << "\n" << rows.size() << " rows" << (r.contains("total") ? " of " + CellText(r["total"]) : "")
                  << (r.contains("next") ? "; next page: " + CellText(r["next"]) : "") << "\n";
      }
      return Status::Ok();
    });
  });
}

void AddStatsAndUnpublish(CLI::App& services, GlobalOptions& g) {
  auto stats_name = std::make_shared<std::string>();
  auto* stats = services.add_subcommand("stats", "Call statistics per app (owners: every caller)");
  stats->add_option("name", *stats_name, "service name")->required();
  stats->callback([&g, stats_name] {
    Run(g, [&](Session& s) -> Status {
      ASSIGN_OR_RETURN(json r, s.Call("GET", ServicePath(*stats_name) + "/stats"));
      if (s.format() == OutputFormat::kJson) return PrintJson(r), Status::Ok();
      PrintStats(r, s.format());
      return Status::Ok();
    });
  });

  auto un_name = std::make_shared<std::string>();
  auto* un = services.add_subcommand("unpublish", "Stop a service (its record is kept)");
  un->add_option("name", *un_name, "service name")->required();
  un->callback([&g, un_name] {
    Run(g, [&](Session& s) -> Status {
      ASSIGN_OR_RETURN(json r, s.Call("DELETE", ServicePath(*un_name)));
      if (s.format() == OutputFormat::kJson) return PrintJson(r), Status::Ok();
      std::cout << "unpublished " << CellText(r["name"]) << " at " << CellText(r["unpublished_at"]) << "\n";
      return Status::Ok();
    });
  });
}

}  // namespace

void AddServicesCommands(CLI::App& app, GlobalOptions& g) {
  auto* services = app.add_subcommand("services", "API services (API 超市): publish, call, stats");
  services->require_subcommand(1);
  AddPublishAndBrowse(*services, g);
  AddCall(*services, g);
  AddStatsAndUnpublish(*services, g);
}

}  // namespace citydata::cli
