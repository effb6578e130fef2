#include "cli/governance_commands.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/session.h"
#include "core/json_util.h"
#include "core/types.h"

namespace citydata::cli {
namespace {

using nlohmann::json;

Status SendText(Session& s, const std::string& method, const std::string& target,
                const std::string& body, const std::string& content_type, json& out) {
  ASSIGN_OR_RETURN(HttpResult r, s.client().Request(method, target, body, content_type));
  ASSIGN_OR_RETURN(out, Session::Decode(r));
  return Status::Ok();
}

void PrintElements(const json& items, OutputFormat format) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : items) {
    std::string synonyms;
    for (const auto& s : e.value("synonyms", json::array()))
      synonyms += (synonyms.empty() ? "" : ",") + CellText(s);
    rows.push_back({CellText(e["id"]), CellText(e["name"]), CellText(e["data_type"]),
                    CellText(e.value("format", json())), CellText(e.value("code_table", json())),
                    synonyms});
  }
  PrintRows({"id", "name", "type", "format", "code table", "synonyms"}, rows, format);
}

void AddElements(CLI::App& standards, GlobalOptions& g) {
  auto* cmd = standards.add_subcommand("elements", "List or search data elements (数据元)");
  auto search = std::make_shared<std::string>();
  cmd->add_option("--search", *search, "substring of id, name, definition or synonyms");
  cmd->callback([&g, search] {
    Run(g, [&](Session& s) -> Status {
      if (s.format() == OutputFormat::kCsv) {
        return FetchText(
            s, "/api/v1/standards/elements" + QueryString({{"search", *search}, {"format", "csv"}}),
            "");
      }
      ASSIGN_OR_RETURN(
          json r, s.Call("GET", "/api/v1/standards/elements" + QueryString({{"search", *search}})));
      if (s.format() == OutputFormat::kJson) return PrintJson(r), Status::Ok();
      PrintElements(r["items"], s.format());
      return Status::Ok();
    });
  });
  auto* import_cmd =
      standards.add_subcommand("import", "Import data elements from a CSV or JSON file");
  auto file = std::make_shared<std::string>();
  import_cmd->add_option("file", *file, "elements.csv or elements.json")
      ->required()
      ->check(CLI::ExistingFile);
  import_cmd->callback([&g, file] {
    Run(g, [&](Session& s) -> Status {
      ASSIGN_OR_RETURN(std::string text, ReadFile(*file));
      bool csv = std::filesystem::path(*file).extension() == ".csv";
      json r;
      RETURN_IF_ERROR(SendText(
          s, "POST", std::string("/api/v1/standards/elements?format=") + (csv ? "csv" : "json"),
          text, csv ? "text/csv" : "application/json", r));
      if (s.format() == OutputFormat::kJson) return PrintJson(r), Status::Ok();
      std::cout << "imported " << CellText(r["total"]) << " data elements\n";
      return Status::Ok();
    });
  });
}

void AddCodes(CLI::App& standards, GlobalOptions& g) {
  auto* cmd = standards.add_subcommand("codes", "List code tables (代码表), or show one");
  auto id = std::make_shared<std::string>();
  cmd->add_option("id", *id, "e.g. \"GB/T 2261.1\"");
  cmd->callback([&g, id, cmd] {
    if (!cmd->get_subcommands().empty()) return;
    Run(g, [&](Session& s) -> Status {
      if (id->empty()) {
        ASSIGN_OR_RETURN(json r, s.Call("GET", "/api/v1/standards/code-tables"));
        if (s.format() == OutputFormat::kJson) return PrintJson(r), Status::Ok();
        std::vector<std::vector<std::string>> rows;
        for (const auto& t : r["items"])
          rows.push_back({CellText(t["id"]), CellText(t["name"]), CellText(t["entries"])});
        PrintRows({"id", "name", "entries"}, rows, s.format());
        return Status::Ok();
      }
      std::string target = "/api/v1/standards/code-tables/" + UrlEncode(*id);
      if (s.format() == OutputFormat::kCsv) return FetchText(s, target + "?format=csv", "");
      ASSIGN_OR_RETURN(json t, s.Call("GET", target));
      if (s.format() == OutputFormat::kJson) return PrintJson(t), Status::Ok();
      std::vector<std::vector<std::string>> rows;
      for (const auto& e : t["entries"]) {
        std::string synonyms;
        for (const auto& x : e.value("synonyms", json::array()))
          synonyms += (synonyms.empty() ? "" : ",") + CellText(x);
        rows.push_back({CellText(e["code"]), CellText(e["name"]), synonyms});
      }
      std::cout << CellText(t["id"]) << " " << CellText(t["name"]) << "\n";
      PrintRows({"code", "name", "synonyms"}, rows, s.format());
      return Status::Ok();
    });
  });
  auto* import_cmd =
      cmd->add_subcommand("import", "Import a code table from CSV (code,name[,synonyms])");
  auto file = std::make_shared<std::string>();
  auto table_id = std::make_shared<std::string>();
  auto name = std::make_shared<std::string>();
  import_cmd->add_option("file", *file, "CSV file")->required()->check(CLI::ExistingFile);
  import_cmd->add_option("--id", *table_id, "table id, e.g. GB/T 2260 or local.street")->required();
  import_cmd->add_option("--name", *name, "table name");
  import_cmd->callback([&g, file, table_id, name] {
    Run(g, [&](Session& s) -> Status {
      ASSIGN_OR_RETURN(std::string text, ReadFile(*file));
      json r;
      RETURN_IF_ERROR(SendText(s, "PUT",
                               "/api/v1/standards/code-tables/" + UrlEncode(*table_id) +
                                   QueryString({{"format", "csv"}, {"name", *name}}),
                               text, "text/csv", r));
      if (s.format() == OutputFormat::kJson) return PrintJson(r), Status::Ok();
      std::cout << "imported code table " << *table_id << " (" << r["entries"].size()
                << " entries)\n";
      return Status::Ok();
    });
  });
}

