// Subject access (UK GDPR Article 15): everything Assure holds about one
// person, as JSON and as a readable document.
//
// What it gathers, scanning the whole log and the whole security log (a
// heavy operation):
//   - the person's record (name, email, job title, organisation; "erased"
//     once their data is erased) and the events of their own stream (types,
//     when, by whom, why; not their data, which the record shows);
//   - the tokens that name them (never a secret or its hash);
//   - every event they caused: whose actor is "person-<id>" or one of their
//     tokens' ids;
//   - every event of another stream whose data holds their id as a value (an
//     attendee, a member, an action's owner), with where;
//   - every event whose data mentions their name in free text (the exact
//     name, as written; a deliverable's "owner" as imported, a note, a
//     reason): such text is not covered by erasure, so it is listed for the
//     network to review;
//   - every security-log entry of one of their tokens.
// Lists are in log order. Nothing is written.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/auth/security_log.h"
#include "api/auth/token_index.h"
#include "api/queries/network_model.h"
#include "domain/person.h"
#include "storage/event_store.h"

namespace assure::api::rest {

struct SubjectAccessRequest {
  std::string person_id;
  domain::PersonState person;     // as the read model holds it
  std::string organisation_name;  // of person.organisation_id, if known
  std::vector<auth::TokenRecord> tokens;  // the tokens that name the person
  // A readable label of a stream ("deliverable 'Reporting turnaround'").
  std::function<std::string(std::string_view stream_id)> label;
  std::int64_t now_us = 0;
  // At most this many items in each list; a list cut short says so
  // ("<list>_truncated": true) and the counts are still whole.
  std::size_t max_items = 100'000;
};

// The report: {person_id, generated_at, person, own_record, tokens, acted,
// referenced, mentioned, security_log, counts, not_covered}.
Result<nlohmann::json> BuildSubjectAccess(storage::EventStore& store, auth::SecurityLog& security_log,
                                          const SubjectAccessRequest& request);

// The report as a plain-text document a person can read.
std::string SubjectAccessText(const nlohmann::json& report);

// "deliverable 'Reporting turnaround'": a stream's kind and its entity's name
// or title in `model` (the caller holds its lock), else the stream id.
std::string StreamLabel(const NetworkModel& model, std::string_view stream_id);

}  // namespace assure::api::rest
