// A deliverable's notes and history over a store: the history entry of the
// 2,000th note is the size of the first's, and every note can still be read,
// a page at a time, from the stream.
#include "api/core/progress_notes.h"

#include <gtest/gtest.h>

#include "api/core/entity_writer.h"
#include "api/core/history.h"
#include "domain/deliverable.h"

namespace assure::api {
namespace {

using D = domain::DeliverableAggregate;

class ProgressNotesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    rc_.actor = "person-1";
    domain::CreateDeliverable create;
    create.programme_id = "wf";
    create.fields.title = "Refresh meetings";
    ASSERT_TRUE(Execute<D>(writer_, "d1", create, rc_).ok());
  }
  void Note(int i) {
    ASSERT_TRUE(Execute<D>(writer_, "d1", domain::AddDeliverableProgressNote{"2024-02-01", "note " + std::to_string(i)},
                           rc_)
                    .ok());
  }
  void Rate(domain::Ragb r) {
    ASSERT_TRUE(Execute<D>(writer_, "d1", domain::ChangeDeliverableRagb{r, "why"}, rc_).ok());
  }

  std::shared_ptr<storage::EventStore> store_ = storage::NewMemoryStore();
  EntityWriter writer_{store_};
  RequestContext rc_;
};

TEST_F(ProgressNotesTest, TheHistoryEntryOfThe2000thNoteIsTheSizeOfTheFirst) {
  for (int i = 1; i <= 2000; ++i) Note(i);
  auto first = HistoryRange<D>(*store_, "d1", UINT64_MAX, 1, 1, false);
  auto last = HistoryRange<D>(*store_, "d1", UINT64_MAX, 0, 1, true);
  ASSERT_TRUE(first.ok() && last.ok());
  ASSERT_EQ(first->items.size(), 1u);
  ASSERT_EQ(last->items.size(), 1u);
  const nlohmann::json a = HistoryToJson(first->items[0]), b = HistoryToJson(last->items[0]);
  EXPECT_EQ(a["summary"], "Note added (1 Feb 2024): note 1");
  EXPECT_EQ(b["summary"], "Note added (1 Feb 2024): note 2000");
  EXPECT_EQ(b["changes"][0]["field"], "progress_notes.n2000");
  // "1" -> "2000" in the note id (field and item), the text (item and summary),
  // and the position and version.
  const auto grown = static_cast<std::ptrdiff_t>(b.dump().size()) - static_cast<std::ptrdiff_t>(a.dump().size());
  EXPECT_LE(grown, 3 * 6 + 8) << a.dump() << "\n" << b.dump();
  // And the state holds only the newest notes and their count.
  auto loaded = LoadAggregate<D>(*store_, "d1");
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->state.progress_note_count, 2000u);
  EXPECT_EQ(loaded->state.progress_notes.size(), domain::kRecentProgressNotes);
}

// Every page (either order, as at a position, with ratings interleaved)
// equals the matching slice of all the notes.
TEST_F(ProgressNotesTest, PagesAreSlicesOfEveryNote) {
  std::vector<std::uint64_t> counts_at;  // notes written by each position
  for (int i = 1; i <= 60; ++i) {
    Note(i);
    if (i % 7 == 0) Rate(i % 2 ? domain::Ragb::kRed : domain::Ragb::kAmber);
  }
  const std::uint64_t head = store_->Head().position;
  for (std::uint64_t up_to : {head, head - 5, std::uint64_t{10}}) {
    auto state = LoadAggregate<D>(*store_, "d1", up_to);
    ASSERT_TRUE(state.ok());
    const std::uint64_t total = state->state.progress_note_count;
    for (bool desc : {false, true}) {
      for (std::uint64_t offset : {0, 1, 19, 30, 55, 59, 60, 70}) {
        for (std::uint64_t limit : {1, 7, 100}) {
          auto page = ProgressNotesRange(*store_, "d1", up_to, total, offset, limit, desc);
          ASSERT_TRUE(page.ok());
          EXPECT_EQ(page->total, total);
          std::vector<std::string> want, got;
          for (std::uint64_t k = offset; k < total && k < offset + limit; ++k) {
            want.push_back("n" + std::to_string(desc ? total - k : k + 1));
          }
          for (const auto& n : page->items) {
            got.push_back(n.note_id);
            EXPECT_EQ(n.text, "note " + n.note_id.substr(1));
            EXPECT_LE(n.position, up_to);
          }
          EXPECT_EQ(got, want) << "up_to " << up_to << " desc " << desc << " offset " << offset
                               << " limit " << limit;
        }
      }
    }
  }
  EXPECT_EQ(ProgressNotesRange(*store_, "nope", head, 3, 0, 10, true).error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace assure::api
