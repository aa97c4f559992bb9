// RocksBackend::Engine: a few RocksDB properties and the store directory's
// size, for GET /metrics (store_stats.h). Read-only; safe beside writes.
#include <filesystem>
#include <system_error>

#include "storage/rocks_backend_internal.h"

namespace assure::storage {

namespace {

// The store's files, summed (a file removed while walking is skipped).
std::uint64_t DirectoryBytes(const std::string& dir) {
  namespace fs = std::filesystem;
  std::uint64_t total = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
       !ec && it != end; it.increment(ec)) {
    std::error_code file_ec;
    if (!it->is_regular_file(file_ec) || file_ec) continue;
    const auto size = it->file_size(file_ec);
    if (!file_ec) total += size;
  }
  return total;
}

}  // namespace

std::optional<EngineStats> RocksBackend::Engine() {
  EngineStats s;
  auto summed = [this](const std::string& property) {
    std::uint64_t value = 0;
    return db_->GetAggregatedIntProperty(property, &value) ? value : std::uint64_t{0};
  };
  s.live_data_bytes = summed(rocksdb::DB::Properties::kEstimateLiveDataSize);
  s.sst_files_bytes = summed(rocksdb::DB::Properties::kTotalSstFilesSize);
  s.memtable_bytes = summed(rocksdb::DB::Properties::kCurSizeAllMemTables);
  s.pending_compaction_bytes = summed(rocksdb::DB::Properties::kEstimatePendingCompactionBytes);
  // A property of the whole DB: summing it over the column families would
  // count it once for each.
  std::uint64_t running = 0;
  if (db_->GetIntProperty(rocksdb::DB::Properties::kNumRunningCompactions, &running)) {
    s.running_compactions = running;
  }
  // The block cache is shared by every column family: read it through one.
  std::uint64_t cache = 0;
  if (db_->GetIntProperty(rocksdb::DB::Properties::kBlockCacheUsage, &cache)) s.block_cache_bytes = cache;
  if (db_->GetIntProperty(rocksdb::DB::Properties::kBlockCachePinnedUsage, &cache)) {
    s.block_cache_pinned_bytes = cache;
  }
  s.disk_bytes = DirectoryBytes(dir_);
  if (free_bytes_) s.disk_free_bytes = free_bytes_(dir_);
  return s;
}

}  // namespace assure::storage
