// The size and SHA-256 of a file, read in blocks (OpenSSL EVP); and a copy
// of a file that digests what it writes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "domain/result.h"

namespace assure::api::backup {

struct Digest {
  std::uint64_t bytes = 0;
  std::string sha256;  // lowercase hex
};

Result<Digest> FileDigest(const std::filesystem::path& path);
// Copies `from` to `to` (created 0600, must not exist) and digests the bytes copied.
Result<Digest> CopyAndDigest(const std::filesystem::path& from, const std::filesystem::path& to);

}  // namespace assure::api::backup
