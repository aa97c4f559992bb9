// Who is calling: the authenticated holder of a bearer token.
//
// The actor recorded on events is `actor()`: "person-<id>" for a token that
// names its holder, else the token id (tokens issued before they named
// one); never a value from a request body.
//
// Thread safety: a plain value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "api/auth/role.h"

namespace assure::auth {

// The actor recorded for a person: their stream id ("person-<id>", as
// domain::StreamId names it), which reads resolve to their name.
inline std::string PersonActor(std::string_view person_id) { return "person-" + std::string(person_id); }

struct Principal {
  std::string token_id;                   // UUID text; the stream is "token-<token_id>"
  std::string name;                       // the holder's name, as given at issue
  Role role = Role::kViewer;
  std::optional<std::string> group_scope; // editing restricted to this group id
  std::optional<std::int64_t> expires_at_us;
  std::string person_id;                  // the holder; empty if the token names none
  std::string actor_id;                   // "person-" + person_id, when there is one

  // The actor to record on events this principal causes.
  const std::string& actor() const { return actor_id.empty() ? token_id : actor_id; }
};

}  // namespace assure::auth
