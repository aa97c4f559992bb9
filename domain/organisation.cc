#include "domain/organisation.h"

#include "domain/event_support.h"
#include "domain/json_read.h"
#include "domain/text_limits.h"

namespace assure::domain {

using nlohmann::json;

Result<Events> OrganisationAggregate::Decide(const State& s, const Command& command,
                                             const CommandContext& ctx) {
  return TextChecked(std::visit(
      Overloaded{
          [&](const RegisterOrganisation& c) -> Result<Events> {
            ASSURE_TRY(CheckCreate(s.exists, kKind, ctx));
            if (Trim(c.name).empty()) return InvalidField("name", "an organisation needs a name");
            return Events{MakeEvent("OrganisationRegistered", ctx, ctx.new_id,
                                    {{"name", Trim(c.name)},
                                     {"kind", NameOf(kOrganisationKindNames, c.kind)},
                                     {"ods_code", Trim(c.ods_code)}})};
          },
          [&](const RenameOrganisation& c) -> Result<Events> {
            ASSURE_TRY(CheckExists(s.exists, kKind));
            if (s.retired) return RuleViolation("a retired organisation cannot be renamed");
            if (Trim(c.name).empty()) return InvalidField("name", "the new name is empty");
            if (Trim(c.name) == s.name) return RuleViolation("the organisation already has that name");
            return Events{MakeEvent("OrganisationRenamed", ctx, s.id,
                                    {{"name", Trim(c.name)}, {"previous_name", s.name}})};
          },
          [&](const RetireOrganisation& c) -> Result<Events> {
            ASSURE_TRY(CheckExists(s.exists, kKind));
            if (s.retired) return RuleViolation("the organisation is already retired");
            ASSURE_TRY(RequireReason(c.reason, "retire an organisation"));
            return Events{MakeEvent("OrganisationRetired", ctx, s.id, json::object(), Trim(c.reason))};
          },
      },
      command));
}

void OrganisationAggregate::Evolve(State& s, const EventView& e) {
  const json& d = DataOf(e);
  if (e.type == "OrganisationRegistered") {
    s.exists = true;
    s.id = GetStr(d, "id");
    s.name = GetStr(d, "name");
    s.kind = GetEnum(d, "kind", kOrganisationKindNames, OrganisationKind::kOther);
    s.ods_code = GetStr(d, "ods_code");
  } else if (e.type == "OrganisationRenamed") {
    s.name = GetStr(d, "name");
  } else if (e.type == "OrganisationRetired") {
    s.retired = true;
  }
}

Result<OrganisationAggregate::Command> OrganisationAggregate::ParseCommand(std::string_view name,
                                                                           const json& body) {
  FieldReader r(body);
  Command command;
  if (name == "register") {
    command = RegisterOrganisation{r.Str("name"), r.Enum("kind", kOrganisationKindNames),
                                   r.StrOr("ods_code")};
  } else if (name == "rename") {
    command = RenameOrganisation{r.Str("name")};
  } else if (name == "retire") {
    command = RetireOrganisation{r.Str("reason")};
  } else {
    return UnknownCommand(kKind, name);
  }
  if (!r.ok()) return r.error();
  return command;
}

json OrganisationAggregate::ToJson(const State& s) {
  return json{{"id", s.id},
              {"name", s.name},
              {"kind", NameOf(kOrganisationKindNames, s.kind)},
              {"ods_code", s.ods_code},
              {"retired", s.retired}};
}

}  // namespace assure::domain
