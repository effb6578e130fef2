// `citydata sandbox query|grants`: aggregate-only queries under a sandbox grant
// (数据可用不可见).
#pragma once

#include <CLI/CLI.hpp>

#include "cli/commands.h"

namespace citydata::cli {

void AddSandboxCommands(CLI::App& app, GlobalOptions& g);

}  // namespace citydata::cli
