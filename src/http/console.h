// Serves the built web console (a single-page app) from a directory.
#pragma once

#include <string>

#include "http/server.h"

namespace citydata::http {

// GET / and GET /<file>: files under `dir` with their content types. Hashed assets
// (under /assets/) are cached for a year, everything else is revalidated; unknown
// paths outside /api/ get index.html so the app's own routes work on reload. Without
// a built console, / explains how to build it. Paths never escape `dir`.
void RegisterConsole(Router& router, const std::string& dir);

}  // namespace citydata::http
