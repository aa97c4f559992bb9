#include "api/backup/backup.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <nlohmann/json.hpp>

#include "api/backup/file_digest.h"
#include "domain/calendar.h"
#include "storage/types.h"

namespace assure::api::backup {

namespace fs = std::filesystem;

std::uint64_t BackupManifest::bytes() const {
  std::uint64_t n = 0;
  for (const auto& f : files) n += f.bytes;
  return n;
}

Status CheckBackupName(const std::string& name) {
  const bool ok = !name.empty() && name.size() <= 100 && name.front() != '.' &&
                  std::all_of(name.begin(), name.end(), [](char c) {
                    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
                  });
  if (ok) return {};
  return MakeError(ErrorCode::kInvalidArgument,
                   "name must be 1-100 letters, digits, '.', '_' or '-', not starting with '.': "
                   "a directory inside the server's backup_dir, never a path",
                   "name");
}

std::string ManifestJson(const BackupManifest& m) {
  nlohmann::json files = nlohmann::json::array();
  for (const auto& f : m.files) files.push_back({{"name", f.name}, {"bytes", f.bytes}, {"sha256", f.sha256}});
  nlohmann::json j = {{"format", kManifestFormat},
                      {"dir", m.dir},
                      {"created_at", domain::FormatIsoSeconds(m.created_at_us)},
                      {"created_at_us", m.created_at_us},
                      {"head_position", m.head_position},
                      {"head_hash", m.head_hash},
                      {"merkle_root", m.merkle_root},
                      {"bytes", m.bytes()},
                      {"files", files}};
  return j.dump(2) + "\n";
}

Result<BackupManifest> ParseManifest(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  auto bad = [](const std::string& why) {
    return MakeError(ErrorCode::kCorruption, std::string(kManifestName) + ": " + why);
  };
  if (j.is_discarded() || !j.is_object()) return bad("not a JSON object");
  if (j.value("format", "") != kManifestFormat) return bad("format is not \"" + std::string(kManifestFormat) + "\"");
  BackupManifest m;
  auto pos = j.find("head_position");
  auto files = j.find("files");
  if (pos == j.end() || !pos->is_number_unsigned() || files == j.end() || !files->is_array()) {
    return bad("head_position or files missing");
  }
  m.head_position = pos->get<std::uint64_t>();
  m.head_hash = j.value("head_hash", "");
  m.merkle_root = j.value("merkle_root", "");
  m.dir = j.value("dir", "");
  if (auto c = j.find("created_at_us"); c != j.end() && c->is_number_integer()) m.created_at_us = c->get<std::int64_t>();
  for (const auto& f : *files) {
    if (!f.is_object() || !f.contains("name") || !f["name"].is_string() || !f.contains("bytes") ||
        !f["bytes"].is_number_unsigned() || !f.contains("sha256") || !f["sha256"].is_string()) {
      return bad("a file entry lacks name, bytes or sha256");
    }
    BackupFile bf{f["name"].get<std::string>(), f["bytes"].get<std::uint64_t>(), f["sha256"].get<std::string>()};
    // Names are plain file names: a manifest never reaches outside its directory.
    if (bf.name.empty() || bf.name.find('/') != std::string::npos || bf.name == "." || bf.name == "..") {
      return bad("a file name is not a plain name: " + bf.name);
    }
    m.files.push_back(std::move(bf));
  }
  return m;
}

namespace {

// Reads the head and Merkle root of the store copy in `dir` (read-only).
Status ReadHead(const std::string& dir, BackupManifest& m) {
  storage::StoreOptions options;
  options.create_if_missing = false;
  options.read_only = true;
  auto copy = storage::OpenRocksStore(dir, options);
  if (!copy.ok()) return copy.error();
  const storage::LogHead head = (*copy)->Head();
  m.head_position = head.position;
  m.head_hash = storage::HexEncode(head.hash);
  auto root = (*copy)->MerkleRoot(head.position);
  if (!root.ok()) return root.error();
  m.merkle_root = storage::HexEncode(*root);
  return {};
}

Status WriteManifest(const fs::path& dir, const BackupManifest& m) {
  const fs::path path = dir / kManifestName;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << ManifestJson(m);
  out.flush();
  if (!out) return MakeError(ErrorCode::kIoError, "cannot write " + path.string());
  return {};
}

}  // namespace

void RemoveStaleStaging(const std::string& data_dir) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(fs::absolute(data_dir), ec)) {
    if (e.path().filename().string().starts_with(".backup-staging-")) fs::remove_all(e.path(), ec);
  }
}

namespace {

// The newest backup under `root` (by its manifest's created_at_us), but
// `except`: the one whose files a new backup may share. nullopt: none.
std::optional<BackupManifest> NewestBackup(const fs::path& root, const fs::path& except) {
  std::optional<BackupManifest> newest;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(root, ec)) {
    if (!e.is_directory() || e.path() == except || e.path().filename().string().starts_with(".")) continue;
    std::ifstream in(e.path() / kManifestName, std::ios::binary);
    if (!in) continue;
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto m = ParseManifest(text);
    if (!m.ok()) continue;
    m->dir = e.path().string();
    if (!newest || m->created_at_us > newest->created_at_us) newest = std::move(m).value();
  }
  return newest;
}

