// The server's TLS settings: an OpenSSL context with the configured
// certificate and key, swapped whole when they are read again (SIGHUP).
//
// Defaults: TLS 1.2 and 1.3 only, OpenSSL's default cipher suites at the
// system's security level (Debian: level 2), no compression, no
// renegotiation. A connection keeps the context it was accepted with; new
// connections take the current one.
//
// Thread safety: Current and Reload may be called from any thread.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "domain/result.h"

namespace boost::asio::ssl {
class context;
}

namespace assure::server {

class TlsContext {
 public:
  // Reads the PEM certificate chain and private key. kInvalidArgument naming
  // the file when either cannot be read or parsed, or when the key does not
  // belong to the certificate.
  static Result<std::shared_ptr<TlsContext>> Load(std::string certificate_file,
                                                   std::string private_key_file);

  std::shared_ptr<boost::asio::ssl::context> Current() const;

  // Reads both files again; on an error the current context stays in use
  // and the error is returned.
  Status Reload();

 private:
  TlsContext(std::string certificate_file, std::string private_key_file);
  static Result<std::shared_ptr<boost::asio::ssl::context>> Build(const std::string& certificate_file,
                                                                  const std::string& private_key_file);

  const std::string certificate_file_;
  const std::string private_key_file_;
  mutable std::mutex mu_;
  std::shared_ptr<boost::asio::ssl::context> current_;  // guarded by mu_
};

}  // namespace assure::server
