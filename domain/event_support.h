// Small helpers shared by the aggregates' Decide functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/event.h"
#include "domain/result.h"

namespace assure::domain {

using Events = std::vector<NewEvent>;

// std::visit helper: Overloaded{[](const A&) {...}, [](const B&) {...}}.
template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
// Spelled out for clang before 17, which does not deduce an aggregate's
// template arguments (the fuzz build, tests/fuzz, uses clang 14).
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

// The event data of a view, or an empty object (Evolve never fails).
const nlohmann::json& DataOf(const EventView& event);

// An event of `type` at the current schema version whose data is `data` plus
// "id" (the aggregate's id) and "occurred_at" (ctx.now_us as ISO-8601 UTC with
// microseconds, e.g. "2023-05-24T10:00:00.000000Z"). Actor and reason travel
// as metadata: the api layer stores ctx.actor and `reason`.
NewEvent MakeEvent(std::string_view type, const CommandContext& ctx, std::string_view id,
                   nlohmann::json data, std::string reason = {});

// ErrorCode::kRuleViolation: a domain rule refused the command.
Error RuleViolation(std::string message);
// ErrorCode::kInvalidArgument naming `field`.
Error InvalidField(std::string field, std::string message);
// A create command: refused if the entity exists; needs ctx.new_id.
Status CheckCreate(bool exists, std::string_view kind, const CommandContext& ctx);
// Any other command: the entity must exist.
Status CheckExists(bool exists, std::string_view kind);
// `reason` must be non-blank (ErrorCode::kInvalidArgument, field "reason").
Status RequireReason(std::string_view reason, std::string_view what);

}  // namespace assure::domain

namespace assure::domain {
// ErrorCode::kNotFound: `name` is not a command of aggregate `kind`.
Error UnknownCommand(std::string_view kind, std::string_view name);
}  // namespace assure::domain
