// assure backup: a backup of a running server (--server: POST
// /api/v1/admin/backups) or of a stopped store (--data); assure restore: a
// backup into a new data directory, verified before it says so. README
// "Backup and restore". Exit codes: 0 done; 1 the backup does not verify
// (restore) or the server refused (backup); 2 usage, I/O or connection errors.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "api/backup/backup.h"
#include "server/commands.h"
#include "server/http_client.h"
#include "storage/clock.h"
#include "storage/event_store.h"

namespace assure::server {

namespace {

void PrintManifest(const api::backup::BackupManifest& m) {
  std::printf("backup %s: head position %llu, hash %s, Merkle root %s; %zu files (%zu shared with the previous "
              "backup), %llu bytes\n",
              m.dir.c_str(), static_cast<unsigned long long>(m.head_position), m.head_hash.c_str(),
              m.merkle_root.c_str(), m.files.size(), m.shared_files, static_cast<unsigned long long>(m.bytes()));
}

int BackupOverHttp(const std::string& server, const std::string& ca_file, std::string token,
                   const std::string& name) {
  if (token.empty()) {
    if (const char* env = std::getenv("ASSURE_TOKEN")) token = env;
  }
  if (token.empty()) {
    std::fprintf(stderr, "assure backup: --server needs an admin token (--token or env ASSURE_TOKEN)\n");
    return 2;
  }
  auto endpoint = ParseHttpUrl(server, ca_file);
  if (!endpoint.ok()) {
    std::fprintf(stderr, "assure backup: %s\n", endpoint.error().message.c_str());
    return 2;
  }
  const nlohmann::json body = {{"name", name}};
  auto reply = HttpRequest(*endpoint, "POST", "/api/v1/admin/backups", token, body.dump(),
                           "application/json", std::chrono::hours(6));
  if (!reply.ok()) {
    std::fprintf(stderr, "assure backup: %s\n", reply.error().message.c_str());
    return 2;
  }
  auto j = nlohmann::json::parse(reply->body, nullptr, false);
  if (reply->status != 201 || j.is_discarded()) {
    std::string why = reply->body;
    if (!j.is_discarded() && j.is_object() && j.contains("detail")) why = j["detail"].dump();
    std::fprintf(stderr, "assure backup: the server answered %d: %s\n", reply->status, why.c_str());
    return 1;
  }
  std::printf("backup %s: head position %s, hash %s, Merkle root %s; %zu files (%s shared with the previous "
              "backup), %s bytes\n",
              j.value("dir", "").c_str(), j["head_position"].dump().c_str(), j.value("head_hash", "").c_str(),
              j.value("merkle_root", "").c_str(), j["files"].size(), j.value("shared_files", nlohmann::json(0)).dump().c_str(),
              j["bytes"].dump().c_str());
  return 0;
}

int BackupStopped(const std::string& data, const std::string& out) {
  storage::StoreOptions options;
  options.create_if_missing = false;
  auto store = storage::OpenRocksStore(data, options);
  if (!store.ok()) {
    std::fprintf(stderr, "assure backup: %s\n", store.error().message.c_str());
    return 2;
  }
  auto m = api::backup::TakeBackup(**store, data, out, storage::SystemClock()->NowMicros());
  if (!m.ok()) {
    std::fprintf(stderr, "assure backup: %s\n", m.error().message.c_str());
    return 2;
  }
  PrintManifest(*m);
  return 0;
}

}  // namespace

void RegisterBackup(CLI::App& app, Run& run) {
  struct Args {
    std::string server;
    std::string token;
    std::string ca_file;
    std::string out;
    std::string data;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "backup",
      "Back up a store. A running server: --server http://HOST:PORT --out NAME writes the backup\n"
      "to <backup_dir>/NAME on the server's machine (an admin token: --token or env ASSURE_TOKEN);\n"
      "every write acknowledged before the request is in it. A stopped store: --data DIR --out DIR.\n"
      "The master key is never in a backup: keep it apart (README \"Backup and restore\").");
  cmd->add_option("--server", args->server, "A running server, e.g. http://127.0.0.1:8080 or https://assure.example");
  cmd->add_option("--token", args->token, "With --server: an admin's token (env ASSURE_TOKEN)");
  cmd->add_option("--ca-file", args->ca_file,
                  "With an https:// --server: trust the CAs in this PEM file instead of the system's");
  cmd->add_option("--out", args->out,
                  "With --server: the backup's name (a directory inside the server's backup_dir);\n"
                  "with --data: the new directory to write")
      ->required();
  cmd->add_option("--data", args->data, "A stopped store's directory (instead of --server)");
  cmd->callback([args, &run] {
    run = [args] {
      if (args->server.empty() == args->data.empty()) {
        std::fprintf(stderr, "assure backup: give either --server URL or --data DIR\n");
        return 2;
      }
      if (!args->server.empty()) return BackupOverHttp(args->server, args->ca_file, args->token, args->out);
      return BackupStopped(args->data, args->out);
    };
  });
}

void RegisterRestore(CLI::App& app, Run& run) {
  struct Args {
    std::string backup;
    std::string data;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "restore",
      "Restore a backup into a new, empty data directory: copies every file, checking it against the\n"
      "backup's manifest, then verifies the whole hash chain and the Merkle root. On any failure the\n"
      "new directory is removed. Exit 0 restored and verified, 1 the backup does not verify, 2 otherwise.");
  cmd->add_option("backup", args->backup, "The backup directory (holding assure-backup.json)")->required();
  cmd->add_option("--data", args->data, "The new data directory (missing or empty)")->required();
  cmd->callback([args, &run] {
    run = [args] {
      auto r = api::backup::Restore(args->backup, args->data);
      if (!r.ok()) {
        std::fprintf(stderr, "assure restore: %s\n", r.error().message.c_str());
        return r.error().code == ErrorCode::kCorruption ? 1 : 2;
      }
      std::printf("restored %s into %s: %llu events verified, head %s, Merkle root %s\n",
                  args->backup.c_str(), args->data.c_str(), static_cast<unsigned long long>(r->events_verified),
                  r->manifest.head_hash.c_str(), r->manifest.merkle_root.c_str());
      std::printf("the master key is not in a backup: give the server the store's master key "
                  "(ASSURE_MASTER_KEY_FILE, master_key_file, or %s/master.key) before it starts\n",
                  args->data.c_str());
      return 0;
    };
  });
}

}  // namespace assure::server
