// ControlledDocumentAggregate::Decide, Evolve and ToJson.
#include "domain/controlled_document.h"

#include <algorithm>

#include "domain/calendar.h"
#include "domain/event_support.h"
#include "domain/json_read.h"
#include "domain/mm_qsin_reference.h"
#include "domain/text_limits.h"

namespace assure::domain {

using nlohmann::json;

bool IsSha256Hex(std::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

const DocumentVersion* ControlledDocumentState::FindVersion(std::string_view version_id) const {
  for (const auto& v : versions) {
    if (v.version_id == version_id) return &v;
  }
  return nullptr;
}

const DocumentVersion* ControlledDocumentState::InForce() const {
  for (const auto& v : versions) {
    if (v.status == VersionStatus::kInForce) return &v;
  }
  return nullptr;
}

const DocumentVersion* ControlledDocumentState::LastAdopted() const {
  const DocumentVersion* last = nullptr;
  for (const auto& v : versions) {
    if (v.date_adopted.empty()) continue;
    if (last == nullptr || v.date_adopted >= last->date_adopted) last = &v;
  }
  return last;
}

const DocumentVersion* ControlledDocumentState::InForceOn(std::string_view iso_date) const {
  const DocumentVersion* found = nullptr;
  for (const auto& v : versions) {  // in the order approved, dates never going back
    if (v.date_adopted.empty() || v.date_adopted > iso_date) continue;
    if (found == nullptr || v.date_adopted >= found->date_adopted) found = &v;
  }
  return found;
}

namespace {

bool IsMediaType(std::string_view t) {
  const auto slash = t.find('/');
  return slash != std::string_view::npos && slash > 0 && slash + 1 < t.size() &&
         t.find(' ') == std::string_view::npos && t.find('/', slash + 1) == std::string_view::npos;
}

std::vector<std::string> QsinCodesOf(const std::vector<std::string>& numbers) {
  std::vector<std::string> codes;
  for (const auto& n : numbers) {
    for (auto& c : ParseMmQsinReference(n).codes) {
      if (std::find(codes.begin(), codes.end(), c) == codes.end()) codes.push_back(std::move(c));
    }
  }
  return codes;
}

}  // namespace

Result<Events> ControlledDocumentAggregate::Decide(const State& s, const Command& command,
                                                   const CommandContext& ctx) {
  if (!std::holds_alternative<RegisterDocument>(command)) {
    ASSURE_TRY(CheckExists(s.exists, kKind));
    if (s.withdrawn) return RuleViolation("the document is withdrawn; register a new one");
  }
  return TextChecked(std::visit(
      Overloaded{
          [&](const RegisterDocument& c) -> Result<Events> {
            ASSURE_TRY(CheckCreate(s.exists, kKind, ctx));
            if (Trim(c.title).empty()) return InvalidField("title", "a document needs a title");
            if (c.review_interval_months < 0 || c.review_interval_months > 120) {
              return InvalidField("review_interval_months", "must be 0..120");
            }
            return Events{MakeEvent("ControlledDocumentRegistered", ctx, ctx.new_id,
                                    {{"title", Trim(c.title)},
                                     {"document_numbers", c.document_numbers},
                                     {"qsin_codes", QsinCodesOf(c.document_numbers)},
                                     {"owner", Trim(c.owner)},
                                     {"target_audience", Trim(c.target_audience)},
                                     {"review_interval_months", c.review_interval_months}})};
          },
          [&](const AddDraftVersion& c) -> Result<Events> {
            const std::string label = Trim(c.version_label);
            if (label.empty()) return InvalidField("version_label", "name the version (e.g. V1)");
            for (const auto& v : s.versions) {
              if (v.version_label == label) return RuleViolation("version " + label + " already exists");
            }
            if (!IsSha256Hex(c.content_sha256)) {
              return InvalidField("content_sha256", "must be the SHA-256 of the content as 64 lower-case hex digits");
            }
            if (!IsMediaType(c.media_type)) return InvalidField("media_type", "must look like type/subtype");
            if (c.size_bytes <= 0) return InvalidField("size_bytes", "must be positive");
            if (c.size_bytes > kMaxDocumentContentBytes) {
              return MakeError(ErrorCode::kTooLarge, "the content is larger than the 256 MiB limit",
                               "size_bytes");
            }
            return Events{MakeEvent("ControlledDocumentDraftAdded", ctx, s.id,
                                    {{"version_id", "v" + std::to_string(s.versions.size() + 1)},
                                     {"version_label", label},
                                     {"summary", Trim(c.summary)},
                                     {"author", Trim(c.author)},
                                     {"content_sha256", c.content_sha256},
                                     {"media_type", c.media_type},
                                     {"size_bytes", c.size_bytes}})};
          },
          [&](const ApproveVersion& c) -> Result<Events> {
            const DocumentVersion* v = s.FindVersion(c.version_id);
            if (v == nullptr) return InvalidField("version_id", "no version '" + c.version_id + "'");
            if (v->status != VersionStatus::kDraft) return RuleViolation("only a draft can be approved");
            const DocumentVersion* current = s.InForce();
            if (current != nullptr && v < current) {
              return RuleViolation("version " + v->version_label + " is older than the version in force (" +
                                   current->version_label + ")");
            }
            if (Trim(c.approving_group_id).empty()) return InvalidField("approving_group_id", "name the approving group");
            const auto adopted = ParseIsoDate(c.date_adopted);
            if (!adopted) return InvalidField("date_adopted", "must be a date written YYYY-MM-DD");
            // Versions come into force in the order they are approved, so
            // their adoption dates may not go backwards: a backdated approval
            // is refused, never reordered.
            if (const DocumentVersion* last = s.LastAdopted(); last && c.date_adopted < last->date_adopted) {
              return InvalidField("date_adopted",
                                  "version " + last->version_label + " was adopted on " + last->date_adopted +
                                      "; version " + v->version_label + " cannot have been adopted before it (" +
                                      c.date_adopted + "). Approve versions in the order they were adopted");
            }
            std::string review = c.review_date.value_or("");
            if (!c.review_date && s.review_interval_months > 0) {
              review = FormatIsoDate(AddMonths(*adopted, s.review_interval_months));
            }
            if (!review.empty() && !ParseIsoDate(review)) return InvalidField("review_date", "must be a date written YYYY-MM-DD");
            if (!review.empty() && review < c.date_adopted) {
              return RuleViolation("the review date is before the date adopted");
            }
            Events out;
            out.push_back(MakeEvent("ControlledDocumentVersionApproved", ctx, s.id,
                                    {{"version_id", c.version_id},
                                     {"approving_group_id", Trim(c.approving_group_id)},
                                     {"date_adopted", c.date_adopted},
                                     {"meeting_decision_id", Trim(c.meeting_decision_id)},
                                     {"review_date", review}}));
            if (current != nullptr) {
              out.push_back(MakeEvent("ControlledDocumentVersionSuperseded", ctx, s.id,
                                      {{"version_id", current->version_id}, {"by_version_id", c.version_id}}));
            }
            return out;
          },
          [&](const PublishVersion& c) -> Result<Events> {
            const DocumentVersion* v = s.FindVersion(c.version_id);
            if (v == nullptr) return InvalidField("version_id", "no version '" + c.version_id + "'");
            if (v->status != VersionStatus::kInForce) return RuleViolation("only the version in force can be published");
            if (v->published) return RuleViolation("this version is already published");
            return Events{MakeEvent("ControlledDocumentVersionPublished", ctx, s.id, {{"version_id", c.version_id}})};
          },
          [&](const SetReviewDate& c) -> Result<Events> {
            const DocumentVersion* v = s.InForce();
            if (v == nullptr) return RuleViolation("no version is in force yet");
            if (!ParseIsoDate(c.review_date)) return InvalidField("review_date", "must be a date written YYYY-MM-DD");
            if (c.review_date < v->date_adopted) return RuleViolation("the review date is before the date adopted");
            if (c.review_date == v->review_date) return RuleViolation("the review date is unchanged");
            return Events{MakeEvent("ControlledDocumentReviewDateSet", ctx, s.id,
                                    {{"version_id", v->version_id},
                                     {"review_date", c.review_date},
                                     {"previous_review_date", v->review_date}},
                                    Trim(c.reason))};
          },
          [&](const WithdrawDocument& c) -> Result<Events> {
            ASSURE_TRY(RequireReason(c.reason, "withdraw a document"));
            const DocumentVersion* v = s.InForce();
            return Events{MakeEvent("ControlledDocumentWithdrawn", ctx, s.id,
                                    {{"version_id", v != nullptr ? v->version_id : ""}}, Trim(c.reason))};
          },
      },
      command));
}

void ControlledDocumentAggregate::Evolve(State& s, const EventView& e) {
  const json& d = DataOf(e);
  auto version = [&](const std::string& id) -> DocumentVersion* {
    for (auto& v : s.versions) {
      if (v.version_id == id) return &v;
    }
    return nullptr;
  };
  if (e.type == "ControlledDocumentRegistered") {
    s.exists = true;
    s.id = GetStr(d, "id");
    s.title = GetStr(d, "title");
    s.document_numbers = GetStrList(d, "document_numbers");
    s.qsin_codes = GetStrList(d, "qsin_codes");
    s.owner = GetStr(d, "owner");
    s.target_audience = GetStr(d, "target_audience");
    s.review_interval_months = static_cast<int>(GetInt(d, "review_interval_months"));
  } else if (e.type == "ControlledDocumentDraftAdded") {
    DocumentVersion v;
    v.version_id = GetStr(d, "version_id");
    v.version_label = GetStr(d, "version_label");
    v.summary = GetStr(d, "summary");
    v.author = GetStr(d, "author");
    v.content_sha256 = GetStr(d, "content_sha256");
    v.media_type = GetStr(d, "media_type");
    v.size_bytes = GetInt(d, "size_bytes");
    s.versions.push_back(std::move(v));
  } else if (e.type == "ControlledDocumentVersionApproved") {
    if (auto* v = version(GetStr(d, "version_id"))) {
      v->status = VersionStatus::kInForce;
      v->approving_group_id = GetStr(d, "approving_group_id");
      v->date_adopted = GetStr(d, "date_adopted");
      v->meeting_decision_id = GetStr(d, "meeting_decision_id");
      v->review_date = GetStr(d, "review_date");
    }
  } else if (e.type == "ControlledDocumentVersionSuperseded") {
    if (auto* v = version(GetStr(d, "version_id"))) {
      v->status = VersionStatus::kSuperseded;
      v->superseded_by = GetStr(d, "by_version_id");
    }
  } else if (e.type == "ControlledDocumentVersionPublished") {
    if (auto* v = version(GetStr(d, "version_id"))) v->published = true;
  } else if (e.type == "ControlledDocumentReviewDateSet") {
    if (auto* v = version(GetStr(d, "version_id"))) v->review_date = GetStr(d, "review_date");
  } else if (e.type == "ControlledDocumentWithdrawn") {
    s.withdrawn = true;
    s.withdrawn_reason = std::string(e.reason);
    if (auto* v = version(GetStr(d, "version_id"))) v->status = VersionStatus::kWithdrawn;
  }
}

json ControlledDocumentAggregate::ToJson(const State& s) {
  json versions = json::array();
  for (const auto& v : s.versions) {
    versions.push_back({{"version_id", v.version_id},
                        {"version_label", v.version_label},
                        {"summary", v.summary},
                        {"author", v.author},
                        {"content_sha256", v.content_sha256},
                        {"media_type", v.media_type},
                        {"size_bytes", v.size_bytes},
                        {"status", NameOf(kVersionStatusNames, v.status)},
                        {"approving_group_id", v.approving_group_id},
                        {"date_adopted", v.date_adopted},
                        {"meeting_decision_id", v.meeting_decision_id},
                        {"review_date", v.review_date},
                        {"published", v.published},
                        {"superseded_by", v.superseded_by}});
  }
  const DocumentVersion* in_force = s.InForce();
  return json{{"id", s.id},
              {"title", s.title},
              {"document_numbers", s.document_numbers},
              {"qsin_codes", s.qsin_codes},
              {"owner", s.owner},
              {"target_audience", s.target_audience},
              {"review_interval_months", s.review_interval_months},
              {"in_force_version_id", in_force ? json(in_force->version_id) : json(nullptr)},
              {"review_date", in_force && !in_force->review_date.empty() ? json(in_force->review_date)
                                                                         : json(nullptr)},
              {"withdrawn", s.withdrawn},
              {"withdrawn_reason", s.withdrawn_reason},
              {"versions", std::move(versions)}};
}

}  // namespace assure::domain
