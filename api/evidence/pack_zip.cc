#include "api/evidence/pack_zip.h"

#include <zip.h>

#include <memory>

namespace assure::api {

namespace {

std::string ZipError(zip_error_t* e) {
  std::string s = zip_error_strerror(e);
  return s;
}

struct SourceCloser {
  void operator()(zip_source_t* s) const { zip_source_free(s); }
};

}  // namespace

ZipViews ViewsOf(const ZipEntries& entries) {
  ZipViews views;
  for (const auto& [name, content] : entries) views.emplace(name, content);
  return views;
}

Result<std::string> WriteZip(const ZipEntries& entries) { return WriteZip(ViewsOf(entries)); }

Result<std::string> WriteZip(const ZipViews& entries) {
  zip_error_t error;
  zip_error_init(&error);
  std::unique_ptr<zip_source_t, SourceCloser> out(zip_source_buffer_create(nullptr, 0, 0, &error));
  if (!out) return MakeError(ErrorCode::kInternal, "zip: " + ZipError(&error));
  zip_t* za = zip_open_from_source(out.get(), ZIP_TRUNCATE, &error);
  if (!za) return MakeError(ErrorCode::kInternal, "zip: " + ZipError(&error));
  zip_source_keep(out.get());  // zip_close would free it otherwise
  for (const auto& [name, content] : entries) {
    zip_source_t* src = zip_source_buffer(za, content.data(), content.size(), 0);
    zip_int64_t idx = src ? zip_file_add(za, name.c_str(), src, ZIP_FL_ENC_UTF_8) : -1;
    if (idx < 0) {
      if (src) zip_source_free(src);
      std::string msg = zip_strerror(za);
      zip_discard(za);
      return MakeError(ErrorCode::kInternal, "zip: adding " + name + ": " + msg);
    }
    const auto i = static_cast<zip_uint64_t>(idx);
    // 1980-01-01 00:00:00 in DOS date/time: date = (0 << 9) | (1 << 5) | 1.
    if (zip_file_set_dostime(za, i, 0, (1 << 5) | 1, 0) != 0 ||
        zip_file_set_external_attributes(za, i, 0, ZIP_OPSYS_UNIX, 0100644u << 16) != 0 ||
        zip_set_file_compression(za, i, content.size() <= kDeflateLimit ? ZIP_CM_DEFLATE : ZIP_CM_STORE,
                                 content.size() <= kDeflateLimit ? 1 : 0) != 0) {
      std::string msg = zip_strerror(za);
      zip_discard(za);
      return MakeError(ErrorCode::kInternal, "zip: " + name + ": " + msg);
    }
  }
  if (zip_close(za) != 0) {
    std::string msg = zip_strerror(za);
    zip_discard(za);
    return MakeError(ErrorCode::kInternal, "zip: " + msg);
  }
  zip_stat_t st;
  if (zip_source_stat(out.get(), &st) != 0 || zip_source_open(out.get()) != 0) {
    return MakeError(ErrorCode::kInternal, "zip: cannot read the archive back");
  }
  std::string bytes(static_cast<std::size_t>(st.size), '\0');
  zip_int64_t n = zip_source_read(out.get(), bytes.data(), st.size);
  zip_source_close(out.get());
  if (n < 0 || static_cast<zip_uint64_t>(n) != st.size) {
    return MakeError(ErrorCode::kInternal, "zip: short read of the archive");
  }
  return bytes;
}

Result<ZipEntries> ReadZip(std::string_view bytes, const ZipReadLimits& limits) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (!src) return MakeError(ErrorCode::kInternal, "zip: " + ZipError(&error));
  zip_t* za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &error);
  if (!za) {
    zip_source_free(src);
    return MakeError(ErrorCode::kInvalidArgument, "not a zip archive: " + ZipError(&error));
  }
  std::unique_ptr<zip_t, decltype(&zip_discard)> guard(za, &zip_discard);
  const zip_int64_t count = zip_get_num_entries(za, 0);
  if (count < 0 || static_cast<std::uint64_t>(count) > limits.max_entries) {
    return MakeError(ErrorCode::kTooLarge, "the archive has too many entries");
  }
  ZipEntries out;
  std::uint64_t total = 0;
  for (zip_int64_t i = 0; i < count; ++i) {
    const auto idx = static_cast<zip_uint64_t>(i);
    const char* name = zip_get_name(za, idx, ZIP_FL_ENC_GUESS);
    if (!name) return MakeError(ErrorCode::kInvalidArgument, "zip entry without a name");
    std::string n = name;
    if (!n.empty() && n.back() == '/') continue;  // a directory
    zip_stat_t st;
    if (zip_stat_index(za, idx, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE)) {
      return MakeError(ErrorCode::kInvalidArgument, "zip entry " + n + " has no size");
    }
    if (st.size > limits.max_total_bytes - total) {
      return MakeError(ErrorCode::kTooLarge, "the archive inflates past the size limit");
    }
    std::string content(static_cast<std::size_t>(st.size), '\0');
    zip_file_t* f = zip_fopen_index(za, idx, 0);
    if (!f) return MakeError(ErrorCode::kInvalidArgument, "zip entry " + n + " cannot be opened");
    zip_int64_t got = zip_fread(f, content.data(), st.size);
    char extra;
    zip_int64_t more = got >= 0 ? zip_fread(f, &extra, 1) : -1;
    zip_fclose(f);
    if (got < 0 || static_cast<zip_uint64_t>(got) != st.size || more != 0) {
      return MakeError(ErrorCode::kInvalidArgument, "zip entry " + n + " is damaged");
    }
    total += st.size;
    if (!out.emplace(std::move(n), std::move(content)).second) {
      return MakeError(ErrorCode::kInvalidArgument, std::string("zip entry named twice: ") + name);
    }
  }
  return out;
}

}  // namespace assure::api
