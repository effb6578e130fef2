// Where the CLI finds its server and token.
//
// Precedence: --server/--token flags, then CITYDATA_SERVER/CITYDATA_TOKEN, then the
// settings file that `citydata serve` and `citydata demo` leave behind
// ($CITYDATA_CONFIG, else $XDG_CONFIG_HOME/citydata/cli.json, else
// ~/.config/citydata/cli.json; mode 0600 because it holds a token).
#pragma once

#include <string>

#include "core/status.h"

namespace citydata::cli {

struct ClientSettings {
  std::string server = "http://127.0.0.1:8080";
  std::string token;
};

std::string SettingsPath();
// Resolves settings from flags (empty = not given), environment and file.
ClientSettings ResolveSettings(const std::string& flag_server, const std::string& flag_token);
// Writes `settings` to the settings file (mode 0600), replacing what it held.
Status SaveSettings(const ClientSettings& settings);
// Saves `settings` for a server this process started, unless the settings file already
// names another server: an operator's saved connection is never replaced silently.
// Returns whether it saved.
Result<bool> ClaimSettings(const ClientSettings& settings);

}  // namespace citydata::cli
