// Shared pieces of the importer tests: the strategy document, a store, and
// importing in one call.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "api/programme_files/export_programme.h"
#include "api/programme_files/importer.h"
#include "api/queries/network_model.h"
#include "storage/event_store.h"

namespace assure::api::programme_files::testing {

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string StrategyDocument() { return ReadFile(ASSURE_STRATEGY_MD); }

inline ImportOptions Options(bool dry_run = false) {
  ImportOptions o;
  o.dry_run = dry_run;
  o.actor = "tester";
  o.now_us = 1'700'000'000'000'000;
  return o;
}

inline Result<ImportReport> Import(storage::EventStore& store, const std::string& name,
                                   const std::string& bytes, bool dry_run = false) {
  return ImportFiles(store, {ImportFile{name, bytes}}, Options(dry_run));
}

inline NetworkModel Model(storage::EventStore& store) {
  auto m = BuildNetworkModel(store, store.Head().position);
  EXPECT_TRUE(m.ok());
  return m.ok() ? std::move(*m) : NetworkModel{};
}

// The id of the programme with this title (empty if none).
inline std::string ProgrammeId(const NetworkModel& m, const std::string& title) {
  for (const auto& p : ListProgrammes(m)) {
    if (p.title == title) return p.id;
  }
  return {};
}

}  // namespace assure::api::programme_files::testing
