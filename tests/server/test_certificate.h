// Throwaway TLS material for tests: a self-signed certificate for
// 127.0.0.1 (and localhost) with its key, made with OpenSSL at test time.
#pragma once

#include <filesystem>
#include <string>

namespace assure::server::testing {

struct TestCertificate {
  std::filesystem::path certificate;  // PEM; also the CA file a client trusts
  std::filesystem::path private_key;  // PEM, unencrypted
  std::string sha256;                 // lowercase hex of the DER certificate's SHA-256
};

// Writes <dir>/<name>.pem and <dir>/<name>.key (replacing them). Throws
// std::runtime_error when OpenSSL fails.
TestCertificate MakeTestCertificate(const std::filesystem::path& dir, const std::string& name);

// The SHA-256 (lowercase hex) of the certificate 127.0.0.1:port serves,
// without verifying it; "" when the TLS handshake fails or takes over 5 s.
std::string ServedCertificateSha256(unsigned short port);

}  // namespace assure::server::testing
