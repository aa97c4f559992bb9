// Reading a whole file into memory, for the commands that take files
// (verify-pack, import, the config file); and viewing one in place.
//
// Thread safety: a pure function; a MappedFile is a read-only value.
#pragma once

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <string>
#include <string_view>
#include <utility>


namespace assure::server {

// Reads what is left of `fd` into `out`, to its end; false on an error.
inline bool ReadToEnd(int fd, std::string& out) {
  char chunk[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) return true;
    out.append(chunk, static_cast<std::size_t>(n));
  }
}

// The file's bytes: for a regular file its size and then one read (no
// stream buffer copies: an evidence pack is hundreds of MB); for anything
// else (a pipe, /dev/stdin) read to the end. nullopt when it cannot be
// opened or read.
inline std::optional<std::string> ReadWholeFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string bytes;
  struct stat st {};
  bool ok = ::fstat(fd, &st) == 0;
  if (ok && S_ISDIR(st.st_mode)) ok = false;
  if (ok && S_ISREG(st.st_mode)) bytes.reserve(static_cast<std::size_t>(st.st_size));
  ok = ok && ReadToEnd(fd, bytes);
  ::close(fd);
  if (!ok) return std::nullopt;
  return bytes;
}

// A file's bytes viewed where they lie: a regular file is mapped read-only
// (its pages come from the page cache as they are read, instead of being
// copied into hundreds of MB of fresh memory: for a whole-network evidence
// pack, reading it so took longer than verifying it); anything else (a
// pipe, an empty file) is read into memory. The file must not be truncated
// by another process while it is viewed (the pages past its new end would
// be gone: SIGBUS).
class MappedFile {
 public:
  // nullopt when it cannot be opened or read.
  static std::optional<MappedFile> Open(const std::string& path) {
    MappedFile f;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
      void* p = ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
      ::close(fd);
      if (p == MAP_FAILED) return std::nullopt;
      f.map_ = p;
      f.view_ = std::string_view(static_cast<const char*>(p), static_cast<std::size_t>(st.st_size));
      return f;
    }
    const bool read = !S_ISDIR(st.st_mode) && ReadToEnd(fd, f.read_);
    ::close(fd);
    if (!read) return std::nullopt;
    f.view_ = f.read_;
    return f;
  }
  MappedFile(MappedFile&& o) noexcept
      : map_(std::exchange(o.map_, nullptr)), read_(std::move(o.read_)), view_(o.view_) {
    if (!map_) view_ = read_;
  }
  MappedFile& operator=(MappedFile&&) = delete;
  MappedFile(const MappedFile&) = delete;
  ~MappedFile() {
    if (map_) ::munmap(map_, view_.size());
  }
  std::string_view bytes() const { return view_; }

 private:
  MappedFile() = default;
  void* map_ = nullptr;
  std::string read_;
  std::string_view view_;
};

}  // namespace assure::server
