// Evidence packs when the disk fails them: a pack that cannot be written
// leaves what was at its output path, nothing behind, and no record of a
// generation in the security log.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "api/auth/security_log.h"
#include "api/evidence/evidence_pack.h"
#include "tests/evidence/scripted_network.h"

namespace assure::api {
namespace {

using testing::k20240301;

class PackFailureTest : public ::testing::Test {
 protected:
  void SetUp() override { net_.Script(); }
  testing::ScriptedNetwork net_;
};

// A disk that fills while the events' lines are written out (here: a file
// size limit of 2 KiB, far below them): the pack fails with kIoError, the
// file already at the output path is as it was, and nothing is left behind
// (the lines' file has no name).
TEST_F(PackFailureTest, ADiskThatFillsWhileTheLinesAreWrittenFailsThePackAndWritesNothing) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("assure-pack-full-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path out = dir / "pack.zip";
  std::ofstream(out) << "an older pack";
  PackRequest req;
  req.codes = {"IN-601", "IN-701", "IN-801"};
  req.as_of_us = k20240301;
  req.now_us = net_.clock().NowMicros();
  ASSERT_TRUE(BuildEvidencePack(net_.store(), net_.checkpoints(), req).ok());  // publishes what it needs
  rlimit was{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &was), 0);
  auto* handler = std::signal(SIGXFSZ, SIG_IGN);  // the write fails with EFBIG instead
  rlimit small = was;
  small.rlim_cur = 2048;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  auto failed = BuildEvidencePack(net_.store(), net_.checkpoints(), req, nullptr, PackOutput{out.string()});
  ::setrlimit(RLIMIT_FSIZE, &was);
  std::signal(SIGXFSZ, handler);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, ErrorCode::kIoError) << failed.error().message;
  EXPECT_NE(failed.error().message.find("temporary file"), std::string::npos) << failed.error().message;
  std::ifstream in(out);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "an older pack");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
  // With room again, the same request writes the pack there.
  auto written = BuildEvidencePack(net_.store(), net_.checkpoints(), req, nullptr, PackOutput{out.string()});
  ASSERT_TRUE(written.ok()) << written.error().message;
  EXPECT_EQ(written->zip_bytes, fs::file_size(out));
  EXPECT_TRUE(written->zip.empty());
  fs::remove_all(dir);
}

// The zip itself cannot be written (here: into a file opened read-only;
// the events' lines, written before, went to the temporary directory):
// kIoError, and nothing in the security log.
TEST_F(PackFailureTest, APackWhoseZipCannotBeWrittenIsNotRecordedAsGenerated) {
  namespace fs = std::filesystem;
  const fs::path file = fs::temp_directory_path() / ("assure-pack-readonly-" + std::to_string(::getpid()));
  std::ofstream(file).flush();
  auth::SecurityLog log(net_.store(), std::make_shared<storage::testing::FakeClock>());
  ASSERT_TRUE(log.Open().ok());
  PackRequest req;
  req.codes = {"IN-601", "IN-701", "IN-801"};
  req.as_of_us = k20240301;
  req.now_us = net_.clock().NowMicros();
  PackOutput out;
  out.fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(out.fd, 0);
  auto failed = BuildEvidencePack(net_.store(), net_.checkpoints(), req, &log, out);
  ::close(out.fd);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, ErrorCode::kIoError) << failed.error().message;
  auto entries = log.Read(1, 10);
  ASSERT_TRUE(entries.ok());
  EXPECT_TRUE(entries->empty()) << entries->size() << " entries recorded";
  // Into a file that can be written, the same request is recorded.
  out.fd = ::open(file.c_str(), O_RDWR | O_TRUNC | O_CLOEXEC);
  auto built = BuildEvidencePack(net_.store(), net_.checkpoints(), req, &log, out);
  ::close(out.fd);
  ASSERT_TRUE(built.ok()) << built.error().message;
  EXPECT_EQ(fs::file_size(file), built->zip_bytes);
  EXPECT_EQ(log.Read(1, 10)->size(), 1u);
  fs::remove(file);
}

}  // namespace
}  // namespace assure::api
