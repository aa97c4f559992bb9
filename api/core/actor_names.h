// Readable names of the actors recorded on events (metadata "actor"), so that
// reads say who did something in words: "Dr Asha Patel (Royal Wolverhampton)"
// rather than "person-6f1c..." or a token's UUID. The id stays beside the
// name for machines.
//
// Thread safety: implementations may be called from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace assure::api {

class ActorNames {
 public:
  virtual ~ActorNames() = default;
  // The name of `actor`: for "person-<id>" the person's name and
  // organisation ("erased person" once their data is erased); for a token's
  // id its holder's name, or the token's label; for "cli:<who>" "<who>
  // (command line)"; anything else as it is.
  virtual std::string NameOf(std::string_view actor) const = 0;
  // The name of an entity a history summary refers to (domain::NamedRef):
  // a person as NameOf names them, a group, an organisation, a meeting ("the
  // Operational Board meeting of 24 May 2023"), a document ("WMIN Strategy
  // (IN-201)"), a document's version ("version 2.1 of WMIN Strategy
  // (IN-201)"), a deliverable ("MRI-01 Establish a plan..."). The id itself
  // when it is not known.
  virtual std::string NameOfEntity(std::string_view kind, std::string_view id) const {
    (void)kind;
    return std::string(id);
  }
  // Changes whenever an answer of NameOf or NameOfEntity may have changed (a
  // person's or an organisation's details, an erasure, a token issued, a
  // group, meeting, document or deliverable created or renamed), so a rendered page
  // that shows names can be cached under it.
  virtual std::uint64_t Version() const = 0;
  // Whether every event up to `position` is reflected in the names.
  virtual bool CaughtUpTo(std::uint64_t position) const = 0;
};

// Names each actor once for one answer (a page of history or of events
// names a few actors many times). Not thread-safe: one per answer.
class ActorNameMemo {
 public:
  explicit ActorNameMemo(const ActorNames& names) : names_(names) {}
  const std::string& NameOf(const std::string& actor) {
    auto it = seen_.find(actor);
    if (it == seen_.end()) it = seen_.emplace(actor, names_.NameOf(actor)).first;
    return it->second;
  }
  const std::string& NameOfEntity(const std::string& kind, const std::string& id) {
    const std::string key = kind + ":" + id;
    auto it = entities_.find(key);
    if (it == entities_.end()) it = entities_.emplace(key, names_.NameOfEntity(kind, id)).first;
    return it->second;
  }

 private:
  const ActorNames& names_;
  std::map<std::string, std::string, std::less<>> seen_;
  std::map<std::string, std::string, std::less<>> entities_;
};

}  // namespace assure::api
