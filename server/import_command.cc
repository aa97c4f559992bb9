// assure import FILE...: bring work programme files (CSV, Markdown, xlsx) into
// a STOPPED store (a running server holds the store's lock: upload through
// POST /api/v1/imports instead). Prints the report; --json for the JSON
// report; --dry-run writes nothing. Exit 0 on success, 1 when a file is
// refused (nothing written), 2 on usage or store errors, 3 when the store is
// in use by a running server.
// With --server http://HOST:PORT the files are uploaded to that server
// instead (server/http_upload.h): exit 0, 1 refused, 2 usage/connection.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "api/programme_files/importer.h"
#include "server/commands.h"
#include "server/http_upload.h"
#include "server/personal_data.h"
#include "server/read_file.h"
#include "storage/event_store.h"

namespace assure::server {

namespace {

// A one-line bar on stderr, redrawn at most every 1%.
class ProgressBar {
 public:
  void operator()(std::size_t done, std::size_t total) {
    const int percent = total ? static_cast<int>(done * 100 / total) : 100;
    if (percent == last_ && done != total) return;
    last_ = percent;
    const int width = 40, filled = percent * width / 100;
    std::fprintf(stderr, "\rwriting [%s%s] %3d%% %zu/%zu", std::string(filled, '#').c_str(),
                 std::string(width - filled, ' ').c_str(), percent, done, total);
    if (done == total) std::fprintf(stderr, "\n");
    std::fflush(stderr);
  }

