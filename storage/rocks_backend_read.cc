// The RocksDB backend's reads: point lookups (stream heads, event ids,
// events, Merkle nodes, the log head, state, blobs) and scans (Merkle levels,
// events by position, a stream's index either way, stream ids, state by
// prefix). Layouts: storage/FORMAT.md.
#include <algorithm>
#include <cstring>

#include "storage/rocks_backend_internal.h"

namespace assure::storage {

Result<std::optional<StreamHead>> RocksBackend::GetStreamHead(std::string_view stream_id) {
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

Result<std::optional<IdEntry>> RocksBackend::GetIdEntry(const Uuid& id) {
  std::string v;
  auto s = db_->Get({}, cf(kIds),
                    rocksdb::Slice(reinterpret_cast<const char*>(id.bytes.data()), 16), &v);
  if (s.IsNotFound()) return std::optional<IdEntry>{};
  if (!s.ok()) return FromRocks(s, "reading event id index");
  if (v.size() != 16) return MakeError(ErrorCode::kCorruption, "event id entry malformed");
  return std::optional<IdEntry>{
      IdEntry{GetU64(v.data()), static_cast<std::int64_t>(GetU64(v.data() + 8))}};
}

Result<std::optional<std::string>> RocksBackend::GetEvent(std::uint64_t position) {
  std::string v;
  auto s = db_->Get({}, cf(kEvents), U64Key(position), &v);
  if (s.IsNotFound()) return std::optional<std::string>{};
  if (!s.ok()) return FromRocks(s, "reading event");
  return std::optional<std::string>{std::move(v)};
}

// One iterator for all of them: a position just after the one before (a
// stream written with little between its events) is a step or a few along
// it, where a Get each would search every memtable and level again; any
// other position is a Seek, which costs what a Get does.
Status RocksBackend::GetEvents(std::span<const std::uint64_t> positions, const EventVisitor& visit) {
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

Result<std::optional<Hash256>> RocksBackend::GetMerkleNode(std::uint8_t level, std::uint64_t index) {
  std::string v;
  auto s = db_->Get({}, cf(kMerkle), MerkleKey(level, index), &v);
  if (s.IsNotFound()) return std::optional<Hash256>{};
  if (!s.ok()) return FromRocks(s, "reading merkle node");
  if (v.size() != 32) return MakeError(ErrorCode::kCorruption, "merkle node value malformed");
  Hash256 h;
  std::memcpy(h.data(), v.data(), 32);
  return std::optional<Hash256>{h};
}

Result<LogHead> RocksBackend::LoadHead() {
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

Status RocksBackend::ScanMerkleLevel(std::uint8_t level, const MerkleVisitor& visit) {
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

Status RocksBackend::ScanEvents(std::uint64_t from, const EventVisitor& visit) {
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

Status RocksBackend::ScanStream(std::string_view stream_id, std::uint64_t from_version, Direction direction,
                  const IndexVisitor& visit) {
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

Status RocksBackend::ScanStreamIds(std::string_view prefix, std::string_view after,
                     const StreamIdVisitor& visit) {
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

Result<std::optional<std::string>> RocksBackend::GetState(std::string_view key) {
  std::string v;
  auto s = db_->Get({}, cf(kState), ToSlice(key), &v);
  if (s.IsNotFound()) return std::optional<std::string>{};
  if (!s.ok()) return FromRocks(s, "reading state");
  return std::optional<std::string>{std::move(v)};
}

Result<std::optional<std::string>> RocksBackend::GetBlob(const Hash256& key) {
  std::string v;
  auto s = db_->Get({}, cf(kBlobs), HashSlice(key), &v);
  if (s.IsNotFound()) return std::optional<std::string>{};
  if (!s.ok()) return FromRocks(s, "reading blob");
  return std::optional<std::string>{std::move(v)};
}

Result<std::vector<KeyValue>> RocksBackend::ScanState(std::string_view prefix) {
  std::vector<KeyValue> out;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, cf(kState)));
  for (it->Seek(ToSlice(prefix)); it->Valid() && it->key().starts_with(ToSlice(prefix));
       it->Next()) {
    out.push_back({it->key().ToString(), it->value().ToString()});
  }
  if (!it->status().ok()) return FromRocks(it->status(), "scanning state");
  return out;
}

Status RocksBackend::VisitState(std::string_view prefix, std::string_view from, const StateVisitor& visit) {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, cf(kState)));
  for (it->Seek(ToSlice(std::max(prefix, from))); it->Valid() && it->key().starts_with(ToSlice(prefix)); it->Next()) {
    if (!visit(std::string_view(it->key().data(), it->key().size()),
               std::string_view(it->value().data(), it->value().size()))) {
      return {};
    }
  }
  if (!it->status().ok()) return FromRocks(it->status(), "scanning state");
  return {};
}

Result<std::optional<KeyValue>> RocksBackend::LastState(std::string_view prefix,
                                                         std::string_view below) {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, cf(kState)));
  // The bound is the lesser of the prefix's end (PrefixEnd) and `below` (if
  // given); the last key before the bound, if it starts with prefix, is the one.
  std::string after = PrefixEnd(prefix);
  if (!below.empty() && (after.empty() || below < std::string_view(after))) after = below;
  if (after.empty()) {
    it->SeekToLast();
  } else {
    it->Seek(ToSlice(after));
    if (!it->status().ok()) return FromRocks(it->status(), "scanning state");
    if (it->Valid()) {
      it->Prev();
    } else {
      it->SeekToLast();
    }
  }
  if (!it->status().ok()) return FromRocks(it->status(), "scanning state");
  if (!it->Valid() || !it->key().starts_with(ToSlice(prefix))) return std::optional<KeyValue>{};
  return std::optional<KeyValue>{KeyValue{it->key().ToString(), it->value().ToString()}};
}

}  // namespace assure::storage
