// The archivist's export (README "An archive for the record"; its format:
// storage/FORMAT.md section 9), and its re-import into a fresh store.
//
// An archive is a directory that a reader without Assure can read and check:
//   README.md          the format, in words (written with the archive)
//   manifest.json      format, head (position, hash), Merkle root, event
//                      count, and every other file's size and SHA-256
//   events.jsonl       the whole log, one event a line as in an evidence
//                      pack (FORMAT.md 6.3): every field, chain hash, leaf hash
//   checkpoints.jsonl  the signed checkpoints (FORMAT.md 5), one a line
//   documents/<sha256> every document version's content the log names
//   keys.jsonl         the wrapped personal-data keys (unless left out)
// Personal fields stay sealed (FORMAT.md 7): the archive opens none of them;
// with keys.jsonl and the master key a re-imported store reads them.
//
// Thread safety: plain functions; WriteArchive reads the store only.
#pragma once

#include <cstdint>
#include <string>

#include "domain/result.h"
#include "storage/event_store.h"

namespace assure::api::backup {

inline constexpr const char* kArchiveFormat = "assure-archive 1";  // on-disk

struct ArchiveSummary {
  std::uint64_t events = 0;
  std::string head_hash;    // lowercase hex
  std::string merkle_root;  // lowercase hex, of the tree of `events` leaves
  std::size_t documents = 0;
  std::size_t checkpoints = 0;
  std::size_t keys = 0;
};

struct ArchiveOptions {
  bool with_keys = true;  // keys.jsonl: the wrapped data keys (useless without the master key)
  std::int64_t now_us = 0;
};

// Writes the archive of `store` to `out_dir`, which must not exist
// (kAlreadyExists): built in a sibling `<out_dir>.partial` and renamed into
// place when whole.
Result<ArchiveSummary> WriteArchive(storage::EventStore& store, const std::string& out_dir,
                                    const ArchiveOptions& options);

// Re-imports an archive into `new_data_dir` (missing or empty, else
// kAlreadyExists): checks every file against the manifest, appends every
// event again with its id, time and metadata (so each gets the same chain
// hash and Merkle leaf), stores the documents and the checkpoints (each
// signature and root checked), the keys, then verifies the new store end to
// end and its head and root against the manifest. On any failure the
// directory is removed; kCorruption names what does not verify.
Result<ArchiveSummary> ImportArchive(const std::string& archive_dir, const std::string& new_data_dir);

}  // namespace assure::api::backup
