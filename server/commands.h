// The subcommands of the `assure` executable. Each Register* adds one
// subcommand to the CLI11 app and sets the function that runs it.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

namespace assure::server {

using Run = std::function<int()>;

void RegisterVerify(CLI::App& app, Run& run);
// assure serve [--data DIR] [--listen HOST:PORT] [--config FILE]
void RegisterServe(CLI::App& app, Run& run);
// assure token create|list|revoke
void RegisterToken(CLI::App& app, Run& run);
// assure import FILE... [--data DIR] [--dry-run] [--actor NAME] [--json]
void RegisterImport(CLI::App& app, Run& run);
// assure export --programme ID [--format csv|xlsx] [--as-of DATE] [--out FILE]; assure programmes
void RegisterExport(CLI::App& app, Run& run);
void RegisterProgrammes(CLI::App& app, Run& run);
// assure pack --statements C,C | --section N | --all --as-of DATE --out PACK.zip [--data DIR]
void RegisterPack(CLI::App& app, Run& run);
// assure verify-pack PACK.zip [--public-key HEX|FILE] [--earlier-checkpoint FILE.json]
void RegisterVerifyPack(CLI::App& app, Run& run);
// assure key show [--data DIR]
void RegisterKey(CLI::App& app, Run& run);
// assure backup --server URL --out NAME [--token T] | --data DIR --out DIR
void RegisterBackup(CLI::App& app, Run& run);
// assure restore BACKUP_DIR --data NEWDIR
void RegisterRestore(CLI::App& app, Run& run);
// assure archive export --out DIR [--data DIR] [--without-keys] | import DIR --data NEWDIR
void RegisterArchive(CLI::App& app, Run& run);
// assure subject-access PERSON_ID [--data DIR] [--json]
void RegisterSubjectAccess(CLI::App& app, Run& run);

// The help of every --as-of option (domain::ParseAsAt, the API's as_of).
inline constexpr const char* kAsOfHelp =
    "As at this date or instant: YYYY-MM-DD is the END of that UTC day, inclusive (2024-03-31 "
    "includes what was recorded on 31 March); or YYYY-MM-DDTHH:MM[:SS[.ffffff]] with Z or an "
    "offset (+01:00)";

// Where the store lives: --data, else $ASSURE_DATA, else ./data.
std::string DefaultDataDir();

}  // namespace assure::server
