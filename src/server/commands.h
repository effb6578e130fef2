// The `serve` and `demo` commands: the ones that run a server in this process.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/commands.h"

namespace citydata::server {

void AddServeCommand(CLI::App& app, cli::GlobalOptions& g);
void AddDemoCommand(CLI::App& app, cli::GlobalOptions& g);

}  // namespace citydata::server
