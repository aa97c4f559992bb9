// What one event changed, in words and as fields: the unit of an entity's
// history. Each aggregate's Describe(before, event) builds one from the event
// and the state before it, in O(event): never by serialising or diffing the
// whole state (a deliverable with thousands of notes would otherwise carry
// every note twice in every history entry).
#pragma once

#include <cstddef>
#include <initializer_list>
#include <utility>
#include <initializer_list>
#include <utility>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/event.h"

namespace assure::domain {

// One field or collection item. `field` is the read model's member name
// ("ragb", "planned_end") or, for an item of a collection, "<collection>.<item
// id>" ("progress_notes.n12") with the item as `from`/`to` (null when it was
// absent) - never a whole collection. Ids stay ids (people, groups): the api
// layer may resolve them to names.
struct FieldChange {
  std::string field;
  nlohmann::json from;
  nlohmann::json to;
  friend bool operator==(const FieldChange&, const FieldChange&) = default;
};

// An entity the summary names by its id (a person, a group, a meeting...):
// reads that know names put the name in place of the id (api/core/
// actor_names.h), so the history says "Attendance: Ada Chair present", not a
// UUID. kind: "person", "organisation", "group", "document",
// "document-version" (id "<document id>#<version id>"), "meeting",
// "deliverable".
struct NamedRef {
  std::string kind;
  std::string id;
};

struct Change {
  std::string summary;  // e.g. "Rating Amber → Red", "Note added (1 Feb 2024): ..."
  std::vector<FieldChange> changes;
  std::vector<NamedRef> refs;  // the ids in `summary` a read may name
};

// Helpers for the aggregates' Describe functions (domain/*_describe.cc).

// Records that the summary names `id` (of `kind`) and returns it, to be
// written into the summary; an empty id is not recorded.
std::string Named(Change& change, std::string kind, std::string id);
// Appends {field, from, to} unless from == to.
void AddChange(Change& change, std::string field, nlohmann::json from, nlohmann::json to);
// A wire name or member name as words: "on-hold" -> "On hold",
// "planned_end" -> "Planned end"; "" -> "none".
std::string Words(std::string_view name);
// "2024-02-01" (or a timestamp starting so) -> "1 Feb 2024"; other text as it is.
std::string HumanDate(std::string_view iso);
// The first `max` bytes of `text` (cut at a UTF-8 boundary) plus "…" if cut.
std::string Excerpt(std::string_view text, std::size_t max = 200);
// The event's data without "id" and "occurred_at": an item as history shows it.
nlohmann::json ItemOf(const EventView& event);
// For each (key, value before) whose key the event data carries:
// AddChange(key, value before, data[key]).
void DataFields(Change& change, const nlohmann::json& data,
                std::initializer_list<std::pair<const char*, nlohmann::json>> before);
// "Title changed", "Title, planned end changed" ("Edited (no change)" if none).
std::string ChangedFields(const Change& change);
// For an event type Describe does not know (newer software wrote it): its type.
Change UnknownEvent(const EventView& event);

}  // namespace assure::domain
