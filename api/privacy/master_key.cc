#include "api/privacy/master_key.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace assure::api::privacy {

Result<Key256> ReadMasterKeyFile(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return MakeError(ErrorCode::kNotFound, "the master key file " + path + " does not exist");
  }
  if (st.st_mode & 077) {
    return MakeError(ErrorCode::kForbidden, "the master key file " + path +
                                                " is readable by others; run: chmod 600 " + path);
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return MakeError(ErrorCode::kIoError, "cannot read the master key file " + path);
  std::string hex = text.str();
  while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r' || hex.back() == ' ')) hex.pop_back();
  auto raw = Unhex(hex);
  Key256 key{};
  if (!raw || raw->size() != key.size()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the master key file " + path + " must hold 64 hex digits (openssl rand -hex 32)");
  }
  std::copy(raw->begin(), raw->end(), key.begin());
  return key;
}

namespace {

// Writes `key` to a new file `path`: 0600 from the start, never over an
// existing file, synced.
Status WriteNewKeyFile(const std::string& path, const Key256& key) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return MakeError(ErrorCode::kIoError, "cannot create the master key file " + path);
  const std::string text = Hex(std::string_view(reinterpret_cast<const char*>(key.data()), key.size())) + "\n";
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return MakeError(ErrorCode::kIoError, "cannot write the master key file " + path);
  return {};
}

Result<Key256> CreateMasterKeyFile(const std::string& path) {
  auto key = NewKey();
  if (!key.ok()) return key.error();
  ASSURE_TRY(WriteNewKeyFile(path, *key));
  return key;
}

}  // namespace

MasterKeyLocation LocateMasterKey(const std::string& data_dir, const std::string& configured) {
  MasterKeyLocation loc;
  loc.path = configured;
  if (const char* env = std::getenv(kMasterKeyEnv); env != nullptr && *env != '\0') loc.path = env;
  loc.named = !loc.path.empty();
  if (!loc.named) loc.path = (std::filesystem::path(data_dir) / kDefaultMasterKeyFile).string();
  return loc;
}

Result<VaultOpened> OpenVault(std::shared_ptr<storage::EventStore> store, const std::string& data_dir,
                              const std::string& configured, bool writable) {
  const MasterKeyLocation loc = LocateMasterKey(data_dir, configured);
  const std::string& path = loc.path;
  const bool named = loc.named;
  auto has_check = PersonalDataVault::StoreHasMasterCheck(*store);
  if (!has_check.ok()) return has_check.error();
  VaultOpened out;
  auto key = ReadMasterKeyFile(path);
  if (!key.ok() && key.error().code == ErrorCode::kNotFound) {
    if (*has_check) {
      return MakeError(ErrorCode::kForbidden,
                       "this store holds encrypted personal data and its master key is missing (looked for " +
                           path + "; set " + kMasterKeyEnv + " or the config's master_key_file to the key's file)");
    }
    if (named) return key.error();
    if (!writable) return out;  // nothing sealed to read: read as it is
    key = CreateMasterKeyFile(path);
    if (!key.ok()) return key.error();
    out.notice = "created the master key " + path +
                 " (mode 0600) for the personal data of this single-machine install; keep a copy apart from "
                 "the data and its backups, and see README \"Personal data and the master key\"";
  }
  if (!key.ok()) return key.error();
  auto vault = PersonalDataVault::Open(std::move(store), *key, writable);
  if (!vault.ok()) {
    Error e = vault.error();
    e.message += " (master key file " + path + ")";
    return e;
  }
  out.vault = std::move(vault).value();
  if (writable) {
    auto destroyed = out.vault->DestroyKeysOfErased();
    if (!destroyed.ok()) return destroyed.error();
    if (*destroyed > 0) {
      out.notice += (out.notice.empty() ? "" : "; ") + std::string("destroyed the data keys of ") +
                    std::to_string(*destroyed) + " erased people whose keys had survived their erasure";
    }
  }
  return out;
}


Result<Rotation> RotateMasterKey(storage::EventStore& store, const std::string& data_dir,
                                 const std::string& configured, const std::string& next_key_file) {
  const MasterKeyLocation loc = LocateMasterKey(data_dir, configured);
  auto current = ReadMasterKeyFile(loc.path);
  if (!current.ok()) return current.error();
  auto next = ReadMasterKeyFile(next_key_file);
  if (!next.ok()) return next.error();
  if (*next == *current) {
    return MakeError(ErrorCode::kInvalidArgument, "the new master key is the current one: nothing was changed");
  }
  // The default file's replacement is written (and synced) before the store
  // changes, so that once the store opens with the new key only, the new key
  // is already on disk beside the old one.
  const std::string fresh = loc.path + ".new";
  if (!loc.named) {
    std::filesystem::remove(fresh);
    ASSURE_TRY(WriteNewKeyFile(fresh, *next));
  }
  Rotation out;
  auto rewrapped = PersonalDataVault::RotateMasterKey(store, *current, *next);
  if (!rewrapped.ok()) {
    // Committed or not? The check value says which key the store opens with.
    auto check = store.GetState(kMasterCheckKey);
    const bool committed = check.ok() && check->has_value() && PersonalDataVault::OpensCheck(**check, *next);
    if (!committed) {
      if (!loc.named) std::filesystem::remove(fresh);
      Error e = rewrapped.error();
      e.message += ": nothing was changed";
      return e;
    }
    out.warning = "the keys were re-wrapped, but the old wrapped keys may stay in the store's files until RocksDB "
                  "compacts them (" + rewrapped.error().message + ")";
  } else {
    out.data_keys = *rewrapped;
  }
  if (loc.named) {
    out.current_key_file = loc.path;
    return out;
  }
  // From here the store opens with the new key only: replace the default
  // file (rename, then sync the directory so the rename survives a crash).
  std::error_code ec;
  std::filesystem::rename(fresh, loc.path, ec);
  if (ec) {
    return MakeError(ErrorCode::kIoError, "the store now opens with the new key only, but " + loc.path +
                                              " could not be replaced: move " + fresh + " there");
  }
  if (const int dir = ::open(std::filesystem::path(loc.path).parent_path().c_str(), O_RDONLY | O_DIRECTORY); dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  out.installed_at = loc.path;
  return out;
}

}  // namespace assure::api::privacy
