#include "api/backup/archive.h"

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include <nlohmann/json.hpp>

#include "api/audit/checkpoint.h"
#include "api/backup/backup.h"
#include "api/backup/file_digest.h"
#include "api/evidence/event_line.h"
#include "domain/calendar.h"
#include "domain/hex.h"
#include "domain/json_text.h"
#include "storage/codec.h"
#include "storage/merkle.h"

namespace assure::api::backup {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// On-disk names (FORMAT.md section 9).
constexpr const char* kReadme = "README.md";
constexpr const char* kManifest = "manifest.json";
constexpr const char* kEvents = "events.jsonl";
constexpr const char* kCheckpoints = "checkpoints.jsonl";
constexpr const char* kDocuments = "documents";
constexpr const char* kKeys = "keys.jsonl";
// The state keys of the personal-data vault (api/privacy, FORMAT.md 7).
constexpr std::string_view kKeyPrefixes[] = {"pdk-meta/", "pdk/", "tdk/"};

constexpr const char* kReadmeText = R"(# An archive of an Assure log

This directory holds the whole record of an Assure store (an event-sourced
governance record), readable without Assure. Its exact format is defined in
Assure's storage/FORMAT.md, sections 1, 5, 6.3 and 9; in short:

- `events.jsonl`: every event ever recorded, one JSON object a line, in
  order of `position` (1, 2, 3, ... without gaps). Each line says which
  entity (`stream_id`) changed, how (`type`, `data`), who did it (`actor`),
  why (`reason`), and when the record learnt it (`recorded_at`, UTC). Dates
  inside `data` (such as `occurred_at`) are when it happened in the business.
  `hash` chains each event to the one before: SHA-256 of the previous hash
  and the event's canonical bytes (FORMAT.md 1.1, 1.2); `leaf_hash` is its
  leaf in the Merkle tree (FORMAT.md 4).
- `checkpoints.jsonl`: the signed checkpoints the server published: a tree
  size, the Merkle root of that many events, a time, an Ed25519 signature and
  the public key that made it (FORMAT.md 5).
- `documents/<sha256>`: the content of each controlled-document version the
  log names (its `content_sha256`), named by the SHA-256 of its bytes.
- `keys.jsonl` (if present): people's and tokens' data keys, each wrapped by
  a master key that is not in this archive. Names, emails and job titles in
  `PersonRegistered` / `PersonDetailsUpdated` events, and token labels, are
  sealed ("enc1:..."): without the master key they cannot be read, and the
  keys of erased people are not here at all.
- `manifest.json`: the head (last position and its hash), the Merkle root of
  the whole log, and every other file's size and SHA-256.

To check it: recompute each line's canonical bytes and chain hash from the
first line on; the last hash must be the manifest's head hash, and the Merkle
root of all leaf hashes the manifest's root; each checkpoint's signature must
verify and its root be the root of its first `tree_size` leaves.
`assure archive import` does all of that while loading it into a new store.
)";

std::string Hex(const storage::Hash256& h) { return storage::HexEncode(h); }

Status WriteFile(const fs::path& p, std::string_view bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) return MakeError(ErrorCode::kIoError, "cannot write " + p.string());
  return {};
}

Result<std::string> ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kNotFound, p.string() + " is missing");
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The log, line by line, into events.jsonl; the documents it names.
Status WriteEvents(storage::EventStore& store, const fs::path& dir, std::uint64_t head,
                   std::set<std::string>& documents) {
  std::ofstream out(dir / kEvents, std::ios::binary | std::ios::trunc);
  std::string buffer;
  storage::ReadAllPage page;
  for (std::uint64_t next = 1; next <= head;) {
    ASSURE_TRY(store.ReadAllInto(next, 4096, page));
    if (page.events.empty()) return MakeError(ErrorCode::kCorruption, "no event at position " + std::to_string(next));
    buffer.clear();
    for (const auto& e : page.events) {
      if (e.position > head) break;
      AppendEventLine(buffer, e, storage::MerkleLeafHash(storage::CanonicalBytes(e)));
      buffer += '\n';
      if (e.data.find("\"content_sha256\"") != std::string::npos) {
        const json d = domain::ParseJsonText(e.data);
        if (auto it = d.find("content_sha256"); it != d.end() && it->is_string()) documents.insert(it->get<std::string>());
      }
      next = e.position + 1;
    }
    out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    if (page.end_of_log) break;
  }
  out.close();
  if (!out) return MakeError(ErrorCode::kIoError, "cannot write " + (dir / kEvents).string());
  return {};
}

