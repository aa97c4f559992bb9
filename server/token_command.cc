// assure token create|list|revoke: manage bearer tokens in a stopped store.
// `create` prints the token alone on stdout (so scripts can capture it) and
// its details on stderr. Exit 0 on success, 1 when refused, 2 on usage or
// open errors.
#include <cstdio>
#include <memory>
#include <optional>

#include "api/auth/token_routes.h"
#include "api/auth/token_service.h"
#include "domain/calendar.h"
#include "server/commands.h"
#include "storage/event_store.h"
#include "server/person_check.h"
#include "server/personal_data.h"

namespace assure::server {

namespace {

struct Opened {
  std::shared_ptr<storage::EventStore> store;
  std::unique_ptr<auth::TokenIndex> index;
  std::unique_ptr<auth::TokenService> tokens;
};

std::optional<Opened> Open(const std::string& data, bool create) {
  storage::StoreOptions options;
  options.create_if_missing = create;
  auto store = storage::OpenRocksStore(data, options);
  if (!store.ok()) {
    std::fprintf(stderr, "assure token: %s\n", store.error().message.c_str());
    return std::nullopt;
  }
  Opened o;
  o.store = std::move(store).value();
  // Labels are sealed under the token's key (and opened for `list`) with
  // the store's master key, found as `assure serve` finds it. Never creates
  // one: a key the service names in its config would then not be the
  // store's. A store that has no master key yet (before the server's first
  // start) keeps a label in plain text.
  if (Status vault = InstallPersonalData(o.store, data, "", /*writable=*/false, "assure token"); !vault.ok()) {
    std::fprintf(stderr, "assure token: %s\n", vault.error().message.c_str());
    return std::nullopt;
  }
  o.index = std::make_unique<auth::TokenIndex>();
  Status st = o.index->Attach(*o.store);
  if (!st.ok()) {
    std::fprintf(stderr, "assure token: %s\n", st.error().message.c_str());
    return std::nullopt;
  }
  o.tokens = std::make_unique<auth::TokenService>(*o.store, *o.index, nullptr, nullptr);
  o.tokens->SetPersonCheck(PersonCheckOver(*o.store));
  return o;
}

// The index must go before the store it subscribes to.
void Close(Opened& o) {
  o.tokens.reset();
  o.index.reset();
  UninstallPersonalData();
  o.store.reset();
}

}  // namespace

void RegisterToken(CLI::App& app, Run& run) {
  struct Args {
    std::string data = DefaultDataDir();
    std::string role;
    std::string name;
    std::string person;
    std::string group;
    std::string expires;
    std::string id;
    std::string reason;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("token", "Create, list or revoke bearer tokens (stopped store)");
  cmd->require_subcommand(1);

  auto* create = cmd->add_subcommand("create", "Issue a token; prints it once on stdout");
  create->add_option("--role", args->role, "admin, editor, secretary, viewer or assessor")
      ->required();
  create->add_option("--person", args->person,
                     "The person (id) who holds the token: the events it causes name them");
  create->add_option("--name", args->name,
                     "A label of the token (required without --person); sealed under the token's "
                     "own key and removed when the token's details pass their retention");
  create->add_option("--group", args->group, "Limit editing to this group id");
  create->add_option("--expires", args->expires,
                     "Expiry: YYYY-MM-DD (valid through that day, UTC) or an ISO 8601 "
                     "date-time; required for assessors");
  create->add_option("--data", args->data, "Store directory (env ASSURE_DATA)")
      ->capture_default_str();
  create->callback([args, &run] {
    run = [args]() -> int {
      auto role = auth::ParseRole(args->role);
      if (!role) {
        std::fprintf(stderr, "assure token create: unknown role '%s'\n", args->role.c_str());
        return 2;
      }
      auth::IssueTokenRequest req;
      req.name = args->name;
      if (!args->person.empty()) req.person_id = args->person;
      if (args->person.empty() && args->name.empty()) {
        std::fprintf(stderr, "assure token create: give --person (the holder) or --name\n");
        return 2;
      }
      req.role = *role;
      if (!args->group.empty()) req.group_scope = args->group;
      if (!args->expires.empty()) {
        auto t = auth::ParseExpiry(args->expires, "--expires");
        if (!t.ok()) {
          std::fprintf(stderr, "assure token create: %s\n", t.error().message.c_str());
          return 2;
        }
        req.expires_at_us = *t;
      }
      auto o = Open(args->data, true);
      if (!o) return 2;
      auto issued = o->tokens->Issue(req, "cli", "cli");
      if (!issued.ok()) {
        std::fprintf(stderr, "assure token create: %s\n", issued.error().message.c_str());
        Close(*o);
        return 1;
      }
      std::printf("%s\n", issued->secret.c_str());
      std::fflush(stdout);
      std::fprintf(stderr, "issued %s token %s for \"%s\"%s%s%s%s\n",
                   args->role.c_str(), issued->record.issued.token_id.c_str(),
                   issued->record.issued.name.c_str(), req.group_scope ? ", group " : "",
                   req.group_scope ? req.group_scope->c_str() : "",
                   req.expires_at_us ? ", expires " : "",
                   req.expires_at_us ? domain::FormatIsoSeconds(*req.expires_at_us).c_str() : "");
      std::fprintf(stderr, "The token is shown once; only its SHA-256 hash is stored.\n");
      Close(*o);
      return 0;
    };
  });

  auto* list = cmd->add_subcommand("list", "List tokens, one JSON object per line");
  list->add_option("--data", args->data, "Store directory (env ASSURE_DATA)")
      ->capture_default_str();
  list->callback([args, &run] {
    run = [args]() -> int {
      auto o = Open(args->data, false);
      if (!o) return 2;
      const auto now = o->tokens->NowMicros();
      for (const auto& r : o->index->List()) {
        std::printf("%s\n", auth::TokenJson(r, now).dump().c_str());
      }
      Close(*o);
      return 0;
    };
  });

  auto* revoke = cmd->add_subcommand("revoke", "Revoke a token by id");
  revoke->add_option("id", args->id, "The token id")->required();
  revoke->add_option("--reason", args->reason, "Why");
  revoke->add_option("--data", args->data, "Store directory (env ASSURE_DATA)")
      ->capture_default_str();
  revoke->callback([args, &run] {
    run = [args]() -> int {
      auto o = Open(args->data, false);
      if (!o) return 2;
      auto rec = o->tokens->Revoke(args->id, args->reason, "cli", "cli");
      if (!rec.ok()) {
        std::fprintf(stderr, "assure token revoke: %s\n", rec.error().message.c_str());
        Close(*o);
        return 1;
      }
      std::fprintf(stderr, "revoked token %s\n", args->id.c_str());
      Close(*o);
      return 0;
    };
  });
}

}  // namespace assure::server
