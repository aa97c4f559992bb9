#include "api/spreadsheet/zip_archive.h"

#include <utility>

#include <zip.h>

#include "api/spreadsheet/text.h"

namespace assure::api::spreadsheet {

ZipArchive::ZipArchive(struct zip* archive, std::string file,
                       const ReadLimits& limits)
    : archive_(archive), file_(std::move(file)), limits_(limits) {}

ZipArchive::~ZipArchive() {
  if (archive_) zip_discard(archive_);
}

Result<std::unique_ptr<ZipArchive>> ZipArchive::Open(std::string_view bytes,
                                                     std::string file,
                                                     const ReadLimits& limits) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (!source) {
    zip_error_fini(&error);
    return ReadError(ErrorCode::kInternal, file, 0, "cannot open the zip buffer");
  }
  struct zip* archive = zip_open_from_source(source, ZIP_RDONLY, &error);
  if (!archive) {
    zip_source_free(source);
    const int code = zip_error_code_zip(&error);
    zip_error_fini(&error);
    if (code == ZIP_ER_MEMORY) {
      return ReadError(ErrorCode::kTooLarge, file, 0, "not enough memory");
    }
    return ReadError(ErrorCode::kInvalidArgument, file, 0,
                     "not an xlsx workbook: the file is not a zip archive "
                     "(an .xlsx file is one; save the workbook as .xlsx)");
  }
  zip_error_fini(&error);
  std::unique_ptr<ZipArchive> out(new ZipArchive(archive, std::move(file), limits));
  const zip_int64_t entries = zip_get_num_entries(archive, 0);
  if (entries < 0 || static_cast<std::uint64_t>(entries) > limits.max_zip_entries) {
    return ReadError(ErrorCode::kTooLarge, out->file_, 0,
                     "the zip archive has " + std::to_string(entries) +
                         " entries; the limit is " +
                         std::to_string(limits.max_zip_entries));
  }
  return out;
}

Result<std::optional<std::string>> ZipArchive::Read(std::string_view name) {
  const std::string n(name);
  zip_int64_t index = zip_name_locate(archive_, n.c_str(), 0);
  if (index < 0) index = zip_name_locate(archive_, n.c_str(), ZIP_FL_NOCASE);
  if (index < 0) return std::optional<std::string>();
  const auto idx = static_cast<zip_uint64_t>(index);

  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat_index(archive_, idx, 0, &st) != 0) {
    return ReadError(ErrorCode::kInvalidArgument, file_, 0,
                     "damaged zip entry " + n);
  }
  const std::uint64_t compressed =
      (st.valid & ZIP_STAT_COMP_SIZE) && st.comp_size > 0 ? st.comp_size : 1;
  auto too_large = [&](const std::string& why) {
    return ReadError(ErrorCode::kTooLarge, file_, 0,
                     "zip entry " + n + " " + why +
                         " (possible zip bomb; limits are configurable)");
  };
  if ((st.valid & ZIP_STAT_SIZE) && st.size > limits_.max_entry_bytes) {
    return too_large("declares " + std::to_string(st.size) +
                     " bytes uncompressed; the limit is " +
                     std::to_string(limits_.max_entry_bytes));
  }

  zip_file_t* f = zip_fopen_index(archive_, idx, 0);
  if (!f) {
    return ReadError(ErrorCode::kInvalidArgument, file_, 0,
                     "cannot open zip entry " + n + ": " + zip_strerror(archive_));
  }
  std::string out;
  if (st.valid & ZIP_STAT_SIZE) {
    out.reserve(static_cast<std::size_t>(st.size));
  }
  char buf[64 * 1024];
  Status status;
  while (true) {
    const zip_int64_t got = zip_fread(f, buf, sizeof buf);
    if (got < 0) {
      status = ReadError(ErrorCode::kInvalidArgument, file_, 0,
                         "damaged zip entry " + n + ": " + zip_file_strerror(f));
      break;
    }
    if (got == 0) break;
    out.append(buf, static_cast<std::size_t>(got));
    total_ += static_cast<std::uint64_t>(got);
    if (out.size() > limits_.max_entry_bytes) {
      status = too_large("inflates past " + std::to_string(limits_.max_entry_bytes) +
                         " bytes");
      break;
    }
    if (total_ > limits_.max_total_bytes) {
      status = too_large("takes the workbook past " +
                         std::to_string(limits_.max_total_bytes) +
                         " bytes uncompressed");
      break;
    }
    if (out.size() > limits_.ratio_floor_bytes &&
        out.size() / compressed > limits_.max_compression_ratio) {
      status = too_large("has a compression ratio over " +
                         std::to_string(limits_.max_compression_ratio) + ":1");
      break;
    }
  }
  zip_fclose(f);
  if (!status.ok()) return std::move(status).error();
  return std::optional<std::string>(std::move(out));
}

}  // namespace assure::api::spreadsheet
