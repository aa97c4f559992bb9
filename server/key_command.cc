// assure key show [--data DIR]: print the server's Ed25519 public key (hex
// and PEM), for assessors and board minutes. Never creates a key: it is
// created by the server's first start. Exit 0, or 2 when there is none.
//
// assure key rotate-master --new-key-file FILE [--data DIR]: re-wrap every
// personal-data key under a new master key (api/privacy/master_key.h), on a
// stopped store. Exit 0; 1 when nothing was changed (the reason on stderr);
// 2 for bad arguments or a store that cannot be opened; 3 when the store
// opens with the new key only but the default key file was not replaced.
#include <cstdio>
#include <filesystem>

#include "api/audit/signer.h"
#include "api/privacy/master_key.h"
#include "server/commands.h"
#include "storage/event_store.h"

namespace assure::server {

void RegisterKey(CLI::App& app, Run& run) {
  struct Args {
    std::string data = DefaultDataDir();
    std::string new_key_file;
  };
  auto args = std::make_shared<Args>();
  auto* key = app.add_subcommand("key", "The server's signing key");
  key->require_subcommand(1);
  auto* show = key->add_subcommand("show", "Print the public key (hex and PEM)");
  show->add_option("--data", args->data, "Store directory (env ASSURE_DATA)")->capture_default_str();
  show->callback([args, &run] {
    run = [args] {
      if (!std::filesystem::exists(std::filesystem::path(args->data) / "signing-key.pem")) {
        std::fprintf(stderr, "assure key show: no signing key in %s (the server creates it on first start)\n",
                     args->data.c_str());
        return 2;
      }
      auto signer = api::Signer::LoadOrCreate(args->data);
      if (!signer.ok()) {
        std::fprintf(stderr, "assure key show: %s\n", signer.error().message.c_str());
        return 2;
      }
      std::printf("%s\n%s", (*signer)->PublicKeyHex().c_str(), (*signer)->PublicKeyPem().c_str());
      return 0;
    };
  });

  auto* rotate = key->add_subcommand(
      "rotate-master", "Re-wrap every personal-data key under a new master key (stopped store)");
  rotate->add_option("--new-key-file", args->new_key_file,
                     "The new master key: 64 hex digits (openssl rand -hex 32), mode 0600")
      ->required();
  rotate->add_option("--data", args->data, "Store directory (env ASSURE_DATA)")->capture_default_str();
  rotate->callback([args, &run] {
    run = [args] {
      storage::StoreOptions options;
      options.create_if_missing = false;
      auto store = storage::OpenRocksStore(args->data, options);
      if (!store.ok()) {
        std::fprintf(stderr, "assure key rotate-master: %s\n", store.error().message.c_str());
        return 2;
      }
      auto rotated = api::privacy::RotateMasterKey(**store, args->data, "", args->new_key_file);
      if (!rotated.ok()) {
        // 1: nothing was changed; 3: the store opens with the new key only,
        // but the default key file could not be replaced (the message says how).
        std::fprintf(stderr, "assure key rotate-master: %s\n", rotated.error().message.c_str());
        return rotated.error().message.find("opens with the new key only") != std::string::npos ? 3 : 1;
      }
      std::fprintf(stderr, "re-wrapped %zu data keys under the new master key\n", rotated->data_keys);
      if (!rotated->warning.empty()) std::fprintf(stderr, "warning: %s\n", rotated->warning.c_str());
      if (!rotated->installed_at.empty()) {
        std::fprintf(stderr, "%s now holds the new key; the old key opens nothing in this store\n",
                     rotated->installed_at.c_str());
      } else {
        std::fprintf(stderr,
                     "put the new key where the old one was (%s) before the next start: the store opens "
                     "with the new key only\n",
                     rotated->current_key_file.c_str());
      }
      return 0;
    };
  });
}

}  // namespace assure::server
