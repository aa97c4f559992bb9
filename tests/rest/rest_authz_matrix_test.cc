// The authorisation matrix: every route the router has x every kind of
// caller. Allowed callers get anything but 401/403; refused ones get exactly
// 401 (no, unknown, expired or revoked token) or 403 (role or group scope),
// and a refused write appends nothing.
//
// The expectations come from the table in api/auth/role.h, written out here
// independently (kRolePermissions) so that a change to the code's table is a
// test failure, not a silent change of policy.
#include <map>
#include <optional>
#include <set>

#include "tests/rest/rest_harness.h"

namespace assure::rest_test {
namespace {

// role.h: | admin | everything | editor | read, edit_programme_content,
// edit_group, manage_documents | secretary | read, run_meeting | viewer | read |
// assessor | read, build_evidence_pack |
const std::map<std::string, std::set<std::string>> kRolePermissions = {
    {"admin",
     {"read", "edit_programme_content", "edit_group", "run_meeting", "manage_documents",
      "manage_tokens", "build_evidence_pack", "admin_read"}},
    {"editor", {"read", "edit_programme_content", "edit_group", "manage_documents"}},
    {"secretary", {"read", "run_meeting"}},
    {"viewer", {"read"}},
    {"assessor", {"read", "build_evidence_pack"}},
};
// Permissions a group-scoped token may use only inside its group.
const std::set<std::string> kScopedPermissions = {"edit_programme_content", "edit_group",
                                                  "run_meeting", "manage_documents"};

enum class Scope {
  kNone,  // the request edits nothing of a group: a scoped token may not make it
  kIn,    // `target`/`body` edit the scoped editor's group; `out_*` another group
};

struct Entry {
  Entry(std::string m, std::string p, std::optional<std::string> perm, std::string t,
        std::string b = {}, Scope s = Scope::kNone, std::string ot = {}, std::string ob = {},
        std::string ct = "application/json", bool hc = false)
      : method(std::move(m)), path_template(std::move(p)), permission(std::move(perm)),
        target(std::move(t)), body(std::move(b)), scope(s), out_target(std::move(ot)),
        out_body(std::move(ob)), content_type(std::move(ct)), handler_checks(hc) {}
  std::string method;
  std::string path_template;
  std::optional<std::string> permission;  // nullopt: public
  std::string target;
  std::string body;
  Scope scope;
  std::string out_target;  // for kIn: the same request against the other group
  std::string out_body;
  std::string content_type;
  // The route's commands need different permissions (an escalation is
  // raised by editors, decided by secretaries): the router asks only that
  // the caller is signed in ("read") and the handler checks `permission`.
  bool handler_checks = false;
};

struct Caller {
  std::string name;
  std::string token;
  std::optional<std::string> role;  // nullopt: not authenticated
  bool scoped = false;
};

class RestAuthzMatrixTest : public RestTest {
 protected:
  void SetUp() override {
    RestTest::SetUp();
    w_ = BuildWorld(*this);
    meeting_ = Create("meetings",
                      {{"group_id", w_.group_in}, {"title", "M"}, {"scheduled_for", "2030-01-01"}},
                      tok().secretary);
    document_ = Create("documents", {{"title", "D"}, {"document_numbers", {"IN-601"}}}, tok().editor);
    HttpReply up = Send(srv().port(), "POST", "/api/v1/documents/" + document_ + "/versions?version_label=1",
                        tok().editor, "content", {{"Content-Type", "text/plain"}});
    EXPECT_EQ(up.status, 201) << up.body;
    version_ = Get("/api/v1/documents/" + document_).Json()["versions"][0]["version_id"];
    HttpReply t = Post("/api/v1/tokens", {{"name", "spare"}, {"role", "viewer"}}, tok().admin);
    EXPECT_EQ(t.status, 201) << t.body;
    token_id_ = t.Json()["token_id"];
    for (auto [group, id] : {std::pair{w_.group_in, &risk_in_}, std::pair{w_.group_out, &risk_out_}}) {
      *id = Create("risks", {{"title", "R"}, {"group_id", group}, {"inherent", {{"likelihood", 2}, {"impact", 3}}}},
                   tok().admin);
    }
    for (auto [group, id] : {std::pair{w_.group_in, &issue_in_}, std::pair{w_.group_out, &issue_out_}}) {
      *id = Create("issues", {{"title", "I"}, {"group_id", group}, {"priority", "high"}}, tok().admin);
    }
  }

