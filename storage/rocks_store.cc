#include "storage/log_store.h"
#include "storage/rocks_backend.h"

namespace assure::storage {

Result<std::unique_ptr<EventStore>> OpenRocksStore(const std::string& dir, StoreOptions options) {
  RocksOptions ropts;
  ropts.create_if_missing = options.create_if_missing && !options.read_only;
  ropts.read_only = options.read_only;
  ropts.min_free_bytes = options.min_free_bytes;
  ropts.memtable_bytes = options.memtable_bytes;
  ropts.block_cache_bytes = options.block_cache_bytes;
  ropts.partitioned_index = options.partitioned_index;
  auto backend = OpenRocksBackend(dir, std::move(ropts));
  if (!backend.ok()) return backend.error();
  auto store = LogStore::Open(std::move(backend).value(), std::move(options));
  if (!store.ok()) return store.error();
  return std::unique_ptr<EventStore>(std::move(store).value());
}

}  // namespace assure::storage
