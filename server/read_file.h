// Reading a whole file into memory, for the commands that take files
// (verify-pack, import, the config file).
//
// Thread safety: a pure function.
#pragma once

#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>


namespace assure::server {

// The file's bytes: for a regular file its size and then one read (no
// stream buffer copies: an evidence pack is hundreds of MB); for anything
// else (a pipe) read to the end. nullopt when it cannot be opened or read.
inline std::optional<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return std::nullopt;
  const std::streamoff size = in.tellg();
  if (size < 0) {  // not seekable
    std::ifstream again(path, std::ios::binary);
    std::ostringstream all;
    all << again.rdbuf();
    if (!again.good() && !again.eof()) return std::nullopt;
    return std::move(all).str();
  }
  std::string bytes;
  bytes.reserve(static_cast<std::size_t>(size));
  bytes.resize(static_cast<std::size_t>(size));
  in.seekg(0);
  const bool read = size == 0 || static_cast<bool>(in.read(bytes.data(), size));
  if (!read) return std::nullopt;
  return bytes;
}

}  // namespace assure::server
