#include "cli/session.h"

#include <fstream>
#include <iostream>
#include <sstream>

#include "core/json_util.h"
#include "core/types.h"

namespace citydata::cli {

using nlohmann::json;

std::string UrlEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0xF];
    }
  }
  return out;
}

std::string QueryString(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [k, v] : params) {
    if (v.empty()) continue;
    out += (out.empty() ? "?" : "&") + k + "=" + UrlEncode(v);
  }
  return out;
}

Session::Session(const GlobalOptions& g)
    : settings_(ResolveSettings(g.server, g.token)),
      client_(settings_.server, settings_.token),
      format_(g.format == "json"  ? OutputFormat::kJson
              : g.format == "csv" ? OutputFormat::kCsv
                                  : OutputFormat::kTable) {}

Result<json> Session::Call(const std::string& method, const std::string& target, const json& body) {
  ASSIGN_OR_RETURN(
      HttpResult r,
      client_.Request(method, target, body.is_null() ? "" : DumpJson(body), "application/json"));
  return Decode(r);
}

Status Session::StatusFromBody(int http_status, const std::string& body) {
  auto j = json::parse(body, nullptr, false);
  if (j.is_object() && j.contains("error") && j["error"].is_object()) {
    return Status(ErrorCodeFromName(j["error"].value("code", "internal")),
                  j["error"].value("message", "request failed"));
  }
  return Internal("the server answered HTTP " + std::to_string(http_status));
}

Result<json> Session::Decode(const HttpResult& r) {
  if (r.status >= 400) return StatusFromBody(r.status, r.body);
  auto j = json::parse(r.body, nullptr, false);
  if (j.is_discarded()) return Internal("the server's answer is not JSON");
  return j;
}

void Run(GlobalOptions& g, const std::function<Status(Session&)>& fn) {
  Session session(g);
  Status st = fn(session);
  if (!st.ok()) {
    std::cerr << "error: " << st.message() << "\n";
    g.exit_code = ExitCodeFor(st);
  }
}

void PrintJson(const json& j) { std::cout << DumpJson(j, 2) << "\n"; }

Result<std::string> DatasetApiPath(const std::string& dataset) {
  ASSIGN_OR_RETURN(DatasetName d, ParseDatasetName(dataset, Zone::kRaw));
  return "/api/v1/datasets/" + std::string(ZoneName(d.zone)) + "/" + d.name;
}

Status FetchText(Session& s, const std::string& target, const std::string& output) {
  ASSIGN_OR_RETURN(HttpResult r, s.client().Request("GET", target));
  if (r.status >= 400) return Session::StatusFromBody(r.status, r.body);
  if (output.empty()) {
    std::cout << r.body;
    return Status::Ok();
  }
  std::ofstream out(output, std::ios::binary | std::ios::trunc);
  if (!out || !(out << r.body)) return Internal("cannot write " + output);
  std::cout << "wrote " << output << "\n";
  return Status::Ok();
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot read " + path);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

CLI::App* AddDatasetCommand(CLI::App& parent, GlobalOptions& g, const std::string& name,
                            const std::string& help,
                            std::function<Status(Session&, const std::string& path)> body) {
  auto* cmd = parent.add_subcommand(name, help);
  auto dataset = std::make_shared<std::string>();
  cmd->add_option("dataset", *dataset, "ZONE.NAME")->required();
  cmd->callback([&g, dataset, body = std::move(body)] {
    Run(g, [&](Session& s) -> Status {
      ASSIGN_OR_RETURN(std::string path, DatasetApiPath(*dataset));
      return body(s, path);
    });
  });
  return cmd;
}

int ExitCodeFor(const Status& status) {
  if (status.ok()) return 0;
  if (status.code() == ErrorCode::kUnavailable) return 3;
  return 1;
}

}  // namespace citydata::cli
