// LogStore's readers: the head, the Merkle tree and its proofs, reads of
// events by position, stream and id, chain verification, the state area and
// blobs. They read the backend directly and take the locks they share with
// the writer (head_mu_, upper_mu_, heads_mu_) only briefly; the write path
// is in log_store_queue.cc (the queue and its threads) and
// log_store_commit.cc (one group commit); opening, listeners and the
// suspension are in log_store.cc.
#include "storage/log_store.h"

#include <algorithm>

#include "storage/codec.h"
#include "storage/log_store_internal.h"

namespace assure::storage {

// The first `count` stored nodes of a Merkle level; kCorruption when one is
// missing.
Result<std::vector<Hash256>> LogStore::ScanLevel(Backend& backend, std::uint8_t level, std::uint64_t count) {
  std::vector<Hash256> nodes;
  nodes.reserve(count);
  bool gap = false;
  if (count > 0) {
    ASSURE_TRY(backend.ScanMerkleLevel(level, [&](std::uint64_t index, const Hash256& h) {
      if (index != nodes.size()) {
        gap = true;
        return false;
      }
      nodes.push_back(h);
      return nodes.size() < count;
    }));
  }
  if (gap || nodes.size() != count) {
    return MakeError(ErrorCode::kCorruption, "Merkle tree node " + std::to_string(nodes.size()) + " of level " +
                                                 std::to_string(level) + " is missing; run 'assure verify'");
  }
  return nodes;
}

LogHead LogStore::Head() const {
  std::lock_guard l(head_mu_);
  return head_;
}

Result<Hash256> LogStore::Node(std::uint8_t level, std::uint64_t index) {
  if (level >= kUpperLevel) {
    std::shared_lock l(upper_mu_);
    const std::size_t at = level - kUpperLevel;
    if (at < upper_.size() && index < upper_[at].size()) return upper_[at][index];
  }
  auto n = backend_->GetMerkleNode(level, index);
  if (!n.ok()) return n.error();
  if (!n->has_value()) {
    return MakeError(ErrorCode::kCorruption, "Merkle node " + std::to_string(level) + "/" +
                                                 std::to_string(index) + " is missing");
  }
  return **n;
}

Status LogStore::CheckTreeSize(std::uint64_t tree_size, const char* field) const {
  const std::uint64_t head = Head().position;
  if (tree_size > head) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "tree size " + std::to_string(tree_size) + " is past the log head (" +
                         std::to_string(head) + ")",
                     field);
  }
  return {};
}

Result<Hash256> LogStore::MerkleRoot(std::uint64_t tree_size) {
  ASSURE_TRY(CheckTreeSize(tree_size, "tree_size"));
  return MerkleSubtreeRoot(0, tree_size, [this](std::uint8_t l, std::uint64_t i) { return Node(l, i); });
}

Result<std::vector<Hash256>> LogStore::MerkleLeaves(std::uint64_t count) {
  ASSURE_TRY(CheckTreeSize(count, "count"));  // the leaves of the tree of that size
  return ScanLevel(*backend_, 0, count);
}

Result<std::vector<Hash256>> LogStore::InclusionProof(std::uint64_t position,
                                                      std::uint64_t tree_size) {
  ASSURE_TRY(CheckTreeSize(tree_size, "tree_size"));
  if (position == 0 || position > tree_size) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "position must be between 1 and the tree size", "position");
  }
  return MerkleInclusionProof(position - 1, tree_size,
                              [this](std::uint8_t l, std::uint64_t i) { return Node(l, i); });
}

Result<std::vector<Hash256>> LogStore::ConsistencyProof(std::uint64_t from_size,
                                                        std::uint64_t to_size) {
  ASSURE_TRY(CheckTreeSize(to_size, "to"));
  if (from_size > to_size) {
    return MakeError(ErrorCode::kInvalidArgument, "'from' must not exceed 'to'", "from");
  }
  return MerkleConsistencyProof(from_size, to_size,
                                [this](std::uint8_t l, std::uint64_t i) { return Node(l, i); });
}

