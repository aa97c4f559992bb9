// The RocksDB backend's class and the helpers its files share (keys of the
// default column family, key encodings, error mapping). Its members are
// defined by responsibility: opening, options and memory budgets in
// rocks_backend.cc, reads in rocks_backend_read.cc, writes in
// rocks_backend_write.cc. Not for use outside them: no RocksDB type escapes
// storage/.
#pragma once

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/codec.h"
#include "storage/rocks_backend.h"

namespace assure::storage {

// The one block cache of every column family, `bytes` in shards of at
// least 8 MiB (rocks_backend.cc says why).
std::shared_ptr<rocksdb::Cache> BlockCache(std::uint64_t bytes);

// Keys of the default column family (on-disk: never rename).
inline constexpr const char* kMetaFormat = "format_version";
inline constexpr const char* kMetaMagic = "magic";
inline constexpr const char* kMetaHead = "head";
inline constexpr const char* kMagic = "assure-event-store";

inline Error FromRocks(const rocksdb::Status& s, const std::string& what) {
  ErrorCode code = s.IsCorruption() ? ErrorCode::kCorruption : ErrorCode::kIoError;
  return MakeError(code, what + ": " + s.ToString());
}

inline std::string IndexKey(std::string_view stream_id, std::uint64_t version) {
  std::string k(stream_id);
  k.push_back('\0');
  PutU64(k, version);
  return k;
}

inline std::string MerkleKey(std::uint8_t level, std::uint64_t index) {
  std::string k(1, static_cast<char>(level));
  PutU64(k, index);
  return k;
}

inline Error ReadOnlyError() {
  return MakeError(ErrorCode::kUnavailable,
                   "the store was opened read-only (an archived copy or read-only media): "
                   "nothing can be written to it");
}

inline rocksdb::Slice ToSlice(std::string_view s) { return {s.data(), s.size()}; }
// The first key after every key that starts with `prefix`: prefix with its
// trailing 0xff bytes dropped and its last byte incremented; empty (no such
// key) if prefix is all 0xff bytes.
inline std::string PrefixEnd(std::string_view prefix) {
  std::string after(prefix);
  while (!after.empty() && static_cast<unsigned char>(after.back()) == 0xff) after.pop_back();
  if (!after.empty()) after.back() = static_cast<char>(static_cast<unsigned char>(after.back()) + 1);
  return after;
}
inline rocksdb::Slice HashSlice(const Hash256& h) {
  return {reinterpret_cast<const char*>(h.data()), h.size()};
}

class RocksBackend final : public Backend {
 public:
  RocksBackend(std::unique_ptr<rocksdb::DB> db, std::vector<rocksdb::ColumnFamilyHandle*> cfs,
               std::string dir, RocksOptions options)
      : db_(std::move(db)),
        cfs_(std::move(cfs)),
        dir_(std::move(dir)),
        read_only_(options.read_only),
        min_free_bytes_(options.min_free_bytes),
        free_bytes_(std::move(options.free_bytes)) {}

  ~RocksBackend() override;  // flushes the memtables (rocks_backend.cc)

  // Reads (rocks_backend_read.cc).
  Result<std::optional<StreamHead>> GetStreamHead(std::string_view stream_id) override;
  Result<std::optional<IdEntry>> GetIdEntry(const Uuid& id) override;
  Result<std::optional<std::string>> GetEvent(std::uint64_t position) override;
  Status GetEvents(std::span<const std::uint64_t> positions, const EventVisitor& visit) override;
  Result<std::optional<Hash256>> GetMerkleNode(std::uint8_t level, std::uint64_t index) override;
  Result<LogHead> LoadHead() override;
  Status ScanMerkleLevel(std::uint8_t level, const MerkleVisitor& visit) override;
  Status ScanEvents(std::uint64_t from, const EventVisitor& visit) override;
  Status ScanStream(std::string_view stream_id, std::uint64_t from_version, Direction direction,
                    const IndexVisitor& visit) override;
  Status ScanStreamIds(std::string_view prefix, std::string_view after,
                       const StreamIdVisitor& visit) override;
  Result<std::optional<std::string>> GetState(std::string_view key) override;
  Result<std::optional<std::string>> GetBlob(const Hash256& key) override;
  Result<std::vector<KeyValue>> ScanState(std::string_view prefix) override;
  Status VisitState(std::string_view prefix, std::string_view from, const StateVisitor& visit) override;
  Result<std::optional<KeyValue>> LastState(std::string_view prefix, std::string_view below) override;

  // Writes (rocks_backend_write.cc).
  Status Commit(const CommitBatch& batch, bool sync) override;
  // Resumes writes after the free-space reserve refused one (see there).
  Status Resume() override;
  Status PutState(const std::vector<KeyValue>& pairs, bool sync) override;
  Status ClearState(std::string_view prefix) override;
  Status ScrubState(const std::vector<std::string>& erase, const std::vector<KeyValue>& replace) override;
  Status PutBlob(const Hash256& key, std::string_view bytes, bool sync) override;
  Status Checkpoint(const std::string& dir) override;
  // RocksDB properties and the directory's size (rocks_backend_stats.cc).
  std::optional<EngineStats> Engine() override;

  // Indexes into cfs_, in the order OpenRocksBackend opens them.
  enum Cf { kMeta = 0, kEvents, kIndex, kHeads, kIds, kState, kMerkle, kBlobs };

 private:
  // Every write goes through here, one at a time (see there).
  Status Write(rocksdb::WriteBatch& wb, bool sync, const char* what);

  static std::string Bytes(std::uint64_t n);
  rocksdb::ColumnFamilyHandle* cf(Cf c) const { return cfs_[c]; }
  std::mutex write_mu_;                      // serialises writes; guards the two below
  std::optional<std::string> write_error_;   // why writes are refused until Resume
  bool space_error_ = false;                 // write_error_ is the reserve's, not RocksDB's
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> cfs_;
  const std::string dir_;
  const bool read_only_;
  const std::uint64_t min_free_bytes_;
  const FreeSpaceProbe free_bytes_;
};

}  // namespace assure::storage
