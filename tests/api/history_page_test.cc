// History pages of a long deliverable, with stream snapshots written as the
// server writes them (the network projection): every page equals the
// matching slice of the history described by a full fold from the start,
// and a page reads about a page of events whatever the stream's length.
#include <gtest/gtest.h>

#include "api/core/entity_writer.h"
#include "api/core/history.h"
#include "api/core/projection_runner.h"
#include "api/queries/network_model.h"
#include "domain/deliverable.h"
#include "storage/fault_backend.h"
#include "tests/storage/test_util.h"
#include "storage/log_store.h"

namespace assure::api {
namespace {

using D = domain::DeliverableAggregate;

class HistoryPageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = storage::testing::OpenFaultStore();
    ASSERT_TRUE(opened.store);
    backend_ = opened.backend;
    store_ = opened.store;
    writer_ = std::make_unique<EntityWriter>(store_);
    runner_ = std::make_unique<ProjectionRunner>(*store_, std::vector<std::shared_ptr<Projection>>{
                                                              std::make_shared<NetworkProjection>(store_.get())});
    ASSERT_TRUE(runner_->Start().ok());
    rc_.actor = "person-1";
  }
  void TearDown() override { runner_.reset(); }

  void Run(const std::string& id, const std::string& name, const nlohmann::json& body) {
    auto cmd = D::ParseCommand(name, body);
    ASSERT_TRUE(cmd.ok()) << name;
    ASSERT_TRUE(Execute<D>(*writer_, id, *cmd, rc_).ok()) << name << " " << body.dump();
  }

  // `changes` events after the create: notes, edits and rating changes
  // (each rating differs from the one before), interleaved with another
  // deliverable's events so that positions and versions differ.
  void Write(int changes) {
    Run("d1", "create", {{"programme_id", "wp"}, {"title", "Long"}, {"ragb", "blue"}});
    Run("d2", "create", {{"programme_id", "wp"}, {"title", "Other"}});
    static const char* kRagb[] = {"red", "amber", "blue", "green"};
    for (int i = 0; i < changes; ++i) {
      if (i % 5 == 0) {
        Run("d1", "add-progress-note", {{"note_date", "2024-01-02"}, {"text", "note " + std::to_string(i)}});
      } else if (i % 11 == 0) {
        Run("d1", "edit", {{"title", "Long " + std::to_string(i)}});
      } else {
        Run("d1", "change-ragb", {{"ragb", kRagb[i % 4]}, {"reason", "r" + std::to_string(i)}});
      }
      if (i % 7 == 0) Run("d2", "edit", {{"owner", "o" + std::to_string(i)}});
    }
  }

  // Every page asked for equals the slice of `all` (the full fold's history).
  void ExpectSlices(std::uint64_t up_to, const std::vector<std::uint64_t>& offsets,
                    const std::vector<std::uint64_t>& limits) {
    auto all = History<D>(*store_, "d1", up_to);
    ASSERT_TRUE(all.ok());
    const std::uint64_t n = all->size();
    for (bool desc : {false, true}) {
      for (std::uint64_t offset : offsets) {
        for (std::uint64_t limit : limits) {
          auto page = HistoryRange<D>(*store_, "d1", up_to, offset, limit, desc);
          ASSERT_TRUE(page.ok());
          ASSERT_EQ(page->total, n);
          std::vector<nlohmann::json> want, got;
          for (std::uint64_t k = offset; k < n && k < offset + limit; ++k) {
            want.push_back(HistoryToJson((*all)[desc ? n - 1 - k : k]));
          }
          for (const auto& e : page->items) got.push_back(HistoryToJson(e));
          ASSERT_EQ(got, want) << "up_to " << up_to << " desc " << desc << " offset " << offset
                               << " limit " << limit;
        }
      }
    }
  }

  storage::FaultBackend* backend_ = nullptr;
  std::shared_ptr<storage::EventStore> store_;
  std::unique_ptr<EntityWriter> writer_;
  std::unique_ptr<ProjectionRunner> runner_;
  RequestContext rc_;
};

TEST_F(HistoryPageTest, PagesEqualTheFullFoldsSlices) {
  Write(1234);
  auto snaps = store_->ScanState(StreamSnapshotPrefix("deliverable-d1"));
  ASSERT_TRUE(snaps.ok());
  EXPECT_EQ(snaps->size(), 12u) << "after versions 99, 199, ..., 1199";
  const std::uint64_t n = 1235;
  const std::vector<std::uint64_t> offsets = {0, 1, 37, 99, 100, 101, 199, 250, 777, n - 101, n - 100, n - 1, n};
  ExpectSlices(UINT64_MAX, offsets, {1, 50, 100, 173});
  // As at a position between snapshots.
  ExpectSlices(store_->Head().position / 2, {0, 1, 99, 100, 101, 333}, {1, 100, 150});
}

