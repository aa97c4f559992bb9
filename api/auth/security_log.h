// The security access log, kept apart from the business events.
//
// Storage: the event store's state area (never the event log), one entry per
// key "security/<seq>" where <seq> is the 20-digit zero-padded decimal
// sequence number from 1 (so key order is numeric order and keys stay
// UTF-8), and the next sequence number under "security-meta/next". Each entry
// and the counter are written in one synced PutState batch. Values are
// compact JSON objects (the fields of SecurityEvent; `at` as ISO 8601 UTC).
// Key names and fields are on-disk: never renamed.
//
// What the server records: authentication failures, authorisation refusals,
// every request made with an assessor token, every state-changing request
// made with an admin token, and every access to routes flagged
// security_audit (evidence-pack downloads). Tokens are never recorded.
//
// Thread safety: every method may be called from any thread; Record blocks on
// a synced write (call it off I/O threads). Read scans the whole log (it is
// for administrators, not a hot path).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "storage/clock.h"
#include "storage/event_store.h"

namespace assure::auth {

namespace security_kind {
inline constexpr const char* kAuthenticationFailure = "authentication_failure";
inline constexpr const char* kForbidden = "forbidden";
inline constexpr const char* kAssessorAccess = "assessor_access";
inline constexpr const char* kAdminAction = "admin_action";
inline constexpr const char* kEvidencePackDownload = "evidence_pack_download";
inline constexpr const char* kAuditedAccess = "audited_access";
}  // namespace security_kind

struct SecurityEvent {
  std::uint64_t seq = 0;     // assigned by Record
  std::int64_t at_us = 0;    // assigned by Record
  std::string kind;          // one of security_kind
  std::string token_id;      // empty when unauthenticated
  std::string role;
  std::string client_ip;
  std::string method;
  std::string path;          // without the query string
  int status = 0;
  std::string detail;
  std::string correlation_id;

  nlohmann::json ToJson() const;
  static SecurityEvent FromJson(const nlohmann::json& j);
};

class SecurityLog {
 public:
  SecurityLog(storage::EventStore& store, std::shared_ptr<storage::Clock> clock);

  // Reads the sequence counter. Call once before Record.
  Status Open();
  Status Record(SecurityEvent event);
  // Entries with seq >= from_seq, at most limit, oldest first.
  Result<std::vector<SecurityEvent>> Read(std::uint64_t from_seq, std::size_t limit);

 private:
  storage::EventStore& store_;
  std::shared_ptr<storage::Clock> clock_;
  std::mutex mu_;  // serialises Record: one sequence, one writer
  std::uint64_t next_seq_ = 1;
};

}  // namespace assure::auth
