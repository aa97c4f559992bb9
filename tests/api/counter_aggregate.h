// A toy aggregate with the shape of the domain's aggregates, so the generic
// api machinery is tested apart from the governance domain.
#pragma once

#include <variant>

#include "api/core/event_mapping.h"
#include "domain/change.h"
#include "domain/event.h"

namespace assure::api::testing {

struct CounterAggregate {
  static constexpr std::string_view kKind = "counter";
  struct State {
    bool exists = false;
    std::string name;
    std::int64_t value = 0;
  };
  struct Create {
    std::string name;
  };
  struct Add {
    std::int64_t n = 0;
    std::string reason;
  };
  struct Fail {};  // an event Evolve can fold but projections refuse
  using Command = std::variant<Create, Add, Fail>;

  static Result<std::vector<domain::NewEvent>> Decide(const State& s, const Command& c,
                                                      const domain::CommandContext& ctx) {
    std::vector<domain::NewEvent> out;
    if (auto* create = std::get_if<Create>(&c)) {
      if (s.exists) return MakeError(ErrorCode::kRuleViolation, "counter exists");
      out.push_back({"CounterCreated", 1, {{"name", create->name}, {"at", ctx.now_us}}, ""});
    } else if (auto* add = std::get_if<Add>(&c)) {
      if (!s.exists) return MakeError(ErrorCode::kNotFound, "no counter");
      if (add->n != 0) out.push_back({"CounterAdded", 1, {{"n", add->n}}, add->reason});
    } else {
      out.push_back({"CounterPoisoned", 1, nlohmann::json::object(), ""});
    }
    return out;
  }

  static void Evolve(State& s, const domain::EventView& e) {
    if (e.type == "CounterCreated") {
      s.exists = true;
      s.name = (*e.data).value("name", "");
    } else if (e.type == "CounterAdded") {
      s.value += (*e.data).value("n", std::int64_t{0});
    }
  }

  static domain::Change Describe(const State& s, const domain::EventView& e) {
    domain::Change c;
    if (e.type == "CounterCreated") {
      const std::string name = (*e.data).value("name", "");
      domain::AddChange(c, "name", s.name, name);
      c.summary = "Created: " + name;
    } else if (e.type == "CounterAdded") {
      const std::int64_t n = (*e.data).value("n", std::int64_t{0});
      domain::AddChange(c, "value", s.value, s.value + n);
      c.summary = "Added " + std::to_string(n);
    } else {
      c = domain::UnknownEvent(e);
    }
    return c;
  }

  static nlohmann::json ToJson(const State& s) {
    return {{"exists", s.exists}, {"name", s.name}, {"value", s.value}};
  }
};

// The request the writer's tests (EntityWriterTest, PipelineTest) write under.
inline RequestContext WriterRc() {
  RequestContext rc;
  rc.actor = "person-1";
  rc.now_us = 1'000;
  rc.correlation_id = "corr";
  return rc;
}

}  // namespace assure::api::testing