 private:
  int last_ = -1;
};

std::int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

void RegisterImport(CLI::App& app, Run& run) {
  struct Args {
    std::vector<std::string> files;
    std::string data = DefaultDataDir();
    bool dry_run = false;
    bool overwrite = false;
    bool link_owners = false;
    bool json = false;
    bool rows = false;
    std::string actor;
    std::string ca_file;
    std::string programme;
    std::string title;
    std::string server;
    std::string token;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "import",
      "Import work programmes (CSV, Markdown pipe tables, .xlsx) into a stopped store.\n"
      "Each table becomes a work programme named by its title, e.g. 'Medical Physics Work\n"
      "Programme (2023 - 2024)' (group Medical Physics, year 2023-24); each row a deliverable.\n"
      "Importing the same file again appends nothing; an edited file appends only the changes.\n"
      "While a server runs, upload to it instead: --server http://HOST:PORT with a token\n"
      "(--token or env ASSURE_TOKEN), which calls POST /api/v1/imports for each file.");
  cmd->add_option("files", args->files, "Files to import (.csv, .md, .xlsx)")->required();
  cmd->add_option("--data", args->data, "Store directory (env ASSURE_DATA)")->capture_default_str();
  cmd->add_flag("--dry-run", args->dry_run,
                "Report what would be created or changed, and the conflicts; write nothing");
  cmd->add_flag("--overwrite", args->overwrite,
                "Apply the file's values even to fields changed in Assure since the last import\n"
                "(by default those keep Assure's value and are reported as conflicts)");
  cmd->add_flag("--link-owners", args->link_owners,
                "Link each Owner that names exactly one person to that person, by id (the report's\n"
                "'Owners' lists the proposed links; without this flag none is made)");
  cmd->add_option("--actor", args->actor, "Who is importing, recorded on every event (default: $USER)");
  cmd->add_flag("--json", args->json, "Print the report as JSON");
  cmd->add_flag("--rows", args->rows, "List every created, changed or skipped row (default: up to 200)");
  cmd->add_option("--programme", args->programme,
                  "Import every table into this existing programme (see `assure programmes`)");
  cmd->add_option("--title", args->title,
                  "Programme title for tables without one, e.g. \"Workforce Work Programme 2023-24\"");
  cmd->add_option("--server", args->server,
                  "Upload to this running server instead of opening a store, e.g. http://127.0.0.1:8080\n"
                  "or https://assure.example");
  cmd->add_option("--token", args->token, "With --server: an editor's or admin's token (env ASSURE_TOKEN)");
  cmd->add_option("--ca-file", args->ca_file,
                  "With an https:// --server: trust the CAs in this PEM file instead of the system's\n"
                  "(a private CA, or the server's self-signed certificate)");
  cmd->callback([args, &run] {
    run = [args] {
      if (!args->server.empty()) {
        UploadOptions upload;
        upload.server = args->server;
        upload.token = args->token;
        upload.ca_file = args->ca_file;
        if (upload.token.empty()) {
          const char* env = std::getenv("ASSURE_TOKEN");
          if (env) upload.token = env;
        }
        upload.dry_run = args->dry_run;
        upload.overwrite = args->overwrite;
        upload.link_owners = args->link_owners;
        upload.json = args->json;
        upload.rows = args->rows;
        upload.title = args->title;
        if (!args->programme.empty() || !args->actor.empty()) {
          std::fprintf(stderr,
                       "assure import: --programme and --actor apply to a stopped store only; with "
                       "--server the token names the actor\n");
          return 2;
        }
        return UploadImports(upload, args->files, stdout, stderr);
      }
      if (!args->token.empty()) {
        std::fprintf(stderr, "assure import: --token needs --server\n");
        return 2;
      }
      api::programme_files::ImportOptions options;
      std::vector<api::programme_files::ImportFile> files;
      std::uintmax_t total_bytes = 0;
      for (const std::string& path : args->files) {
        const std::string name = std::filesystem::path(path).filename().string();
        std::error_code ec;
        const auto size = std::filesystem::file_size(path, ec);
        if (ec) {
          std::fprintf(stderr, "assure import: %s: cannot read: %s\n", path.c_str(), ec.message().c_str());
          return 1;
        }
        if (size > options.read.limits.max_input_bytes) {
          std::fprintf(stderr, "assure import: %s: %ju bytes is over the limit of %zu bytes\n",
                       path.c_str(), size, options.read.limits.max_input_bytes);
          return 1;
        }
        auto bytes = ReadWholeFile(path);
        if (!bytes) {
          std::fprintf(stderr, "assure import: %s: cannot read\n", path.c_str());
          return 1;
        }
        total_bytes += size;
        files.push_back({name, std::move(*bytes)});
      }
      const char* user = std::getenv("USER");
      options.actor = !args->actor.empty() ? args->actor : user && *user ? user : "cli";
      options.actor = "cli:" + options.actor;
      options.dry_run = args->dry_run;
      options.overwrite = args->overwrite;
      options.link_owners = args->link_owners;
      options.now_us = NowMicros();
      options.programme_id = args->programme;
      options.programme_title = args->title;
      ProgressBar bar;
      if (::isatty(2) && total_bytes > (256u << 10)) {
        options.progress = [&bar](std::size_t done, std::size_t total) { bar(done, total); };
      }

      std::shared_ptr<storage::EventStore> store;
      if (args->dry_run && !std::filesystem::exists(args->data)) {
        store = storage::NewMemoryStore();  // nothing there yet: plan against an empty store
      } else {
        auto opened = storage::OpenRocksStore(args->data);
        if (!opened.ok()) {
          if (opened.error().code == ErrorCode::kUnavailable) {
            std::fprintf(stderr,
                         "assure import: the store in '%s' is in use by a running server.\n"
                         "Stop the server and run this again, or upload the file to it:\n"
                         "  assure import %s --server http://HOST:PORT --token TOKEN\n"
                         "(or set ASSURE_TOKEN instead of --token)\n",
                         args->data.c_str(), args->files[0].c_str());
            return 3;
          }
          std::fprintf(stderr, "assure import: %s\n", opened.error().message.c_str());
          return 2;
        }
        store = std::move(opened).value();
      }
      // Owners are matched against people's names, which are sealed: read
      // them with the master key (read only: an import writes no personal data).
      if (Status vault = InstallPersonalData(store, args->data, "", /*writable=*/false, "assure import");
          !vault.ok()) {
        std::fprintf(stderr, "assure import: %s\n", vault.error().message.c_str());
        return 2;
      }
      auto report = api::programme_files::ImportFiles(*store, files, options);
      UninstallPersonalData();
      if (!report.ok()) {
        std::fprintf(stderr, "assure import: %s\nNothing was written.\n",
                     report.error().message.c_str());
        return report.error().code == ErrorCode::kInvalidArgument ||
                       report.error().code == ErrorCode::kTooLarge ||
                       report.error().code == ErrorCode::kUnsupportedMediaType ||
                       report.error().code == ErrorCode::kNotFound
                   ? 1
                   : 2;
      }
      if (args->json) {
        std::printf("%s\n", api::programme_files::ToJson(*report).dump(2).c_str());
        return 0;
      }
      std::size_t listed = 0;
      for (const auto& row : report->rows) listed += row.action != api::programme_files::RowAction::kUnchanged;
      const bool rows = args->rows || listed <= 200;
      std::fputs(api::programme_files::FormatReport(*report, rows).c_str(), stdout);
      if (!rows) std::printf("\n(%zu rows created, changed or skipped: --rows lists them)\n", listed);
      return 0;
    };
  });
}

}  // namespace assure::server
