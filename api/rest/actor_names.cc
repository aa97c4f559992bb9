#include "api/rest/actor_names.h"

namespace assure::api::rest {

namespace {
constexpr std::string_view kPersonPrefix = "person-";
constexpr std::string_view kCliPrefix = "cli:";
}  // namespace

std::string ReadModelActorNames::PersonName(std::string_view person_id) const {
  auto lock = runner_->ReadLock();
  const NetworkModel& model = network_->model();
  const domain::PersonState* person = model.people.Find(person_id);
  if (person == nullptr) return "unknown person " + std::string(person_id);
  if (person->erased) return "erased person";
  std::string name = person->name;
  if (const auto* org = model.organisations.Find(person->organisation_id); org != nullptr && !org->name.empty()) {
    name += " (" + org->name + ")";
  }
  return name;
}

std::string ReadModelActorNames::NameOf(std::string_view actor) const {
  if (actor.starts_with(kPersonPrefix)) return PersonName(actor.substr(kPersonPrefix.size()));
  if (actor.starts_with(kCliPrefix)) return std::string(actor.substr(kCliPrefix.size())) + " (command line)";
  if (actor == "cli") return "command line";
  if (tokens_ != nullptr) {
    if (auto token = tokens_->FindById(std::string(actor))) {
      if (token->issued.person_id) return PersonName(*token->issued.person_id);
      if (!token->issued.name.empty()) return token->issued.name + " (token)";
    }
  }
  return std::string(actor);
}

std::uint64_t ReadModelActorNames::Version() const {
  auto lock = runner_->ReadLock();
  return network_->model().names_position;
}

}  // namespace assure::api::rest
