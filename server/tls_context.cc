#include "server/tls_context.h"

#include <boost/asio/ssl/context.hpp>
#include <openssl/ssl.h>

#include <utility>

namespace assure::server {

namespace ssl = boost::asio::ssl;

TlsContext::TlsContext(std::string certificate_file, std::string private_key_file)
    : certificate_file_(std::move(certificate_file)), private_key_file_(std::move(private_key_file)) {}

Result<std::shared_ptr<TlsContext>> TlsContext::Load(std::string certificate_file,
                                                     std::string private_key_file) {
  auto built = Build(certificate_file, private_key_file);
  if (!built.ok()) return built.error();
  std::shared_ptr<TlsContext> tls(new TlsContext(std::move(certificate_file), std::move(private_key_file)));
  tls->current_ = std::move(built).value();
  return tls;
}

Result<std::shared_ptr<ssl::context>> TlsContext::Build(const std::string& certificate_file,
                                                        const std::string& private_key_file) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  boost::system::error_code ec;
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::no_compression |
                       ssl::context::single_dh_use,
                   ec);
  if (ec) return MakeError(ErrorCode::kInternal, "TLS: cannot set options: " + ec.message());
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  SSL_CTX_set_options(ctx->native_handle(), SSL_OP_NO_RENEGOTIATION);
  // A key with a passphrase is refused rather than asked for on a terminal.
  ctx->set_password_callback([](std::size_t, ssl::context::password_purpose) { return std::string(); }, ec);
  ctx->use_certificate_chain_file(certificate_file, ec);
  if (ec) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "TLS: cannot use the certificate " + certificate_file + ": " + ec.message(),
                     "tls_certificate");
  }
  ctx->use_private_key_file(private_key_file, ssl::context::pem, ec);
  if (ec) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "TLS: cannot use the private key " + private_key_file + " (PEM, no passphrase): " +
                         ec.message(),
                     "tls_private_key");
  }
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "TLS: the private key " + private_key_file + " does not belong to the certificate " +
                         certificate_file,
                     "tls_private_key");
  }
  return ctx;
}

std::shared_ptr<ssl::context> TlsContext::Current() const {
  std::lock_guard lock(mu_);
  return current_;
}

Status TlsContext::Reload() {
  auto built = Build(certificate_file_, private_key_file_);
  if (!built.ok()) return built.error();
  std::lock_guard lock(mu_);
  current_ = std::move(built).value();
  return {};
}

}  // namespace assure::server