// Puts `from` at `to`: a hard link when both are on one file system, else a copy.
Status LinkOrCopy(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::create_hard_link(from, to, ec);
  if (!ec) return {};
  fs::copy_file(from, to, ec);
  if (ec) return MakeError(ErrorCode::kIoError, "copying " + from.string() + ": " + ec.message());
  return {};
}

}  // namespace

Result<BackupManifest> TakeBackup(storage::EventStore& store, const std::string& data_dir,
                                  const std::string& out_dir, std::int64_t now_us) {
  const fs::path out = fs::absolute(out_dir).lexically_normal();
  std::error_code ec;
  if (fs::exists(out, ec)) return MakeError(ErrorCode::kAlreadyExists, "a backup " + out.string() + " exists", "name");
  const fs::path partial = out.parent_path() / (".partial-" + out.filename().string());
  // The checkpoint is made beside the store (hard links: no copy), then each
  // file is put in the backup: linked from the newest earlier backup when
  // that holds the same file (a table file never changes once written), else
  // linked from the checkpoint (same file system) or copied. So successive
  // backups share every unchanged file, on the store's disk or another.
  const fs::path staging = fs::absolute(data_dir) / (".backup-staging-" + out.filename().string());
  fs::remove_all(partial, ec);
  RemoveStaleStaging(data_dir);
  auto cleanup = [&partial, &staging] {
    std::error_code ignored;
    fs::remove_all(partial, ignored);
    fs::remove_all(staging, ignored);
  };
  auto fail = [&cleanup](Error e) -> Result<BackupManifest> {
    cleanup();
    return e;
  };
  if (auto st = store.Checkpoint(staging.string()); !st.ok()) return fail(st.error());
  const fs::path key = fs::path(data_dir) / kSigningKeyName;
  if (fs::exists(key, ec)) {
    fs::copy_file(key, staging / kSigningKeyName, fs::copy_options::overwrite_existing, ec);
    if (ec) return fail(MakeError(ErrorCode::kIoError, "copying " + key.string() + ": " + ec.message()));
  }
  BackupManifest m;
  m.dir = out.string();
  m.created_at_us = now_us;
  if (auto st = ReadHead(staging.string(), m); !st.ok()) return fail(st.error());
  const std::optional<BackupManifest> previous = NewestBackup(out.parent_path(), out);
  fs::create_directories(partial, ec);
  if (ec) return fail(MakeError(ErrorCode::kIoError, "cannot create " + partial.string() + ": " + ec.message()));
  ::chmod(partial.c_str(), 0700);
  std::vector<fs::path> names;
  for (const auto& e : fs::directory_iterator(staging, ec)) {
    if (e.is_regular_file()) names.push_back(e.path().filename());
  }
  std::sort(names.begin(), names.end());
  for (const auto& n : names) {
    auto digest = FileDigest(staging / n);
    if (!digest.ok()) return fail(digest.error());
    BackupFile f{n.string(), digest->bytes, digest->sha256};
    bool shared = previous && std::any_of(previous->files.begin(), previous->files.end(), [&f](const BackupFile& p) {
                    return p.name == f.name && p.bytes == f.bytes && p.sha256 == f.sha256;
                  });
    if (shared) {
      // Read again: a file that rotted or was altered since is not shared on.
      auto again = FileDigest(fs::path(previous->dir) / n);
      shared = again.ok() && again->bytes == f.bytes && again->sha256 == f.sha256;
    }
    std::error_code link_ec;
    if (shared) fs::create_hard_link(fs::path(previous->dir) / n, partial / n, link_ec);
    if (!shared || link_ec) {
      if (auto st = LinkOrCopy(staging / n, partial / n); !st.ok()) return fail(st.error());
    } else {
      ++m.shared_files;
    }
    m.files.push_back(std::move(f));
  }
  fs::permissions(partial / kSigningKeyName, fs::perms::owner_read | fs::perms::owner_write, ec);
  if (auto st = WriteManifest(partial, m); !st.ok()) return fail(st.error());
  fs::rename(partial, out, ec);
  if (ec) return fail(MakeError(ErrorCode::kIoError, "renaming the backup into " + out.string() + ": " + ec.message()));
  fs::remove_all(staging, ec);
  return m;
}

BackupService::BackupService(storage::EventStore& store, std::string data_dir, std::string root)
    : store_(store), data_dir_(std::move(data_dir)), root_(std::move(root)) {
  RemoveStaleStaging(data_dir_);  // a backup that stopped half-way keeps old table files alive
}

Result<BackupManifest> BackupService::Take(const std::string& name, std::int64_t now_us) {
  ASSURE_TRY(CheckBackupName(name));
  std::lock_guard lock(mu_);
  std::error_code ec;
  fs::create_directories(root_, ec);
  if (ec) return MakeError(ErrorCode::kIoError, "cannot create the backup directory " + root_ + ": " + ec.message());
  ::chmod(root_.c_str(), 0700);
  return TakeBackup(store_, data_dir_, (fs::path(root_) / name).string(), now_us);
}

}  // namespace assure::api::backup
