// The fixture of the pack tampering tests: the scripted network, its pack,
// the pack's files and the key it verifies under.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "api/evidence/pack_zip.h"
#include "api/evidence/verify_pack.h"
#include "tests/evidence/scripted_network.h"

namespace assure::api {

class PackFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    net_.Script();
    pack_ = net_.BuildPack();
    files_ = *ReadZip(pack_.zip);
    key_.public_key_raw = net_.signer().public_key_raw();
  }
  VerifyPackReport Verify(const std::string& zip) { return VerifyEvidencePack(zip, key_); }

  ScriptedNetwork net_;
  Pack pack_;
  ZipEntries files_;
  VerifyPackOptions key_;
};

}  // namespace assure::api
