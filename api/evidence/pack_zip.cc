#include "api/evidence/pack_zip.h"

#include <zip.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
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

// A writable libzip source over one std::string: libzip writes the archive
// straight into it (no buffer of its own to copy out afterwards). Starts
// empty; `committed` holds the archive after zip_close.
struct StringSink {
  StringSink() { zip_error_init(&error); }
  ~StringSink() { zip_error_fini(&error); }
  StringSink(const StringSink&) = delete;
  StringSink& operator=(const StringSink&) = delete;

  std::string committed;
  std::string writing;
  std::uint64_t at = 0;  // write offset
  std::uint64_t read_at = 0;
  zip_error_t error;
  std::size_t reserve = 0;

  static zip_int64_t Callback(void* user, void* data, zip_uint64_t len, zip_source_cmd_t cmd) {
    auto* self = static_cast<StringSink*>(user);
    switch (cmd) {
      case ZIP_SOURCE_SUPPORTS:
        return zip_source_make_command_bitmap(
            ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR,
            ZIP_SOURCE_FREE, ZIP_SOURCE_SEEK, ZIP_SOURCE_TELL, ZIP_SOURCE_BEGIN_WRITE,
            ZIP_SOURCE_COMMIT_WRITE, ZIP_SOURCE_ROLLBACK_WRITE, ZIP_SOURCE_WRITE, ZIP_SOURCE_SEEK_WRITE,
            ZIP_SOURCE_TELL_WRITE, ZIP_SOURCE_REMOVE, static_cast<zip_source_cmd_t>(-1));
      case ZIP_SOURCE_STAT: {
        auto* st = ZIP_SOURCE_GET_ARGS(zip_stat_t, data, len, &self->error);
        if (!st) return -1;
        zip_stat_init(st);
        st->size = self->committed.size();
        st->comp_size = st->size;
        st->comp_method = ZIP_CM_STORE;
        st->encryption_method = ZIP_EM_NONE;
        st->valid = ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_COMP_METHOD | ZIP_STAT_ENCRYPTION_METHOD;
        return sizeof(*st);
      }
      case ZIP_SOURCE_ERROR:
        return zip_error_to_data(&self->error, data, len);
      case ZIP_SOURCE_OPEN:
        self->read_at = 0;
        return 0;
      case ZIP_SOURCE_READ: {
        const std::uint64_t n = std::min<std::uint64_t>(len, self->committed.size() - self->read_at);
        std::memcpy(data, self->committed.data() + self->read_at, n);
        self->read_at += n;
        return static_cast<zip_int64_t>(n);
      }
      case ZIP_SOURCE_CLOSE:
      case ZIP_SOURCE_FREE:
        return 0;
      case ZIP_SOURCE_SEEK:
      case ZIP_SOURCE_SEEK_WRITE: {
        const bool write = cmd == ZIP_SOURCE_SEEK_WRITE;
        const std::uint64_t size = write ? self->writing.size() : self->committed.size();
        auto* args = ZIP_SOURCE_GET_ARGS(zip_source_args_seek_t, data, len, &self->error);
        if (!args) return -1;
        std::int64_t base = args->whence == SEEK_SET ? 0
                            : args->whence == SEEK_CUR ? static_cast<std::int64_t>(write ? self->at : self->read_at)
                                                       : static_cast<std::int64_t>(size);
        const std::int64_t to = base + args->offset;
        if (to < 0 || static_cast<std::uint64_t>(to) > size) {
          zip_error_set(&self->error, ZIP_ER_INVAL, 0);
          return -1;
        }
        (write ? self->at : self->read_at) = static_cast<std::uint64_t>(to);
        return 0;
      }
      case ZIP_SOURCE_TELL:
        return static_cast<zip_int64_t>(self->read_at);
      case ZIP_SOURCE_TELL_WRITE:
        return static_cast<zip_int64_t>(self->at);
      case ZIP_SOURCE_BEGIN_WRITE:
        self->writing.clear();
        self->writing.reserve(self->reserve);
        self->at = 0;
        return 0;
      case ZIP_SOURCE_WRITE: {
        const char* bytes = static_cast<const char*>(data);
        if (self->at == self->writing.size()) {
          self->writing.append(bytes, len);
        } else {  // over what was written (libzip rewrites a local header)
          const std::uint64_t over = std::min<std::uint64_t>(len, self->writing.size() - self->at);
          self->writing.replace(self->at, over, bytes, over);
          self->writing.append(bytes + over, len - over);
        }
        self->at += len;
        return static_cast<zip_int64_t>(len);
      }
      case ZIP_SOURCE_COMMIT_WRITE:
        self->committed = std::move(self->writing);
        self->writing = std::string();
        return 0;
      case ZIP_SOURCE_ROLLBACK_WRITE:
        self->writing = std::string();
        return 0;
      case ZIP_SOURCE_REMOVE:
        self->committed = std::string();
        return 0;
      default:
        zip_error_set(&self->error, ZIP_ER_OPNOTSUPP, 0);
        return -1;
    }
  }
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
  StringSink sink;
  for (const auto& [name, content] : entries) sink.reserve += content.size() + 2 * name.size() + 256;
  sink.reserve += 1024;
  std::unique_ptr<zip_source_t, SourceCloser> out(zip_source_function_create(&StringSink::Callback, &sink, &error));
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
  return std::move(sink.committed);
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
    const bool raw = limits.skip_stored_crc && (st.valid & ZIP_STAT_COMP_METHOD) &&
                     st.comp_method == ZIP_CM_STORE && (st.valid & ZIP_STAT_COMP_SIZE) &&
                     st.comp_size == st.size && (!(st.valid & ZIP_STAT_ENCRYPTION_METHOD) ||
                                                 st.encryption_method == ZIP_EM_NONE);
    zip_file_t* f = zip_fopen_index(za, idx, raw ? ZIP_FL_COMPRESSED : 0);
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
