#include "cli/settings.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace citydata::cli {
namespace fs = std::filesystem;

std::string SettingsPath() {
  if (const char* p = std::getenv("CITYDATA_CONFIG"); p && *p) return p;
  if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && *x) {
    return (fs::path(x) / "citydata" / "cli.json").string();
  }
  const char* home = std::getenv("HOME");
  return (fs::path(home ? home : ".") / ".config" / "citydata" / "cli.json").string();
}

ClientSettings ResolveSettings(const std::string& flag_server, const std::string& flag_token) {
  ClientSettings s;
  std::ifstream in(SettingsPath());
  if (in) {
    auto j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_object()) {
      s.server = j.value("server", s.server);
      s.token = j.value("token", s.token);
    }
  }
  if (const char* e = std::getenv("CITYDATA_SERVER"); e && *e) s.server = e;
  if (const char* e = std::getenv("CITYDATA_TOKEN"); e && *e) s.token = e;
  if (!flag_server.empty()) s.server = flag_server;
  if (!flag_token.empty()) s.token = flag_token;
  while (!s.server.empty() && s.server.back() == '/') s.server.pop_back();
  return s;
}

Status SaveSettings(const ClientSettings& settings) {
  fs::path path = SettingsPath();
  std::error_code ec;
  if (path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
  // Created 0600 before anything is written: the token is never readable by others.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, S_IRUSR | S_IWUSR);
  if (fd < 0 || ::fchmod(fd, S_IRUSR | S_IWUSR) != 0) {
    if (fd >= 0) ::close(fd);
    return Internal("cannot write CLI settings to " + path.string());
  }
  ::close(fd);
  std::ofstream out(path, std::ios::trunc);
  if (!out) return Internal("cannot write CLI settings to " + path.string());
  out << nlohmann::json{{"server", settings.server}, {"token", settings.token}}.dump(2) << "\n";
  out.close();
  return out ? Status::Ok() : Internal("cannot write CLI settings to " + path.string());
}

Result<bool> ClaimSettings(const ClientSettings& settings) {
  std::ifstream in(SettingsPath());
  if (in) {
    auto j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_object() && j.value("server", settings.server) != settings.server) return false;
  }
  RETURN_IF_ERROR(SaveSettings(settings));
  return true;
}

}  // namespace citydata::cli
