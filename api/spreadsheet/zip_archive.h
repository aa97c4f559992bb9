// Read-only access to a zip archive held in memory (an xlsx workbook), with
// the limits that make a zip bomb a clean kTooLarge instead of an outage.
//
// Sizes are counted as bytes are actually inflated, so an archive that lies
// about its sizes in the central directory is still caught.
//
// Not thread-safe: one ZipArchive per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "api/spreadsheet/read_options.h"
#include "domain/result.h"

struct zip;

namespace assure::api::spreadsheet {

class ZipArchive {
 public:
  // `bytes` must outlive the archive. kInvalidArgument when the bytes are not
  // a zip archive; kTooLarge for more than limits.max_zip_entries entries.
  static Result<std::unique_ptr<ZipArchive>> Open(std::string_view bytes,
                                                  std::string file,
                                                  const ReadLimits& limits);
  ~ZipArchive();
  ZipArchive(const ZipArchive&) = delete;
  ZipArchive& operator=(const ZipArchive&) = delete;

  // The inflated content of entry `name` (exact name, else case-insensitive),
  // nullopt when there is no such entry. kTooLarge when the entry or the
  // running total exceeds the limits or the compression ratio is beyond
  // limits.max_compression_ratio; kInvalidArgument for a damaged entry.
  Result<std::optional<std::string>> Read(std::string_view name);

 private:
  ZipArchive(struct zip* archive, std::string file, const ReadLimits& limits);

  struct zip* archive_;
  std::string file_;
  const ReadLimits& limits_;
  std::uint64_t total_ = 0;
};

}  // namespace assure::api::spreadsheet
