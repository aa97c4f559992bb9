// Evidence packs for QSIN assessors (issue 6): everything the network holds
// about some statements as at a date, in a zip an assessor can check offline
// against a signed checkpoint of the log. Layout: storage/FORMAT.md section 6.
//
// BuildEvidencePack is a use case independent of transport: the CLI
// (`assure pack`) and an HTTP handler (POST /api/v1/evidence-packs) call it
// alike, from a worker thread (it reads the log up to the as-at position).
//
// Thread safety: safe to call concurrently (the store and CheckpointLog are).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "api/audit/checkpoint.h"
#include "storage/event_store.h"

namespace assure::auth {
class SecurityLog;
}

namespace assure::api {

enum class PackScope : std::uint8_t { kCodes, kSection, kAll };

struct PackRequest {
  PackScope scope = PackScope::kCodes;
  std::vector<std::string> codes;  // kCodes: e.g. {"IN-601", "IN-701"}
  std::string section;             // kSection: e.g. "6"
  // As at: exactly one of these. A timestamp (UTC microseconds) selects the
  // last event recorded at or before it (EventStore::PositionAt); a position
  // must be 1..head. A time after now_us is refused.
  std::optional<std::int64_t> as_of_us;
  std::optional<std::uint64_t> as_of_position;
  // The checkpoint to prove against, by tree size (one published, covering
  // the as-at position): the same request then gives the same pack, byte
  // for byte, however many checkpoints are published later. Unset: the
  // newest, publishing one if it does not cover the position.
  std::optional<std::uint64_t> checkpoint_size;
  // Who asked and how (for the security log; not part of the pack).
  std::string actor;
  std::string role;
  std::string client_ip;
  std::string correlation_id;
  std::string transport = "cli";  // e.g. "cli", "POST /api/v1/evidence-packs"
  // The clock, for a checkpoint that has to be published for this pack.
  std::int64_t now_us = 0;
};

struct Pack {
  std::string zip;          // the whole pack (empty when written to a file)
  std::uint64_t zip_bytes = 0;  // its size
  std::string identity;     // SHA-256 (hex) of pack.json
  std::string pack_json;    // also inside the zip
  std::uint64_t position = 0;  // the as-at position
  std::string as_of_date;      // YYYY-MM-DD
  Checkpoint checkpoint;       // the one signed checkpoint all proofs are against
  std::vector<std::string> codes;  // statements covered
  std::vector<std::string> gaps;   // statements with no evidence
  std::size_t event_count = 0;
  std::size_t document_count = 0;
  // Wall seconds of each step of the build, in order (for benchmarks).
  std::vector<std::pair<std::string, double>> phase_seconds;
};

// Where a pack's zip goes: into Pack::zip (neither set); into the open,
// empty file `fd` (not synced: e.g. one that only carries a response; the
// caller keeps it); or the file `path`, all or nothing (written and synced
// beside it with permissions `mode`, then renamed over it).
struct PackOutput {
  std::string path;
  mode_t mode = 0600;
  int fd = -1;
};

// Builds the pack: picks the as-at position, uses the checkpoint asked for
// or else the newest published one whose tree_size covers it (publishing one
// now if none does), folds the network as at the position, derives each
// statement's section, signs the pack's statement (FORMAT.md 6.5) with the
// checkpoint log's key, and writes the zip. When `security_log` is given the generation is
// recorded there (who, which statements, which date, the pack's identity)
// once the zip is written and before it is put in place at `out.path`: a
// failure to write records nothing, a failure to record fails the call
// and leaves nothing at `out.path`.
// With `out.path` or `out.fd` the zip is written to that file (kIoError
// when it cannot be) and Pack::zip is left empty: a whole-network pack is
// hundreds of MB, which need not be held in memory. The events' lines are
// written meanwhile to an unnamed file beside `out.path`, else in the
// temporary directory.
// Errors: kInvalidArgument naming the field (no or unknown statements, no
// as-at, a future as_of, an at_position outside 1..head, a bad section, a
// checkpoint not published or not covering the position, or signed by
// another key than the log's), store errors as they come.
Result<Pack> BuildEvidencePack(storage::EventStore& store, CheckpointLog& checkpoints,
                               const PackRequest& request,
                               auth::SecurityLog* security_log = nullptr,
                               const PackOutput& out = {});

}  // namespace assure::api
