// Controlled document: strategy, terms of reference, policies, with versions.
//
// The bytes of each version are stored elsewhere, content-addressed by their
// SHA-256; this stream records the hash, media type and size.
//
// Stream kind "controlled_document" (on-disk). Event types (on-disk, never
// renamed); every event's data also carries "id" and "occurred_at":
//   ControlledDocumentRegistered       {title, document_numbers, qsin_codes, owner,
//                                       target_audience, review_interval_months}
//   ControlledDocumentDraftAdded       {version_id, version_label, summary, author,
//                                       content_sha256, media_type, size_bytes}
//   ControlledDocumentVersionApproved  {version_id, approving_group_id, date_adopted,
//                                       meeting_decision_id, review_date}
//   ControlledDocumentVersionSuperseded {version_id, by_version_id}
//   ControlledDocumentVersionPublished {version_id}
//   ControlledDocumentReviewDateSet    {version_id, review_date, previous_review_date}
//   ControlledDocumentWithdrawn        {version_id}            reason required
//
// Rules: only a draft can be approved, and only one added after the version in
// force; approving it supersedes the version in force (two events, one
// decision) - until then the old version stays in force. Its date adopted may
// not be before that of any version approved earlier (a backdated approval is
// refused, naming date_adopted: versions are approved in the order adopted). Only the version in
// force can be published. Review date defaults to date adopted + review
// interval and is never before the date adopted. A withdrawn document accepts
// nothing further. Version ids are assigned here: "v1", "v2", ...
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/change.h"
#include "domain/event.h"
#include "domain/result.h"
#include "domain/wire_enum.h"

namespace assure::domain {

// Largest content accepted for a version (ErrorCode::kTooLarge above it).
inline constexpr std::int64_t kMaxDocumentContentBytes = 256LL * 1024 * 1024;

enum class VersionStatus : std::uint8_t { kDraft, kInForce, kSuperseded, kWithdrawn };
inline constexpr WireName<VersionStatus> kVersionStatusNames[] = {  // on-disk
    {VersionStatus::kDraft, "draft"},
    {VersionStatus::kInForce, "in-force"},
    {VersionStatus::kSuperseded, "superseded"},
    {VersionStatus::kWithdrawn, "withdrawn"},
};

// "register": title, document_numbers (array, or one string "IN-201, IN-601"),
// owner?, target_audience?, review_interval_months?
struct RegisterDocument {
  std::string title;
  std::vector<std::string> document_numbers;
  std::string owner;
  std::string target_audience;
  int review_interval_months = 0;  // 0 = none
};
// "add-draft-version": version_label, summary?, author?, content_sha256 (64 hex),
// media_type, size_bytes
struct AddDraftVersion {
  std::string version_label;
  std::string summary;
  std::string author;
  std::string content_sha256;
  std::string media_type;
  std::int64_t size_bytes = 0;
};
// "approve-version": version_id, approving_group_id, date_adopted,
// meeting_decision_id?, review_date?
struct ApproveVersion {
  std::string version_id;
  std::string approving_group_id;
  std::string date_adopted;
  std::string meeting_decision_id;
  std::optional<std::string> review_date;
};
struct PublishVersion {  // "publish": version_id
  std::string version_id;
};
struct SetReviewDate {  // "set-review-date": review_date, reason?
  std::string review_date;
  std::string reason;
};
struct WithdrawDocument {  // "withdraw": reason
  std::string reason;
};

struct DocumentVersion {
  std::string version_id;
  std::string version_label;
  std::string summary;
  std::string author;
  std::string content_sha256;
  std::string media_type;
  std::int64_t size_bytes = 0;
  VersionStatus status = VersionStatus::kDraft;
  std::string approving_group_id;
  std::string date_adopted;
  std::string meeting_decision_id;
  std::string review_date;
  bool published = false;
  std::string superseded_by;
  friend bool operator==(const DocumentVersion&, const DocumentVersion&) = default;
};

struct ControlledDocumentState {
  bool exists = false;
  std::string id;
  std::string title;
  std::vector<std::string> document_numbers;
  std::vector<std::string> qsin_codes;
  std::string owner;
  std::string target_audience;
  int review_interval_months = 0;
  std::vector<DocumentVersion> versions;  // in the order added
  bool withdrawn = false;
  std::string withdrawn_reason;

  const DocumentVersion* FindVersion(std::string_view version_id) const;
  const DocumentVersion* InForce() const;  // nullptr if none
  // The approved version with the latest date adopted (the last approved
  // when several share it); nullptr before any approval.
  const DocumentVersion* LastAdopted() const;
  // The version in force on a business date (YYYY-MM-DD): the approved
  // version with the latest date adopted on or before it, whatever its
  // status now (a later version may have superseded it since). nullptr when
  // none had been adopted by then. Uses dates adopted, not recorded times.
  const DocumentVersion* InForceOn(std::string_view iso_date) const;
  friend bool operator==(const ControlledDocumentState&, const ControlledDocumentState&) = default;
};

// An Aggregate (the contract: domain/aggregate.h).
struct ControlledDocumentAggregate {
  static constexpr std::string_view kKind = "controlled_document";  // on-disk
  using State = ControlledDocumentState;
  using Command = std::variant<RegisterDocument, AddDraftVersion, ApproveVersion, PublishVersion,
                               SetReviewDate, WithdrawDocument>;

  static Result<std::vector<NewEvent>> Decide(const State& state, const Command& command,
                                              const CommandContext& ctx);
  static void Evolve(State& state, const EventView& event);
  static Change Describe(const State& before, const EventView& event);
  static Result<Command> ParseCommand(std::string_view name, const nlohmann::json& body);
  // {id, title, document_numbers, qsin_codes, owner, target_audience,
  //  review_interval_months, in_force_version_id|null, review_date|null,
  //  withdrawn, withdrawn_reason, versions: [{version_id, version_label, summary,
  //  author, content_sha256, media_type, size_bytes, status, approving_group_id,
  //  date_adopted, meeting_decision_id, review_date, published, superseded_by}]}
  static nlohmann::json ToJson(const State& state);
  // The snapshot form (contract: domain/aggregate.h): ToJson plus "exists"; ignores the derived in_force_version_id and
  // review_date.
  static nlohmann::json SnapshotJson(const State& state);
  static Result<State> FromSnapshotJson(const nlohmann::json& snapshot);
};

// True for 64 lower-case hex digits.
bool IsSha256Hex(std::string_view text);

}  // namespace assure::domain
