// libFuzzer target: the evidence-pack verifier (VerifyEvidencePack) on
// hostile packs, and the readers of a pack's files on their own.
//
// The first byte chooses the input: 0, the bytes as the pack's zip;
// otherwise the rest is the pack's files in the container of
// tests/fuzz/fuzz_entries.h, zipped here (so that mutations reach
// pack.json, proofs.json, events.jsonl and MANIFEST.sha256). No crash,
// leak or UB; a pack is valid only with no failures; every failure says
// which check and file.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/evidence/event_line.h"
#include "api/evidence/pack_format.h"
#include "api/evidence/pack_zip.h"
#include "api/evidence/verify_pack.h"
#include "tests/fuzz/fuzz_checks.h"
#include "tests/fuzz/fuzz_entries.h"

using assure::api::spreadsheet::fuzz::Check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string zip;
  if (data[0] == 0) {
    zip.assign(in);
  } else {
    const auto entries = assure::fuzz::DecodeEntries(in);
    // The readers of single files, as the verifier calls them.
    for (const auto& [name, content] : entries) {
      if (name == assure::api::kProofsFile) (void)assure::api::ProofsFromJson(content);
      if (name == assure::api::kManifestFile) (void)assure::api::ParseManifest(content);
      if (name == assure::api::kEventsFile) {
        std::size_t at = 0;
        for (int n = 0; n < 64 && at < content.size(); ++n) {
          const std::size_t nl = content.find('\n', at);
          const std::string_view line = std::string_view(content).substr(at, nl - at);
          (void)assure::api::ParseEventLine(line);
          if (nl == std::string::npos) break;
          at = nl + 1;
        }
      }
    }
    auto written = assure::api::WriteZip(entries);
    if (!written.ok()) return 0;
    zip = std::move(*written);
  }
  const auto report = assure::api::VerifyEvidencePack(zip);
  Check(report.valid == report.failures.empty(), "valid means no failures");
  for (const auto& f : report.failures) Check(!f.check.empty(), "a failure names its check");
  (void)assure::api::FormatVerifyReport(report);
  return 0;
}
