// assure archive export --out DIR [--data DIR] [--without-keys]: the whole
// log, its documents, checkpoints and (wrapped) keys as files an archivist
// can read without Assure (api/backup/archive.h; FORMAT.md section 9).
// Opens the store read-only: a stopped store, or a backup's directory (a
// backup is a RocksDB checkpoint) while the server runs.
// assure archive import DIR --data NEWDIR: the archive loaded into a new
// store, verified to the archive's head and Merkle root.
// Exit codes: 0 done; 1 the archive does not verify (import); 2 usage, I/O
// or a store that cannot be opened.
#include <cstdio>
#include <memory>

#include "api/backup/archive.h"
#include "server/commands.h"
#include "storage/clock.h"
#include "storage/event_store.h"

namespace assure::server {

void RegisterArchive(CLI::App& app, Run& run) {
  struct Args {
    std::string data = DefaultDataDir();
    std::string out;
    std::string archive;
    bool without_keys = false;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("archive", "An archive of the whole record, readable without Assure");
  cmd->require_subcommand(1);

  auto* exp = cmd->add_subcommand(
      "export",
      "Write the log (JSON Lines with its hashes), the documents by SHA-256, the signed checkpoints\n"
      "and a README of the format to a new directory. Exit 0, or 2.");
  exp->add_option("--out", args->out, "The archive directory to create (must not exist)")->required();
  exp->add_option("--data", args->data,
                  "Store directory (env ASSURE_DATA): a stopped store, or a backup's directory")
      ->capture_default_str();
  exp->add_flag("--without-keys", args->without_keys,
                "Leave out keys.jsonl (the wrapped personal-data keys): the archive's personal fields "
                "then never open again");
  exp->callback([args, &run] {
    run = [args] {
      storage::StoreOptions options;
      options.create_if_missing = false;
      options.read_only = true;
      auto store = storage::OpenRocksStore(args->data, options);
      if (!store.ok()) {
        std::fprintf(stderr, "assure archive export: %s\n", store.error().message.c_str());
        return 2;
      }
      api::backup::ArchiveOptions o;
      o.with_keys = !args->without_keys;
      o.now_us = storage::SystemClock()->NowMicros();
      auto written = api::backup::WriteArchive(**store, args->out, o);
      if (!written.ok()) {
        std::fprintf(stderr, "assure archive export: %s\n", written.error().message.c_str());
        return 2;
      }
      std::printf("archived %llu events, %zu documents, %zu checkpoints, %zu keys to %s: head %s, Merkle root %s\n",
                  static_cast<unsigned long long>(written->events), written->documents, written->checkpoints,
                  written->keys, args->out.c_str(), written->head_hash.c_str(), written->merkle_root.c_str());
      return 0;
    };
  });

  auto* imp = cmd->add_subcommand(
      "import",
      "Load an archive into a new, empty data directory, every event with its own id and time, and\n"
      "verify the new store to the archive's head and Merkle root. On any failure the directory is\n"
      "removed. Exit 0 imported and verified, 1 the archive does not verify, 2 otherwise.");
  imp->add_option("archive", args->archive, "The archive directory (holding manifest.json)")->required();
  imp->add_option("--data", args->data, "The new data directory (missing or empty)")->required();
  imp->callback([args, &run] {
    run = [args] {
      auto r = api::backup::ImportArchive(args->archive, args->data);
      if (!r.ok()) {
        std::fprintf(stderr, "assure archive import: %s\n", r.error().message.c_str());
        return r.error().code == ErrorCode::kCorruption ? 1 : 2;
      }
      std::printf("imported %llu events, %zu documents, %zu checkpoints, %zu keys into %s: head %s, Merkle root %s "
                  "(verified)\n",
                  static_cast<unsigned long long>(r->events), r->documents, r->checkpoints, r->keys,
                  args->data.c_str(), r->head_hash.c_str(), r->merkle_root.c_str());
      return 0;
    };
  });
}

}  // namespace assure::server
