#include "tests/server/test_certificate.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <stdexcept>

#include "domain/hex.h"

namespace assure::server::testing {

namespace {

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using CertPtr = std::unique_ptr<X509, Deleter<X509, X509_free>>;

void Check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test certificate: ") + what);
}

std::string Sha256Hex(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  Check(X509_digest(cert, EVP_sha256(), md, &n) == 1, "digest");
  std::string hex;
  domain::AppendHex(hex, std::string_view(reinterpret_cast<const char*>(md), n));
  return hex;
}

void WritePem(const std::filesystem::path& path, const std::function<int(FILE*)>& write) {
  FILE* f = std::fopen(path.c_str(), "wb");
  Check(f != nullptr, "open file");
  const int ok = write(f);
  std::fclose(f);
  Check(ok == 1, "write PEM");
}

}  // namespace

TestCertificate MakeTestCertificate(const std::filesystem::path& dir, const std::string& name) {
  KeyPtr key(EVP_EC_gen("P-256"));
  Check(key != nullptr, "key");
  CertPtr cert(X509_new());
  Check(cert != nullptr, "certificate");
  X509_set_version(cert.get(), 2);
  static long serial = 1;
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial++);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 7L * 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* subject = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(name.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), subject);
  X509V3_CTX v3;
  X509V3_set_ctx_nodb(&v3);
  X509V3_set_ctx(&v3, cert.get(), cert.get(), nullptr, nullptr, 0);
  for (auto [nid, value] : {std::pair{NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost"},
                            std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &v3, nid, value);
    Check(ext != nullptr, "extension");
    X509_add_ext(cert.get(), ext, -1);
    X509_EXTENSION_free(ext);
  }
  Check(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0, "sign");
  TestCertificate out;
  out.certificate = dir / (name + ".pem");
  out.private_key = dir / (name + ".key");
  WritePem(out.certificate, [&](FILE* f) { return PEM_write_X509(f, cert.get()); });
  WritePem(out.private_key, [&](FILE* f) {
    return PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  });
  out.sha256 = Sha256Hex(cert.get());
  return out;
}

std::string ServedCertificateSha256(unsigned short port) {
  namespace net = boost::asio;
  namespace ssl = boost::asio::ssl;
  net::io_context ioc;
  ssl::context ctx(ssl::context::tls_client);
  ctx.set_verify_mode(ssl::verify_none);
  ssl::stream<net::ip::tcp::socket> stream(ioc, ctx);
  boost::system::error_code ec;
  stream.next_layer().connect({net::ip::make_address("127.0.0.1"), port}, ec);
  if (ec) return {};
  bool done = false;
  stream.async_handshake(ssl::stream_base::client, [&](boost::system::error_code e) {
    ec = e;
    done = true;
  });
  ioc.run_for(std::chrono::seconds(5));
  if (!done || ec) return {};
  X509* peer = SSL_get1_peer_certificate(stream.native_handle());
  if (peer == nullptr) return {};
  CertPtr owned(peer);
  std::string sha = Sha256Hex(peer);
  stream.next_layer().close(ec);
  return sha;
}

}  // namespace assure::server::testing
