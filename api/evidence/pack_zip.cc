#include "api/evidence/pack_zip.h"

#include <zip.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <utility>


namespace assure::api {

namespace {

std::string ZipError(zip_error_t* e) {
  std::string s = zip_error_strerror(e);
  return s;
}

struct SourceCloser {
  void operator()(zip_source_t* s) const { zip_source_free(s); }
};

// Moves `at` as a libzip seek command asks, within [0, size].
zip_int64_t SeekTo(void* data, zip_uint64_t len, zip_error_t& error, std::uint64_t& at, std::uint64_t size) {
  auto* args = ZIP_SOURCE_GET_ARGS(zip_source_args_seek_t, data, len, &error);
  if (!args) return -1;
  const std::int64_t base = args->whence == SEEK_SET   ? 0
                            : args->whence == SEEK_CUR ? static_cast<std::int64_t>(at)
                                                       : static_cast<std::int64_t>(size);
  const std::int64_t to = base + args->offset;
  if (to < 0 || static_cast<std::uint64_t>(to) > size) {
    zip_error_set(&error, ZIP_ER_INVAL, 0);
    return -1;
  }
  at = static_cast<std::uint64_t>(to);
  return 0;
}

// Answers libzip's stat command for `size` bytes, not compressed.
zip_int64_t StatOf(std::uint64_t size, void* data, zip_uint64_t len, zip_error_t& error) {
  auto* st = ZIP_SOURCE_GET_ARGS(zip_stat_t, data, len, &error);
  if (!st) return -1;
  zip_stat_init(st);
  st->size = size;
  st->comp_size = st->size;
  st->comp_method = ZIP_CM_STORE;
  st->encryption_method = ZIP_EM_NONE;
  st->valid = ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_COMP_METHOD | ZIP_STAT_ENCRYPTION_METHOD;
  return sizeof(*st);
}

// The read side of a libzip source over `bytes`: the commands every source
// answers. `last_read_at`, if given, notes where each read starts.
zip_int64_t ReadSide(std::string_view bytes, std::uint64_t& read_at, zip_error_t& error, void* data,
                     zip_uint64_t len, zip_source_cmd_t cmd, std::uint64_t* last_read_at = nullptr) {
  switch (cmd) {
    case ZIP_SOURCE_STAT:
      return StatOf(bytes.size(), data, len, error);
    case ZIP_SOURCE_ERROR:
      return zip_error_to_data(&error, data, len);
    case ZIP_SOURCE_OPEN:
      read_at = 0;
      return 0;
    case ZIP_SOURCE_READ: {
      const std::uint64_t n = std::min<std::uint64_t>(len, bytes.size() - read_at);
      if (last_read_at) *last_read_at = read_at;
      std::memcpy(data, bytes.data() + read_at, n);
      read_at += n;
      return static_cast<zip_int64_t>(n);
    }
    case ZIP_SOURCE_CLOSE:
    case ZIP_SOURCE_FREE:
      return 0;
    case ZIP_SOURCE_SEEK:
      return SeekTo(data, len, error, read_at, bytes.size());
    case ZIP_SOURCE_TELL:
      return static_cast<zip_int64_t>(read_at);
    default:
      zip_error_set(&error, ZIP_ER_OPNOTSUPP, 0);
      return -1;
  }
}

// A writable libzip source: libzip writes the archive straight into a
// std::string (no buffer of its own to copy out afterwards) or, when `fd`
// is open, into that file at the offsets it asks for. Starts empty;
// `committed` holds the archive after zip_close (string), `size` its length.
struct Sink {
  Sink() { zip_error_init(&error); }
  ~Sink() { zip_error_fini(&error); }
  Sink(const Sink&) = delete;
  Sink& operator=(const Sink&) = delete;

  int fd = -1;
  std::string committed;
  std::string writing;
  std::uint64_t size = 0;  // bytes written so far (the end of the archive)
  std::uint64_t at = 0;    // write offset
  std::uint64_t read_at = 0;
  zip_error_t error;
  std::size_t reserve = 0;

