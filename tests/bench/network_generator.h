// The generated network of the benchmarks: 15 trusts, 6 ICBs, 300 people,
// 12 groups (20 members and a work programme each), 100 deliverables (all
// mapped to IN-501 and IN-601), then history up to N events made by the
// domain's own Decide functions: RAGB changes with reasons, edits, progress
// notes, and meetings (attendance, a decision linking a deliverable, an
// action, quorum at close). Deliverable d0 gets 10,000 events first, for
// as-at measurements. Deterministic (fixed seed). Shared by
// assure-bench-projections and assure-bench-evidence.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "api/core/event_mapping.h"
#include "domain/deliverable.h"
#include "domain/group.h"
#include "domain/meeting.h"
#include "domain/organisation.h"
#include "domain/person.h"
#include "domain/work_programme.h"
#include "storage/event_store.h"

namespace assure::bench {

class Generator {
 public:
  Generator(storage::EventStore& store, std::uint64_t events) : store_(store), target_(events) {}

  void Run() {
    for (int i = 0; i < 15; ++i) Do<domain::OrganisationAggregate>(orgs_, "trust" + std::to_string(i), "register", {{"name", "Trust " + std::to_string(i)}, {"kind", "trust"}});
    for (int i = 0; i < 6; ++i) Do<domain::OrganisationAggregate>(orgs_, "icb" + std::to_string(i), "register", {{"name", "ICB " + std::to_string(i)}, {"kind", "icb"}});
    for (int i = 0; i < 300; ++i) Do<domain::PersonAggregate>(people_, "p" + std::to_string(i), "register", {{"name", "Person " + std::to_string(i)}, {"organisation_id", "trust" + std::to_string(i % 15)}});
    for (int g = 0; g < 12; ++g) {
      const std::string gid = "g" + std::to_string(g);
      Do<domain::GroupAggregate>(groups_, gid, "create", {{"name", "Group " + gid}, {"kind", g == 0 ? "executive-board" : g == 1 ? "operational-board" : "sig"}, {"quorum_rule", {{"min_present", 3}, {"min_percent", 50}, {"chair_required", true}}}});
      for (int k = 0; k < 20; ++k) Do<domain::GroupAggregate>(groups_, gid, "appoint-member", {{"person_id", "p" + std::to_string((g * 23 + k) % 300)}, {"role", k == 0 ? "chair" : "member"}, {"start_date", "2023-01-01"}});
      Do<domain::WorkProgrammeAggregate>(progs_, "w" + std::to_string(g), "create", {{"group_id", gid}, {"year", "2023-24"}});
    }
    for (int d = 0; d < 100; ++d) {
      const std::string id = "d" + std::to_string(d);
      Do<domain::DeliverableAggregate>(dels_, id, "create", {{"programme_id", "w" + std::to_string(d % 12)}, {"reference", "Workforce-0" + std::to_string(d % 9)}, {"title", "Deliverable " + id}, {"owner", "Person " + std::to_string(d)}, {"date_initiated", "Jan-23"}, {"planned_end", "Mar-24"}, {"mm_qsin_reference", "Clinical Governance IN-501, 601"}, {"ragb", "blue"}});
    }
    // 10,000 events for the as-at measurement.
    while (dels_["d0"].version + 1 < 10'000) Churn("d0");
    hot_mid_ = store_.Head().position;
    while (store_.Head().position < target_) {
      if (at_ && store_.Head().position >= call_at_) std::exchange(at_, nullptr)();
      switch (rng_() % 10) {
        case 0: Meeting(); break;
        default: Churn("d" + std::to_string(1 + rng_() % 99)); break;
      }
    }
    if (at_) std::exchange(at_, nullptr)();
  }
  std::uint64_t hot_mid() const { return hot_mid_; }
  // Calls `at` once, when the log first reaches `position` during Run (or
  // at its end, if it never does between appends).
  void CallAt(std::uint64_t position, std::function<void()> at) {
    call_at_ = position;
    at_ = std::move(at);
  }

 private:
  template <class Agg>
  struct Entity {
    typename Agg::State state{};
    std::uint64_t version = UINT64_MAX;
  };
  template <class Agg>
  using Table = std::map<std::string, Entity<Agg>>;

  void Churn(const std::string& id) {
    static const char* ragb[] = {"red", "amber", "blue", "green"};
    switch (rng_() % 4) {
      case 0: Do<domain::DeliverableAggregate>(dels_, id, "change-ragb", {{"ragb", ragb[rng_() % 4]}, {"reason", "Reviewed at the board: supplier delay and staffing pressures in two trusts"}}); break;
      case 1: Do<domain::DeliverableAggregate>(dels_, id, "edit", {{"description", "Updated description " + std::to_string(rng_() % 1000)}}); break;
      case 2: Do<domain::DeliverableAggregate>(dels_, id, "edit", {{"owner", "Person " + std::to_string(rng_() % 300)}}); break;
      default: Do<domain::DeliverableAggregate>(dels_, id, "add-progress-note", {{"note_date", "2024-03-0" + std::to_string(1 + rng_() % 9)}, {"text", "Provisional date agreed"}}); break;
    }
  }

  void Meeting() {
    const std::string id = "m" + std::to_string(meetings_n_++);
    const std::string g = "g" + std::to_string(rng_() % 12);
    Do<domain::MeetingAggregate>(meets_, id, "schedule", {{"group_id", g}, {"title", "Board"}, {"scheduled_for", "2024-02-01"}});
    Do<domain::MeetingAggregate>(meets_, id, "open", nlohmann::json::object());
    for (int i = 0; i < 8; ++i) Do<domain::MeetingAggregate>(meets_, id, "record-attendance", {{"person_id", "p" + std::to_string(rng_() % 300)}, {"attendance", "present"}});
    Do<domain::MeetingAggregate>(meets_, id, "record-decision", {{"text", "Approved"}, {"links", {{{"kind", "deliverable"}, {"id", "d" + std::to_string(rng_() % 100)}}}}});
    Do<domain::MeetingAggregate>(meets_, id, "raise-action", {{"text", "Follow up"}, {"owner_person_id", "p1"}, {"due_date", "2024-03-01"}});
    Do<domain::MeetingAggregate>(meets_, id, "close", {{"quorum_rule", {{"min_present", 3}, {"min_percent", 0}, {"chair_required", false}}}, {"members", nlohmann::json::array()}});
  }

  template <class Agg>
  void Do(Table<Agg>& table, const std::string& id, const std::string& name, const nlohmann::json& body) {
    auto cmd = Agg::ParseCommand(name, body);
    if (!cmd.ok()) {
      std::fprintf(stderr, "%s: %s\n", name.c_str(), cmd.error().message.c_str());
      std::exit(1);
    }
    auto& e = table[id];
    domain::CommandContext ctx{"bench", 1'700'000'000'000'000LL + static_cast<std::int64_t>(store_.Head().position), id};
    auto events = Agg::Decide(e.state, *cmd, ctx);
    if (!events.ok() || events->empty()) return;  // refused or no change: fine
    std::vector<storage::ProposedEvent> proposed;
    api::RequestContext rc;
    rc.actor = "bench";
    for (const auto& ne : *events) proposed.push_back(api::ToProposed(ne, rc, {}));
    auto r = store_.Append(domain::StreamId(Agg::kKind, id), storage::ExpectedVersion::Any(), std::move(proposed));
    if (!r.ok()) {
      std::fprintf(stderr, "append: %s\n", r.error().message.c_str());
      std::exit(1);
    }
    for (std::uint64_t p = r->first_position; p <= r->last_position; ++p) {
      auto rec = store_.ReadEvent(p);
      nlohmann::json holder;
      Agg::Evolve(e.state, api::MakeView(*rec, holder));
    }
    e.version = r->stream_version;
  }

  storage::EventStore& store_;
  std::uint64_t target_;
  std::mt19937_64 rng_{7};
  std::uint64_t hot_mid_ = 0;
  std::uint64_t call_at_ = 0;
  std::function<void()> at_;
  int meetings_n_ = 0;
  Table<domain::OrganisationAggregate> orgs_;
  Table<domain::PersonAggregate> people_;
  Table<domain::GroupAggregate> groups_;
  Table<domain::WorkProgrammeAggregate> progs_;
  Table<domain::DeliverableAggregate> dels_;
  Table<domain::MeetingAggregate> meets_;
};

}  // namespace assure::bench
