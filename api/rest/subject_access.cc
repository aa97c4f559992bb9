#include "api/rest/subject_access.h"

#include <optional>
#include <set>
#include <unordered_set>

#include "api/auth/principal.h"
#include "api/auth/token_routes.h"
#include "api/http/openapi.h"
#include "api/rest/entity_routes.h"
#include "api/rest/route_groups.h"
#include "domain/calendar.h"
#include "domain/json_text.h"

namespace assure::api::rest {

namespace {

// The dotted paths in `j` whose value is the string `id`.
void PathsHolding(const nlohmann::json& j, std::string_view id, const std::string& at,
                  std::vector<std::string>& out) {
  if (j.is_string()) {
    if (j.get_ref<const std::string&>() == id) out.push_back(at.empty() ? "(the value)" : at);
  } else if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      PathsHolding(it.value(), id, at.empty() ? it.key() : at + "." + it.key(), out);
    }
  } else if (j.is_array()) {
    for (std::size_t i = 0; i < j.size(); ++i) PathsHolding(j[i], id, at + "[" + std::to_string(i) + "]", out);
  }
}

// A list that stops taking items at `max`, counting them all.
struct Capped {
  nlohmann::json items = nlohmann::json::array();
  std::size_t count = 0;
  void Add(nlohmann::json item, std::size_t max) {
    if (count++ < max) items.push_back(std::move(item));
  }
};

}  // namespace

Result<nlohmann::json> BuildSubjectAccess(storage::EventStore& store, auth::SecurityLog& security_log,
                                          const SubjectAccessRequest& request) {
  // The person's stream id is also the actor their own changes record.
  const std::string own_stream = auth::PersonActor(request.person_id);
  std::unordered_set<std::string> token_ids;
  for (const auto& t : request.tokens) token_ids.insert(t.issued.token_id);
  // A name of a few letters would match every word that holds them.
  const std::string name = request.person.erased || request.person.name.size() < 4 ? "" : request.person.name;
  auto label = [&](std::string_view stream) {
    return request.label ? request.label(stream) : std::string(stream);
  };
  auto line = [&](const storage::RecordedEvent& e) {
    return nlohmann::json{{"position", e.position},
                          {"recorded_at", domain::FormatIsoSeconds(e.recorded_at_us)},
                          {"stream_id", e.stream_id},
                          {"entity", label(e.stream_id)},
                          {"type", e.type},
                          {"reason", e.metadata.reason}};
  };

  Capped own, acted, referenced, mentioned, seclog;
  const std::size_t max = request.max_items;
  for (std::uint64_t from = 1;;) {
    auto page = store.ReadAll(from, 1000);
    if (!page.ok()) return page.error();
    for (const auto& e : page->events) {
      if (e.stream_id == own_stream) {
        nlohmann::json item = line(e);
        item["actor"] = e.metadata.actor;
        own.Add(std::move(item), max);
        continue;
      }
      if (e.metadata.actor == own_stream || token_ids.contains(e.metadata.actor)) acted.Add(line(e), max);
      // Parse only the events whose bytes hold the id at all.
      if (e.data.find(request.person_id) != std::string::npos) {
        std::vector<std::string> paths;
        PathsHolding(domain::ParseJsonText(e.data), request.person_id, "", paths);
        if (!paths.empty()) {
          nlohmann::json item = line(e);
          item["fields"] = paths;
          referenced.Add(std::move(item), max);
        }
      }
      if (!name.empty() && (e.data.find(name) != std::string::npos ||
                            e.metadata.reason.find(name) != std::string::npos)) {
        mentioned.Add(line(e), max);
      }
    }
    if (page->end_of_log) break;
    from = page->next_position;
  }
  if (!token_ids.empty()) {
    // A page at a time: the security log can be long.
    constexpr std::size_t kSecurityPage = 1000;
    for (std::uint64_t next = 1;;) {
      auto entries = security_log.Read(next, kSecurityPage);
      if (!entries.ok()) return entries.error();
      for (const auto& s : *entries) {
        if (!s.token_id.empty() && token_ids.contains(s.token_id)) seclog.Add(s.ToJson(), max);
      }
      if (entries->size() < kSecurityPage) break;
      next = entries->back().seq + 1;
    }
  }

  nlohmann::json tokens = nlohmann::json::array();
  for (const auto& t : request.tokens) tokens.push_back(auth::TokenJson(t, request.now_us));
  const domain::PersonState& p = request.person;
  nlohmann::json report = {
      {"person_id", request.person_id},
      {"generated_at", domain::FormatIsoSeconds(request.now_us)},
      {"person",
       {{"name", p.erased ? "erased person" : p.name},
        {"email", p.email},
        {"job_title", p.job_title},
        {"organisation_id", p.organisation_id},
        {"organisation", request.organisation_name},
        {"erased", p.erased}}},
      {"own_record", std::move(own.items)},
      {"tokens", std::move(tokens)},
      {"acted", std::move(acted.items)},
      {"referenced", std::move(referenced.items)},
      {"mentioned", std::move(mentioned.items)},
      {"security_log", std::move(seclog.items)},
      {"counts",
       {{"own_record", own.count},
        {"acted", acted.count},
        {"referenced", referenced.count},
        {"mentioned", mentioned.count},
        {"security_log", seclog.count}}},
      {"not_covered",
       "Free text (notes, reasons, decisions, a deliverable's owner as imported and not linked to them, "
       "document titles) is "
       "searched for the person's name exactly as registered; other spellings are not found. Such "
       "text is not encrypted and is not put beyond use by erasure: review the events listed under "
       "'mentioned'. Backups taken before an erasure hold what the store held then."}};
  for (const char* list : {"own_record", "acted", "referenced", "mentioned", "security_log"}) {
    if (report["counts"][list].get<std::size_t>() > report[list].size()) report[std::string(list) + "_truncated"] = true;
  }
  return report;
}