  // File mode: libzip writes 8 KiB at a time; they are gathered into
  // writes of a MiB (a system call each costs microseconds on a virtual
  // machine: 40,000 of them for a whole-network pack).
  std::string pending;
  std::uint64_t pending_at = 0;
  static constexpr std::size_t kGather = 1 << 20;

  bool Flush() {
    if (const int failure = WriteAllAt(fd, pending, pending_at); failure != 0) {
      zip_error_set(&error, ZIP_ER_WRITE, failure);
      return false;
    }
    pending.clear();
    return true;
  }

  zip_int64_t Write(const char* bytes, zip_uint64_t len) {
    if (fd >= 0) {
      if (!pending.empty() && at != pending_at + pending.size() && !Flush()) return -1;
      if (pending.empty()) pending_at = at;
      pending.append(bytes, len);
      if (pending.size() >= kGather && !Flush()) return -1;
    } else if (at == writing.size()) {
      writing.append(bytes, len);
    } else {  // over what was written (libzip rewrites a local header)
      const std::uint64_t over = std::min<std::uint64_t>(len, writing.size() - at);
      writing.replace(at, over, bytes, over);
      writing.append(bytes + over, len - over);
    }
    at += len;
    size = std::max(size, at);
    return static_cast<zip_int64_t>(len);
  }

  // No exception may cross libzip (C): a failure to allocate is its error.
  static zip_int64_t Callback(void* user, void* data, zip_uint64_t len, zip_source_cmd_t cmd) noexcept {
    try {
      return Answer(user, data, len, cmd);
    } catch (...) {
      zip_error_set(&static_cast<Sink*>(user)->error, ZIP_ER_MEMORY, 0);
      return -1;
    }
  }
  static zip_int64_t Answer(void* user, void* data, zip_uint64_t len, zip_source_cmd_t cmd) {
    auto* self = static_cast<Sink*>(user);
    switch (cmd) {
      case ZIP_SOURCE_SUPPORTS:
        return zip_source_make_command_bitmap(
            ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR,
            ZIP_SOURCE_FREE, ZIP_SOURCE_SEEK, ZIP_SOURCE_TELL, ZIP_SOURCE_BEGIN_WRITE,
            ZIP_SOURCE_COMMIT_WRITE, ZIP_SOURCE_ROLLBACK_WRITE, ZIP_SOURCE_WRITE, ZIP_SOURCE_SEEK_WRITE,
            ZIP_SOURCE_TELL_WRITE, ZIP_SOURCE_REMOVE, static_cast<zip_source_cmd_t>(-1));
      case ZIP_SOURCE_SEEK_WRITE:
        return SeekTo(data, len, self->error, self->at, self->size);
      case ZIP_SOURCE_TELL_WRITE:
        return static_cast<zip_int64_t>(self->at);
      case ZIP_SOURCE_BEGIN_WRITE:
        self->writing.clear();
        self->pending.clear();
        if (self->fd < 0) self->writing.reserve(self->reserve);
        if (self->fd >= 0) self->pending.reserve(kGather + (64 << 10));
        self->at = self->size = 0;
        return 0;
      case ZIP_SOURCE_WRITE:
        return self->Write(static_cast<const char*>(data), len);
      case ZIP_SOURCE_COMMIT_WRITE:
        if (self->fd >= 0 && !self->Flush()) return -1;
        self->committed = std::move(self->writing);
        self->writing = std::string();
        return 0;
      case ZIP_SOURCE_ROLLBACK_WRITE:
        self->writing = std::string();
        self->pending.clear();
        return 0;
      case ZIP_SOURCE_REMOVE:
        self->committed = std::string();
        return 0;
      default:
        return ReadSide(self->committed, self->read_at, self->error, data, len, cmd);
    }
  }
};

// A read-only libzip source over ranges of a SpillFile, read as libzip
// asks for them (a whole-network pack's events.jsonl is never in memory).
struct RangesSource {
  explicit RangesSource(const ZipFileRanges& r) : file(*r.file), ranges(r.ranges) {
    zip_error_init(&error);
    for (const auto& range : ranges) {
      starts.push_back(size);
      size += range.end - range.begin;
    }
  }
  ~RangesSource() { zip_error_fini(&error); }
  RangesSource(const RangesSource&) = delete;
  RangesSource& operator=(const RangesSource&) = delete;

