// The RocksDB backend's writes: a group commit's batch, state and blobs,
// all through Write (one at a time, refused after a failed write or below
// the free-space reserve), and Resume.
#include <algorithm>
#include <cstdio>

#include <rocksdb/utilities/checkpoint.h>

#include "storage/rocks_backend_internal.h"

namespace assure::storage {

namespace {

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

}  // namespace

Status RocksBackend::Commit(const CommitBatch& batch, bool sync) {
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
  for (const auto& b : batch.blobs) wb.Put(cf(kBlobs), HashSlice(b.sha256()), ToSlice(b.bytes()));
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
Status RocksBackend::Resume() {
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

Status RocksBackend::PutState(const std::vector<KeyValue>& pairs, bool sync) {
  if (read_only_) return ReadOnlyError();
  rocksdb::WriteBatch wb;
  for (const auto& kv : pairs) wb.Put(cf(kState), kv.key, kv.value);
  return Write(wb, sync, "writing state");
}

Status RocksBackend::ClearState(std::string_view prefix) {
  if (read_only_) return ReadOnlyError();
  rocksdb::WriteBatch wb;
  const std::string end = PrefixEnd(prefix);
  if (!end.empty()) {
    wb.DeleteRange(cf(kState), ToSlice(prefix), end);
  } else {  // a prefix of 0xff bytes only: no end key, so key by key
    auto all = ScanState(prefix);
    if (!all.ok()) return all.error();
    for (const auto& kv : *all) wb.Delete(cf(kState), kv.key);
  }
  return Write(wb, /*sync=*/false, "clearing state");
}

// A synced delete (or overwrite) leaves the old values in the
// write-ahead-log file that recorded them and in any table file a flush
// wrote them to. So: flush
// every column family (the WAL files holding the values are then obsolete,
// and RocksDB deletes obsolete WAL files at once: no archive, WAL_ttl_seconds
// and WAL_size_limit_MB are 0, and recycle_log_file_num is 0, so none is
// reused with old bytes in it), then compact the keys' range to the bottom
// level, which drops the old values and the tombstones (no snapshots are taken)
// and deletes the table files that held them once no iterator uses them.
Status RocksBackend::ScrubState(const std::vector<std::string>& erase, const std::vector<KeyValue>& replace) {
  if (read_only_) return ReadOnlyError();
  rocksdb::WriteBatch wb;
  for (const auto& k : erase) wb.Delete(cf(kState), k);
  for (const auto& kv : replace) wb.Put(cf(kState), kv.key, kv.value);
  ASSURE_TRY(Write(wb, /*sync=*/true, "erasing state"));
  {
    std::lock_guard l(write_mu_);
    if (write_error_) return MakeError(ErrorCode::kIoError, "erasing state: " + *write_error_);
    rocksdb::FlushOptions flush;
    flush.allow_write_stall = true;
    auto s = db_->Flush(flush, cfs_);
    if (!s.ok()) return FromRocks(s, "flushing after erasing state");
  }
  // One compaction of the range from the least key to the greatest: the
  // older versions of every key in it are dropped (no snapshots are held).
  std::vector<std::string> keys = erase;
  for (const auto& kv : replace) keys.push_back(kv.key);
  if (keys.empty()) return {};
  const auto [least, greatest] = std::minmax_element(keys.begin(), keys.end());
  const rocksdb::Slice begin = ToSlice(*least);
  const rocksdb::Slice end = ToSlice(*greatest);
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  auto s = db_->CompactRange(compact, cf(kState), &begin, &end);
  if (!s.ok()) return FromRocks(s, "compacting after erasing state");
  return {};
}

// rocksdb::Checkpoint with log_size_for_flush = 0: every column family is
// flushed first, then the live table files are hard-linked (or copied across
// file systems) and MANIFEST, OPTIONS and the live WAL files are copied, file
// deletions disabled meanwhile. An append is acknowledged only after its
// batch's WAL sync, so anything acknowledged before the call is in a
// flushed table or in a copied log. Not while writes are refused: the flush
// would reach the failed log (see Write).
Status RocksBackend::Checkpoint(const std::string& dir) {
  {
    std::lock_guard l(write_mu_);
    if (write_error_) return MakeError(ErrorCode::kIoError, "backing up: " + *write_error_);
  }
  rocksdb::Checkpoint* raw = nullptr;
  auto s = rocksdb::Checkpoint::Create(db_.get(), &raw);
  if (!s.ok()) return FromRocks(s, "preparing a checkpoint");
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  s = checkpoint->CreateCheckpoint(dir, /*log_size_for_flush=*/0);
  if (!s.ok()) return FromRocks(s, "writing a checkpoint to " + dir);
  return {};
}

Status RocksBackend::PutBlob(const Hash256& key, std::string_view bytes, bool sync) {
  if (read_only_) return ReadOnlyError();
  rocksdb::WriteBatch wb;
  wb.Put(cf(kBlobs), HashSlice(key), ToSlice(bytes));
  return Write(wb, sync, "writing blob");
}

// Every write goes through here, one at a time. After a write fails (a
// full disk, an I/O error) no write reaches RocksDB until Resume succeeds:
// the Debian build of RocksDB 7.8 asserts (aborting the process) when a
// second write reaches a WAL file whose append has failed, and concurrent
// writers (the store's commits, the security log's and idempotency's
// state) would otherwise race into it before RocksDB sets its own
// background error.
Status RocksBackend::Write(rocksdb::WriteBatch& wb, bool sync, const char* what) {
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

std::string RocksBackend::Bytes(std::uint64_t n) {
  char buf[48];
  if (n < (1u << 20)) {
    std::snprintf(buf, sizeof buf, "%.1f KiB", static_cast<double>(n) / 1024.0);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(n) / (1024.0 * 1024.0));
  }
  return buf;
}

}  // namespace assure::storage
