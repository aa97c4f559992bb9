// What each kind of evidence counts as in an evidence pack's report, and the
// verdict per statement (met / partly met / gap) the report's summary rows
// give. The rules, in the words the report prints (kHowToReadHtml, also in
// README "Evidence packs"):
//
//   A deliverable is *achieved* when rated Green or completed; *under way*
//   when rated Red, Amber or Blue and neither completed nor cancelled; *not
//   evidence* when it has no rating and is not completed (only planned);
//   a cancelled one is left out.
//   A controlled document counts when a version is approved and in force
//   on the date (adopted on or before it); one with none is *not in force*;
//   a withdrawn one is left out.
//   A meeting decision counts when it refers to one of the statement's
//   deliverables or documents.
//
//   gap:        nothing counts (no deliverable achieved or under way, no
//               document in force, no decision);
//   met:        something achieved or in force, and every deliverable
//               achieved and every document in force;
//   partly met: anything else.
//
// A self-assessment is shown beside the verdict, never counted in it.
// Computed from the report's data alone (a statement as HydrateStatement
// gives it), so a pack.json read back gives the same verdicts.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace assure::api {

enum class DeliverableEvidence { kAchieved, kUnderWay, kNotEvidence, kLeftOut };
enum class Verdict { kGap, kPartlyMet, kMet };

// A deliverable's read model (its "state"): what it counts as.
DeliverableEvidence ClassifyDeliverable(const nlohmann::json& state);
// A document's entity: whether a version is in force on `date` (YYYY-MM-DD).
bool DocumentInForce(const nlohmann::json& document, const std::string& date);

struct StatementSummary {
  std::size_t achieved = 0, under_way = 0, not_evidence = 0;  // deliverables
  std::size_t documents_in_force = 0, documents_not_in_force = 0;
  std::size_t decisions = 0, meetings = 0;  // every one the statement has
  std::size_t meetings_shown = 0, quorate_meetings = 0;  // of those the report shows
  std::size_t risks = 0, risks_in_use = 0;  // mapped; of those, reviewed or escalated
  Verdict verdict = Verdict::kGap;
};

// `statement`: a statement hydrated by HydrateStatement; `date`: the as-at
// date.
StatementSummary Summarise(const nlohmann::json& statement, const std::string& date);

// "met", "partly met", "gap".
std::string_view VerdictName(Verdict v);
// "achieved", "under way", "not evidence", "left out (cancelled)".
std::string_view EvidenceName(DeliverableEvidence e);

// The report's "How to read this report" section (HTML), stating the rules.
extern const char* const kHowToReadHtml;

}  // namespace assure::api
