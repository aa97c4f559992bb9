// Byte encodings of the event store, as specified in storage/FORMAT.md.
//
// Canonical record bytes: the exact input of the hash chain (and, later, of
// Merkle leaves). An event's stored value is its canonical bytes followed by
// its 32-byte chain hash. Changing anything here changes the on-disk format:
// bump kFormatVersion and add a reader for the old one instead.
#pragma once

#include <initializer_list>

#include <cstdint>
#include <string>
#include <string_view>

#include "storage/types.h"

namespace assure::storage {

inline constexpr std::uint8_t kRecordFormat = 1;  // first byte of canonical bytes (on-disk)
inline constexpr std::uint32_t kFormatVersion = 1;  // store format version (on-disk)

void PutU32(std::string& out, std::uint32_t v);
void PutU64(std::string& out, std::uint64_t v);
std::uint32_t GetU32(const char* p);
std::uint64_t GetU64(const char* p);
std::string U64Key(std::uint64_t v);  // 8 bytes big-endian

// The canonical bytes of `e` (everything but the hash).
std::string CanonicalBytes(const RecordedEvent& e);
// CanonicalBytes(e) + e.hash: what the events column family stores.
std::string EncodeEventValue(const RecordedEvent& e);
// Parses a stored value; kCorruption if it is not well formed.
Result<RecordedEvent> DecodeEventValue(std::string_view value);
// The same into an existing event, whose strings keep their capacity (no
// allocation when they already have room). On an error `e` is left partly
// overwritten.
Status DecodeEventValueInto(std::string_view value, RecordedEvent& e);
// Splits a stored value into its canonical part and stored hash without
// decoding the fields. kCorruption if shorter than a hash.
Result<std::string_view> CanonicalPart(std::string_view value, Hash256* stored_hash);

// SHA-256(prev || canonical): the chain hash of an event.
Hash256 ChainHash(const Hash256& prev, std::string_view canonical);
Hash256 Sha256(std::string_view data);
// SHA-256 of the parts one after another, through OpenSSL's EVP interface
// (one digest context per thread, reused): the one place the storage layer
// hashes, for the chain, the Merkle tree and blobs.
Hash256 Sha256Of(std::initializer_list<std::string_view> parts);

}  // namespace assure::storage
