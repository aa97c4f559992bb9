// index.html of an evidence pack: a self-contained report (inline CSS with a
// print stylesheet, no scripts, no external requests) rendered from
// pack.json. Every value is HTML-escaped.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace assure::api {

// What the report lists at most: each statement's latest meetings, each
// deliverable's latest RAGB changes (pack.json has them all).
inline constexpr std::size_t kHtmlMeetings = 100;
inline constexpr std::size_t kHtmlRagbRows = 50;

// `report` is ReportModel (api/evidence/pack_content.h): pack.json's content
// with statements' meetings and RAGB histories already cut to the limits
// above, and what was cut counted in "meetings_omitted" and
// "ragb_history_totals". A pack.json read back also renders (nothing cut,
// nothing counted).
std::string RenderPackHtml(const nlohmann::json& report, const std::string& identity);

// The identity RenderPackHtml is given when the report is rendered before
// pack.json is hashed (beside it, by the builder); FillPackHtmlIdentity then
// puts the real one in its place (only there: user text is escaped, so the
// markup around it cannot come from a pack's content). False if the report
// has no such placeholder.
inline constexpr const char* kPendingIdentity = "pending-identity";
bool FillPackHtmlIdentity(std::string& html, const std::string& identity);

// & < > " ' escaped.
std::string HtmlEscape(std::string_view text);

}  // namespace assure::api
