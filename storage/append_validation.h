// Validation of an append's input, before it reaches the writer.
//
// Pure apart from the IdSource (for events without an id). Every refusal is
// a value naming the offending field, e.g. "events[2].data".
#pragma once

#include <string_view>
#include <vector>

#include "storage/clock.h"
#include "storage/event_store.h"

namespace assure::storage {

struct PreparedEvent {
  Uuid id;
  bool client_supplied_id = false;
  std::string type;
  std::uint32_t schema_version = 1;
  std::string data;  // compact JSON object text
  EventMetadata metadata;
};

Status ValidateStreamId(const StoreOptions& options, std::string_view stream_id);

Result<std::vector<PreparedEvent>> PrepareAppend(const StoreOptions& options,
                                                 std::string_view stream_id,
                                                 std::vector<ProposedEvent>&& events,
                                                 IdSource& ids);

bool IsValidUtf8(std::string_view s);

}  // namespace assure::storage
