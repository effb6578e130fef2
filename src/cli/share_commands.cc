// The resource catalog commands: publish a dataset as a catalog resource, list and
// search with facets, show with history, unpublish, export (JSON, CSV, DCAT-AP).
#include "cli/share_commands.h"

#include <iostream>

#include "cli/session.h"

namespace citydata::cli {
namespace {

using nlohmann::json;

struct Filters {
  std::string dept, classification, sharing, opening, grade, search, state;
  int64_t limit = 50, offset = 0;

  void Add(CLI::App* cmd, bool with_search) {
    cmd->add_option("--dept", dept, "provider department code");
    cmd->add_option("--classification", classification, "类/项/目/细目 path or a prefix of it");
    cmd->add_option("--sharing", sharing, "unconditional, conditional or none");
    cmd->add_option("--opening", opening, "open, conditional or closed");
    cmd->add_option("--grade", grade, "general-1 .. general-4, important, core");
    cmd->add_option("--state", state, "published (default), unpublished or all");
    if (with_search) cmd->add_option("--search", search, "text in names, summaries and items");
  }
  std::vector<std::pair<std::string, std::string>> Params() const {
    return {{"dept", dept},       {"classification", classification},
            {"sharing", sharing}, {"opening", opening},
            {"grade", grade},     {"state", state},
            {"search", search}};
  }
};

// The arguments of a command on one resource.
struct ResourceArgs {
  std::string id;  // id or code
  std::string reason;
  bool history = false;
};

void PrintResources(const json& items, OutputFormat format) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : items) {
    rows.push_back({CellText(r["code"]), CellText(r["name"]), CellText(r["dept"]),
                    CellText(r["classification"]["path"]), CellText(r["sharing"]),
                    CellText(r["opening"]), CellText(r["grade"]), CellText(r["version"]),
                    CellText(r["state"]), CellText(r["published_at"])});
  }
  PrintRows({"code", "name", "dept", "classification", "sharing", "opening", "grade", "version",
             "state", "published"},
            rows, format);
}

// "dept: gaj 3, mzj 1" lines under a table.
void PrintFacets(const json& facets) {
  for (const auto& [facet, counts] : facets.items()) {
    std::string line;
    for (const auto& [value, n] : counts.items()) {
      line += (line.empty() ? "" : ", ") + value + " " + CellText(n);
    }
    std::cout << facet << ": " << line << "\n";
  }
}

Status ListResources(Session& s, const Filters& f) {
  auto params = f.Params();
  params.emplace_back("limit", std::to_string(f.limit));
  params.emplace_back("offset", std::to_string(f.offset));
  ASSIGN_OR_RETURN(json r, s.Call("GET", "/api/v1/resources" + QueryString(params)));
  if (s.format() == OutputFormat::kJson) return PrintJson(r), Status::Ok();
  PrintResources(r["items"], s.format());
  if (s.format() == OutputFormat::kTable) {
    std::cout << "\n" << CellText(r["total"]) << " resources\n";
    PrintFacets(r["facets"]);
  }
  return Status::Ok();
}

std::string Items(const json& items) {
  std::string out;
  for (const auto& i : items) {
    out += (out.empty() ? "" : ", ") + CellText(i["name"]) + " (" + CellText(i["type"]) + ", " +
           CellText(i["level"]) + ")";
  }
  return out;
}

void PrintResource(const json& r) {
  PrintFields({{"code", CellText(r["code"])},
               {"id", CellText(r["id"])},
               {"name", CellText(r["name"])},
               {"classification", CellText(r["classification"]["path"]) + " (" +
                                      CellText(r["classification"]["code"]) + ")"},
               {"provider", CellText(r["dept_name"]) + " (" + CellText(r["dept"]) + ")"},
               {"summary", CellText(r["summary"])},
               {"format", CellText(r["format"])},
               {"items", Items(r["items"])},
               {"sharing", CellText(r["sharing_label"]) + " " + CellText(r["sharing_conditions"])},
               {"opening", CellText(r["opening_label"]) + " " + CellText(r["opening_conditions"])},
               {"update cycle", CellText(r["update_cycle_label"])},
               {"related", CellText(r["related"])},
               {"grade", CellText(r["grade"])},
               {"dataset", CellText(r["dataset"])},
               {"version", CellText(r["version"]) + " (" + CellText(r["state"]) + ")"},
               {"published", CellText(r["published_at"]) + " by " + CellText(r["published_by"])},
               {"first published", CellText(r["first_published_at"])}});
}

