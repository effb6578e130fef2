// The `citydata` binary: the server (`serve`, `demo`) and the CLI client commands.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "cli/commands.h"
#include "server/app.h"
#include "server/commands.h"

int main(int argc, char** argv) {
  // Before any thread starts, so that SIGINT/SIGTERM are only received by sigwait.
  citydata::server::BlockTerminationSignals();
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  CLI::App app{"citydata: the city data platform (collect, store, govern, use, share)",
               "citydata"};
  app.require_subcommand(1);
  app.fallthrough();  // global options may follow the subcommand: `citydata show x --format json`
  citydata::cli::GlobalOptions options;
  app.add_option("--server", options.server, "server URL (or CITYDATA_SERVER)");
  app.add_option("--token", options.token, "API token (or CITYDATA_TOKEN)");
  app.add_option("--format", options.format, "output: table, json or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  citydata::server::AddServeCommand(app, options);
  citydata::server::AddDemoCommand(app, options);
  citydata::cli::RegisterClientCommands(app, options);
  CLI11_PARSE(app, argc, argv);
  return options.exit_code;
}
