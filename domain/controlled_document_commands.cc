// ControlledDocumentAggregate::ParseCommand: the JSON codec of document commands.
#include <algorithm>
#include <cstdint>

#include "domain/controlled_document.h"
#include "domain/event_support.h"
#include "domain/json_read.h"

namespace assure::domain {

namespace {

// An array of strings, or one string split at commas ("IN-201, IN-601").
std::vector<std::string> ReadNumbers(FieldReader& r, const nlohmann::json& body) {
  const nlohmann::json& v = GetMember(body, "document_numbers");
  if (!v.is_string()) return r.StrList("document_numbers");
  std::vector<std::string> out;
  const std::string& text = v.get_ref<const std::string&>();
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    std::string part = Trim(std::string_view(text).substr(start, comma - start));
    if (!part.empty()) out.push_back(std::move(part));
    start = comma + 1;
  }
  return out;
}

}  // namespace

Result<ControlledDocumentAggregate::Command> ControlledDocumentAggregate::ParseCommand(
    std::string_view name, const nlohmann::json& body) {
  FieldReader r(body);
  Command command;
  if (name == "register") {
    RegisterDocument c;
    c.title = r.Str("title");
    c.document_numbers = ReadNumbers(r, body);
    c.owner = r.StrOr("owner");
    c.target_audience = r.StrOr("target_audience");
    c.review_interval_months = static_cast<int>(r.OptInt("review_interval_months", 0, 120).value_or(0));
    command = c;
  } else if (name == "add-draft-version") {
    AddDraftVersion c;
    c.version_label = r.Str("version_label");
    c.summary = r.StrOr("summary");
    c.author = r.StrOr("author");
    c.content_sha256 = r.Str("content_sha256");
    c.media_type = r.Str("media_type");
    c.size_bytes = r.Int("size_bytes", 1, INT64_MAX);
    command = c;
  } else if (name == "approve-version") {
    command = ApproveVersion{r.Str("version_id"), r.Str("approving_group_id"), r.Date("date_adopted"),
                             r.StrOr("meeting_decision_id"), r.OptDate("review_date")};
  } else if (name == "publish") {
    command = PublishVersion{r.Str("version_id")};
  } else if (name == "set-review-date") {
    command = SetReviewDate{r.Date("review_date"), r.StrOr("reason")};
  } else if (name == "withdraw") {
    command = WithdrawDocument{r.Str("reason")};
  } else {
    return UnknownCommand(kKind, name);
  }
  if (!r.ok()) return r.error();
  return command;
}

}  // namespace assure::domain
