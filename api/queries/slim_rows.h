// What a slim row of the live read model keeps (EntityTable::Row::slim):
// the fields the model's scans read from every row, so a scan never has to
// load an entity; a read that needs anything else loads the whole state from
// the entity's stream (FullState, network_model.h).
//
// Meetings keep: id, group, title, date, location, status (lists, the
//   attendance and live filters), who attended and how, without their
//   organisation (AttendanceOf), each decision's id and links without its
//   text (QsinCoverage, a version's meeting_decision_id), and the first open
//   action's id only (so ListOpenActions knows to load the meeting); every
//   other action and the quorum are dropped. What stays grows with the
//   meeting's attendance and decisions, not with its actions or texts:
//   about 160 bytes per attendance record (a map node and the person's id),
//   260 per decision with one link (its entry, id and link), and some 700
//   bytes of header (measured with glibc's malloc: a meeting of 33 records,
//   33 decisions and 33 open actions, 24.0 KB slim when every open action
//   was kept, is 14.7 KB).
// Documents keep every field but the versions, of which only the version in
//   force stays (the review list's filter); FindVersion needs the whole state.
// Other kinds are never slimmed: their states do not grow with history (a
// deliverable's progress notes are already bounded, domain/deliverable.h).
#pragma once

#include "domain/controlled_document.h"
#include "domain/meeting.h"

namespace assure::api {

// Each makes `state` its slim form; returns true (the row is slim from then on).
bool SlimMeeting(domain::MeetingState& state);
bool SlimDocument(domain::ControlledDocumentState& state);

}  // namespace assure::api
