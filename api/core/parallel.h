// Work beside the calling thread, with its exceptions carried back.
//
// The one way the code base runs a piece of a computation in parallel (the
// evidence pack's pipeline, its halves of a fold or a rendering): a thread
// per call, joined by the returned future, whose get() returns the result
// or rethrows what the work threw, and whose destructor waits for it, also
// on an early return. Long-lived service threads (the store's committer and
// answerer, the entity writer, the live feed's fan-out, ...) are named in
// README's thread picture instead.
//
// Thread safety: the work must synchronise what it shares with the caller.
#pragma once

#include <future>
#include <utility>

namespace assure::api {

template <class F>
auto RunBeside(F&& work) {
  return std::async(std::launch::async, std::forward<F>(work));
}

}  // namespace assure::api
