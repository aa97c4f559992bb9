// Backups of a store and their restore (README "Backup and restore";
// the manifest's format: storage/FORMAT.md section 8).
//
// A backup is a directory: a RocksDB checkpoint of the store's database
// (EventStore::Checkpoint: every append acknowledged before it started is in
// it), a copy of signing-key.pem, and `assure-backup.json`, the manifest
// naming every other file with its size and SHA-256 and the log's head and
// Merkle root as the backup holds them. The master key is never copied: a
// backup's personal fields open only with the master key kept apart.
//
// Thread safety: TakeBackup may run concurrently with the store's appends
// and reads; backups are serialised by the BackupService.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "domain/result.h"
#include "storage/event_store.h"

namespace assure::api::backup {

inline constexpr const char* kManifestName = "assure-backup.json";  // on-disk
inline constexpr const char* kManifestFormat = "assure-backup 1";   // on-disk
// Files beside the database that a backup copies (on-disk names).
inline constexpr const char* kSigningKeyName = "signing-key.pem";

struct BackupFile {
  std::string name;  // relative to the backup directory
  std::uint64_t bytes = 0;
  std::string sha256;  // lowercase hex
};

struct BackupManifest {
  std::string dir;  // where the backup is (absolute)
  std::uint64_t head_position = 0;
  std::string head_hash;    // lowercase hex; 64 zeros for an empty log
  std::string merkle_root;  // lowercase hex, of the tree of head_position leaves
  std::int64_t created_at_us = 0;
  std::vector<BackupFile> files;
  // Files hard-linked from the newest earlier backup in the same root (the
  // same name, size and SHA-256): not written again. Not in the manifest.
  std::size_t shared_files = 0;
  std::uint64_t bytes() const;
};

// A backup name: 1-100 of [A-Za-z0-9._-], not starting with '.'. Anything
// else (a path, "..") is kInvalidArgument with field "name" (422).
Status CheckBackupName(const std::string& name);

// Writes a backup of `store` (whose files are in `data_dir`) to `out_dir`,
// which must not exist (kAlreadyExists). Built in a hidden sibling
// `.partial-<name>` and renamed into place when complete, so `out_dir`
// exists only whole. `now_us` is recorded in the manifest.
Result<BackupManifest> TakeBackup(storage::EventStore& store, const std::string& data_dir,
                                  const std::string& out_dir, std::int64_t now_us);

// The manifest as JSON (what the API answers and what assure-backup.json holds).
std::string ManifestJson(const BackupManifest& m);
Result<BackupManifest> ParseManifest(const std::string& text);

// Removes what a backup that stopped half-way left in the data directory
// (`.backup-staging-*`: hard links that would keep old table files, and
// destroyed keys in them, alive). Done by every backup and at server start.
void RemoveStaleStaging(const std::string& data_dir);

// Serialises backups into one root directory (ServerConfig::backup_dir).
class BackupService {
 public:
  BackupService(storage::EventStore& store, std::string data_dir, std::string root);
  // A backup named `name` under the root (created 0700 when missing).
  Result<BackupManifest> Take(const std::string& name, std::int64_t now_us);
  const std::string& root() const { return root_; }

 private:
  storage::EventStore& store_;
  const std::string data_dir_;
  const std::string root_;
  std::mutex mu_;  // one backup at a time
};

// Creates `dir` (mode 0700) to restore or import into: it must be missing
// or empty, else kAlreadyExists ("<verb> only into a new, empty directory").
Status CreateEmptyDataDir(const std::string& dir, const std::string& verb);
// Removes `dir`, so nothing half-made is left to be started, and says so in `e`.
Error RemovedAfter(const std::string& dir, Error e);

// kCorruption: "<what> does not verify: <why>".
Error DoesNotVerify(const std::string& what, const std::string& why);

// What a copied or re-imported store must hold: its head and Merkle root.
struct ExpectedHead {
  std::uint64_t head_position = 0;
  std::string head_hash;    // lowercase hex
  std::string merkle_root;  // lowercase hex
};
// Opens the store in `dir` read-only and verifies it end to end: the whole
// hash chain, the head against `m`, every Merkle leaf against its event and
// the root recomputed from them against the stored tree and `m`. Returns
// the events verified; kCorruption saying "<what> does not verify: why".
Result<std::uint64_t> VerifyStore(const std::string& dir, const ExpectedHead& m, const std::string& what);

struct RestoreReport {
  BackupManifest manifest;
  std::uint64_t events_verified = 0;
};

// Restores `backup_dir` into `new_data_dir`, which must be missing or
// empty (else kAlreadyExists, nothing touched): copies every file the
// manifest names, checking its size and SHA-256, then opens the copy and
// verifies the whole hash chain, the head against the manifest and the
// Merkle root recomputed from every leaf against the stored tree and the
// manifest. On any failure `new_data_dir` is removed and the error says why
// (kCorruption for a backup that does not verify).
Result<RestoreReport> Restore(const std::string& backup_dir, const std::string& new_data_dir);

}  // namespace assure::api::backup
