// The parts of an evidence pack's report (api/evidence/pack_html.h): a
// statement's summary row and its detail (deliverables, documents, groups,
// meetings). Internal to api/evidence; every value is HTML-escaped.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <string>

#include <nlohmann/json.hpp>

#include "api/evidence/report_names.h"
#include "api/evidence/report_verdict.h"

namespace assure::api::html {

// A JSON value as escaped text ("" for null; strings without quotes).
std::string S(const nlohmann::json& v);
// S with hyphens as spaces: "partly-met" as "partly met".
std::string Words(const nlohmann::json& v);
// obj[key] as S gives it, or "" when there is none.
std::string Field(const nlohmann::json& obj, const char* key);
void Row(std::string& out, std::initializer_list<std::string> cells, const char* tag = "td");
// A RAGB rating's cell, coloured: <td class="r-red">red</td>; "none" for null.
std::string RagbCell(const nlohmann::json& r);

// The quorum of a meeting as a sentence: "Quorum met: 5 of 8 members
// present (at least 4 needed); the chair or a vice-chair was present."
std::string QuorumSentence(const nlohmann::json& meeting);

// The columns of a summary row (the overview table and each statement's).
extern const char* const kSummaryHeader;
// A statement's summary row: self-assessment, evidence by kind (each
// deliverable with its rating, status and what it counts as, up to
// `list_limit`), the verdict. `st` is hydrated (HydrateStatement).
std::string SummaryRow(const nlohmann::json& st, const StatementSummary& s, const ReportNamer& names,
                       std::size_t list_limit);

// The detail of a hydrated statement.
void Deliverables(std::string& out, const nlohmann::json& st, const nlohmann::json& histories,
                  const nlohmann::json& totals, const ReportNamer& names);
void Documents(std::string& out, const nlohmann::json& st, const ReportNamer& names);
void Groups(std::string& out, const nlohmann::json& st, const ReportNamer& names);
void Meetings(std::string& out, const nlohmann::json& st, std::size_t omitted, const nlohmann::json& entities,
              const ReportNamer& names);
// The statement's risks (hydrated): register, owner, scores, status,
// reviews, controls and escalations, in words.
void Risks(std::string& out, const nlohmann::json& st, const ReportNamer& names);

}  // namespace assure::api::html
