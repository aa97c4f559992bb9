// The one place `assure serve` installs other modules' routes, live feed and
// readiness into the Application before the server starts. Each module
// exposes a function taking what it needs (the router, the store, the
// authorizer...) and this file calls it: server/ keeps no business logic.
#pragma once

#include <string>

#include "domain/result.h"
#include "server/application.h"

namespace assure::server {

// `data_dir` holds the server's signing key (created on first start).
// The read models are restored from their snapshot and caught up with the
// log before this returns, or, with `warm_up_in_background`, on the
// application's warm-up thread (Application::WarmUpInBackground), so that
// `assure serve` listens at once and answers 503 until they are.
Status InstallRoutes(Application& app, const std::string& data_dir,
                     bool warm_up_in_background = false);

}  // namespace assure::server
