#include "storage/rocks_backend.h"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/memtablerep.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/options_util.h>
#include <rocksdb/write_batch.h>
#include <rocksdb/write_buffer_manager.h>

#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <mutex>
#include <optional>
#include <filesystem>
#include <system_error>

#include "storage/codec.h"

namespace assure::storage {

namespace {

namespace fs = std::filesystem;

// Keys of the default column family (on-disk: never rename).
constexpr const char* kMetaFormat = "format_version";
constexpr const char* kMetaMagic = "magic";
constexpr const char* kMetaHead = "head";
constexpr const char* kMagic = "assure-event-store";
constexpr std::uint64_t kMaxTotalWalBytes = 64 << 20;

Error FromRocks(const rocksdb::Status& s, const std::string& what) {
  ErrorCode code = s.IsCorruption() ? ErrorCode::kCorruption : ErrorCode::kIoError;
  return MakeError(code, what + ": " + s.ToString());
}

std::string IndexKey(std::string_view stream_id, std::uint64_t version) {
  std::string k(stream_id);
  k.push_back('\0');
  PutU64(k, version);
  return k;
}

std::string MerkleKey(std::uint8_t level, std::uint64_t index) {
  std::string k(1, static_cast<char>(level));
  PutU64(k, index);
  return k;
}

std::string EncodeHead(const StreamHead& h) {
  std::string v;
  PutU64(v, h.version);
  PutU64(v, h.last_position);
  PutU64(v, static_cast<std::uint64_t>(h.first_recorded_at_us));
  PutU64(v, static_cast<std::uint64_t>(h.last_recorded_at_us));
  return v;
}

std::string EncodeLogHead(const LogHead& h) {
  std::string v;
  PutU64(v, h.position);
  v.append(reinterpret_cast<const char*>(h.hash.data()), 32);
  PutU64(v, static_cast<std::uint64_t>(h.recorded_at_us));
  return v;
}

std::string EncodeIdEntry(const IdEntry& e) {
  std::string v;
  PutU64(v, e.position);
  PutU64(v, static_cast<std::uint64_t>(e.expected_version));
  return v;
}

Error ReadOnlyError() {
  return MakeError(ErrorCode::kUnavailable,
                   "the store was opened read-only (an archived copy or read-only media): "
                   "nothing can be written to it");
}

// True when another process holds the RocksDB lock on `dir` (a running
// server). A read-only open takes no lock, so it asks: RocksDB's read-only
// instance is undefined while a read-write one changes the files under it.
// F_GETLK needs no write access, so this works on read-only media.
bool LockedByAnotherProcess(const std::string& dir) {
  const int fd = ::open((std::filesystem::path(dir) / "LOCK").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct flock f {};
  f.l_type = F_WRLCK;
  f.l_whence = SEEK_SET;
  const bool held = ::fcntl(fd, F_GETLK, &f) == 0 && f.l_type != F_UNLCK;
  ::close(fd);
  return held;
}

rocksdb::Slice ToSlice(std::string_view s) { return {s.data(), s.size()}; }
rocksdb::Slice HashSlice(const Hash256& h) {
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

  ~RocksBackend() override {
    // A clean close leaves no write-ahead log to replay: RocksDB's Close
    // does not flush memtables while the WAL is on, and the next open
    // re-applied every record since the last flush (up to hundreds of MB,
    // seconds before a server could listen). Not after a failed write: the
    // store is left as it is, and the next open recovers from the WAL.
    if (!read_only_) {
      std::lock_guard l(write_mu_);
      if (!write_error_) {
        rocksdb::FlushOptions flush;
        flush.allow_write_stall = true;
        db_->Flush(flush, cfs_);  // on failure the WAL still holds every record
      }
    }
    for (auto* h : cfs_) db_->DestroyColumnFamilyHandle(h);
    db_->Close();
  }

  Result<std::optional<StreamHead>> GetStreamHead(std::string_view stream_id) override {
    std::string v;
    auto s = db_->Get({}, cf(kHeads), ToSlice(stream_id), &v);
    if (s.IsNotFound()) return std::optional<StreamHead>{};
    if (!s.ok()) return FromRocks(s, "reading stream head");
    if (v.size() != 32) return MakeError(ErrorCode::kCorruption, "stream head value malformed");
    StreamHead h;
    h.version = GetU64(v.data());
    h.last_position = GetU64(v.data() + 8);
    h.first_recorded_at_us = static_cast<std::int64_t>(GetU64(v.data() + 16));
    h.last_recorded_at_us = static_cast<std::int64_t>(GetU64(v.data() + 24));
    return std::optional<StreamHead>{h};
  }

  Result<std::optional<IdEntry>> GetIdEntry(const Uuid& id) override {
    std::string v;
    auto s = db_->Get({}, cf(kIds),
                      rocksdb::Slice(reinterpret_cast<const char*>(id.bytes.data()), 16), &v);
    if (s.IsNotFound()) return std::optional<IdEntry>{};
    if (!s.ok()) return FromRocks(s, "reading event id index");
    if (v.size() != 16) return MakeError(ErrorCode::kCorruption, "event id entry malformed");
    return std::optional<IdEntry>{
        IdEntry{GetU64(v.data()), static_cast<std::int64_t>(GetU64(v.data() + 8))}};
  }

  Result<std::optional<std::string>> GetEvent(std::uint64_t position) override {
    std::string v;
    auto s = db_->Get({}, cf(kEvents), U64Key(position), &v);
    if (s.IsNotFound()) return std::optional<std::string>{};
    if (!s.ok()) return FromRocks(s, "reading event");
    return std::optional<std::string>{std::move(v)};
  }

  // One iterator for all of them: a position just after the one before (a
  // stream written with little between its events) is a step or a few
  // along it, where a Get each would search every memtable and level
  // again; any other position is a Seek, which costs what a Get does.
  Status GetEvents(std::span<const std::uint64_t> positions, const EventVisitor& visit) override {
    constexpr std::uint64_t kMaxSteps = 8;  // RocksDB's max_sequential_skip_in_iterations
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, cf(kEvents)));
    auto at = [&]() -> std::optional<std::uint64_t> {
      if (!it->Valid() || it->key().size() != 8) return std::nullopt;
      return GetU64(it->key().data());
    };
    for (const std::uint64_t p : positions) {
      auto cur = at();
      if (cur && *cur < p && p - *cur <= kMaxSteps) {
        while (cur && *cur < p) {
          it->Next();
          cur = at();
        }
      }
      if (!cur || *cur != p) {
        it->Seek(U64Key(p));
        cur = at();
      }
      if (!cur || *cur != p) {
        if (!it->status().ok()) return FromRocks(it->status(), "reading events");
        return MakeError(ErrorCode::kNotFound, "no event at position " + std::to_string(p));
      }
      if (!visit(p, std::string_view(it->value().data(), it->value().size()))) return {};
    }
    return {};
  }

