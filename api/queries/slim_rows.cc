#include "api/queries/slim_rows.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <utility>

#include "storage/types.h"

namespace assure::api {

namespace {
// Frees a container's or string's memory, not only its size.
template <class T>
void Release(T& x) {
  T().swap(x);
}

// A uuid in its lowercase 8-4-4-4-12 form (every id the server makes) as
// tag 1 and its 16 bytes; any other text as tag 2 x its size and its bytes.
void PutText(std::string& out, std::string_view s) {
  if (s.size() == 36) {
    if (auto u = storage::Uuid::Parse(s); u.ok()) {
      char back[36];
      u->FormatTo(back);
      if (std::string_view(back, sizeof back) == s) {  // read back byte for byte
        out += '\x01';
        out.append(reinterpret_cast<const char*>(u->bytes.data()), u->bytes.size());
        return;
      }
    }
  }
  PutLeb128(out, std::uint64_t{s.size()} << 1);
  out += s;
}
}  // namespace

std::uint64_t PackedMeeting::Number() {
  std::uint64_t n = 0;
  if (!GetLeb128(in_, n)) in_ = {};  // cut short: the rest reads as nothing
  return n;
}

std::uint64_t PackedMeeting::Count() {
  // Every record, decision and link takes a byte at least: a count past
  // what is left (bytes damaged on disk) cannot make a reader loop or
  // allocate for long.
  return std::min<std::uint64_t>(Number(), in_.size());
}

void PackedMeeting::Text(std::string& out) {
  const std::uint64_t tag = Number();
  if ((tag & 1) != 0) {
    storage::Uuid u;
    const std::size_t n = std::min(u.bytes.size(), in_.size());
    std::memcpy(u.bytes.data(), in_.data(), n);
    in_.remove_prefix(n);
    out.resize(36);
    u.FormatTo(out.data());
    return;
  }
  const std::string_view s = in_.substr(0, tag >> 1);
  in_.remove_prefix(s.size());
  out.assign(s);
}

void PackedMeeting::SkipText() {
  const std::uint64_t tag = Number();
  in_.remove_prefix(std::min<std::uint64_t>((tag & 1) != 0 ? 16 : tag >> 1, in_.size()));
}

void PackedMeeting::SkipToActions() {
  for (std::uint64_t n = Count(); n > 0 && More(); --n) {  // the attendance
    SkipText();
    Byte();
  }
  for (std::uint64_t n = Count(); n > 0 && More(); --n) {  // the decisions
    SkipText();
    for (std::uint64_t links = Count(); links > 0 && More(); --links) {
      Byte();
      SkipText();
      SkipText();
    }
  }
}

void PackedMeeting::Action(domain::MeetingAction& a) {
  for (std::string* text : {&a.action_id, &a.text, &a.owner_person_id, &a.due_date}) Text(*text);
  a.open = true;
  a.closure_evidence.clear();
  a.notes.clear();
  for (std::uint64_t n = Count(); n > 0 && More(); --n) Text(a.notes.emplace_back());
}

std::uint8_t PackedMeeting::Byte() {
  if (in_.empty()) return 0;
  const auto b = static_cast<std::uint8_t>(in_.front());
  in_.remove_prefix(1);
  return b;
}

bool SlimMeeting(domain::MeetingState& s, std::string& packed) {
  std::string out;
  PutLeb128(out, s.attendance.size());
  for (const auto& [person, record] : s.attendance) {
    PutText(out, person);
    out += static_cast<char>(record.attendance);
  }
  PutLeb128(out, s.decisions.size());
  for (const auto& d : s.decisions) {
    PutText(out, d.decision_id);
    PutLeb128(out, d.links.size());
    for (const auto& l : d.links) {
      out += static_cast<char>(l.kind);
      PutText(out, l.id);
      PutText(out, l.version_id);
    }
  }
  // The open actions, whole (ListOpenActions reads them from every row); the
  // closed ones go.
  PutLeb128(out, static_cast<std::uint64_t>(
                     std::count_if(s.actions.begin(), s.actions.end(), [](const auto& a) { return a.open; })));
  for (const auto& a : s.actions) {
    if (!a.open) continue;
    for (const std::string* text : {&a.action_id, &a.text, &a.owner_person_id, &a.due_date}) PutText(out, *text);
    PutLeb128(out, a.notes.size());
    for (const auto& note : a.notes) PutText(out, note);
  }
  out.shrink_to_fit();
  packed = std::move(out);
  Release(s.attendance);
  Release(s.decisions);
  Release(s.actions);
  s.quorum.reset();
  return true;
}

void UnpackMeeting(domain::MeetingState& s, std::string_view packed) {
  if (packed.empty()) return;
  std::map<std::string, domain::AttendanceRecord> attendance;
  std::vector<domain::MeetingDecision> decisions;
  ForEachAttendance(s, packed, [&](std::string_view person, domain::Attendance a) {
    attendance.emplace_hint(attendance.end(), std::string(person), domain::AttendanceRecord{a, {}});
  });
  ForEachDecision(s, packed, [&](std::string_view id, const std::vector<domain::DecisionLink>& links) {
    decisions.push_back({std::string(id), {}, links});
  });
  std::vector<domain::MeetingAction> actions;
  ForEachOpenAction(s, packed, [&](const domain::MeetingAction& a) { actions.push_back(a); });
  s.attendance = std::move(attendance);
  s.decisions = std::move(decisions);
  s.actions = std::move(actions);
}

bool SlimDocument(domain::ControlledDocumentState& s, std::string&) {
  std::vector<domain::DocumentVersion> in_force;
  if (const auto* v = s.InForce()) in_force.push_back(*v);
  s.versions = std::move(in_force);
  return true;
}

}  // namespace assure::api
