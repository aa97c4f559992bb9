// Backend held in memory, for tests. Same contract as the RocksDB backend.
#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include "storage/backend.h"

namespace assure::storage {

namespace {

class MemoryBackend final : public Backend {
 public:
  Result<std::optional<StreamHead>> GetStreamHead(std::string_view stream_id) override {
    std::shared_lock l(mu_);
    auto it = heads_.find(std::string(stream_id));
    if (it == heads_.end()) return std::optional<StreamHead>{};
    return std::optional<StreamHead>{it->second};
  }

  Result<std::optional<IdEntry>> GetIdEntry(const Uuid& id) override {
    std::shared_lock l(mu_);
    auto it = ids_.find(id);
    if (it == ids_.end()) return std::optional<IdEntry>{};
    return std::optional<IdEntry>{it->second};
  }

  Result<std::optional<std::string>> GetEvent(std::uint64_t position) override {
    std::shared_lock l(mu_);
    if (position == 0 || position > events_.size()) return std::optional<std::string>{};
    return std::optional<std::string>{events_[position - 1]};
  }

  Status ScanMerkleLevel(std::uint8_t level, const MerkleVisitor& visit) override {
    std::shared_lock l(mu_);
    for (auto it = merkle_.lower_bound({level, 0}); it != merkle_.end() && it->first.first == level; ++it) {
      if (!visit(it->first.second, it->second)) return {};
    }
    return {};
  }

  Result<std::optional<Hash256>> GetMerkleNode(std::uint8_t level, std::uint64_t index) override {
    std::shared_lock l(mu_);
    auto it = merkle_.find({level, index});
    if (it == merkle_.end()) return std::optional<Hash256>{};
    return std::optional<Hash256>{it->second};
  }

  Result<LogHead> LoadHead() override {
    std::shared_lock l(mu_);
    return head_;
  }

  Status Commit(const CommitBatch& batch, bool /*sync*/) override {
    std::unique_lock l(mu_);
    for (const auto& e : batch.events) {
      if (e.position != events_.size() + 1) {
        return MakeError(ErrorCode::kInternal, "memory backend: non-contiguous commit");
      }
      events_.push_back(e.value);
    }
    for (const auto& i : batch.stream_index) index_[i.stream_id][i.version] = i.position;
    for (const auto& [s, h] : batch.heads) heads_[s] = h;
    for (const auto& [id, entry] : batch.ids) ids_[id] = entry;
    for (const auto& n : batch.merkle_nodes) merkle_[{n.level, n.index}] = n.hash;
    for (const auto& b : batch.blobs) blobs_.emplace(b.sha256(), b.bytes());
    head_ = batch.head;
    return {};
  }

  Status ScanEvents(std::uint64_t from, const EventVisitor& visit) override {
    if (from == 0) from = 1;
    for (std::uint64_t p = from;; ++p) {
      std::string value;
      {
        std::shared_lock l(mu_);
        if (p > events_.size()) return {};
        value = events_[p - 1];
      }
      if (!visit(p, value)) return {};
    }
  }

  Status ScanStream(std::string_view stream_id, std::uint64_t from_version, Direction direction,
                    const IndexVisitor& visit) override {
    std::vector<std::pair<std::uint64_t, std::uint64_t>> entries;
    {
      std::shared_lock l(mu_);
      auto it = index_.find(std::string(stream_id));
      if (it == index_.end()) return {};
      entries.assign(it->second.begin(), it->second.end());
    }
    if (direction == Direction::kForwards) {
      for (const auto& [v, p] : entries) {
        if (v >= from_version && !visit(v, p)) break;
      }
    } else {
      for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
        if (it->first <= from_version && !visit(it->first, it->second)) break;
      }
    }
    return {};
  }

  Status ScanStreamIds(std::string_view prefix, std::string_view after,
                       const StreamIdVisitor& visit) override {
    std::vector<std::string> ids;
    {
      std::shared_lock l(mu_);
      for (const auto& [id, _] : index_) {
        if (id.starts_with(prefix) && id > after) ids.push_back(id);
      }
    }
    std::sort(ids.begin(), ids.end());
    for (const auto& id : ids) {
      if (!visit(id)) break;
    }
    return {};
  }

  Result<std::optional<std::string>> GetState(std::string_view key) override {
    std::shared_lock l(mu_);
    auto it = state_.find(std::string(key));
    if (it == state_.end()) return std::optional<std::string>{};
    return std::optional<std::string>{it->second};
  }

  Status PutState(const std::vector<KeyValue>& pairs, bool /*sync*/) override {
    std::unique_lock l(mu_);
    for (const auto& kv : pairs) state_[kv.key] = kv.value;
    return {};
  }

  Status ScrubState(const std::vector<std::string>& erase, const std::vector<KeyValue>& replace) override {
    std::unique_lock l(mu_);
    for (const auto& k : erase) state_.erase(k);
    for (const auto& kv : replace) state_[kv.key] = kv.value;
    return {};
  }

  Status ClearState(std::string_view prefix) override {
    std::unique_lock l(mu_);
    auto it = state_.lower_bound(std::string(prefix));
    while (it != state_.end() && it->first.compare(0, prefix.size(), prefix) == 0) it = state_.erase(it);
    return {};
  }

  Result<std::optional<std::string>> GetBlob(const Hash256& key) override {
    std::shared_lock l(mu_);
    auto it = blobs_.find(key);
    if (it == blobs_.end()) return std::optional<std::string>{};
    return std::optional<std::string>{it->second};
  }

  Status PutBlob(const Hash256& key, std::string_view bytes, bool /*sync*/) override {
    std::unique_lock l(mu_);
    blobs_.emplace(key, std::string(bytes));
    return {};
  }

  Result<std::vector<KeyValue>> ScanState(std::string_view prefix) override {
    std::shared_lock l(mu_);
    std::vector<KeyValue> out;
    for (auto it = state_.lower_bound(std::string(prefix));
         it != state_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
      out.push_back({it->first, it->second});
    }
    return out;
  }

 private:
  std::shared_mutex mu_;
  std::vector<std::string> events_;
  std::unordered_map<std::string, std::map<std::uint64_t, std::uint64_t>> index_;
  std::unordered_map<std::string, StreamHead> heads_;
  std::unordered_map<Uuid, IdEntry, UuidHash> ids_;
  std::map<std::string, std::string> state_;
  std::map<std::pair<std::uint8_t, std::uint64_t>, Hash256> merkle_;
  std::map<Hash256, std::string> blobs_;
  LogHead head_;
};

}  // namespace

std::unique_ptr<Backend> NewMemoryBackend() { return std::make_unique<MemoryBackend>(); }

}  // namespace assure::storage
