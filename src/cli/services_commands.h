// `citydata services publish|list|show|call|stats|unpublish`: API services (API 超市).
#pragma once

#include <CLI/CLI.hpp>

#include "cli/commands.h"

namespace citydata::cli {

void AddServicesCommands(CLI::App& app, GlobalOptions& g);

}  // namespace citydata::cli
