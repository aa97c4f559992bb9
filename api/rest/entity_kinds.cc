// The aggregate kinds as REST collections: who may write each, which group a
// write belongs to (for group-scoped tokens), and the cross-aggregate steps.
#include "api/privacy/personal_data_vault.h"
#include "api/queries/deliverable_owner.h"
#include "api/queries/slim_rows.h"
#include "api/rest/entity_routes.h"
#include "api/rest/kind_support.h"
#include "api/rest/route_groups.h"
#include "domain/json_read.h"
#include "domain/read/meeting_quorum.h"

namespace assure::api::rest {

namespace {

using domain::GetStr;

std::optional<std::string> GroupOfProgramme(const NetworkModel& m, const std::string& programme_id) {
  auto p = m.programmes.Find(programme_id);
  if (!p || p->group_id.empty()) return std::nullopt;
  return p->group_id;
}

// A decision's links name existing deliverables, documents and versions,
// risks, issues and escalations.
Status DecisionLinksExist(const NetworkModel& m, const nlohmann::json& body) {
  const nlohmann::json& links = domain::GetMember(body, "links");
  if (!links.is_array()) return {};  // absent, or refused by the command's codec
  for (std::size_t i = 0; i < links.size(); ++i) {
    const std::string at = "links[" + std::to_string(i) + "].";
    const std::string kind = GetStr(links[i], "kind");
    const std::string id = GetStr(links[i], "id");
    if (id.empty()) continue;  // the codec names the missing id
    auto none = [&](const char* noun) {
      return MakeError(ErrorCode::kInvalidArgument, std::string("no ") + noun + " '" + id + "'", at + "id");
    };
    if (kind == "deliverable") {
      if (!m.deliverables.Find(id)) return none("deliverable");
    } else if (kind == "risk") {
      if (!m.risks.Find(id)) return none("risk");
    } else if (kind == "issue") {
      if (!m.issues.Find(id)) return none("issue");
    } else if (kind == "escalation") {
      if (!m.escalations.Find(id)) return none("escalation");
    } else if (kind == "document" || kind == "document-version") {
      auto row = m.documents.FindRow(id);
      if (!row) return MakeError(ErrorCode::kInvalidArgument, "no controlled document '" + id + "'", at + "id");
      const std::string version = GetStr(links[i], "version_id");
      if (kind != "document-version") continue;
      bool found = false;  // a slim row keeps only the version in force: look at them all
      ASSURE_TRY(WithFullState<domain::ControlledDocumentAggregate>(
          m, id, *row, [&](const domain::ControlledDocumentState& doc) { found = doc.FindVersion(version) != nullptr; }));
      if (!found) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "'" + row->state.title + "' has no version '" + version + "'", at + "version_id");
      }
    }
  }
  return {};
}

}  // namespace

Result<EntityTable<domain::MeetingAggregate>::StateRef> MeetingDecisionExists(const NetworkModel& m, const std::string& ref,
                                                          const char* field) {
  const auto slash = ref.rfind('/');
  auto row = slash == std::string::npos ? nullptr : m.meetings.FindRow(ref.substr(0, slash));
  if (row) {
    const std::string_view decision = std::string_view(ref).substr(slash + 1);
    bool found = false;
    ForEachDecision(*row, [&](std::string_view id, const auto&) { found = found || id == decision; });
    if (found) return EntityTable<domain::MeetingAggregate>::StateRef(row, &row->state);
  }
  return MakeError(ErrorCode::kInvalidArgument,
                   "no meeting decision '" + ref + "' (name it as <meeting id>/<decision id>, e.g. …/d1)", field);
}