  Result<std::optional<Hash256>> GetMerkleNode(std::uint8_t level, std::uint64_t index) override {
    std::string v;
    auto s = db_->Get({}, cf(kMerkle), MerkleKey(level, index), &v);
    if (s.IsNotFound()) return std::optional<Hash256>{};
    if (!s.ok()) return FromRocks(s, "reading merkle node");
    if (v.size() != 32) return MakeError(ErrorCode::kCorruption, "merkle node value malformed");
    Hash256 h;
    std::memcpy(h.data(), v.data(), 32);
    return std::optional<Hash256>{h};
  }

  Result<LogHead> LoadHead() override {
    std::string v;
    auto s = db_->Get({}, cf(kMeta), kMetaHead, &v);
    if (s.IsNotFound()) return LogHead{};
    if (!s.ok()) return FromRocks(s, "reading log head");
    if (v.size() != 48) return MakeError(ErrorCode::kCorruption, "log head value malformed");
    LogHead h;
    h.position = GetU64(v.data());
    std::memcpy(h.hash.data(), v.data() + 8, 32);
    h.recorded_at_us = static_cast<std::int64_t>(GetU64(v.data() + 40));
    return h;
  }

  Status Commit(const CommitBatch& batch, bool sync) override {
    if (read_only_) return ReadOnlyError();
    rocksdb::WriteBatch wb;
    for (const auto& e : batch.events) wb.Put(cf(kEvents), U64Key(e.position), e.value);
    for (const auto& i : batch.stream_index) {
      wb.Put(cf(kIndex), IndexKey(i.stream_id, i.version), U64Key(i.position));
    }
    for (const auto& [s, h] : batch.heads) wb.Put(cf(kHeads), s, EncodeHead(h));
    for (const auto& [id, entry] : batch.ids) {
      wb.Put(cf(kIds), rocksdb::Slice(reinterpret_cast<const char*>(id.bytes.data()), 16),
             EncodeIdEntry(entry));
    }
    for (const auto& n : batch.merkle_nodes) {
      wb.Put(cf(kMerkle), MerkleKey(n.level, n.index),
             rocksdb::Slice(reinterpret_cast<const char*>(n.hash.data()), 32));
    }
    wb.Put(cf(kMeta), kMetaHead, EncodeLogHead(batch.head));
    return Write(wb, sync, "committing events");
  }

