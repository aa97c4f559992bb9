#include "domain/owned_action.h"

#include <algorithm>

#include "domain/calendar.h"
#include "domain/json_read.h"
#include "domain/snapshot_read.h"

namespace assure::domain {

namespace {

std::string Phrase(std::string_view a, std::string_view b) { return std::string(a) + " " + std::string(b); }

}  // namespace

Result<Events> DecideAddOwnedAction(const OwnedActionKind& kind, const std::vector<OwnedAction>& actions, int next,
                                    std::string_view description, std::string_view owner_person_id,
                                    const std::string& due_date, const CommandContext& ctx,
                                    std::string_view holder_id) {
  if (Trim(description).empty()) return InvalidField("description", Phrase(kind.article, kind.noun) + " needs a description");
  if (!due_date.empty() && !ParseIsoDate(due_date)) return InvalidField("due_date", "must be a date, YYYY-MM-DD");
  if (actions.size() >= kind.max) {
    return RuleViolation(Phrase(kind.holder_article, kind.holder) + " holds at most " + std::to_string(kind.max) + " " +
                         std::string(kind.list));
  }
  return Events{MakeEvent(kind.added_event, ctx, holder_id,
                          {{kind.id_key, std::string(kind.id_prefix) + std::to_string(next)},
                           {"description", Trim(description)},
                           {"owner_person_id", Trim(owner_person_id)},
                           {"due_date", due_date}})};
}

Result<Events> DecideCloseOwnedAction(const OwnedActionKind& kind, const std::vector<OwnedAction>& actions,
                                      const std::string& id, std::string_view evidence, std::string_view reason,
                                      const CommandContext& ctx, std::string_view holder_id) {
  auto it = std::find_if(actions.begin(), actions.end(), [&id](const OwnedAction& a) { return a.id == id; });
  if (it == actions.end()) {
    return InvalidField(std::string(kind.id_key), Phrase("the", kind.holder) + " has no " + std::string(kind.noun) + " " + id);
  }
  if (it->closed) return RuleViolation(Phrase("the", kind.noun) + " is already closed");
  if (Trim(evidence).empty()) {
    return InvalidField("evidence", "closing " + Phrase(kind.article, kind.noun) + " needs its evidence");
  }
  ASSURE_TRY(RequireReason(reason, "close " + Phrase(kind.article, kind.noun)));
  return Events{MakeEvent(kind.closed_event, ctx, holder_id, {{kind.id_key, id}, {"evidence", Trim(evidence)}},
                          Trim(reason))};
}

bool EvolveOwnedActions(const OwnedActionKind& kind, std::vector<OwnedAction>& actions, int& next,
                        const EventView& e) {
  const auto& d = DataOf(e);
  if (e.type == kind.added_event) {
    actions.push_back(OwnedAction{GetStr(d, kind.id_key), GetStr(d, "description"), GetStr(d, "owner_person_id"),
                                  GetStr(d, "due_date"), false, ""});
    ++next;
    return true;
  }
  if (e.type == kind.closed_event) {
    const std::string id = GetStr(d, kind.id_key);
    for (auto& a : actions) {
      if (a.id == id) {
        a.closed = true;
        a.evidence = GetStr(d, "evidence");
      }
    }
    return true;
  }
  return false;
}

nlohmann::json OwnedActionsJson(const OwnedActionKind& kind, const std::vector<OwnedAction>& actions) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& a : actions) {
    out.push_back({{kind.id_key, a.id},
                   {"description", a.description},
                   {"owner_person_id", a.owner_person_id},
                   {"due_date", a.due_date},
                   {"closed", a.closed},
                   {"evidence", a.evidence}});
  }
  return out;
}

std::vector<OwnedAction> ReadOwnedActions(const OwnedActionKind& kind, SnapshotReader& reader) {
  return reader.List<OwnedAction>(kind.list, [&kind](SnapshotReader& k) {
    OwnedAction out;
    out.id = k.Str(kind.id_key);
    out.description = k.Str("description");
    out.owner_person_id = k.Str("owner_person_id");
    out.due_date = k.Str("due_date");
    out.closed = k.Bool("closed");
    out.evidence = k.Str("evidence");
    return out;
  });
}

}  // namespace assure::domain