Status RegisterEntityKinds(http::Router& router, std::shared_ptr<RestDeps> deps) {
  RouteAdder add(router);
  using P = auth::Permission;

  auto orgs = Spec<domain::OrganisationAggregate>(
      "organisations", "organisation", "register", P::kEditGroup,
      [](const NetworkModel& m) -> const auto& { return m.organisations; });
  RegisterEntityRoutes(add, deps, orgs);

  auto people = Spec<domain::PersonAggregate>(
      "people", "person", "register", P::kEditGroup,
      [](const NetworkModel& m) -> const auto& { return m.people; });
  people->enrich = [](const NetworkModel& m, const std::string&, const std::string&,
                      nlohmann::json& body) -> Status {
    return Refers(m.organisations, body, "organisation_id", "organisation");
  };
  // Erasure destroys the person's data key once PersonalDataErased is
  // committed (api/privacy); a stop in between is finished at the next
  // start. Events written before personal fields were encrypted hold them in
  // plain text, which no key can take back: the answer says so.
  people->after = [](const std::string& id, const std::string& command, const nlohmann::json&,
                     const RequestContext&, std::vector<std::string>& notes) -> Status {
    if (command != "erase") return {};
    auto vault = privacy::InstalledVault();
    if (!vault) {
      notes.push_back("no master key is configured: this person's personal data is stored in plain text "
                      "and cannot be put beyond use");
      return {};
    }
    auto erased = vault->Erase(id);
    if (!erased.ok()) return erased.error();
    if (erased->plaintext_events > 0) {
      notes.push_back(std::to_string(erased->plaintext_events) +
                      " of this person's events were written before personal data was encrypted and "
                      "still hold their personal data in plain text: erasure cannot reach them "
                      "(storage/FORMAT.md section 7)");
    }
    return {};
  };
  people->after_commands = {"erase"};
  RegisterEntityRoutes(add, deps, people);

  auto groups = Spec<domain::GroupAggregate>(
      "groups", "group", "create", P::kEditGroup,
      [](const NetworkModel& m) -> const auto& { return m.groups; });
  groups->group_of = [](const NetworkModel& m, const std::string& id,
                        const nlohmann::json&) -> std::optional<std::string> {
    if (m.groups.Find(id)) return id;
    return std::nullopt;  // creating a group is not a scoped edit
  };
  groups->enrich = [](const NetworkModel& m, const std::string&, const std::string& command,
                      nlohmann::json& body) -> Status {
    ASSURE_TRY(Refers(m.groups, body, "parent_group_id", "group"));
    ASSURE_TRY(Refers(m.organisations, body, "organisation_id", "organisation"));
    if (command == "appoint-member") ASSURE_TRY(Refers(m.people, body, "person_id", "person"));
    if (command == "set-terms-of-reference") {
      ASSURE_TRY(Refers(m.documents, body, "document_id", "controlled document"));
    }
    return {};
  };
  RegisterEntityRoutes(add, deps, groups);

  auto programmes = Spec<domain::WorkProgrammeAggregate>(
      "programmes", "work programme", "create", P::kEditProgrammeContent,
      [](const NetworkModel& m) -> const auto& { return m.programmes; });
  programmes->group_of = [](const NetworkModel& m, const std::string& id,
                            const nlohmann::json& body) -> std::optional<std::string> {
    if (auto p = m.programmes.Find(id)) return p->group_id;
    std::string g = GetStr(body, "group_id");
    return g.empty() ? std::nullopt : std::optional<std::string>(g);
  };
  programmes->enrich = [](const NetworkModel& m, const std::string&, const std::string& command,
                          nlohmann::json& body) -> Status {
    if (command == "create" && !m.groups.Find(GetStr(body, "group_id"))) {
      return MakeError(ErrorCode::kInvalidArgument, "no group '" + GetStr(body, "group_id") + "'",
                       "group_id");
    }
    if (command == "add-deliverable") return Refers(m.deliverables, body, "deliverable_id", "deliverable");
    return {};
  };
  // Listing a deliverable edits its group's work too.
  programmes->also_groups = [](const NetworkModel& m, const std::string& command,
                               const nlohmann::json& body) -> std::vector<std::string> {
    if (command != "add-deliverable") return {};
    auto d = m.deliverables.Find(GetStr(body, "deliverable_id"));
    if (!d) return {};
    auto g = GroupOfProgramme(m, d->programme_id);
    if (!g) return {};
    return {*g};
  };
  RegisterEntityRoutes(add, deps, programmes);

  auto deliverables = Spec<domain::DeliverableAggregate>(
      "deliverables", "deliverable", "create", P::kEditProgrammeContent,
      [](const NetworkModel& m) -> const auto& { return m.deliverables; });
  deliverables->group_of = [](const NetworkModel& m, const std::string& id,
                              const nlohmann::json& body) -> std::optional<std::string> {
    if (auto d = m.deliverables.Find(id)) return GroupOfProgramme(m, d->programme_id);
    return GroupOfProgramme(m, GetStr(body, "programme_id"));
  };
  deliverables->enrich = [](const NetworkModel& m, const std::string&, const std::string& command,
                            nlohmann::json& body) -> Status {
    if (command == "create" && !m.programmes.Find(GetStr(body, "programme_id"))) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "no work programme '" + GetStr(body, "programme_id") + "'", "programme_id");
    }
    return Refers(m.people, body, "owner_person_id", "person");
  };
  deliverables->name_people = ShowOwner;
  // A new deliverable is listed in its programme in the same commit.
  deliverables->create_companions = [](const std::string& id,
                                       const nlohmann::json& body) -> std::vector<Companion> {
    return {CompanionCommand<domain::WorkProgrammeAggregate>(
        GetStr(body, "programme_id"), domain::AddProgrammeDeliverable{id})};
  };
  RegisterEntityRoutes(add, deps, deliverables);

  auto meetings = Spec<domain::MeetingAggregate>(
      "meetings", "meeting", "schedule", P::kRunMeeting,
      [](const NetworkModel& m) -> const auto& { return m.meetings; });
  meetings->group_of = [](const NetworkModel& m, const std::string& id,
                          const nlohmann::json& body) -> std::optional<std::string> {
    if (auto mt = m.meetings.Find(id)) return mt->group_id;
    std::string g = GetStr(body, "group_id");
    return g.empty() ? std::nullopt : std::optional<std::string>(g);
  };
  meetings->enrich = [](const NetworkModel& m, const std::string& id, const std::string& command,
                        nlohmann::json& body) -> Status {
    if (command == "schedule" && !m.groups.Find(GetStr(body, "group_id"))) {
      return MakeError(ErrorCode::kInvalidArgument, "no group '" + GetStr(body, "group_id") + "'",
                       "group_id");
    }
    if (command == "record-attendance") ASSURE_TRY(Refers(m.people, body, "person_id", "person"));
    ASSURE_TRY(Refers(m.organisations, body, "organisation_id", "organisation"));
    ASSURE_TRY(Refers(m.people, body, "owner_person_id", "person"));
    if (command == "record-decision") ASSURE_TRY(DecisionLinksExist(m, body));
    if (command != "close") return {};
    // Quorum is computed from the group's rule and its members today: the
    // api looks them up; the client cannot supply them.
    auto meeting = m.meetings.Find(id);
    if (!meeting) return {};  // Decide reports the missing meeting
    auto group = m.groups.Find(meeting->group_id);
    if (!group) return MakeError(ErrorCode::kRuleViolation, "the meeting's group no longer exists");
    nlohmann::json members = nlohmann::json::array();
    for (const auto& ms : domain::read::MembersOn(*group, domain::read::MeetingDate(*meeting))) {
      members.push_back({{"person_id", ms.person_id},
                         {"role", domain::NameOf(domain::kMemberRoleNames, ms.role)}});
    }
    body["quorum_rule"] = domain::QuorumRuleToJson(group->quorum_rule);
    body["members"] = std::move(members);
    return {};
  };
  meetings->after = [deps](const std::string& id, const std::string& command, const nlohmann::json&,
                           const RequestContext& rc, std::vector<std::string>&) -> Status {
    // A checkpoint when a meeting closes anchors what it saw.
    if (command == "close" && deps->checkpoints) {
      auto c = deps->checkpoints->Publish(rc.now_us, "meeting closed: " + id);
      if (!c.ok()) return c.error();
    }
    return {};
  };
  meetings->after_commands = {"close"};
  // Anyone may attend (a guest, an officer), but someone recorded present
  // who is not a member of the group on the meeting's date is flagged.
  meetings->warn = [](const NetworkModel& m, const std::string& id, const std::string& command,
                      const nlohmann::json& body) -> std::vector<std::string> {
    if (command != "record-attendance" || GetStr(body, "attendance") != "present") return {};
    auto meeting = m.meetings.Find(id);
    auto group = meeting ? m.groups.Find(meeting->group_id) : nullptr;
    if (!group) return {};
    const std::string person_id = GetStr(body, "person_id");
    const std::string day = domain::read::MeetingDate(*meeting);
    for (const auto& member : domain::read::MembersOn(*group, day)) {
      if (member.person_id == person_id) return {};
    }
    auto person = m.people.Find(person_id);
    const std::string who = person ? person->name : person_id;
    return {who + " is not a member of " + group->name + " on " + day +
            " (recorded present as a guest; not counted towards quorum)"};
  };
  meetings->related_group = [](const domain::MeetingState& s) { return s.group_id; };
  meetings->decorate = [](const domain::MeetingState& s, const domain::GroupState* group, nlohmann::json& j) {
    domain::read::AddQuorumSoFar(s, group, j);
  };
  RegisterEntityRoutes(add, deps, meetings);

  auto documents = Spec<domain::ControlledDocumentAggregate>(
      "documents", "controlled document", "register", P::kManageDocuments,
      [](const NetworkModel& m) -> const auto& { return m.documents; });
  documents->enrich = [deps](const NetworkModel& m, const std::string&, const std::string& command,
                             nlohmann::json& body) -> Status {
    if (command == "approve-version") {
      ASSURE_TRY(Refers(m.groups, body, "approving_group_id", "group"));
      const std::string ref = GetStr(body, "meeting_decision_id");
      if (ref.empty()) return {};
      auto meeting = MeetingDecisionExists(m, ref, "meeting_decision_id");
      if (!meeting.ok()) return meeting.error();
      return {};
    }
    if (command != "add-draft-version") return {};
    // JSON drafts must name content already uploaded (POST .../versions).
    auto hash = storage::HexDecodeHash(GetStr(body, "content_sha256"));
    if (!hash.ok()) return MakeError(ErrorCode::kInvalidArgument, hash.error().message, "content_sha256");
    auto blob = deps->store->GetBlob(*hash);
    if (!blob.ok()) return blob.error();
    if (!blob->has_value()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "no uploaded content has that SHA-256; upload it with POST "
                       "/api/v1/documents/{id}/versions",
                       "content_sha256");
    }
    body["size_bytes"] = (*blob)->size();
    return {};
  };
  RegisterEntityRoutes(add, deps, documents);

  auto qsin = Spec<domain::QsinStatementAggregate>(
      "qsin/statements", "QSIN statement", "define", P::kEditProgrammeContent,
      [](const NetworkModel& m) -> const auto& { return m.qsin; });
  qsin->id_from_body = [](const nlohmann::json& body) -> Result<std::string> {
    std::string code = GetStr(body, "code");
    if (code.empty()) return MakeError(ErrorCode::kInvalidArgument, "code is required", "code");
    return code;
  };
  qsin->enrich = [](const NetworkModel& m, const std::string&, const std::string& command,
                    nlohmann::json& body) -> Status {
    if (command == "record-self-assessment") {
      return Refers(m.people, body, "assessor_person_id", "person");
    }
    return {};
  };
  RegisterEntityRoutes(add, deps, qsin);
  return add.status();
}

}  // namespace assure::api::rest