Result<RecordedEvent> LogStore::ReadEvent(std::uint64_t position) {
  auto v = backend_->GetEvent(position);
  if (!v.ok()) return v.error();
  if (!v->has_value()) {
    return MakeError(ErrorCode::kNotFound, "no event at position " + std::to_string(position),
                     "position");
  }
  auto e = DecodeEventValue(**v);
  if (!e.ok()) return e.error();
  if (e->position != position) {
    return MakeError(ErrorCode::kCorruption,
                     "event stored at position " + std::to_string(position) + " says it is at " +
                         std::to_string(e->position));
  }
  return e;
}

namespace {

// An event value met by a scan at key `pos`, decoded into `e`; kCorruption
// when it does not decode or says it is elsewhere.
Status DecodeScanned(std::uint64_t pos, std::string_view value, RecordedEvent& e) {
  ASSURE_TRY(DecodeEventValueInto(value, e));
  if (e.position != pos) {
    return MakeError(ErrorCode::kCorruption, "event key/position mismatch at " + std::to_string(pos));
  }
  return {};
}

}  // namespace

Result<std::vector<RecordedEvent>> LogStore::ReadStream(std::string_view stream_id,
                                                        std::uint64_t from_version,
                                                        Direction direction,
                                                        std::size_t max_count) {
  ASSURE_TRY(ValidateStreamId(options_, stream_id));
  if (max_count == 0) {
    return MakeError(ErrorCode::kInvalidArgument, "max_count must be at least 1", "limit");
  }
  max_count = std::min(max_count, options_.max_page);
  auto head = backend_->GetStreamHead(stream_id);
  if (!head.ok()) return head.error();
  if (!head->has_value()) {
    return MakeError(ErrorCode::kNotFound, "no stream '" + std::string(stream_id) + "'");
  }
  std::vector<std::uint64_t> positions;
  Status s = backend_->ScanStream(stream_id, from_version, direction,
                                  [&](std::uint64_t, std::uint64_t p) {
                                    positions.push_back(p);
                                    return positions.size() < max_count;
                                  });
  if (!s.ok()) return s.error();
  // One batched read of the events (Backend::GetEvents), not a lookup each.
  std::vector<RecordedEvent> out(positions.size());
  std::size_t n = 0;
  std::optional<Error> error;
  s = backend_->GetEvents(positions, [&](std::uint64_t p, std::string_view value) {
    if (Status d = DecodeScanned(p, value, out[n++]); !d.ok()) error = d.error();
    return !error;
  });
  if (error) return *error;
  if (!s.ok()) return s.error();
  if (n != positions.size()) {
    return MakeError(ErrorCode::kCorruption, "the stream index names events the log does not hold");
  }
  return out;
}

Result<std::vector<std::string>> LogStore::StreamIds(std::string_view prefix, std::string_view after,
                                                     std::size_t max_count) {
  if (max_count == 0) {
    return MakeError(ErrorCode::kInvalidArgument, "max_count must be at least 1", "limit");
  }
  max_count = std::min(max_count, options_.max_page);
  std::vector<std::string> ids;
  ASSURE_TRY(backend_->ScanStreamIds(prefix, after, [&](std::string_view id) {
    ids.emplace_back(id);
    return ids.size() < max_count;
  }));
  return ids;
}

