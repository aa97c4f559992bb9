// What the REST collections of the aggregate kinds share: building an
// EntitySpec and checking that a body's references name existing entities.
// Internal to api/rest.
#pragma once

#include <memory>
#include <string>

#include "api/rest/entity_routes.h"
#include "domain/json_read.h"

namespace assure::api::rest {

template <class Agg>
std::shared_ptr<EntitySpec<Agg>> Spec(std::string collection, std::string noun, std::string create,
                                      auth::Permission write,
                                      const EntityTable<Agg>& (*table)(const NetworkModel&)) {
  auto s = std::make_shared<EntitySpec<Agg>>();
  s->collection = std::move(collection);
  s->noun = std::move(noun);
  s->create_command = std::move(create);
  s->write = write;
  s->table = table;
  return s;
}

// A reference in a command's body must name an existing entity (422 naming
// the field otherwise). An absent or empty value is left to the command's
// own validation (required or optional).
template <class Agg>
Status Refers(const EntityTable<Agg>& table, const nlohmann::json& body, const char* field, const char* noun) {
  const std::string id = domain::GetStr(body, field);
  if (id.empty() || table.Find(id)) return {};
  return MakeError(ErrorCode::kInvalidArgument, std::string("no ") + noun + " '" + id + "'", field);
}

// Each id of the list `field` (when it is a list of strings) names an
// existing entity (422 naming "<field>[i]" otherwise).
template <class Agg>
Status RefersAll(const EntityTable<Agg>& table, const nlohmann::json& body, const char* field, const char* noun) {
  const nlohmann::json& list = domain::GetMember(body, field);
  if (!list.is_array()) return {};  // absent, or refused by the command's codec
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (!list[i].is_string() || table.Find(list[i].get_ref<const std::string&>())) continue;
    return MakeError(ErrorCode::kInvalidArgument,
                     std::string("no ") + noun + " '" + list[i].get<std::string>() + "'",
                     std::string(field) + "[" + std::to_string(i) + "]");
  }
  return {};
}

// A decision named as "<meeting id>/<decision id>" was recorded (422 naming
// `field` otherwise); the meeting is returned (a handle: it may be a cold row).
Result<EntityTable<domain::MeetingAggregate>::StateRef> MeetingDecisionExists(const NetworkModel& m, const std::string& ref,
                                                          const char* field);

}  // namespace assure::api::rest
