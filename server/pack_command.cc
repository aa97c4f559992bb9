// assure pack: build an evidence pack from a stopped store.
//   assure pack --statements IN-601,IN-701 | --section 6 | --all
//               --as-of YYYY-MM-DD[THH:MM:SSZ] --out PACK.zip [--data DIR]
//               [--checkpoint SIZE]
// (a bare date is the end of that UTC day, as everywhere: domain::ParseAsAt;
// a time after now is refused). --checkpoint names a published checkpoint by
// its tree size: the same command then writes the same pack byte for byte.
// Publishes a signed checkpoint if none covers the as-at position, and
// records the generation in the security access log. Prints the pack's
// identity and a summary. Exit 0 on success, 1 when refused, 2 on usage or
// open errors.
// A store on read-only media (the data directory is not writable) or opened
// with --read-only is opened without writing: the pack uses the newest
// published checkpoint when it covers the as-at position (refused with what
// to do when none does), and the generation is not recorded (said on stderr).
// The pack's statement is signed with the store's signing-key.pem, read (never
// created) on a read-only store: an archive without it cannot make packs.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "api/audit/checkpoint.h"
#include "api/audit/signer.h"
#include "api/auth/security_log.h"
#include "api/core/history.h"
#include "api/evidence/evidence_pack.h"
#include "domain/calendar.h"
#include "server/commands.h"
#include "server/personal_data.h"
#include "storage/event_store.h"

namespace assure::server {

namespace {

// On a read-only store: 0 when the newest published checkpoint covers the
// as-at position (BuildEvidencePack will then publish nothing); otherwise
// prints why not and what to do, and returns the exit code (1 refused, 2 a
// store error).
int CheckReadOnlyCheckpoint(storage::EventStore& store, api::CheckpointLog& checkpoints,
                            const api::PackRequest& req, const std::string& data) {
  auto position = store.PositionAt(*req.as_of_us);
  auto latest = checkpoints.Latest();
  if (!position.ok() || !latest.ok()) {
    std::fprintf(stderr, "assure pack: %s\n",
                 (!position.ok() ? position.error() : latest.error()).message.c_str());
    return 2;
  }
  if (latest->has_value() && (*latest)->tree_size >= *position) return 0;
  std::string newest = "no checkpoint has been published in it";
  if (latest->has_value()) {
    newest = "its newest checkpoint covers positions 1.." + std::to_string((*latest)->tree_size);
    auto last = store.ReadEvent((*latest)->tree_size);
    if (last.ok()) {
      newest += " (up to " + domain::FormatTimestampUs(last->recorded_at_us) + ")";
    }
  }
  std::fprintf(stderr,
               "assure pack: the store in '%s' is read-only, and no published checkpoint covers "
               "the as-at position %llu: %s. A pack is proved against a signed checkpoint and "
               "none can be published here. Either choose an --as-of the newest checkpoint "
               "covers, or copy the store to writable storage (cp -a) and run assure pack on "
               "the copy, which publishes one.\n",
               data.c_str(), static_cast<unsigned long long>(*position), newest.c_str());
  return 1;
}

// The process's umask, read without changing it (umask(2) can only set it,
// and the store's threads may be making files meanwhile): Linux's
// /proc/self/status; 022 where it does not say.
mode_t CurrentUmask() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("Umask:", 0) == 0) return static_cast<mode_t>(std::stoul(line.substr(6), nullptr, 8) & 0777);
  }
  return 022;
}

}  // namespace