Result<ReadAllPage> LogStore::ReadAll(std::uint64_t from_position, std::size_t max_count,
                                      const ReadAllFilter& filter) {
  if (max_count == 0) {
    return MakeError(ErrorCode::kInvalidArgument, "max_count must be at least 1", "limit");
  }
  const bool filtered = !filter.stream_prefix.empty() || !filter.event_types.empty();
  if (!filtered) {
    ReadAllPage page;
    ASSURE_TRY(ReadAllInto(from_position, max_count, page));
    return page;
  }
  max_count = std::min(max_count, options_.max_page);
  if (from_position == 0) from_position = 1;
  const std::uint64_t max_examined = 16 * options_.max_page;
  ReadAllPage page;
  page.next_position = from_position;
  std::uint64_t examined = 0;
  std::optional<Error> error;
  bool stopped = false;
  Status s = backend_->ScanEvents(from_position, [&](std::uint64_t pos, std::string_view value) {
    if (!filter.stream_prefix.empty()) {
      // Peek at the stream id (FORMAT.md: after format byte and position)
      // to skip other streams without decoding them.
      if (value.size() >= 13) {
        std::uint32_t n = GetU32(value.data() + 9);
        std::string_view sid = value.substr(13, n);
        if (!sid.starts_with(filter.stream_prefix)) {
          page.next_position = pos + 1;
          if (++examined >= max_examined) return !(stopped = true);
          return true;
        }
      }
    }
    RecordedEvent e;
    if (Status d = DecodeScanned(pos, value, e); !d.ok()) {
      error = d.error();
      return false;
    }
    page.next_position = pos + 1;
    ++examined;
    bool keep = filter.event_types.empty() ||
                std::find(filter.event_types.begin(), filter.event_types.end(), e.type) !=
                    filter.event_types.end();
    if (keep && !filter.stream_prefix.empty()) keep = e.stream_id.starts_with(filter.stream_prefix);
    if (keep) page.events.push_back(std::move(e));
    if (page.events.size() >= max_count || examined >= max_examined) return !(stopped = true);
    return true;
  });
  if (error) return *error;
  if (!s.ok()) return s.error();
  page.end_of_log = !stopped || page.next_position > Head().position;
  return page;
}

Status LogStore::ReadAllInto(std::uint64_t from_position, std::size_t max_count, ReadAllPage& page) {
  if (max_count == 0) {
    return MakeError(ErrorCode::kInvalidArgument, "max_count must be at least 1", "limit");
  }
  max_count = std::min(max_count, options_.max_page);
  if (from_position == 0) from_position = 1;
  page.next_position = from_position;
  std::size_t n = 0;
  std::optional<Error> error;
  bool stopped = false;
  Status s = backend_->ScanEvents(from_position, [&](std::uint64_t pos, std::string_view value) {
    if (n == page.events.size()) page.events.emplace_back();
    if (Status d = DecodeScanned(pos, value, page.events[n]); !d.ok()) {
      error = d.error();
      return false;
    }
    page.next_position = pos + 1;
    if (++n >= max_count) return !(stopped = true);
    return true;
  });
  page.events.resize(n);
  if (error) return *error;
  if (!s.ok()) return s.error();
  page.end_of_log = !stopped || page.next_position > Head().position;
  return {};
}

Result<StreamInfo> LogStore::GetStreamInfo(std::string_view stream_id) {
  ASSURE_TRY(ValidateStreamId(options_, stream_id));
  Result<std::optional<StreamHead>> head = CachedHead(stream_id);
  if (!head->has_value()) head = backend_->GetStreamHead(stream_id);
  if (!head.ok()) return head.error();
  StreamInfo info;
  if (!head->has_value()) return info;
  const StreamHead& h = **head;
  info.exists = true;
  info.current_version = h.version;
  info.event_count = h.version + 1;
  info.first_recorded_at_us = h.first_recorded_at_us;
  info.last_recorded_at_us = h.last_recorded_at_us;
  info.last_position = h.last_position;
  return info;
}

Result<std::optional<std::uint64_t>> LogStore::FindEventId(const Uuid& event_id) {
  auto entry = backend_->GetIdEntry(event_id);
  if (!entry.ok()) return entry.error();
  if (!entry->has_value()) return std::optional<std::uint64_t>{};
  return std::optional<std::uint64_t>{(*entry)->position};
}

Result<std::uint64_t> LogStore::PositionAt(std::int64_t at_us) {
  const LogHead head = Head();
  if (head.position == 0) return std::uint64_t{0};
  if (head.recorded_at_us <= at_us) return head.position;
  // Invariant: recorded_at(lo) <= at_us < recorded_at(hi), with lo = 0 as "before 1".
  std::uint64_t lo = 0, hi = head.position;
  while (hi - lo > 1) {
    std::uint64_t mid = lo + (hi - lo) / 2;
    auto e = ReadEvent(mid);
    if (!e.ok()) return e.error();
    if (e->recorded_at_us <= at_us) lo = mid;
    else hi = mid;
  }
  return lo;
}

