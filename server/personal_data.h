// Opening a store's personal-data vault for a command of the executable.
#pragma once

#include <memory>
#include <string>

#include "domain/result.h"
#include "storage/event_store.h"

namespace assure::server {

// Finds the master key (api/privacy/master_key.h), opens the store's vault
// and installs it for this process, printing its notice (a key created) on
// stderr prefixed by `who`. An error (a wrong or missing master key) is for
// the caller to print: the command must not go on.
Status InstallPersonalData(std::shared_ptr<storage::EventStore> store, const std::string& data_dir,
                           const std::string& configured_key_file, bool writable, const char* who);
// Uninstalls it (before the store closes).
void UninstallPersonalData();

}  // namespace assure::server