  // The table below, plus one public GET per static asset of the dashboard
  // (every route outside /api/ but the health checks), which the router lists.
  std::vector<Entry> Table() {
    std::vector<Entry> t = ApiTable();
    for (const auto& r : srv().app().router().routes()) {
      if (IsStaticAsset(r->path_template)) {
        t.emplace_back("GET", r->path_template, std::nullopt, r->path_template);
      }
    }
    return t;
  }
  static bool IsStaticAsset(const std::string& path) {
    return path.rfind("/api/", 0) != 0 && path != "/healthz" && path != "/readyz" && path != "/metrics";
  }

  std::vector<Entry> ApiTable() const {
    const json dl_in = {{"programme_id", w_.programme_in}, {"title", "T"}};
    const json dl_out = {{"programme_id", w_.programme_out}, {"title", "T"}};
    const json note = {{"note_date", "2024-01-01"}, {"text", "t"}};
    auto issue_body = [](const std::string& group) {
      return json{{"title", "I2"}, {"group_id", group}, {"priority", "low"}}.dump();
    };
    auto escalate = [](const std::string& risk) {
      return json{{"subject_kind", "risk"}, {"subject_id", risk}, {"reason", "r"}}.dump();
    };
    auto risk_body = [](const std::string& group) {
      return json{{"title", "R2"}, {"group_id", group}, {"inherent", {{"likelihood", 1}, {"impact", 1}}}}.dump();
    };
    auto confirm_body = [](const std::string& deliverable) {
      return json{{"drafts", {{{"deliverable_id", deliverable}, {"inherent", {{"likelihood", 1}, {"impact", 1}}}}}}}.dump();
    };
    const std::string v = "/api/v1/";
    std::vector<Entry> t = {
        // Built-in routes (server/application.cc, api/auth/token_routes.cc).
        {"GET", "/healthz", std::nullopt, "/healthz"},
        {"GET", "/readyz", std::nullopt, "/readyz"},
        {"GET", "/api/v1/openapi.json", std::nullopt, v + "openapi.json"},
        {"POST", "/api/v1/tokens", "manage_tokens", v + "tokens", R"({"name":"n","role":"viewer"})"},
        {"GET", "/api/v1/tokens", "manage_tokens", v + "tokens"},
        {"GET", "/api/v1/tokens/{id}", "manage_tokens", v + "tokens/" + token_id_},
        {"POST", "/api/v1/tokens/{id}/revoke", "manage_tokens", v + "tokens/" + token_id_ + "/revoke",
         R"({"reason":"r"})"},
        {"GET", "/api/v1/security/log", "admin_read", v + "security/log"},
        {"GET", "/metrics", "admin_read", "/metrics"},
        // Backups (api/backup): a name that is a path, so an allowed call is 422 and writes nothing.
        {"POST", "/api/v1/admin/backups", "admin_read", v + "admin/backups", R"({"name":"../not-a-name"})"},
        // Organisations and people.
        {"POST", "/api/v1/organisations", "edit_group", v + "organisations", R"({"name":"O","kind":"trust"})"},
        {"GET", "/api/v1/organisations", "read", v + "organisations"},
        {"GET", "/api/v1/organisations/{id}", "read", v + "organisations/" + w_.org},
        {"GET", "/api/v1/organisations/{id}/history", "read", v + "organisations/" + w_.org + "/history"},
        {"POST", "/api/v1/organisations/{id}/{command}", "edit_group", v + "organisations/" + w_.org + "/rename",
         R"({"name":"N"})"},
        {"POST", "/api/v1/people", "edit_group", v + "people", R"({"name":"P"})"},
        {"GET", "/api/v1/people", "read", v + "people"},
        {"GET", "/api/v1/people/{id}", "read", v + "people/" + w_.chair},
        {"GET", "/api/v1/people/{id}/history", "read", v + "people/" + w_.chair + "/history"},
        {"GET", "/api/v1/people/{id}/attendance", "read", v + "people/" + w_.chair + "/attendance"},
        {"GET", "/api/v1/people/{id}/subject-access", "admin_read", v + "people/" + w_.chair + "/subject-access"},
        {"POST", "/api/v1/people/{id}/{command}", "edit_group", v + "people/" + w_.chair + "/update-details",
         R"({"job_title":"Lead"})"},
        // Groups.
        {"POST", "/api/v1/groups", "edit_group", v + "groups", R"({"name":"G","kind":"forum"})"},
        {"GET", "/api/v1/groups", "read", v + "groups"},
        {"GET", "/api/v1/groups/{id}", "read", v + "groups/" + w_.group_in},
        {"GET", "/api/v1/groups/{id}/history", "read", v + "groups/" + w_.group_in + "/history"},
        {"GET", "/api/v1/groups/{id}/members", "read", v + "groups/" + w_.group_in + "/members"},
        {"POST", "/api/v1/groups/{id}/{command}", "edit_group", v + "groups/" + w_.group_in + "/rename",
         R"({"name":"Renamed"})", Scope::kIn, v + "groups/" + w_.group_out + "/rename", R"({"name":"Renamed"})"},
        // Programmes and deliverables.
        {"POST", "/api/v1/programmes", "edit_programme_content", v + "programmes",
         json{{"group_id", w_.group_in}, {"year", "2025-26"}}.dump(), Scope::kIn, v + "programmes",
         json{{"group_id", w_.group_out}, {"year", "2025-26"}}.dump()},
        {"GET", "/api/v1/programmes", "read", v + "programmes"},
        {"GET", "/api/v1/programmes/{id}", "read", v + "programmes/" + w_.programme_in},
        {"GET", "/api/v1/programmes/{id}/history", "read", v + "programmes/" + w_.programme_in + "/history"},
        {"POST", "/api/v1/programmes/{id}/{command}", "edit_programme_content",
         v + "programmes/" + w_.programme_in + "/add-deliverable",
         json{{"deliverable_id", w_.deliverable_in}}.dump(), Scope::kIn,
         v + "programmes/" + w_.programme_out + "/add-deliverable",
         json{{"deliverable_id", w_.deliverable_out}}.dump()},
        {"POST", "/api/v1/deliverables", "edit_programme_content", v + "deliverables", dl_in.dump(), Scope::kIn,
         v + "deliverables", dl_out.dump()},
        {"GET", "/api/v1/deliverables", "read", v + "deliverables?ragb=blue"},
        {"GET", "/api/v1/deliverables/{id}", "read", v + "deliverables/" + w_.deliverable_in},
        {"GET", "/api/v1/deliverables/{id}/history", "read", v + "deliverables/" + w_.deliverable_in + "/history"},
        {"GET", "/api/v1/deliverables/{id}/notes", "read", v + "deliverables/" + w_.deliverable_in + "/notes"},
        {"POST", "/api/v1/deliverables/{id}/{command}", "edit_programme_content",
         v + "deliverables/" + w_.deliverable_in + "/add-progress-note", note.dump(), Scope::kIn,
         v + "deliverables/" + w_.deliverable_out + "/add-progress-note", note.dump()},
        // Meetings.
        {"POST", "/api/v1/meetings", "run_meeting", v + "meetings",
         json{{"group_id", w_.group_in}, {"title", "M2"}, {"scheduled_for", "2030-02-01"}}.dump(), Scope::kIn,
         v + "meetings", json{{"group_id", w_.group_out}, {"title", "M2"}, {"scheduled_for", "2030-02-01"}}.dump()},
        {"GET", "/api/v1/meetings", "read", v + "meetings"},
        {"GET", "/api/v1/meetings/{id}", "read", v + "meetings/" + meeting_},
        {"GET", "/api/v1/meetings/{id}/history", "read", v + "meetings/" + meeting_ + "/history"},
        {"POST", "/api/v1/meetings/{id}/{command}", "run_meeting", v + "meetings/" + meeting_ + "/record-attendance",
         json{{"person_id", w_.member}, {"attendance", "present"}}.dump()},
        {"GET", "/api/v1/actions", "read", v + "actions"},
        // Documents.
        {"POST", "/api/v1/documents", "manage_documents", v + "documents", R"({"title":"D","document_numbers":"X-1"})"},
        {"GET", "/api/v1/documents", "read", v + "documents"},
        {"GET", "/api/v1/documents/{id}", "read", v + "documents/" + document_},
        {"GET", "/api/v1/documents/{id}/history", "read", v + "documents/" + document_ + "/history"},
        {"POST", "/api/v1/documents/{id}/{command}", "manage_documents",
         v + "documents/" + document_ + "/set-review-date", R"({"review_date":"2030-01-01"})"},
        {"POST", "/api/v1/documents/{id}/versions", "manage_documents",
         v + "documents/" + document_ + "/versions?version_label=2", "other content", Scope::kNone, "", "",
         "text/plain"},
        {"GET", "/api/v1/documents/{id}/versions/{version_id}/content", "read",
         v + "documents/" + document_ + "/versions/" + version_ + "/content"},
        {"GET", "/api/v1/documents/review-due", "read", v + "documents/review-due"},
        {"GET", "/api/v1/documents/{id}/in-force", "read", v + "documents/" + document_ + "/in-force?on=2030-01-01"},
        // QSIN.
        {"POST", "/api/v1/qsin/statements", "edit_programme_content", v + "qsin/statements",
         R"({"code":"IN-702","title":"T","edition":"2023"})"},
        {"GET", "/api/v1/qsin/statements", "read", v + "qsin/statements"},
        {"GET", "/api/v1/qsin/statements/{id}", "read", v + "qsin/statements/" + w_.qsin_code},
        {"GET", "/api/v1/qsin/statements/{id}/history", "read", v + "qsin/statements/" + w_.qsin_code + "/history"},
        {"POST", "/api/v1/qsin/statements/{id}/{command}", "edit_programme_content",
         v + "qsin/statements/" + w_.qsin_code + "/edit", R"({"title":"Edited"})"},
        {"GET", "/api/v1/qsin/coverage", "read", v + "qsin/coverage"},
        {"GET", "/api/v1/session", "read", v + "session"},
        // The risk register (issue 22).
        {"POST", "/api/v1/risks", "edit_programme_content", v + "risks", risk_body(w_.group_in), Scope::kIn,
         v + "risks", risk_body(w_.group_out)},
        {"GET", "/api/v1/risks", "read", v + "risks"},
        {"GET", "/api/v1/risks/{id}", "read", v + "risks/" + risk_in_},
        {"GET", "/api/v1/risks/{id}/history", "read", v + "risks/" + risk_in_ + "/history"},
        {"POST", "/api/v1/risks/{id}/{command}", "edit_programme_content", v + "risks/" + risk_in_ + "/add-control",
         R"({"description":"Locum cover"})", Scope::kIn, v + "risks/" + risk_out_ + "/add-control",
         R"({"description":"Locum cover"})"},
        {"GET", "/api/v1/risk-register", "read", v + "risk-register?min_score=4"},
        {"GET", "/api/v1/groups/{id}/risk-movement", "read", v + "groups/" + w_.group_in + "/risk-movement"},
        {"GET", "/api/v1/risk-drafts", "read", v + "risk-drafts"},
        // No draft for the World's deliverables (no Risks text): allowed callers get 422, write nothing.
        {"POST", "/api/v1/risk-drafts/confirm", "edit_programme_content", v + "risk-drafts/confirm",
         confirm_body(w_.deliverable_in), Scope::kIn, v + "risk-drafts/confirm", confirm_body(w_.deliverable_out)},
        // The issue log, escalations (the world's groups have no parent:
        // an allowed raise is refused by the hierarchy rule, 409) and the
        // decision log.
        {"POST", "/api/v1/issues", "edit_programme_content", v + "issues", issue_body(w_.group_in), Scope::kIn,
         v + "issues", issue_body(w_.group_out)},
        {"GET", "/api/v1/issues", "read", v + "issues"},
        {"GET", "/api/v1/issues/{id}", "read", v + "issues/" + issue_in_},
        {"GET", "/api/v1/issues/{id}/history", "read", v + "issues/" + issue_in_ + "/history"},
        {"POST", "/api/v1/issues/{id}/{command}", "edit_programme_content", v + "issues/" + issue_in_ + "/add-action",
         R"({"description":"Chase"})", Scope::kIn, v + "issues/" + issue_out_ + "/add-action", R"({"description":"Chase"})"},
        {"POST", "/api/v1/escalations", "edit_programme_content", v + "escalations", escalate(risk_in_), Scope::kIn,
         v + "escalations", escalate(risk_out_)},
        {"GET", "/api/v1/escalations", "read", v + "escalations"},
        {"GET", "/api/v1/escalations/{id}", "read", v + "escalations/nosuch"},
        {"GET", "/api/v1/escalations/{id}/history", "read", v + "escalations/nosuch/history"},
        {"POST", "/api/v1/escalations/{id}/{command}", "run_meeting", v + "escalations/nosuch/accept",
         R"({"decision":"m/d1"})", Scope::kNone, "", "", "application/json", true},
        {"GET", "/api/v1/groups/{id}/escalations", "read", v + "groups/" + w_.group_in + "/escalations"},
        {"GET", "/api/v1/decisions", "read", v + "decisions?q=budget"},
        // The log and the audit endpoints.
        {"GET", "/api/v1/events", "read", v + "events?limit=3"},
        {"GET", "/api/v1/streams/{id}", "read", v + "streams/deliverable-" + w_.deliverable_in},
        {"GET", "/api/v1/audit/verify", "read", v + "audit/verify"},
        {"GET", "/api/v1/audit/checkpoint", "read", v + "audit/checkpoint"},
        {"POST", "/api/v1/audit/checkpoint", "edit_programme_content", v + "audit/checkpoint", "{}"},
        {"GET", "/api/v1/audit/proof/inclusion", "read", v + "audit/proof/inclusion?position=1"},
        {"GET", "/api/v1/audit/proof/consistency", "read", v + "audit/proof/consistency?from=1"},
        {"GET", "/api/v1/audit/public-key", std::nullopt, v + "audit/public-key"},
        // Spreadsheets and evidence packs (a headerless CSV: refused by the
        // importer with 422, so even allowed callers write nothing).
        {"POST", "/api/v1/imports", "edit_programme_content", v + "imports?file_name=x.csv",
         "just,some\r\nrandom,cells\r\n", Scope::kNone, {}, {}, "text/csv"},
        {"GET", "/api/v1/programmes/{id}/export", "read", v + "programmes/" + w_.programme_in + "/export"},
        {"POST", "/api/v1/evidence-packs", "build_evidence_pack", v + "evidence-packs",
         R"({"statements":["IN-601"],"as_of":"2030-01-01"})"},
    };
    return t;
  }

