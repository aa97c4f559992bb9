#include "api/privacy/personal_data_vault.h"

#include <atomic>
#include <mutex>

#include "domain/json_text.h"
#include "domain/person.h"

namespace assure::api::privacy {

namespace {

using domain::PersonAggregate;
using nlohmann::json;

constexpr std::string_view kMasterCheckText = "assure personal data master key";
constexpr char kWrappedFormat = '\x01';  // on-disk: the first byte of a wrapped key

std::string StateKey(const KeyHolder& holder, std::string_view id) {
  return std::string(holder.state_prefix) + std::string(id);
}

Result<std::string> WrapKey(const Key256& master, const KeyHolder& holder, std::string_view id, const Key256& key) {
  auto wrapped = Seal(master, WrappedKeyAad(id, *holder.sealing),
                      std::string_view(reinterpret_cast<const char*>(key.data()), key.size()));
  if (!wrapped.ok()) return wrapped.error();
  return kWrappedFormat + *wrapped;
}

std::optional<Key256> UnwrapKey(const Key256& master, const KeyHolder& holder, std::string_view id,
                                std::string_view wrapped) {
  std::optional<std::string> raw;
  if (!wrapped.empty() && wrapped[0] == kWrappedFormat) {
    raw = privacy::Open(master, WrappedKeyAad(id, *holder.sealing), wrapped.substr(1));
  }
  if (!raw || raw->size() != Key256{}.size()) return std::nullopt;
  Key256 key;
  std::copy(raw->begin(), raw->end(), key.begin());
  return key;
}

std::string_view Placeholder(std::string_view field) {
  return field == "name" ? domain::kErasedPersonName : std::string_view();
}

std::atomic<std::shared_ptr<PersonalDataVault>>& Installed() {
  static std::atomic<std::shared_ptr<PersonalDataVault>> vault;
  return vault;
}

}  // namespace

Result<bool> PersonalDataVault::StoreHasMasterCheck(storage::EventStore& store) {
  auto check = store.GetState(kMasterCheckKey);
  if (!check.ok()) return check.error();
  return check->has_value();
}

Result<std::shared_ptr<PersonalDataVault>> PersonalDataVault::Open(std::shared_ptr<storage::EventStore> store,
                                                                   const Key256& master, bool writable) {
  auto check = store->GetState(kMasterCheckKey);
  if (!check.ok()) return check.error();
  if (check->has_value()) {
    auto text = privacy::Open(master, kMasterCheckAad, **check);
    if (!text || *text != kMasterCheckText) {
      return MakeError(ErrorCode::kForbidden,
                       "the master key does not open this store's personal data (a wrong master key: "
                       "give the one this store was written with)");
    }
  } else if (writable) {
    auto sealed = Seal(master, kMasterCheckAad, kMasterCheckText);
    if (!sealed.ok()) return sealed.error();
    ASSURE_TRY(store->PutState({{std::string(kMasterCheckKey), *sealed}}));
  }
  return std::shared_ptr<PersonalDataVault>(new PersonalDataVault(std::move(store), master));
}

Result<std::optional<Key256>> PersonalDataVault::KeyOf(const KeyHolder& holder, std::string_view id) {
  const std::string state_key = StateKey(holder, id);
  {
    std::shared_lock l(mu_);
    if (auto it = keys_.find(state_key); it != keys_.end()) return it->second;
  }
  std::optional<Key256> key;
  auto wrapped = store_->GetState(state_key);
  if (!wrapped.ok()) return wrapped.error();  // not cached: asked again next time
  if (wrapped->has_value()) {
    key = UnwrapKey(master_, holder, id, **wrapped);
    if (!key) return MakeError(ErrorCode::kCorruption, "the data key " + state_key + " does not unwrap");
  }
  std::unique_lock l(mu_);
  return keys_.try_emplace(state_key, key).first->second;
}

Result<Key256> PersonalDataVault::KeyFor(const KeyHolder& holder, std::string_view id) {
  auto held = KeyOf(holder, id);
  if (!held.ok()) return held.error();
  if (*held) return **held;
  // The holder's first sealed field: a new key, stored before anything is
  // sealed under it. Not synced on its own: the event sealed under it is
  // committed after it with a synced write, which syncs every earlier
  // record of the write-ahead log (one log for all column families;
  // RocksDB syncs every live log file on a synced write), so the key is
  // durable whenever the event is. An event that fails leaves an unused
  // key. (A sync of its own cost one more fsync per new person: half the
  // registrations per second.)
  auto fresh = NewKey();
  if (!fresh.ok()) return fresh.error();
  auto wrapped = WrapKey(master_, holder, id, *fresh);
  if (!wrapped.ok()) return wrapped.error();
  const std::string state_key = StateKey(holder, id);
  ASSURE_TRY(store_->PutState({{state_key, *wrapped}}, /*sync=*/false));
  std::unique_lock l(mu_);
  keys_[state_key] = *fresh;
  return *fresh;
}

Result<bool> PersonalDataVault::DestroyKey(const KeyHolder& holder, std::string_view id) {
  const std::string state_key = StateKey(holder, id);
  auto held = store_->GetState(state_key);
  if (!held.ok()) return held.error();
  {
    // Forgotten first: from here on nothing is decrypted with it.
    std::unique_lock l(mu_);
    keys_[state_key] = std::nullopt;
  }
  ASSURE_TRY(store_->EraseState({state_key}));
  return held->has_value();
}

Status PersonalDataVault::SealFields(std::string_view person_id, json& data, bool create_key) {
  if (!data.is_object()) return {};
  std::optional<Key256> key;
  for (std::string_view field : PersonAggregate::kPersonalFields) {
    auto it = data.find(field);
    if (it == data.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) continue;
    if (!key) {
      if (create_key) {
        auto made = KeyFor(kPersonKeys, person_id);
        if (!made.ok()) return made.error();
        key = *made;
      } else {
        auto held = KeyOf(kPersonKeys, person_id);
        if (!held.ok()) return held.error();
        if (!*held) return {};  // no key, and none to be made: left as it is
        key = **held;
      }
    }
    auto sealed = SealField(*key, person_id, field, it->get_ref<const std::string&>());
    if (!sealed.ok()) return sealed.error();
    *it = std::move(sealed).value();
  }
  return {};
}

void PersonalDataVault::OpenFields(std::string_view person_id, json& data) {
  if (!data.is_object()) return;
  std::optional<std::optional<Key256>> key;  // looked up once, when needed
  for (std::string_view field : PersonAggregate::kPersonalFields) {
    auto it = data.find(field);
    if (it == data.end() || !it->is_string()) continue;
    auto bytes = EnvelopeBytes(it->get_ref<const std::string&>());
    if (!bytes) continue;  // plain text (written before encryption existed)
    if (!key) {
      auto held = KeyOf(kPersonKeys, person_id);
      key.emplace(held.ok() ? *held : std::optional<Key256>());
    }
    std::optional<std::string> plain;
    if (*key) plain = privacy::Open(**key, FieldAad(person_id, field), *bytes);
    *it = plain ? std::move(*plain) : std::string(Placeholder(field));
  }
}

Result<PersonalDataVault::Erasure> PersonalDataVault::Erase(std::string_view person_id) {
  Erasure out;
  auto destroyed = DestroyKey(kPersonKeys, person_id);
  if (!destroyed.ok()) return destroyed.error();
  out.key_destroyed = *destroyed;
  const std::string stream = domain::StreamId(PersonAggregate::kKind, person_id);
  std::uint64_t from = 0;
  for (;;) {
    auto page = store_->ReadStream(stream, from, storage::Direction::kForwards, 1000);
    if (!page.ok()) break;  // no stream: nothing held in plain text
    for (const auto& e : *page) {
      const json d = domain::ParseJsonText(e.data);
      if (!d.is_object()) continue;
      for (std::string_view field : PersonAggregate::kPersonalFields) {
        auto it = d.find(field);
        if (it != d.end() && it->is_string() && !it->get_ref<const std::string&>().empty() &&
            !it->get_ref<const std::string&>().starts_with(kEnvelopePrefix)) {
          ++out.plaintext_events;
          break;
        }
      }
    }
    if (page->size() < 1000) break;
    from = page->back().stream_version + 1;
  }
  return out;
}

Result<std::string> PersonalDataVault::SealTokenLabel(std::string_view token_id, std::string_view label) {
  if (label.empty()) return std::string();
  auto key = KeyFor(kTokenKeys, token_id);
  if (!key.ok()) return key.error();
  return SealField(*key, token_id, kTokenLabelField, label, kTokenSealing);
}

std::string PersonalDataVault::OpenTokenLabel(std::string_view token_id, std::string_view stored) {
  auto bytes = EnvelopeBytes(stored);
  if (!bytes) return std::string(stored);  // plain text (written before labels were sealed)
  auto key = KeyOf(kTokenKeys, token_id);
  if (!key.ok() || !*key) return std::string();
  return privacy::Open(**key, FieldAad(token_id, kTokenLabelField, kTokenSealing), *bytes).value_or("");
}

Status PersonalDataVault::DestroyTokenKeys(const std::vector<std::string>& token_ids) {
  std::vector<std::string> state_keys;
  for (const auto& id : token_ids) state_keys.push_back(StateKey(kTokenKeys, id));
  {
    // Forgotten first: from here on nothing is decrypted with them.
    std::unique_lock l(mu_);
    for (const auto& k : state_keys) keys_[k] = std::nullopt;
  }
  return store_->EraseState(state_keys);
}

Result<std::vector<std::string>> PersonalDataVault::TokensWithKeys() {
  auto keys = store_->ScanState(kTokenKeyPrefix);
  if (!keys.ok()) return keys.error();
  std::vector<std::string> ids;
  for (const auto& kv : *keys) ids.push_back(kv.key.substr(kTokenKeyPrefix.size()));
  return ids;
}

bool PersonalDataVault::OpensCheck(std::string_view check, const Key256& master) {
  return privacy::Open(master, kMasterCheckAad, check) == kMasterCheckText;
}

Result<std::size_t> PersonalDataVault::RotateMasterKey(storage::EventStore& store, const Key256& current,
                                                       const Key256& next) {
  auto check = store.GetState(kMasterCheckKey);
  if (!check.ok()) return check.error();
  if (!check->has_value() || privacy::Open(current, kMasterCheckAad, **check) != kMasterCheckText) {
    return MakeError(ErrorCode::kForbidden,
                     "the current master key does not open this store's personal data (or the store "
                     "holds none): nothing was changed");
  }
  auto sealed_check = Seal(next, kMasterCheckAad, kMasterCheckText);
  if (!sealed_check.ok()) return sealed_check.error();
  std::vector<storage::KeyValue> rewrapped{{std::string(kMasterCheckKey), *sealed_check}};
  for (const KeyHolder* holder : {&kPersonKeys, &kTokenKeys}) {
    auto keys = store.ScanState(holder->state_prefix);
    if (!keys.ok()) return keys.error();
    for (const auto& kv : *keys) {
      const std::string_view id = std::string_view(kv.key).substr(holder->state_prefix.size());
      auto key = UnwrapKey(current, *holder, id, kv.value);
      if (!key) {
        return MakeError(ErrorCode::kCorruption,
                         "the data key " + kv.key + " does not unwrap under the current master key: nothing was changed");
      }
      auto wrapped = WrapKey(next, *holder, id, *key);
      if (!wrapped.ok()) return wrapped.error();
      rewrapped.push_back({kv.key, std::move(wrapped).value()});
    }
  }
  ASSURE_TRY(store.ReplaceStateBeyondRecovery(rewrapped));
  return rewrapped.size() - 1;
}

Result<std::size_t> PersonalDataVault::DestroyKeysOfErased() {
  auto keys = store_->ScanState(kKeyPrefix);
  if (!keys.ok()) return keys.error();
  std::size_t destroyed = 0;
  for (const auto& kv : *keys) {
    const std::string_view person_id = std::string_view(kv.key).substr(kKeyPrefix.size());
    auto last = store_->ReadStream(domain::StreamId(PersonAggregate::kKind, person_id), UINT64_MAX,
                                   storage::Direction::kBackwards, 1);
    if (!last.ok() || last->empty() || last->front().type != "PersonalDataErased") continue;
    auto erased = Erase(person_id);
    if (!erased.ok()) return erased.error();
    ++destroyed;
  }
  return destroyed;
}

void InstallVault(std::shared_ptr<PersonalDataVault> vault) { Installed().store(std::move(vault)); }

std::shared_ptr<PersonalDataVault> InstalledVault() { return Installed().load(); }

Result<std::string> SealTokenLabel(std::string_view token_id, std::string_view label) {
  auto vault = InstalledVault();
  return vault ? vault->SealTokenLabel(token_id, label) : Result<std::string>(std::string(label));
}

std::string OpenTokenLabel(std::string_view token_id, std::string_view stored) {
  if (auto vault = InstalledVault()) return vault->OpenTokenLabel(token_id, stored);
  return stored.starts_with(kEnvelopePrefix) ? std::string() : std::string(stored);
}

Status SealPersonalFields(std::string_view person_id, json& data, bool create_key) {
  auto vault = InstalledVault();
  return vault ? vault->SealFields(person_id, data, create_key) : Status{};
}

void OpenPersonalFields(std::string_view person_id, json& data) {
  if (!HasEnvelopes(data)) return;
  if (auto vault = InstalledVault()) return vault->OpenFields(person_id, data);
  for (std::string_view field : PersonAggregate::kPersonalFields) {
    auto it = data.find(field);
    if (it != data.end() && it->is_string() && it->get_ref<const std::string&>().starts_with(kEnvelopePrefix)) {
      *it = std::string(Placeholder(field));
    }
  }
}

bool HasEnvelopes(const json& data) {
  if (!data.is_object()) return false;
  for (std::string_view field : PersonAggregate::kPersonalFields) {
    auto it = data.find(field);
    if (it != data.end() && it->is_string() && it->get_ref<const std::string&>().starts_with(kEnvelopePrefix)) {
      return true;
    }
  }
  return false;
}

}  // namespace assure::api::privacy
