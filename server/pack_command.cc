// assure pack: build an evidence pack from a stopped store.
//   assure pack --statements IN-601,IN-701 | --section 6 | --all
//               --as-of YYYY-MM-DD[THH:MM:SSZ] --out PACK.zip [--data DIR]
// Publishes a signed checkpoint if none covers the as-at position, and
// records the generation in the security access log. Prints the pack's
// identity and a summary. Exit 0 on success, 1 when refused, 2 on usage or
// open errors.
#include <chrono>
#include <cstdio>
#include <fstream>

#include "api/audit/checkpoint.h"
#include "api/audit/signer.h"
#include "api/auth/security_log.h"
#include "api/evidence/evidence_pack.h"
#include "server/commands.h"
#include "storage/event_store.h"

namespace assure::server {

void RegisterPack(CLI::App& app, Run& run) {
  struct Args {
    std::string data = DefaultDataDir();
    std::vector<std::string> statements;
    std::string section;
    bool all = false;
    std::string as_of;
    std::string out;
    std::string actor = "cli";
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("pack", "Build a QSIN evidence pack as at a date (stopped store)");
  cmd->add_option("--data", args->data, "Store directory (env ASSURE_DATA)")->capture_default_str();
  auto* st = cmd->add_option("--statements", args->statements, "QSIN codes, e.g. IN-601,IN-701")
                 ->delimiter(',');
  auto* se = cmd->add_option("--section", args->section, "A QSIN section, e.g. 6");
  auto* al = cmd->add_flag("--all", args->all, "Every statement");
  st->excludes(se)->excludes(al);
  se->excludes(al);
  cmd->add_option("--as-of", args->as_of, "YYYY-MM-DD (start of day, UTC) or YYYY-MM-DDTHH:MM:SSZ")
      ->required();
  cmd->add_option("--out", args->out, "Where to write the zip")->required();
  cmd->add_option("--actor", args->actor, "Who asked (for the security log)")->capture_default_str();
  cmd->callback([args, &run] {
    run = [args] {
      api::PackRequest req;
      if (!args->statements.empty()) {
        req.scope = api::PackScope::kCodes;
        req.codes = args->statements;
      } else if (!args->section.empty()) {
        req.scope = api::PackScope::kSection;
        req.section = args->section;
      } else if (args->all) {
        req.scope = api::PackScope::kAll;
      } else {
        std::fprintf(stderr, "assure pack: give --statements, --section or --all\n");
        return 2;
      }
      auto as_of = api::ParseAsOf(args->as_of);
      if (!as_of.ok()) {
        std::fprintf(stderr, "assure pack: %s\n", as_of.error().message.c_str());
        return 2;
      }
      req.as_of_us = *as_of;
      req.actor = args->actor;
      req.transport = "cli";
      req.now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
      storage::StoreOptions options;
      options.create_if_missing = false;
      auto store = storage::OpenRocksStore(args->data, options);
      if (!store.ok()) {
        std::fprintf(stderr, "assure pack: %s\n", store.error().message.c_str());
        return 2;
      }
      auto signer = api::Signer::LoadOrCreate(args->data);
      if (!signer.ok()) {
        std::fprintf(stderr, "assure pack: %s\n", signer.error().message.c_str());
        return 2;
      }
      api::CheckpointLog checkpoints(**store, **signer);
      auth::SecurityLog security(**store, storage::SystemClock());
      if (auto s = security.Open(); !s.ok()) {
        std::fprintf(stderr, "assure pack: %s\n", s.error().message.c_str());
        return 2;
      }
      auto pack = api::BuildEvidencePack(**store, checkpoints, req, &security);
      if (!pack.ok()) {
        std::fprintf(stderr, "assure pack: %s\n", pack.error().message.c_str());
        return pack.error().code == ErrorCode::kInvalidArgument ? 1 : 2;
      }
      std::ofstream f(args->out, std::ios::binary | std::ios::trunc);
      f.write(pack->zip.data(), static_cast<std::streamsize>(pack->zip.size()));
      f.close();
      if (!f) {
        std::fprintf(stderr, "assure pack: cannot write %s\n", args->out.c_str());
        return 2;
      }
      std::string codes, gaps;
      for (const auto& c : pack->codes) codes += (codes.empty() ? "" : ",") + c;
      for (const auto& c : pack->gaps) gaps += (gaps.empty() ? "" : ",") + c;
      std::printf("wrote %s (%zu bytes)\n  identity   %s\n  as at      %s (position %llu)\n"
                  "  statements %s\n  gaps       %s\n  events     %zu, documents %zu\n"
                  "  checkpoint size %llu, root %s\n",
                  args->out.c_str(), pack->zip.size(), pack->identity.c_str(),
                  pack->as_of_date.c_str(), static_cast<unsigned long long>(pack->position),
                  codes.c_str(), gaps.empty() ? "none" : gaps.c_str(), pack->event_count,
                  pack->document_count,
                  static_cast<unsigned long long>(pack->checkpoint.tree_size),
                  storage::HexEncode(pack->checkpoint.root).c_str());
      return 0;
    };
  });
}

}  // namespace assure::server