TEST_F(HistoryPageTest, APageReadsAboutAPageOfEventsWhateverTheLength) {
  Write(2600);
  for (std::uint64_t offset : {0, 1, 150, 1000, 2500}) {
    for (bool desc : {false, true}) {
      const std::uint64_t before = backend_->event_reads();
      auto page = HistoryRange<D>(*store_, "d1", UINT64_MAX, offset, 100, desc);
      ASSERT_TRUE(page.ok());
      ASSERT_EQ(page->items.size(), 100u);
      // The page, fewer than kStreamSnapshotEvery folded before it, and the
      // event read to find the snapshot's position.
      EXPECT_LE(backend_->event_reads() - before, 100 + kStreamSnapshotEvery) << offset << " " << desc;
    }
  }
}

// A page through the cache is the page built without it; asked again it
// reads no event; after a new event the newest page is the new one, and as
// at a position before that event the old one.
TEST_F(HistoryPageTest, CachedPagesAreTheBuiltPagesAndANewEventMakesANewPage) {
  Write(250);
  HistoryPageCache cache(1 << 20);
  auto built = [&](std::uint64_t up_to, std::uint64_t offset, std::uint64_t limit, bool desc) {
    auto page = HistoryRange<D>(*store_, "d1", up_to, offset, limit, desc);
    EXPECT_TRUE(page.ok());
    return HistoryPageJson(*page, offset, limit, desc ? "desc" : "asc");
  };
  auto cached = [&](std::uint64_t up_to, std::uint64_t offset, std::uint64_t limit, bool desc) {
    auto body = HistoryPageBody<D>(*store_, &cache, nullptr, "d1", up_to, offset, limit, desc ? "desc" : "asc");
    EXPECT_TRUE(body.ok());
    return body.ok() ? *body : std::string();
  };
  const std::string newest = built(UINT64_MAX, 0, 100, true);
  EXPECT_TRUE(cached(UINT64_MAX, 0, 100, true) == newest);
  std::uint64_t before = backend_->event_reads();
  EXPECT_EQ(cached(UINT64_MAX, 0, 100, true), newest);
  EXPECT_EQ(backend_->event_reads(), before) << "a cached page reads no event";
  // Other pages of the same version are other entries.
  EXPECT_EQ(cached(UINT64_MAX, 0, 100, false), built(UINT64_MAX, 0, 100, false));
  EXPECT_EQ(cached(UINT64_MAX, 1, 100, true), built(UINT64_MAX, 1, 100, true));
  EXPECT_EQ(cached(UINT64_MAX, 0, 50, true), built(UINT64_MAX, 0, 50, true));
  EXPECT_EQ(cache.entries(), 4u);

  const std::uint64_t old_head = store_->Head().position;
  Run("d1", "add-progress-note", {{"note_date", "2024-02-03"}, {"text", "after the cache"}});
  const std::string now = cached(UINT64_MAX, 0, 100, true);
  EXPECT_EQ(now, built(UINT64_MAX, 0, 100, true));
  EXPECT_TRUE(now != newest);
  EXPECT_NE(now.find("after the cache"), std::string::npos);
  EXPECT_EQ(cached(old_head, 0, 100, true), newest) << "as at before the new event";
  EXPECT_EQ(cached(UINT64_MAX, 0, 100, false), built(UINT64_MAX, 0, 100, false));
  // A missing entity is not found, with or without the cache.
  auto missing = HistoryPageBody<D>(*store_, &cache, nullptr, "nope", UINT64_MAX, 0, 100, "asc");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

// Actors are named in the page (actor_name beside actor), and a page kept in
// the cache is never answered with a name that has since changed: the names'
// version is part of the key. Names that lag the log never make a page
// current.
TEST_F(HistoryPageTest, PagesNameTheActorsAndANewNameMakesANewPage) {
  Write(30);
  struct Names : ActorNames {
    std::string name = "Dr Asha Patel";
    std::uint64_t version = 1;
    bool caught_up = true;
    std::string NameOf(std::string_view actor) const override { return name + " for " + std::string(actor); }
    std::uint64_t Version() const override { return version; }
    bool CaughtUpTo(std::uint64_t) const override { return caught_up; }
  } names;
  HistoryPageCache cache(1 << 20);
  auto page = [&] {
    auto b = HistoryPageBody<D>(*store_, &cache, &names, "d1", UINT64_MAX, 0, 10, "desc");
    EXPECT_TRUE(b.ok());
    return nlohmann::json::parse(b.ok() ? *b : std::string("{}"));
  };
  auto first = page();
  ASSERT_EQ(first["items"].size(), 10u);
  for (const auto& item : first["items"]) {
    EXPECT_EQ(item["actor_name"], "Dr Asha Patel for " + item["actor"].get<std::string>());
  }
  names.name = "erased person";  // the cache still holds the first page
  EXPECT_EQ(page(), first) << "same version: the same page";
  names.version = 2;
  auto renamed = page();
  EXPECT_EQ(renamed["items"][0]["actor_name"], "erased person for " + renamed["items"][0]["actor"].get<std::string>());
  Run("d1", "add-progress-note", {{"note_date", "2024-02-03"}, {"text", "while the names lag"}});
  names.caught_up = false;
  (void)page();
  EXPECT_EQ(CurrentHistoryPage<D>(*store_, cache, "d1", 0, 10, "desc"), nullptr)
      << "built with names behind the log: not current";
}

// The page answered from memory (CurrentHistoryPage, the I/O thread's) is
// the built page byte for byte and reads no event; any commit, of this
// entity or another, ends it until a reader counts again; an as-at read
// does not make a page current.
TEST_F(HistoryPageTest, CurrentPagesAreTheBuiltPagesUntilTheLogMoves) {
  Write(250);
  HistoryPageCache cache(1 << 20);
  auto built = [&](std::uint64_t offset, std::uint64_t limit, bool desc) {
    auto page = HistoryRange<D>(*store_, "d1", UINT64_MAX, offset, limit, desc);
    EXPECT_TRUE(page.ok());
    return HistoryPageJson(*page, offset, limit, desc ? "desc" : "asc");
  };
  auto body = [&](std::uint64_t up_to) {
    auto b = HistoryPageBody<D>(*store_, &cache, nullptr, "d1", up_to, 0, 100, "desc");
    EXPECT_TRUE(b.ok());
  };
  auto current = [&](std::uint64_t offset, std::uint64_t limit, const char* order) {
    return CurrentHistoryPage<D>(*store_, cache, "d1", offset, limit, order);
  };
  body(store_->Head().position);
  EXPECT_EQ(current(0, 100, "desc"), nullptr) << "as at a position, even the head: not current";
  body(UINT64_MAX);
  const std::uint64_t before = backend_->event_reads();
  auto page = current(0, 100, "desc");
  EXPECT_EQ(backend_->event_reads(), before);
  ASSERT_NE(page, nullptr);
  EXPECT_EQ(*page, built(0, 100, true));
  EXPECT_EQ(current(0, 100, "asc"), nullptr);
  EXPECT_EQ(current(1, 100, "desc"), nullptr);
  EXPECT_EQ(current(0, 99, "desc"), nullptr);
  EXPECT_EQ(CurrentHistoryPage<D>(*store_, cache, "d2", 0, 100, "desc"), nullptr);

  // Another entity's event: d1's page is unchanged, but only a count says so.
  Run("d2", "edit", {{"owner", "someone else"}});
  EXPECT_EQ(current(0, 100, "desc"), nullptr);
  body(UINT64_MAX);
  ASSERT_NE(current(0, 100, "desc"), nullptr);
  EXPECT_EQ(*current(0, 100, "desc"), *page);

  // This entity's event: the next current page is the new one.
  Run("d1", "add-progress-note", {{"note_date", "2024-02-03"}, {"text", "after the mark"}});
  EXPECT_EQ(current(0, 100, "desc"), nullptr);
  body(UINT64_MAX);
  ASSERT_NE(current(0, 100, "desc"), nullptr);
  EXPECT_EQ(*current(0, 100, "desc"), built(0, 100, true));
  EXPECT_NE(current(0, 100, "desc")->find("after the mark"), std::string::npos);
}

TEST_F(HistoryPageTest, UnreadableSnapshotsOnlyCostTime) {
  Write(456);
  auto snaps = store_->ScanState(StreamSnapshotPrefix("deliverable-d1"));
  ASSERT_TRUE(snaps.ok());
  ASSERT_EQ(snaps->size(), 4u);
  // The snapshot after version 399 unreadable: a page after it loads from the
  // one before (after 299); then all of them: from the start.
  ASSERT_TRUE(store_->PutState({{"snapbody/" + snaps->back().key, R"({"version":399,"position":1,"state":{"broken":true}})"}}).ok());
  ExpectSlices(UINT64_MAX, {0, 1, 30, 56, 57, 100, 456}, {1, 100});
  for (const auto& kv : *snaps) {
    ASSERT_TRUE(store_->PutState({{"snapbody/" + kv.key, "not json"}}).ok());
  }
  ExpectSlices(UINT64_MAX, {0, 1, 30, 56, 57, 100, 456}, {1, 100});
}

// The page's JSON written directly equals what Response::Json made of the
// same page built as nlohmann values, byte for byte, for awkward strings and
// values and for every entry of a long deliverable's history.
TEST_F(HistoryPageTest, PageJsonEqualsTheValueDump) {
  Write(300);
  auto dump = [](const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); };
  auto as_values = [&](const HistoryPage& p, std::uint64_t offset, std::uint64_t limit, const std::string& order) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& e : p.items) items.push_back(HistoryToJson(e));
    return dump({{"items", std::move(items)}, {"total", p.total}, {"offset", offset}, {"limit", limit}, {"order", order}});
  };
  for (bool desc : {false, true}) {
    auto page = HistoryRange<D>(*store_, "d1", UINT64_MAX, 3, 1000, desc);
    ASSERT_TRUE(page.ok());
    const std::string order = desc ? "desc" : "asc";
    EXPECT_EQ(HistoryPageJson(*page, 3, 1000, order), as_values(*page, 3, 1000, order));
  }
  HistoryPage odd;
  odd.total = 7;
  for (std::string s : {std::string(""), std::string("plain"), std::string("quote \" back \\ slash"),
                        std::string("tab\tnew\nline\x01\x1f\x7f"), std::string("Amber \xe2\x86\x92 Red"),
                        std::string("bad \xff\xfe utf-8 \xe2\x86"), std::string("nul \0 byte", 10)}) {
    HistoryEntry e{UINT64_MAX, 0, -1, s, s, s, s, {}, s, s, {}, {}};
    e.changes.push_back({s, s, nullptr});
    if (!s.empty()) e.people = {{s, s}, {"p-" + s, "Jane"}};  // people named in the changes
    e.changes.push_back({"n", 1.5, nlohmann::json{{"b", s}, {"a", {1, -2, true}}}});
    odd.items.push_back(e);
  }
  odd.items.push_back(HistoryEntry{});
  EXPECT_EQ(HistoryPageJson(odd, 0, 100, "asc"), as_values(odd, 0, 100, "asc"));
  EXPECT_EQ(HistoryPageJson(HistoryPage{}, 5, 1, "desc"), as_values(HistoryPage{}, 5, 1, "desc"));
}

