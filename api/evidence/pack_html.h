// index.html of an evidence pack: a self-contained report (inline CSS with a
// print stylesheet, no scripts, no external requests) rendered from
// pack.json. Every value is HTML-escaped.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace assure::api {

std::string RenderPackHtml(const nlohmann::json& pack, const std::string& identity);

// & < > " ' escaped.
std::string HtmlEscape(std::string_view text);

}  // namespace assure::api
