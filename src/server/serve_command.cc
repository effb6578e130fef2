#include <spdlog/spdlog.h>

#include <iostream>

#include "cli/settings.h"
#include "server/app.h"
#include "server/commands.h"

namespace citydata::server {
namespace {

struct ServeArgs {
  ServeOptions options;
  int64_t query_timeout_ms = 30000;
  int64_t query_max_rows = 100000;
};

void ApplyQueryLimits(const ServeArgs& a, ServeOptions& o) {
  o.query.defaults.timeout = std::chrono::milliseconds(a.query_timeout_ms);
  o.query.defaults.max_rows = a.query_max_rows;
  o.query.maximum.timeout = std::max(o.query.maximum.timeout, o.query.defaults.timeout);
  o.query.maximum.max_rows = std::max(o.query.maximum.max_rows, o.query.defaults.max_rows);
}

int Serve(ServeArgs& a) {
  ApplyQueryLimits(a, a.options);
  auto app = App::Open(a.options);
  if (!app.ok()) {
    std::cerr << "error: " << app.status().message() << "\n";
    return cli::ExitCodeFor(app.status());
  }
  Status st = (*app)->Start();
  if (!st.ok()) {
    std::cerr << "error: " << st.message() << "\n";
    return 1;
  }
  if (const auto& token = (*app)->new_admin_token()) {
    std::cout << "admin token (shown once; also in " << (*app)->admin_token_path() << "):\n  "
              << *token << "\n";
    // The CLI's client speaks plain HTTP only, so an HTTPS server is not offered to it.
    auto claimed = a.options.tls_cert.empty() ? cli::ClaimSettings({(*app)->url(), *token})
                                              : Result<bool>(false);
    if (claimed.ok() && *claimed) {
      std::cout << "the CLI on this machine is set up to use it (" << cli::SettingsPath() << ")\n";
    }
  }
  std::cout << "citydata listening on " << (*app)->url() << std::endl;
  WaitForTerminationSignal();
  spdlog::info("shutting down: finishing in-flight requests");
  (*app)->Shutdown();
  return 0;
}

}  // namespace

void AddServeCommand(CLI::App& app, cli::GlobalOptions& g) {
  auto* cmd = app.add_subcommand("serve", "Run the citydata server on a data directory");
  auto a = std::make_shared<ServeArgs>();
  cmd->add_option("--data", a->options.data_dir, "data directory (created on first start)")
      ->required();
  cmd->add_option("--listen", a->options.listen, "host:port (port 0 picks a free port)");
  cmd->add_option("--console", a->options.console_dir, "directory of the built web console");
  auto* cert = cmd->add_option("--tls-cert", a->options.tls_cert,
                               "serve HTTPS with this PEM certificate (chain); needs --tls-key");
  auto* key = cmd->add_option("--tls-key", a->options.tls_key, "the PEM private key of --tls-cert");
  cert->needs(key);
  key->needs(cert);
  cmd->add_option("--open-rate-limit", a->options.open_rate_per_minute,
                  "open-data requests per minute per client address (anonymous routes)")
      ->check(CLI::Range(int64_t{1}, int64_t{1000000}));
  cmd->add_option("--sandbox-k", a->options.sandbox.k,
                  "sandbox: groups of fewer source rows are suppressed")
      ->check(CLI::Range(int64_t{2}, int64_t{1000000}));
  cmd->add_option("--workers", a->options.worker_threads, "request worker threads")
      ->check(CLI::Range(1, 256));
  cmd->add_option("--query-timeout-ms", a->query_timeout_ms, "default SQL time limit")
      ->check(CLI::Range(int64_t{1}, int64_t{3600000}));
  cmd->add_option("--query-max-rows", a->query_max_rows, "default SQL row cap")
      ->check(CLI::Range(int64_t{1}, int64_t{100000000}));
  cmd->callback([&g, a] { g.exit_code = Serve(*a); });
}

}  // namespace citydata::server