void AddPublish(CLI::App& catalog, GlobalOptions& g) {
  struct Args {
    std::string dataset, classification, name, summary, data_format, sharing, conditions, mode,
        opening, opening_conditions, update_cycle;
    std::vector<std::string> items, related;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = catalog.add_subcommand(
      "publish", "Publish a dataset as a catalog resource (again: its next version)");
  cmd->add_option("dataset", a->dataset, "ZONE.NAME")->required();
  cmd->add_option("--classification", a->classification,
                  "类/项/目/细目, e.g. 基础信息资源类/人口/户籍/户籍人口")
      ->required();
  cmd->add_option("--name", a->name, "resource name (default: the dataset's title)");
  cmd->add_option("--summary", a->summary, "what it holds (default: the dataset's description)");
  cmd->add_option("--data-format", a->data_format, "信息资源格式 (default: 数据库)");
  cmd->add_option("--items", a->items, "columns to publish (default: all)")->delimiter(',');
  cmd->add_option("--sharing", a->sharing, "unconditional, conditional or none")->required();
  cmd->add_option("--conditions", a->conditions,
                  "sharing conditions (conditional) or legal basis (none)");
  cmd->add_option("--sharing-mode", a->mode, "共享方式, e.g. 接口");
  cmd->add_option("--opening", a->opening, "open, conditional or closed")->required();
  cmd->add_option("--opening-conditions", a->opening_conditions, "conditions of opening");
  cmd->add_option("--update-cycle", a->update_cycle,
                  "realtime, daily, weekly, monthly, quarterly, semiannual, yearly, irregular");
  cmd->add_option("--related", a->related, "code of a related resource (repeatable)");
  cmd->callback([&g, a] {
    Run(g, [&](Session& s) -> Status {
      json body = {{"dataset", a->dataset},
                   {"classification", a->classification},
                   {"name", a->name},
                   {"summary", a->summary},
                   {"format", a->data_format},
                   {"items", a->items},
                   {"sharing", a->sharing},
                   {"sharing_conditions", a->conditions},
                   {"sharing_mode", a->mode},
                   {"opening", a->opening},
                   {"opening_conditions", a->opening_conditions},
                   {"update_cycle", a->update_cycle},
                   {"related", a->related}};
      ASSIGN_OR_RETURN(json r, s.Call("POST", "/api/v1/resources", body));
      if (s.format() == OutputFormat::kJson) return PrintJson(r), Status::Ok();
      std::cout << "published " << CellText(r["code"]) << " " << CellText(r["name"]) << " (version "
                << CellText(r["version"]) << ", id " << CellText(r["id"]) << ")\n";
      return Status::Ok();
    });
  });
}

void AddBrowse(CLI::App& catalog, GlobalOptions& g) {
  auto list = std::make_shared<Filters>();
  auto* list_cmd = catalog.add_subcommand("list", "Resources, with facet counts");
  list->Add(list_cmd, true);
  list_cmd->add_option("--limit", list->limit, "at most this many (1-1000)");
  list_cmd->add_option("--offset", list->offset, "skip this many");
  list_cmd->callback([&g, list] { Run(g, [&](Session& s) { return ListResources(s, *list); }); });

  auto search = std::make_shared<Filters>();
  auto* search_cmd = catalog.add_subcommand("search",
                                            "Resources whose name, summary or items "
                                            "contain the text");
  search_cmd->add_option("text", search->search, "e.g. 户籍")->required();
  search->Add(search_cmd, false);
  search_cmd->callback(
      [&g, search] { Run(g, [&](Session& s) { return ListResources(s, *search); }); });

  auto show = std::make_shared<ResourceArgs>();
  auto* show_cmd = catalog.add_subcommand("show", "One resource (every version with --history)");
  show_cmd->add_option("id", show->id, "resource id or code")->required();
  show_cmd->add_flag("--history", show->history, "every version, oldest first");
  show_cmd->callback([&g, show] {
    Run(g, [&](Session& s) -> Status {
      std::string target =
          "/api/v1/resources/" + UrlEncode(show->id) + (show->history ? "?history=true" : "");
      ASSIGN_OR_RETURN(json r, s.Call("GET", target));
      if (s.format() == OutputFormat::kJson) return PrintJson(r), Status::Ok();
      PrintResource(r);
      if (show->history) {
        std::cout << "\n";
        PrintResources(r["history"], s.format());
      }
      return Status::Ok();
    });
  });
}

void AddChanges(CLI::App& catalog, GlobalOptions& g) {
  auto un = std::make_shared<ResourceArgs>();
  auto* un_cmd = catalog.add_subcommand("unpublish", "Unpublish a resource (history is kept)");
  un_cmd->add_option("id", un->id, "resource id or code")->required();
  un_cmd->add_option("--reason", un->reason, "why");
  un_cmd->callback([&g, un] {
    Run(g, [&](Session& s) -> Status {
      ASSIGN_OR_RETURN(json r,
                       s.Call("POST", "/api/v1/resources/" + UrlEncode(un->id) + "/unpublish",
                              {{"reason", un->reason}}));
      if (s.format() == OutputFormat::kJson) return PrintJson(r), Status::Ok();
      std::cout << "unpublished " << CellText(r["code"]) << " (version " << CellText(r["version"])
                << ")\n";
      return Status::Ok();
    });
  });

  struct ExportArgs {
    std::string format = "json", output;
    Filters filters;
  };
  auto ex = std::make_shared<ExportArgs>();
  auto* ex_cmd = catalog.add_subcommand("export", "The catalog as JSON, CSV or DCAT-AP JSON-LD");
  ex_cmd->add_option("--format", ex->format, "json (default), csv or dcat")
      ->check(CLI::IsMember({"json", "csv", "dcat"}));
  ex_cmd->add_option("-o,--output", ex->output, "write to this file instead of standard output");
  ex->filters.Add(ex_cmd, true);
  ex_cmd->callback([&g, ex] {
    Run(g, [&](Session& s) -> Status {
      auto params = ex->filters.Params();
      params.emplace_back("format", ex->format);
      return FetchText(s, "/api/v1/resources/export" + QueryString(params), ex->output);
    });
  });
}

}  // namespace

void AddShareCommands(CLI::App& app, GlobalOptions& g) {
  auto* catalog = app.add_subcommand(
      "catalog", "The government information resource catalog (政务信息资源目录)");
  catalog->require_subcommand(1);
  AddPublish(*catalog, g);
  AddBrowse(*catalog, g);
  AddChanges(*catalog, g);
}

}  // namespace citydata::cli
