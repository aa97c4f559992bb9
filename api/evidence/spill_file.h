// Bytes too many to hold in memory while a pack is built: a whole-network
// pack's events.jsonl (300 MB at 500,000 events) is appended to an unnamed
// temporary file as it is rendered and read back by ranges when the zip is
// written. Rendering it into memory instead touched that much fresh memory,
// page by page (on a virtual machine where a page fault costs ~10 us, 0.85 s
// of the build), and held it until the pack was done; the file's pages are
// the kernel's page cache, which it can write out or drop under pressure.
//
// Thread safety: Append from one thread; ReadAt/ReadRanges/Sha256HexOf from
// any number once appending is done.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.h"

namespace assure::api {

// Bytes [begin, end) of a file.
struct ByteRange {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
};

class SpillFile {
 public:
  // A new temporary file in `dir`, unlinked at once: it has no name, and
  // its space is freed when it is closed (or the process ends). kIoError
  // when it cannot be created.
  static Result<SpillFile> Create(const std::string& dir);
  SpillFile(SpillFile&& other) noexcept;
  SpillFile& operator=(SpillFile&& other) noexcept;
  SpillFile(const SpillFile&) = delete;
  SpillFile& operator=(const SpillFile&) = delete;
  ~SpillFile();

  // kIoError (a full disk) leaves size() where it was.
  Status Append(std::string_view bytes);
  std::uint64_t size() const { return size_; }
  // Bytes [at, at + n) into `out`; kIoError on a failure or a short read.
  Status ReadAt(std::uint64_t at, char* out, std::size_t n) const;

 private:
  explicit SpillFile(int fd) : fd_(fd) {}
  int fd_ = -1;
  std::uint64_t size_ = 0;
};

// Writes all of `bytes` into `fd` at offset `at` (retrying short writes and
// EINTR): 0, or the errno of the failure (ENOSPC when nothing more could
// be written).
int WriteAllAt(int fd, std::string_view bytes, std::uint64_t at);

// The bytes of `ranges` of `file`, in order, in memory.
Result<std::string> ReadRanges(const SpillFile& file, const std::vector<ByteRange>& ranges);
// Their SHA-256 (lowercase hex), read a MiB at a time.
Result<std::string> Sha256HexOf(const SpillFile& file, const std::vector<ByteRange>& ranges);
// Their total length.
std::uint64_t RangesSize(const std::vector<ByteRange>& ranges);

}  // namespace assure::api
