// The reading commands on a store on read-only media (an archived copy):
// `assure verify`, `programmes`, `export`, `pack` and `subject-access` open it without writing.
// As root the store is bind-mounted read-only in a private mount namespace
// (unshare -m; nothing leaks to the host); otherwise it is made unwritable
// with chmod. Either way not one byte of the store may change. Also: what
// --as-of means for `export` and `pack`.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "domain/calendar.h"
#include "tests/server/child_process.h"

namespace assure::server::testing::read_only_cli {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "assure-readonly-XXXXXX").string();
    path = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::permissions(path, fs::perms::owner_all, fs::perm_options::add, ec);
    for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::end(it); it.increment(ec)) {
      fs::permissions(it->path(), fs::perms::owner_write, fs::perm_options::add, ec);
    }
    fs::remove_all(path, ec);
  }
  fs::path path;
};

struct Output {
  int code = -1;
  std::string out;
  std::string err;
};

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

Output Shell(const std::string& cmd, const fs::path& scratch) {
  const fs::path err = scratch / "stderr.txt";
  FILE* p = ::popen((cmd + " 2>" + Quote(err.string())).c_str(), "r");
  Output o;
  char buf[4096];
  std::size_t n;
  while (p && (n = std::fread(buf, 1, sizeof buf, p)) > 0) o.out.append(buf, n);
  const int status = p ? ::pclose(p) : -1;
  o.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  o.err = Slurp(err);
  return o;
}

// Every file of the store with its bytes.
std::map<std::string, std::string> Contents(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) out[fs::relative(e.path(), dir).string()] = Slurp(e.path());
  }
  return out;
}

std::string Changed(const std::map<std::string, std::string>& a,
                    const std::map<std::string, std::string>& b) {
  std::string out;
  for (const auto& [name, bytes] : a) {
    auto it = b.find(name);
    if (it == b.end()) out += " removed " + name;
    else if (it->second != bytes) out += " changed " + name;
  }
  for (const auto& [name, _] : b) {
    if (!a.count(name)) out += " added " + name;
  }
  return out;
}

// Runs `assure ARGS` with the store read-only, as described at the top.
class ReadOnlyMedia {
 public:
  ReadOnlyMedia(fs::path data, fs::path scratch) : data_(std::move(data)), scratch_(std::move(scratch)) {
    if (::geteuid() == 0) {
      // The probe must fail to write (and not because the mount failed: 97).
      auto probe = Shell(Wrap("touch " + Quote((data_ / "probe").string())), scratch_);
      mount_ = probe.code != 0 && probe.code != 97 && !fs::exists(data_ / "probe");
      why_ = "a read-only bind mount (unshare -m)";
      if (!mount_) why_ = "no read-only mount available here (" + probe.err + "); plain read";
    } else {
      why_ = "chmod -R a-w";
    }
  }
  const std::string& how() const { return why_; }

  Output Assure(const std::string& args) {
    const std::string cmd = std::string(ASSURE_BIN) + " " + args;
    if (mount_) return Shell(Wrap(cmd), scratch_);
    if (::geteuid() == 0) {  // the pack cannot see the media is read-only: say so
      return Shell(args.rfind("pack ", 0) == 0 ? cmd + " --read-only" : cmd, scratch_);
    }
    Chmod(false);
    auto o = Shell(cmd, scratch_);
    Chmod(true);
    return o;
  }

 private:
  std::string Wrap(const std::string& cmd) const {
    const std::string d = Quote(data_.string());
    return "unshare -m sh -c " +
           Quote("mount --bind -o ro " + d + " " + d + " 2>/dev/null || exit 97; exec " + cmd);
  }
  void Chmod(bool writable) const {
    Shell(std::string("chmod -R ") + (writable ? "u+w " : "a-w ") + Quote(data_.string()), scratch_);
  }
  fs::path data_, scratch_;
  bool mount_ = false;
  std::string why_;
};

std::int64_t NowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Today() { return domain::FormatIsoDate(domain::UtcDateOf(NowUs())); }

// This instant, written out: a pack as at it is not in the future by the
// time it is built.
std::string Now() { return domain::FormatTimestampUs(NowUs()); }

