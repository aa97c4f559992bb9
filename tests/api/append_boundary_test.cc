// Whole appends: the mark a multi-event append carries, and where a read at
// a position lands (api/core/append_boundary.h).
#include <gtest/gtest.h>

#include "api/core/append_boundary.h"

namespace assure::api {
namespace {

storage::ProposedEvent BoundaryEvent(std::string type) {
  storage::ProposedEvent e;
  e.type = std::move(type);
  e.data = "{}";
  return e;
}

TEST(AppendBoundary, MarksEveryEventAfterTheFirst) {
  std::vector<storage::ProposedEvent> one{BoundaryEvent("A")};
  MarkOneAppend("doc-1", storage::ExpectedVersion::Exact(4), one);
  EXPECT_EQ(one[0].metadata.causation_id, "");  // a single event needs no mark

  std::vector<storage::StreamAppend> parts(2);
  parts[0].stream_id = "deliverable-9";
  parts[0].expected = storage::ExpectedVersion::NoStream();
  parts[0].events = {BoundaryEvent("Created")};
  parts[1].stream_id = "work_programme-3";
  parts[1].expected = storage::ExpectedVersion::Exact(7);
  parts[1].events = {BoundaryEvent("Added")};
  MarkOneAppend(parts);
  EXPECT_EQ(parts[0].events[0].metadata.causation_id, "");
  EXPECT_EQ(parts[1].events[0].metadata.causation_id, "deliverable-9@0");
}

TEST(AppendBoundary, ReadsAtAPositionSnapToWholeAppends) {
  auto store = storage::NewMemoryStore();
  ASSERT_TRUE(store->Append("doc-1", storage::ExpectedVersion::NoStream(), {BoundaryEvent("Registered")}).ok());  // 1
  std::vector<storage::ProposedEvent> approval{BoundaryEvent("Approved"), BoundaryEvent("Superseded"), BoundaryEvent("Published")};
  MarkOneAppend("doc-1", storage::ExpectedVersion::Exact(0), approval);
  ASSERT_TRUE(store->Append("doc-1", storage::ExpectedVersion::Exact(0), approval).ok());  // 2..4
  // Unmarked events (written before the mark existed) each count as whole.
  ASSERT_TRUE(store->Append("doc-2", storage::ExpectedVersion::Any(), {BoundaryEvent("X"), BoundaryEvent("Y")}).ok());  // 5..6

  auto at = [&](std::uint64_t p) {
    auto r = WholeAppendPosition(*store, p);
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : 999;
  };
  EXPECT_EQ(at(0), 0u);
  EXPECT_EQ(at(1), 1u);
  EXPECT_EQ(at(2), 1u);  // inside the approval: before it
  EXPECT_EQ(at(3), 1u);
  EXPECT_EQ(at(4), 4u);  // its last event: all of it
  EXPECT_EQ(at(5), 5u);
  EXPECT_EQ(at(6), 6u);  // the head
}

TEST(AppendBoundary, ACauseNamingNoEarlierEventOfTheAppendIsIgnored) {
  auto store = storage::NewMemoryStore();
  ASSERT_TRUE(store->Append("s", storage::ExpectedVersion::NoStream(), {BoundaryEvent("A")}).ok());
  auto later = BoundaryEvent("B");
  later.metadata.causation_id = "s@5";  // no such version
  ASSERT_TRUE(store->Append("t", storage::ExpectedVersion::NoStream(), {later}).ok());
  auto odd = BoundaryEvent("C");
  odd.metadata.causation_id = "not a cause";
  ASSERT_TRUE(store->Append("u", storage::ExpectedVersion::NoStream(), {odd}).ok());
  EXPECT_EQ(*WholeAppendPosition(*store, 1), 1u);
  EXPECT_EQ(*WholeAppendPosition(*store, 2), 2u);
}

}  // namespace
}  // namespace assure::api
