// The offline verifier's working state and its checks (VerifyEvidencePack),
// private to api/evidence: verify_pack.cc reads the files, events and
// proofs; verify_derivation.cc re-derives pack.json from the events;
// verify_statement.cc checks the signed statement, the as-at instant and
// completeness (FORMAT.md 6.5).
//
// Thread safety: one Checker per verification; checks run Beside (on the
// pool) write only their own findings list.
#pragma once

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/core/parallel.h"
#include "api/evidence/pack_content.h"
#include "api/evidence/pack_format.h"
#include "api/evidence/pack_statement.h"
#include "api/evidence/verify_pack.h"

namespace assure::api::verify_detail {

// The pack's events in line order, held in pages rather than one array, so
// that the two threads reading events.jsonl each make and fill their own
// pages at once: one array of 500,000 events (170 MB), value-initialised on
// one thread before either began, took 0.45 s of verify's 2 on a virtual
// machine where a page fault costs ~10 us.
class EventPages {
 public:
  static constexpr std::size_t kPage = 8192;
  // n events to come, in pages not yet made.
  void Reset(std::size_t n) {
    pages_.clear();
    pages_.resize((n + kPage - 1) / kPage);
    size_ = n;
  }
  std::size_t pages() const { return pages_.size(); }
  // Makes page p; each page from one thread, any number at once.
  void MakePage(std::size_t p) { pages_[p].resize(std::min(kPage, size_ - p * kPage)); }
  storage::RecordedEvent& operator[](std::size_t i) { return pages_[i / kPage][i % kPage]; }
  const storage::RecordedEvent& operator[](std::size_t i) const { return pages_[i / kPage][i % kPage]; }
  std::size_t size() const { return size_; }
  // Keeps the first n (n <= size()).
  void Truncate(std::size_t n) {
    size_ = n;
    pages_.resize((n + kPage - 1) / kPage);
    if (!pages_.empty()) pages_.back().resize(n - (pages_.size() - 1) * kPage);
  }

 private:
  std::vector<std::vector<storage::RecordedEvent>> pages_;
  std::size_t size_ = 0;
};

class Checker {
 public:
  Checker(std::string_view zip, const VerifyPackOptions& options) : zip_(zip), options_(options) {}
  VerifyPackReport Run();

 private:
  // Runs `check` beside this thread on the one pool (api/core/parallel.h),
  // its findings kept apart until Merge() puts them where the check would
  // have put them running alone.
  class Beside {
   public:
    Beside(Checker& c, void (Checker::*check)())
        : c_(c), failures_at_(c.report_.failures.size()), passed_at_(c.report_.passed.size()) {
      part_ = RunBeside([this, check] {
        // The pool may run it on the waiting thread: keep that one's list.
        VerifyPackReport* const outer = tl_out_;
        tl_out_ = &out_;
        try {
          (c_.*check)();
        } catch (const std::exception& e) {
          c_.Fail("format", "", std::string("malformed pack: ") + e.what());
        }
        tl_out_ = outer;
      });
    }
    ~Beside() { Merge(); }
    void Merge() {
      if (!part_.valid()) return;
      part_.get();
      auto& r = c_.report_;
      r.failures.insert(r.failures.begin() + static_cast<std::ptrdiff_t>(failures_at_),
                        std::make_move_iterator(out_.failures.begin()), std::make_move_iterator(out_.failures.end()));
      r.passed.insert(r.passed.begin() + static_cast<std::ptrdiff_t>(passed_at_),
                      std::make_move_iterator(out_.passed.begin()), std::make_move_iterator(out_.passed.end()));
    }

   private:
    Checker& c_;
    VerifyPackReport out_;
    const std::size_t failures_at_, passed_at_;
    api::Beside<void> part_;
  };

  static void ReadOlderNotes(nlohmann::json& full);
  VerifyPackReport RunChecks();

  // Where findings go: a check running Beside has its own list.
  static thread_local VerifyPackReport* tl_out_;
  VerifyPackReport& Out() { return tl_out_ ? *tl_out_ : report_; }
  void Fail(std::string check, std::string file, std::string message, std::uint64_t line = 0,
            std::uint64_t position = 0, std::string statement = {}) {
    Out().failures.push_back({std::move(check), std::move(file), line, position,
                              std::move(statement), std::move(message)});
  }
  void Pass(std::string what) { Out().passed.push_back(std::move(what)); }
  bool Require(const char* name);
  VerifyPackReport Finish();

  // verify_pack.cc
  void Manifest();
  void Signature();
  void Events();
  void Coverage();
  void Inclusion();
  // verify_derivation.cc
  void Derivation(PhaseClock& clock);
  void Documents(const PackUses& uses, const nlohmann::json& pack);
  void Consistency();
  // verify_statement.cc
  void Statement();
  void StatementFiles();  // after Manifest (whose hashes it compares)
  void AsOf(const nlohmann::json& pack);
  void Completeness(const PackUses& uses, const std::vector<std::pair<std::string, nlohmann::json>>& derived);

  std::string_view zip_;
  const VerifyPackOptions& options_;
  VerifyPackReport report_;
  ZipEntries inflated_;  // the deflated entries; the stored ones are viewed in zip_
  ZipViews files_;
  PackProofs proofs_;
  std::string key_;
  std::optional<SignedPackStatement> signed_;
  std::map<std::string, std::string> file_sha256_;  // name -> SHA-256 hex (Manifest)  // signature.json, when its signature verifies
  EventPages events_;
  std::vector<std::uint64_t> lines_;
  std::vector<storage::Hash256> leaves_;  // leaf hash of events_[i]'s canonical bytes
  bool coverage_ok_ = false;
  bool order_ok_ = true;
};

}  // namespace assure::api::verify_detail
