// The master key that wraps every person's data key, and how a process that
// opens a store finds it (README "Personal data and the master key").
//
// The file holds the 32-byte key as 64 hex digits (`openssl rand -hex 32`),
// optionally followed by a newline, and must not be readable by group or
// others. Where it is looked for, first found wins:
//   1. the environment variable ASSURE_MASTER_KEY_FILE;
//   2. the server config's "master_key_file";
//   3. `master.key` in the data directory.
// A file named by 1 or 2 must exist. The default file (3) is created
// (mode 0600) when the store has never held encrypted personal data: a
// single-machine install then works from a clean clone. A store that has
// held encrypted personal data and no key, or a key that is not its own,
// is refused: no process starts serving ciphertext, or placeholders, as
// names.
//
// Thread safety: plain functions.
#pragma once

#include <memory>
#include <string>

#include "api/privacy/personal_data_vault.h"
#include "domain/result.h"
#include "storage/event_store.h"

namespace assure::api::privacy {

inline constexpr const char* kMasterKeyEnv = "ASSURE_MASTER_KEY_FILE";
inline constexpr const char* kDefaultMasterKeyFile = "master.key";

// Reads a master key file (64 hex digits). kNotFound when it does not exist.
Result<Key256> ReadMasterKeyFile(const std::string& path);

struct VaultOpened {
  std::shared_ptr<PersonalDataVault> vault;  // null: a read-only open of a store without one
  std::string notice;                        // for the log: a key created, or why there is none
};

// Where the master key is looked for (1-3 above); `named`: by the
// environment or the config (it must exist), not the default file.
struct MasterKeyLocation {
  std::string path;
  bool named = false;
};
MasterKeyLocation LocateMasterKey(const std::string& data_dir, const std::string& configured);

// Rotation (README "Rotating the master key"): every data key and the check
// value re-wrapped under the key in `next_key_file` (PersonalDataVault::
// RotateMasterKey), for a store no server has open. The default file
// (3 above) is then replaced by the new key; a key named by the environment
// or the config is for the operator to replace (`current_key_file` says
// which). Errors (each saying "nothing was changed"): the current or new key
// missing or unreadable, the same key twice, a current key that is not the
// store's, a failed write. Once the re-wrapped keys are committed the result
// is success (with `warning` if the old values could not be scrubbed), or
// kIoError saying the store opens with the new key only.
struct Rotation {
  std::size_t data_keys = 0;     // people's and tokens' keys re-wrapped
  std::string installed_at;      // the default file, now holding the new key
  std::string current_key_file;  // a named file the operator must replace
  std::string warning;           // committed, but the old wrapped values were not scrubbed
};
Result<Rotation> RotateMasterKey(storage::EventStore& store, const std::string& data_dir,
                                 const std::string& configured, const std::string& next_key_file);

// Finds the master key as above and opens the store's vault with it.
// `configured` is the config's master_key_file ("" when not set).
// `writable`: the store was opened for writing (a read-only open neither
// creates the key file nor writes the check value; a store that never held
// encrypted data is then read without a vault).
Result<VaultOpened> OpenVault(std::shared_ptr<storage::EventStore> store, const std::string& data_dir,
                              const std::string& configured, bool writable);

}  // namespace assure::api::privacy
