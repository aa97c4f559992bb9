#include "server/personal_data.h"

#include <spdlog/spdlog.h>

#include <cstdio>

#include "api/privacy/master_key.h"

namespace assure::server {

Status InstallPersonalData(std::shared_ptr<storage::EventStore> store, const std::string& data_dir,
                           const std::string& configured_key_file, bool writable, const char* who) {
  auto opened = api::privacy::OpenVault(std::move(store), data_dir, configured_key_file, writable);
  if (!opened.ok()) return opened.error();
  if (!opened->notice.empty()) std::fprintf(stderr, "%s: %s\n", who, opened->notice.c_str());
  api::privacy::InstallVault(std::move(opened->vault));
  return {};
}

void UninstallPersonalData() { api::privacy::InstallVault(nullptr); }

}  // namespace assure::server
