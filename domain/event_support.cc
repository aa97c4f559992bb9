#include "domain/event_support.h"

#include "domain/calendar.h"
#include "domain/json_read.h"
#include "domain/upcast.h"

namespace assure::domain {

NewEvent MakeEvent(std::string_view type, const CommandContext& ctx, std::string_view id,
                   nlohmann::json data, std::string reason) {
  NewEvent e;
  e.type = std::string(type);
  e.schema_version = CurrentSchemaVersion(type);
  if (!data.is_object()) data = nlohmann::json::object();
  data["id"] = std::string(id);
  data["occurred_at"] = FormatTimestampUs(ctx.now_us);
  e.data = std::move(data);
  e.reason = std::move(reason);
  return e;
}

const nlohmann::json& DataOf(const EventView& event) {
  static const nlohmann::json kEmpty = nlohmann::json::object();
  return event.data != nullptr && event.data->is_object() ? *event.data : kEmpty;
}

Error RuleViolation(std::string message) {
  return MakeError(ErrorCode::kRuleViolation, std::move(message));
}

Error InvalidField(std::string field, std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(message), std::move(field));
}

Status CheckCreate(bool exists, std::string_view kind, const CommandContext& ctx) {
  if (exists) {
    return MakeError(ErrorCode::kAlreadyExists,
                     "this " + std::string(kind) + " already exists; use another id");
  }
  if (Trim(ctx.new_id).empty()) {
    return InvalidField("id", "a new " + std::string(kind) + " needs an id");
  }
  return {};
}

Status CheckExists(bool exists, std::string_view kind) {
  if (!exists) {
    return MakeError(ErrorCode::kNotFound,
                     "no such " + std::string(kind) + "; create it first");
  }
  return {};
}

Status RequireReason(std::string_view reason, std::string_view what) {
  if (Trim(reason).empty()) {
    return InvalidField("reason", "a reason is required to " + std::string(what));
  }
  return {};
}

}  // namespace assure::domain

namespace assure::domain {
Error UnknownCommand(std::string_view kind, std::string_view name) {
  return MakeError(ErrorCode::kNotFound, "'" + std::string(name) + "' is not a command of " +
                                            std::string(kind));
}
}  // namespace assure::domain
