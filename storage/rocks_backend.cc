// The RocksDB backend: opening a store (refusals, column families and their
// options, the memory budgets, the LOG) and closing it. Reads are in
// rocks_backend_read.cc, writes in rocks_backend_write.cc.
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

#include "storage/rocks_backend_internal.h"

namespace assure::storage {

namespace {

constexpr std::uint64_t kMaxTotalWalBytes = 64 << 20;

namespace fs = std::filesystem;

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
  // Each flush's keys spread over the whole key range (UUIDs; a version per
  // stream; a node per level), so every level-0 file overlaps all of level 1:
  // wait for more of them before merging (see kSpreadL0Files).
  bool spread = false;
};

// Level-0 files a spread family gathers before compacting them into level 1.
// Its flushes are small (the write-ahead log's 64 MiB bound flushes every
// family every few seconds under load) and level 1 holds the whole family,
// so with RocksDB's default of 4 each compaction rewrote level 1 for 4 small
// files: `event_ids` wrote 14.8 bytes for each byte flushed, `stream_index`
// 13.2 and `merkle` 7.4 in ten minutes of the mixed workload, RocksDB's
// compaction the fastest-growing user of CPU (README, "The write path").
// `state` and `blobs` are small families flushed as often (a flush is forced
// by that bound, not by their own size): in a thirty-minute run they wrote
// 11 and 23 bytes in compaction for each byte flushed with the default.
// Point lookups in `event_ids`, `merkle`, `state` and `blobs` stay cheap
// (each level-0 file has a Bloom filter); a seek in `stream_index`, or in
// `state` (ScanState, LastState: a stream snapshot is found by one), may
// merge up to 16 level-0 files where it merged 4. The stall triggers keep
// RocksDB's distances above it.
constexpr int kSpreadL0Files = 16;

rocksdb::ColumnFamilyOptions CfOptions(const CfShape& shape, const std::shared_ptr<rocksdb::Cache>& cache,
                                       bool partitioned_index) {
  rocksdb::ColumnFamilyOptions o;
  rocksdb::BlockBasedTableOptions t;
  if (cache) {
    t.block_cache = cache;
    t.cache_index_and_filter_blocks = true;
    // Nothing of a table is pinned in the cache but a partitioned table's
    // top level (below). Level 0's index and filter blocks were pinned
    // (RocksDB's pin_l0_filter_and_index_blocks_in_cache), but a table is
    // pinned for as long as its reader is open, and a table flushed to
    // level 0 and moved down whole (every table of `events`, whose keys only
    // grow) kept its reader, and so its index, for good: pinned blocks grew
    // with the log past the cache's budget (50 MB of a 32 MiB cache after a
    // thirty-minute mixed soak), leaving no room for data blocks.
    t.metadata_cache_options.partition_pinning = rocksdb::PinningTier::kNone;
    t.metadata_cache_options.unpartitioned_pinning = rocksdb::PinningTier::kNone;
  }
  if (shape.point_lookups) t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  if (partitioned_index) {
    // RocksDB's "partitioned index/filters": a table's index and filter are
    // cut into blocks of metadata_block_size (4 KiB), found through a
    // top-level index with an entry per partition, pinned for every table
    // (about 1/200 of the index); the partitions are cached like data blocks.
    // A lookup in a table needs only the partitions that cover its key in the
    // cache, not the table's whole index and filter.
    t.index_type = rocksdb::BlockBasedTableOptions::kTwoLevelIndexSearch;
    t.partition_filters = shape.point_lookups;
    t.metadata_cache_options.top_level_index_pinning = rocksdb::PinningTier::kAll;
  }
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  o.memtable_insert_with_hint_prefix_extractor = shape.ascending_within;
  if (shape.spread) {
    o.level0_file_num_compaction_trigger = kSpreadL0Files;
    o.level0_slowdown_writes_trigger = kSpreadL0Files + 20;
    o.level0_stop_writes_trigger = kSpreadL0Files + 36;
  }
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

// The block cache, in shards of at least 8 MiB (at most 64). RocksDB's own
// choice for 32 MiB is 64 shards of 512 KiB, and a block larger than its
// shard is dropped as soon as it is released: a large table's filter block
// (a few MB) was then read from the file and checksummed again on every
// point lookup: at 1,000,000 events a Merkle proof (about twenty lookups)
// took 1.8 ms at the median, 25 us with these shards (assure-bench-evidence).
std::shared_ptr<rocksdb::Cache> BlockCache(std::uint64_t bytes) {
  rocksdb::LRUCacheOptions o;
  o.capacity = bytes;
  int bits = 0;
  while (bits < 6 && (bytes >> (bits + 1)) >= (std::uint64_t{8} << 20)) ++bits;
  o.num_shard_bits = bits;
  return rocksdb::NewLRUCache(o);
}

RocksBackend::~RocksBackend() {
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
      {kCfStreamIndex, {false, std::make_shared<StreamPrefix>(), nullptr, /*spread=*/true}},
      // Stream ids, as a whole (no stream id is 1,024 bytes long).
      {kCfStreamHeads, {true, nullptr, Transform(rocksdb::NewCappedPrefixTransform(1024))}},
      {kCfEventIds, {true, nullptr, Transform(rocksdb::NewFixedPrefixTransform(16)), /*spread=*/true}},  // UUIDs
      // Keys of every kind (snapshots' parts and streams' snapshots,
      // idempotency keys, the security log, checkpoints, ...).
      {kCfState, {true, nullptr, nullptr, /*spread=*/true}},
      {kCfMerkle, {true, Transform(rocksdb::NewFixedPrefixTransform(1)), nullptr, /*spread=*/true}},  // by level
      {kCfBlobs, {true, nullptr, nullptr, /*spread=*/true}}};  // SHA-256 hashes
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
  if (ropts.block_cache_bytes > 0) cache = BlockCache(ropts.block_cache_bytes);
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
  for (const auto& [name, shape] : families) {
    descriptors.emplace_back(name, CfOptions(shape, cache, ropts.partitioned_index));
  }
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