// A clock that says the time of the event being re-imported, so the store
// records it as it was first recorded.
class ReplayClock final : public storage::Clock {
 public:
  std::int64_t NowMicros() override { return now_.load(); }
  void Set(std::int64_t us) { now_.store(us); }

 private:
  std::atomic<std::int64_t> now_{0};
};

Error NotArchive(const std::string& why) { return DoesNotVerify("the archive", why); }

// Appends every line of events.jsonl to `store` as it was first recorded.
Status ReplayEvents(storage::EventStore& store, ReplayClock& clock, const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::string line;
  storage::RecordedEvent e;
  storage::Hash256 leaf{};
  for (std::uint64_t expected = 1; std::getline(in, line); ++expected) {
    if (Status st = api::ReadEventLine(line, e, leaf); !st.ok()) {
      return NotArchive("line " + std::to_string(expected) + " of events.jsonl: " + st.error().message);
    }
    if (e.position != expected) {
      return NotArchive("line " + std::to_string(expected) + " of events.jsonl holds position " + std::to_string(e.position));
    }
    storage::ProposedEvent pe;
    pe.event_id = e.event_id.ToString();
    pe.type = std::move(e.type);
    pe.schema_version = e.schema_version;
    pe.data = std::move(e.data);
    pe.data_is_compact_object = true;  // the stored form, verbatim
    pe.metadata = std::move(e.metadata);
    clock.Set(e.recorded_at_us);
    const auto version = e.stream_version == 0 ? storage::ExpectedVersion::NoStream()
                                               : storage::ExpectedVersion::Exact(e.stream_version - 1);
    auto appended = store.Append(e.stream_id, version, {std::move(pe)});
    if (!appended.ok()) {
      return NotArchive("position " + std::to_string(expected) + " cannot be appended again: " + appended.error().message);
    }
    if (appended->first_position != expected) return NotArchive("position " + std::to_string(expected) + " was recorded out of order");
  }
  return {};
}

}  // namespace