TEST(ReadOnlyCliTest, VerifyProgrammesExportAndPackOpenAStoreOnReadOnlyMedia) {
  TempDir dir;
  const fs::path data = dir.path / "data";
  const std::string bin = ASSURE_BIN;
  const std::string d = " --data " + Quote(data.string());
  auto imported = Shell(bin + " import " + Quote(ASSURE_STRATEGY_MD) + d, dir.path);
  ASSERT_EQ(imported.code, 0) << imported.err;

  ReadOnlyMedia media(data, dir.path);
  SCOPED_TRACE("read-only by " + media.how());
  auto before = Contents(data);

  auto verify = media.Assure("verify" + d);
  EXPECT_EQ(verify.code, 0) << verify.err;
  EXPECT_EQ(verify.out.rfind("OK: positions 1..", 0), 0u) << verify.out;

  auto programmes = media.Assure("programmes --json" + d);
  ASSERT_EQ(programmes.code, 0) << programmes.err;
  auto list = nlohmann::json::parse(programmes.out, nullptr, false);
  ASSERT_TRUE(list.is_array() && !list.empty()) << programmes.out;
  const std::string programme = list[0]["id"];

  const fs::path csv = dir.path / "programme.csv";
  auto exported = media.Assure("export --programme " + programme + " --out " + Quote(csv.string()) + d);
  EXPECT_EQ(exported.code, 0) << exported.err;
  EXPECT_GT(fs::file_size(csv), 100u);

  // No checkpoint covers the date and none can be published: refused, saying
  // what to do.
  const std::string pack = "pack --all --as-of " + Now() + d + " --out ";
  auto refused = media.Assure(pack + Quote((dir.path / "refused.zip").string()));
  EXPECT_EQ(refused.code, 1) << refused.err;
  EXPECT_NE(refused.err.find("read-only, and no published checkpoint covers"), std::string::npos)
      << refused.err;
  EXPECT_NE(refused.err.find("copy the store to writable storage"), std::string::npos) << refused.err;
  EXPECT_FALSE(fs::exists(dir.path / "refused.zip"));
  // A subject access request reads the whole store too (its contents are
  // tested through the API: RestActorNamesTest).
  auto subject = media.Assure("subject-access nobody" + d);
  EXPECT_EQ(subject.code, 1) << subject.err;
  EXPECT_NE(subject.err.find("no person 'nobody'"), std::string::npos) << subject.err;
  EXPECT_EQ(Changed(before, Contents(data)), "");

  // Once a checkpoint has been published (on writable storage), the archived
  // copy packs against it.
  auto published = Shell(bin + " " + pack + Quote((dir.path / "writable.zip").string()), dir.path);
  ASSERT_EQ(published.code, 0) << published.err;
  before = Contents(data);
  const fs::path zip = dir.path / "archived.zip";
  auto packed = media.Assure(pack + Quote(zip.string()));
  EXPECT_EQ(packed.code, 0) << packed.err;
  EXPECT_NE(packed.err.find("not recorded in its security access log"), std::string::npos) << packed.err;
  auto checked = Shell(bin + " verify-pack " + Quote(zip.string()), dir.path);
  EXPECT_EQ(checked.code, 0) << checked.out << checked.err;
  EXPECT_EQ(Changed(before, Contents(data)), "");
}

