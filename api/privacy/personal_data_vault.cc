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

std::string StateKey(std::string_view person_id) { return std::string(kKeyPrefix) + std::string(person_id); }

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

Result<std::optional<Key256>> PersonalDataVault::KeyOf(std::string_view person_id) {
  const std::string id(person_id);
  {
    std::shared_lock l(mu_);
    if (auto it = keys_.find(id); it != keys_.end()) return it->second;
  }
  std::optional<Key256> key;
  auto wrapped = store_->GetState(StateKey(person_id));
  if (!wrapped.ok()) return wrapped.error();  // not cached: asked again next time
  if (wrapped->has_value()) {
    const std::string& w = **wrapped;
    std::optional<std::string> raw;
    if (!w.empty() && w[0] == kWrappedFormat) raw = privacy::Open(master_, WrappedKeyAad(person_id), std::string_view(w).substr(1));
    if (!raw || raw->size() != Key256{}.size()) {
      return MakeError(ErrorCode::kCorruption, "the data key of person " + id + " does not unwrap");
    }
    std::copy(raw->begin(), raw->end(), key.emplace().begin());
  }
  std::unique_lock l(mu_);
  return keys_.try_emplace(id, key).first->second;
}

Status PersonalDataVault::SealFields(std::string_view person_id, json& data, bool create_key) {
  if (!data.is_object()) return {};
  std::optional<Key256> key;
  for (std::string_view field : PersonAggregate::kPersonalFields) {
    auto it = data.find(field);
    if (it == data.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) continue;
    if (!key) {
      auto held = KeyOf(person_id);
      if (!held.ok()) return held.error();
      key = *held;
    }
    if (!key && !create_key) return {};
    if (!key) {
      // The person's first personal data: a new key, stored before anything
      // is sealed under it. Not synced on its own: the event sealed under it
      // is committed after it with a synced write, which syncs every earlier
      // record of the write-ahead log (one log for all column families;
      // RocksDB syncs every live log file on a synced write), so the key is
      // durable whenever the event is. An event that fails leaves an unused
      // key. (A sync of its own cost one more fsync per new person: half the
      // registrations per second.)
      auto fresh = NewKey();
      if (!fresh.ok()) return fresh.error();
      auto wrapped = Seal(master_, WrappedKeyAad(person_id),
                          std::string_view(reinterpret_cast<const char*>(fresh->data()), fresh->size()));
      if (!wrapped.ok()) return wrapped.error();
      ASSURE_TRY(store_->PutState({{StateKey(person_id), kWrappedFormat + *wrapped}}, /*sync=*/false));
      std::unique_lock l(mu_);
      keys_[std::string(person_id)] = *fresh;
      key = *fresh;
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
      auto held = KeyOf(person_id);
      key.emplace(held.ok() ? *held : std::optional<Key256>());
    }
    std::optional<std::string> plain;
    if (*key) plain = privacy::Open(**key, FieldAad(person_id, field), *bytes);
    *it = plain ? std::move(*plain) : std::string(Placeholder(field));
  }
}

Result<PersonalDataVault::Erasure> PersonalDataVault::Erase(std::string_view person_id) {
  Erasure out;
  const std::string key = StateKey(person_id);
  auto held = store_->GetState(key);
  if (!held.ok()) return held.error();
  out.key_destroyed = held->has_value();
  {
    // Forgotten first: from here on nothing is decrypted with it.
    std::unique_lock l(mu_);
    keys_[std::string(person_id)] = std::nullopt;
  }
  ASSURE_TRY(store_->EraseState({key}));
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
