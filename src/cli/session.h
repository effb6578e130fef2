// A CLI command's connection to the server, and helpers every command shares.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

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
  OutputFormat format() const { return format_; }

 private:
  ClientSettings settings_;
  HttpClient client_;
  OutputFormat format_;
};

// Runs `fn` with a session, printing an error and setting g.exit_code on failure.
void Run(GlobalOptions& g, const std::function<Status(Session&)>& fn);

void PrintJson(const nlohmann::json& j);

}  // namespace citydata::cli
