// The zip container of an evidence pack (libzip), in memory or in a file.
//
// Writing is deterministic: entries in name order, DOS timestamp fixed at
// 1980-01-01 00:00, fixed external attributes; entries up to kDeflateLimit
// deflated at level 1, larger ones stored (deflating the ~500 MB
// events.jsonl of a whole-network pack alone takes seconds, and inflating it
// again slows every verification; compress the file for transport if
// needed). The same entries give the same bytes.
//
// Thread safety: pure functions.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "api/evidence/spill_file.h"
#include "domain/result.h"

namespace assure::api {

using ZipEntries = std::map<std::string, std::string>;  // name -> content
using ZipViews = std::map<std::string, std::string_view>;  // name -> content held elsewhere

inline constexpr std::size_t kDeflateLimit = 8 << 20;  // bytes

// An entry whose content is ranges of a file, read as the zip is written.
struct ZipFileRanges {
  const SpillFile* file = nullptr;
  std::vector<ByteRange> ranges;
};
using ZipRanged = std::map<std::string, ZipFileRanges>;  // name -> content

// `entries` and `ranged` (no name in both) in one zip, in name order.
Result<std::string> WriteZip(const ZipViews& entries, const ZipRanged& ranged = {});
Result<std::string> WriteZip(const ZipEntries& entries);
// The same bytes written into the open, empty file `fd` (from offset 0;
// not synced). Returns the size. kIoError when it cannot be written.
Result<std::uint64_t> WriteZipTo(const ZipViews& entries, int fd, const ZipRanged& ranged = {});

// A zip written and synced beside its path but not yet in place: Commit
// renames it over the path (and syncs the directory); destroyed
// uncommitted, it is removed.
class PendingZipFile {
 public:
  PendingZipFile(PendingZipFile&& other) noexcept;
  PendingZipFile& operator=(PendingZipFile&&) = delete;
  PendingZipFile(const PendingZipFile&) = delete;
  PendingZipFile& operator=(const PendingZipFile&) = delete;
  ~PendingZipFile();
  Status Commit();
  std::uint64_t size() const { return size_; }

 private:
  friend Result<PendingZipFile> WriteZipBeside(const ZipViews&, const std::string&, const ZipRanged&, mode_t);
  PendingZipFile() = default;
  std::string temp_;
  std::string path_;
  std::uint64_t size_ = 0;
};

// The zip for the file `path`, all or nothing: written into a new file
// beside it (`path`.partial-XXXXXX, removed on a failure) with
// permissions `mode`, synced; in place once committed. kInvalidArgument
// when `path` names a directory; kIoError when the file cannot be written.
Result<PendingZipFile> WriteZipBeside(const ZipViews& entries, const std::string& path, const ZipRanged& ranged,
                                      mode_t mode);
// WriteZipBeside, then Commit. Returns the size.
Result<std::uint64_t> WriteZipFile(const ZipViews& entries, const std::string& path, const ZipRanged& ranged = {},
                                   mode_t mode = 0644);
ZipViews ViewsOf(const ZipEntries& entries);

// Limits for reading a zip from an untrusted source.
struct ZipReadLimits {
  std::uint64_t max_entries = 1'000'000;
  std::uint64_t max_total_bytes = 8ULL << 30;  // inflated, 8 GiB
  // Stored (uncompressed) entries are read as they are, without checking
  // their CRC-32: for callers that check every file's SHA-256 anyway (the
  // pack verifier, against MANIFEST.sha256). Deflated entries are always
  // checked.
  bool skip_stored_crc = false;
};

// Every file entry's content. kInvalidArgument when the bytes are not a zip
// (or an entry is damaged or named twice); kTooLarge past the limits.
Result<ZipEntries> ReadZip(std::string_view bytes, const ZipReadLimits& limits = {});

// The same, without copying what need not be: with skip_stored_crc, a
// stored entry's view points into `bytes` itself (libzip locates its data;
// nothing is allocated or copied, which for a whole-network pack's 300 MB
// events.jsonl was most of reading the zip). Deflated entries, and stored
// ones without skip_stored_crc, are read into `owned`, which the views then
// point into: `bytes` and `owned` must outlive them.
Result<ZipViews> ReadZipViews(std::string_view bytes, ZipEntries& owned, const ZipReadLimits& limits = {});

}  // namespace assure::api