// --as-of means what the API's as_of means (domain::ParseAsAt): a bare date
// is the end of that UTC day, the same instant as its last microsecond
// written out, for `export` and `pack` alike, and one rule refuses what is
// not a date.
TEST(AsOfCliTest, ExportAndPackReadADateAsTheEndOfThatUtcDay) {
  TempDir dir;
  const fs::path data = dir.path / "data";
  const std::string bin = ASSURE_BIN;
  const std::string d = " --data " + Quote(data.string());
  ASSERT_EQ(Shell(bin + " import " + Quote(ASSURE_STRATEGY_MD) + d, dir.path).code, 0);
  auto programmes = Shell(bin + " programmes --json" + d, dir.path);
  auto list = nlohmann::json::parse(programmes.out, nullptr, false);
  ASSERT_TRUE(list.is_array() && !list.empty()) << programmes.out;
  const std::string export_cmd =
      bin + " export --programme " + list[0]["id"].get<std::string>() + d + " --as-of ";
  const std::string pack_cmd = bin + " pack --all" + d + " --as-of ";
  const std::string date = Today();
  const std::string last_microsecond = date + "T23:59:59.999999Z";

  auto by_date = Shell(export_cmd + date, dir.path);
  ASSERT_EQ(by_date.code, 0) << by_date.err;
  EXPECT_GT(by_date.out.size(), 100u);
  EXPECT_EQ(by_date.out, Shell(export_cmd + last_microsecond, dir.path).out);

  // The pack prints its as-at date and position, and its identity.
  auto summary = [](const std::string& out) {
    std::string kept;
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
      if (line.find("as at") != std::string::npos || line.find("identity") != std::string::npos) {
        kept += line + "\n";
      }
    }
    return kept;
  };
  // Today's date (the end of today) is still in the future: refused, saying
  // what a date means. The day before is its last microsecond.
  auto future = Shell(pack_cmd + date + " --out " + Quote((dir.path / "f.zip").string()), dir.path);
  EXPECT_EQ(future.code, 1) << future.err;
  EXPECT_NE(future.err.find("is in the future"), std::string::npos) << future.err;
  EXPECT_FALSE(fs::exists(dir.path / "f.zip"));
  const std::string yesterday = domain::FormatIsoDate(domain::UtcDateOf(NowUs() - 86'400'000'000LL));
  auto packed = Shell(pack_cmd + yesterday + " --out " + Quote((dir.path / "a.zip").string()), dir.path);
  ASSERT_EQ(packed.code, 0) << packed.err;
  EXPECT_NE(packed.out.find("as at      " + yesterday), std::string::npos) << packed.out;
  auto packed_instant = Shell(pack_cmd + yesterday + "T23:59:59.999999Z --out " +
                                  Quote((dir.path / "b.zip").string()),
                              dir.path);
  ASSERT_EQ(packed_instant.code, 0) << packed_instant.err;
  EXPECT_EQ(summary(packed.out), summary(packed_instant.out));

  for (const std::string bad : {"2024-02-30", "2024-01-01T00:00:00,5Z", "01/03/2024"}) {
    auto e = Shell(export_cmd + Quote(bad), dir.path);
    EXPECT_EQ(e.code, 1) << bad;
    EXPECT_NE(e.err.find("--as-of must be a date"), std::string::npos) << e.err;
    auto p = Shell(pack_cmd + Quote(bad) + " --out " + Quote((dir.path / "c.zip").string()), dir.path);
    EXPECT_EQ(p.code, 2) << bad;
    EXPECT_NE(p.err.find("--as-of must be a date"), std::string::npos) << p.err;
  }
  // The help texts say the same thing.
  for (const std::string cmd : {"pack", "export"}) {
    auto help = Shell(bin + " " + cmd + " --help", dir.path);
    EXPECT_NE(help.out.find("END of that UTC day"), std::string::npos) << help.out;
    EXPECT_EQ(help.out.find("start of day"), std::string::npos) << help.out;
  }
}

// Issue 19: a chosen checkpoint gives the same pack byte for byte after a
// newer one is published; verify-pack takes the key as assure key show
// prints it, as PEM or as hex, and exits 2 on usage errors.
TEST(PackCliTest, AChosenCheckpointAndTheKeyAsKeyShowPrintsIt) {
  TempDir dir;
  const fs::path data = dir.path / "data";
  const std::string bin = ASSURE_BIN;
  const std::string d = " --data " + Quote(data.string());
  ASSERT_EQ(Shell(bin + " import " + Quote(ASSURE_STRATEGY_MD) + d, dir.path).code, 0);
  const std::string as_of = Now();
  const std::string pack = bin + " pack --all" + d + " --as-of " + as_of;
  auto first = Shell(pack + " --out " + Quote((dir.path / "a.zip").string()), dir.path);
  ASSERT_EQ(first.code, 0) << first.err;
  const auto at = first.out.find("checkpoint size ");
  ASSERT_NE(at, std::string::npos) << first.out;
  const std::string size = first.out.substr(at + 16, first.out.find(',', at) - at - 16);
  // More events (the strategy again, one description changed) and a newer
  // checkpoint.
  {
    std::ifstream in(ASSURE_STRATEGY_MD, std::ios::binary);
    std::string md(std::istreambuf_iterator<char>(in), {});
    const std::string before = "Create & launch WMIN website";
    const auto at = md.find(before);
    ASSERT_NE(at, std::string::npos);
    md.replace(at, before.size(), "Create and launch the WMIN website");
    std::ofstream(dir.path / "changed.md", std::ios::binary) << md;
  }
  auto changed = Shell(bin + " import " + Quote((dir.path / "changed.md").string()) + d, dir.path);
  ASSERT_EQ(changed.code, 0) << changed.err;
  auto newer = Shell(bin + " pack --all" + d + " --as-of " + Now() + " --out " + Quote((dir.path / "n.zip").string()),
                     dir.path);
  ASSERT_EQ(newer.code, 0) << newer.err;
  EXPECT_EQ(newer.out.find("checkpoint size " + size + ","), std::string::npos) << newer.out;
  for (const char* name : {"b.zip", "c.zip"}) {
    auto again = Shell(pack + " --checkpoint " + size + " --out " + Quote((dir.path / name).string()), dir.path);
    ASSERT_EQ(again.code, 0) << again.err;
  }
  auto bytes = [&](const char* name) {
    std::ifstream f(dir.path / name, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), {});
  };
  EXPECT_EQ(bytes("b.zip"), bytes("c.zip"));
  EXPECT_EQ(bytes("a.zip"), bytes("b.zip"));  // the first used that checkpoint too
  auto refused = Shell(pack + " --checkpoint 3 --out " + Quote((dir.path / "r.zip").string()), dir.path);
  EXPECT_EQ(refused.code, 1);
  EXPECT_NE(refused.err.find("no checkpoint of size 3"), std::string::npos) << refused.err;

  // The key as assure key show prints it (hex line, then PEM), PEM alone, hex.
  auto shown = Shell(bin + " key show" + d, dir.path);
  ASSERT_EQ(shown.code, 0) << shown.err;
  const std::string hex = shown.out.substr(0, 64);
  const std::string pem = shown.out.substr(shown.out.find("-----BEGIN"));
  std::ofstream(dir.path / "key.txt") << shown.out;
  std::ofstream(dir.path / "key.pem") << pem;
  std::ofstream(dir.path / "hex.txt") << hex << "\n";
  const std::string verify = bin + " verify-pack " + Quote((dir.path / "b.zip").string()) + " --public-key ";
  for (const std::string& key : {(dir.path / "key.txt").string(), (dir.path / "key.pem").string(),
                                (dir.path / "hex.txt").string(), hex}) {
    auto checked = Shell(verify + Quote(key), dir.path);
    EXPECT_EQ(checked.code, 0) << key << checked.out << checked.err;
    EXPECT_NE(checked.out.find("key given"), std::string::npos) << checked.out;
  }
  // A pack read from a pipe (not mapped: read to its end) verifies alike;
  // an empty file is not a pack.
  auto piped = Shell("cat " + Quote((dir.path / "b.zip").string()) + " | " + bin + " verify-pack /dev/stdin --public-key " + hex,
                     dir.path);
  EXPECT_EQ(piped.code, 0) << piped.out << piped.err;
  std::ofstream(dir.path / "empty.zip").flush();
  auto empty = Shell(bin + " verify-pack " + Quote((dir.path / "empty.zip").string()), dir.path);
  EXPECT_EQ(empty.code, 1) << empty.out << empty.err;
  // The packs were written whole, each by a rename: no partial files are left.
  for (const auto& e : std::filesystem::directory_iterator(dir.path)) {
    EXPECT_EQ(e.path().filename().string().find(".partial-"), std::string::npos) << e.path();
  }
  std::ofstream(dir.path / "junk.txt") << "not a key\n";
  auto junk = Shell(verify + Quote((dir.path / "junk.txt").string()), dir.path);
  EXPECT_EQ(junk.code, 2);
  EXPECT_NE(junk.err.find("the output of assure key show"), std::string::npos) << junk.err;
  // Usage errors exit 2 with the usage, --help 0.
  auto bare = Shell(bin + " verify-pack", dir.path);
  EXPECT_EQ(bare.code, 2) << bare.err;
  EXPECT_NE((bare.out + bare.err).find("pack is required"), std::string::npos) << bare.out << bare.err;
  EXPECT_EQ(Shell(bin + " verify-pack --help", dir.path).code, 0);
  auto help = Shell(bin + " pack --help", dir.path);
  EXPECT_NE(help.out.find("END of that UTC day"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("--checkpoint"), std::string::npos) << help.out;
}

}  // namespace
}  // namespace assure::server::testing::read_only_cli