TEST(StreamSnapshotStrideTest, BytesPerEventAreBounded) {
  EXPECT_EQ(StreamSnapshotStride(0), kStreamSnapshotEvery);
  EXPECT_EQ(StreamSnapshotStride(kStreamSnapshotEvery * kStreamSnapshotBytesPerEvent), kStreamSnapshotEvery);
  EXPECT_EQ(StreamSnapshotStride(kStreamSnapshotEvery * kStreamSnapshotBytesPerEvent + 1), 2 * kStreamSnapshotEvery);
  EXPECT_EQ(StreamSnapshotStride(100'000), 1600u);
  for (std::size_t bytes : {1u, 6'000u, 7'000u, 50'000u, 1'000'000u, 9'999'999u}) {
    const std::uint64_t stride = StreamSnapshotStride(bytes);
    EXPECT_LE(bytes, stride * kStreamSnapshotBytesPerEvent) << bytes;
    EXPECT_EQ(stride % kStreamSnapshotEvery, 0u);
    if (stride > kStreamSnapshotEvery) {
      EXPECT_GT(bytes, stride / 2 * kStreamSnapshotBytesPerEvent) << bytes;
    }
  }
  // A 10 KB state is written after every 200th event only.
  auto store = storage::NewMemoryStore();
  const nlohmann::json big = {{"text", std::string(10'000, 'x')}};
  for (std::uint64_t version : {98u, 99u, 150u, 199u, 299u, 399u}) {
    ASSERT_TRUE(SaveStreamSnapshot(*store, "thing-t1", version, version + 1, big).ok());
  }
  auto snaps = store->ScanState(StreamSnapshotPrefix("thing-t1"));
  ASSERT_TRUE(snaps.ok());
  ASSERT_EQ(snaps->size(), 2u);
  EXPECT_EQ(StreamSnapshotAt(*store, "thing-t1", 199, 200)->version, 199u);
  EXPECT_EQ(StreamSnapshotAt(*store, "thing-t1", 399, 400)->version, 399u);
  EXPECT_FALSE(StreamSnapshotAt(*store, "thing-t1", 99, 100).has_value());
  EXPECT_FALSE(StreamSnapshotAt(*store, "thing-t1", 198, 200).has_value()) << "another version";
}

}  // namespace
}  // namespace assure::api