  // Writes refused for want of the free-space reserve resume here as soon
  // as the reserve is free again: RocksDB never saw a failed write.
  // After a write RocksDB itself failed, writes stay suspended until the
  // server is restarted (reads go on): DB::Resume after a failed
  // write-ahead-log append aborts the process in the Debian build of
  // RocksDB 7.8 (it closes the failed WAL file, which asserts). The
  // reserve exists so that a filling disk stops writes before that.
  Status Resume() override {
    if (read_only_) return ReadOnlyError();  // never writable: stay suspended
    std::lock_guard l(write_mu_);
    if (!write_error_) return {};
    if (space_error_) {
      const auto free = free_bytes_ ? free_bytes_(dir_) : std::nullopt;
      if (free && *free >= min_free_bytes_) {
        write_error_.reset();
        space_error_ = false;
        return {};
      }
      return MakeError(ErrorCode::kIoError,
                       "the store's disk " + (free ? "has " + Bytes(*free) + " free" : "cannot be read") +
                           ", below the reserve of " + Bytes(min_free_bytes_) +
                           " (storage.min_free_bytes): free space and writes resume");
    }
    return MakeError(ErrorCode::kIoError,
                     "the store cannot resume writing in place after " + *write_error_ +
                         "; free space, then restart the server");
  }

