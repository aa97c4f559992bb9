#include "storage/fault_backend.h"

namespace assure::storage {

Error FaultBackend::NoSpace() {
  return MakeError(ErrorCode::kIoError,
                   "committing events: IO error: No space left on device: While appending to file");
}

void FaultBackend::FailCommits(std::optional<Error> e) {
  std::lock_guard l(mu_);
  commit_fault_ = std::move(e);
  commit_fault_from_ = 1;
}

void FaultBackend::FailCommitsFrom(std::uint64_t n, Error e) {
  std::lock_guard l(mu_);
  commit_fault_ = std::move(e);
  commit_fault_from_ = n;
}

void FaultBackend::FailStateWrites(std::optional<Error> e) {
  std::lock_guard l(mu_);
  state_fault_ = std::move(e);
}

void FaultBackend::FailReads(std::optional<Error> e) {
  std::lock_guard l(mu_);
  read_fault_ = std::move(e);
}

void FaultBackend::FailResume(std::optional<Error> e) {
  std::lock_guard l(mu_);
  resume_fault_ = std::move(e);
}

void FaultBackend::HoldCommits(bool hold) {
  {
    std::lock_guard l(mu_);
    hold_ = hold;
  }
  cv_.notify_all();
}

void FaultBackend::AwaitHeldCommit() {
  std::unique_lock l(mu_);
  cv_.wait(l, [&] { return held_waiting_; });
}

std::optional<Error> FaultBackend::ReadFault() const {
  std::lock_guard l(mu_);
  return read_fault_;
}

std::optional<Error> FaultBackend::WriteFault() const {
  std::lock_guard l(mu_);
  return commit_fault_;
}

Result<std::optional<StreamHead>> FaultBackend::GetStreamHead(std::string_view stream_id) {
  if (auto e = ReadFault()) return *e;
  return inner_->GetStreamHead(stream_id);
}

Result<std::optional<IdEntry>> FaultBackend::GetIdEntry(const Uuid& id) {
  if (auto e = ReadFault()) return *e;
  return inner_->GetIdEntry(id);
}

Result<std::optional<std::string>> FaultBackend::GetEvent(std::uint64_t position) {
  event_reads_.fetch_add(1);
  if (auto e = ReadFault()) return *e;
  return inner_->GetEvent(position);
}

Status FaultBackend::GetEvents(std::span<const std::uint64_t> positions, const EventVisitor& visit) {
  event_reads_.fetch_add(positions.size());
  if (auto e = ReadFault()) return *e;
  return inner_->GetEvents(positions, visit);
}

Result<LogHead> FaultBackend::LoadHead() {
  if (auto e = ReadFault()) return *e;
  return inner_->LoadHead();
}

Result<std::optional<Hash256>> FaultBackend::GetMerkleNode(std::uint8_t level, std::uint64_t index) {
  if (auto e = ReadFault()) return *e;
  return inner_->GetMerkleNode(level, index);
}

Status FaultBackend::ScanMerkleLevel(std::uint8_t level, const MerkleVisitor& visit) {
  if (auto e = ReadFault()) return *e;
  return inner_->ScanMerkleLevel(level, visit);
}

Status FaultBackend::Commit(const CommitBatch& batch, bool sync) {
  {
    std::unique_lock l(mu_);
    held_waiting_ = true;
    cv_.notify_all();
    cv_.wait(l, [&] { return !hold_; });
    held_waiting_ = false;
  }
  const std::uint64_t n = commits_.fetch_add(1) + 1;
  {
    std::lock_guard l(mu_);
    if (commit_fault_ && n >= commit_fault_from_) return *commit_fault_;
  }
  return inner_->Commit(batch, sync);
}

Status FaultBackend::ScanEvents(std::uint64_t from, const EventVisitor& visit) {
  if (auto e = ReadFault()) return *e;
  return inner_->ScanEvents(from, [&](std::uint64_t position, std::string_view value) {
    scanned_events_.fetch_add(1);
    return visit(position, value);
  });
}

Status FaultBackend::ScanStream(std::string_view stream_id, std::uint64_t from_version,
                                Direction direction, const IndexVisitor& visit) {
  if (auto e = ReadFault()) return *e;
  return inner_->ScanStream(stream_id, from_version, direction, visit);
}

Status FaultBackend::ScanStreamIds(std::string_view prefix, std::string_view after,
                                   const StreamIdVisitor& visit) {
  if (auto e = ReadFault()) return *e;
  return inner_->ScanStreamIds(prefix, after, visit);
}

Result<std::optional<std::string>> FaultBackend::GetState(std::string_view key) {
  if (auto e = ReadFault()) return *e;
  return inner_->GetState(key);
}

Status FaultBackend::PutState(const std::vector<KeyValue>& pairs, bool sync) {
  if (auto e = WriteFault()) return *e;
  {
    std::lock_guard l(mu_);
    if (state_fault_) return *state_fault_;
  }
  return inner_->PutState(pairs, sync);
}

Result<std::vector<KeyValue>> FaultBackend::ScanState(std::string_view prefix) {
  if (auto e = ReadFault()) return *e;
  auto all = inner_->ScanState(prefix);
  if (all.ok()) state_values_read_.fetch_add(all->size());
  return all;
}

Status FaultBackend::VisitState(std::string_view prefix, std::string_view from, const StateVisitor& visit) {
  if (auto e = ReadFault()) return *e;
  return inner_->VisitState(prefix, from, [&](std::string_view key, std::string_view value) {
    state_values_read_.fetch_add(1);
    return visit(key, value);
  });
}

Status FaultBackend::ClearState(std::string_view prefix) {
  if (auto e = WriteFault()) return *e;
  {
    std::lock_guard l(mu_);
    if (state_fault_) return *state_fault_;
  }
  return inner_->ClearState(prefix);
}

Status FaultBackend::ScrubState(const std::vector<std::string>& erase, const std::vector<KeyValue>& replace) {
  if (auto e = WriteFault()) return *e;
  return inner_->ScrubState(erase, replace);
}

Result<std::optional<std::string>> FaultBackend::GetBlob(const Hash256& key) {
  if (auto e = ReadFault()) return *e;
  return inner_->GetBlob(key);
}

Status FaultBackend::PutBlob(const Hash256& key, std::string_view bytes, bool sync) {
  if (auto e = WriteFault()) return *e;
  return inner_->PutBlob(key, bytes, sync);
}

Status FaultBackend::Resume() {
  resumes_.fetch_add(1);
  {
    std::lock_guard l(mu_);
    if (resume_fault_) return *resume_fault_;
  }
  return inner_->Resume();
}

}  // namespace assure::storage
