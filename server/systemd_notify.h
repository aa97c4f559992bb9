// Readiness for systemd's Type=notify services (ops/assure.service), without
// linking libsystemd: sd_notify(3)'s protocol is one datagram of
// "KEY=VALUE" lines to the AF_UNIX socket named by $NOTIFY_SOCKET (a path,
// or "@name" for Linux's abstract namespace).
//
// Thread safety: may be called from any thread.
#pragma once

#include <string_view>

namespace assure::server {

// Sends `state` (e.g. "READY=1", "STOPPING=1") when $NOTIFY_SOCKET is set;
// returns whether it was sent (false, and nothing done, without it).
bool NotifySystemd(std::string_view state);

}  // namespace assure::server
