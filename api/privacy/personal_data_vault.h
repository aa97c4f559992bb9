// PersonalDataVault: the per-person data keys that personal fields are
// encrypted under, kept in the store's state area apart from the log,
// wrapped by the master key (storage/FORMAT.md section 7).
//
// Writing a person's personal fields seals each under the person's data key
// (created on first use, durable with the first event sealed under it). Reading them opens the envelopes; an
// envelope whose key is gone (the person was erased) or that does not
// authenticate reads as the placeholder: kErasedPersonName for the name,
// "" for the other fields. Ciphertext is never handed on as a value.
// Erase destroys the key (EventStore::EraseState): from then on nothing
// decrypts those fields, in the store or in any copy made after.
//
// The hash chain covers the stored (sealed) bytes, so every proof verifies
// before and after an erasure.
//
// One vault per process, installed by whoever opens the store (the server,
// the CLI's reading commands); the event mapping (api/core/event_mapping.h)
// and the snapshots of person states reach it through InstalledVault().
// With none installed, personal fields are written in plain text (tests,
// stores of tools that never write persons) and envelopes read as the
// placeholder.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/privacy/field_cipher.h"
#include "domain/result.h"
#include "storage/event_store.h"

namespace assure::api::privacy {

// On-disk state keys (FORMAT.md 2.1, 7).
inline constexpr std::string_view kKeyPrefix = "pdk/";              // + person id
inline constexpr std::string_view kTokenKeyPrefix = "tdk/";         // + token id
inline constexpr std::string_view kMasterCheckKey = "pdk-meta/check";

// Whose data keys: where they are kept, and how they and their fields are
// sealed.
struct KeyHolder {
  std::string_view state_prefix;
  const Sealing* sealing;
};
inline constexpr KeyHolder kPersonKeys{kKeyPrefix, &kPersonSealing};
inline constexpr KeyHolder kTokenKeys{kTokenKeyPrefix, &kTokenSealing};
// The field name a token's label is sealed as (in its associated data).
inline constexpr std::string_view kTokenLabelField = "name";

class PersonalDataVault {
 public:
  // Checks `master` against the store's master-key check value: a wrong key
  // is kForbidden. A store without one (new, or written before
  // personal fields were encrypted) gets one, unless `writable` is false.
  static Result<std::shared_ptr<PersonalDataVault>> Open(std::shared_ptr<storage::EventStore> store,
                                                         const Key256& master, bool writable);
  // Whether the store holds a master-key check value (it has held
  // encrypted personal data, or was opened with a master key before).
  static Result<bool> StoreHasMasterCheck(storage::EventStore& store);

  // Seals every personal field of `data` that is a non-empty string under
  // the person's key, creating the key first if there is none (unless
  // `create_key` is false: then without a key `data` is left as it is).
  Status SealFields(std::string_view person_id, nlohmann::json& data, bool create_key = true);
  // Opens every envelope among the personal fields of `data` in place
  // (the placeholder where it cannot).
  void OpenFields(std::string_view person_id, nlohmann::json& data);

  // A token's label (its `name`, FORMAT.md 7.5), sealed under the token's
  // own key (created here). An empty label stays empty.
  Result<std::string> SealTokenLabel(std::string_view token_id, std::string_view label);
  // The label as stored, opened: plain text (written before labels were
  // sealed) as it is, "" when its key is gone (the token's details are past
  // retention) or it does not open.
  std::string OpenTokenLabel(std::string_view token_id, std::string_view stored);
  // Destroys the tokens' keys (synced, and out of the store's files).
  Status DestroyTokenKeys(const std::vector<std::string>& token_ids);
  // The ids of the tokens whose key is still held.
  Result<std::vector<std::string>> TokensWithKeys();

  struct Erasure {
    bool key_destroyed = false;        // there was a key, and it is gone
    std::size_t plaintext_events = 0;  // events holding personal fields in plain text
  };
  // Destroys the person's key (synced, and out of the store's files) and
  // counts the person's events written in plain text (before encryption
  // existed): those cannot be shredded.
  Result<Erasure> Erase(std::string_view person_id);
  // Destroys the keys of people whose stream ends with PersonalDataErased
  // but whose key survived (a stop between the event and the destruction).
  // Returns how many.
  Result<std::size_t> DestroyKeysOfErased();

  // Re-wraps every data key (people's and tokens') and the check value
  // under `next`, in one synced batch, and puts the values wrapped under
  // `current` beyond recovery from the store's files (as EraseState does).
  // Every key must unwrap under `current` (else kForbidden or kCorruption,
  // and nothing is written). Returns how many data keys were re-wrapped.
  // Offline: for a store no server has open (README "Rotating the master key").
  static Result<std::size_t> RotateMasterKey(storage::EventStore& store, const Key256& current,
                                             const Key256& next);
  // Whether `check` (the stored pdk-meta/check value) opens with `master`.
  static bool OpensCheck(std::string_view check, const Key256& master);

 private:
  PersonalDataVault(std::shared_ptr<storage::EventStore> store, const Key256& master)
      : store_(std::move(store)), master_(master) {}
  // The holder's key: the cached one, else unwrapped from the store.
  // nullopt when there is none (never created, or destroyed); kCorruption
  // for one that does not unwrap.
  Result<std::optional<Key256>> KeyOf(const KeyHolder& holder, std::string_view id);
  // The holder's key, created when there is none. A new key is written
  // unsynced: see the .cc.
  Result<Key256> KeyFor(const KeyHolder& holder, std::string_view id);
  // Forgets and destroys the holder's key. Whether there was one.
  Result<bool> DestroyKey(const KeyHolder& holder, std::string_view id);

  std::shared_ptr<storage::EventStore> store_;
  const Key256 master_;
  std::shared_mutex mu_;  // guards keys_
  // By state key (prefix + id); nullopt: none in the store.
  std::unordered_map<std::string, std::optional<Key256>> keys_;
};

void InstallVault(std::shared_ptr<PersonalDataVault> vault);  // nullptr: none
std::shared_ptr<PersonalDataVault> InstalledVault();

// The boundary's calls, through the installed vault: SealFields (plain
// text when none is installed), and OpenFields (placeholders when none is);
// likewise a token's label (an envelope opens as "" when none is).
Status SealPersonalFields(std::string_view person_id, nlohmann::json& data, bool create_key = true);
void OpenPersonalFields(std::string_view person_id, nlohmann::json& data);
Result<std::string> SealTokenLabel(std::string_view token_id, std::string_view label);
std::string OpenTokenLabel(std::string_view token_id, std::string_view stored);
// Whether any personal field of `data` is an envelope.
bool HasEnvelopes(const nlohmann::json& data);

}  // namespace assure::api::privacy
