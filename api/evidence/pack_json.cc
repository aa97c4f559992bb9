#include "api/evidence/pack_content.h"

#include "api/core/parallel.h"
#include "api/evidence/canonical_json.h"
#include "domain/calendar.h"

// pack.json in canonical form (FORMAT.md 6.6), a member at a time: the
// header and statements from nlohmann values, the meetings and RAGB
// histories (most of a large pack) written straight from the model.

namespace assure::api {

namespace {

using nlohmann::json;

void WriteMeetingEntity(CanonicalText& w, const NetworkModel& m, const std::string& id) {
  auto mt = m.meetings.Find(id);
  if (!mt) {
    w.Null();
    return;
  }
  w.Open('{');
  w.Key("actions").Open('[');
  for (const auto& a : mt->actions) {
    w.Item().Open('{');
    w.Key("action_id").Str(a.action_id);
    w.Key("closure_evidence").Str(a.closure_evidence);
    w.Key("due_date").Str(a.due_date);
    w.Key("notes").Open('[');
    for (const auto& n : a.notes) w.Item().Str(n);
    w.Close(']');
    w.Key("owner_person_id").Str(a.owner_person_id);
    w.Key("status").Str(a.open ? "open" : "closed");
    w.Key("text").Str(a.text);
    w.Close('}');
  }
  w.Close(']');
  w.Key("attendance").Open('[');
  for (const auto& [person, r] : mt->attendance) {
    w.Item().Open('{');
    w.Key("attendance").Str(domain::NameOf(domain::kAttendanceNames, r.attendance));
    w.Key("organisation_id").Str(r.organisation_id);
    w.Key("person_id").Str(person);
    w.Close('}');
  }
  w.Close(']');
  w.Key("decisions").Open('[');
  for (const auto& d : mt->decisions) {
    w.Item().Open('{');
    w.Key("decision_id").Str(d.decision_id);
    w.Key("links").Open('[');
    for (const auto& l : d.links) {
      w.Item().Open('{');
      w.Key("id").Str(l.id);
      w.Key("kind").Str(domain::NameOf(domain::kDecisionLinkKindNames, l.kind));
      w.Key("version_id").Str(l.version_id);
      w.Close('}');
    }
    w.Close(']');
    w.Key("text").Str(d.text);
    w.Close('}');
  }
  w.Close(']');
  w.Key("group_id").Str(mt->group_id);
  w.Key("id").Str(id);
  w.Key("quorum");
  if (mt->quorum) {
    const auto& q = *mt->quorum;
    w.Open('{');
    w.Key("chair_present").Bool(q.chair_present);
    w.Key("counted_members").Int(q.counted_members);
    w.Key("present_members").Int(q.present_members);
    w.Key("quorate").Bool(q.quorate);
    w.Key("required").Int(q.required);
    w.Close('}');
  } else {
    w.Null();
  }
  w.Key("scheduled_for").Str(mt->scheduled_for);
  w.Key("status").Str(domain::NameOf(domain::kMeetingStatusNames, mt->status));
  w.Key("title").Str(mt->title);
  w.Close('}');
}

// RagbHistory's JSON (every row), written as text.
void WriteRagbHistory(CanonicalText& w, const PackFold& fold, const std::string& id) {
  w.Open('[');
  auto it = fold.ragb().find(id);
  if (it != fold.ragb().end()) {
    char time[48];
    auto ragb = [&](const std::optional<domain::Ragb>& r) {
      if (r) {
        w.Str(domain::NameOf(domain::kRagbNames, *r));
      } else {
        w.Null();
      }
    };
    for (const auto& c : it->second) {
      w.Item().Open('{');
      w.Key("actor").Str(c.actor);
      w.Key("from");
      ragb(c.from);
      w.Key("position").Uint(c.position);
      w.Key("reason").Str(c.reason);
      w.Key("recorded_at").Str(std::string_view(time, domain::FormatTimestampTo(c.recorded_at_us, time)));
      w.Key("to");
      ragb(c.to);
      w.Key("type").Str(c.type);
      w.Close('}');
    }
  }
  w.Close(']');
}

// An object of `ids` (ascending, as std::map orders keys) at `indent`, each
// value written by write(w, id), in two halves on two threads when there
// are many.

// An object of `ids` (ascending, the canonical key order), each value
// written by write(w, id), in two halves on two threads when there are many.
template <typename Write>
void WriteObjectOf(std::string& out, const std::vector<const std::string*>& ids, Write write) {
  out.push_back('{');
  auto range = [&](std::size_t lo, std::size_t hi, std::string& to) {
    for (std::size_t i = lo; i < hi; ++i) {
      if (i != 0) to.push_back(',');
      CanonicalText w(to);
      w.Str(*ids[i]);
      to.push_back(':');
      write(w, *ids[i]);
    }
  };
  if (ids.size() < 256) {
    range(0, ids.size(), out);
  } else {
    const std::size_t mid = ids.size() / 2;
    std::string second;
    second.reserve((out.capacity() - out.size()) / 2);  // about half of what `out` has room for
    auto t = RunBeside([&] { range(mid, ids.size(), second); });
    range(0, mid, out);
    t.get();
    out += second;
  }
  out.push_back('}');
}

template <typename Set>
std::vector<const std::string*> Pointers(const Set& ids) {
  std::vector<const std::string*> out;
  out.reserve(ids.size());
  for (const auto& id : ids) out.push_back(&id);
  return out;
}

}  // namespace

std::string RenderPackJson(const json& header, const json& statements, const NetworkModel& m,
                           const PackEntities& e, const PackFold& fold, const std::set<std::string>& deliverables,
                           std::size_t reserve) {
  // The top level's members in key order, with placeholders for the three
  // written here.
  json top = header;
  top["entities"] = nullptr;
  top["ragb_histories"] = nullptr;
  top["statements"] = nullptr;
  std::string out;
  out.reserve(reserve);
  CanonicalText w(out);
  w.Open('{');
  for (auto it = top.begin(); it != top.end(); ++it) {
    w.Key(it.key());
    if (it.key() == "entities") {
      w.Open('{');
      w.Key("deliverables").Value(e.deliverables);
      w.Key("documents").Value(e.documents);
      w.Key("groups").Value(e.groups);
      w.Key("meetings");
      WriteObjectOf(out, Pointers(e.meetings),
                    [&](CanonicalText& mw, const std::string& id) { WriteMeetingEntity(mw, m, id); });
      w.Key("risks").Value(e.risks);
      w.Close('}');
    } else if (it.key() == "ragb_histories") {
      WriteObjectOf(out, Pointers(deliverables),
                    [&](CanonicalText& hw, const std::string& id) { WriteRagbHistory(hw, fold, id); });
    } else if (it.key() == "statements") {
      w.Value(statements);
    } else {
      w.Value(it.value());
    }
  }
  w.Close('}');
  out.push_back('\n');
  return out;
}

}  // namespace assure::api
