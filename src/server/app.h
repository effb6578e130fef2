// The citydata server process: opens the data directory, builds the stores and
// services, wires them to the HTTP API, and runs until shut down.
//
// Data directory layout (created on first start):
//   meta.db          the metadata store
//   governance.db    standards, mappings, quality plans, runs and their failing rows
//   zones/<zone>.db  the embedded engine's zone files
//   spool/           uploads being received (cleared at start)
//   admin.token      the bootstrap admin token, mode 0600, written once
//   lock             locked by the running server: one server per data directory
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/status.h"
#include "query/query_service.h"
#include "sandbox/sandbox_service.h"

namespace citydata::masking {
class Masker;
}

namespace citydata::server {

struct ServeOptions {
  std::string data_dir;
  std::string listen = "127.0.0.1:8080";  // host:port; port 0 picks a free one
  std::string console_dir;                // the built console; default: the build's
  int worker_threads = 8;
  query::QueryConfig query;
  int64_t open_rate_per_minute = 60;  // open-data requests per minute per client address
  sandbox::SandboxConfig sandbox;     // k and the limits of sandbox queries
  // HTTPS when both are set: PEM files of the certificate (chain) and its private key.
  std::string tls_cert;
  std::string tls_key;
};

class App {
 public:
  // Opens or creates everything under options.data_dir and recovers from a crash
  // (interrupted jobs). Does not listen yet.
  static Result<std::unique_ptr<App>> Open(const ServeOptions& options);
  ~App();

  // Starts serving; fails with Unavailable when the address cannot be bound.
  Status Start();
  uint16_t port() const;
  std::string url() const;
  // The admin token when it was created by this start (first start only).
  const std::optional<std::string>& new_admin_token() const { return new_admin_token_; }
  std::string admin_token_path() const;
  // Finishes in-flight requests and stops. Idempotent.
  void Shutdown();

 private:
  struct Parts;
  explicit App(ServeOptions options);
  Status Init();
  static Status RotateKeys(Parts& parts, const std::string& which);
  static std::shared_ptr<const masking::Masker> CurrentMasker(Parts& parts);

  ServeOptions options_;
  std::unique_ptr<Parts> parts_;
  std::optional<std::string> new_admin_token_;
  int lock_fd_ = -1;  // holds the data directory's lock; see LockDataDirectory
};

// Blocks SIGINT and SIGTERM in the calling thread (call before any thread starts, so
// all threads inherit the mask) and later waits for one of them.
void BlockTerminationSignals();
int WaitForTerminationSignal();

}  // namespace citydata::server