  const SpillFile& file;
  const std::vector<ByteRange>& ranges;
  std::vector<std::uint64_t> starts;  // where each range begins in the entry
  std::uint64_t size = 0;
  std::uint64_t at = 0;
  zip_error_t error;

  // libzip reads 8 KiB at a time: they are served from reads of a MiB
  // (fewer system calls, as the sink's writes).
  std::string ahead;
  std::uint64_t ahead_at = 0;  // where `ahead` begins in the entry
  static constexpr std::uint64_t kAhead = 1 << 20;

  // Bytes [from, from + n) of the entry into `out`, across ranges.
  bool Fill(char* out, std::uint64_t from, std::uint64_t n) {
    for (std::uint64_t done = 0; done < n;) {
      // The last range starting at or before `from` (an empty one is
      // skipped: the next starts at the same place).
      const std::size_t i = static_cast<std::size_t>(std::upper_bound(starts.begin(), starts.end(), from) - starts.begin()) - 1;
      const std::uint64_t offset = from - starts[i];
      const std::uint64_t part = std::min<std::uint64_t>(ranges[i].end - ranges[i].begin - offset, n - done);
      if (!file.ReadAt(ranges[i].begin + offset, out + done, static_cast<std::size_t>(part)).ok()) return false;
      done += part;
      from += part;
    }
    return true;
  }

  zip_int64_t Read(char* out, zip_uint64_t len) {
    zip_uint64_t done = 0;
    while (done < len && at < size) {
      if (at < ahead_at || at >= ahead_at + ahead.size()) {
        ahead.resize(static_cast<std::size_t>(std::min<std::uint64_t>(kAhead, size - at)));
        ahead_at = at;
        if (!Fill(ahead.data(), at, ahead.size())) {
          ahead.clear();
          zip_error_set(&error, ZIP_ER_READ, EIO);
          return -1;
        }
      }
      const std::uint64_t n = std::min<std::uint64_t>(ahead_at + ahead.size() - at, len - done);
      std::memcpy(out + done, ahead.data() + (at - ahead_at), static_cast<std::size_t>(n));
      done += n;
      at += n;
    }
    return static_cast<zip_int64_t>(done);
  }

