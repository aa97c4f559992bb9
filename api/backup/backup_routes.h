// The backup API:
//   POST /api/v1/admin/backups   admin only   {"name": "<directory name>"}
//        -> 201 {dir, name, head_position, head_hash, merkle_root, files, bytes, ...}
// The backup is written to <backup_dir>/<name> on the server's machine
// (ServerConfig::backup_dir). A name that is not a plain directory name
// (a path, "..") is 422; a name already used is 409.
#pragma once

#include <functional>
#include <memory>

#include "api/backup/backup.h"
#include "api/http/router.h"

namespace assure::api::backup {

Status RegisterBackupRoutes(http::Router& router, std::shared_ptr<BackupService> service,
                            std::function<std::int64_t()> now_us);

}  // namespace assure::api::backup
