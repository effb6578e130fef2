// `citydata users|login|logout|tokens|apps|grants|classify|policies|mask|detokenize|audit|keys`.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/commands.h"

namespace citydata::cli {

void AddSecurityCommands(CLI::App& app, GlobalOptions& g);

}  // namespace citydata::cli