  static zip_int64_t Callback(void* user, void* data, zip_uint64_t len, zip_source_cmd_t cmd) noexcept {
    try {
      return Answer(user, data, len, cmd);
    } catch (...) {
      zip_error_set(&static_cast<RangesSource*>(user)->error, ZIP_ER_MEMORY, 0);
      return -1;
    }
  }
  static zip_int64_t Answer(void* user, void* data, zip_uint64_t len, zip_source_cmd_t cmd) {
    auto* self = static_cast<RangesSource*>(user);
    switch (cmd) {
      case ZIP_SOURCE_SUPPORTS:
        return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE,
                                              ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE,
                                              ZIP_SOURCE_SEEK, ZIP_SOURCE_TELL, static_cast<zip_source_cmd_t>(-1));
      case ZIP_SOURCE_STAT:
        return StatOf(self->size, data, len, self->error);
      case ZIP_SOURCE_ERROR:
        return zip_error_to_data(&self->error, data, len);
      case ZIP_SOURCE_OPEN:
        self->at = 0;
        return 0;
      case ZIP_SOURCE_READ:
        return self->Read(static_cast<char*>(data), len);
      case ZIP_SOURCE_CLOSE:
      case ZIP_SOURCE_FREE:
        return 0;
      case ZIP_SOURCE_SEEK:
        return SeekTo(data, len, self->error, self->at, self->size);
      case ZIP_SOURCE_TELL:
        return static_cast<zip_int64_t>(self->at);
      default:
        zip_error_set(&self->error, ZIP_ER_OPNOTSUPP, 0);
        return -1;
    }
  }
};

// Writes `entries` through `sink`; kInternal (or kIoError when the file
// could not be written) on a failure.
Status WriteInto(const ZipViews& entries, const ZipRanged& ranged, Sink& sink) {
  zip_error_t error;
  zip_error_init(&error);
  // Every entry, in name order, with its size; a name in both maps is a
  // caller's mistake.
  std::map<std::string_view, std::uint64_t> sizes;
  for (const auto& [name, content] : entries) sizes.emplace(name, content.size());
  for (const auto& [name, r] : ranged) {
    if (!sizes.emplace(name, RangesSize(r.ranges)).second) {
      return MakeError(ErrorCode::kInternal, "zip: " + name + " given twice");
    }
  }
  for (const auto& [name, size] : sizes) sink.reserve += size + 2 * name.size() + 256;
  sink.reserve += 1024;
  std::vector<std::unique_ptr<RangesSource>> sources;  // until zip_close has read them
  std::unique_ptr<zip_source_t, SourceCloser> out(zip_source_function_create(&Sink::Callback, &sink, &error));
  if (!out) return MakeError(ErrorCode::kInternal, "zip: " + ZipError(&error));
  zip_t* za = zip_open_from_source(out.get(), ZIP_TRUNCATE, &error);
  if (!za) return MakeError(ErrorCode::kInternal, "zip: " + ZipError(&error));
  zip_source_keep(out.get());  // zip_close would free it otherwise
  for (const auto& [name_view, size] : sizes) {
    const std::string name(name_view);
    zip_source_t* src = nullptr;
    if (auto view = entries.find(name); view != entries.end()) {
      src = zip_source_buffer(za, view->second.data(), view->second.size(), 0);
    } else {
      sources.push_back(std::make_unique<RangesSource>(ranged.at(name)));
      src = zip_source_function(za, &RangesSource::Callback, sources.back().get());
    }
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
        zip_set_file_compression(za, i, size <= kDeflateLimit ? ZIP_CM_DEFLATE : ZIP_CM_STORE,
                                 size <= kDeflateLimit ? 1 : 0) != 0) {
      std::string msg = zip_strerror(za);
      zip_discard(za);
      return MakeError(ErrorCode::kInternal, "zip: " + name + ": " + msg);
    }
  }
  if (zip_close(za) != 0) {
    std::string msg = zip_strerror(za);
    const bool io = zip_error_code_zip(&sink.error) == ZIP_ER_WRITE ||
                    std::any_of(sources.begin(), sources.end(),
                                [](const auto& src) { return zip_error_code_zip(&src->error) == ZIP_ER_READ; });
    zip_discard(za);
    return MakeError(io ? ErrorCode::kIoError : ErrorCode::kInternal, "zip: " + msg);
  }
  return {};
}

// Closes a descriptor on the way out.
struct CloseOnExit {
  int fd;
  ~CloseOnExit() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

ZipViews ViewsOf(const ZipEntries& entries) {
  ZipViews views;
  for (const auto& [name, content] : entries) views.emplace(name, content);
  return views;
}

Result<std::string> WriteZip(const ZipEntries& entries) { return WriteZip(ViewsOf(entries)); }

Result<std::string> WriteZip(const ZipViews& entries, const ZipRanged& ranged) {
  Sink sink;
  ASSURE_TRY(WriteInto(entries, ranged, sink));
  return std::move(sink.committed);
}

Result<std::uint64_t> WriteZipTo(const ZipViews& entries, int fd, const ZipRanged& ranged) {
  Sink sink;
  sink.fd = fd;
  ASSURE_TRY(WriteInto(entries, ranged, sink));
  return sink.size;
}

PendingZipFile::PendingZipFile(PendingZipFile&& other) noexcept
    : temp_(std::exchange(other.temp_, std::string())), path_(std::move(other.path_)), size_(other.size_) {}

PendingZipFile::~PendingZipFile() {
  if (!temp_.empty()) ::unlink(temp_.c_str());
}

Status PendingZipFile::Commit() {
  if (::rename(temp_.c_str(), path_.c_str()) != 0) {
    return MakeError(ErrorCode::kIoError, "cannot rename " + temp_ + " to " + path_ + ": " + std::strerror(errno));
  }
  temp_.clear();
  // The rename itself, made durable.
  const std::filesystem::path target(path_);
  const std::string dir = target.has_parent_path() ? target.parent_path().string() : ".";
  if (const int d = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); d >= 0) {
    ::fsync(d);
    ::close(d);
  }
  return {};
}