  Status ScanMerkleLevel(std::uint8_t level, const MerkleVisitor& visit) override {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, cf(kMerkle)));
    for (it->Seek(MerkleKey(level, 0)); it->Valid(); it->Next()) {
      auto k = it->key();
      if (k.size() != 9 || static_cast<std::uint8_t>(k[0]) != level) break;
      auto v = it->value();
      if (v.size() != 32) return MakeError(ErrorCode::kCorruption, "merkle node value malformed");
      Hash256 h;
      std::memcpy(h.data(), v.data(), 32);
      if (!visit(GetU64(k.data() + 1), h)) return {};
    }
    if (!it->status().ok()) return FromRocks(it->status(), "scanning merkle nodes");
    return {};
  }

  Status ScanEvents(std::uint64_t from, const EventVisitor& visit) override {
    rocksdb::ReadOptions ro;
    ro.readahead_size = 2 << 20;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cf(kEvents)));
    for (it->Seek(U64Key(from)); it->Valid(); it->Next()) {
      auto k = it->key();
      if (k.size() != 8) return MakeError(ErrorCode::kCorruption, "event key malformed");
      auto v = it->value();
      if (!visit(GetU64(k.data()), std::string_view(v.data(), v.size()))) return {};
    }
    if (!it->status().ok()) return FromRocks(it->status(), "scanning events");
    return {};
  }

  Status ScanStream(std::string_view stream_id, std::uint64_t from_version, Direction direction,
                    const IndexVisitor& visit) override {
    std::string prefix(stream_id);
    prefix.push_back('\0');
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, cf(kIndex)));
    auto in_stream = [&] {
      auto k = it->key();
      return k.size() == prefix.size() + 8 && std::memcmp(k.data(), prefix.data(), prefix.size()) == 0;
    };
    auto value_pos = [&]() -> std::optional<std::uint64_t> {
      if (it->value().size() != 8) return std::nullopt;
      return GetU64(it->value().data());
    };
    if (direction == Direction::kForwards) {
      for (it->Seek(IndexKey(stream_id, from_version)); it->Valid() && in_stream(); it->Next()) {
        auto p = value_pos();
        if (!p) return MakeError(ErrorCode::kCorruption, "stream index value malformed");
        if (!visit(GetU64(it->key().data() + prefix.size()), *p)) break;
      }
    } else {
      for (it->SeekForPrev(IndexKey(stream_id, from_version)); it->Valid() && in_stream();
           it->Prev()) {
        auto p = value_pos();
        if (!p) return MakeError(ErrorCode::kCorruption, "stream index value malformed");
        if (!visit(GetU64(it->key().data() + prefix.size()), *p)) break;
      }
    }
    if (!it->status().ok()) return FromRocks(it->status(), "scanning stream index");
    return {};
  }

  Status ScanStreamIds(std::string_view prefix, std::string_view after,
                       const StreamIdVisitor& visit) override {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, cf(kIndex)));
    // Index keys are "stream id" NUL version: the first key past every entry
    // of stream s is s followed by 0x01 (stream ids hold no NUL).
    std::string target(prefix);
    if (std::string past = std::string(after) + '\x01'; !after.empty() && past > target) target = std::move(past);
    for (it->Seek(target); it->Valid(); it->Seek(target)) {
      const rocksdb::Slice k = it->key();
      const void* nul = std::memchr(k.data(), '\0', k.size());
      if (nul == nullptr) return MakeError(ErrorCode::kCorruption, "stream index key malformed");
      const std::string_view id(k.data(), static_cast<std::size_t>(static_cast<const char*>(nul) - k.data()));
      if (!id.starts_with(prefix)) break;
      if (!visit(id)) break;
      target.assign(id);
      target.push_back('\x01');
    }
    if (!it->status().ok()) return FromRocks(it->status(), "scanning stream index");
    return {};
  }

  Result<std::optional<std::string>> GetState(std::string_view key) override {
    std::string v;
    auto s = db_->Get({}, cf(kState), ToSlice(key), &v);
    if (s.IsNotFound()) return std::optional<std::string>{};
    if (!s.ok()) return FromRocks(s, "reading state");
    return std::optional<std::string>{std::move(v)};
  }

  Status PutState(const std::vector<KeyValue>& pairs, bool sync) override {
    if (read_only_) return ReadOnlyError();
    rocksdb::WriteBatch wb;
    for (const auto& kv : pairs) wb.Put(cf(kState), kv.key, kv.value);
    return Write(wb, sync, "writing state");
  }

  Result<std::optional<std::string>> GetBlob(const Hash256& key) override {
    std::string v;
    auto s = db_->Get({}, cf(kBlobs), HashSlice(key), &v);
    if (s.IsNotFound()) return std::optional<std::string>{};
    if (!s.ok()) return FromRocks(s, "reading blob");
    return std::optional<std::string>{std::move(v)};
  }

  Status PutBlob(const Hash256& key, std::string_view bytes, bool sync) override {
    if (read_only_) return ReadOnlyError();
    rocksdb::WriteBatch wb;
    wb.Put(cf(kBlobs), HashSlice(key), ToSlice(bytes));
    return Write(wb, sync, "writing blob");
  }

  Result<std::vector<KeyValue>> ScanState(std::string_view prefix) override {
    std::vector<KeyValue> out;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, cf(kState)));
    for (it->Seek(ToSlice(prefix)); it->Valid() && it->key().starts_with(ToSlice(prefix));
         it->Next()) {
      out.push_back({it->key().ToString(), it->value().ToString()});
    }
    if (!it->status().ok()) return FromRocks(it->status(), "scanning state");
    return out;
  }

  // Indexes into cfs_, in the order OpenRocksBackend opens them.
  enum Cf { kMeta = 0, kEvents, kIndex, kHeads, kIds, kState, kMerkle, kBlobs };

 private:
  // Every write goes through here, one at a time. After a write fails (a
  // full disk, an I/O error) no write reaches RocksDB until Resume succeeds:
  // the Debian build of RocksDB 7.8 asserts (aborting the process) when a
  // second write reaches a WAL file whose append has failed, and concurrent
  // writers (the store's commits, the security log's and idempotency's
  // state) would otherwise race into it before RocksDB sets its own
  // background error.
  Status Write(rocksdb::WriteBatch& wb, bool sync, const char* what) {
    std::lock_guard l(write_mu_);
    if (write_error_) return MakeError(ErrorCode::kIoError, std::string(what) + ": " + *write_error_);
    if (min_free_bytes_ > 0 && free_bytes_) {
      // A probe that cannot read the file system refuses nothing.
      const auto free = free_bytes_(dir_);
      if (free && *free < min_free_bytes_ + wb.GetDataSize()) {
        write_error_ = "the store's disk has " + Bytes(*free) + " free, and a write of " +
                       Bytes(wb.GetDataSize()) + " would leave less than the reserve of " +
                       Bytes(min_free_bytes_) + " (storage.min_free_bytes)";
        space_error_ = true;
        return MakeError(ErrorCode::kIoError, std::string(what) + ": " + *write_error_);
      }
    }
    rocksdb::WriteOptions wo;
    wo.sync = sync;
    auto s = db_->Write(wo, &wb);
    if (!s.ok()) {
      Error e = FromRocks(s, what);
      write_error_ = "an earlier write failed (" + s.ToString() + ")";
      return e;
    }
    return {};
  }

  static std::string Bytes(std::uint64_t n) {
    char buf[48];
    if (n < (1u << 20)) {
      std::snprintf(buf, sizeof buf, "%.1f KiB", static_cast<double>(n) / 1024.0);
    } else {
      std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(n) / (1024.0 * 1024.0));
    }
    return buf;
  }

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

