#include "cli/query_command.h"

#include <iostream>

#include "cli/session.h"
#include "core/json_util.h"

namespace citydata::cli {
namespace {

using nlohmann::json;

struct QueryArgs {
  std::string sql;
  int64_t max_rows = 0;
  int64_t timeout_ms = 0;
};

json RequestBody(const QueryArgs& a, const std::string& format, int64_t default_rows) {
  json body = {{"sql", a.sql}, {"format", format}};
  int64_t rows = a.max_rows > 0 ? a.max_rows : default_rows;
  if (rows > 0) body["max_rows"] = rows;
  if (a.timeout_ms > 0) body["timeout_ms"] = a.timeout_ms;
  return body;
}

Status PrintTable(Session& s, const QueryArgs& a) {
  ASSIGN_OR_RETURN(json r, s.Call("POST", "/api/v1/query", RequestBody(a, "json", 1000)));
  std::vector<std::vector<std::string>> rows;
  for (const auto& row : r["rows"]) {
    rows.emplace_back();
    for (const auto& v : row) rows.back().push_back(CellText(v));
  }
  PrintRows(r["columns"].get<std::vector<std::string>>(), rows, OutputFormat::kTable);
  std::cout << "(" << rows.size() << " rows"
            << (r.value("truncated", false) ? ", truncated: "
                                              "raise --max-rows to see more"
                                            : "")
            << ")\n";
  if (r.contains("error")) {
    return Status(ErrorCodeFromName(r["error"].value("code", "internal")),
                  r["error"].value("message", "query failed"));
  }
  return Status::Ok();
}

// Streams the answer to stdout; a failure after the first row arrives in the
// answer's tail ("error" member or "# error:" line), which is checked at the end.
Status StreamOut(Session& s, const QueryArgs& a, const std::string& format) {
  std::string head, tail;
  bool is_error = false;
  auto on_body = [&](int code, std::string_view chunk) {
    is_error = code >= 400;
    if (head.size() < 65536) head.append(chunk.substr(0, 65536 - head.size()));
    if (!is_error) std::cout.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    tail.append(chunk);
    if (tail.size() > 65536) tail.erase(0, tail.size() - 65536);
    return true;
  };
  auto status = s.client().RequestStream("POST", "/api/v1/query",
                                         DumpJson(RequestBody(a, format, 0)), on_body);
  std::cout.flush();
  if (!status.ok()) return status.status();
  if (*status >= 400) return Session::StatusFromBody(*status, head);
  if (format == "csv") {
    size_t pos = tail.rfind("# error: ");
    if (pos != std::string::npos) return Internal(tail.substr(pos + 9));
    if (tail.rfind("# truncated: ") != std::string::npos) {
      std::cerr << "warning: the result was truncated at the row cap; raise --max-rows\n";
    }
    return Status::Ok();
  }
  // The answer ends with ],"row_count":N,"truncated":B[,"error":{...}]}
  size_t pos = tail.rfind("],\"row_count\":");
  if (pos == std::string::npos) return Status::Ok();
  auto trailer = json::parse("{" + tail.substr(pos + 2), nullptr, false);
  if (trailer.is_object() && trailer.contains("error")) {
    return Status(ErrorCodeFromName(trailer["error"].value("code", "internal")),
                  trailer["error"].value("message", "query failed"));
  }
  return Status::Ok();
}

}  // namespace

void AddQueryCommand(CLI::App& app, GlobalOptions& g) {
  auto* cmd = app.add_subcommand("query", "Run one read-only SQL query over all zones");
  auto a = std::make_shared<QueryArgs>();
  cmd->add_option("sql", a->sql, "e.g. \"SELECT count(*) FROM raw.household_registry\"")
      ->required();
  cmd->add_option("--max-rows", a->max_rows, "row cap (table output default 1000)");
  cmd->add_option("--timeout-ms", a->timeout_ms, "time limit in milliseconds");
  cmd->callback([&g, a] {
    Run(g, [&](Session& s) -> Status {
      if (s.format() == OutputFormat::kTable) return PrintTable(s, *a);
      return StreamOut(s, *a, s.format() == OutputFormat::kCsv ? "csv" : "json");
    });
  });
}

}  // namespace citydata::cli
