// The questions boards and quality leads ask of the network model. All are
// pure functions of a NetworkModel (current or as-at) and return JSON rows in
// a stable order (by id unless said otherwise).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/queries/first_keys.h"
#include "api/queries/network_model.h"

namespace assure::api {

struct DeliverableFilter {
  std::optional<std::string> programme_id;
  std::optional<std::string> group_id;   // via the deliverable's programme
  std::optional<std::string> ragb;       // wire name: red|amber|blue|green|none
  std::optional<std::string> status;     // wire name, e.g. in-progress
  std::optional<std::string> owner;      // case-insensitive substring
  std::optional<std::string> qsin_code;  // e.g. IN-601
  bool overdue_only = false;
  std::string today;                     // YYYY-MM-DD, for "overdue"
  // YYYY-MM-DD, a business date: only deliverables completed on or before it
  // (status completed, and the whole period their Date Completed names ended
  // by then: "Mar-23" is completed by 2023-03-31, not by 2023-03-15).
  std::optional<std::string> completed_by;
  // One of kDeliverableSortKeys, "-" in front for descending; empty: "programme".
  std::string sort;
};

// How ListDeliverables can order its rows. "programme" (the default) is the
// order boards know: programmes by group name, year and title, and within a
// programme the order its deliverables were listed (the spreadsheet's row
// order on import); deliverables no longer listed come after their
// programme's. The others sort by that field (text case-insensitively; dates
// by the date read, those without one last; ragb red, amber, blue, green,
// none; status in its lifecycle order), ties in programme order.
inline constexpr std::string_view kDeliverableSortKeys[] = {
    "programme", "reference", "title", "owner", "date_initiated", "planned_end",
    "date_completed", "ragb", "status", "id"};

// The page [offset, offset + limit) of the matching rows in the order asked
// for, and how many match: each row the deliverable's read model plus
// "group_id" and "overdue". Only the page's rows are rendered (the others
// hold a pointer and what they sort by while the list is sorted).
// Errors: kInvalidArgument (field "sort") for an unknown sort key;
// kNotFound (field "programme_id" / "group_id") for a programme or group
// that does not exist in `m`. QSIN codes match case-insensitively.
Result<ListPage> ListDeliverables(const NetworkModel& m, const DeliverableFilter& f, std::size_t offset = 0,
                                  std::size_t limit = SIZE_MAX);

// Documents whose review date of the version in force is within `within_days`
// of `today` (inclusive) or past: the page [offset, offset + limit) of rows
// {document..., review_date, days_to_review, review_state: "due"|"overdue"},
// soonest first (then by id), and the number in all. The filter reads the
// rows (a slim row keeps the version in force); only the page's documents
// are loaded whole (a slim one from its stream: an error only if that load
// fails).
Result<ListPage> ListDocumentsForReview(const NetworkModel& m, const std::string& today, int within_days,
                                        std::size_t offset, std::size_t limit);

// A list row's meeting in words: {meeting_id, meeting (MeetingName),
// group_id, group_name}; a list adds its own fields to it.
nlohmann::json MeetingRowJson(const NetworkModel& m, std::string_view meeting_id, const domain::MeetingState& meeting);

// Open actions of every meeting, by due date (then meeting id, then the
// order recorded), filters optional: the page [offset, offset + limit) of
// rows {meeting_id, meeting (its title and date in words), group_id,
// group_name, action_id, text, owner_person_id, owner (the person's name),
// due_date, notes, overdue} and the number of rows in all. Reads every row's
// open actions (a slim meeting keeps them, slim_rows.h) and never loads a
// meeting from its stream; holds offset + limit keys at most, not every
// open action.
ListPage ListOpenActions(const NetworkModel& m, const std::optional<std::string>& owner_person_id,
                                const std::optional<std::string>& due_before, const std::string& today,
                                std::size_t offset, std::size_t limit);

// Memberships of a group held on `date` (YYYY-MM-DD), with the person's name.
Result<std::vector<nlohmann::json>> GroupMembersOn(const NetworkModel& m, const std::string& group_id,
                                                   const std::string& date);

// Every meeting the person's attendance was recorded at, by scheduled date
// (then meeting id): the page [offset, offset + limit) of rows {meeting_id,
// meeting (in words), group_id, group_name, title, scheduled_for,
// attendance} and the number in all.
ListPage AttendanceOf(const NetworkModel& m, const std::string& person_id, std::size_t offset, std::size_t limit);

// Per QSIN statement: its catalogue entry (if defined), the deliverables,
// documents and meeting decisions mapped to it, counts, the latest
// self-assessment, and "gaps": the statements with no deliverable, document or
// decision at all (a self-assessment alone is not evidence of routine use).
// `codes` limits the report (empty: every defined statement and every code
// seen in the network).
nlohmann::json QsinCoverage(const NetworkModel& m, const std::vector<std::string>& codes);

// Days from a to b (YYYY-MM-DD), or nullopt if either is not a date.
std::optional<long> DaysBetween(const std::string& a, const std::string& b);

}  // namespace assure::api
