#include "domain/risk.h"

#include <algorithm>

#include "domain/calendar.h"
#include "domain/event_support.h"
#include "domain/json_read.h"
#include "domain/text_limits.h"

namespace assure::domain {

using nlohmann::json;

namespace {

json ScoreJson(const RiskScore& s) { return json{{"likelihood", s.likelihood}, {"impact", s.impact}}; }

RiskScore ScoreOf(const json& d, std::string_view key) {
  const json& s = GetMember(d, key);
  return RiskScore{static_cast<int>(GetInt(s, "likelihood")), static_cast<int>(GetInt(s, "impact"))};
}

// The description as the flat members RiskRaised and the read model carry.
json DescriptionJson(const RiskDescription& a) {
  return json{{"reference", a.reference},
              {"title", a.title},
              {"cause", a.cause},
              {"event", a.event},
              {"effect", a.effect},
              {"category", a.category},
              {"owner_person_id", a.owner_person_id},
              {"group_id", a.group_id},
              {"deliverable_ids", a.deliverable_ids},
              {"qsin_codes", a.qsin_codes}};
}

RiskDescription DescriptionOf(const json& d) {
  return RiskDescription{GetStr(d, "reference"),       GetStr(d, "title"),    GetStr(d, "cause"),
                         GetStr(d, "event"),           GetStr(d, "effect"),   GetStr(d, "category"),
                         GetStr(d, "owner_person_id"), GetStr(d, "group_id"), GetStrList(d, "deliverable_ids"),
                         GetStrList(d, "qsin_codes")};
}

// Text trimmed as a command's text is; the lists as given.
RiskDescription Trimmed(RiskDescription a) {
  for (std::string* text : {&a.reference, &a.title, &a.cause, &a.event, &a.effect, &a.category, &a.owner_person_id,
                            &a.group_id}) {
    *text = Trim(*text);
  }
  return a;
}

bool InRange(int v) { return v >= 1 && v <= 5; }

Status CheckScore(const RiskScore& s, const std::string& field) {
  if (!InRange(s.likelihood)) return InvalidField(field + ".likelihood", "must be 1 to 5");
  if (!InRange(s.impact)) return InvalidField(field + ".impact", "must be 1 to 5");
  return {};
}

Status CheckDate(const std::string& date, const char* field, bool required) {
  if (date.empty() && !required) return {};
  if (!ParseIsoDate(date)) return InvalidField(field, "must be a date, YYYY-MM-DD");
  return {};
}

Status CheckOpen(const RiskState& s) {
  ASSURE_TRY(CheckExists(s.exists, RiskAggregate::kKind));
  if (s.status == RiskStatus::kClosed) return RuleViolation("the risk is closed: reopen it first");
  return {};
}

// A command's score from {likelihood, impact} members of `body` (or of its
// member `name`), each 1-5.
RiskScore ReadScore(FieldReader& r, const json* object, const std::string& field, bool required) {
  if (!object) {
    if (required) r.Fail(field, "is required: {likelihood, impact}");
    return {};
  }
  FieldReader nested(*object, field + ".");
  RiskScore s{static_cast<int>(nested.Int("likelihood", 1, 5)), static_cast<int>(nested.Int("impact", 1, 5))};
  r.Adopt(nested);
  return s;
}

}  // namespace

std::string_view RiskGrade(int score) {
  if (score <= 0) return "";
  if (score <= 3) return "low";
  if (score <= 6) return "moderate";
  if (score <= 12) return "high";
  return "extreme";
}

Result<Events> RiskAggregate::Decide(const State& s, const Command& command, const CommandContext& ctx) {
  return TextChecked(std::visit(
      Overloaded{
          [&](const RaiseRisk& c) -> Result<Events> {
            ASSURE_TRY(CheckCreate(s.exists, kKind, ctx));
            if (Trim(c.description.title).empty()) return InvalidField("title", "a risk needs a title");
            if (Trim(c.description.group_id).empty()) return InvalidField("group_id", "a risk belongs to a group's register");
            ASSURE_TRY(CheckScore(c.inherent, "inherent"));
            const RiskScore current = c.current.likelihood == 0 && c.current.impact == 0 ? c.inherent : c.current;
            ASSURE_TRY(CheckScore(current, "current"));
            if (c.target.likelihood != 0 || c.target.impact != 0) ASSURE_TRY(CheckScore(c.target, "target"));
            ASSURE_TRY(CheckDate(c.review_date, "review_date", false));
            json data = DescriptionJson(Trimmed(c.description));
            data["inherent"] = ScoreJson(c.inherent);
            data["current"] = ScoreJson(current);
            data["target"] = ScoreJson(c.target);
            data["review_date"] = c.review_date;
            return Events{MakeEvent("RiskRaised", ctx, ctx.new_id, std::move(data))};
          },
          [&](const ScoreRisk& c) -> Result<Events> {
            ASSURE_TRY(CheckOpen(s));
            ASSURE_TRY(CheckScore(c.score, c.target ? "target" : "current"));
            ASSURE_TRY(RequireReason(c.reason, "change a risk's score"));
            const RiskScore& before = c.target ? s.target : s.current;
            if (before == c.score) return RuleViolation("the risk already has that score");
            return Events{MakeEvent("RiskScored", ctx, s.id,
                                    {{"score", c.target ? "target" : "current"},
                                     {"likelihood", c.score.likelihood},
                                     {"impact", c.score.impact},
                                     {"previous_likelihood", before.likelihood},
                                     {"previous_impact", before.impact}},
                                    Trim(c.reason))};
          },
          [&](const AddRiskControl& c) -> Result<Events> {
            ASSURE_TRY(CheckOpen(s));
            return DecideAddOwnedAction(kRiskControls, s.controls, s.next_control, c.description, c.owner_person_id,
                                        c.due_date, ctx, s.id);
          },
          [&](const CloseRiskControl& c) -> Result<Events> {
            ASSURE_TRY(CheckOpen(s));
            return DecideCloseOwnedAction(kRiskControls, s.controls, c.control_id, c.evidence, c.reason, ctx, s.id);
          },
          [&](const ReviewRisk& c) -> Result<Events> {
            ASSURE_TRY(CheckOpen(s));
            ASSURE_TRY(CheckDate(c.reviewed_on, "reviewed_on", true));
            ASSURE_TRY(CheckDate(c.next_review_date, "next_review_date", true));
            if (c.next_review_date <= c.reviewed_on) {
              return InvalidField("next_review_date", "must be after the review (" + c.reviewed_on + ")");
            }
            return Events{MakeEvent("RiskReviewed", ctx, s.id,
                                    {{"reviewed_on", c.reviewed_on},
                                     {"next_review_date", c.next_review_date},
                                     {"note", Trim(c.note)}})};
          },
          [&](const EditRisk& c) -> Result<Events> {
            ASSURE_TRY(CheckOpen(s));
            json changed = json::object();
            const RiskDescription& a = s.description;
            if (c.title && Trim(*c.title).empty()) return InvalidField("title", "a risk needs a title");
            for (const auto& t : kRiskEditableTexts) {
              const std::optional<std::string>& v = c.*t.edited;
              if (v && Trim(*v) != a.*t.held) changed[t.key] = Trim(*v);
            }
            if (c.deliverable_ids && *c.deliverable_ids != a.deliverable_ids) changed["deliverable_ids"] = *c.deliverable_ids;
            if (c.qsin_codes && *c.qsin_codes != a.qsin_codes) changed["qsin_codes"] = *c.qsin_codes;
            if (changed.empty()) return RuleViolation("the edit changes nothing");
            return Events{MakeEvent("RiskEdited", ctx, s.id, std::move(changed), Trim(c.reason))};
          },
          [&](const ChangeRiskStatus& c) -> Result<Events> {
            ASSURE_TRY(CheckExists(s.exists, kKind));
            if (c.status == s.status) {
              return RuleViolation("the risk is already " + std::string(NameOf(kRiskStatusNames, s.status)));
            }
            if (s.status == RiskStatus::kClosed && c.status != RiskStatus::kOpen) {
              return RuleViolation("the risk is closed: reopen it first");
            }
            ASSURE_TRY(RequireReason(c.reason, "change a risk's status"));
            return Events{MakeEvent("RiskStatusChanged", ctx, s.id,
                                    {{"status", NameOf(kRiskStatusNames, c.status)},
                                     {"previous_status", NameOf(kRiskStatusNames, s.status)}},
                                    Trim(c.reason))};
          },
      },
      command));
}

void RiskAggregate::Evolve(State& s, const EventView& e) {
  const json& d = DataOf(e);
  if (e.type == "RiskRaised") {
    s.exists = true;
    s.id = GetStr(d, "id");
    s.description = DescriptionOf(d);
    s.inherent = ScoreOf(d, "inherent");
    s.current = ScoreOf(d, "current");
    s.target = ScoreOf(d, "target");
    s.review_date = GetStr(d, "review_date");
  } else if (e.type == "RiskScored") {
    RiskScore& target = GetStr(d, "score") == "target" ? s.target : s.current;
    target = RiskScore{static_cast<int>(GetInt(d, "likelihood")), static_cast<int>(GetInt(d, "impact"))};
  } else if (EvolveOwnedActions(kRiskControls, s.controls, s.next_control, e)) {
    // a control added or closed
  } else if (e.type == "RiskReviewed") {
    s.last_reviewed = GetStr(d, "reviewed_on");
    s.review_date = GetStr(d, "next_review_date");
  } else if (e.type == "RiskStatusChanged") {
    s.status = GetEnum(d, "status", kRiskStatusNames, RiskStatus::kOpen);
    s.status_reason = e.reason;
  } else if (e.type == "RiskEdited") {
    RiskDescription& a = s.description;
    for (const auto& t : kRiskEditableTexts) {
      if (d.contains(t.key)) a.*t.held = GetStr(d, t.key);
    }
    if (d.contains("deliverable_ids")) a.deliverable_ids = GetStrList(d, "deliverable_ids");
    if (d.contains("qsin_codes")) a.qsin_codes = GetStrList(d, "qsin_codes");
  }
}

Result<RiskAggregate::Command> RiskAggregate::ParseCommand(std::string_view name, const json& body) {
  FieldReader r(body);
  Command command;
  if (name == "raise") {
    RaiseRisk c;
    RiskDescription& a = c.description;
    a.reference = r.StrOr("reference");
    a.title = r.Str("title");
    a.cause = r.StrOr("cause");
    a.event = r.StrOr("event");
    a.effect = r.StrOr("effect");
    a.category = r.StrOr("category");
    a.owner_person_id = r.StrOr("owner_person_id");
    a.group_id = r.Str("group_id");
    c.inherent = ReadScore(r, r.OptObject("inherent"), "inherent", true);
    c.current = ReadScore(r, r.OptObject("current"), "current", false);
    c.target = ReadScore(r, r.OptObject("target"), "target", false);
    c.review_date = r.OptDate("review_date").value_or("");
    a.deliverable_ids = r.StrList("deliverable_ids");
    a.qsin_codes = r.StrList("qsin_codes");
    command = std::move(c);
  } else if (name == "score") {
    ScoreRisk c;
    const std::string which = r.Str("score");
    if (r.ok() && which != "current" && which != "target") r.Fail("score", "must be \"current\" or \"target\"");
    c.target = which == "target";
    c.score = RiskScore{static_cast<int>(r.Int("likelihood", 1, 5)), static_cast<int>(r.Int("impact", 1, 5))};
    c.reason = r.StrOr("reason");
    command = c;
  } else if (name == "add-control") {
    command = AddRiskControl{r.Str("description"), r.StrOr("owner_person_id"), r.OptDate("due_date").value_or("")};
  } else if (name == "close-control") {
    command = CloseRiskControl{r.Str("control_id"), r.StrOr("evidence"), r.StrOr("reason")};
  } else if (name == "review") {
    command = ReviewRisk{r.Date("reviewed_on"), r.Date("next_review_date"), r.StrOr("note")};
  } else if (name == "edit") {
    if (body.is_object() && body.contains("group_id")) {
      return InvalidField("group_id", "a risk stays on its group's register: escalate it to move it up");
    }
    EditRisk c;
    for (const auto& t : kRiskEditableTexts) c.*t.edited = r.OptStr(t.key);
    if (r.OptArray("deliverable_ids")) c.deliverable_ids = r.StrList("deliverable_ids");
    if (r.OptArray("qsin_codes")) c.qsin_codes = r.StrList("qsin_codes");
    c.reason = r.StrOr("reason");
    command = std::move(c);
  } else if (name == "tolerate" || name == "close" || name == "reopen") {
    const RiskStatus status =
        name == "tolerate" ? RiskStatus::kTolerated : name == "close" ? RiskStatus::kClosed : RiskStatus::kOpen;
    command = ChangeRiskStatus{status, r.StrOr("reason")};
  } else {
    return UnknownCommand(kKind, name);
  }
  if (!r.ok()) return r.error();
  return command;
}

json RiskAggregate::ToJson(const State& s) {
  auto score = [](const RiskScore& v) {
    return json{{"likelihood", v.likelihood}, {"impact", v.impact}, {"score", v.Value()}, {"grade", RiskGrade(v.Value())}};
  };
  json out = DescriptionJson(s.description);
  out["id"] = s.id;
  out["inherent"] = score(s.inherent);
  out["current"] = score(s.current);
  out["target"] = score(s.target);
  out["review_date"] = s.review_date;
  out["last_reviewed"] = s.last_reviewed;
  out["status"] = NameOf(kRiskStatusNames, s.status);
  out["status_reason"] = s.status_reason;
  out["controls"] = OwnedActionsJson(kRiskControls, s.controls);
  return out;
}

}  // namespace assure::domain
