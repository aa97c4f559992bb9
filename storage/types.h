// Value types of the event store: opaque event records, no domain types.
//
// Everything here is a plain value (copyable, no shared state). Field meanings
// and the byte layout they are hashed in are specified in storage/FORMAT.md.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.h"

namespace assure::storage {

using Hash256 = std::array<std::uint8_t, 32>;

// A 128-bit UUID (RFC 4122 / 9562), stored as its 16 bytes.
struct Uuid {
  std::array<std::uint8_t, 16> bytes{};
  // Parses the canonical 8-4-4-4-12 hex form (case-insensitive). Any other
  // shape is kInvalidArgument.
  static Result<Uuid> Parse(std::string_view text);
  std::string ToString() const;  // lowercase 8-4-4-4-12
  void FormatTo(char out[36]) const;  // the same 36 characters, no allocation
  bool IsNil() const;
  friend bool operator==(const Uuid&, const Uuid&) = default;
  friend auto operator<=>(const Uuid&, const Uuid&) = default;
};

struct UuidHash {
  std::size_t operator()(const Uuid& u) const noexcept;
};

std::string HexEncode(const std::uint8_t* data, std::size_t size);
inline std::string HexEncode(const Hash256& h) { return HexEncode(h.data(), h.size()); }
Result<Hash256> HexDecodeHash(std::string_view hex);

// Who did it, why, and what caused it. All optional (may be empty strings).
struct EventMetadata {
  std::string actor;           // person or token id that caused the event
  std::string reason;          // why, in a person's words
  std::string correlation_id;  // ties together the events of one request
  std::string causation_id;    // the event or command that caused this one
  std::string source;          // e.g. "api", "import:wmin.csv", "cli"
  friend bool operator==(const EventMetadata&, const EventMetadata&) = default;
};

// The optimistic-concurrency precondition of an append.
class ExpectedVersion {
 public:
  enum class Kind : std::uint8_t { kAny, kNoStream, kStreamExists, kExact };
  static ExpectedVersion Any() { return {Kind::kAny, 0}; }
  static ExpectedVersion NoStream() { return {Kind::kNoStream, 0}; }
  static ExpectedVersion StreamExists() { return {Kind::kStreamExists, 0}; }
  // The stream's current version (the 0-based version of its last event).
  static ExpectedVersion Exact(std::uint64_t v) { return {Kind::kExact, v}; }

  Kind kind() const { return kind_; }
  std::uint64_t version() const { return version_; }
  // On-disk (idempotency index): -1 any, -2 no stream, -3 exists, >=0 exact.
  std::int64_t Encode() const;
  static ExpectedVersion Decode(std::int64_t v);
  std::string ToString() const;
  friend bool operator==(const ExpectedVersion&, const ExpectedVersion&) = default;

 private:
  ExpectedVersion(Kind k, std::uint64_t v) : kind_(k), version_(v) {}
  Kind kind_;
  std::uint64_t version_;
};

// An event a client wants to append.
struct ProposedEvent {
  std::string event_id;  // UUID text; empty: the store generates a random one
  std::string type;      // e.g. "DeliverableRagbChanged"
  std::uint32_t schema_version = 1;
  std::string data;      // a JSON object, as text; stored re-serialised compactly
  EventMetadata metadata;
  // Set only by a producer whose `data` is nlohmann::json::dump() of a JSON
  // object (the api's ToProposed): it is then already in the stored compact
  // form, and the store checks its size but does not parse it again.
  bool data_is_compact_object = false;
};

// Content an append carries (a document version's bytes), hashed once when
// it is made, on the maker's thread (not the writer's), and shared: an
// append decided more than once, or a group that commits it, copies neither.
class Blob {
 public:
  explicit Blob(std::string bytes);  // SHA-256 of the bytes
  const Hash256& sha256() const { return sha256_; }
  const std::string& bytes() const { return *bytes_; }

 private:
  Hash256 sha256_;
  std::shared_ptr<const std::string> bytes_;
};

// An event as stored. `hash` chains it to the event before (FORMAT.md).
struct RecordedEvent {
  std::uint64_t position = 0;        // global, gapless, from 1
  std::string stream_id;
  std::uint64_t stream_version = 0;  // 0-based within the stream
  Uuid event_id;
  std::string type;
  std::uint32_t schema_version = 1;
  std::string data;                  // compact JSON object text, exactly as hashed
  EventMetadata metadata;
  std::int64_t recorded_at_us = 0;   // UTC microseconds since 1970, server clock
  Hash256 hash{};
};

struct AppendResult {
  std::uint64_t first_position = 0;
  std::uint64_t last_position = 0;
  std::uint64_t stream_version = 0;  // version of the last event appended
  // True when every event was already stored (an idempotent retry) and
  // nothing was written.
  bool idempotent_replay = false;
  // The recorded_at of every event this append wrote (one append's events
  // share it); 0 for an idempotent replay.
  std::int64_t recorded_at_us = 0;
};

struct StreamInfo {
  bool exists = false;
  std::uint64_t current_version = 0;  // valid when exists
  std::uint64_t event_count = 0;
  std::int64_t first_recorded_at_us = 0;
  std::int64_t last_recorded_at_us = 0;
  std::uint64_t last_position = 0;
};

enum class Direction : std::uint8_t { kForwards, kBackwards };

// Server-side filters on ReadAll. Empty means "no filter".
struct ReadAllFilter {
  std::string stream_prefix;
  std::vector<std::string> event_types;  // any of these
};

struct ReadAllPage {
  std::vector<RecordedEvent> events;
  std::uint64_t next_position = 0;  // where the next page starts
  bool end_of_log = false;          // true when no event at or after next_position
};

// The last event of the log, or {0, zeros} for an empty log.
struct LogHead {
  std::uint64_t position = 0;
  Hash256 hash{};
  std::int64_t recorded_at_us = 0;
};

struct VerifyReport {
  bool ok = true;
  std::uint64_t from = 0;
  std::uint64_t to = 0;                 // last position examined
  std::uint64_t checked = 0;            // events that verified
  std::uint64_t first_bad_position = 0; // 0 when ok
  std::string problem;                  // why first_bad_position failed
};

struct KeyValue {
  std::string key;
  std::string value;
};

}  // namespace assure::storage