  std::vector<Caller> Callers() const {
    return {{"admin", tok().admin, "admin"},
            {"editor", tok().editor, "editor"},
            {"secretary", tok().secretary, "secretary"},
            {"viewer", tok().viewer, "viewer"},
            {"assessor", tok().assessor, "assessor"},
            {"scoped editor", tok().scoped_editor, "editor", true},
            {"expired token", tok().expired, std::nullopt},
            {"revoked token", tok().revoked, std::nullopt},
            {"unknown token", tok().unknown, std::nullopt},
            {"no token", "", std::nullopt}};
  }

  World w_;
  std::string meeting_, document_, version_, token_id_, risk_in_, risk_out_, issue_in_, issue_out_;
};

std::string Key(const std::string& method, const std::string& path) { return method + " " + path; }

// 0: allowed; else the status the caller must get.
int Expected(const Caller& c, const Entry& e, bool out_of_scope) {
  if (!e.permission) return 0;
  if (!c.role) return 401;
  if (!kRolePermissions.at(*c.role).count(*e.permission)) return 403;
  if (c.scoped && kScopedPermissions.count(*e.permission) && (e.scope == Scope::kNone || out_of_scope)) {
    return 403;
  }
  return 0;
}

TEST_F(RestAuthzMatrixTest, EveryRouteTheRouterHasIsInTheTable) {
  std::map<std::string, const Entry*> table;
  const auto entries = Table();
  for (const auto& e : entries) {
    EXPECT_TRUE(table.emplace(Key(e.method, e.path_template), &e).second) << "twice: " << e.path_template;
  }
  std::set<std::string> routed;
  for (const auto& r : srv().app().router().routes()) {
    const std::string key = Key(r->method, r->path_template);
    routed.insert(key);
    if (IsStaticAsset(r->path_template)) {
      // Static assets are public reads; the table takes them from the router.
      EXPECT_EQ(r->method, "GET") << key;
      EXPECT_FALSE(r->options.permission.has_value()) << key;
    }
    auto it = table.find(key);
    if (it == table.end()) {
      ADD_FAILURE() << "the router has " << key << " but the matrix table lacks it";
      continue;
    }
    // The route asks for the permission the table expects.
    std::optional<std::string> have;
    if (r->options.permission) have = std::string(auth::PermissionName(*r->options.permission));
    EXPECT_EQ(have, it->second->handler_checks ? std::optional<std::string>("read") : it->second->permission) << key;
  }
  for (const auto& [key, e] : table) EXPECT_TRUE(routed.count(key)) << "no such route: " << key;
}

TEST_F(RestAuthzMatrixTest, EveryRouteTimesEveryCaller) {
  int checked = 0;
  for (const Entry& e : Table()) {
    for (const Caller& c : Callers()) {
      std::vector<bool> variants = {false};
      if (c.scoped && e.scope == Scope::kIn) variants.push_back(true);
      for (bool out : variants) {
        const std::string& target = out ? e.out_target : e.target;
        const std::string& body = out ? e.out_body : e.body;
        Headers headers;
        if (!body.empty()) headers.emplace_back("Content-Type", e.content_type);
        const std::uint64_t head = Head();
        HttpReply r = Send(srv().port(), e.method, target, c.token, body, headers);
        const int want = Expected(c, e, out);
        const std::string what = c.name + (out ? " (out of scope)" : "") + ": " + e.method + " " + target +
                                 " -> " + std::to_string(r.status) + " " + r.body.substr(0, 300);
        ++checked;
        if (want == 0) {
          EXPECT_TRUE(r.status >= 200 && r.status < 500 && r.status != 401 && r.status != 403) << what;
        } else {
          EXPECT_TRUE(IsProblem(r, want)) << what;
          EXPECT_EQ(Head(), head) << "a refused request appended: " << what;
        }
      }
    }
  }
  EXPECT_GT(checked, 600);
}

// The allowed cases do what they say: a sample of writes succeed for the
// roles the table allows (not merely "not 401/403").
TEST_F(RestAuthzMatrixTest, AllowedWritesSucceed) {
  const std::uint64_t head = Head();
  EXPECT_EQ(Post("/api/v1/deliverables/" + w_.deliverable_in + "/add-progress-note",
                 {{"note_date", "2024-01-01"}, {"text", "t"}}, tok().scoped_editor).status, 200);
  EXPECT_EQ(Post("/api/v1/deliverables", {{"programme_id", w_.programme_in}, {"title", "S"}}, tok().scoped_editor).status,
            201);
  EXPECT_EQ(Post("/api/v1/groups/" + w_.group_in + "/rename", {{"name", "S"}}, tok().scoped_editor).status, 200);
  EXPECT_EQ(Post("/api/v1/meetings/" + meeting_ + "/record-attendance",
                 {{"person_id", w_.chair}, {"attendance", "present"}}, tok().secretary).status, 200);
  EXPECT_EQ(Post("/api/v1/meetings/" + meeting_ + "/record-attendance",
                 {{"person_id", w_.member}, {"attendance", "present"}}, tok().admin).status, 200);
  EXPECT_EQ(Post("/api/v1/people", {{"name", "Q"}}, tok().editor).status, 201);
  EXPECT_GT(Head(), head);
}

}  // namespace
}  // namespace assure::rest_test
