#include "api/backup/file_digest.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <memory>
#include <vector>

#include "storage/types.h"

namespace assure::api::backup {

namespace {

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// Reads `from` through SHA-256, writing each block to `to_fd` when >= 0.
Result<Digest> Pump(const std::filesystem::path& from, int to_fd, const std::string& to_name) {
  Fd in{::open(from.c_str(), O_RDONLY | O_CLOEXEC)};
  if (in.fd < 0) return MakeError(ErrorCode::kIoError, "cannot read " + from.string());
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
    return MakeError(ErrorCode::kInternal, "SHA-256 unavailable");
  }
  std::vector<char> buf(1 << 20);
  Digest d;
  for (;;) {
    const ssize_t n = ::read(in.fd, buf.data(), buf.size());
    if (n < 0) return MakeError(ErrorCode::kIoError, "reading " + from.string());
    if (n == 0) break;
    EVP_DigestUpdate(ctx.get(), buf.data(), static_cast<std::size_t>(n));
    d.bytes += static_cast<std::uint64_t>(n);
    for (ssize_t done = 0; to_fd >= 0 && done < n;) {
      const ssize_t w = ::write(to_fd, buf.data() + done, static_cast<std::size_t>(n - done));
      if (w <= 0) return MakeError(ErrorCode::kIoError, "writing " + to_name);
      done += w;
    }
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), md, &len);
  d.sha256 = storage::HexEncode(md, len);
  return d;
}

}  // namespace

Result<Digest> FileDigest(const std::filesystem::path& path) { return Pump(path, -1, ""); }

Result<Digest> CopyAndDigest(const std::filesystem::path& from, const std::filesystem::path& to) {
  Fd out{::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)};
  if (out.fd < 0) return MakeError(ErrorCode::kIoError, "cannot create " + to.string());
  auto d = Pump(from, out.fd, to.string());
  if (!d.ok()) return d;
  if (::fsync(out.fd) != 0) return MakeError(ErrorCode::kIoError, "syncing " + to.string());
  return d;
}

}  // namespace assure::api::backup
