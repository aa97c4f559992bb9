#include "api/rest/actor_names.h"

#include "api/auth/principal.h"

namespace assure::api::rest {

std::string ReadModelActorNames::NameOf(std::string_view actor) const {
  std::string person_actor;
  if (tokens_ != nullptr && !actor.starts_with("person-") && !actor.starts_with("cli")) {
    if (auto token = tokens_->FindById(std::string(actor))) {
      if (!token->issued.person_id) {
        if (token->details_removed) return "a token (details removed)";
        return token->issued.name.empty() ? std::string(actor) : token->issued.name + " (token)";
      }
      person_actor = auth::PersonActor(*token->issued.person_id);
      actor = person_actor;
    }
  }
  auto lock = runner_->ReadLock();
  return ActorNameIn(network_->model(), actor);
}

std::string ReadModelActorNames::NameOfEntity(std::string_view kind, std::string_view id) const {
  auto lock = runner_->ReadLock();
  return EntityNameIn(network_->model(), kind, id);
}

std::uint64_t ReadModelActorNames::Version() const {
  auto lock = runner_->ReadLock();
  return network_->model().names_position;
}

}  // namespace assure::api::rest
