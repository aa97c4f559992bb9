// assure subject-access PERSON_ID [--data DIR] [--json]: everything the
// (stopped) store holds about a person (api/rest/subject_access.h), as a
// readable document or JSON, with no limit on the lists. Exit 0 printed,
// 1 no such person, 2 usage or store error.
#include <cstdio>

#include "api/auth/security_log.h"
#include "api/auth/token_index.h"
#include "api/rest/subject_access.h"
#include "server/commands.h"
#include "server/personal_data.h"
#include "storage/event_store.h"

namespace assure::server {

void RegisterSubjectAccess(CLI::App& app, Run& run) {
  struct Args {
    std::string data = DefaultDataDir();
    std::string person;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("subject-access",
                                 "Everything held about a person (subject access request), from a stopped store");
  cmd->add_option("person", args->person, "The person's id")->required();
  cmd->add_option("--data", args->data, "Store directory (env ASSURE_DATA)")->capture_default_str();
  cmd->add_flag("--json", args->json, "Print JSON instead of the readable document");
  cmd->callback([args, &run] {
    run = [args]() -> int {
      storage::StoreOptions options;
      options.create_if_missing = false;
      options.read_only = true;
      auto store = storage::OpenRocksStore(args->data, options);
      if (!store.ok()) {
        std::fprintf(stderr, "assure subject-access: %s\n", store.error().message.c_str());
        return 2;
      }
      std::shared_ptr<storage::EventStore> shared(std::move(store).value());
      // The person's own fields are sealed: read them with the master key.
      if (Status vault = InstallPersonalData(shared, args->data, "", /*writable=*/false, "assure subject-access");
          !vault.ok()) {
        std::fprintf(stderr, "assure subject-access: %s\n", vault.error().message.c_str());
        return 2;
      }
      auto model = api::BuildNetworkModel(*shared, shared->Head().position);
      if (!model.ok()) {
        std::fprintf(stderr, "assure subject-access: %s\n", model.error().message.c_str());
        return 2;
      }
      auto person = model->people.Find(args->person);
      if (person == nullptr) {
        std::fprintf(stderr, "assure subject-access: no person '%s'\n", args->person.c_str());
        return 1;
      }
      api::rest::SubjectAccessRequest r;
      r.person_id = args->person;
      r.person = *person;
      if (auto org = model->organisations.Find(person->organisation_id)) r.organisation_name = org->name;
      r.max_items = SIZE_MAX;
      r.now_us = storage::SystemClock()->NowMicros();
      r.label = [&model](std::string_view stream) { return api::rest::StreamLabel(*model, stream); };
      int code = 0;
      {
        auth::TokenIndex index;
        auth::SecurityLog security_log(*shared, storage::SystemClock());
        Status opened = index.Attach(*shared);
        if (opened.ok()) opened = security_log.Open();
        if (!opened.ok()) {
          std::fprintf(stderr, "assure subject-access: %s\n", opened.error().message.c_str());
          return 2;
        }
        for (auto& t : index.List()) {
          if (t.issued.person_id == r.person_id) r.tokens.push_back(std::move(t));
        }
        auto report = api::rest::BuildSubjectAccess(*shared, security_log, r);
        if (!report.ok()) {
          std::fprintf(stderr, "assure subject-access: %s\n", report.error().message.c_str());
          code = 2;
        } else {
          const std::string text = args->json ? report->dump(2) + "\n" : api::rest::SubjectAccessText(*report);
          std::fwrite(text.data(), 1, text.size(), stdout);
        }
      }
      return code;
    };
  });
}

}  // namespace assure::server
