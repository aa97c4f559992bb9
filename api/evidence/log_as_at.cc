// ReadLogUpTo: the log up to an evidence pack's as-at position, read by a
// pipeline of three threads or, without two idle workers, by one.
#include "api/evidence/log_as_at.h"

#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "api/core/parallel.h"
#include "api/evidence/event_line.h"

namespace assure::api {

namespace {

// A bounded queue between two threads; Close() ends it for the reader once
// drained, Cancel() for both sides at once.
template <typename T>
class Channel {
 public:
  explicit Channel(std::size_t capacity) : capacity_(capacity) {}
  bool Push(T v) {
    std::unique_lock l(mu_);
    cv_.wait(l, [&] { return cancelled_ || items_.size() < capacity_; });
    if (cancelled_) return false;
    items_.push_back(std::move(v));
    cv_.notify_all();
    return true;
  }
  std::optional<T> Pop() {
    std::unique_lock l(mu_);
    cv_.wait(l, [&] { return cancelled_ || closed_ || !items_.empty(); });
    if (cancelled_ || items_.empty()) return std::nullopt;
    T v = std::move(items_.front());
    items_.pop_front();
    cv_.notify_all();
    return v;
  }
  std::optional<T> TryPop() {
    std::lock_guard l(mu_);
    if (cancelled_ || items_.empty()) return std::nullopt;
    T v = std::move(items_.front());
    items_.pop_front();
    cv_.notify_all();
    return v;
  }
  void Close() {
    std::lock_guard l(mu_);
    closed_ = true;
    cv_.notify_all();
  }
  void Cancel() {
    std::lock_guard l(mu_);
    cancelled_ = true;
    cv_.notify_all();
  }

 private:
  const std::size_t capacity_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<T> items_;
  bool closed_ = false, cancelled_ = false;
};

// What is done to each page of the log: read it, fold it into the model,
// render its events' lines (with their leaf hashes). The same steps serve
// the three-thread pipeline and the one-thread run below.
class PageSteps {
 public:
  PageSteps(storage::EventStore& store, std::uint64_t position, LogAsAt& out)
      : store_(store), position_(position), out_(out) {}

  // Whether a page remains to be read.
  bool more() const { return !last_ && from_ <= position_; }
  // Reads the next page into `page`; false on a failure (kept).
  bool Read(LogPage& page) {
    if (auto s = store_.ReadAllInto(from_, 10000, page.read); !s.ok()) {
      read_failure_ = s.error();
      return false;
    }
    const auto& events = page.read.events;
    last_ = page.read.end_of_log || events.empty() || events.back().position >= position_;
    from_ = page.read.next_position;
    return true;
  }

  // Folds the page's events; false at a gap in the positions (kept).
  bool Fold(const LogPage& page) {
    for (const auto& e : page.read.events) {
      if (e.position > position_) break;
      if (e.position != out_.stream_of.size() + 1) {
        gap_ = MakeError(ErrorCode::kCorruption,
                         "the log has a gap at position " + std::to_string(out_.stream_of.size() + 1));
        return false;
      }
      out_.fold.Apply(out_.model, e);
      auto [it, added] = interned_.try_emplace(e.stream_id, static_cast<std::uint32_t>(out_.streams.size()));
      if (added) out_.streams.push_back(e.stream_id);
      out_.stream_of.push_back(it->second);
      out_.last_recorded_at_us = e.recorded_at_us;
    }
    return true;
  }
  bool folded_all() const { return !gap_ && out_.stream_of.size() == position_; }

  // Before the first page is rendered: reads the leaf hashes; false on a
  // failure (kept).
  bool StartRendering() {
    // The leaf hashes as the store committed them with the events (its
    // Merkle tree's level 0, which the checkpoint's root covers): one scan,
    // instead of re-encoding and hashing every event. An event altered in
    // the store after it was committed then fails to match its leaf_hash
    // in events.jsonl, as it should.
    auto stored = store_.MerkleLeaves(position_);
    if (!stored.ok()) {
      leaves_failure_ = stored.error();
      return false;
    }
    out_.leaves = std::move(*stored);
    return true;
  }
  // Renders a page's lines into one buffer (kept for the next page) and
  // appends them to the spill file; false on a failure (kept).
  bool Render(const LogPage& page) {
    const std::uint64_t base = out_.lines->size();
    rendered_.clear();
    for (const auto& e : page.read.events) {
      if (e.position > position_ || e.position == 0) break;
      // Position order is checked by the fold; a gap stops it.
      AppendEventLine(rendered_, e, out_.leaves[e.position - 1]);
      rendered_.push_back('\n');
      out_.line_end[e.position - 1] = base + rendered_.size();
    }
    if (auto s = out_.lines->Append(rendered_); !s.ok()) {
      spill_failure_ = s.error();
      return false;
    }
    return true;
  }

