#include "api/evidence/pack_zip.h"

#include "api/evidence/pack_format.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace assure::api {
namespace {

bool Inside(std::string_view part, std::string_view whole) {
  return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

// Entries on both sides of kDeflateLimit: small ones are deflated, the large
// one stored.
ZipEntries SampleEntries() {
  std::string large(kDeflateLimit + 4097, '\0');
  for (std::size_t i = 0; i < large.size(); ++i) large[i] = static_cast<char>('a' + (i * 7919) % 26);
  return {{"a.txt", "hello, zip"},
          {"big.jsonl", std::move(large)},
          {"documents/empty", ""},
          {"z.json", std::string(3000, '{')}};
}

TEST(PackZip, StoredEntriesAreViewedInPlaceAndTheRestInflated) {
  const ZipEntries entries = SampleEntries();
  auto zip = WriteZip(entries);
  ASSERT_TRUE(zip.ok()) << zip.error().message;
  ZipReadLimits limits;
  limits.skip_stored_crc = true;
  ZipEntries owned;
  auto views = ReadZipViews(*zip, owned, limits);
  ASSERT_TRUE(views.ok()) << views.error().message;
  ASSERT_EQ(views->size(), entries.size());
  for (const auto& [name, content] : entries) {
    ASSERT_TRUE(views->count(name)) << name;
    EXPECT_EQ(views->at(name), content) << name;
  }
  // The stored entry is a view into the archive, not a copy.
  EXPECT_TRUE(Inside(views->at("big.jsonl"), *zip));
  EXPECT_FALSE(owned.count("big.jsonl"));
  // Deflated entries are inflated into `owned`.
  EXPECT_TRUE(owned.count("a.txt"));
  EXPECT_FALSE(Inside(views->at("a.txt"), *zip));

  // Without skip_stored_crc everything is read into `owned` and checked.
  ZipEntries copies;
  auto checked = ReadZipViews(*zip, copies, {});
  ASSERT_TRUE(checked.ok()) << checked.error().message;
  EXPECT_FALSE(Inside(checked->at("big.jsonl"), *zip));
  EXPECT_EQ(copies.size(), entries.size());
  auto whole = ReadZip(*zip, limits);
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(*whole, entries);
}

TEST(PackZip, ADamagedStoredEntryFailsItsCrcUnlessTheCallerChecksHashes) {
  const ZipEntries entries = SampleEntries();
  auto zip = WriteZip(entries);
  ASSERT_TRUE(zip.ok());
  std::string damaged = *zip;
  const auto at = damaged.find(entries.at("big.jsonl").substr(1000, 64));
  ASSERT_NE(at, std::string::npos);
  damaged[at + 10] = damaged[at + 10] == 'q' ? 'r' : 'q';

  auto checked = ReadZip(damaged);
  ASSERT_FALSE(checked.ok());
  EXPECT_EQ(checked.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(checked.error().message.find("big.jsonl"), std::string::npos) << checked.error().message;

  // skip_stored_crc: the bytes are handed over as they are (the pack
  // verifier then finds them not matching MANIFEST.sha256).
  ZipReadLimits limits;
  limits.skip_stored_crc = true;
  ZipEntries owned;
  auto views = ReadZipViews(damaged, owned, limits);
  ASSERT_TRUE(views.ok()) << views.error().message;
  EXPECT_NE(views->at("big.jsonl"), entries.at("big.jsonl"));
  EXPECT_EQ(views->at("big.jsonl").size(), entries.at("big.jsonl").size());
  EXPECT_EQ(views->at("a.txt"), "hello, zip");
}

TEST(PackZip, NotAZipIsRefused) {
  ZipEntries owned;
  auto empty = ReadZipViews("", owned, {});  // libzip: an empty archive
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
  for (std::string bytes : {std::string("PK\x03\x04 not really"), std::string(5000, 'x')}) {
    auto r = ReadZipViews(bytes, owned, {});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << r.error().message;
  }
}

namespace fs = std::filesystem;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream all;
  all << in.rdbuf();
  return std::move(all).str();
}

// A fresh directory for one test.
fs::path Scratch(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("assure-zipfile-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// The names in `dir`.
std::vector<std::string> Names(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(PackZipFile, WritesTheSameBytesAsInMemoryAndLeavesNothingElse) {
  const ZipEntries entries = SampleEntries();
  const fs::path dir = Scratch("same");
  const fs::path out = dir / "pack.zip";
  std::ofstream(out) << "an older pack";
  auto written = WriteZipFile(ViewsOf(entries), out.string(), {}, 0640);
  ASSERT_TRUE(written.ok()) << written.error().message;
  auto memory = WriteZip(entries);
  ASSERT_TRUE(memory.ok());
  EXPECT_EQ(*written, memory->size());
  EXPECT_EQ(Slurp(out), *memory);
  EXPECT_EQ(Names(dir), std::vector<std::string>{"pack.zip"});
  EXPECT_EQ(fs::status(out).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  fs::remove_all(dir);
}

// Written and synced beside the path, the zip is in place only once
// committed; dropped before, it is gone and the old file stays.
TEST(PackZipFile, APendingZipIsInPlaceOnlyOnceCommitted) {
  const fs::path dir = Scratch("pending");
  const fs::path out = dir / "pack.zip";
  std::ofstream(out) << "an older pack";
  {
    auto pending = WriteZipBeside(ViewsOf(SampleEntries()), out.string(), {}, 0600);
    ASSERT_TRUE(pending.ok()) << pending.error().message;
    EXPECT_EQ(Names(dir).size(), 2u);  // the old file and the part
    EXPECT_EQ(Slurp(out), "an older pack");
  }
  EXPECT_EQ(Names(dir), std::vector<std::string>{"pack.zip"});
  EXPECT_EQ(Slurp(out), "an older pack");
  auto pending = WriteZipBeside(ViewsOf(SampleEntries()), out.string(), {}, 0600);
  ASSERT_TRUE(pending.ok());
  ASSERT_TRUE(pending->Commit().ok());
  EXPECT_EQ(Slurp(out), *WriteZip(SampleEntries()));
  EXPECT_EQ(fs::status(out).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(Names(dir), std::vector<std::string>{"pack.zip"});
  fs::remove_all(dir);
}

TEST(PackZipFile, ADirectoryOrAMissingDirectoryIsRefused) {
  const fs::path dir = Scratch("refused");
  auto into_dir = WriteZipFile(ViewsOf(SampleEntries()), dir.string());
  ASSERT_FALSE(into_dir.ok());
  EXPECT_EQ(into_dir.error().code, ErrorCode::kInvalidArgument);
  auto missing = WriteZipFile(ViewsOf(SampleEntries()), (dir / "no-such-dir" / "pack.zip").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kIoError);
  EXPECT_NE(missing.error().message.find("no-such-dir"), std::string::npos) << missing.error().message;
  EXPECT_TRUE(Names(dir).empty());
  fs::remove_all(dir);
}

// A disk that fills in the middle of the zip (here: a file size limit of
// 1 MiB against an 8 MB entry): the file already at the path is as it was,
// and no part of the new one is left behind.
TEST(PackZipFile, AWriteThatFailsHalfWayLeavesTheOldFileAndNoPart) {
  const fs::path dir = Scratch("half");
  const fs::path out = dir / "pack.zip";
  std::ofstream(out) << "an older pack";
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::signal(SIGXFSZ, SIG_IGN);  // the write fails with EFBIG instead
    rlimit limit{1 << 20, 1 << 20};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    auto written = WriteZipFile(ViewsOf(SampleEntries()), out.string());
    std::_Exit(!written.ok() && written.error().code == ErrorCode::kIoError ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "the write should fail with kIoError";
  EXPECT_EQ(Slurp(out), "an older pack");
  EXPECT_EQ(Names(dir), std::vector<std::string>{"pack.zip"});
  fs::remove_all(dir);
}

TEST(SpillFile, AppendsAndReadsBackByRanges) {
  const fs::path dir = Scratch("spill");
  auto file = SpillFile::Create(dir.string());
  ASSERT_TRUE(file.ok()) << file.error().message;
  EXPECT_TRUE(Names(dir).empty());  // unnamed from the start
  ASSERT_TRUE(file->Append("hello, ").ok());
  ASSERT_TRUE(file->Append("").ok());
  ASSERT_TRUE(file->Append("spilled world\n").ok());
  EXPECT_EQ(file->size(), 21u);
  const std::vector<ByteRange> ranges = {{7, 14}, {3, 3}, {0, 5}, {20, 21}};
  auto read = ReadRanges(*file, ranges);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, "spilledhello\n");
  EXPECT_EQ(RangesSize(ranges), 13u);
  auto hex = Sha256HexOf(*file, ranges);
  ASSERT_TRUE(hex.ok());
  EXPECT_EQ(*hex, Sha256Hex("spilledhello\n"));
  auto past = ReadRanges(*file, {{15, 30}});
  ASSERT_FALSE(past.ok());
  EXPECT_EQ(past.error().code, ErrorCode::kIoError);
  fs::remove_all(dir);
}

// An entry read from ranges of a file as the zip is written gives the same
// zip, byte for byte, as the same content held in memory; in memory and
// written to a file alike.
TEST(PackZipFile, AnEntryFromRangesOfAFileIsTheSameAsFromMemory) {
  const fs::path dir = Scratch("ranged");
  ZipEntries entries = SampleEntries();
  auto file = SpillFile::Create(dir.string());
  ASSERT_TRUE(file.ok());
  const std::string& big = entries.at("big.jsonl");
  // The content in three pieces, stored out of order, with a piece of junk.
  const std::size_t a = 1000, b = big.size() - 5000;
  ASSERT_TRUE(file->Append(big.substr(b)).ok());
  ASSERT_TRUE(file->Append("junk").ok());
  ASSERT_TRUE(file->Append(big.substr(a, b - a)).ok());
  ASSERT_TRUE(file->Append(big.substr(0, a)).ok());
  const std::uint64_t tail = big.size() - b, mid = b - a;
  ZipRanged ranged;
  ranged["big.jsonl"] = {&*file, {{tail + 4 + mid, tail + 4 + mid + a}, {tail + 4, tail + 4 + mid}, {0, tail}}};
  ranged["small.jsonl"] = {&*file, {{tail + 4 + mid, tail + 4 + mid + 10}}};  // deflated
  ZipEntries expected = entries;
  expected["small.jsonl"] = big.substr(0, 10);
  ZipViews views = ViewsOf(entries);
  views.erase("big.jsonl");
  auto memory = WriteZip(views, ranged);
  ASSERT_TRUE(memory.ok()) << memory.error().message;
  auto reference = WriteZip(expected);
  ASSERT_TRUE(reference.ok());
  EXPECT_EQ(*memory, *reference);
  const fs::path out = dir / "pack.zip";
  auto written = WriteZipFile(views, out.string(), ranged);
  ASSERT_TRUE(written.ok()) << written.error().message;
  EXPECT_EQ(Slurp(out), *reference);
  // A name given both ways is refused.
  views["small.jsonl"] = "x";
  auto twice = WriteZip(views, ranged);
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.error().message.find("small.jsonl"), std::string::npos);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace assure::api
