// The Operational Board's registers as REST collections (issue 22): risks
// (and, as they are added, issues and escalations). Who may write each, the
// group a write belongs to (for group-scoped tokens), and the references a
// command's body must make to existing entities.
#include "api/rest/kind_support.h"
#include "api/rest/route_groups.h"
#include "domain/mm_qsin_reference.h"

namespace assure::api::rest {

namespace {

using domain::GetStr;

// Each of `field` (a list) is a QSIN statement code: IN- and three digits.
Status QsinCodes(const nlohmann::json& body, const char* field) {
  const nlohmann::json& list = domain::GetMember(body, field);
  if (!list.is_array()) return {};
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (list[i].is_string() && !domain::IsQsinCode(list[i].get_ref<const std::string&>())) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "'" + list[i].get<std::string>() + "' is not a QSIN statement code (IN- and three digits, e.g. IN-601)",
                       std::string(field) + "[" + std::to_string(i) + "]");
    }
  }
  return {};
}

// A person's name as reads show it, beside the id (erased people read as
// erased): "<key without _person_id>_name".
void NamePerson(const NetworkModel& m, nlohmann::json& j, const char* id_key, const char* name_key) {
  if (!j.contains(id_key) || !j[id_key].is_string()) return;
  const std::string& id = j[id_key].get_ref<const std::string&>();
  if (id.empty()) return;
  j[name_key] = ActorNameIn(m, "person-" + id);
}

}  // namespace

Status RegisterRegisterKinds(http::Router& router, std::shared_ptr<RestDeps> deps) {
  RouteAdder add(router);
  using P = auth::Permission;

  // A risk is on its group's register; editors (programme managers) keep it.
  auto risks = Spec<domain::RiskAggregate>("risks", "risk", "raise", P::kEditProgrammeContent,
                                           [](const NetworkModel& m) -> const auto& { return m.risks; });
  risks->group_of = [](const NetworkModel& m, const std::string& id,
                       const nlohmann::json& body) -> std::optional<std::string> {
    if (const auto* r = m.risks.Find(id)) return r->description.group_id;
    std::string g = GetStr(body, "group_id");
    return g.empty() ? std::nullopt : std::optional<std::string>(g);
  };
  risks->enrich = [](const NetworkModel& m, const std::string&, const std::string& command,
                     nlohmann::json& body) -> Status {
    if (command == "raise") {
      ASSURE_TRY(Refers(m.groups, body, "group_id", "group"));
      ASSURE_TRY(RefersAll(m.deliverables, body, "deliverable_ids", "deliverable"));
      ASSURE_TRY(QsinCodes(body, "qsin_codes"));
    }
    return Refers(m.people, body, "owner_person_id", "person");
  };
  risks->name_people = [](const NetworkModel& m, const domain::RiskState&, nlohmann::json& j) {
    NamePerson(m, j, "owner_person_id", "owner_name");
    if (const auto* g = m.groups.Find(j.value("group_id", std::string()))) j["group_name"] = g->name;
    if (j.contains("controls") && j["controls"].is_array()) {
      for (auto& c : j["controls"]) NamePerson(m, c, "owner_person_id", "owner_name");
    }
  };
  RegisterEntityRoutes(add, deps, risks);
  return add.status();
}

}  // namespace assure::api::rest
