#include "api/http/compression.h"

#include <zlib.h>

#include <cctype>
#include <stdexcept>

namespace assure::api::http {

namespace {

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

// Whether the parameters of one coding (";q=0.5") give it a weight of 0.
bool ZeroWeight(std::string_view params) {
  while (!params.empty()) {
    const std::size_t semi = params.find(';');
    std::string_view p = TrimOws(params.substr(0, semi));
    if (p.size() >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
      p.remove_prefix(2);
      // q=0, q=0., q=0.0, q=0.00, q=0.000
      if (p.empty() || p[0] != '0') return false;
      for (char c : p.substr(1)) {
        if (c != '.' && c != '0') return false;
      }
      return true;
    }
    if (semi == std::string_view::npos) break;
    params.remove_prefix(semi + 1);
  }
  return false;
}

bool Compressible(std::string_view type) {
  return type.starts_with("application/json") || type.starts_with("application/problem+json") ||
         type.starts_with("text/") || type.starts_with("application/javascript") ||
         type.starts_with("image/svg+xml");
}

}  // namespace

bool AcceptsGzip(std::string_view accept_encoding) {
  bool gzip = false, gzip_refused = false, star = false;
  while (true) {
    const std::size_t comma = accept_encoding.find(',');
    std::string_view item = TrimOws(accept_encoding.substr(0, comma));
    const std::size_t semi = item.find(';');
    const std::string_view coding = TrimOws(item.substr(0, semi));
    const bool zero = semi != std::string_view::npos && ZeroWeight(item.substr(semi + 1));
    if (EqualsIgnoringCase(coding, "gzip") || EqualsIgnoringCase(coding, "x-gzip")) {
      (zero ? gzip_refused : gzip) = true;
    } else if (coding == "*" && !zero) {
      star = true;
    }
    if (comma == std::string_view::npos) break;
    accept_encoding.remove_prefix(comma + 1);
  }
  return !gzip_refused && (gzip || star);
}

std::string Gzip(std::string_view data, int level) {
  z_stream z{};
  // windowBits 15 + 16: a gzip header and trailer; the header zlib writes
  // has no name and mtime 0, so the output depends on the bytes only.
  if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("zlib: deflateInit2 failed");
  }
  std::string out(deflateBound(&z, static_cast<uLong>(data.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  const std::size_t written = out.size() - z.avail_out;
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw std::runtime_error("zlib: deflate did not finish");
  out.resize(written);
  return out;
}

bool CompressIfAccepted(const Request& request, Response& response, std::size_t min_bytes) {
  if (response.status != 200 || response.body.size() < min_bytes || !Compressible(response.content_type)) {
    return false;
  }
  for (const auto& h : response.headers) {
    if (EqualsIgnoringCase(h.name, "Content-Encoding")) return false;
  }
  const auto accept = request.Header("Accept-Encoding");
  if (!accept || !AcceptsGzip(*accept)) return false;
  response.body = Gzip(response.body, 1);
  response.SetHeader("Content-Encoding", "gzip");
  response.SetHeader("Vary", "Accept-Encoding");
  return true;
}

}  // namespace assure::api::http
