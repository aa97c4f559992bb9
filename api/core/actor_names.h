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
  // Changes whenever an answer of NameOf may have changed (a person's or an
  // organisation's details, an erasure, a token issued), so a rendered page
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

 private:
  const ActorNames& names_;
  std::map<std::string, std::string, std::less<>> seen_;
};

}  // namespace assure::api
