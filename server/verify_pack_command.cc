// assure verify-pack: check an evidence pack offline, without a store.
//   assure verify-pack PACK.zip [--public-key HEX|FILE]
//                      [--earlier-checkpoint FILE.json [--consistency-proof FILE.json]]
// The public key is 64 hex digits, or a file holding them, a PEM public key,
// or both as `assure key show` prints them.
// The earlier checkpoint is its JSON form (GET /api/v1/audit/checkpoint); the
// consistency proof a JSON array of hex hashes, or an object with "proof"
// (GET /api/v1/audit/proof/consistency), else the pack's own is used.
// Exit 0 valid, 1 invalid, 2 on usage errors.
#include <cstdio>
#include <fstream>
#include <sstream>

#include "api/audit/signer.h"
#include "api/evidence/pack_format.h"
#include "api/evidence/verify_pack.h"
#include "domain/json_text.h"
#include "server/commands.h"
#include "server/read_file.h"

namespace assure::server {


void RegisterVerifyPack(CLI::App& app, Run& run) {
  struct Args {
    std::string pack;
    std::string public_key;
    std::string earlier;
    std::string proof;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("verify-pack", "Verify an evidence pack offline");
  cmd->add_option("pack", args->pack, "The pack (zip)")->required();
  cmd->add_option("--public-key", args->public_key, "The network's Ed25519 public key: hex or a file");
  cmd->add_option("--earlier-checkpoint", args->earlier, "An earlier signed checkpoint (JSON file)");
  cmd->add_option("--consistency-proof", args->proof, "Consistency proof to the pack's checkpoint (JSON file)");
  cmd->callback([args, &run] {
    run = [args]() -> int {
      auto bytes = MappedFile::Open(args->pack);
      if (!bytes) {
        std::fprintf(stderr, "assure verify-pack: cannot read %s\n", args->pack.c_str());
        return 2;
      }
      api::VerifyPackOptions o;
      if (!args->public_key.empty()) {
        // 64 hex digits, or a file: the output of assure key show, a PEM
        // public key, or the hex digits alone.
        std::string text = args->public_key;
        if (text.size() != 64) {
          auto file = ReadWholeFile(text);
          if (!file) {
            std::fprintf(stderr, "assure verify-pack: --public-key is neither 64 hex digits nor a file\n");
            return 2;
          }
          text = *file;
        }
        auto raw = api::PublicKeyFromText(text);
        if (!raw.ok()) {
          std::fprintf(stderr, "assure verify-pack: --public-key: %s\n", raw.error().message.c_str());
          return 2;
        }
        o.public_key_raw = *raw;
      }
      if (!args->earlier.empty()) {
        auto text = ReadWholeFile(args->earlier);
        auto j = text ? domain::ParseJsonText(*text) : nlohmann::json();
        auto c = api::CheckpointFromJson(j);
        if (!c.ok()) {
          std::fprintf(stderr, "assure verify-pack: %s: %s\n", args->earlier.c_str(),
                       c.error().message.c_str());
          return 2;
        }
        o.earlier_checkpoint = *c;
      }
      if (!args->proof.empty()) {
        auto text = ReadWholeFile(args->proof);
        auto j = text ? domain::ParseJsonText(*text) : nlohmann::json();
        if (j.is_object() && j.contains("proof")) j = j["proof"];
        auto proof = api::HashesFromJson(j, "proof");
        if (!proof.ok()) {
          std::fprintf(stderr, "assure verify-pack: %s: %s\n", args->proof.c_str(),
                       proof.error().message.c_str());
          return 2;
        }
        o.consistency_proof = *proof;
      }
      auto report = api::VerifyEvidencePack(bytes->bytes(), o);
      std::fputs(api::FormatVerifyReport(report).c_str(), stdout);
      return report.valid ? 0 : 1;
    };
  });
}

}  // namespace assure::server
