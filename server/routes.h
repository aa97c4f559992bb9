// The one place `assure serve` installs other modules' routes, live feed and
// readiness into the Application before the server starts. Each module
// exposes a function taking what it needs (the router, the store, the
// authorizer...) and this file calls it: server/ keeps no business logic.
#pragma once

#include "domain/result.h"
#include "server/application.h"

namespace assure::server {

Status InstallRoutes(Application& app);

}  // namespace assure::server
