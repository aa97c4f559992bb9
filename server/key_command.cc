// assure key show [--data DIR]: print the server's Ed25519 public key (hex
// and PEM), for assessors and board minutes. Never creates a key: it is
// created by the server's first start. Exit 0, or 2 when there is none.
#include <cstdio>
#include <filesystem>

#include "api/audit/signer.h"
#include "server/commands.h"

namespace assure::server {

void RegisterKey(CLI::App& app, Run& run) {
  struct Args {
    std::string data = DefaultDataDir();
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
}

}  // namespace assure::server
