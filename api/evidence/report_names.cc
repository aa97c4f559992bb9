#include "api/evidence/report_names.h"

#include "api/auth/principal.h"
#include "api/evidence/pack_html.h"
#include "domain/person.h"

namespace assure::api {

namespace {

using nlohmann::json;

const json& Member(const json& obj, const char* key) {
  static const json kNull;
  return obj.is_object() && obj.contains(key) ? obj[key] : kNull;
}

// Calls fn(value) for each element of obj[key] that is an object.
template <typename Fn>
void EachOf(const json& obj, const char* key, Fn&& fn) {
  const json& all = Member(obj, key);
  if (!all.is_array() && !all.is_object()) return;
  for (const auto& x : all) {
    if (x.is_object()) fn(x);
  }
}

// The ids `report` refers to, by kind ("people", ...), as a name table with
// no names yet.
struct Wanted {
  json people = json::object(), organisations = json::object(), groups = json::object(),
       programmes = json::object(), actors = json::object();
  static void Add(json& table, const json& id) {
    if (id.is_string() && !id.get_ref<const std::string&>().empty()) table[id.get<std::string>()] = nullptr;
  }
};

Wanted Collect(const json& report) {
  Wanted w;
  EachOf(report, "statements", [&](const json& st) {
    Wanted::Add(w.people, Member(Member(st, "self_assessment"), "assessor_person_id"));
  });
  const json& ents = Member(report, "entities");
  EachOf(ents, "deliverables", [&](const json& d) {
    Wanted::Add(w.programmes, Member(d, "programme_id"));
    Wanted::Add(w.groups, Member(d, "group_id"));
  });
  EachOf(ents, "documents", [&](const json& d) {
    EachOf(d, "versions", [&](const json& v) { Wanted::Add(w.groups, Member(v, "approving_group_id")); });
  });
  EachOf(ents, "groups", [&](const json& g) {
    Wanted::Add(w.groups, Member(g, "id"));
    Wanted::Add(w.groups, Member(g, "parent_group_id"));
    EachOf(g, "members_on_date", [&](const json& m) {
      Wanted::Add(w.people, Member(m, "person_id"));
      Wanted::Add(w.organisations, Member(m, "organisation_id"));
    });
  });
  EachOf(ents, "meetings", [&](const json& m) {
    Wanted::Add(w.groups, Member(m, "group_id"));
    EachOf(m, "actions", [&](const json& a) { Wanted::Add(w.people, Member(a, "owner_person_id")); });
    EachOf(m, "attendance", [&](const json& a) {
      Wanted::Add(w.people, Member(a, "person_id"));
      Wanted::Add(w.organisations, Member(a, "organisation_id"));
    });
  });
  EachOf(ents, "risks", [&](const json& r) {
    const json& s = Member(r, "state");
    Wanted::Add(w.people, Member(s, "owner_person_id"));
    Wanted::Add(w.groups, Member(s, "group_id"));
    EachOf(s, "controls", [&](const json& c) { Wanted::Add(w.people, Member(c, "owner_person_id")); });
    EachOf(r, "escalations", [&](const json& e) {
      Wanted::Add(w.groups, Member(e, "from_group_id"));
      Wanted::Add(w.groups, Member(e, "to_group_id"));
    });
  });
  const json& histories = Member(report, "ragb_histories");
  if (histories.is_object()) {
    for (const auto& rows : histories) {
      if (!rows.is_array()) continue;
      for (const auto& r : rows) Wanted::Add(w.actors, Member(r, "actor"));
    }
  }
  return w;
}

// Fills each id's name from `find` (returning "" for one it does not know,
// which is then dropped).
template <typename Find>
json Named(const json& wanted, Find&& find) {
  json out = json::object();
  for (auto it = wanted.begin(); it != wanted.end(); ++it) {
    std::string name = find(it.key());
    if (!name.empty()) out[it.key()] = std::move(name);
  }
  return out;
}

std::string ActorName(const NetworkModel& m, const std::unordered_map<std::string, TokenHolder>& tokens,
                      const std::string& actor) {
  const std::string prefix = auth::PersonActor("");
  std::string_view id;
  if (actor.starts_with(prefix)) {
    id = std::string_view(actor).substr(prefix.size());
  } else if (auto t = tokens.find(actor); t != tokens.end()) {
    if (t->second.person_id.empty()) return t->second.label.empty() ? std::string("a token (details removed)") : t->second.label + " (token)";
    id = t->second.person_id;
  } else {
    return ActorNameIn(m, actor);
  }
  return ActorNameIn(m, auth::PersonActor(std::string(id)));
}

}  // namespace

std::string PersonNameIn(const NetworkModel& m, std::string_view person_id) {
  auto p = m.people.Find(person_id);
  if (p == nullptr) return "";
  if (p->erased || p->name == domain::kErasedPersonName) {
    return std::string(domain::kErasedPersonName);
  }
  return p->name;
}

json ReportNames(const NetworkModel& m, const json& report,
                 const std::unordered_map<std::string, TokenHolder>& tokens) {
  const Wanted w = Collect(report);
  return {
      {"people", Named(w.people, [&](const std::string& id) { return PersonNameIn(m, id); })},
      {"organisations", Named(w.organisations,
                              [&](const std::string& id) {
                                auto o = m.organisations.Find(id);
                                return o ? o->name : std::string();
                              })},
      {"groups", Named(w.groups,
                       [&](const std::string& id) {
                         auto g = m.groups.Find(id);
                         return g ? g->name : std::string();
                       })},
      {"programmes", Named(w.programmes,
                           [&](const std::string& id) {
                             auto p = m.programmes.Find(id);
                             if (!p) return std::string();
                             return p->title.empty() ? p->year : p->title;
                           })},
      {"actors", Named(w.actors, [&](const std::string& a) { return ActorName(m, tokens, a); })},
  };
}

ReportNamer::ReportNamer(const json& report)
    : names_(Member(report, "names")), groups_(Member(Member(report, "entities"), "groups")) {}

std::string ReportNamer::Lookup(const char* kind, const json& id) const {
  if (id.is_null()) return "";
  const std::string text = id.is_string() ? id.get<std::string>() : id.dump();
  if (text.empty()) return "";
  const json& table = Member(names_, kind);
  if (table.is_object() && table.contains(text) && table[text].is_string()) {
    return HtmlEscape(table[text].get<std::string>());
  }
  return HtmlEscape(text) + (names_.is_object() ? " (not found)" : "");
}

std::string ReportNamer::Person(const json& id) const { return Lookup("people", id); }
std::string ReportNamer::Organisation(const json& id) const { return Lookup("organisations", id); }
std::string ReportNamer::Programme(const json& id) const { return Lookup("programmes", id); }

std::string ReportNamer::Group(const json& id) const {
  // A pack.json read back names its groups in their entities.
  if (!names_.is_object() && id.is_string() && groups_.is_object() && groups_.contains(id.get<std::string>())) {
    const json& name = Member(groups_[id.get<std::string>()], "name");
    if (name.is_string()) return HtmlEscape(name.get<std::string>());
  }
  return Lookup("groups", id);
}

std::string ReportNamer::Actor(const json& actor) const {
  if (!names_.is_object()) return actor.is_string() ? HtmlEscape(actor.get<std::string>()) : "";
  const json& table = Member(names_, "actors");
  if (actor.is_string() && table.is_object() && table.contains(actor.get<std::string>())) {
    return HtmlEscape(table[actor.get<std::string>()].get<std::string>());
  }
  return actor.is_string() ? HtmlEscape(actor.get<std::string>()) : "";
}

}  // namespace assure::api
