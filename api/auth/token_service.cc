#include "api/auth/token_service.h"

#include <utility>

#include <nlohmann/json.hpp>

#include "api/privacy/personal_data_vault.h"
#include "storage/types.h"

namespace assure::auth {

namespace {

bool CleanText(const std::string& s, std::size_t max) {
  if (s.empty() || s.size() > max) return false;
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

}  // namespace

TokenService::TokenService(storage::EventStore& store, TokenIndex& index,
                           std::shared_ptr<storage::Clock> clock,
                           std::shared_ptr<storage::IdSource> ids)
    : store_(store),
      index_(index),
      clock_(clock ? std::move(clock) : storage::SystemClock()),
      ids_(ids ? std::move(ids) : storage::RandomIds()) {}

Result<IssuedToken> TokenService::Issue(const IssueTokenRequest& request,
                                        const std::string& actor, const std::string& source) {
  if (request.person_id) {
    if (!check_person_) {
      return MakeError(ErrorCode::kInvalidArgument, "tokens cannot name a person here", "person_id");
    }
    ASSURE_TRY(check_person_(*request.person_id));
  }
  if (!(request.person_id && request.name.empty()) && !CleanText(request.name, 200)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "name must be 1 to 200 characters without control characters", "name");
  }
  if (request.group_scope && !CleanText(*request.group_scope, 200)) {
    return MakeError(ErrorCode::kInvalidArgument, "group_scope must be a group id",
                     "group_scope");
  }
  const std::int64_t now = clock_->NowMicros();
  std::optional<std::int64_t> expires;
  if (request.expires_at_us) {
    expires = *request.expires_at_us - (*request.expires_at_us % 1000000);
    if (*expires <= now) {
      return MakeError(ErrorCode::kInvalidArgument, "expires_at must be in the future",
                       "expires_at");
    }
  }
  if (request.role == Role::kAssessor && !expires) {
    return MakeError(ErrorCode::kInvalidArgument, "assessor tokens must have an expiry",
                     "expires_at");
  }
  auto secret = GenerateTokenSecret();
  if (!secret.ok()) return std::move(secret).error();
  TokenIssued e;
  e.token_id = ids_->NewUuid().ToString();
  auto label = api::privacy::SealTokenLabel(e.token_id, request.name);
  if (!label.ok()) return std::move(label).error();
  e.name = std::move(label).value();
  e.role = request.role;
  e.group_scope = request.group_scope;
  e.expires_at_us = expires;
  e.secret_sha256 = Sha256Hex(*secret);
  e.person_id = request.person_id;

  storage::ProposedEvent pe;
  pe.type = std::string(kTokenIssuedType);
  pe.data = EncodeTokenIssued(e);
  pe.metadata.actor = actor;
  pe.metadata.source = source;
  const std::string stream = std::string(kTokenStreamPrefix) + e.token_id;
  auto appended = store_.Append(stream, storage::ExpectedVersion::NoStream(), {pe});
  if (!appended.ok()) return std::move(appended).error();
  auto stored = store_.ReadEvent(appended->last_position);
  if (stored.ok()) index_.Apply(*stored);

  IssuedToken out;
  auto rec = index_.FindById(e.token_id);
  if (rec) {
    out.record = std::move(*rec);
  } else {
    out.record.issued = e;
    out.record.issued.name = request.name;
    out.record.issued_at_us = now;
    out.record.issued_by = actor;
  }
  out.secret = std::move(secret).value();
  return out;
}

Result<TokenRecord> TokenService::Revoke(const std::string& token_id, const std::string& reason,
                                         const std::string& actor, const std::string& source) {
  if (reason.size() > 1000) {
    return MakeError(ErrorCode::kInvalidArgument, "reason is longer than 1000 bytes", "reason");
  }
  auto rec = index_.FindById(token_id);
  if (!rec) return MakeError(ErrorCode::kNotFound, "no token with id " + token_id);
  if (rec->revoked) return MakeError(ErrorCode::kRuleViolation, "the token is already revoked");
  storage::ProposedEvent pe;
  pe.type = std::string(kTokenRevokedType);
  pe.data = EncodeTokenRevoked({reason});
  pe.metadata.actor = actor;
  pe.metadata.reason = reason;
  pe.metadata.source = source;
  const std::string stream = std::string(kTokenStreamPrefix) + token_id;
  auto info = store_.GetStreamInfo(stream);
  if (!info.ok()) return std::move(info).error();
  auto appended =
      store_.Append(stream, storage::ExpectedVersion::Exact(info->current_version), {pe});
  if (!appended.ok()) {
    if (appended.error().code == ErrorCode::kWrongExpectedVersion) {
      return MakeError(ErrorCode::kRuleViolation, "the token changed meanwhile; retry");
    }
    return std::move(appended).error();
  }
  auto stored = store_.ReadEvent(appended->last_position);
  if (stored.ok()) index_.Apply(*stored);
  auto after = index_.FindById(token_id);
  if (!after) return MakeError(ErrorCode::kInternal, "revoked token vanished from the index");
  return *after;
}

Result<std::size_t> TokenService::RemoveDetailsPastRetention(long retention_days, const std::string& actor) {
  auto vault = api::privacy::InstalledVault();
  if (!vault || retention_days <= 0 || retention_days > 36'500) return std::size_t{0};  // 0 or > 100 years: kept
  auto with_keys = vault->TokensWithKeys();
  if (!with_keys.ok()) return std::move(with_keys).error();
  const std::int64_t now = clock_->NowMicros();
  const std::int64_t cutoff = now - std::int64_t{retention_days} * 86'400'000'000;
  std::vector<std::string> past;
  for (const std::string& token_id : *with_keys) {
    auto rec = index_.FindById(token_id);
    if (!rec) continue;  // an unused key (its TokenIssued failed): nothing names it
    const auto ended = rec->EndedAt(now);
    if (!rec->details_removed && !(ended && *ended <= cutoff)) continue;
    if (!rec->details_removed) {
      // Recorded first, then the key destroyed: a stop in between is
      // finished by the next run (the record says removed, the key is held).
      storage::ProposedEvent pe;
      pe.type = std::string(kTokenDetailsRemovedType);
      pe.data = nlohmann::json{{"retention_days", retention_days}}.dump();
      pe.metadata.actor = actor;
      pe.metadata.reason = "the token's details passed their retention of " + std::to_string(retention_days) + " days";
      pe.metadata.source = "retention";
      const std::string stream = std::string(kTokenStreamPrefix) + token_id;
      auto info = store_.GetStreamInfo(stream);
      if (!info.ok()) return std::move(info).error();
      auto appended = store_.Append(stream, storage::ExpectedVersion::Exact(info->current_version), {pe});
      if (!appended.ok()) return std::move(appended).error();
      if (auto stored = store_.ReadEvent(appended->last_position); stored.ok()) index_.Apply(*stored);
    }
    past.push_back(token_id);
  }
  // One destruction for all (a flush and a compaction, FORMAT.md 7.3).
  if (!past.empty()) ASSURE_TRY(vault->DestroyTokenKeys(past));
  return past.size();
}

std::string TokenStatus(const TokenRecord& record, std::int64_t now_us) {
  if (record.revoked) return "revoked";
  if (record.ExpiredAt(now_us)) return "expired";
  return "active";
}

}  // namespace assure::auth