// RocksDB's informational LOG, written with stdio and errors ignored. The
// default logger (EnvLogger) aborts the process in the Debian build of
// RocksDB 7.8 when it writes again after a failed write (an assertion in
// WritableFileWriter): on a full disk its first failed line was followed by
// another and took the server down.
class StdioLogger final : public rocksdb::Logger {
 public:
  explicit StdioLogger(std::FILE* f) : rocksdb::Logger(rocksdb::InfoLogLevel::INFO_LEVEL), f_(f) {}
  ~StdioLogger() override {
    if (f_ != nullptr) std::fclose(f_);
  }
  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    std::lock_guard l(mu_);
    if (f_ == nullptr) return;
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y/%m/%d-%H:%M:%S ", &tm);
    std::fputs(stamp, f_);
    std::vfprintf(f_, format, ap);
    std::fputc('\n', f_);
    std::fflush(f_);
  }

 private:
  std::mutex mu_;
  std::FILE* f_;
};

// The stream-index key's stream part ("stream\0"): a stream's index entries
// are appended in version order, so inserts within it are sequential.
class StreamPrefix final : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "assure.StreamPrefix"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    const void* nul = std::memchr(key.data(), '\0', key.size());
    return {key.data(), static_cast<std::size_t>(static_cast<const char*>(nul) - key.data()) + 1};
  }
  bool InDomain(const rocksdb::Slice& key) const override {
    return std::memchr(key.data(), '\0', key.size()) != nullptr;
  }
};

// How a column family is keyed: point lookups get a Bloom filter; keys that
// only ever grow within a prefix (positions; Merkle nodes of a level; a
// stream's versions) are inserted into the memtable with a hint (the last
// insert's place for that prefix) instead of a search from the skip list's
// top. The hint changes no stored byte.
struct CfShape {
  bool point_lookups = false;
  std::shared_ptr<const rocksdb::SliceTransform> ascending_within;
  // Point lookups only, by whole key: a hash of skip lists in the memtable.
  std::shared_ptr<const rocksdb::SliceTransform> hashed_by;
};

