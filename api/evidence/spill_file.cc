#include "api/evidence/spill_file.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <utility>

#include "storage/codec.h"

namespace assure::api {

Result<SpillFile> SpillFile::Create(const std::string& dir) {
  std::string name = (dir.empty() ? std::string(".") : dir) + "/.assure-spill-XXXXXX";
  const int fd = ::mkstemp(name.data());
  if (fd < 0) {
    return MakeError(ErrorCode::kIoError, "cannot create a temporary file in " + dir + ": " + std::strerror(errno));
  }
  ::unlink(name.c_str());
  return SpillFile(fd);
}

SpillFile::SpillFile(SpillFile&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), size_(std::exchange(other.size_, 0)) {}

SpillFile& SpillFile::operator=(SpillFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

SpillFile::~SpillFile() {
  if (fd_ >= 0) ::close(fd_);
}

int WriteAllAt(int fd, std::string_view bytes, std::uint64_t at) {
  for (std::size_t done = 0; done < bytes.size();) {
    const ssize_t n = ::pwrite(fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(at + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return n < 0 ? errno : ENOSPC;
    done += static_cast<std::size_t>(n);
  }
  return 0;
}

Status SpillFile::Append(std::string_view bytes) {
  if (const int error = WriteAllAt(fd_, bytes, size_); error != 0) {
    return MakeError(ErrorCode::kIoError, std::string("cannot write a temporary file: ") + std::strerror(error));
  }
  size_ += bytes.size();
  return {};
}

Status SpillFile::ReadAt(std::uint64_t at, char* out, std::size_t n) const {
  for (std::size_t done = 0; done < n;) {
    const ssize_t got = ::pread(fd_, out + done, n - done, static_cast<off_t>(at + done));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      return MakeError(ErrorCode::kIoError, std::string("cannot read a temporary file: ") +
                                                (got < 0 ? std::strerror(errno) : "it ends early"));
    }
    done += static_cast<std::size_t>(got);
  }
  return {};
}

std::uint64_t RangesSize(const std::vector<ByteRange>& ranges) {
  std::uint64_t n = 0;
  for (const auto& r : ranges) n += r.end - r.begin;
  return n;
}

Result<std::string> ReadRanges(const SpillFile& file, const std::vector<ByteRange>& ranges) {
  std::string out(RangesSize(ranges), '\0');
  std::size_t at = 0;
  for (const auto& r : ranges) {
    ASSURE_TRY(file.ReadAt(r.begin, out.data() + at, r.end - r.begin));
    at += r.end - r.begin;
  }
  return out;
}

Result<std::string> Sha256HexOf(const SpillFile& file, const std::vector<ByteRange>& ranges) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
    return MakeError(ErrorCode::kInternal, "SHA-256 is not available");
  }
  std::string buffer(1 << 20, '\0');
  for (const auto& r : ranges) {
    for (std::uint64_t at = r.begin; at < r.end;) {
      const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), r.end - at));
      ASSURE_TRY(file.ReadAt(at, buffer.data(), n));
      EVP_DigestUpdate(ctx.get(), buffer.data(), n);
      at += n;
    }
  }
  storage::Hash256 digest;
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), digest.data(), &len);
  return storage::HexEncode(digest);
}

}  // namespace assure::api
