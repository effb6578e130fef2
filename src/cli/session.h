// A CLI command's connection to the server, and helpers every command shares.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "cli/commands.h"
#include "cli/http_client.h"
#include "cli/output.h"
#include "cli/settings.h"
#include "core/status.h"

namespace citydata::cli {

// Percent-encodes for a URL query value.
std::string UrlEncode(std::string_view s);
// "?a=1&b=2" from the non-empty parameters.
std::string QueryString(const std::vector<std::pair<std::string, std::string>>& params);

class Session {
 public:
  explicit Session(const GlobalOptions& g);

  // Sends a JSON request; an error answer becomes its Status.
  Result<nlohmann::json> Call(const std::string& method, const std::string& target,
                              const nlohmann::json& body = {});
  // The JSON of a successful answer, or the Status of an error answer.
  static Result<nlohmann::json> Decode(const HttpResult& r);
  // The Status carried by an error answer's JSON body.
  static Status StatusFromBody(int http_status, const std::string& body);

  HttpClient& client() { return client_; }
  const ClientSettings& settings() const { return settings_; }
  OutputFormat format() const { return format_; }

 private:
  ClientSettings settings_;
  HttpClient client_;
  OutputFormat format_;
};

// Runs `fn` with a session, printing an error and setting g.exit_code on failure.
void Run(GlobalOptions& g, const std::function<Status(Session&)>& fn);

void PrintJson(const nlohmann::json& j);

// "/api/v1/datasets/<zone>/<name>" for "ZONE.NAME" (or "NAME" in raw).
Result<std::string> DatasetApiPath(const std::string& dataset);

// GETs a text answer (CSV, YAML, HTML) and prints it, or writes it to `output`.
Status FetchText(Session& s, const std::string& target, const std::string& output);

// The whole content of a local file.
Result<std::string> ReadFile(const std::string& path);

// Declares `name` under `parent`: a command whose one argument is a dataset and whose
// body gets the dataset's API path. Returns the command, for more options.
CLI::App* AddDatasetCommand(CLI::App& parent, GlobalOptions& g, const std::string& name,
                            const std::string& help,
                            std::function<Status(Session&, const std::string& path)> body);

}  // namespace citydata::cli
