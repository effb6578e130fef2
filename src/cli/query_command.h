// `citydata query "SELECT ..."`: read-only SQL over all zones.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/commands.h"

namespace citydata::cli {

// Table output fetches at most --max-rows rows (default 1000) and says when more
// exist; csv and json stream the server's answer straight to stdout.
void AddQueryCommand(CLI::App& app, GlobalOptions& g);

}  // namespace citydata::cli
