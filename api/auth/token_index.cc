#include "api/auth/token_index.h"

#include <algorithm>
#include <mutex>

#include "api/privacy/personal_data_vault.h"

namespace assure::auth {

TokenIndex::~TokenIndex() {
  if (store_ != nullptr) store_->Unsubscribe(subscription_);
}

Status TokenIndex::Attach(storage::EventStore& store) {
  store_ = &store;
  subscription_ = store.Subscribe([this](const std::vector<storage::RecordedEvent>& events) {
    for (const auto& e : events) Apply(e);
  });
  // The token streams, one by one from the stream index: a start reads the
  // tokens' few events, not the whole log (a full scan took seconds at
  // 1,000,000 events). Each token's events are in its own stream, so their
  // order across streams does not matter.
  constexpr std::size_t kPage = 1000;
  std::string after;
  while (true) {
    auto ids = store.StreamIds(kTokenStreamPrefix, after, kPage);
    if (!ids.ok()) return std::move(ids).error();
    for (const auto& id : *ids) {
      for (std::uint64_t from = 0;;) {
        auto events = store.ReadStream(id, from, storage::Direction::kForwards, kPage);
        if (!events.ok()) return std::move(events).error();
        for (const auto& e : *events) Apply(e);
        if (events->size() < kPage) break;
        from = events->back().stream_version + 1;
      }
    }
    if (ids->size() < kPage) break;
    after = ids->back();
  }
  return {};
}

void TokenIndex::Apply(const storage::RecordedEvent& event) {
  if (event.stream_id.rfind(kTokenStreamPrefix, 0) != 0) return;
  const std::string id = event.stream_id.substr(kTokenStreamPrefix.size());
  if (event.type == kTokenIssuedType) {
    auto issued = DecodeTokenIssued(event.data);
    if (!issued.ok() || issued->token_id != id) return;  // not ours to interpret
    issued->name = api::privacy::OpenTokenLabel(id, issued->name);
    std::unique_lock lock(mu_);
    TokenRecord& r = by_id_[id];
    r.issued = std::move(issued).value();
    if (r.details_removed) r.issued.name.clear();
    r.issued_at_us = event.recorded_at_us;
    r.issued_by = event.metadata.actor;
    id_by_hash_[r.issued.secret_sha256] = id;
  } else if (event.type == kTokenRevokedType) {
    auto revoked = DecodeTokenRevoked(event.data);
    std::unique_lock lock(mu_);
    TokenRecord& r = by_id_[id];
    r.revoked = true;
    r.revoke_reason = revoked.ok() ? revoked->reason : std::string();
    r.revoked_at_us = event.recorded_at_us;
  } else if (event.type == kTokenDetailsRemovedType) {
    std::unique_lock lock(mu_);
    TokenRecord& r = by_id_[id];
    r.details_removed = true;
    r.issued.name.clear();
  }
}

std::optional<TokenRecord> TokenIndex::FindBySecretHash(const std::string& sha256_hex) const {
  std::shared_lock lock(mu_);
  auto h = id_by_hash_.find(sha256_hex);
  if (h == id_by_hash_.end()) return std::nullopt;
  auto it = by_id_.find(h->second);
  if (it == by_id_.end()) return std::nullopt;
  return it->second;
}

std::optional<TokenRecord> TokenIndex::FindById(const std::string& token_id) const {
  std::shared_lock lock(mu_);
  auto it = by_id_.find(token_id);
  if (it == by_id_.end() || it->second.issued.token_id.empty()) return std::nullopt;
  return it->second;
}

std::vector<TokenRecord> TokenIndex::List() const {
  std::vector<TokenRecord> out;
  {
    std::shared_lock lock(mu_);
    for (const auto& [id, r] : by_id_) {
      if (!r.issued.token_id.empty()) out.push_back(r);
    }
  }
  std::sort(out.begin(), out.end(), [](const TokenRecord& a, const TokenRecord& b) {
    return a.issued_at_us != b.issued_at_us ? a.issued_at_us < b.issued_at_us
                                            : a.issued.token_id < b.issued.token_id;
  });
  return out;
}

bool TokenIndex::HasUsableAdmin(std::int64_t now_us) const {
  std::shared_lock lock(mu_);
  for (const auto& [id, r] : by_id_) {
    if (!r.issued.token_id.empty() && r.issued.role == Role::kAdmin && !r.revoked &&
        !r.ExpiredAt(now_us)) {
      return true;
    }
  }
  return false;
}

}  // namespace assure::auth