Result<PendingZipFile> WriteZipBeside(const ZipViews& entries, const std::string& path, const ZipRanged& ranged,
                                      mode_t mode) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  if (target.filename().empty() || fs::is_directory(target)) {
    return MakeError(ErrorCode::kInvalidArgument, "'" + path + "' is not a file name", "out");
  }
  // A new file beside the target, so that the rename stays on one file system.
  PendingZipFile pending;
  pending.temp_ = path + ".partial-XXXXXX";
  pending.path_ = path;
  const int fd = ::mkstemp(pending.temp_.data());
  if (fd < 0) {
    const std::string failed = std::exchange(pending.temp_, std::string());
    return MakeError(ErrorCode::kIoError, "cannot create " + failed + ": " + std::strerror(errno));
  }
  CloseOnExit closing{fd};
  auto written = WriteZipTo(entries, fd, ranged);
  if (!written.ok()) return written.error();
  if (::fchmod(fd, mode) != 0 || ::fsync(fd) != 0) {
    return MakeError(ErrorCode::kIoError, "cannot sync " + pending.temp_ + ": " + std::strerror(errno));
  }
  pending.size_ = *written;
  return pending;
}

Result<std::uint64_t> WriteZipFile(const ZipViews& entries, const std::string& path, const ZipRanged& ranged,
                                   mode_t mode) {
  auto pending = WriteZipBeside(entries, path, ranged, mode);
  if (!pending.ok()) return pending.error();
  ASSURE_TRY(pending->Commit());
  return pending->size();
}

namespace {

// A read-only libzip source over bytes held by the caller, which notes where
// each read starts: reading the first bytes of a stored entry then tells
// where its data lies in `bytes` (libzip reads an entry through a window
// that seeks to its data), so the entry can be viewed in place.
struct ViewSource {
  explicit ViewSource(std::string_view b) : bytes(b) { zip_error_init(&error); }
  ~ViewSource() { zip_error_fini(&error); }
  ViewSource(const ViewSource&) = delete;
  ViewSource& operator=(const ViewSource&) = delete;

  std::string_view bytes;
  std::uint64_t at = 0;
  std::uint64_t last_read_at = UINT64_MAX;
  zip_error_t error;

  static zip_int64_t Callback(void* user, void* data, zip_uint64_t len, zip_source_cmd_t cmd) {
    auto* self = static_cast<ViewSource*>(user);
    switch (cmd) {
      case ZIP_SOURCE_SUPPORTS:
        return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE,
                                              ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE,
                                              ZIP_SOURCE_SEEK, ZIP_SOURCE_TELL, static_cast<zip_source_cmd_t>(-1));
      default:
        return ReadSide(self->bytes, self->at, self->error, data, len, cmd, &self->last_read_at);
    }
  }
};