std::string SubjectAccessText(const nlohmann::json& r) {
  std::string out;
  auto str = [](const nlohmann::json& j) { return j.is_string() ? j.get<std::string>() : j.dump(); };
  const auto& p = r["person"];
  out += "Subject access report\n=====================\n\n";
  out += "Person: " + str(p["name"]) + " (id " + str(r["person_id"]) + ")\n";
  if (!str(p["organisation"]).empty()) out += "Organisation: " + str(p["organisation"]) + "\n";
  if (!str(p["email"]).empty()) out += "Email: " + str(p["email"]) + "\n";
  if (!str(p["job_title"]).empty()) out += "Job title: " + str(p["job_title"]) + "\n";
  if (p["erased"].get<bool>()) out += "Their personal data has been erased.\n";
  out += "Generated: " + str(r["generated_at"]) + "\n";
  auto section = [&](const char* key, const std::string& title, const std::string& empty) {
    out += "\n" + title + " (" + str(r["counts"][key]) + ")\n" + std::string(title.size(), '-') + "\n";
    if (r[key].empty()) out += empty + "\n";
    for (const auto& e : r[key]) {
      out += "- " + str(e["recorded_at"]) + "  " + str(e["type"]) + " on " + str(e["entity"]);
      if (e.contains("fields")) {
        out += " (as ";
        for (std::size_t i = 0; i < e["fields"].size(); ++i) out += (i ? ", " : "") + str(e["fields"][i]);
        out += ")";
      }
      if (!str(e["reason"]).empty()) out += ": " + str(e["reason"]);
      out += "  [#" + str(e["position"]) + "]\n";
    }
    if (r.contains(std::string(key) + "_truncated")) out += "(list cut short; the JSON form of the CLI has all)\n";
  };
  section("own_record", "Their record's history", "None.");
  out += "\nTokens (" + std::to_string(r["tokens"].size()) + ")\n------\n";
  if (r["tokens"].empty()) out += "None.\n";
  for (const auto& t : r["tokens"]) {
    out += "- " + str(t["role"]) + " token " + str(t["token_id"]) + ", issued " + str(t["issued_at"]) + ", " +
           str(t["status"]) + "\n";
  }
  section("acted", "Changes they made", "None.");
  section("referenced", "Where they are named by id", "None.");
  section("mentioned", "Free text that mentions their name", "None.");
  out += "\nSecurity log entries of their tokens (" + str(r["counts"]["security_log"]) + ")\n";
  out += "--------------------------------------\n";
  if (r["security_log"].empty()) out += "None.\n";
  for (const auto& s : r["security_log"]) {
    out += "- " + str(s["at"]) + "  " + str(s["kind"]) + " " + str(s["method"]) + " " + str(s["path"]) + " -> " +
           str(s["status"]) + "\n";
  }
  out += "\nNot covered\n-----------\n" + str(r["not_covered"]) + "\n";
  return out;
}

