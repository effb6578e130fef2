// The HTTP/1.1 transport: an asynchronous Boost.Beast server with keep-alive.
//
// Network I/O runs on a few I/O threads; handlers run on a separate worker pool, so
// a slow client (slow to send or to read) never holds a worker and a slow handler
// never stalls I/O. Hundreds of idle keep-alive connections cost only memory.
//
// This layer knows nothing of citydata's services: http/api.cc registers routes whose
// handlers parse parameters, call one service entry point and serialize the result.
#pragma once

#include <any>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/metrics.h"
#include "core/status.h"

namespace citydata::http {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions };
std::string_view MethodName(Method m);

struct Request {
  Method method = Method::kGet;
  std::string target;  // as received, e.g. "/api/v1/datasets?search=%E6%88%B7"
  std::string path;    // percent-decoded path without the query string
  std::map<std::string, std::string> query;        // percent-decoded; '+' is a space
  std::map<std::string, std::string> path_params;  // from "{name}" segments of the route
  std::map<std::string, std::string> headers;      // names lower-cased
  std::string body;                                // the body, for ordinary routes
  std::string body_file;  // upload routes: the spooled body's path, removed after the handler
  std::string remote_address;
  // Set by the route's admission hook for its handler; the HTTP layer does not read it.
  std::any context;

  // The header's value or "" when absent. `name` must be lower-case.
  std::string_view Header(std::string_view name) const;
  // The query parameter's value or `fallback`.
  std::string Query(std::string_view name, std::string_view fallback = "") const;
};

// Writes one chunk of a streamed body; returns false once the client has gone, after
// which the producer should stop.
using ChunkWriter = std::function<bool(std::string_view chunk)>;

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  std::string body;
  // When set, the body is produced by this function on the worker thread and sent with
  // chunked transfer encoding; `body` is ignored. The function's Status is logged.
  std::function<Status(const ChunkWriter&)> stream;
  // When set, the body is this file's content (static files, exports); `body` is ignored.
  std::string file_path;
};

using Handler = std::function<Response(Request&)>;

// Decides, from the request line and headers alone, whether a request may proceed:
// nullopt admits it (and may leave what it learned in Request::context for the
// handler, e.g. the authenticated caller); a response is sent instead and the
// connection closed without reading the body, so an unauthenticated client cannot make
// the server store a large upload. Runs on an I/O thread: it must be quick.
using Admission = std::function<std::optional<Response>(Request&)>;

struct RouteOptions {
  // The request body is streamed to a spool file (Request::body_file) instead of memory,
  // up to ServerOptions::max_upload_bytes.
  bool upload = false;
  Admission admit;  // empty: every request is admitted
};

// Routes "METHOD /literal/{param}/..." patterns; the pattern doubles as the metrics label.
// A trailing "/*" segment matches any rest of the path (into path_params["*"]).
class Router {
 public:
  void Add(Method method, std::string pattern, Handler handler, RouteOptions options = {});
  // Handler for requests no route matches (default: a JSON 404).
  void SetFallback(Handler handler);

  struct Match {
    const Handler* handler = nullptr;
    RouteOptions options;
    std::string pattern;  // "" when unmatched
    std::map<std::string, std::string> params;
    bool method_not_allowed = false;  // the path matched but not the method
  };
  // `path` is the raw (still percent-encoded) path, so an encoded '/' stays inside its
  // segment; params come back decoded. A GET route also answers HEAD. Literal segments
  // win over "{param}", which wins over "*".
  Match Find(Method method, std::string_view path) const;
  const Handler& fallback() const { return fallback_; }

 private:
  struct Route {
    Method method;
    std::vector<std::string> segments;
    std::string pattern;
    Handler handler;
    RouteOptions options;
  };
  std::vector<Route> routes_;
  Handler fallback_;
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0 picks a free port; see Server::port()
  int io_threads = 2;
  int worker_threads = 8;
  size_t max_header_bytes = 16u << 10;
  size_t max_body_bytes = 8u << 20;         // ordinary routes: larger bodies get 413
  uint64_t max_upload_bytes = 64ull << 30;  // upload routes
  std::string spool_dir;                    // where upload bodies are spooled; must exist
  std::chrono::seconds idle_timeout{60};    // keep-alive and slow-client limit per read/write
  Metrics* metrics = nullptr;               // requests by route and status, latency histogram
  // HTTPS when both are set: PEM files of the certificate (chain) and its private key.
  // Every connection then completes a TLS 1.2+ handshake within `tls_handshake_timeout`
  // before its first request; a plain-HTTP request gets a 400 saying to use https://.
  std::string tls_cert_file;
  std::string tls_key_file;
  std::chrono::seconds tls_handshake_timeout{10};

  bool tls() const { return !tls_cert_file.empty() || !tls_key_file.empty(); }
};

class Server {
 public:
  // Binds and starts serving in background threads. Fails with Unavailable when the
  // address cannot be bound (e.g. the port is taken), and with InvalidArgument when TLS
  // is asked for and the certificate or key is missing, unreadable, not PEM, or the two
  // do not match.
  static Result<std::unique_ptr<Server>> Start(ServerOptions options, Router router);
  virtual ~Server() = default;

  virtual uint16_t port() const = 0;
  // Stops accepting, lets in-flight requests finish (up to `grace`), closes idle
  // connections and joins all threads. Idempotent.
  virtual void Shutdown(std::chrono::seconds grace = std::chrono::seconds(30)) = 0;
};

}  // namespace citydata::http