Result<VerifyReport> LogStore::Verify(std::uint64_t from, std::uint64_t to) {
  const LogHead head = Head();
  VerifyReport report;
  report.from = from == 0 ? 1 : from;
  report.to = (to == 0 || to > head.position) ? head.position : to;
  if (report.from > report.to) return report;

  auto fail = [&](std::uint64_t pos, std::string why) {
    report.ok = false;
    report.first_bad_position = pos;
    report.problem = std::move(why);
  };
  Hash256 prev{};
  std::int64_t last_time = 0;
  if (report.from > 1) {
    auto before = ReadEvent(report.from - 1);
    if (!before.ok()) {
      fail(report.from - 1, before.error().message);
      return report;
    }
    prev = before->hash;
    last_time = before->recorded_at_us;
  }
  std::uint64_t expect = report.from;
  Status s = backend_->ScanEvents(report.from, [&](std::uint64_t pos, std::string_view value) {
    if (pos > report.to) return false;
    if (pos != expect) {
      fail(expect, "event missing: the next stored position is " + std::to_string(pos));
      return false;
    }
    auto e = DecodeEventValue(value);
    if (!e.ok()) {
      fail(pos, e.error().message);
      return false;
    }
    if (e->position != pos) {
      fail(pos, "the record says position " + std::to_string(e->position));
      return false;
    }
    Hash256 stored{};
    auto canonical = CanonicalPart(value, &stored);
    Hash256 computed = ChainHash(prev, *canonical);
    if (computed != stored) {
      fail(pos, "hash mismatch: stored " + HexEncode(stored) + ", computed " + HexEncode(computed));
      return false;
    }
    if (e->recorded_at_us < last_time) {
      fail(pos, "recorded_at is earlier than the event before it");
      return false;
    }
    prev = stored;
    last_time = e->recorded_at_us;
    ++report.checked;
    ++expect;
    return true;
  });
  if (!s.ok()) return s.error();
  if (report.ok && expect <= report.to) {
    fail(expect, "event missing: the log ends at " + std::to_string(expect - 1));
  }
  if (report.ok && report.to == head.position && prev != head.hash) {
    fail(head.position, "the log head record does not match the last event's hash");
  }
  return report;
}

Result<std::optional<std::string>> LogStore::GetState(std::string_view key) {
  return backend_->GetState(key);
}

Status LogStore::PutState(const std::vector<KeyValue>& pairs, bool sync) {
  return backend_->PutState(pairs, sync && options_.sync);
}

Result<std::optional<KeyValue>> LogStore::LastState(std::string_view prefix,
                                                     std::string_view below) {
  return backend_->LastState(prefix, below);
}

Result<std::vector<KeyValue>> LogStore::ScanState(std::string_view prefix) {
  return backend_->ScanState(prefix);
}

Status LogStore::VisitState(std::string_view prefix, std::string_view from,
                            const std::function<bool(std::string_view key, std::string_view value)>& visit) {
  return backend_->VisitState(prefix, from, visit);
}

Status LogStore::ClearState(std::string_view prefix) { return backend_->ClearState(prefix); }

Status LogStore::EraseState(const std::vector<std::string>& keys) {
  return backend_->ScrubState(keys, {});
}

Status LogStore::ReplaceStateBeyondRecovery(const std::vector<KeyValue>& pairs) {
  return backend_->ScrubState({}, pairs);
}

Status LogStore::Checkpoint(const std::string& dir) { return backend_->Checkpoint(dir); }

Blob::Blob(std::string bytes)
    : sha256_(Sha256(bytes)), bytes_(std::make_shared<const std::string>(std::move(bytes))) {}

Result<Hash256> LogStore::PutBlob(std::string_view bytes) {
  ASSURE_TRY(CheckBlobSize(options_, bytes.size()));
  Hash256 key = Sha256(bytes);
  auto existing = backend_->GetBlob(key);
  if (!existing.ok()) return existing.error();
  if (!existing->has_value()) ASSURE_TRY(backend_->PutBlob(key, bytes, options_.sync));
  return key;
}

Result<std::optional<std::string>> LogStore::GetBlob(const Hash256& sha256) {
  return backend_->GetBlob(sha256);
}

}  // namespace assure::storage