rocksdb::ColumnFamilyOptions CfOptions(const CfShape& shape, const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::ColumnFamilyOptions o;
  rocksdb::BlockBasedTableOptions t;
  if (cache) {
    t.block_cache = cache;
    t.cache_index_and_filter_blocks = true;
    t.pin_l0_filter_and_index_blocks_in_cache = true;
  }
  if (shape.point_lookups) t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  o.memtable_insert_with_hint_prefix_extractor = shape.ascending_within;
  if (shape.hashed_by) {
    o.prefix_extractor = shape.hashed_by;
    // Every version of a stream's head written while a memtable is active
    // sits in that key's bucket: lists as tall as the default skip list's
    // (12, not the factory's default of 4) keep a hot stream's bucket
    // logarithmic.
    o.memtable_factory.reset(rocksdb::NewHashSkipListRepFactory(1 << 18, 12, 4));
  }
  return o;
}

}  // namespace

std::optional<std::uint64_t> StatvfsFreeBytes(const std::string& dir) {
  struct statvfs st {};
  if (::statvfs(dir.c_str(), &st) != 0) return std::nullopt;
  return static_cast<std::uint64_t>(st.f_bavail) * static_cast<std::uint64_t>(st.f_frsize);
}

Result<std::unique_ptr<Backend>> OpenRocksBackend(const std::string& dir, bool create_if_missing,
                                                  bool read_only) {
  RocksOptions options;
  options.create_if_missing = create_if_missing;
  options.read_only = read_only;
  return OpenRocksBackend(dir, std::move(options));
}