void RegisterPack(CLI::App& app, Run& run) {
  struct Args {
    std::string data = DefaultDataDir();
    std::vector<std::string> statements;
    std::string section;
    bool all = false;
    std::string as_of;
    std::string out;
    std::string actor = "cli";
    bool read_only = false;
    std::uint64_t checkpoint = 0;
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
  cmd->add_option("--as-of", args->as_of, kAsOfHelp)->required();
  cmd->add_option("--out", args->out, "Where to write the zip")->required();
  cmd->add_option("--checkpoint", args->checkpoint,
                  "Prove against the published checkpoint of this tree size (e.g. one minuted at a board), "
                  "so the same command later writes the same pack; default: the newest, published if none "
                  "covers the date");
  cmd->add_option("--actor", args->actor, "Who asked (for the security log)")->capture_default_str();
  cmd->add_flag("--read-only", args->read_only,
                "Write nothing to the store (an archived copy); implied when --data is not "
                "writable. Needs a published checkpoint covering the date; not recorded in the "
                "security log");
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
      auto as_of = domain::ParseAsAt(args->as_of, "--as-of");
      if (!as_of.ok()) {
        std::fprintf(stderr, "assure pack: %s\n", as_of.error().message.c_str());
        return 2;
      }
      req.as_of_us = *as_of;
      req.actor = args->actor;
      req.transport = "cli";
      if (args->checkpoint != 0) req.checkpoint_size = args->checkpoint;
      req.now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
      // EROFS (read-only media) or EACCES (an archive made read-only).
      const bool read_only = args->read_only || ::access(args->data.c_str(), W_OK) != 0;
      storage::StoreOptions options;
      options.create_if_missing = false;
      options.read_only = read_only;
      auto store = storage::OpenRocksStore(args->data, options);
      if (!store.ok()) {
        std::fprintf(stderr, "assure pack: %s\n", store.error().message.c_str());
        return 2;
      }
      std::shared_ptr<storage::EventStore> shared(std::move(store).value());
      // The pack shows people's names: they are decrypted (or shown erased).
      if (Status vault = InstallPersonalData(shared, args->data, "", !read_only, "assure pack"); !vault.ok()) {
        std::fprintf(stderr, "assure pack: %s\n", vault.error().message.c_str());
        return 2;
      }
      // The pack's statement is signed with the store's key; a read-only
      // store's is read, never created (without one, a throw-away key lets
      // the checkpoint be looked at before the pack is refused).
      const bool keyless =
          read_only && !std::filesystem::exists(std::filesystem::path(args->data) / "signing-key.pem");
      auto signer = keyless ? Result<std::unique_ptr<api::Signer>>(api::Signer::Generate())
                            : api::Signer::LoadOrCreate(args->data);
      if (!signer.ok()) {
        std::fprintf(stderr, "assure pack: %s\n", signer.error().message.c_str());
        return 2;
      }
      api::CheckpointLog checkpoints(*shared, **signer);
      if (read_only) {
        if (int code = CheckReadOnlyCheckpoint(*shared, checkpoints, req, args->data); code != 0) {
          return code;
        }
      }
      if (keyless) {
        std::fprintf(stderr,
                     "assure pack: the read-only store in '%s' holds no signing-key.pem: a pack's statement "
                     "is signed with the network's key. Copy the key beside the archive (mode 0600), or run "
                     "assure pack where the key is\n",
                     args->data.c_str());
        return 1;
      }
      auth::SecurityLog security(*shared, storage::SystemClock());
      if (auto s = security.Open(); !s.ok()) {
        std::fprintf(stderr, "assure pack: %s\n", s.error().message.c_str());
        return 2;
      }
      // Written straight to --out, all or nothing (a whole-network pack is
      // hundreds of MB: never held in memory, and a failure leaves any file
      // already there as it was).
      api::PackOutput out;
      out.path = args->out;
      out.mode = 0666 & ~CurrentUmask();  // as a file created there would have
      auto pack = api::BuildEvidencePack(*shared, checkpoints, req, read_only ? nullptr : &security, out);
      if (!pack.ok()) {
        std::fprintf(stderr, "assure pack: %s\n", pack.error().message.c_str());
        return pack.error().code == ErrorCode::kInvalidArgument ? 1 : 2;
      }
      std::string codes, gaps;
      for (const auto& c : pack->codes) codes += (codes.empty() ? "" : ",") + c;
      for (const auto& c : pack->gaps) gaps += (gaps.empty() ? "" : ",") + c;
      std::printf("wrote %s (%zu bytes)\n  identity   %s\n  as at      %s (position %llu)\n"
                  "  statements %s\n  gaps       %s\n  events     %zu, documents %zu\n"
                  "  checkpoint size %llu, root %s\n",
                  args->out.c_str(), static_cast<std::size_t>(pack->zip_bytes), pack->identity.c_str(),
                  pack->as_of_date.c_str(), static_cast<unsigned long long>(pack->position),
                  codes.c_str(), gaps.empty() ? "none" : gaps.c_str(), pack->event_count,
                  pack->document_count,
                  static_cast<unsigned long long>(pack->checkpoint.tree_size),
                  storage::HexEncode(pack->checkpoint.root).c_str());
      if (read_only) {
        std::fprintf(stderr,
                     "assure pack: note: the store is read-only, so this generation is not "
                     "recorded in its security access log\n");
      }
      return 0;
    };
  });
}

}  // namespace assure::server
