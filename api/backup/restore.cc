// Restore: copy a backup into a new data directory, checking every file
// against the manifest, then verify the copy end to end before saying so.
#include <filesystem>
#include <fstream>
#include <iterator>

#include "api/backup/backup.h"
#include "api/backup/file_digest.h"
#include "storage/codec.h"
#include "storage/merkle.h"
#include "storage/types.h"

namespace assure::api::backup {

namespace fs = std::filesystem;

Status CreateEmptyDataDir(const std::string& dir, const std::string& verb) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_empty(dir, ec)) {
    return MakeError(ErrorCode::kAlreadyExists, dir + " is not empty: " + verb + " only into a new, empty directory");
  }
  fs::create_directories(dir, ec);
  if (ec) return MakeError(ErrorCode::kIoError, "cannot create " + dir + ": " + ec.message());
  fs::permissions(dir, fs::perms::owner_all, ec);
  return {};
}

Error RemovedAfter(const std::string& dir, Error e) {
  std::error_code ignored;
  fs::remove_all(dir, ignored);
  e.message += " (" + dir + " removed)";
  return e;
}

Error DoesNotVerify(const std::string& what, const std::string& why) {
  return MakeError(ErrorCode::kCorruption, what + " does not verify: " + why);
}

namespace {

Error Corrupt(const std::string& why) { return DoesNotVerify("the backup", why); }

}  // namespace

Result<std::uint64_t> VerifyStore(const std::string& dir, const ExpectedHead& m, const std::string& what) {
  auto Corrupt = [&what](const std::string& why) { return DoesNotVerify(what, why); };
  storage::StoreOptions options;
  options.create_if_missing = false;
  options.read_only = true;
  auto store = storage::OpenRocksStore(dir, options);
  if (!store.ok()) return Corrupt(store.error().message);
  storage::EventStore& s = **store;
  const storage::LogHead head = s.Head();
  if (head.position != m.head_position || storage::HexEncode(head.hash) != m.head_hash) {
    return Corrupt("its head is position " + std::to_string(head.position) + " hash " +
                   storage::HexEncode(head.hash) + ", the manifest says " +
                   std::to_string(m.head_position) + " " + m.head_hash);
  }
  auto report = s.Verify(1, 0);
  if (!report.ok()) return Corrupt(report.error().message);
  if (!report->ok) {
    return Corrupt("the hash chain fails at position " + std::to_string(report->first_bad_position) +
                   ": " + report->problem);
  }
  if (report->checked != head.position) {
    return Corrupt("verified " + std::to_string(report->checked) + " events of " + std::to_string(head.position));
  }
  // Every leaf from its event's canonical bytes, against the stored leaf;
  // the root of those leaves against the stored tree and the manifest.
  auto leaves = s.MerkleLeaves(head.position);
  if (!leaves.ok()) return Corrupt(leaves.error().message);
  storage::MerkleFrontier frontier;
  std::vector<storage::MerkleNode> created;
  storage::ReadAllPage page;
  for (std::uint64_t next = 1; next <= head.position;) {
    if (auto st = s.ReadAllInto(next, 4096, page); !st.ok()) return Corrupt(st.error().message);
    if (page.events.empty()) return Corrupt("no event at position " + std::to_string(next));
    for (const auto& e : page.events) {
      if (e.position != next || e.position > head.position) break;
      const storage::Hash256 leaf = storage::MerkleLeafHash(storage::CanonicalBytes(e));
      if (leaf != (*leaves)[e.position - 1]) {
        return Corrupt("the Merkle leaf of position " + std::to_string(e.position) + " is not its event's");
      }
      created.clear();
      frontier.Append(leaf, &created);
      ++next;
    }
    if (page.end_of_log) break;
  }
  if (frontier.size() != head.position) return Corrupt("the Merkle tree has fewer leaves than the log");
  const storage::Hash256 from_leaves = frontier.Root();
  auto stored = s.MerkleRoot(head.position);
  if (!stored.ok()) return Corrupt(stored.error().message);
  if (*stored != from_leaves || storage::HexEncode(*stored) != m.merkle_root) {
    return Corrupt("the Merkle root of its " + std::to_string(head.position) +
                   " events differs from the stored tree or the manifest");
  }
  return report->checked;
}

Result<RestoreReport> Restore(const std::string& backup_dir, const std::string& new_data_dir) {
  const fs::path from = fs::absolute(backup_dir);
  const fs::path to = fs::absolute(new_data_dir);
  std::error_code ec;
  std::ifstream in(from / kManifestName, std::ios::binary);
  if (!in) {
    return MakeError(ErrorCode::kNotFound, (from / kManifestName).string() + " is missing: not an Assure backup");
  }
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto manifest = ParseManifest(text);
  if (!manifest.ok()) return manifest.error();

  ASSURE_TRY(CreateEmptyDataDir(to.string(), "restore"));
  auto fail = [&to](Error e) -> Result<RestoreReport> { return RemovedAfter(to.string(), std::move(e)); };

  for (const auto& f : manifest->files) {
    if (!fs::exists(from / f.name, ec)) return fail(Corrupt(f.name + " is missing"));
    auto d = CopyAndDigest(from / f.name, to / f.name);
    if (!d.ok()) return fail(d.error());
    if (d->bytes != f.bytes || d->sha256 != f.sha256) {
      return fail(Corrupt(f.name + " is not the file the manifest names (size or SHA-256 differs)"));
    }
  }
  auto verified = VerifyStore(to.string(), {manifest->head_position, manifest->head_hash, manifest->merkle_root},
                              "the backup");
  if (!verified.ok()) return fail(verified.error());
  RestoreReport r;
  r.manifest = std::move(manifest).value();
  r.events_verified = *verified;
  return r;
}

}  // namespace assure::api::backup
