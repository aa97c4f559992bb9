// What a slim row of the live read model keeps (EntityTable::Row::slim):
// the fields the model's scans read from every row, so a scan never has to
// load an entity; a read that needs anything else loads the whole state from
// the entity's stream (WithFullState, network_model.h).
//
// Meetings keep: id, group, title, date, location, status (lists, the
//   attendance and live filters) in the state; the closed actions and the
//   quorum are dropped. Who attended and how (without their
//   organisation: AttendanceOf) and each decision's id and links (without
//   its text: QsinCoverage, the decision log, a version's
//   meeting_decision_id) and its open actions, whole (the list of open
//   actions, ListOpenActions) are kept packed in the row (Row::packed,
//   below), read with ForEachAttendance, ForEachDecision and
//   ForEachOpenAction, which read a row whole or slim alike (so a scan that
//   reads none of them decodes none). Packed, an id made by the server (a uuid, 36 characters)
//   takes 17 bytes, any other text its bytes plus 1 (2 from 64 bytes on); an attendance record
//   takes its person id and 1, a decision its id, its links (a byte, an id
//   and a version id each) and 1: a meeting of 33 records and 33 decisions
//   with one link each (uuid ids) about 1.8 KB slim, where the same parts
//   kept as the state's map and vector took about 14 KB (160 bytes per
//   record, 260 per decision), and as plain texts about 3.8 KB.
// Documents keep every field but the versions, of which only the version in
//   force stays (the review list's filter); FindVersion needs the whole state.
// Other kinds are never slimmed: their states do not grow with history (a
// deliverable's progress notes are already bounded, domain/deliverable.h).
//
// The packed bytes are kept in memory and in a cold row (cold_rows.h,
// FORMAT.md 2.1 row1/, where they are defined); a snapshot writes a slim
// row's state with its parts unpacked (FORMAT.md 2.1), and a slim row read
// back from one is packed again (EntityTable::RestoreRows). Layout, for the
// reader of this file: n = LEB128 count; s = a text: n = 1 then a uuid's 16
// bytes (read back in its lowercase 8-4-4-4-12 form, the only form packed
// so; an uppercase uuid is kept as written), or n = 2 x its size then its
// bytes;
//   records: n, then per record (person id s, attendance byte) in person order;
//   decisions: n, then per decision (decision id s, links n, then per link
//   (kind byte, id s, version id s)) in the order recorded;
//   open actions: n, then per open action (id s, text s, owner person id s,
//   due date s, notes n, then per note s) in the order recorded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/queries/entity_table.h"
#include "domain/controlled_document.h"
#include "domain/meeting.h"

namespace assure::api {

// Each makes `state` its slim form, putting what it keeps packed in
// `packed`; returns true (the row is slim from then on).
bool SlimMeeting(domain::MeetingState& state, std::string& packed);
bool SlimDocument(domain::ControlledDocumentState& state, std::string& packed);
// Puts a slim meeting's packed attendance, decisions and open actions back
// into `state` (as SlimMeeting left them: no organisations, no decisions'
// texts), for a snapshot.
void UnpackMeeting(domain::MeetingState& state, std::string_view packed);

using MeetingRow = EntityTable<domain::MeetingAggregate>::Row;

// Reads SlimMeeting's packed bytes, front to back; past their end, reads 0
// and empty texts, and a count is never more than the bytes left (the bytes
// may come from a cold row on disk). Every item takes a byte at least, so a
// reader stops a list when the bytes are used up (More), whatever its count
// said: damaged bytes never read as empty items.
class PackedMeeting {
 public:
  explicit PackedMeeting(std::string_view bytes) : in_(bytes) {}
  std::uint64_t Count();
  // Reads a text into `out` (a uuid in its 36 characters).
  void Text(std::string& out);
  void SkipText();
  std::uint8_t Byte();
  // Whether bytes are left for another item of a list.
  bool More() const { return !in_.empty(); }
  // Past the attendance records and the decisions, to the open actions.
  void SkipToActions();
  // Reads an open action into `a`.
  void Action(domain::MeetingAction& a);

 private:
  std::uint64_t Number();  // a LEB128 number as written (a text's tag)
  std::string_view in_;
};

// fn(std::string_view person_id, domain::Attendance) for each attendance
// record of a meeting, whole (`packed` empty) or slim, in person id order.
// The id is valid during the call only (a slim row's is read into a buffer).
template <class Fn>
void ForEachAttendance(const domain::MeetingState& state, std::string_view packed, Fn&& fn) {
  if (packed.empty()) {
    for (const auto& [person, record] : state.attendance) fn(std::string_view(person), record.attendance);
    return;
  }
  PackedMeeting in(packed);
  std::string person;
  for (std::uint64_t n = in.Count(); n > 0 && in.More(); --n) {
    in.Text(person);
    fn(std::string_view(person), static_cast<domain::Attendance>(in.Byte()));
  }
}
template <class Fn>
void ForEachAttendance(const MeetingRow& row, Fn&& fn) {
  ForEachAttendance(row.state, row.packed, std::forward<Fn>(fn));
}

// fn(std::string_view decision_id, const std::vector<domain::DecisionLink>&
// links) for each decision of a meeting, whole (`packed` empty) or slim, in
// the order recorded (a decision's index is the same in both). The id and
// links are valid during the call only.
template <class Fn>
void ForEachDecision(const domain::MeetingState& state, std::string_view packed, Fn&& fn) {
  if (packed.empty()) {
    for (const auto& d : state.decisions) fn(std::string_view(d.decision_id), d.links);
    return;
  }
  PackedMeeting in(packed);
  for (std::uint64_t n = in.Count(); n > 0 && in.More(); --n) {  // past the attendance
    in.SkipText();
    in.Byte();
  }
  std::string id;
  std::vector<domain::DecisionLink> links;
  for (std::uint64_t n = in.Count(); n > 0 && in.More(); --n) {
    in.Text(id);
    links.clear();
    for (std::uint64_t k = in.Count(); k > 0 && in.More(); --k) {
      auto& l = links.emplace_back();
      l.kind = static_cast<domain::DecisionLinkKind>(in.Byte());
      in.Text(l.id);
      in.Text(l.version_id);
    }
    fn(std::string_view(id), std::as_const(links));
  }
}
template <class Fn>
void ForEachDecision(const MeetingRow& row, Fn&& fn) {
  ForEachDecision(row.state, row.packed, std::forward<Fn>(fn));
}

// fn(const domain::MeetingAction&) for each open action of a meeting, whole
// (`packed` empty) or slim, in the order recorded. The action is valid
// during the call only.
template <class Fn>
void ForEachOpenAction(const domain::MeetingState& state, std::string_view packed, Fn&& fn) {
  if (packed.empty()) {
    for (const auto& a : state.actions) {
      if (a.open) fn(a);
    }
    return;
  }
  PackedMeeting in(packed);
  in.SkipToActions();
  domain::MeetingAction a;
  for (std::uint64_t n = in.Count(); n > 0 && in.More(); --n) {
    in.Action(a);
    fn(std::as_const(a));
  }
}
template <class Fn>
void ForEachOpenAction(const MeetingRow& row, Fn&& fn) {
  ForEachOpenAction(row.state, row.packed, std::forward<Fn>(fn));
}

}  // namespace assure::api