namespace {

// "<word> '<name>'" if `stream` is of Agg's kind and its entity has a name
// (the State member `name`), else nullopt.
template <class Agg, class State>
std::optional<std::string> Labelled(const EntityTable<Agg>& table, std::string_view stream, std::string_view word,
                                    std::string State::*name) {
  const std::string_view id = domain::IdInStream(stream, Agg::kKind);
  if (id.empty()) return std::nullopt;
  auto state = table.Find(id);
  if (state == nullptr || ((*state).*name).empty()) return std::nullopt;
  return std::string(word) + " '" + (*state).*name + "'";
}

}  // namespace

std::string StreamLabel(const NetworkModel& m, std::string_view stream) {
  for (auto label : {Labelled(m.deliverables, stream, "deliverable", &domain::DeliverableState::title),
                     Labelled(m.programmes, stream, "work programme", &domain::WorkProgrammeState::title),
                     Labelled(m.meetings, stream, "meeting", &domain::MeetingState::title),
                     Labelled(m.documents, stream, "document", &domain::ControlledDocumentState::title),
                     Labelled(m.groups, stream, "group", &domain::GroupState::name),
                     Labelled(m.organisations, stream, "organisation", &domain::OrganisationState::name)}) {
    if (label) return *label;
  }
  return std::string(stream);
}


Status RegisterSubjectAccessRoutes(http::Router& router, std::shared_ptr<RestDeps> deps) {
  RouteAdder add(router);
  http::RouteOptions options;
  options.permission = auth::Permission::kAdminRead;
  options.security_audit = true;
  options.openapi = http::OpenApiOperation(
      "Subject access: everything held about a person (admin; scans the whole log)", "people");
  options.openapi["description"] =
      "The person's record and its history, the tokens that name them, every change they made, every "
      "event that names them by id (with the fields), every event whose free text mentions their name, "
      "and the security-log entries of their tokens. format=text gives a readable document; the default "
      "is JSON. Each list holds at most 100,000 items (<list>_truncated: true beyond; `assure "
      "subject-access` has no limit).";
  options.openapi["parameters"] = {
      http::OpenApiQueryParam("format", "string", "json (default) or text")};
  add("GET", "/api/v1/people/{id}/subject-access", [deps](const http::Request& req) -> http::Response {
    const std::string format(req.Query("format").value_or("json"));
    if (format != "json" && format != "text") {
      return ErrorResponse(MakeError(ErrorCode::kInvalidArgument, "format is json or text", "format"), req);
    }
    SubjectAccessRequest r;
    r.person_id = std::string(req.PathParam("id"));
    {
      auto lock = deps->runner->ReadLock();
      const NetworkModel& m = deps->network->model();
      auto person = m.people.Find(r.person_id);
      if (person == nullptr) {
        return ErrorResponse(MakeError(ErrorCode::kNotFound, "no person '" + r.person_id + "'", "id"), req);
      }
      r.person = *person;
      if (auto org = m.organisations.Find(person->organisation_id)) r.organisation_name = org->name;
    }
    for (auto& t : deps->authorizer->index().List()) {
      if (t.issued.person_id == r.person_id) r.tokens.push_back(std::move(t));
    }
    r.label = [deps](std::string_view stream) {
      auto lock = deps->runner->ReadLock();
      return StreamLabel(deps->network->model(), stream);
    };
    r.now_us = deps->clock->NowMicros();
    if (deps->security_log == nullptr) {
      return ErrorResponse(MakeError(ErrorCode::kUnavailable, "no security log to search"), req);
    }
    auto permit = TakeHeavy(*deps, "a subject access report");
    if (!permit.ok()) return ErrorResponse(permit.error(), req);
    auto report = BuildSubjectAccess(*deps->store, *deps->security_log, r);
    if (!report.ok()) return ErrorResponse(report.error(), req);
    http::Response res = format == "text" ? http::Response::Text(200, SubjectAccessText(*report), "text/plain; charset=utf-8")
                                          : http::Response::Json(200, *report);
    res.SetHeader("Cache-Control", "no-store");
    return res;
  }, options);
  return add.status();
}

}  // namespace assure::api::rest
