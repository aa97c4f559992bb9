// assure verify: walk the hash chain of a store and report the first position
// that does not verify. Exit 0 when the chain verifies, 1 when it does not,
// 2 on usage or open errors.
#include <cstdio>
#include <cstdlib>

#include "server/commands.h"
#include "storage/event_store.h"

namespace assure::server {

std::string DefaultDataDir() {
  const char* env = std::getenv("ASSURE_DATA");
  return env && *env ? env : "./data";
}

void RegisterVerify(CLI::App& app, Run& run) {
  struct Args {
    std::string data = DefaultDataDir();
    std::uint64_t from = 1;
    std::uint64_t to = 0;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("verify", "Verify the hash chain of a (stopped) store");
  cmd->add_option("--data", args->data, "Store directory (env ASSURE_DATA)")->capture_default_str();
  cmd->add_option("--from", args->from, "First position to check")->capture_default_str();
  cmd->add_option("--to", args->to, "Last position to check (0: the head)")->capture_default_str();
  cmd->callback([args, &run] {
    run = [args] {
      storage::StoreOptions options;
      options.create_if_missing = false;
      options.read_only = true;  // writes nothing: works on read-only media
      auto store = storage::OpenRocksStore(args->data, options);
      if (!store.ok()) {
        std::fprintf(stderr, "assure verify: %s\n", store.error().message.c_str());
        return 2;
      }
      auto report = (*store)->Verify(args->from, args->to);
      if (!report.ok()) {
        std::fprintf(stderr, "assure verify: %s\n", report.error().message.c_str());
        return 2;
      }
      if (report->ok) {
        std::printf("OK: positions %llu..%llu verify (%llu events); head %s\n",
                    static_cast<unsigned long long>(report->from),
                    static_cast<unsigned long long>(report->to),
                    static_cast<unsigned long long>(report->checked),
                    storage::HexEncode((*store)->Head().hash).c_str());
        return 0;
      }
      std::printf("FAILED at position %llu: %s (%llu events before it verified)\n",
                  static_cast<unsigned long long>(report->first_bad_position),
                  report->problem.c_str(), static_cast<unsigned long long>(report->checked));
      return 1;
    };
  });
}

}  // namespace assure::server