Result<ArchiveSummary> WriteArchive(storage::EventStore& store, const std::string& out_dir, const ArchiveOptions& options) {
  const fs::path to = fs::absolute(out_dir);
  std::error_code ec;
  if (fs::exists(to, ec)) return MakeError(ErrorCode::kAlreadyExists, to.string() + " already exists");
  const fs::path partial = to.string() + ".partial";
  fs::remove_all(partial, ec);
  fs::create_directories(partial / kDocuments, ec);
  if (ec) return MakeError(ErrorCode::kIoError, "cannot create " + partial.string() + ": " + ec.message());
  auto fail = [&partial](Error e) -> Result<ArchiveSummary> {
    std::error_code ignored;
    fs::remove_all(partial, ignored);
    return e;
  };

  const storage::LogHead head = store.Head();
  ArchiveSummary summary;
  summary.events = head.position;
  summary.head_hash = Hex(head.hash);
  auto root = store.MerkleRoot(head.position);
  if (!root.ok()) return fail(root.error());
  summary.merkle_root = Hex(*root);

  std::set<std::string> documents;
  if (Status st = WriteEvents(store, partial, head.position, documents); !st.ok()) return fail(st.error());
  for (const auto& sha : documents) {
    auto hash = storage::HexDecodeHash(sha);
    if (!hash.ok()) continue;  // not a hash: nothing to look up (the domain refuses these)
    auto blob = store.GetBlob(*hash);
    if (!blob.ok()) return fail(blob.error());
    if (!blob->has_value()) return fail(MakeError(ErrorCode::kNotFound, "the content " + sha + " named in the log is not stored"));
    if (Status st = WriteFile(partial / kDocuments / sha, **blob); !st.ok()) return fail(st.error());
    ++summary.documents;
  }
  auto checkpoints = ListCheckpoints(store);
  if (!checkpoints.ok()) return fail(checkpoints.error());
  std::string lines;
  for (const auto& c : *checkpoints) {
    if (c.tree_size > head.position) continue;  // published after the head was read
    lines += CheckpointToJson(c).dump() + "\n";
    ++summary.checkpoints;
  }
  if (Status st = WriteFile(partial / kCheckpoints, lines); !st.ok()) return fail(st.error());
  if (options.with_keys) {
    lines.clear();
    for (std::string_view prefix : kKeyPrefixes) {
      auto keys = store.ScanState(prefix);
      if (!keys.ok()) return fail(keys.error());
      for (const auto& kv : *keys) {
        json line = {{"key", kv.key}, {"value_hex", ""}};
        domain::AppendHex(line["value_hex"].get_ref<std::string&>(), kv.value);
        lines += line.dump() + "\n";
        ++summary.keys;
      }
    }
    if (Status st = WriteFile(partial / kKeys, lines); !st.ok()) return fail(st.error());
  }
  if (Status st = WriteFile(partial / kReadme, kReadmeText); !st.ok()) return fail(st.error());

  json files = json::array();
  for (const auto& entry : fs::recursive_directory_iterator(partial)) {
    if (!entry.is_regular_file()) continue;
    auto d = FileDigest(entry.path());
    if (!d.ok()) return fail(d.error());
    files.push_back({{"name", fs::relative(entry.path(), partial).generic_string()}, {"bytes", d->bytes}, {"sha256", d->sha256}});
  }
  std::sort(files.begin(), files.end(), [](const json& a, const json& b) { return a["name"] < b["name"]; });
  const json manifest = {{"format", kArchiveFormat},
                         {"created_at", domain::FormatIsoSeconds(options.now_us)},
                         {"head", {{"position", head.position}, {"hash", summary.head_hash}}},
                         {"merkle_root", summary.merkle_root},
                         {"events", head.position},
                         {"with_keys", options.with_keys},
                         {"files", files}};
  if (Status st = WriteFile(partial / kManifest, manifest.dump(2) + "\n"); !st.ok()) return fail(st.error());
  fs::rename(partial, to, ec);
  if (ec) return fail(MakeError(ErrorCode::kIoError, "cannot rename " + partial.string() + ": " + ec.message()));
  return summary;
}

