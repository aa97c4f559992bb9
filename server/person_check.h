// How the server and the CLI check the person a new token names
// (auth::TokenService::SetPersonCheck): a registered person whose data is
// not erased, read from the store (a person's stream is a handful of events).
#pragma once

#include "api/auth/token_service.h"
#include "api/core/aggregate_loader.h"
#include "domain/person.h"

namespace assure::server {

inline auth::TokenService::PersonCheck PersonCheckOver(storage::EventStore& store) {
  return [&store](const std::string& person_id) -> Status {
    auto no = [&](const std::string& why) {
      return MakeError(ErrorCode::kInvalidArgument, "person_id '" + person_id + "' " + why, "person_id");
    };
    if (person_id.empty() || person_id.size() > 200) return no("is not a person id");
    auto loaded = api::LoadAggregate<domain::PersonAggregate>(store, person_id);
    if (!loaded.ok()) {
      if (loaded.error().code == ErrorCode::kNotFound) return no("is not a registered person");
      return loaded.error();
    }
    if (!loaded->state.exists) return no("is not a registered person");
    if (loaded->state.erased) return no("is a person whose data has been erased");
    return {};
  };
}

}  // namespace assure::server
