// A scripted network history with evidence for IN-601 and IN-701 (and none
// for IN-801), driven through the domain's commands as the API would.
#pragma once

#include <memory>
#include <string>

#include "api/audit/checkpoint.h"
#include "api/audit/signer.h"
#include "api/evidence/evidence_pack.h"
#include "api/evidence/pack_zip.h"
#include "tests/storage/test_util.h"

namespace assure::api::testing {

inline constexpr std::int64_t kDay = 86'400'000'000LL;
inline constexpr std::int64_t k20230524 = 1684886400000000LL;  // 2023-05-24T00:00:00Z
inline constexpr std::int64_t k20240301 = 1709251200000000LL;  // 2024-03-01T00:00:00Z

class ScriptedNetwork {
 public:
  explicit ScriptedNetwork(std::unique_ptr<Signer> signer = Signer::Generate());

  // Runs the whole script. Events after 2024-03-01 change d1's RAGB, adopt
  // strategy v2 and record a second self-assessment, so an as-at pack must
  // not show them.
  void Script();
  // A pack of IN-601, IN-701 and IN-801 as at 2024-03-01.
  Pack BuildPack(std::vector<std::string> codes = {"IN-601", "IN-701", "IN-801"});

  storage::EventStore& store() { return *store_; }
  CheckpointLog& checkpoints() { return *log_; }
  const Signer& signer() const { return *signer_; }
  storage::testing::FakeClock& clock() { return *clock_; }
  std::string strategy_v1;  // content of the strategy's version 1
  std::string strategy_v2;
  Checkpoint early_checkpoint;  // published mid-script
  std::string actor = "person-sec";  // recorded on the events Run writes

  template <class Agg>
  void Run(const std::string& id, const std::string& command, const nlohmann::json& body);

 private:
  std::shared_ptr<storage::testing::FakeClock> clock_ =
      std::make_shared<storage::testing::FakeClock>();
  std::unique_ptr<storage::EventStore> store_;
  std::unique_ptr<Signer> signer_;
  std::unique_ptr<CheckpointLog> log_;
};

// Re-packs modified entries, recomputing MANIFEST.sha256 when asked (an
// attacker who knows the format would).
std::string Repack(ZipEntries entries, bool recompute_manifest);
// The pack's events.jsonl, read from its zip.
std::string EventsJsonl(const Pack& pack);

}  // namespace assure::api::testing
