#include "domain/person.h"

#include "domain/event_support.h"
#include "domain/json_read.h"
#include "domain/text_limits.h"

namespace assure::domain {

using nlohmann::json;

namespace {

bool LooksLikeEmail(std::string_view email) {
  const auto at = email.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < email.size() &&
         email.find('@', at + 1) == std::string_view::npos && email.find(' ') == std::string_view::npos;
}

Status CheckEmail(const std::string& email) {
  if (!email.empty() && !LooksLikeEmail(email)) {
    return InvalidField("email", "'" + email + "' is not an email address");
  }
  return {};
}

}  // namespace

Result<Events> PersonAggregate::Decide(const State& s, const Command& command,
                                       const CommandContext& ctx) {
  return TextChecked(std::visit(
      Overloaded{
          [&](const RegisterPerson& c) -> Result<Events> {
            ASSURE_TRY(CheckCreate(s.exists, kKind, ctx));
            if (Trim(c.name).empty()) return InvalidField("name", "a person needs a name");
            ASSURE_TRY(CheckEmail(Trim(c.email)));
            return Events{MakeEvent("PersonRegistered", ctx, ctx.new_id,
                                    {{"name", Trim(c.name)},
                                     {"email", Trim(c.email)},
                                     {"job_title", Trim(c.job_title)},
                                     {"organisation_id", Trim(c.organisation_id)}})};
          },
          [&](const UpdatePersonDetails& c) -> Result<Events> {
            ASSURE_TRY(CheckExists(s.exists, kKind));
            if (s.erased) return RuleViolation("this person's personal data has been erased");
            json data = json::object();
            auto consider = [&](const char* key, const std::optional<std::string>& v,
                                const std::string& current) {
              if (v && Trim(*v) != current) data[key] = Trim(*v);
            };
            if (c.name && Trim(*c.name).empty()) return InvalidField("name", "the name is empty");
            if (c.email) ASSURE_TRY(CheckEmail(Trim(*c.email)));
            consider("name", c.name, s.name);
            consider("email", c.email, s.email);
            consider("job_title", c.job_title, s.job_title);
            consider("organisation_id", c.organisation_id, s.organisation_id);
            if (data.empty()) return RuleViolation("nothing to change: the details are the same");
            return Events{MakeEvent("PersonDetailsUpdated", ctx, s.id, std::move(data))};
          },
          [&](const ErasePersonalData& c) -> Result<Events> {
            ASSURE_TRY(CheckExists(s.exists, kKind));
            if (s.erased) return RuleViolation("this person's personal data is already erased");
            ASSURE_TRY(RequireReason(c.reason, "erase personal data"));
            return Events{MakeEvent("PersonalDataErased", ctx, s.id, json::object(), Trim(c.reason))};
          },
      },
      command));
}

void PersonAggregate::Evolve(State& s, const EventView& e) {
  const json& d = DataOf(e);
  if (e.type == "PersonRegistered") {
    s.exists = true;
    s.id = GetStr(d, "id");
    s.name = GetStr(d, "name");
    s.email = GetStr(d, "email");
    s.job_title = GetStr(d, "job_title");
    s.organisation_id = GetStr(d, "organisation_id");
  } else if (e.type == "PersonDetailsUpdated") {
    if (auto v = GetOptStr(d, "name")) s.name = *v;
    if (auto v = GetOptStr(d, "email")) s.email = *v;
    if (auto v = GetOptStr(d, "job_title")) s.job_title = *v;
    if (auto v = GetOptStr(d, "organisation_id")) s.organisation_id = *v;
  } else if (e.type == "PersonalDataErased") {
    s.erased = true;
    s.name = kErasedPersonName;
    s.email.clear();
    s.job_title.clear();
  }
}

Result<PersonAggregate::Command> PersonAggregate::ParseCommand(std::string_view name,
                                                               const json& body) {
  FieldReader r(body);
  Command command;
  if (name == "register") {
    command = RegisterPerson{r.Str("name"), r.StrOr("email"), r.StrOr("job_title"),
                             r.StrOr("organisation_id")};
  } else if (name == "update-details") {
    command = UpdatePersonDetails{r.OptStr("name"), r.OptStr("email"), r.OptStr("job_title"),
                                  r.OptStr("organisation_id")};
  } else if (name == "erase") {
    command = ErasePersonalData{r.Str("reason")};
  } else {
    return UnknownCommand(kKind, name);
  }
  if (!r.ok()) return r.error();
  return command;
}

json PersonAggregate::ToJson(const State& s) {
  return json{{"id", s.id},
              {"name", s.name},
              {"email", s.email},
              {"job_title", s.job_title},
              {"organisation_id", s.organisation_id},
              {"erased", s.erased}};
}

}  // namespace assure::domain
