#include "domain/work_programme.h"

#include <algorithm>

#include "domain/event_support.h"
#include "domain/json_read.h"
#include "domain/text_limits.h"

namespace assure::domain {

using nlohmann::json;

bool IsProgrammeYear(std::string_view y) {
  if (y.size() != 7 || y[4] != '-') return false;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u}) {
    if (y[i] < '0' || y[i] > '9') return false;
  }
  const int first = (y[0] - '0') * 1000 + (y[1] - '0') * 100 + (y[2] - '0') * 10 + (y[3] - '0');
  const int second = (y[5] - '0') * 10 + (y[6] - '0');
  return (first + 1) % 100 == second;
}

Result<Events> WorkProgrammeAggregate::Decide(const State& s, const Command& command,
                                              const CommandContext& ctx) {
  auto listed = [&](const std::string& id) {
    return std::find(s.deliverable_ids.begin(), s.deliverable_ids.end(), id) !=
           s.deliverable_ids.end();
  };
  return TextChecked(std::visit(
      Overloaded{
          [&](const CreateWorkProgramme& c) -> Result<Events> {
            ASSURE_TRY(CheckCreate(s.exists, kKind, ctx));
            if (Trim(c.group_id).empty()) return InvalidField("group_id", "name the group");
            if (!IsProgrammeYear(c.year)) {
              return InvalidField("year", "write the programme year like 2023-24");
            }
            return Events{MakeEvent("WorkProgrammeCreated", ctx, ctx.new_id,
                                    {{"group_id", Trim(c.group_id)},
                                     {"year", c.year},
                                     {"title", Trim(c.title)}})};
          },
          [&](const AddProgrammeDeliverable& c) -> Result<Events> {
            ASSURE_TRY(CheckExists(s.exists, kKind));
            const std::string id = Trim(c.deliverable_id);
            if (id.empty()) return InvalidField("deliverable_id", "name the deliverable");
            if (listed(id)) return RuleViolation("the deliverable is already in this programme");
            return Events{MakeEvent("WorkProgrammeDeliverableAdded", ctx, s.id,
                                    {{"deliverable_id", id}})};
          },
          [&](const RemoveProgrammeDeliverable& c) -> Result<Events> {
            ASSURE_TRY(CheckExists(s.exists, kKind));
            const std::string id = Trim(c.deliverable_id);
            if (!listed(id)) return RuleViolation("the deliverable is not in this programme");
            ASSURE_TRY(RequireReason(c.reason, "remove a deliverable from a programme"));
            return Events{MakeEvent("WorkProgrammeDeliverableRemoved", ctx, s.id,
                                    {{"deliverable_id", id}}, Trim(c.reason))};
          },
      },
      command));
}

void WorkProgrammeAggregate::Evolve(State& s, const EventView& e) {
  const json& d = DataOf(e);
  if (e.type == "WorkProgrammeCreated") {
    s.exists = true;
    s.id = GetStr(d, "id");
    s.group_id = GetStr(d, "group_id");
    s.year = GetStr(d, "year");
    s.title = GetStr(d, "title");
  } else if (e.type == "WorkProgrammeDeliverableAdded") {
    s.deliverable_ids.push_back(GetStr(d, "deliverable_id"));
  } else if (e.type == "WorkProgrammeDeliverableRemoved") {
    const std::string id = GetStr(d, "deliverable_id");
    std::erase(s.deliverable_ids, id);
  }
}

Result<WorkProgrammeAggregate::Command> WorkProgrammeAggregate::ParseCommand(
    std::string_view name, const json& body) {
  FieldReader r(body);
  Command command;
  if (name == "create") {
    command = CreateWorkProgramme{r.Str("group_id"), r.Str("year"), r.StrOr("title")};
  } else if (name == "add-deliverable") {
    command = AddProgrammeDeliverable{r.Str("deliverable_id")};
  } else if (name == "remove-deliverable") {
    command = RemoveProgrammeDeliverable{r.Str("deliverable_id"), r.Str("reason")};
  } else {
    return UnknownCommand(kKind, name);
  }
  if (!r.ok()) return r.error();
  return command;
}

json WorkProgrammeAggregate::ToJson(const State& s) {
  return json{{"id", s.id},
              {"group_id", s.group_id},
              {"year", s.year},
              {"title", s.title},
              {"deliverable_ids", s.deliverable_ids}};
}

}  // namespace assure::domain