namespace {

// ImportArchive without its last line of defence: `created` says when the
// new directory exists, so that a throw (a member of the wrong type, a file
// system error) still removes it.
Result<ArchiveSummary> Import(const std::string& archive_dir, const std::string& new_data_dir, bool& created) {
  const fs::path from = fs::absolute(archive_dir);
  const fs::path to = fs::absolute(new_data_dir);
  auto text = ReadFile(from / kManifest);
  if (!text.ok()) return MakeError(ErrorCode::kNotFound, text.error().message + ": not an Assure archive");
  const json manifest = domain::ParseJsonText(*text);
  if (!manifest.is_object() || manifest.value("format", "") != kArchiveFormat || !manifest.contains("files") ||
      !manifest["files"].is_array() || !manifest.contains("head") || !manifest["head"].is_object()) {
    return NotArchive("manifest.json is not an \"" + std::string(kArchiveFormat) + "\" manifest");
  }
  ArchiveSummary summary;
  summary.events = manifest["head"].value("position", std::uint64_t{0});
  summary.head_hash = manifest["head"].value("hash", "");
  summary.merkle_root = manifest.value("merkle_root", "");
  // Every file as the manifest names it (a name is a plain relative path).
  for (const auto& f : manifest["files"]) {
    const std::string name = f.is_object() ? f.value("name", "") : "";
    if (name.empty() || name.find("..") != std::string::npos || name.front() == '/') {
      return NotArchive("manifest.json names a file outside the archive");
    }
    auto d = FileDigest(from / name);
    if (!d.ok()) return NotArchive(name + ": " + d.error().message);
    if (d->bytes != f.value("bytes", std::uint64_t{0}) || d->sha256 != f.value("sha256", "")) {
      return NotArchive(name + " is not the file the manifest names (size or SHA-256 differs)");
    }
  }

  ASSURE_TRY(CreateEmptyDataDir(to.string(), "import"));
  created = true;
  auto fail = [&to](Error e) -> Result<ArchiveSummary> { return RemovedAfter(to.string(), std::move(e)); };
  std::error_code ec;
  {
    auto clock = std::make_shared<ReplayClock>();
    storage::StoreOptions options;
    options.sync = false;  // the last write below is synced, and with it everything before
    options.clock = clock;
    auto opened = storage::OpenRocksStore(to.string(), options);
    if (!opened.ok()) return fail(opened.error());
    storage::EventStore& store = **opened;
    if (Status st = ReplayEvents(store, *clock, from / kEvents); !st.ok()) return fail(st.error());
    if (fs::exists(from / kDocuments, ec)) {
      for (const auto& entry : fs::directory_iterator(from / kDocuments)) {
        auto bytes = ReadFile(entry.path());
        if (!bytes.ok()) return fail(bytes.error());
        auto hash = store.PutBlob(*bytes);
        if (!hash.ok()) return fail(hash.error());
        if (Hex(*hash) != entry.path().filename().string()) {
          return fail(NotArchive("documents/" + entry.path().filename().string() + " is not named by its SHA-256"));
        }
        ++summary.documents;
      }
    }
    std::ifstream checkpoints(from / kCheckpoints, std::ios::binary);
    for (std::string line; std::getline(checkpoints, line);) {
      auto c = CheckpointFromJson(domain::ParseJsonText(line));
      if (!c.ok()) return fail(NotArchive("checkpoints.jsonl: " + c.error().message));
      if (Status st = KeepCheckpoint(store, *c); !st.ok()) return fail(NotArchive(st.error().message));
      ++summary.checkpoints;
    }
    std::vector<storage::KeyValue> keys;
    std::ifstream key_lines(from / kKeys, std::ios::binary);
    for (std::string line; std::getline(key_lines, line);) {
      const json k = domain::ParseJsonText(line);
      auto value = k.is_object() ? domain::UnhexBytes(k.value("value_hex", "")) : std::nullopt;
      const std::string key = k.is_object() ? k.value("key", "") : "";
      const bool known = std::any_of(std::begin(kKeyPrefixes), std::end(kKeyPrefixes),
                                     [&key](std::string_view p) { return key.starts_with(p); });
      if (!value || !known) return fail(NotArchive("keys.jsonl holds a line that is not a data key"));
      keys.push_back({key, std::move(*value)});
    }
    summary.keys = keys.size();
    // Synced: with it every unsynced write before (one write-ahead log).
    keys.push_back({"archive/imported-at", domain::FormatIsoSeconds(storage::SystemClock()->NowMicros())});
    if (Status st = store.PutState(keys, /*sync=*/true); !st.ok()) return fail(st.error());
  }
  auto verified = VerifyStore(to.string(), {summary.events, summary.head_hash, summary.merkle_root}, "the archive");
  if (!verified.ok()) return fail(verified.error());
  return summary;
}

}  // namespace

Result<ArchiveSummary> ImportArchive(const std::string& archive_dir, const std::string& new_data_dir) {
  bool created = false;
  try {
    return Import(archive_dir, new_data_dir, created);
  } catch (const std::exception& e) {
    Error error = NotArchive(std::string("a file cannot be read as the format says: ") + e.what());
    return created ? RemovedAfter(fs::absolute(new_data_dir).string(), std::move(error)) : error;
  }
}

}  // namespace assure::api::backup