  // The first failure, in the order the steps meet them.
  std::optional<Error> failure() const {
    if (read_failure_) return read_failure_;
    if (leaves_failure_) return leaves_failure_;
    if (spill_failure_) return spill_failure_;
    if (gap_) return gap_;
    if (out_.stream_of.size() != position_) {
      return MakeError(ErrorCode::kCorruption, "the log ends at position " + std::to_string(out_.stream_of.size()) +
                                                   ", before " + std::to_string(position_));
    }
    return std::nullopt;
  }

 private:
  storage::EventStore& store_;
  const std::uint64_t position_;
  LogAsAt& out_;
  std::uint64_t from_ = 1;
  bool last_ = false;
  std::unordered_map<std::string, std::uint32_t> interned_;
  std::optional<Error> read_failure_;    // the reader's
  std::optional<Error> leaves_failure_;  // the renderer's
  std::optional<Error> spill_failure_;   // the renderer's
  std::string rendered_;                 // the renderer's: a page's lines
  std::optional<Error> gap_;             // the fold's
};

}  // namespace

// Three threads when the pool has two idle workers: one reads pages of the
// log, this one folds them, a third computes each event's leaf hash and
// renders its line (for a whole-network pack nearly every event is relied
// on; the rest are dropped afterwards). Otherwise this thread does each
// page's three steps in turn. `folded` runs on this thread once the model
// is complete (while the last lines may still be rendered); it may read
// `model`, `fold` and `last_recorded_at_us` only.
Result<LogAsAt> ReadLogUpTo(storage::EventStore& store, std::uint64_t position, const std::string& spill_dir,
                            const std::function<void(const LogAsAt&)>& folded) {
  LogAsAt out;
  auto spill = SpillFile::Create(spill_dir);
  if (!spill.ok()) return spill.error();
  out.lines.emplace(std::move(*spill));
  out.stream_of.reserve(position);
  out.line_end.resize(position);
  PageSteps steps(store, position, out);
  constexpr std::size_t kAhead = 4;
  Channel<LogPage*> to_fold(kAhead), to_render(kAhead);
  // Pages both threads are done with; never more than the pages made (at
  // most 2 x kAhead + 3 are in flight), so a push never waits.
  Channel<LogPage*> returned(1 << 20);
  auto done_with = [&](LogPage* page) {
    if (page->users.fetch_sub(1, std::memory_order_acq_rel) == 1) returned.Push(page);
  };
  std::vector<std::function<void()>> stages;
  stages.emplace_back([&] {  // the reader
    while (steps.more()) {
      LogPage* page = nullptr;
      if (auto back = returned.TryPop()) {
        page = *back;
      } else {
        out.pages.push_back(std::make_unique<LogPage>());  // only this thread touches `pages` until joined
        page = out.pages.back().get();
      }
      if (!steps.Read(*page)) break;
      page->users.store(2, std::memory_order_relaxed);
      if (!to_fold.Push(page) || !to_render.Push(page)) break;
    }
    to_fold.Close();
    to_render.Close();
  });
  stages.emplace_back([&] {  // the renderer
    if (!steps.StartRendering()) {
      to_render.Cancel();
      to_fold.Cancel();
      return;
    }
    while (auto page = to_render.Pop()) {
      if (!steps.Render(**page)) {
        to_render.Cancel();
        to_fold.Cancel();
        return;
      }
      done_with(*page);
    }
  });
  for (auto& stage : stages) {
    // A stage that throws stops the others before its exception is carried
    // back (the fold would otherwise wait for a page that never comes).
    stage = [&to_fold, &to_render, work = std::move(stage)] {
      try {
        work();
      } catch (...) {
        to_fold.Cancel();
        to_render.Cancel();
        throw;
      }
    };
  }
  std::vector<Beside<void>> running = TryRunTogether(std::move(stages));
  if (running.empty()) {
    LogPage page;
    if (steps.StartRendering()) {
      while (steps.more() && steps.Read(page) && steps.Fold(page) && steps.Render(page)) {
      }
    }
    if (steps.folded_all() && folded) folded(out);
  } else {
    // On any way out (an exception too), the stages are stopped before
    // they are waited for.
    struct StopOnExit {
      Channel<LogPage*>& a;
      Channel<LogPage*>& b;
      std::vector<Beside<void>>& stages;
      ~StopOnExit() {
        a.Cancel();
        b.Cancel();
        for (auto& s : stages) {
          if (s.valid()) s.wait();
        }
      }
    } stop_on_exit{to_fold, to_render, running};
    while (auto page = to_fold.Pop()) {
      if (!steps.Fold(**page)) break;
      done_with(*page);
    }
    if (!steps.folded_all()) {
      to_fold.Cancel();
      to_render.Cancel();
    }
    // Once the fold is complete the reader has read its last page (a
    // failure stops it before), so its failure is not being written
    // meanwhile.
    if (steps.folded_all() && folded) folded(out);
    for (auto& s : running) s.get();  // rethrows what a stage threw
  }
  if (auto failure = steps.failure()) return *failure;
  return out;
}

}  // namespace assure::api
