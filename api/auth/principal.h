// Who is calling: the authenticated holder of a bearer token.
//
// The actor recorded on events is `actor()` (the token id), never a value
// from a request body.
//
// Thread safety: a plain value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "api/auth/role.h"

namespace assure::auth {

struct Principal {
  std::string token_id;                   // UUID text; the stream is "token-<token_id>"
  std::string name;                       // the holder's name, as given at issue
  Role role = Role::kViewer;
  std::optional<std::string> group_scope; // editing restricted to this group id
  std::optional<std::int64_t> expires_at_us;

  // The actor to record on events this principal causes.
  const std::string& actor() const { return token_id; }
};

}  // namespace assure::auth
