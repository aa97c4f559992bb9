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

#include <nlohmann/json.hpp>

#include "api/privacy/field_cipher.h"
#include "domain/result.h"
#include "storage/event_store.h"

namespace assure::api::privacy {

// On-disk state keys (FORMAT.md 2.1, 7).
inline constexpr std::string_view kKeyPrefix = "pdk/";              // + person id
inline constexpr std::string_view kMasterCheckKey = "pdk-meta/check";

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

 private:
  PersonalDataVault(std::shared_ptr<storage::EventStore> store, const Key256& master)
      : store_(std::move(store)), master_(master) {}
  // The person's key: the cached one, else unwrapped from the store.
  // nullopt when there is none (never created, or destroyed); kCorruption
  // for one that does not unwrap.
  Result<std::optional<Key256>> KeyOf(std::string_view person_id);

  std::shared_ptr<storage::EventStore> store_;
  const Key256 master_;
  std::shared_mutex mu_;  // guards keys_
  std::unordered_map<std::string, std::optional<Key256>> keys_;  // nullopt: none in the store
};

void InstallVault(std::shared_ptr<PersonalDataVault> vault);  // nullptr: none
std::shared_ptr<PersonalDataVault> InstalledVault();

// The boundary's two calls, through the installed vault: SealFields (plain
// text when none is installed), and OpenFields (placeholders when none is).
Status SealPersonalFields(std::string_view person_id, nlohmann::json& data, bool create_key = true);
void OpenPersonalFields(std::string_view person_id, nlohmann::json& data);
// Whether any personal field of `data` is an envelope.
bool HasEnvelopes(const nlohmann::json& data);

}  // namespace assure::api::privacy
