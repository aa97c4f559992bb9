// `assure import FILE --server URL`: server::UploadImports (server/http_upload.h)
// against a real server (RestServer: RocksDB temp store, the routes of
// `assure serve`) over loopback, with the strategy document fixture.
#include <cstdio>
#include <string>

#include "server/http_upload.h"
#include "tests/rest/rest_harness.h"

namespace assure::rest_test {
namespace {

// Runs UploadImports with its stdout and stderr captured.
struct Outcome {
  int code = -1;
  std::string out, err;
};

std::string Drain(std::FILE* f) {
  std::string s;
  std::rewind(f);
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) s.append(buf, n);
  std::fclose(f);
  return s;
}

Outcome Upload(const std::string& server, const std::string& token, bool dry_run = false,
               bool as_json = false, std::vector<std::string> files = {ASSURE_STRATEGY_MD},
               bool overwrite = false, bool link_owners = false) {
  server::UploadOptions o;
  o.server = server;
  o.token = token;
  o.dry_run = dry_run;
  o.overwrite = overwrite;
  o.link_owners = link_owners;
  o.json = as_json;
  o.timeout = std::chrono::seconds(60);
  std::FILE* out = std::tmpfile();
  std::FILE* err = std::tmpfile();
  Outcome r;
  r.code = server::UploadImports(o, files, out, err);
  r.out = Drain(out);
  r.err = Drain(err);
  return r;
}

class ImportUploadTest : public RestTest {
 protected:
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  std::uint64_t HeadViaApi() {
    HttpReply r = Get("/api/v1/events?from=1&limit=1");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.Json()["head"].get<std::uint64_t>();
  }
};

// Issue 22: the text report printed from the server's answer lists the
// draft risks of the Risks column as the local import's does, and no risk
// is raised.
TEST_F(ImportUploadTest, GivenTheStrategyDocument_WhenUploaded_ThenTheTextReportListsItsDraftRisks) {
  Outcome dry = Upload(Url(), tok().editor, /*dry_run=*/true);
  ASSERT_EQ(dry.code, server::kUploadOk) << dry.err;
  EXPECT_NE(dry.out.find("Draft risks (from the Interdependencies/ Risks column)"), std::string::npos) << dry.out;
  EXPECT_NE(dry.out.find("Workforce - 01]: Workforce SIG"), std::string::npos) << dry.out;
  EXPECT_NE(dry.out.find("14 row(s) would offer"), std::string::npos) << dry.out;
  Outcome real = Upload(Url(), tok().editor);
  ASSERT_EQ(real.code, server::kUploadOk) << real.err;
  EXPECT_NE(real.out.find("14 row(s) offer their Interdependencies/ Risks text as a draft risk"), std::string::npos)
      << real.out;
  EXPECT_NE(real.out.find("POST /api/v1/risk-drafts/confirm"), std::string::npos) << real.out;
  EXPECT_EQ(Get("/api/v1/risk-register?status=all").Json()["count"], 0);
  EXPECT_EQ(Get("/api/v1/risk-drafts?min_position=" + std::to_string(Head())).Json()["count"], 14);
}

TEST_F(ImportUploadTest, ImportsTheStrategyDocumentOnceAndRepeatsAppendNothing) {
  const std::uint64_t before = HeadViaApi();
  Outcome first = Upload(Url(), tok().editor);
  ASSERT_EQ(first.code, server::kUploadOk) << first.err;
  EXPECT_NE(first.out.find("Deliverables: 67 created"), std::string::npos) << first.out;
  EXPECT_NE(first.out.find("Medical Physics Work Programme"), std::string::npos) << first.out;
  EXPECT_EQ(first.err.find(tok().editor), std::string::npos);
  EXPECT_EQ(first.out.find(tok().editor), std::string::npos);
  EXPECT_EQ(Get("/api/v1/deliverables").Json()["total"], 67);
  const std::uint64_t head = HeadViaApi();
  EXPECT_GT(head, before);

  // Idempotent: the same file again appends nothing (the JSON report says so too).
  Outcome again = Upload(Url(), tok().editor, /*dry_run=*/false, /*as_json=*/true);
  ASSERT_EQ(again.code, server::kUploadOk) << again.err;
  json report = json::parse(again.out);
  EXPECT_EQ(report["counts"]["events_appended"], 0);
  EXPECT_EQ(report["counts"]["deliverables_unchanged"], 67);
  EXPECT_EQ(HeadViaApi(), head);
  json verify = Get("/api/v1/audit/verify").Json();
  EXPECT_EQ(verify["ok"], true);
  EXPECT_EQ(verify["checked"], head);
  EXPECT_EQ(Get("/api/v1/deliverables").Json()["total"], 67);
}

// Issue 16: a re-import keeps a rating the board changed through the API and
// says so; overwrite=true applies the file's.
TEST_F(ImportUploadTest, ConflictsWithTheBoardsChangesAndOverwrite) {
  Outcome first = Upload(Url(), tok().editor, false, /*as_json=*/true);
  ASSERT_EQ(first.code, server::kUploadOk) << first.err;
  std::string id, rating;
  const json imported = json::parse(first.out);
  for (const auto& row : imported["rows"]) {
    json d = Get("/api/v1/deliverables/" + row["deliverable_id"].get<std::string>()).Json();
    if (d["ragb"].is_string()) {
      id = row["deliverable_id"];
      rating = d["ragb"];
      break;
    }
  }
  ASSERT_FALSE(id.empty());
  const std::string other = rating == "red" ? "amber" : "red";
  Must("/api/v1/deliverables/" + id + "/change-ragb", {{"ragb", other}, {"reason", "board said so"}},
       tok().editor);

  Outcome again = Upload(Url(), tok().editor, /*dry_run=*/true);
  ASSERT_EQ(again.code, server::kUploadOk) << again.err;
  EXPECT_NE(again.out.find("Conflicts"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("board said so"), std::string::npos) << again.out;
  Outcome kept = Upload(Url(), tok().editor, false, /*as_json=*/true);
  ASSERT_EQ(kept.code, server::kUploadOk) << kept.err;
  const json report = json::parse(kept.out);
  ASSERT_EQ(report["conflicts"].size(), 1u) << kept.out;
  EXPECT_EQ(report["conflicts"][0]["field"], "ragb");
  EXPECT_EQ(report["conflicts"][0]["assure_value"], other);
  EXPECT_EQ(report["conflicts"][0]["file_value"], rating);
  EXPECT_EQ(Get("/api/v1/deliverables/" + id).Json()["ragb"], other);

  Outcome over = Upload(Url(), tok().editor, false, false, {ASSURE_STRATEGY_MD}, /*overwrite=*/true);
  ASSERT_EQ(over.code, server::kUploadOk) << over.err;
  EXPECT_NE(over.out.find("file's value applied"), std::string::npos) << over.out;
  EXPECT_EQ(Get("/api/v1/deliverables/" + id).Json()["ragb"], rating);
}

// Issue 18: the report's owners come back to the command line, and
// --link-owners is sent as link_owners=true.
TEST_F(ImportUploadTest, OwnersAreProposedAndLinkedOnlyWhenConfirmed) {
  const std::string person = Create("people", {{"name", "Quin Owner"}}, tok().admin);
  const std::string path = ::testing::TempDir() + "owners-upload.csv";
  {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    const std::string csv = "Owners Work Programme 2024-25\r\nNetwork Reference,Deliverable,Owner\r\n"
                            "OW-01,Owned,quin owner\r\nOW-02,Not owned,Head of IT\r\n";
    std::fwrite(csv.data(), 1, csv.size(), f);
    std::fclose(f);
  }
  Outcome dry = Upload(Url(), tok().editor, /*dry_run=*/true, false, {path});
  ASSERT_EQ(dry.code, server::kUploadOk) << dry.err;
  EXPECT_NE(dry.out.find("Owner 'quin owner' → person Quin Owner [" + person + "] (1 row): proposed link"),
            std::string::npos)
      << dry.out;
  EXPECT_NE(dry.out.find("Owner 'Head of IT' (1 row): no person of that name"), std::string::npos) << dry.out;
  Outcome linked = Upload(Url(), tok().editor, false, /*as_json=*/true, {path}, false, /*link_owners=*/true);
  ASSERT_EQ(linked.code, server::kUploadOk) << linked.err;
  const json report = json::parse(linked.out);
  EXPECT_EQ(report["owners"][0]["match"], "linked");
  const std::string id = report["rows"][0]["deliverable_id"];
  json d = Get("/api/v1/deliverables/" + id).Json();
  EXPECT_EQ(d["owner_person_id"], person);
  EXPECT_EQ(d["owner"], "Quin Owner");
  std::remove(path.c_str());
}

TEST_F(ImportUploadTest, DryRunWritesNothing) {
  const std::uint64_t before = HeadViaApi();
  Outcome dry = Upload(Url(), tok().editor, /*dry_run=*/true);
  ASSERT_EQ(dry.code, server::kUploadOk) << dry.err;
  EXPECT_NE(dry.out.find("DRY RUN"), std::string::npos) << dry.out;
  EXPECT_NE(dry.out.find("67 would be created"), std::string::npos) << dry.out;
  EXPECT_EQ(HeadViaApi(), before);
  EXPECT_EQ(Get("/api/v1/deliverables").Json()["total"], 0);
}

TEST_F(ImportUploadTest, RefusalsAndConnectionErrors) {
  const std::uint64_t before = HeadViaApi();
  Outcome viewer = Upload(Url(), tok().viewer);
  EXPECT_EQ(viewer.code, server::kUploadRefused);
  EXPECT_NE(viewer.err.find("HTTP 403"), std::string::npos) << viewer.err;
  EXPECT_EQ(viewer.err.find(tok().viewer), std::string::npos);

  Outcome bad = Upload(Url(), tok().unknown);
  EXPECT_EQ(bad.code, server::kUploadRefused);
  EXPECT_NE(bad.err.find("HTTP 401"), std::string::npos) << bad.err;
  EXPECT_EQ(bad.err.find(tok().unknown), std::string::npos);

  // The server's problem detail and field are shown (a file it cannot read).
  const std::string junk = (std::filesystem::temp_directory_path() / "assure-upload-test.pdf").string();
  {
    std::FILE* f = std::fopen(junk.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fputs("%PDF-1.4 not a programme", f);
    std::fclose(f);
  }
  Outcome refused = Upload(Url(), tok().editor, false, false, {junk});
  std::remove(junk.c_str());
  EXPECT_EQ(refused.code, server::kUploadRefused);
  EXPECT_NE(refused.err.find("the server refused it (HTTP 4"), std::string::npos) << refused.err;
  EXPECT_EQ(HeadViaApi(), before);

  // Usage and connection errors: exit 2.
  EXPECT_EQ(Upload(Url(), "").code, server::kUploadError);
  // https:// to a plain HTTP server: the TLS handshake fails.
  Outcome https = Upload("https://127.0.0.1:" + std::to_string(srv().port()), tok().editor);
  EXPECT_EQ(https.code, server::kUploadError);
  EXPECT_NE(https.err.find("cannot establish TLS with https://127.0.0.1:"), std::string::npos) << https.err;
  EXPECT_EQ(Upload("ftp://127.0.0.1:21", tok().editor).code, server::kUploadError);

  // An unreachable port: bind one, note it, close it; nothing listens there.
  std::uint16_t dead = 0;
  {
    RestServer other;
    dead = other.port();
  }
  Outcome down = Upload("http://127.0.0.1:" + std::to_string(dead), tok().editor);
  EXPECT_EQ(down.code, server::kUploadError);
  EXPECT_NE(down.err.find("cannot connect to http://127.0.0.1:" + std::to_string(dead)),
            std::string::npos)
      << down.err;
  EXPECT_EQ(down.err.find(tok().editor), std::string::npos);
  EXPECT_EQ(HeadViaApi(), before);
}

TEST(ParseHttpUrlTest, Forms) {
  auto a = server::ParseHttpUrl("http://127.0.0.1:8080");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, "8080");
  EXPECT_EQ(a->base, "");
  auto b = server::ParseHttpUrl("HTTP://assure.example/prefix/");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->host, "assure.example");
  EXPECT_EQ(b->port, "80");
  EXPECT_EQ(b->base, "/prefix");
  auto c = server::ParseHttpUrl("http://[::1]:9000");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->host, "::1");
  EXPECT_EQ(c->port, "9000");
  auto d = server::ParseHttpUrl("https://assure.example", "ca.pem");
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->tls);
  EXPECT_EQ(d->port, "443");
  EXPECT_EQ(d->ca_file, "ca.pem");
  EXPECT_FALSE(server::ParseHttpUrl("http://x", "ca.pem").ok());  // a CA file needs https
  EXPECT_FALSE(server::ParseHttpUrl("ftp://x").ok());
  EXPECT_FALSE(server::ParseHttpUrl("127.0.0.1:8080").ok());
  EXPECT_FALSE(server::ParseHttpUrl("http://:80").ok());
  EXPECT_FALSE(server::ParseHttpUrl("http://h:0").ok());
  EXPECT_FALSE(server::ParseHttpUrl("http://h:99999").ok());
  EXPECT_EQ(server::UrlEncode("a b&c/é"), "a%20b%26c%2F%C3%A9");
}

}  // namespace
}  // namespace assure::rest_test