Result<std::unique_ptr<Backend>> OpenRocksBackend(const std::string& dir, RocksOptions ropts) {
  const bool create_if_missing = ropts.create_if_missing;
  const bool read_only = ropts.read_only;
  std::error_code ec;
  bool existed = fs::exists(dir, ec);
  if (existed && !fs::is_directory(dir, ec)) {
    return MakeError(ErrorCode::kInvalidArgument, "'" + dir + "' is not a directory");
  }
  bool has_db = fs::exists(fs::path(dir) / "CURRENT", ec);
  if (existed && !has_db && !fs::is_empty(dir, ec)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "'" + dir + "' is not an Assure store: it is not empty and holds no "
                     "database. Choose an empty or new directory.");
  }
  if (!has_db && (!create_if_missing || read_only)) {
    return MakeError(ErrorCode::kNotFound, "there is no Assure store in '" + dir + "'");
  }
  if (read_only && LockedByAnotherProcess(dir)) {
    return MakeError(ErrorCode::kUnavailable,
                     "the store in '" + dir + "' is in use by another process (its lock is held)");
  }
  if (!existed) {
    fs::create_directories(dir, ec);
    if (ec) return MakeError(ErrorCode::kIoError, "cannot create '" + dir + "': " + ec.message());
  }

  using Transform = std::shared_ptr<const rocksdb::SliceTransform>;
  const Transform whole(rocksdb::NewFixedPrefixTransform(0));
  const std::vector<std::pair<std::string, CfShape>> families = {
      {rocksdb::kDefaultColumnFamilyName, {}},
      {kCfEvents, {false, whole, nullptr}},  // by position
      {kCfStreamIndex, {false, std::make_shared<StreamPrefix>(), nullptr}},
      // Stream ids, as a whole (no stream id is 1,024 bytes long).
      {kCfStreamHeads, {true, nullptr, Transform(rocksdb::NewCappedPrefixTransform(1024))}},
      {kCfEventIds, {true, nullptr, Transform(rocksdb::NewFixedPrefixTransform(16))}},  // UUIDs
      {kCfState, {true, nullptr, nullptr}},
      {kCfMerkle, {true, Transform(rocksdb::NewFixedPrefixTransform(1)), nullptr}},  // by level
      {kCfBlobs, {}}};
  if (has_db) {
    std::vector<std::string> present;
    auto s = rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &present);
    if (!s.ok()) return FromRocks(s, "'" + dir + "' is not a readable Assure store");
    for (const auto& [name, _] : families) {
      if (std::find(present.begin(), present.end(), name) == present.end()) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "'" + dir + "' is a RocksDB database but not an Assure store (no '" +
                             name + "' column family)");
      }
    }
  }

  rocksdb::DBOptions options;
  // Compactions run at a low CPU priority: on a small machine under a burst
  // of writes they yield to the threads answering requests and catch up in
  // quieter moments (flushes keep their priority).
  options.env->LowerThreadPoolCPUPriority(rocksdb::Env::Priority::LOW);
  options.create_if_missing = !has_db;
  options.create_missing_column_families = !has_db;
  options.max_background_jobs = 2;
  options.allow_concurrent_memtable_write = false;
  // No automatic recovery after a write error: RocksDB's own recovery (and
  // DB::Resume after a failed write-ahead-log append) flushes and closes the
  // failed WAL file, and the Debian build of RocksDB 7.8 aborts the process
  // on that (an assertion in WritableFileWriter). See Resume below.
  options.max_bgerror_resume_count = 0;
  std::shared_ptr<rocksdb::Cache> cache;
  if (ropts.block_cache_bytes > 0) cache = rocksdb::NewLRUCache(ropts.block_cache_bytes);
  if (ropts.memtable_bytes > 0) {
    options.write_buffer_manager = std::make_shared<rocksdb::WriteBufferManager>(ropts.memtable_bytes);
  }
  // What an open after a crash replays is bounded: once the write-ahead logs
  // pass this, RocksDB flushes the column families that keep the oldest one
  // alive (RocksDB's default is 4 x the sum of the write buffers).
  options.max_total_wal_size = kMaxTotalWalBytes;
  if (!read_only) {  // a read-only open writes no file, the LOG included
    if (std::FILE* f = std::fopen((dir + "/LOG").c_str(), "a")) {
      options.info_log = std::make_shared<StdioLogger>(f);
    }
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const auto& [name, shape] : families) descriptors.emplace_back(name, CfOptions(shape, cache));
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  auto s = read_only ? rocksdb::DB::OpenForReadOnly(options, dir, descriptors, &handles, &raw)
                     : rocksdb::DB::Open(options, dir, descriptors, &handles, &raw);
  if (!s.ok()) {
    if (s.IsIOError() && s.ToString().find("lock") != std::string::npos) {
      return MakeError(ErrorCode::kUnavailable,
                       "the store in '" + dir + "' is in use by another process: " + s.ToString());
    }
    return FromRocks(s, "opening '" + dir + "'");
  }
  std::unique_ptr<rocksdb::DB> db(raw);
  auto close = [&] {
    for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  };

  std::string magic, format;
  if (!has_db) {
    rocksdb::WriteBatch wb;
    wb.Put(handles[0], kMetaMagic, kMagic);
    wb.Put(handles[0], kMetaFormat, U64Key(kFormatVersion).substr(4));
    rocksdb::WriteOptions wo;
    wo.sync = true;
    s = db->Write(wo, &wb);
    if (!s.ok()) {
      close();
      return FromRocks(s, "initialising store");
    }
  }
  if (!db->Get({}, handles[0], kMetaMagic, &magic).ok() || magic != kMagic ||
      !db->Get({}, handles[0], kMetaFormat, &format).ok() || format.size() != 4) {
    close();
    return MakeError(ErrorCode::kInvalidArgument,
                     "'" + dir + "' is not an Assure store (no store marker)");
  }
  std::uint32_t version = GetU32(format.data());
  if (version > kFormatVersion) {
    close();
    return MakeError(ErrorCode::kInvalidArgument,
                     "the store in '" + dir + "' was written by a newer Assure (format version " +
                         std::to_string(version) + "; this build reads up to " +
                         std::to_string(kFormatVersion) + ")");
  }
  return std::unique_ptr<Backend>(
      new RocksBackend(std::move(db), std::move(handles), dir, std::move(ropts)));
}

}  // namespace assure::storage
