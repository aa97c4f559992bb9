// The file name a controlled document's version downloads as: its first
// document number, its title and its version, with the extension of its
// media type, e.g. "WMIN-GOV-003 Governance policy v2.1.pdf" (issue 20: not
// the document's id, and never without an extension).
//
// As a Content-Disposition value (RFC 6266): an ASCII `filename` (anything
// outside printable ASCII, quotes, backslashes, slashes and control
// characters become '_') and the exact name as `filename*` (RFC 8187:
// UTF-8, percent-encoded).
#pragma once

#include <string>
#include <string_view>

#include "domain/controlled_document.h"

namespace assure::api::rest {

// The extension for a media type ("application/pdf" -> ".pdf"), "" if none known.
std::string ExtensionOf(std::string_view media_type);

// "<number> <title> v<label><ext>", trimmed to at most 150 bytes before the
// extension (whole UTF-8 characters), "document" when there is nothing to
// name it by.
std::string DownloadFileName(const domain::ControlledDocumentState& doc, const domain::DocumentVersion& version);

// `attachment; filename="<ascii>"; filename*=UTF-8''<percent-encoded>`.
std::string ContentDisposition(std::string_view file_name);

}  // namespace assure::api::rest
