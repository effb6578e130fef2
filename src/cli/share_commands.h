// `citydata catalog publish|list|show|search|unpublish|export`: the resource catalog
// (政务信息资源目录).
#pragma once

#include <CLI/CLI.hpp>

#include "cli/commands.h"

namespace citydata::cli {

void AddShareCommands(CLI::App& app, GlobalOptions& g);
// `citydata share request|requests|approve|reject|grants|revoke|download`: the sharing workflow.
void AddSharingCommands(CLI::App& app, GlobalOptions& g);

}  // namespace citydata::cli
