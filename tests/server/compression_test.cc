// gzip for HTTP answers: which requests accept it, deterministic output that
// inflates back, large JSON compressed and small or binary answers not; the
// dashboard's files with a strong ETag (304 on If-None-Match) and gzipped
// once for browsers that accept it.
#include <gtest/gtest.h>
#include <zlib.h>

#include <string>
#include <vector>

#include "api/http/compression.h"
#include "api/http/router.h"
#include "api/web/static_assets.h"

namespace assure::api::http {
namespace {

std::string Gunzip(const std::string& gz) {
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, 15 + 16), Z_OK);
  std::string out(1 << 20, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  z.avail_in = static_cast<uInt>(gz.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(out.size() - z.avail_out);
  inflateEnd(&z);
  return out;
}

std::string_view HeaderOf(const Response& r, std::string_view name) {
  for (const auto& h : r.headers) {
    if (h.name == name) return h.value;
  }
  return {};
}

TEST(CompressionTest, AcceptEncodingIsReadAsRfc9110Says) {
  EXPECT_TRUE(AcceptsGzip("gzip"));
  EXPECT_TRUE(AcceptsGzip("gzip, deflate, br"));
  EXPECT_TRUE(AcceptsGzip("br;q=1.0, GZIP;q=0.5"));
  EXPECT_TRUE(AcceptsGzip("*"));
  EXPECT_TRUE(AcceptsGzip("x-gzip"));
  EXPECT_FALSE(AcceptsGzip(""));
  EXPECT_FALSE(AcceptsGzip("identity"));
  EXPECT_FALSE(AcceptsGzip("br, deflate"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("gzip; q=0.000, *"));
  EXPECT_FALSE(AcceptsGzip("*;q=0"));
  EXPECT_TRUE(AcceptsGzip("gzip;q=0.001"));
}

TEST(CompressionTest, GzipIsDeterministicAndInflatesBack) {
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "{\"id\":\"" + std::to_string(i) + "\",\"ragb\":\"amber\"},";
  const std::string a = Gzip(text, 1), b = Gzip(text, 1);
  EXPECT_EQ(a, b);
  EXPECT_LT(a.size() * 5, text.size());
  EXPECT_EQ(Gunzip(a), text);
  EXPECT_EQ(Gunzip(Gzip("", 9)), "");
}

TEST(CompressionTest, LargeJsonIsCompressedWhenAcceptedAndNothingElse) {
  Request req;
  req.headers.Add("Accept-Encoding", "gzip, deflate");
  const std::string big(kCompressMinBytes, 'x');
  Response json = Response::Text(200, "[\"" + big + "\"]", "application/json");
  ASSERT_TRUE(CompressIfAccepted(req, json));
  EXPECT_EQ(HeaderOf(json, "Content-Encoding"), "gzip");
  EXPECT_EQ(HeaderOf(json, "Vary"), "Accept-Encoding");
  EXPECT_EQ(Gunzip(json.body), "[\"" + big + "\"]");

  Response small = Response::Text(200, "{}", "application/json");
  EXPECT_FALSE(CompressIfAccepted(req, small));
  Response zip = Response::Text(200, big, "application/zip");
  EXPECT_FALSE(CompressIfAccepted(req, zip)) << "already compressed formats are left alone";
  Response problem = Response::Text(404, big, "application/problem+json");
  EXPECT_FALSE(CompressIfAccepted(req, problem)) << "only 200s";
  Response encoded = Response::Text(200, big, "text/plain");
  encoded.SetHeader("Content-Encoding", "gzip");
  EXPECT_FALSE(CompressIfAccepted(req, encoded));
  Request plain;
  Response unasked = Response::Text(200, big, "application/json");
  EXPECT_FALSE(CompressIfAccepted(plain, unasked)) << "no Accept-Encoding: as it is";
  EXPECT_EQ(unasked.body, big);
}

TEST(CompressionTest, DashboardFilesHaveStrongEtagsAndAreGzippedOnce) {
  static const std::string js = "// app\n" + std::string(4000, ' ') + "export const x = 1;\n";
  static const web::Asset assets[] = {{"/index.html", "<!doctype html><p>hi</p>"}, {"/js/app.js", js}};
  Router router;
  ASSERT_TRUE(web::RegisterStaticAssets(router, assets).ok());
  auto get = [&](const std::vector<std::string>& path, std::vector<std::pair<std::string, std::string>> headers) {
    auto m = router.Match("GET", path);
    EXPECT_NE(m.route, nullptr);
    Request req;
    for (auto& [k, v] : headers) req.headers.Add(k, v);
    return m.route->handler(req);
  };
  Response plain = get({"js", "app.js"}, {});
  EXPECT_EQ(plain.status, 200);
  EXPECT_EQ(plain.body, js);
  const std::string etag(HeaderOf(plain, "ETag"));
  ASSERT_EQ(etag.size(), 34u) << etag;
  EXPECT_EQ(etag.front(), '"');
  EXPECT_EQ(HeaderOf(plain, "Content-Encoding"), "");

  Response gz = get({"js", "app.js"}, {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(HeaderOf(gz, "Content-Encoding"), "gzip");
  EXPECT_EQ(HeaderOf(gz, "ETag"), etag) << "one representation's validator for both";
  EXPECT_EQ(Gunzip(gz.body), js);
  EXPECT_LT(gz.body.size(), js.size() / 10);

  Response again = get({"js", "app.js"}, {{"If-None-Match", etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(get({"js", "app.js"}, {{"If-None-Match", "\"other\", W/" + etag}}).status, 304);
  EXPECT_EQ(get({"js", "app.js"}, {{"If-None-Match", "\"other\""}}).status, 200);
  Response index = get({}, {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(index.body, "<!doctype html><p>hi</p>") << "too small to be worth compressing";
  EXPECT_NE(HeaderOf(index, "ETag"), etag);
}

}  // namespace
}  // namespace assure::api::http
