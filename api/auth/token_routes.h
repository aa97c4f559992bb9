// The token admin API and the security log query, as routes:
//   POST /api/v1/tokens               manage_tokens  {person_id?, name (unless person_id), role,
//                                                   group_scope?, expires_at?}
//                                     -> 201 {token, token_id, ...} (the token is shown once)
//   GET  /api/v1/tokens               manage_tokens  ?offset=&limit=
//   GET  /api/v1/tokens/{id}          manage_tokens
//   POST /api/v1/tokens/{id}/revoke   manage_tokens  {reason?}
//   GET  /api/v1/security/log         admin_read     ?from=<seq>&limit=
#pragma once

#include "api/auth/security_log.h"
#include "api/auth/token_service.h"
#include "api/http/router.h"

namespace assure::auth {

Status RegisterTokenRoutes(api::http::Router& router, TokenService& tokens,
                           SecurityLog& security_log);

// The API/CLI JSON view of a token (never the secret nor its hash).
nlohmann::json TokenJson(const TokenRecord& record, std::int64_t now_us);

}  // namespace assure::auth
