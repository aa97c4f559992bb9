// assure export: a work programme as CSV or xlsx (the seed's columns), as at
// a date; assure programmes: the programme ids and titles, to find the id.
// Both read a STOPPED store (a running server serves the same export at
// GET /api/v1/programmes/{id}/export?format=csv|xlsx&as_of=YYYY-MM-DD).
// Exit 0 on success, 1 when refused (unknown programme, bad date or format),
// 2 on store or file errors, 3 when the store is in use by a running server.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>

#include "api/programme_files/export_programme.h"
#include "domain/calendar.h"
#include "server/commands.h"
#include "server/personal_data.h"
#include "storage/event_store.h"

namespace assure::server {

namespace {

std::unique_ptr<storage::EventStore> OpenForReading(const std::string& data, const char* what,
                                                    const char* instead, int& exit_code) {
  storage::StoreOptions options;
  options.create_if_missing = false;
  options.read_only = true;  // writes nothing: works on read-only media
  auto store = storage::OpenRocksStore(data, options);
  if (store.ok()) return std::move(store).value();
  if (store.error().code == ErrorCode::kUnavailable) {
    std::fprintf(stderr,
                 "assure %s: the store in '%s' is in use by a running server; stop it, or ask "
                 "the server instead: %s\n",
                 what, data.c_str(), instead);
    exit_code = 3;
  } else {
    std::fprintf(stderr, "assure %s: %s\n", what, store.error().message.c_str());
    exit_code = 2;
  }
  return nullptr;
}

}  // namespace

void RegisterExport(CLI::App& app, Run& run) {
  struct Args {
    std::string data = DefaultDataDir();
    std::string programme;
    std::string format;
    std::string as_of;
    std::string out;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "export",
      "Export a work programme as boards know it (the seed's twelve columns, original dates,\n"
      "RAGB words; xlsx with coloured RAGB cells), as it stood at the end of a date (UTC).\n"
      "Importing the exported CSV again changes nothing.");
  cmd->add_option("--programme", args->programme, "Programme id (see `assure programmes`)")->required();
  cmd->add_option("--format", args->format, "csv or xlsx (default: from --out, else csv)");
  cmd->add_option("--as-of", args->as_of, kAsOfHelp);
  cmd->add_option("--out", args->out, "Write to this file (default: standard output; xlsx needs --out on a terminal)");
  cmd->add_option("--data", args->data, "Store directory (env ASSURE_DATA)")->capture_default_str();
  cmd->callback([args, &run] {
    run = [args] {
      std::string format = args->format;
      if (format.empty()) {
        format = std::filesystem::path(args->out).extension() == ".xlsx" ? "xlsx" : "csv";
      }
      if (!api::programme_files::ParseExportFormat(format)) {
        std::fprintf(stderr, "assure export: --format '%s' is not csv or xlsx\n", format.c_str());
        return 1;
      }
      if (args->out.empty() && format != "csv" && ::isatty(1)) {
        std::fprintf(stderr, "assure export: xlsx is binary: name a file with --out\n");
        return 1;
      }
      if (!args->as_of.empty()) {
        auto as_of = domain::ParseAsAt(args->as_of, "--as-of");  // the option's name in the message
        if (!as_of.ok()) {
          std::fprintf(stderr, "assure export: %s\n", as_of.error().message.c_str());
          return 1;
        }
      }
      int code = 0;
      std::shared_ptr<storage::EventStore> store = OpenForReading(
          args->data, "export", "GET /api/v1/programmes/{id}/export?format=csv&as_of=YYYY-MM-DD", code);
      if (!store) return code;
      // A linked owner is named by the person's name, which is sealed.
      if (Status vault = InstallPersonalData(store, args->data, "", /*writable=*/false, "assure export");
          !vault.ok()) {
        std::fprintf(stderr, "assure export: %s\n", vault.error().message.c_str());
        return 2;
      }
      auto file = api::programme_files::ExportProgrammeFile(*store, args->programme, format, args->as_of);
      UninstallPersonalData();
      if (!file.ok()) {
        std::fprintf(stderr, "assure export: %s\n", file.error().message.c_str());
        return file.error().code == ErrorCode::kInvalidArgument ||
                       file.error().code == ErrorCode::kNotFound
                   ? 1
                   : 2;
      }
      if (args->out.empty()) {
        std::fwrite(file->bytes.data(), 1, file->bytes.size(), stdout);
        return std::fflush(stdout) == 0 ? 0 : 2;
      }
      const std::string tmp = args->out + ".tmp";
      {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out.write(file->bytes.data(), static_cast<std::streamsize>(file->bytes.size()));
        if (!out.good()) {
          std::fprintf(stderr, "assure export: cannot write '%s'\n", tmp.c_str());
          return 2;
        }
      }
      std::error_code ec;
      std::filesystem::rename(tmp, args->out, ec);
      if (ec) {
        std::fprintf(stderr, "assure export: cannot write '%s': %s\n", args->out.c_str(),
                     ec.message().c_str());
        return 2;
      }
      std::fprintf(stderr, "wrote %s (%zu bytes)\n", args->out.c_str(), file->bytes.size());
      return 0;
    };
  });
}

void RegisterProgrammes(CLI::App& app, Run& run) {
  struct Args {
    std::string data = DefaultDataDir();
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("programmes", "List the work programmes: id, year, deliverables, title");
  cmd->add_option("--data", args->data, "Store directory (env ASSURE_DATA)")->capture_default_str();
  cmd->add_flag("--json", args->json, "Print as JSON");
  cmd->callback([args, &run] {
    run = [args] {
      int code = 0;
      auto store = OpenForReading(args->data, "programmes", "GET /api/v1/programmes", code);
      if (!store) return code;
      auto model = api::BuildNetworkModel(*store, store->Head().position);
      if (!model.ok()) {
        std::fprintf(stderr, "assure programmes: %s\n", model.error().message.c_str());
        return 2;
      }
      const auto list = api::programme_files::ListProgrammes(*model);
      if (args->json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& p : list) {
          out.push_back({{"id", p.id}, {"title", p.title}, {"group_id", p.group_id},
                         {"group_name", p.group_name}, {"year", p.year},
                         {"deliverables", p.deliverables}});
        }
        std::printf("%s\n", out.dump(2).c_str());
        return 0;
      }
      if (list.empty()) std::printf("No work programmes.\n");
      for (const auto& p : list) {
        std::printf("%-24s %-8s %5zu  %s\n", p.id.c_str(), p.year.c_str(), p.deliverables,
                    p.title.c_str());
      }
      return 0;
    };
  });
}

}  // namespace assure::server
