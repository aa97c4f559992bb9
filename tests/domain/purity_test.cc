// domain/ stays pure: no I/O, threads, randomness, clocks, logging or other
// libraries (STYLE.md). Scans every file under the domain source folder.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace {

namespace fs = std::filesystem;

TEST(DomainPurity, NoForbiddenIncludesOrClockReads) {
  const fs::path root = ASSURE_DOMAIN_SOURCE_DIR;
  ASSERT_TRUE(fs::is_directory(root)) << root;
  // Built from pieces so this file's own text never matches a scan of tests/.
  const std::vector<std::string> forbidden = {
      std::string("#include <") + "boost",   std::string("#include \"") + "boost",
      std::string("rocks") + "db",           std::string("spd") + "log",
      std::string("<thr") + "ead>",          std::string("<ran") + "dom>",
      std::string("<fst") + "ream>",         std::string("<ios") + "tream>",
      std::string("<cst") + "dio>",          std::string("system_") + "clock",
      std::string("steady_") + "clock",      std::string("high_resolution_") + "clock",
      std::string("::n") + "ow()",           std::string("time(") + "nullptr)",
      std::string("getti") + "meofday",      std::string("clock_get") + "time",
      std::string("std::r") + "and(",        std::string("std::c") + "out",
      std::string("std::c") + "err",         std::string("print") + "f(",
      std::string("fop") + "en(",            std::string("#include \"") + "storage/",
      std::string("#include \"") + "api/",   std::string("#include \"") + "server/",
      // date's time zone half reads the system's tz database (I/O); its
      // calendar half (date/date.h, in calendar.cc) is arithmetic.
      std::string("date/") + "tz.h",
  };
  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    const auto ext = entry.path().extension();
    if (ext != ".h" && ext != ".cc") continue;
    ++files;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    const std::string body = text.str();
    for (const auto& bad : forbidden) {
      EXPECT_EQ(body.find(bad), std::string::npos)
          << entry.path() << " contains forbidden '" << bad << "'";
    }
  }
  EXPECT_GT(files, 10);  // the scan really looked at the domain sources
}

}  // namespace
