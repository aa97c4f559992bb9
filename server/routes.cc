#include "server/routes.h"

namespace assure::server {

Status InstallRoutes(Application& app) {
  // Modules register here, e.g.:
  //   ASSURE_TRY(api::RegisterDeliverableRoutes(app.router(), app.store(), app.authorizer()));
  //   app.SetLiveFeed(api::MakeLiveFeed(app.store(), ...));
  //   app.SetReadiness([&app] { return ...; });
  (void)app;
  return {};
}

}  // namespace assure::server
