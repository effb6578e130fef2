// The client commands of the `citydata` CLI. Each talks to a server over HTTP; none
// touches a data directory. `serve` and `demo` are registered by server/.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "cli/output.h"
#include "core/status.h"

namespace citydata::cli {

struct GlobalOptions {
  std::string server;            // --server; see settings.h for the fallbacks
  std::string token;             // --token
  std::string format = "table";  // --format table|json|csv
  int exit_code = 0;             // set by the command that ran
};

// Adds depts, ingest, datasets, show, rejects, jobs, query and describe to `app`.
void RegisterClientCommands(CLI::App& app, GlobalOptions& options);

// Process exit codes: 0 success, 1 the server refused or failed the request,
// 2 a usage error, 3 the server could not be reached.
int ExitCodeFor(const Status& status);

}  // namespace citydata::cli
