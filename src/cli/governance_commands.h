// `citydata standards ...`, `citydata standardize` and `citydata quality ...`.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/commands.h"

namespace citydata::cli {

void AddStandardsCommands(CLI::App& app, GlobalOptions& g);
void AddQualityCommands(CLI::App& app, GlobalOptions& g);

}  // namespace citydata::cli