void PrintMapping(const json& items, OutputFormat format) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& m : items) {
    rows.push_back({CellText(m["column"]), CellText(m["element"]), CellText(m["confidence"]),
                    CellText(m["confirmed"]), CellText(m["evidence"])});
  }
  PrintRows({"column", "element", "confidence", "confirmed", "evidence"}, rows, format);
}

void AddMap(CLI::App& standards, GlobalOptions& g) {
  auto* cmd = standards.add_subcommand(
      "map", "Suggest (and with --accept/--set, store) the field mapping of a dataset");
  auto dataset = std::make_shared<std::string>();
  auto accept = std::make_shared<bool>(false);
  auto sets = std::make_shared<std::vector<std::string>>();
  cmd->add_option("dataset", *dataset, "ZONE.NAME")->required();
  cmd->add_flag("--accept", *accept, "store the suggestions (with any --set corrections)");
  cmd->add_option("--set", *sets, "COLUMN=ELEMENT corrections; implies --accept");
  cmd->callback([&g, dataset, accept, sets] {
    Run(g, [&](Session& s) -> Status {
      ASSIGN_OR_RETURN(std::string path, DatasetApiPath(*dataset));
      ASSIGN_OR_RETURN(json r, s.Call("GET", path + "/mapping"));
      if (!*accept && sets->empty()) {
        if (s.format() == OutputFormat::kJson) return PrintJson(r), Status::Ok();
        std::cout
            << "suggested mapping (store it with --accept, correct with --set COLUMN=ELEMENT):\n";
        PrintMapping(r["suggested"], s.format());
        if (!r["stored"].empty()) {
          std::cout << "\nstored mapping:\n";
          PrintMapping(r["stored"], s.format());
        }
        return Status::Ok();
      }
      std::map<std::string, std::string> chosen;
      for (const auto& m : r["suggested"]) chosen[m["column"]] = m["element"];
      for (const auto& set : *sets) {
        size_t eq = set.find('=');
        if (eq == std::string::npos)
          return InvalidArgument("--set takes COLUMN=ELEMENT, got " + set);
        chosen[set.substr(0, eq)] = set.substr(eq + 1);
      }
      json mappings = json::array();
      for (const auto& [column, element] : chosen) {
        if (!element.empty()) mappings.push_back({{"column", column}, {"element", element}});
      }
      ASSIGN_OR_RETURN(json stored, s.Call("PUT", path + "/mapping", {{"mappings", mappings}}));
      if (s.format() == OutputFormat::kJson) return PrintJson(stored), Status::Ok();
      std::cout << "stored mapping of " << *dataset << ":\n";
      PrintMapping(stored["stored"], s.format());
      return Status::Ok();
    });
  });
}

void AddStandardize(CLI::App& app, GlobalOptions& g) {
  auto* cmd =
      app.add_subcommand("standardize", "Build a std dataset from a raw one by its field mapping");
  auto source = std::make_shared<std::string>();
  auto target = std::make_shared<std::string>();
  cmd->add_option("dataset", *source, "raw.NAME")->required();
  cmd->add_option("--to", *target, "std.NAME")->required();
  cmd->callback([&g, source, target] {
    Run(g, [&](Session& s) -> Status {
      ASSIGN_OR_RETURN(std::string path, DatasetApiPath(*source));
      s.client().set_timeout(std::chrono::hours(1));
      ASSIGN_OR_RETURN(json r, s.Call("POST", path + "/standardize", {{"target", *target}}));
      if (s.format() == OutputFormat::kJson) return PrintJson(r), Status::Ok();
      std::cout << CellText(r["source"]) << " → " << CellText(r["target"]) << ": "
                << CellText(r["rows"]) << " rows, " << CellText(r["failed_values"])
                << " values could not be standardized (mapping: " << CellText(r["mapping"])
                << ")\n";
      std::vector<std::vector<std::string>> rows;
      for (const auto& c : r["columns"]) {
        rows.push_back({CellText(c["source"]), CellText(c["target"]), CellText(c["steps"]),
                        CellText(c["changed"]), CellText(c["failed"])});
      }
      PrintRows({"source", "target", "steps", "changed", "failed"}, rows, s.format());
      if (r.value("failed_values", 0) > 0) {
        std::cout << "see the values with: citydata rejects " << CellText(r["target"]) << "\n";
      }
      return Status::Ok();
    });
  });
}

}  // namespace

void AddStandardsCommands(CLI::App& app, GlobalOptions& g) {
  auto* standards =
      app.add_subcommand("standards", "Data standards: elements, code tables, field mapping");
  standards->require_subcommand(1);
  AddElements(*standards, g);
  AddCodes(*standards, g);
  AddMap(*standards, g);
  AddStandardize(app, g);
}

}  // namespace citydata::cli
