#include "http/console.h"

#include <filesystem>
#include <map>

#include "http/error_map.h"

namespace citydata::http {
namespace {

namespace fs = std::filesystem;

std::string ContentType(const fs::path& file) {
  static const std::map<std::string, std::string> kTypes = {
      {".html", "text/html; charset=utf-8"},  {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},          {".svg", "image/svg+xml"},
      {".png", "image/png"},                  {".jpg", "image/jpeg"},
      {".ico", "image/x-icon"},               {".woff", "font/woff"},
      {".woff2", "font/woff2"},               {".ttf", "font/ttf"},
      {".txt", "text/plain; charset=utf-8"},  {".map", "application/json"}};
  auto it = kTypes.find(file.extension().string());
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

constexpr const char* kNotBuilt = R"html(<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>citydata</title></head>
<body style="font-family:sans-serif;max-width:40em;margin:4em auto">
<h1>citydata</h1>
<p>控制台尚未构建。The web console has not been built.</p>
<p>Build it with <code>scripts/build.sh</code> (it runs <code>npm ci &amp;&amp; npm run build</code>
in <code>console/</code>), then restart the server. The API is available at
<code>/api/v1</code> and documented at <code>/api/v1/openapi.json</code>.</p>
</body></html>
)html";

Response ServeFile(const fs::path& file, bool immutable) {
  Response r;
  r.file_path = file.string();
  r.content_type = ContentType(file);
  r.headers.emplace_back("Cache-Control",
                         immutable ? "public, max-age=31536000, immutable" : "no-cache");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return r;
}

Response Serve(const fs::path& root, const std::string& path) {
  if (path.starts_with("/api/") || path == "/metrics" || path == "/healthz") {
    return ErrorResponse(NotFound("no such endpoint: " + path));
  }
  fs::path index = root / "index.html";
  std::error_code ec;
  if (!fs::is_regular_file(index, ec)) {
    Response r;
    r.status = path == "/" ? 200 : 404;
    r.content_type = "text/html; charset=utf-8";
    r.body = kNotBuilt;
    return r;
  }
  fs::path candidate = (root / fs::path(path).relative_path()).lexically_normal();
  auto [root_end, _] = std::mismatch(root.begin(), root.end(), candidate.begin(), candidate.end());
  bool inside = root_end == root.end();
  if (inside && path != "/" && fs::is_regular_file(candidate, ec)) {
    return ServeFile(candidate, path.starts_with("/assets/"));
  }
  if (path.starts_with("/assets/")) return ErrorResponse(NotFound("no such file: " + path));
  return ServeFile(index, false);
}

}  // namespace

void RegisterConsole(Router& router, const std::string& dir) {
  fs::path root = fs::weakly_canonical(fs::absolute(dir));
  auto handler = [root](Request& req) { return Serve(root, req.path); };
  router.Add(Method::kGet, "/", handler);
  router.Add(Method::kGet, "/*", handler);
}

}  // namespace citydata::http
