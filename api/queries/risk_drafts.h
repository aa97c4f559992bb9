// Draft risks from the work programmes' "Interdependencies/ Risks" column
// (issue 22): each deliverable whose column says something, and that no risk
// links yet, is offered as a draft risk on its programme's group's register,
// for the programme manager to score and confirm. Nothing here writes: an
// import reports the drafts, and POST /api/v1/risk-drafts/confirm raises the
// ones a person confirms.
//
// Thread safety: pure functions of a NetworkModel; the caller holds whatever
// guards the model.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "api/queries/network_model.h"

namespace assure::api {

// False for text that says nothing: empty, or (trimmed, case-insensitive,
// a final full stop ignored) a placeholder such as "none", "n/a", "-",
// "tbc", "nil", or punctuation only.
bool RisksTextSaysSomething(std::string_view text);

// A draft's title from the column's text: its first line, up to the end of
// the first sentence, trimmed; longer than kDraftTitleMax characters (code
// points) it is cut at a word and ends with "…" (kDraftTitleMax in all).
inline constexpr std::size_t kDraftTitleMax = 120;
std::string DraftRiskTitle(std::string_view text);

// The deliverables some risk of `m` links (any status).
std::set<std::string> RiskLinkedDeliverables(const NetworkModel& m);

// The body of the "raise" command a draft proposes for `deliverable_id`:
// {title, event (the whole text), group_id (its programme's group),
// owner_person_id (its linked owner, if any), deliverable_ids: [it],
// qsin_codes (its MM/QSIN codes)}. nullopt, with `why` saying why, when the
// deliverable has no draft: unknown, in no group's programme, its column
// empty or a placeholder, or already linked by a risk (`linked`, from
// RiskLinkedDeliverables).
std::optional<nlohmann::json> DraftRiskBody(const NetworkModel& m, const std::set<std::string>& linked,
                                            const std::string& deliverable_id, std::string& why);

struct RiskDraftFilter {
  std::optional<std::string> programme_id;
  std::optional<std::string> group_id;
};

// {"drafts": [{deliverable: {id, reference, title, programme_id,
// programme_title, group_id, group_name}, text (the column as written),
// proposed (DraftRiskBody)}], "count"}, by group name, programme, then the
// programme's row order. Errors: kNotFound (field "programme_id" /
// "group_id") for a filter naming what is not in `m`.
Result<nlohmann::json> RiskDrafts(const NetworkModel& m, const RiskDraftFilter& f);

}  // namespace assure::api
