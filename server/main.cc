// assure: the one executable. Subcommands are in server/*_command.cc.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <string_view>

#include "server/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"Assure: an event-sourced workflow and audit server for NHS imaging networks"};
  app.require_subcommand(1);
  assure::server::Run run;
  assure::server::RegisterVerify(app, run);
  assure::server::RegisterServe(app, run);
  assure::server::RegisterToken(app, run);
  assure::server::RegisterImport(app, run);
  assure::server::RegisterExport(app, run);
  assure::server::RegisterProgrammes(app, run);
  assure::server::RegisterPack(app, run);
  assure::server::RegisterVerifyPack(app, run);
  assure::server::RegisterKey(app, run);
  assure::server::RegisterSubjectAccess(app, run);
  assure::server::RegisterBackup(app, run);
  assure::server::RegisterRestore(app, run);
  assure::server::RegisterArchive(app, run);
  // An unknown command is an error even with --help (CLI11 would print the
  // top-level help and exit 0, so a script could not tell it from success).
  if (argc > 1 && argv[1][0] != '-') {
    const std::string_view name = argv[1];
    if (app.get_subcommands([&](CLI::App* sub) { return sub->get_name() == name; }).empty()) {
      std::fprintf(stderr, "assure: unknown command '%s' (see `assure --help`)\n", argv[1]);
      return 2;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; every usage error exits 2, as each
    // command's own usage errors do (CLI11's codes, e.g. 106, mean nothing).
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (!run) return 2;
  try {
    return run();
  } catch (const std::exception& e) {
    // A command's own errors are values; anything thrown past it (a library
    // refusing input the command did not foresee) is an error, not an abort.
    std::fprintf(stderr, "assure: %s\n", e.what());
    return 2;
  }
}