// Where a stored entry's data lies in the source's bytes: its first bytes
// are read through libzip, and the read must have started at an offset
// whose bytes are those and from which the whole entry fits. nullopt when
// not found so (the caller then copies the entry out).
std::optional<std::string_view> LocateStored(zip_t* za, zip_uint64_t idx, std::uint64_t size, ViewSource& source) {
  if (size == 0) return std::string_view();
  zip_file_t* f = zip_fopen_index(za, idx, ZIP_FL_COMPRESSED);
  if (!f) return std::nullopt;
  char probe[256];
  const auto want = static_cast<zip_uint64_t>(std::min<std::uint64_t>(size, sizeof probe));
  source.last_read_at = UINT64_MAX;
  const zip_int64_t got = zip_fread(f, probe, want);
  const std::uint64_t at = source.last_read_at;
  zip_fclose(f);
  const std::string_view& bytes = source.bytes;
  if (got < 0 || static_cast<zip_uint64_t>(got) != want || at == UINT64_MAX || at > bytes.size() ||
      size > bytes.size() - at || std::memcmp(bytes.data() + at, probe, want) != 0) {
    return std::nullopt;
  }
  return bytes.substr(at, size);
}

}  // namespace

Result<ZipEntries> ReadZip(std::string_view bytes, const ZipReadLimits& limits) {
  ZipEntries owned;
  auto views = ReadZipViews(bytes, owned, limits);
  if (!views.ok()) return views.error();
  for (const auto& [name, view] : *views) {
    if (!owned.count(name)) owned.emplace(name, std::string(view));
  }
  return owned;
}

Result<ZipViews> ReadZipViews(std::string_view bytes, ZipEntries& owned, const ZipReadLimits& limits) {
  zip_error_t error;
  zip_error_init(&error);
  ViewSource source(bytes);
  zip_source_t* src = zip_source_function_create(&ViewSource::Callback, &source, &error);
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
  ZipViews out;
  std::uint64_t total = 0;
  for (zip_int64_t i = 0; i < count; ++i) {
    const auto idx = static_cast<zip_uint64_t>(i);
    const char* name = zip_get_name(za, idx, ZIP_FL_ENC_GUESS);
    if (!name) return MakeError(ErrorCode::kInvalidArgument, "zip entry without a name");
    std::string n = name;
    if (!n.empty() && n.back() == '/') continue;  // a directory
    if (out.count(n)) return MakeError(ErrorCode::kInvalidArgument, "zip entry named twice: " + n);
    zip_stat_t st;
    if (zip_stat_index(za, idx, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE)) {
      return MakeError(ErrorCode::kInvalidArgument, "zip entry " + n + " has no size");
    }
    if (st.size > limits.max_total_bytes - total) {
      return MakeError(ErrorCode::kTooLarge, "the archive inflates past the size limit");
    }
    total += st.size;
    const bool raw = limits.skip_stored_crc && (st.valid & ZIP_STAT_COMP_METHOD) &&
                     st.comp_method == ZIP_CM_STORE && (st.valid & ZIP_STAT_COMP_SIZE) &&
                     st.comp_size == st.size && (!(st.valid & ZIP_STAT_ENCRYPTION_METHOD) ||
                                                 st.encryption_method == ZIP_EM_NONE);
    if (raw) {
      if (auto in_place = LocateStored(za, idx, st.size, source)) {
        out.emplace(std::move(n), *in_place);
        continue;
      }
    }
    std::string content(static_cast<std::size_t>(st.size), '\0');
    zip_file_t* f = zip_fopen_index(za, idx, raw ? ZIP_FL_COMPRESSED : 0);
    if (!f) return MakeError(ErrorCode::kInvalidArgument, "zip entry " + n + " cannot be opened");
    zip_int64_t got = zip_fread(f, content.data(), st.size);
    char extra;
    zip_int64_t more = got >= 0 ? zip_fread(f, &extra, 1) : -1;
    zip_fclose(f);
    if (got < 0 || static_cast<zip_uint64_t>(got) != st.size || more != 0) {
      return MakeError(ErrorCode::kInvalidArgument, "zip entry " + n + " is damaged");
    }
    const auto slot = owned.insert_or_assign(n, std::move(content)).first;
    out.emplace(std::move(n), slot->second);
  }
  return out;
}

}  // namespace assure::api
